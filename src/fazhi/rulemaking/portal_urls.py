"""Public portal pages of this app, mounted under /portal/rulemaking/ (no login)."""

from django.urls import path

from . import portal_views

app_name = "rulemaking"
urlpatterns = [
    path("documents/", portal_views.documents, name="documents"),
    path("documents/<int:pk>/", portal_views.document, name="document"),
    path("decisions/", portal_views.decisions, name="decisions"),
    path("consultations/", portal_views.consultations, name="consultations"),
    path("consultations/<int:pk>/", portal_views.consultation, name="consultation"),
]
