from django.urls import path

from . import views

app_name = "rulemaking"
urlpatterns = [path("", views.overview, name="overview")]
