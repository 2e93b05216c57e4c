from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from fazhi.core.ledgers import registry
from fazhi.core.views import ledger_urlpatterns

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("ledgers/", include((ledger_urlpatterns(registry), "ledger"))),
    path("services/", include("fazhi.services.urls")),
    path("api/", include("fazhi.api.urls")),
    path("admin/", admin.site.urls),
    path("", include("fazhi.web.urls")),
]
