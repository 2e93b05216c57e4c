"""Django settings. Everything that differs between a laptop and production comes from the environment."""

import os
from pathlib import Path

import dj_database_url

PACKAGE_DIR = Path(__file__).resolve().parent
WORK_DIR = Path(os.environ.get("FAZHI_HOME", Path.cwd())).resolve()

DEBUG = os.environ.get("FAZHI_DEBUG", "0") == "1"
# FAZHI_ENV=production: a real secret is required and cookies, HSTS and redirects assume HTTPS.
PRODUCTION = os.environ.get("FAZHI_ENV", "development") == "production"
SECRET_KEY = os.environ.get("FAZHI_SECRET_KEY") or ("" if PRODUCTION else "insecure-dev-key-only-for-local-demo")
if not SECRET_KEY:
    raise RuntimeError("生产环境必须通过 FAZHI_SECRET_KEY 环境变量设置密钥")
if PRODUCTION and DEBUG:
    raise RuntimeError("生产环境不能开启 FAZHI_DEBUG")
ALLOWED_HOSTS = os.environ.get("FAZHI_ALLOWED_HOSTS", "127.0.0.1,localhost,testserver,[::1]").split(",")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "simple_history",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "fazhi.jobs",
    "fazhi.notices",
    "fazhi.evidence",
    "fazhi.privacy",
    "fazhi.core",
    "fazhi.org",
    "fazhi.law",
    "fazhi.services",
    "fazhi.enforcement",
    "fazhi.inspections",
    "fazhi.rulemaking",
    "fazhi.disputes",
    "fazhi.oversight",
    "fazhi.publicity",
    "fazhi.metrics",
    "fazhi.assessment",
    "fazhi.reports",
    "fazhi.portal",
    "fazhi.todo",
    "fazhi.web",
    "fazhi.system",
    "fazhi.api",
    "fazhi.demo",
]

# Reverse proxies in front of the app whose X-Forwarded-For is trusted (fazhi.core.proxy); 0: none.
FAZHI_TRUSTED_PROXIES = int(os.environ.get("FAZHI_TRUSTED_PROXIES", "0"))

MIDDLEWARE = [
    "fazhi.core.proxy.ForwardedFor",
    "django.middleware.security.SecurityMiddleware",
    # Replica reads (fazhi.core.replica): outside the session middleware, so a session saved is a write it sees.
    "fazhi.core.replica.ReplicaMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
    # A user whose password must be changed (first login, after a reset, expired) sees only the change page.
    "fazhi.system.middleware.PasswordChangeMiddleware",
    # A bare 405 (a form-only address opened in the browser) becomes a page in Chinese.
    "fazhi.web.errors.MethodNotAllowedPage",
]

AUTHENTICATION_BACKENDS = ["axes.backends.AxesStandaloneBackend", "django.contrib.auth.backends.ModelBackend"]
# Password guessing: after 5 failures for one user name from one address, that pair waits an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("FAZHI_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "registration/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "fazhi.core.proxy.client_ip"

ROOT_URLCONF = "fazhi.urls"
WSGI_APPLICATION = "fazhi.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "fazhi.web.context.navigation",
                "fazhi.notices.context.unread",
            ],
            # {% url %} with its results kept per process (fazhi.core.templatetags.kept_url)
            "builtins": ["fazhi.core.templatetags.kept_url"],
        },
    },
]
# Every form's widgets get their Bootstrap class here, not field by field (fazhi.core.forms.BootstrapBoundField).
FORM_RENDERER = "fazhi.core.forms.FormRenderer"

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{WORK_DIR / 'fazhi.sqlite3'}",
        conn_max_age=int(os.environ.get("FAZHI_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # WAL lets readers proceed while a writer works: the web UI stays usable during imports.
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # The 办件 filter index (services 0014) carries two columns as INCLUDE on PostgreSQL; SQLite has no INCLUDE and
    # builds it on its key columns alone, which is all it needs there.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
# A streaming replica (PostgreSQL hot standby, see docs/deployment.md): heavy read-only pages read from it, every
# write and every read of a request that wrote (or of a browser that wrote within the sticky seconds) the primary.
_REPLICA_URL = os.environ.get("FAZHI_REPLICA_URL", "")
if _REPLICA_URL:
    DATABASES["replica"] = dj_database_url.parse(
        _REPLICA_URL, conn_max_age=int(os.environ.get("FAZHI_CONN_MAX_AGE", "60"))
    )
    DATABASES["replica"]["OPTIONS"] = dict(DATABASES["default"].get("OPTIONS", {}))
    # Tests: the runner creates no database for it, and the alias sees what the tests write to the primary.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["fazhi.core.replica.ReplicaRouter"]
FAZHI_REPLICA_STICKY_SECONDS = float(os.environ.get("FAZHI_REPLICA_STICKY_SECONDS", "10"))

AUTH_USER_MODEL = "org.User"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Password policy (fazhi.system): the shortest password allowed, and after how many days a password must be
# changed (0: never). A password set by an administrator (a new account, a reset) must be changed at first login.
FAZHI_PASSWORD_MIN_LENGTH = int(os.environ.get("FAZHI_PASSWORD_MIN_LENGTH", "8"))
FAZHI_PASSWORD_MAX_AGE_DAYS = int(os.environ.get("FAZHI_PASSWORD_MAX_AGE_DAYS", "0"))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": FAZHI_PASSWORD_MIN_LENGTH},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "fazhi.system.passwords.DemoPasswordValidator"},
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:dashboard"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = WORK_DIR / "staticfiles"
_NODE_MODULES = Path(os.environ.get("FAZHI_NODE_MODULES", PACKAGE_DIR.parent.parent / "node_modules"))
STATICFILES_DIRS = [
    (f"vendor/{name}", _NODE_MODULES / name / "dist")
    for name in ("bootstrap", "echarts", "tom-select")
    if (_NODE_MODULES / name / "dist").is_dir()
]
WHITENOISE_USE_FINDERS = True
# Uploaded evidence is served only through views that check the data scope, never as public media.
# Several app servers on local disk: FAZHI_MEDIA_ROOT is a folder they all mount (NFS), or use FAZHI_S3_BUCKET.
MEDIA_ROOT = Path(os.environ.get("FAZHI_MEDIA_ROOT") or WORK_DIR / "var" / "media")
MEDIA_URL = "/media-not-served/"
# Uploaded files go through Django's storage API: local disk under MEDIA_ROOT, or, with FAZHI_S3_BUCKET, any
# S3-compatible object store (django-storages; FAZHI_S3_ENDPOINT_URL for MinIO, Ceph, OSS, COS, …; without keys
# boto3 finds the credentials itself, e.g. from an instance role). "evidence" holds the evidence files of the
# ledgers (fazhi.evidence), "default" the imports and reports of the task queue.
_S3_BUCKET = os.environ.get("FAZHI_S3_BUCKET", "")
if _S3_BUCKET:
    _FILES = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _S3_BUCKET,
            "endpoint_url": os.environ.get("FAZHI_S3_ENDPOINT_URL") or None,
            "region_name": os.environ.get("FAZHI_S3_REGION") or None,
            "access_key": os.environ.get("FAZHI_S3_ACCESS_KEY") or None,
            "secret_key": os.environ.get("FAZHI_S3_SECRET_KEY") or None,
            "addressing_style": os.environ.get("FAZHI_S3_ADDRESSING_STYLE") or None,  # "path" for most local stores
            "location": os.environ.get("FAZHI_S3_PREFIX", ""),
            "file_overwrite": False,
            "default_acl": None,  # the bucket's own policy: private
            "querystring_auth": True,
        },
    }
else:
    _FILES = {"BACKEND": "django.core.files.storage.FileSystemStorage"}
STORAGES = {
    "default": _FILES,
    "evidence": _FILES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# The largest evidence file accepted, in MB.
FAZHI_EVIDENCE_MAX_MB = int(os.environ.get("FAZHI_EVIDENCE_MAX_MB", "50"))
WHITENOISE_AUTOREFRESH = DEBUG

# Nothing a request needs may live in one app server's memory (docs/deployment.md): sessions are rows in the
# database, and the cache (rate limits) is a database table every server shares (created by `fazhi migrate`).
SESSION_ENGINE = "django.contrib.sessions.backends.db"
CACHES = {"default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "fazhi_cache"}}
SESSION_COOKIE_HTTPONLY = True
if PRODUCTION:
    SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = os.environ.get("FAZHI_SSL_REDIRECT", "1") == "1"
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # a load balancer probes the backend over plain http
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["fazhi.api.permissions.LedgerPermission"],
    "DEFAULT_SCHEMA_CLASS": "fazhi.api.schema.FazhiAutoSchema",
    "DEFAULT_FILTER_BACKENDS": ["fazhi.api.filters.LedgerFilterBackend"],
    "DEFAULT_PAGINATION_CLASS": "fazhi.api.pagination.LedgerCursorPagination",
    # The API speaks JSON only: form encodings would let "" stand for "not given" and blur what was sent.
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "PAGE_SIZE": 50,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "fazhi 法治政府建设平台 API",
    "DESCRIPTION": "台账、指标与年度报告的 REST 接口。所有列表均按当前用户的数据范围过滤。",
    "VERSION": "0.1.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
}

SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

# Law data: a city may point this at its own files (local deadlines). Holiday arrangements are entered in
# 系统管理 → 工作日历; the statutory holidays of a year not yet entered are in law/data/public_holidays.yaml.
FAZHI_LAW_PARAMETERS = os.environ.get("FAZHI_LAW_PARAMETERS", str(PACKAGE_DIR / "law" / "data" / "parameters"))

# Background and scheduled work (fazhi.jobs): jobs and their progress live in the database, visible from every app
# server; `fazhi worker` runs them. FAZHI_TASKS_IMMEDIATE=1 runs each job inside the call that enqueues it.
TASKS = {
    "default": {
        "BACKEND": (
            "django_tasks.backends.immediate.ImmediateBackend"
            if os.environ.get("FAZHI_TASKS_IMMEDIATE") == "1"
            else "django_tasks_db.DatabaseBackend"
        )
    }
}
# The worker (fazhi.jobs.worker): its heartbeat, how long a silent worker on another host is given before its
# running task is failed and requeued, how many times a task is tried, how long finished tasks are kept.
FAZHI_WORKER_BEAT_SECONDS = float(os.environ.get("FAZHI_WORKER_BEAT_SECONDS", "5"))
FAZHI_WORKER_TIMEOUT = float(os.environ.get("FAZHI_WORKER_TIMEOUT", "60"))
FAZHI_WORKER_HOUSEKEEPING_SECONDS = float(os.environ.get("FAZHI_WORKER_HOUSEKEEPING_SECONDS", "15"))
FAZHI_TASK_MAX_ATTEMPTS = int(os.environ.get("FAZHI_TASK_MAX_ATTEMPTS", "3"))
FAZHI_TASK_KEEP_DAYS = int(os.environ.get("FAZHI_TASK_KEEP_DAYS", "90"))
FAZHI_SCHEDULE_CATCH_UP_HOURS = float(os.environ.get("FAZHI_SCHEDULE_CATCH_UP_HOURS", "6"))

# Notifications (fazhi.notices): the daily digest e-mail. Without FAZHI_EMAIL_HOST mail is written to the console.
EMAIL_HOST = os.environ.get("FAZHI_EMAIL_HOST", "")
EMAIL_PORT = int(os.environ.get("FAZHI_EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("FAZHI_EMAIL_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("FAZHI_EMAIL_PASSWORD", "")
EMAIL_USE_TLS = os.environ.get("FAZHI_EMAIL_TLS") == "1"
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend" if EMAIL_HOST else "django.core.mail.backends.console.EmailBackend"
)
DEFAULT_FROM_EMAIL = os.environ.get("FAZHI_EMAIL_FROM", "fazhi@localhost")
# 待办与预警: how many working days ahead a deadline is listed and warned about.
FAZHI_TODO_WARN_WORKDAYS = int(os.environ.get("FAZHI_TODO_WARN_WORKDAYS", "3"))
# How long a process may reuse what one duty owes in a data scope (the 工作台's and 待办与预警's counts), and only while
# the ledger's history has no newer record; 0: counted on every page (fazhi.todo.items.Memo).
FAZHI_TODO_MEMO_SECONDS = float(os.environ.get("FAZHI_TODO_MEMO_SECONDS", "30"))
# The public address of the site, for links in e-mails.
FAZHI_SITE_URL = os.environ.get("FAZHI_SITE_URL", "http://127.0.0.1:8000")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("FAZHI_LOG_LEVEL", "WARNING")},
}
