"""Entering a year's holiday arrangement (系统管理 → 工作日历) and what follows from it, in one step.

`enter_arrangement` saves the State Council's notice for a year (fazhi.law.arrangements) and, in the same
transaction, saves again every ledger row with a derived deadline (a non-editable date field named `*due_on`) in or
after that year, so that its `save()` derives the deadlines on the new calendar. A row whose derived values do not
change is left as it was (its savepoint rolled back: no write, no history); one that changes keeps a history record
labelled `reason_for(year)`. The moved deadlines are returned, for the page to list, and the person who handles
each moved row is notified (fazhi.notices).

Rows are found through the ledger registry, not a list kept here: any ledger whose model has such a field is
covered. Closed rows are covered too: their on-time flags are measured against the deadline.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.urls import reverse

from fazhi.core.ledgers import BOOKKEEPING, Ledger, registry
from fazhi.core.provisional import deadline_fields
from fazhi.core.steps import step
from fazhi.law.arrangements import save_arrangement
from fazhi.law.calendar import forget_cached_calendar
from fazhi.notices.send import notify
from fazhi.org.choices import Role
from fazhi.org.models import User

NOTICE_KIND = "deadline_moved"
REASON_END = "年节假日安排，重新计算期限"


def reason_for(year: int) -> str:
    return f"录入{year}{REASON_END}"


@dataclass
class MovedDeadline:
    ledger: Ledger
    pk: int
    label: str
    field: str
    old: dt.date | None
    new: dt.date | None
    deleted: bool = False
    notified: list[str] = field(default_factory=list)

    @property
    def ledger_title(self) -> str:
        return self.ledger.title

    @property
    def field_label(self) -> str:
        return self.ledger.label(self.field)

    @property
    def url(self) -> str:
        return reverse(self.ledger.url_name("detail"), args=[self.pk])


@dataclass
class Refused:
    ledger: Ledger
    pk: int
    label: str
    error: str

    @property
    def url(self) -> str:
        return reverse(self.ledger.url_name("detail"), args=[self.pk])


@dataclass
class Entered:
    arrangement: object
    moved: list[MovedDeadline]
    refused: list[Refused]
    rows_checked: int


def deadline_ledgers() -> list[tuple[Ledger, tuple[str, ...]]]:
    """Every registered ledger with derived deadlines, and their fields."""
    return [(ledger, fields) for ledger in registry if (fields := deadline_fields(ledger.model))]


def _derived(row) -> dict:
    """The row's derived values (its non-editable fields but the bookkeeping timestamps)."""
    return {
        f.attname: getattr(row, f.attname)
        for f in row._meta.concrete_fields
        if not f.editable and f.name not in BOOKKEEPING and not f.primary_key
    }


def _resave(row):
    """Save the row (its save derives its deadlines again); keep the write only when something derived changed.
    Returns (before, after) of its derived fields."""
    before = _derived(row)
    savepoint = transaction.savepoint()
    row.save()
    after = _derived(row)
    if after == before:
        transaction.savepoint_rollback(savepoint)
    else:
        transaction.savepoint_commit(savepoint)
    return before, after


def handlers_of(row) -> list:
    """Who handles the row: the last person who acted on it (its history), else its unit's active clerks."""
    last = (
        row.history.filter(history_user__isnull=False, history_user__is_active=True)
        .exclude(history_change_reason__endswith=REASON_END)
        .order_by("-history_date", "-history_id")
        .values_list("history_user_id", flat=True)
        .first()
    )
    if last is not None:
        return list(User.objects.filter(pk=last))
    return list(User.objects.filter(unit_id=row.unit_id, role=Role.CLERK, is_active=True).order_by("pk"))


def recompute_from(year: int, reason: str) -> tuple[list[MovedDeadline], list[Refused], int]:
    """Save again every row with a deadline on or after 1 January of `year` (within the caller's transaction)."""
    resave = step(reason, allow_deleted=True)(_resave)
    start = dt.date(year, 1, 1)
    moved, refused, checked = [], [], 0
    for ledger, fields in deadline_ledgers():
        later = Q()
        for name in fields:
            later |= Q(**{f"{name}__gte": start})
        rows = ledger.model.all_objects.filter(later).order_by("pk")
        for row in rows.iterator(chunk_size=1000):
            checked += 1
            try:
                before, after = resave(row)
            except (ValidationError, ValueError, OverflowError) as error:
                messages = getattr(error, "messages", None) or [str(error)]
                refused.append(Refused(ledger, row.pk, str(row), "；".join(messages)))
                continue
            for name in fields:
                attname = ledger.model._meta.get_field(name).attname
                if before[attname] != after[attname]:
                    moved.append(
                        MovedDeadline(
                            ledger, row.pk, str(row), name, before[attname], after[attname], row.deleted_at is not None
                        )
                    )
    return moved, refused, checked


def notify_handlers(moved: list[MovedDeadline], year: int, arrangement) -> None:
    handlers: dict[tuple[str, int], list] = {}
    for move in moved:
        if move.deleted:
            continue
        key = (move.ledger.slug, move.pk)
        if key not in handlers:
            handlers[key] = handlers_of(move.ledger.model.all_objects.get(pk=move.pk))
        for user in handlers[key]:
            notify(
                user,
                f"moved:{move.ledger.slug}:{move.pk}:{move.field}:{year}:{move.new}",
                f"期限已重新计算：{move.ledger_title} {move.label}",
                f"{move.field_label}由{move.old or '无'}改为{move.new or '无'}。"
                f"原按暂定工作日历计算，现按已录入的{arrangement.title}（{arrangement.number}）重新计算。",
                move.url,
                kind=NOTICE_KIND,
            )
            move.notified.append(str(user))


def enter_arrangement(cleaned: dict, user=None) -> Entered:
    """Save the year's arrangement, recompute the deadlines in and after its year, and notify their handlers —
    all in one transaction (on any error nothing is saved and nobody is notified)."""
    year = cleaned["year"]
    reason = reason_for(year)
    try:
        with transaction.atomic():
            arrangement = save_arrangement(cleaned, user, reason=reason)
            moved, refused, checked = recompute_from(year, reason)
            notify_handlers(moved, year, arrangement)
    except BaseException:
        forget_cached_calendar()  # it may have read the rolled-back arrangement
        raise
    return Entered(arrangement, moved, refused, checked)
