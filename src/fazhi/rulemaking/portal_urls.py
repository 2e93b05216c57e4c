"""Public portal pages of this app, mounted under /portal/rulemaking/ (no login)."""
from django.urls import path  # noqa: F401

app_name = "rulemaking"
urlpatterns = []
