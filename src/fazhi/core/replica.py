"""Reads from a streaming replica (PostgreSQL hot standby), when one is configured, for heavy read-only work.

A read goes to the `replica` database alias only when all of these hold:

- a replica is configured (``FAZHI_REPLICA_URL`` adds the alias);
- the code running has opted in: ``reads_from_replica()`` (a context manager and a decorator; a context
  variable, so safe across threads and async tasks), or a GET/HEAD of a public portal page (the middleware);
- the request is not pinned to the primary: it is not a POST/PUT/PATCH/DELETE, nothing in it has written yet,
  and the browser has not written within ``FAZHI_REPLICA_STICKY_SECONDS`` (a cookie the middleware sets after a
  request that wrote) — so nobody misses their own change;
- no transaction is open on the primary (``transaction.atomic()`` reads what it is about to write);
- the model is not one the request itself depends on being fresh (sessions, users, login attempts, tokens,
  the task queue).

Everything else, and every write, goes to the primary (`default`).
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.db import connections

PRIMARY = "default"
REPLICA = "replica"
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
COOKIE = "fazhi_wrote"
# Reads of these apps always go to the primary: a login or a session written a moment ago must be found, and the
# shared cache ("django_cache": rate limits) counts what every server wrote.
PRIMARY_ONLY_APPS = frozenset(
    {"sessions", "axes", "authtoken", "django_tasks_database", "jobs", "admin", "django_cache"}
)
# The first word of an SQL statement that writes (or takes locks): the rest of the request reads the primary.
WRITE_WORDS = frozenset(
    {"INSERT", "UPDATE", "DELETE", "MERGE", "CREATE", "ALTER", "DROP", "TRUNCATE", "COPY", "LOCK", "GRANT"}
)


class Pin:
    """Whether the reads of one request (or one opted-in block outside a request) must stay on the primary."""

    __slots__ = ("pinned", "wrote", "opted_in")

    def __init__(self, pinned: bool = False):
        self.pinned = pinned
        self.wrote = False
        self.opted_in = False


_opted_in: ContextVar[bool] = ContextVar("fazhi_replica_opted_in", default=False)
_pin: ContextVar[Pin | None] = ContextVar("fazhi_replica_pin", default=None)


def configured() -> bool:
    return REPLICA in connections.settings


def sticky_seconds() -> float:
    return float(getattr(settings, "FAZHI_REPLICA_STICKY_SECONDS", 10))


def is_write(sql) -> bool:
    words = str(sql).lstrip().split(None, 1)
    return bool(words) and words[0].upper() in WRITE_WORDS


def watcher(pin: Pin):
    """An execute wrapper for the primary's connection: the first statement that writes pins the rest."""

    def watch(execute, sql, params, many, context):
        if not pin.wrote and is_write(sql):
            pin.wrote = pin.pinned = True
        return execute(sql, params, many, context)

    return watch


@contextmanager
def reads_from_replica():
    """Let the reads inside go to the replica (see the module's rules). Use as ``with`` or as a decorator."""
    token = _opted_in.set(True)
    pin_token = None
    try:
        if _pin.get() is None and configured():
            # Outside a request (a job, the CLI): a write inside the block pins the block's later reads.
            pin = Pin()
            pin_token = _pin.set(pin)
            with connections[PRIMARY].execute_wrapper(watcher(pin)):
                yield
        else:
            yield
    finally:
        if pin_token is not None:
            _pin.reset(pin_token)
        _opted_in.reset(token)


def read_alias(model=None) -> str:
    """The alias a read of `model` goes to now."""
    pin = _pin.get()
    if not (_opted_in.get() or (pin is not None and pin.opted_in)):
        return PRIMARY
    if pin is not None and pin.pinned:
        return PRIMARY
    if not configured() or connections[PRIMARY].in_atomic_block:
        return PRIMARY
    if model is not None and (
        model._meta.app_label in PRIMARY_ONLY_APPS or model._meta.label == settings.AUTH_USER_MODEL
    ):
        return PRIMARY
    return REPLICA


class ReplicaRouter:
    """settings.DATABASE_ROUTERS: writes and migrations on the primary, opted-in reads on the replica."""

    def db_for_read(self, model, **hints):
        return read_alias(model)

    def db_for_write(self, model, **hints):
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the replica is a copy of the primary: rows of both are the same rows

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == PRIMARY


def wrote_recently(request, now: float | None = None) -> bool:
    try:
        stamp = float(request.COOKIES.get(COOKIE, ""))
    except ValueError:
        return False
    age = (time.time() if now is None else now) - stamp
    return -5 <= age < sticky_seconds()  # a few seconds of clock skew between app servers


class ReplicaMiddleware:
    """Pins a request to the primary when it writes or its browser wrote within the sticky window, marks the
    response of a request that wrote, and opts the portal's GET pages into replica reads."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not configured():
            return self.get_response(request)
        pin = Pin(pinned=request.method in WRITE_METHODS or wrote_recently(request))
        token = _pin.set(pin)
        try:
            with connections[PRIMARY].execute_wrapper(watcher(pin)):
                response = self.get_response(request)
        finally:
            _pin.reset(token)
        if pin.wrote or request.method in WRITE_METHODS:
            response.set_cookie(
                COOKIE,
                f"{time.time():.3f}",
                max_age=max(1, int(sticky_seconds()) + 1),
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        pin = _pin.get()
        if pin is not None and match is not None and match.namespaces[:1] == ["portal"]:
            pin.opted_in = request.method in ("GET", "HEAD")
        return None
