"""The year's figures page each ledger area mounts with its own families; rows reached through the scope layer."""

import datetime as dt

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from fazhi.core.current import focus_unit, year_choices, year_of
from fazhi.core.replica import reads_from_replica
from fazhi.org.choices import UnitChangeKind
from fazhi.org.models import chinese_date

from .catalogue import catalogue
from .registry import Period, unit_metrics


def year_notes(unit, year: int) -> list[str]:
    """What a reader of a unit's figures for a year must know of its 机构改革: that the unit was not in force in the
    year, and each change of the year, with where its rows before and after the day are counted."""
    notes = []
    if not unit.existed_between(dt.date(year, 1, 1), dt.date(year, 12, 31)):
        notes.append(f"{unit.name}{unit.validity_label}，{year}年不在存续期内，本年无数据。")
    for change in unit.changes():
        if change.effective_on.year != year:
            continue
        day = chinese_date(change.effective_on)
        if change.kind in (UnitChangeKind.MERGE, UnitChangeKind.SPLIT):
            before = "、".join(u.name for u in change.predecessors.all())
            after = "、".join(u.name for u in change.successors.all())
            notes.append(
                f"{day}起{change.summary}：此前的数据计入{before}，自该日起计入{after}（台账记录仍归属录入时的单位）。"
            )
        else:
            notes.append(f"{day}起{change.summary}：本单位的数据不受影响。")
    return notes


def figures_view(title: str, area: str, families: list[str], extra_codes: tuple[str, ...] = ()):
    @login_required
    @reads_from_replica()
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
                "years": year_choices(),
                "unit_notes": year_notes(unit, year) if unit is not None else [],
            },
        )

    return figures
