"""What is due: every open ledger row that owes a step by a date, for a user's scope (plain functions, no HTTP).

Each ledger declares its duties (`fazhi.core.duties.Duty`); this module asks each one for its rows due within a
horizon of working days, classifies them (overdue / due today / due soon) and merges them by date.

A page (the 工作台, 待办与预警) passes a `Memo`: what each duty gave for a data scope is kept in this process and
reused while neither that ledger's history nor the unit tree's has a newer record (every change of a ledger row
goes through a step, a form or an import, all of which write history), for at most
settings.FAZHI_TODO_MEMO_SECONDS. The memo holds counts and row ids only; the records shown are read fresh.
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
from fazhi.org.history import Kept, history_versions, memo_seconds, tree_version_in
from fazhi.org.scope import note_tree_version, scope_of

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


# -- the memo of a page's counts -------------------------------------------------------------------------------

_memo = Kept(entries=4096)  # (duty, scope, window) entries kept per process, the least recently used dropped first


def clear_memo() -> None:
    _memo.clear()


@dataclass(frozen=True)
class Memo:
    """The counts and first rows of each duty for one data scope, unit and window, reused while still true."""

    scope: object  # fazhi.org.scope.Scope: which rows the user sees (the role's rules applied)
    within: int | None  # the unit chosen in the switcher
    window: Window
    versions: dict

    @classmethod
    def for_user(cls, user, window: Window, within_unit=None) -> Memo | None:
        """A memo for the user's pages, or None when settings.FAZHI_TODO_MEMO_SECONDS is 0."""
        if memo_seconds() <= 0:
            return None
        versions = history_versions({source.ledger.model for source in sources()})
        note_tree_version(versions)  # the scope's unit tree (fazhi.org.scope.kept) need not read it again
        org = tree_version_in(versions)
        return cls(scope_of(user), within_unit.pk if within_unit else None, window, {**versions, "org": org})

    def get(self, source: Source, part: tuple, compute):
        key = (
            source.key,
            part,
            self.scope,
            self.within,
            self.window,
            self.versions[source.ledger.model],
            self.versions["org"],
        )
        return _memo.get(key, compute)


def _memoized(memo: Memo | None, source: Source, part: tuple, compute):
    return memo.get(source, part, compute) if memo is not None else compute()


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


def counts_by_source(
    user, window: Window, within_unit=None, entered_by=None, ledger=None, memo: Memo | None = None
) -> list[tuple]:
    """[(source, Counts)] for every duty with something due, one grouped query per duty."""
    result = []
    for source in sources(ledger):

        def count(source=source):
            rows = source.rows(scoped(source, user, within_unit, entered_by), window)
            totals = rows.order_by().aggregate(**_count_expressions(source.duty.due_field, window))
            return tuple(totals[state] or 0 for state in (OVERDUE, TODAY, SOON))

        counts = Counts(*_memoized(memo if entered_by is None else None, source, ("counts",), count))
        if counts.total:
            result.append((source, counts))
    return result


def counts_from_units(table: list[UnitCounts], ledger=None) -> list[tuple]:
    """`counts_by_source` summed from `counts_by_unit` for the same user, unit and ledger (no `entered_by`): the
    office's pages need both, and this spares one query per duty."""
    result = []
    for source in sources(ledger):
        counts = Counts()
        for entry in table:
            if source.key in entry.by_source:
                counts.add(entry.by_source[source.key])
        if counts.total:
            result.append((source, counts))
    return result


@dataclass
class UnitCounts:
    unit: object
    counts: Counts = field(default_factory=Counts)
    by_source: dict = field(default_factory=dict)


def counts_by_unit(
    user, window: Window, within_unit=None, ledger=None, everything=False, memo: Memo | None = None
) -> list[UnitCounts]:
    """Per unit, what its ledgers owe (the 法治办's view of the city), most overdue first.

    `everything`: every unit, whatever the user's scope (the nightly scan cuts it per reader itself)."""
    from fazhi.org.models import Unit

    table: dict[int, UnitCounts] = {}
    for source in sources(ledger):

        def group(source=source):
            queryset = source.ledger.model.objects.all() if everything else scoped(source, user, within_unit)
            rows = source.rows(queryset, window)
            grouped = rows.values("unit_id").order_by().annotate(**_count_expressions(source.duty.due_field, window))
            return [(row["unit_id"], row[OVERDUE], row[TODAY], row[SOON]) for row in grouped]

        for unit_id, *numbers in _memoized(None if everything else memo, source, ("units",), group):
            entry = table.setdefault(unit_id, UnitCounts(unit=None))
            counts = Counts(*numbers)
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
    memo: Memo | None = None,
) -> list[Item]:
    """One page of what is due, earliest due date first, across every duty; records loaded for the page only."""
    calendar = calendar or default_calendar()
    wanted = offset + limit
    streams = []
    for source in sources(ledger):

        def head(source=source):
            due = source.duty.due_field
            rows = source.rows(scoped(source, user, within_unit, entered_by), window)
            if state == OVERDUE:
                rows = rows.filter(**{f"{due}__lt": window.today})
            elif state == TODAY:
                rows = rows.filter(**{due: window.today})
            elif state == SOON:
                rows = rows.filter(**{f"{due}__gt": window.today})
            return list(rows.order_by(due, "pk").values_list(due, "pk", "unit_id")[:wanted])

        rows = _memoized(memo if entered_by is None else None, source, ("head", state, wanted), head)
        streams.append([(row[0], source.key, row[1], row[2], source) for row in rows])
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


def record_rows(ledger):
    """Where a page's records come from: what the to-do table shows of a record is its name and its unit's
    (todo/table.html), so a ledger whose model says what its name reads (`label_fields`) loads only that."""
    model = ledger.model
    label_fields = getattr(model, "label_fields", None)
    if not label_fields or "unit" not in ledger.select_related:
        return model.objects.select_related(*ledger.select_related)
    return model.objects.select_related("unit").only(*label_fields, "unit", "unit__name")


def _load_records(page: list[Item]) -> None:
    wanted: dict[str, list[Item]] = defaultdict(list)
    for item in page:
        wanted[item.source.ledger.slug].append(item)
    for slug, entries in wanted.items():
        ledger = registry.get(slug)
        records = record_rows(ledger).in_bulk([i.pk for i in entries])
        for item in entries:
            item.record = records.get(item.pk)
