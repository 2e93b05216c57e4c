from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fazhi.core.ledgers import registry
from fazhi.core.views import ledger_urlpatterns
from fazhi.evidence.views import evidence_urlpatterns
from fazhi.web.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("ledgers/", include((ledger_urlpatterns(registry), "ledger"))),
    path("ledgers/", include((evidence_urlpatterns(registry), "evidence"))),
    path("services/", include("fazhi.services.urls")),
    path("enforcement/", include("fazhi.enforcement.urls")),
    path("inspections/", include("fazhi.inspections.urls")),
    path("rulemaking/", include("fazhi.rulemaking.urls")),
    path("disputes/", include("fazhi.disputes.urls")),
    path("oversight/", include("fazhi.oversight.urls")),
    path("publicity/", include("fazhi.publicity.urls")),
    path("assessment/", include("fazhi.assessment.urls")),
    path("reports/", include("fazhi.reports.urls")),
    path("portal/", include("fazhi.portal.urls")),
    path("api/", include("fazhi.api.urls")),
    path("system/", include("fazhi.system.urls")),
    path("jobs/", include("fazhi.jobs.urls")),
    path("todo/", include("fazhi.todo.urls")),
    path("notices/", include("fazhi.notices.urls")),
    path("admin/", admin.site.urls),
    path("", include("fazhi.web.urls")),
]

handler403 = "fazhi.web.errors.permission_denied"
handler404 = "fazhi.web.errors.page_not_found"
