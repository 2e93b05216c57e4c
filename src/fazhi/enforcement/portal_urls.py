"""Public portal pages of this app, mounted under /portal/enforcement/ (no login)."""

from django.urls import path

from . import portal_views

app_name = "enforcement"
urlpatterns = [
    path("", portal_views.index, name="index"),
    path("bodies/", portal_views.bodies, name="bodies"),
    path("officers/", portal_views.officers, name="officers"),
    path("matters/", portal_views.matters, name="matters"),
    path("decisions/", portal_views.decisions, name="decisions"),
]
