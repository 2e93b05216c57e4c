from django.urls import path

from . import scheme_views, views

app_name = "assessment"
urlpatterns = [
    path("", views.index, name="index"),
    path("run/", views.start_run, name="start"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/export/", views.run_export, name="export"),
    path("runs/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("trend/", views.trend, name="trend"),
    path("gaps/", views.gaps, name="gaps"),
    path("ledger-values/", views.ledger_values, name="ledger_values"),
    path("evidence/<int:pk>/", views.evidence, name="evidence"),
    path("schemes/", scheme_views.scheme_list, name="schemes"),
    path("schemes/new/", scheme_views.scheme_new, name="scheme_new"),
    path("schemes/check-formula/", scheme_views.formula_check, name="scheme_formula"),
    path("schemes/my-items/", scheme_views.unit_items, name="unit_items"),
    path("schemes/<int:pk>/", scheme_views.scheme_detail, name="scheme"),
    path("schemes/<int:pk>/settings/", scheme_views.scheme_settings, name="scheme_settings"),
    path("schemes/<int:pk>/area/", scheme_views.scheme_area, name="scheme_area"),
    path("schemes/<int:pk>/indicator/", scheme_views.scheme_indicator, name="scheme_indicator"),
    path("schemes/<int:pk>/item/", scheme_views.scheme_item, name="scheme_item"),
    path("schemes/<int:pk>/export/", scheme_views.scheme_export, name="scheme_export"),
    path("schemes/<int:pk>/import/", scheme_views.scheme_import, name="scheme_import"),
    path("schemes/<int:pk>/preview/", scheme_views.scheme_preview, name="scheme_preview"),
    path("schemes/<int:pk>/publish/", scheme_views.scheme_publish, name="scheme_publish"),
]
