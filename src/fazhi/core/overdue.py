"""The overdue counts per unit that each ledger area mounts for its ledgers; rows reached through the scope layer."""

from django.contrib.auth.decorators import login_required
from django.db.models import Count
from django.shortcuts import render
from django.urls import reverse

from fazhi.org.models import Unit

from .current import current_unit
from .ledgers import registry


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
        return render(request, "core/overdue.html", {"title": title, "sections": sections, "active_area": area})

    return overdue
