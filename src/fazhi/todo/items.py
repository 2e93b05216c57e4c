"""What is due: every open ledger row that owes a step by a date, for a user's scope (plain functions, no HTTP).

Each ledger declares its duties (`fazhi.core.duties.Duty`); this module asks each one for its rows due within a
horizon of working days, classifies them (overdue / due today / due soon) and merges them by date.
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone

from fazhi.core.duties import Duty
from fazhi.core.ledgers import Ledger, registry
from fazhi.law.calendar import WorkCalendar, default_calendar

OVERDUE, TODAY, SOON = "overdue", "today", "soon"
STATE_NAMES = {OVERDUE: "已逾期", TODAY: "今日到期", SOON: "即将到期"}


def today() -> dt.date:
    return timezone.localdate()


def warning_workdays() -> int:
    return int(getattr(settings, "FAZHI_TODO_WARN_WORKDAYS", 3))


@dataclass(frozen=True)
class Window:
    """The day the list is drawn for and the last due date it shows (`within` working days ahead)."""

    today: dt.date
    within: int
    horizon: dt.date

    @classmethod
    def on(cls, today: dt.date, within: int | None = None, calendar: WorkCalendar | None = None) -> Window:
        within = warning_workdays() if within is None else within
        calendar = calendar or default_calendar()
        return cls(today=today, within=within, horizon=calendar.add_workdays(today, within))

    def state(self, due: dt.date) -> str:
        return OVERDUE if due < self.today else TODAY if due == self.today else SOON


@dataclass(frozen=True)
class Source:
    """One duty of one ledger."""

    ledger: Ledger
    duty: Duty

    @property
    def key(self) -> str:
        return f"{self.ledger.slug}:{self.duty.name}"

    @property
    def label(self) -> str:
        return f"{self.ledger.title} · {self.duty.title}"

    def rows(self, queryset, window: Window):
        """The ledger rows of `queryset` owing this duty by the window's horizon (overdue ones included)."""
        due = self.duty.due_field
        return queryset.filter(self.duty.pending, **{f"{due}__isnull": False, f"{due}__lte": window.horizon})


def sources(ledger_slug: str | None = None) -> list[Source]:
    return [
        Source(ledger, duty) for ledger in registry if ledger_slug in (None, "", ledger.slug) for duty in ledger.duties
    ]


def scoped(source: Source, user, within_unit=None, entered_by=None):
    queryset = source.ledger.model.objects.visible_to(user, within=within_unit)
    if entered_by is not None:
        created = source.ledger.model.history.filter(history_type="+", history_user=entered_by).values("id")
        queryset = queryset.filter(pk__in=created)
    return queryset


@dataclass
class Item:
    source: Source
    pk: int
    unit_id: int
    due: dt.date
    state: str
    workdays_left: int  # negative: working days overdue
    provisional: bool = False
    record: object = None
    rule: str = ""

    @property
    def url(self) -> str:
        url = reverse(self.source.ledger.url_name("detail"), args=[self.pk])
        return f"{url}#step-{self.source.duty.step}" if self.source.duty.step else url

    @property
    def state_name(self) -> str:
        return STATE_NAMES[self.state]

    @property
    def countdown(self) -> str:
        if self.state == TODAY:
            return "今日到期"
        if self.workdays_left < 0:
            return f"逾期{-self.workdays_left}个工作日"
        return f"剩余{self.workdays_left}个工作日"


def workdays_left(calendar: WorkCalendar, today: dt.date, due: dt.date) -> int:
    if due >= today:
        return calendar.workdays_between(today, due)
    return -max(calendar.workdays_between(due, today), 1)


@dataclass
class Counts:
    overdue: int = 0
    today: int = 0
    soon: int = 0

    @property
    def total(self) -> int:
        return self.overdue + self.today + self.soon

    def add(self, other: Counts) -> None:
        self.overdue += other.overdue
        self.today += other.today
        self.soon += other.soon


def _count_expressions(due: str, window: Window) -> dict:
    return {
        OVERDUE: Count("pk", filter=Q(**{f"{due}__lt": window.today})),
        TODAY: Count("pk", filter=Q(**{due: window.today})),
        SOON: Count("pk", filter=Q(**{f"{due}__gt": window.today})),
    }


def counts_by_source(user, window: Window, within_unit=None, entered_by=None, ledger=None) -> list[tuple]:
    """[(source, Counts)] for every duty with something due, one grouped query per duty."""
    result = []
    for source in sources(ledger):
        rows = source.rows(scoped(source, user, within_unit, entered_by), window)
        totals = rows.order_by().aggregate(**_count_expressions(source.duty.due_field, window))
        counts = Counts(**{state: totals[state] or 0 for state in (OVERDUE, TODAY, SOON)})
        if counts.total:
            result.append((source, counts))
    return result


@dataclass
class UnitCounts:
    unit: object
    counts: Counts = field(default_factory=Counts)
    by_source: dict = field(default_factory=dict)


def counts_by_unit(user, window: Window, within_unit=None, ledger=None, everything=False) -> list[UnitCounts]:
    """Per unit, what its ledgers owe (the 法治办's view of the city), most overdue first.

    `everything`: every unit, whatever the user's scope (the nightly scan cuts it per reader itself)."""
    from fazhi.org.models import Unit

    table: dict[int, UnitCounts] = {}
    for source in sources(ledger):
        queryset = source.ledger.model.objects.all() if everything else scoped(source, user, within_unit)
        rows = source.rows(queryset, window)
        grouped = rows.values("unit_id").order_by().annotate(**_count_expressions(source.duty.due_field, window))
        for row in grouped:
            entry = table.setdefault(row["unit_id"], UnitCounts(unit=None))
            counts = Counts(row[OVERDUE], row[TODAY], row[SOON])
            entry.counts.add(counts)
            entry.by_source[source.key] = counts
    units = Unit.objects.in_bulk(table)
    for unit_id, entry in table.items():
        entry.unit = units[unit_id]
    return sorted(table.values(), key=lambda e: (-e.counts.overdue, -e.counts.today, -e.counts.total, e.unit.path))


def items(
    user,
    window: Window,
    *,
    within_unit=None,
    entered_by=None,
    ledger: str | None = None,
    state: str | None = None,
    offset: int = 0,
    limit: int = 50,
    calendar: WorkCalendar | None = None,
) -> list[Item]:
    """One page of what is due, earliest due date first, across every duty; records loaded for the page only."""
    calendar = calendar or default_calendar()
    wanted = offset + limit
    streams = []
    for source in sources(ledger):
        due = source.duty.due_field
        rows = source.rows(scoped(source, user, within_unit, entered_by), window)
        if state == OVERDUE:
            rows = rows.filter(**{f"{due}__lt": window.today})
        elif state == TODAY:
            rows = rows.filter(**{due: window.today})
        elif state == SOON:
            rows = rows.filter(**{f"{due}__gt": window.today})
        head = rows.order_by(due, "pk").values_list(due, "pk", "unit_id")[:wanted]
        streams.append([(row[0], source.key, row[1], row[2], source) for row in head])
    merged = list(heapq.merge(*streams, key=lambda row: row[:3]))[offset:wanted]
    page = [
        Item(
            source=source,
            pk=pk,
            unit_id=unit_id,
            due=due,
            state=window.state(due),
            workdays_left=workdays_left(calendar, window.today, due),
            provisional=calendar.is_provisional(due),
            rule=source.duty.rule_on(due),
        )
        for due, _, pk, unit_id, source in merged
    ]
    _load_records(page)
    return page


def _load_records(page: list[Item]) -> None:
    wanted: dict[str, list[Item]] = defaultdict(list)
    for item in page:
        wanted[item.source.ledger.slug].append(item)
    for slug, entries in wanted.items():
        ledger = registry.get(slug)
        records = ledger.model.objects.select_related(*ledger.select_related).in_bulk([i.pk for i in entries])
        for item in entries:
            item.record = records.get(item.pk)
