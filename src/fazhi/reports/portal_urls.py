"""Public portal pages of annual reports (published ones only), mounted under /portal/reports/."""

from django.urls import path

from . import portal_views

app_name = "reports"
urlpatterns = [
    path("", portal_views.index, name="index"),
    path("<int:pk>/", portal_views.document, name="document"),
]
