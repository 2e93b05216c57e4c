"""The public portal (公开): read-only pages of what the law says must be public. No login."""

from django.urls import include, path

from . import views

app_name = "portal"
urlpatterns = [
    path("", views.index, name="index"),
    path("enforcement/", include("fazhi.enforcement.portal_urls")),
    path("inspections/", include("fazhi.inspections.portal_urls")),
    path("rulemaking/", include("fazhi.rulemaking.portal_urls")),
    path("reports/", include("fazhi.reports.portal_urls")),
]
