from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("<int:pk>/document/", views.document, name="document"),
    path("<int:pk>/files/", views.files, name="files"),
    path("<int:pk>/generate/", views.generate, name="generate"),
]
