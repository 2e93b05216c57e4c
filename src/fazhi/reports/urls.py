from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("status/", views.status, name="status"),
    path("start/", views.start, name="start"),
    path("<int:pk>/", views.workspace, name="workspace"),
    path("<int:pk>/document/", views.document, name="document"),
    path("<int:pk>/files/", views.files, name="files"),
    path("<int:pk>/generate/", views.generate, name="generate"),
]

from .reading_urls import urlpatterns as reading_urlpatterns  # noqa: E402  (published reports read in the browser)

urlpatterns += reading_urlpatterns
