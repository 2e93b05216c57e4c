from django.contrib.auth.decorators import login_required
from django.db.models import Sum
from django.db.models.functions import ExtractMonth
from django.shortcuts import render

from fazhi.core.current import focus_unit, year_choices, year_of
from fazhi.core.replica import reads_from_replica
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.metrics.views import year_notes
from fazhi.org.models import Unit

from .models import ApplicationDay, SupervisionCardDay


def monthly(days, year):
    """(accepted, decided) per month of `year` from the per-day totals, summed by day and folded into months."""
    accepted, decided = [0] * 12, [0] * 12
    rows = days.filter(day__year=year).values("day").order_by().annotate(a=Sum("accepted"), d=Sum("decided"))
    for day, a, d in rows.values_list("day", "a", "d"):
        accepted[day.month - 1] += a
        decided[day.month - 1] += d
    return accepted, decided


def monthly_cards(days, year):
    """电子监察 per unit and month, from the per-day card totals: [(unit, [(yellow, red) × 12], yellow total, red
    total)] of the units that were issued any, most red first."""
    rows = (
        days.filter(day__year=year)
        .annotate(month=ExtractMonth("day"))
        .values("unit_id", "month")
        .order_by()
        .annotate(yellow=Sum("yellow"), red=Sum("red"))
    )
    table: dict[int, list[list[int]]] = {}
    for row in rows:
        if row["yellow"] or row["red"]:  # a day whose cards all went keeps a row of zeros
            months = table.setdefault(row["unit_id"], [[0, 0] for _ in range(12)])
            months[row["month"] - 1] = [row["yellow"], row["red"]]
    units = Unit.objects.in_bulk(table)
    result = [
        (units[unit_id], months, sum(m[0] for m in months), sum(m[1] for m in months))
        for unit_id, months in table.items()
    ]
    return sorted(result, key=lambda row: (-row[3], -row[2], row[0].path))


@login_required
@reads_from_replica()
def figures(request):
    year = year_of(request)
    unit = focus_unit(request)
    rows, chart, cards = [], None, []
    if unit is not None:
        values = unit_metrics(Period.year(year), [unit], families=["services"])[unit.pk]
        rows = [
            (metric.name, metric.format(values.get(metric.code)), metric.definition)
            for metric in catalogue().in_family("services")
            if metric.code in values
        ]
        received, completed = monthly(ApplicationDay.objects.visible_to(request.user, within=unit), year)
        chart = {"months": [f"{m}月" for m in range(1, 13)], "received": received, "completed": completed}
        cards = monthly_cards(SupervisionCardDay.objects.visible_to(request.user, within=unit), year)
    return render(
        request,
        "services/figures.html",
        {
            "unit": unit,
            "year": year,
            "rows": rows,
            "chart": chart,
            "cards": cards,
            "years": year_choices(),
            "active_area": "services",
            "unit_notes": year_notes(unit, year) if unit is not None else [],
        },
    )
