from django.urls import path

from . import views

app_name = "disputes"
urlpatterns = [
    path("figures/", views.figures, name="figures"),
    path("overdue/", views.overdue, name="overdue"),
]
