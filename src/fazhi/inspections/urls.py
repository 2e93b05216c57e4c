from django.urls import path

from . import views

app_name = "inspections"
urlpatterns = [path("tasks/<int:pk>/verify/", views.verify_task, name="verify")]
