"""The dispute area's staff pages: the year's figures and the overdue counts per unit."""

from fazhi.core.overdue import overdue_view
from fazhi.metrics.views import figures_view

figures = figures_view("争议化解年度数据", "disputes", ["disputes"])
overdue = overdue_view("争议化解逾期统计", "disputes")
