from django.urls import path

from fazhi.core.overdue import overdue_view
from fazhi.metrics.views import figures_view

app_name = "oversight"
urlpatterns = [
    path("figures/", figures_view("监督与政务公开年度数据", "oversight", ["oversight"]), name="figures"),
    path("overdue/", overdue_view("建议提案与依申请公开逾期统计", "oversight"), name="overdue"),
]
