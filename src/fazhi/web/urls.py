from django.urls import path

from . import views

app_name = "web"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("area/<slug:area>/", views.area, name="area"),
    path("switch-unit/", views.switch_unit, name="switch-unit"),
    path("switch-year/", views.switch_year, name="switch-year"),
]
