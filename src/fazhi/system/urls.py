from django.urls import path

from . import params, views

app_name = "system"
urlpatterns = [
    path("", views.index, name="index"),
    path("params/", params.parameters, name="params"),
    path("params/local/", params.local_value, name="param-local"),
    path("params/recompute/", params.recompute_deadlines, name="params-recompute"),
]
