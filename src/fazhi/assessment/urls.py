from django.urls import path

from . import views

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
]
