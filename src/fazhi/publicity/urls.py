from django.urls import path

from fazhi.metrics.views import figures_view

app_name = "publicity"
urlpatterns = [
    path(
        "figures/",
        figures_view(
            "普法与学法年度数据", "publicity", ["publicity"], ("leadership_law_study_sessions", "staff_trained")
        ),
        name="figures",
    ),
]
