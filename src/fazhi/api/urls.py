from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.routers import DefaultRouter

from fazhi.core.ledgers import registry
from fazhi.services.api import ApplicationSyncView

from .views import UnitViewSet, viewset_for

router = DefaultRouter()
router.register("units", UnitViewSet, basename="unit")
for ledger in registry:
    router.register(ledger.slug, viewset_for(ledger), basename=ledger.slug)

app_name = "api"
urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api:schema"), name="docs"),
    path("applications/sync/", ApplicationSyncView.as_view(), name="applications-sync"),
    path("", include(router.urls)),
]
