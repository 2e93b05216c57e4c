from django.urls import path

from . import views

app_name = "enforcement"
urlpatterns = [path("figures/", views.figures, name="figures")]
