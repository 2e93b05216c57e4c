"""The year's figures page each ledger area mounts with its own families; rows reached through the scope layer."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from fazhi.core.current import focus_unit, year_of

from .catalogue import catalogue
from .registry import Period, unit_metrics


def figures_view(title: str, area: str, families: list[str], extra_codes: tuple[str, ...] = ()):
    @login_required
    def figures(request):
        year, unit = year_of(request), focus_unit(request)
        tables = []
        if unit is not None:
            values = unit_metrics(
                Period.year(year), [unit], families=families + (["leadership"] if extra_codes else [])
            )[unit.pk]
            for family in families:
                rows = [
                    (m.name, m.format(values.get(m.code)), m.definition)
                    for m in catalogue().in_family(family)
                    if m.code in values
                ]
                tables.append((catalogue().families[family], rows))
            extra = [
                (catalogue()[code].name, catalogue()[code].format(values.get(code)), catalogue()[code].definition)
                for code in extra_codes
                if code in values
            ]
            if extra:
                tables.append((catalogue().families["leadership"], extra))
        return render(
            request,
            "metrics/figures.html",
            {
                "title": title,
                "unit": unit,
                "year": year,
                "tables": tables,
                "active_area": area,
                "years": range(timezone.localdate().year, 2018, -1),
            },
        )

    return figures
