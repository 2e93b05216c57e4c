"""The operation log: one newest-first list over every history table (django-simple-history) and the account
changes of 用户管理, without copying a row.

Each source is asked for the page's rows after the cursor in its own (date, id) index order, and the answers
are merged: a page costs one small indexed query per source, however many millions of rows lie behind it.
The cursor is the (date, source, id) of the last row shown; the order is date, then source key, then id, all
descending, so rows of the same instant in two tables are never skipped or shown twice.
"""

from __future__ import annotations

import base64
import datetime as dt
import json
from dataclasses import dataclass, field
from functools import cache

from django.db.models import Q
from django.urls import reverse
from django.utils.dateparse import parse_datetime

from fazhi.core.ledgers import registry
from fazhi.core.pagination import COUNT_LIMIT

from .models import AccountAction, AccountEvent

CHANGE_TYPES = [("+", "新增"), ("~", "修改"), ("-", "删除")]
CHANGE_TYPE_NAMES = dict(CHANGE_TYPES)
LABEL_FIELDS = ("number", "code", "name", "title", "username")


@dataclass(frozen=True)
class Source:
    """One table of the log and the names its columns go by."""

    key: str
    title: str
    model: type
    date: str = "history_date"
    pk: str = "history_id"
    user: str = "history_user_id"
    change_type: str = "history_type"
    reason: str = "history_change_reason"
    object_id: str = "id"
    label: str | None = None
    link_name: str | None = None  # url name of the record's page, taking its id
    action: str | None = None  # a column naming what was done, shown before the reason
    action_names: tuple = ()  # (value, name) of that column

    def link(self, object_id) -> str | None:
        return reverse(self.link_name, args=[object_id]) if self.link_name and object_id is not None else None


@cache
def sources() -> tuple[Source, ...]:
    """Every history table, by the title of what it records, and the account changes."""
    from simple_history.models import registered_models

    found = []
    for model in registered_models.values():
        history = getattr(model, "history", None)
        if history is None:
            continue
        history_model = history.model
        names = {f.name for f in history_model._meta.concrete_fields}
        ledger = registry.for_model(model)
        found.append(
            Source(
                key=model._meta.label_lower,
                title=ledger.title if ledger else str(model._meta.verbose_name),
                model=history_model,
                label=next((name for name in LABEL_FIELDS if name in names), None),
                link_name=ledger.url_name("detail") if ledger else None,
            )
        )
    found.append(
        Source(
            key="system.accountevent",
            title="用户账号",
            model=AccountEvent,
            date="at",
            pk="id",
            user="actor_id",
            change_type="change_type",
            reason="detail",
            object_id="target_id",
            label="target__username",
            link_name="system:user-edit",
            action="action",
            action_names=tuple(AccountAction.choices),
        )
    )
    return tuple(sorted(found, key=lambda source: source.key))


def source_choices() -> list[tuple[str, str]]:
    return [(source.key, source.title) for source in sorted(sources(), key=lambda s: s.title)]


@dataclass
class Filters:
    user_ids: list[int] | None = None  # None: anyone
    since: dt.datetime | None = None
    until: dt.datetime | None = None  # exclusive
    source_key: str | None = None
    change_type: str | None = None


@dataclass
class Entry:
    at: dt.datetime
    source: Source
    pk: int
    object_id: int | None
    label: str
    change_type: str
    reason: str
    user_id: int | None
    user: object = None

    @property
    def change_type_name(self) -> str:
        return CHANGE_TYPE_NAMES.get(self.change_type, self.change_type)

    @property
    def link(self) -> str | None:
        return self.source.link(self.object_id)

    @property
    def sort_key(self):
        return (self.at, self.source.key, self.pk)


@dataclass
class LogPage:
    rows: list[Entry]
    next_token: str | None
    prev_token: str | None
    count: int
    count_capped: bool
    sources: list[Source] = field(default_factory=list)


def encode(entry: Entry) -> str:
    raw = json.dumps([entry.at.isoformat(), entry.source.key, entry.pk])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode(token: str | None):
    if not token:
        return None
    try:
        at, key, pk = json.loads(base64.urlsafe_b64decode((token + "=" * (-len(token) % 4)).encode()).decode())
        moment = parse_datetime(at)
        return None if moment is None else (moment, str(key), int(pk))
    except (ValueError, TypeError):
        return None


def chosen(filters: Filters) -> list[Source]:
    return [s for s in sources() if filters.source_key in (None, "", s.key)]


def filtered(source: Source, filters: Filters):
    qs = source.model._default_manager.all()
    if filters.user_ids is not None:
        qs = qs.filter(**{f"{source.user}__in": filters.user_ids})
    if filters.since is not None:
        qs = qs.filter(**{f"{source.date}__gte": filters.since})
    if filters.until is not None:
        qs = qs.filter(**{f"{source.date}__lt": filters.until})
    if filters.change_type:
        qs = qs.filter(**{source.change_type: filters.change_type})
    return qs


def beyond(source: Source, cursor, older: bool) -> Q:
    """The rows of `source` strictly after the cursor in the walk's direction (older or newer)."""
    at, key, pk = cursor
    op = "lt" if older else "gt"
    bound = Q(**{f"{source.date}__{op}e": at})  # a range on the date index
    if (source.key < key) == older and source.key != key:
        return bound
    if source.key == key:
        return bound & (Q(**{f"{source.date}__{op}": at}) | Q(**{source.date: at, f"{source.pk}__{op}": pk}))
    return Q(**{f"{source.date}__{op}": at})


def fetch(source: Source, qs, size: int, older: bool) -> list[Entry]:
    columns = [source.date, source.pk, source.user, source.change_type, source.reason, source.object_id]
    columns += [source.label or source.pk, source.action or source.pk]
    names = dict(source.action_names)
    order = [f"-{source.date}", f"-{source.pk}"] if older else [source.date, source.pk]
    entries = []
    for values in qs.order_by(*order).values_list(*columns)[:size]:
        at, pk, user_id, change_type, reason, object_id, label, action = values
        label = str(label) if source.label and label is not None else ""
        if source.action:
            reason = f"{names.get(action, action)}：{reason}" if reason else names.get(action, action)
        entries.append(Entry(at, source, pk, object_id, label, change_type, reason or "", user_id))
    return entries


def bounded_total(filters: Filters, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    total = 0
    for source in chosen(filters):
        total += filtered(source, filters).order_by()[: limit - total + 1].count()
        if total > limit:
            return limit, True
    return total, False


def page(filters: Filters, *, after: str | None = None, before: str | None = None, size: int = 50, count=True):
    """A page of the log: newest first, after (older than) or before (newer than) a cursor."""
    cursor_after, cursor_before = decode(after), decode(before)
    older = cursor_before is None
    cursor = cursor_after if older else cursor_before
    gathered: list[Entry] = []
    for source in chosen(filters):
        qs = filtered(source, filters)
        if cursor is not None:
            qs = qs.filter(beyond(source, cursor, older))
        gathered.extend(fetch(source, qs, size + 1, older))
    gathered.sort(key=lambda entry: entry.sort_key, reverse=older)
    more = len(gathered) > size
    rows = gathered[:size]
    if not older:
        rows.reverse()
    attach_users(rows)
    has_older = more if older else True
    has_newer = (cursor is not None) if older else more
    total, capped = bounded_total(filters) if count else (0, False)
    return LogPage(
        rows=rows,
        next_token=encode(rows[-1]) if rows and has_older else None,
        prev_token=encode(rows[0]) if rows and has_newer else None,
        count=total,
        count_capped=capped,
    )


def attach_users(rows: list[Entry]) -> None:
    from django.apps import apps

    ids = {entry.user_id for entry in rows if entry.user_id is not None}
    users = apps.get_model("org", "User").objects.in_bulk(ids) if ids else {}
    for entry in rows:
        entry.user = users.get(entry.user_id)


def walk(filters: Filters, limit: int, chunk: int = 2000):
    """Every entry the filters select, newest first, at most `limit` (for the Excel export)."""
    token, given = None, 0
    while given < limit:
        result = page(filters, after=token, size=min(chunk, limit - given), count=False)
        yield from result.rows
        given += len(result.rows)
        if result.next_token is None:
            return
        token = result.next_token
