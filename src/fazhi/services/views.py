from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.utils import timezone

from fazhi.core.current import current_unit
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.org.models import Unit

from .models import Application


def focus_unit(request):
    """The unit whose figures to show: the chosen one, else the top of the user's scope."""
    unit = current_unit(request)
    if unit is None:
        unit = Unit.objects.visible_to(request.user).order_by("depth", "sort_order", "pk").first()
    return unit


def monthly(queryset, field, year):
    """Rows per month of `year` by the date `field`.

    Grouped by the date itself (at most 366 groups) and folded into months here: EXTRACT(MONTH …) on every
    row cost twice as much on a city's million 办件 (and SQLite computes it in Python), and COUNT(*) can be
    answered from the covering metrics index.
    """
    counts = [0] * 12
    rows = queryset.filter(**{f"{field}__year": year}).values(field).order_by().annotate(n=Count("*"))
    for day, n in rows.values_list(field, "n"):
        counts[day.month - 1] += n
    return counts


@login_required
def figures(request):
    year = int(request.GET.get("year") or timezone.localdate().year - 1)
    unit = focus_unit(request)
    rows, chart = [], None
    if unit is not None:
        values = unit_metrics(Period.year(year), [unit], families=["services"])[unit.pk]
        rows = [
            (metric.name, metric.format(values.get(metric.code)), metric.definition)
            for metric in catalogue().in_family("services") if metric.code in values
        ]
        applications = Application.objects.visible_to(request.user, within=unit)
        chart = {
            "months": [f"{m}月" for m in range(1, 13)],
            "received": monthly(applications, "accepted_on", year),
            "completed": monthly(applications, "decided_on", year),
        }
    return render(request, "services/figures.html", {
        "unit": unit, "year": year, "rows": rows, "chart": chart, "years": range(timezone.localdate().year, 2018, -1),
        "active_area": "services",
    })
