from django.urls import path

from . import params, units, views

app_name = "system"
urlpatterns = [
    path("", views.index, name="index"),
    path("params/", params.parameters, name="params"),
    path("params/local/", params.local_value, name="param-local"),
    path("params/recompute/", params.recompute_deadlines, name="params-recompute"),
    path("units/", units.unit_list, name="units"),
    path("units/new/", units.unit_create, name="unit-create"),
    path("units/import/", units.unit_import, name="units-import"),
    path("units/import/template/", units.unit_template, name="units-template"),
    path("units/export/", units.unit_export, name="units-export"),
    path("units/changes/", units.change_list, name="unit-changes"),
    path("units/changes/new/", units.change_new, name="unit-change-new"),
    path("units/<int:pk>/", units.unit_detail, name="unit-detail"),
    path("units/<int:pk>/edit/", units.unit_edit, name="unit-edit"),
]
