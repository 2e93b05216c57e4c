"""Public portal pages of this app, mounted under /portal/inspections/ (no login)."""

from django.urls import path

from . import portal_views

app_name = "inspections"
urlpatterns = [
    path("", portal_views.index, name="index"),
    path("tasks/<int:pk>/", portal_views.task, name="task"),
    path("results/", portal_views.results, name="results"),
]
