from django.urls import path

from . import views

app_name = "jobs"
urlpatterns = [
    path("<str:task_id>/", views.task_detail, name="task"),
    path("<str:task_id>/file/", views.task_file, name="task-file"),
]
