"""Public portal pages of this app, mounted under /portal/reports/ (no login)."""
from django.urls import path  # noqa: F401

app_name = "reports"
urlpatterns = []
