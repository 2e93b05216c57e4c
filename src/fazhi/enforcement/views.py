from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fazhi.core.current import current_unit, year_choices, year_of
from fazhi.core.replica import reads_from_replica
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.org.models import Unit


@login_required
@reads_from_replica()
def figures(request):
    """The year's 行政执法 and 双随机 figures of the unit in focus (its subtree), computed from the ledgers."""
    year = year_of(request)
    unit = current_unit(request) or Unit.objects.visible_to(request.user).order_by("depth", "sort_order", "pk").first()
    rows = []
    if unit is not None:
        values = unit_metrics(Period.year(year), [unit], families=["enforcement"])[unit.pk]
        rows = [
            (
                metric.name,
                metric.format(values.get(metric.code)) if metric.code in values else "人工填报",
                metric.definition,
            )
            for metric in catalogue().in_family("enforcement")
        ]
    return render(
        request,
        "enforcement/figures.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "years": year_choices(),
            "active_area": "enforcement",
        },
    )
