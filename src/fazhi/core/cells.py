"""How a ledger value reads at a glance: a status as a coloured tag, an overdue deadline in red, long text cut
short with the whole of it in a tooltip. The colours of every ledger's statuses are kept here, in one place."""

from __future__ import annotations

import datetime as dt
import html
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import models
from django.utils import timezone
from django.utils.formats import localize
from django.utils.functional import Promise
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Status value -> Bootstrap colour. Values are shared across ledgers on purpose (every 办结 is green, every
# refusal red); a value missing here is shown grey.
DONE, ACTIVE, WAITING, REFUSED, ENDED = "success", "primary", "secondary", "danger", "dark"
STATUS_COLOURS = {
    # finished: green
    "decided": DONE,
    "closed": DONE,
    "concluded": DONE,
    "replied": DONE,
    "resolved": DONE,
    "published": DONE,
    "review_passed": DONE,
    "opinion_given": DONE,
    "reviewed": DONE,
    "locked": DONE,
    "succeeded": DONE,
    # in hand: blue
    "accepted": ACTIVE,
    "open": ACTIVE,
    "assigned": ACTIVE,
    "in_progress": ACTIVE,
    "pending": ACTIVE,
    "reviewing": ACTIVE,
    "deliberated": ACTIVE,
    "requested": ACTIVE,
    "drawn": ACTIVE,
    "submitted": ACTIVE,
    "running": ACTIVE,
    # not started yet: grey
    "received": WAITING,
    "registered": WAITING,
    "drafting": WAITING,
    "draft": WAITING,
    "planned": WAITING,
    "queued": WAITING,
    # refused or failed: red
    "not_accepted": REFUSED,
    "refused": REFUSED,
    "review_failed": REFUSED,
    "failed": REFUSED,
    "not_adopted": REFUSED,
    "returned": REFUSED,
    # no longer in force: dark
    "repealed": ENDED,
    "invalidated": ENDED,
}
STATUS_FIELDS = ("status",)
TEXT_WIDTH = 14  # em: a long name or title is cut here in a list, whole in its tooltip


def status_colour(value) -> str:
    return STATUS_COLOURS.get(str(value), WAITING)


def status_tag(value, label=None):
    """A status as a coloured Bootstrap badge (`text-bg-<colour>`), its code kept in `data-status`."""
    if value in (None, ""):
        return ""
    return format_html(
        '<span class="badge rounded-pill text-bg-{} status-tag" data-status="{}">{}</span>',
        status_colour(value),
        value,
        label if label is not None else value,
    )


def overdue_date(value, title: str = "已逾期"):
    return format_html('<span class="text-danger fw-semibold overdue" title="{}">{}</span>', title, value)


class Cell(NamedTuple):  # a tuple: a list page makes hundreds
    value: object  # what is shown (safe html or a plain value)
    kind: str = ""  # css class of the cell: "cell-text" (cut short), "cell-date", "cell-num", ""
    title: str = ""  # the whole value, as a tooltip, when the cell is cut short


def cell_kind(field) -> str:
    if isinstance(field, (models.DateField, models.DateTimeField)):
        return "cell-date"
    if field.choices or isinstance(field, models.BooleanField):
        return ""
    if isinstance(field, (models.IntegerField, models.DecimalField, models.FloatField)):
        return "cell-num"
    if field.is_relation or isinstance(field, (models.CharField, models.TextField)):
        return "cell-text"
    return ""


def pending_by_due_field(ledger, rows) -> dict[str, set[int]]:
    """For each deadline a ledger's duties watch, which of these rows still owe the step: read off the rows when the
    duty's condition is plain (`holds`), else one query per duty."""
    pks = [row.pk for row in rows]
    pending: dict[str, set[int]] = {}
    if not pks:
        return pending
    for duty in ledger.duties:
        found = [holds(duty.pending, row) for row in rows]
        if None in found:
            ids = ledger.model._base_manager.filter(duty.pending, pk__in=pks).values_list("pk", flat=True)
        else:
            ids = [row.pk for row, owed in zip(rows, found, strict=True) if owed]
        pending.setdefault(duty.due_field, set()).update(ids)
    return pending


def holds(condition: models.Q, row) -> bool | None:
    """Whether a loaded row meets a condition made only of `field=value` and `field__isnull=…` on its own columns
    (what the duties say), ANDed; None when the condition says anything else and only the database can tell."""
    if condition.negated or condition.connector != models.Q.AND:
        return None
    met = True
    for child in condition.children:
        if isinstance(child, models.Q):
            inner = holds(child, row)
            if inner is None:
                return None
            met = met and inner
            continue
        lookup, value = child
        name, _, operator = lookup.partition("__")
        try:
            field = row._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.is_relation or not field.concrete or field.attname not in row.__dict__:
            return None
        stored = row.__dict__[field.attname]
        if operator == "" and isinstance(value, (str, int)):  # choices are str or int; None would mean IS NULL
            met = met and stored == value
        elif operator == "isnull" and isinstance(value, bool):
            met = met and (stored is None) == value
        else:
            return None
    return met


def is_overdue(obj, name: str, pending: dict[str, set[int]], today: dt.date | None = None) -> bool:
    """The row still owes the step its deadline `name` is for, and the day has passed."""
    due = getattr(obj, name, None)
    if name not in pending or obj.pk not in pending[name] or not isinstance(due, dt.date):
        return False
    return due < (today or timezone.localdate())


def esc(value) -> str:
    """`conditional_escape(value)`, without Django's checks for lazy arguments on every call: a list page escapes
    a few thousand values, and builds its rows with it (the result is marked safe once, whole)."""
    if isinstance(value, Promise):
        value = str(value)
    if hasattr(value, "__html__"):
        return value.__html__()
    if type(value) is int:
        return str(value)  # digits: nothing to escape
    return html.escape(str(value))


CLASS_ATTRIBUTES = {kind: kind for kind in ("", "cell-text", "cell-date", "cell-num")}  # cell_kind's: nothing to escape


def shown(value) -> str:
    """`value` escaped as `{{ value|default_if_none:"" }}` prints it (local time, localized numbers)."""
    if value is None:
        return ""
    kind = type(value)
    if kind is str:
        return html.escape(value)  # a plain string: neither a time nor a number to localize
    if kind is SafeString:
        return value  # a status tag, a marked deadline: HTML already
    if kind is int and not settings.USE_THOUSAND_SEPARATOR:
        return str(value)  # as localize prints an int without grouping: its digits
    return esc(localize(timezone.template_localtime(value)))


def row_html(detail_url: str, line: list[Cell]) -> SafeString:
    """One list row as `<tr>…</tr>`: the first cell links to the record, each cell with its kind and tooltip.

    Built here rather than by a template loop: a page of 50 rows has hundreds of cells, and the template language
    costs several variable lookups per cell (it was the list page's largest cost)."""
    parts = ["<tr>"]
    for index, cell in enumerate(line):
        title = f' title="{esc(cell.title)}"' if cell.title else ""
        if index == 0:
            parts.append(f'<td><a href="{esc(detail_url)}"{title}>{shown(cell.value)}</a></td>')
        else:
            parts.append(
                f'<td class="{CLASS_ATTRIBUTES.get(cell.kind) or esc(cell.kind)}"{title}>{shown(cell.value)}</td>'
            )
    parts.append("</tr>")
    return mark_safe("".join(parts))
