"""/reports/read/: published reports read in the browser (included by urls.py, in the reports namespace)."""

from django.urls import path

from . import reading_views as views

urlpatterns = [
    path("read/", views.reading_list, name="reading_list"),
    path("read/export/", views.reading_export_all, name="reading_export_all"),
    path("read/<int:pk>/", views.reading_detail, name="reading"),
    path("read/<int:pk>/decide/", views.reading_decide, name="reading_decide"),
    path("read/<int:pk>/confirm-all/", views.reading_confirm_all, name="reading_confirm_all"),
    path("read/<int:pk>/settings/", views.reading_settings, name="reading_settings"),
    path("read/<int:pk>/delete/", views.reading_delete, name="reading_delete"),
    path("read/<int:pk>/export/", views.reading_export, name="reading_export"),
]
