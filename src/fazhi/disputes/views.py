"""Staff pages of the dispute, oversight and publicity areas: a year's figures and the overdue counts per unit.

The two views are shared by the three apps (each mounts them with its own families and ledgers); both reach rows
only through the scope layer.
"""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from fazhi.core.current import current_unit, year_of
from fazhi.core.ledgers import registry
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.org.models import Unit


def focus_unit(request):
    """The chosen unit, else the top of the user's scope."""
    return current_unit(request) or Unit.objects.visible_to(request.user).order_by("depth", "sort_order", "pk").first()


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
            "disputes/figures.html",
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


def overdue_view(title: str, area: str):
    @login_required
    def overdue(request):
        within = current_unit(request)
        sections = []
        for ledger in registry.in_area(area):
            flt = ledger.extra_filters.get("overdue")
            if flt is None:
                continue
            queryset = ledger.model.objects.visible_to(request.user, within=within)
            late = flt.method(queryset, "overdue", True) if callable(flt.method) else queryset.none()
            counts = list(late.values("unit_id").order_by().annotate(n=Count("id")).values_list("unit_id", "n"))
            units = Unit.objects.in_bulk([unit_id for unit_id, _ in counts])
            list_url = reverse(ledger.url_name("list"))
            rows = sorted(
                ((units[unit_id], n, f"{list_url}?overdue=true&unit={unit_id}") for unit_id, n in counts),
                key=lambda row: (row[0].path, row[0].pk),
            )
            sections.append((ledger, rows, sum(n for _, n in counts)))
        return render(request, "disputes/overdue.html", {"title": title, "sections": sections, "active_area": area})

    return overdue


figures = figures_view("争议化解年度数据", "disputes", ["disputes"])
overdue = overdue_view("争议化解逾期统计", "disputes")
