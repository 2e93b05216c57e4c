"""Keyset ("seek") pagination: page N of a million-row ledger costs the same as page 1.

The cursor is the (sort value, id) of the last row shown; the next page is the rows after it in the
(sort field, id) order, which an index on the sort field answers directly. No full COUNT: the count stops at
COUNT_LIMIT. The numbered links of a list (1 2 3 … 8) jump by OFFSET, and only within those COUNT_LIMIT rows;
下一页/上一页 walk by cursor, carrying the page number along for show.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass

from django.db.models import Q

COUNT_LIMIT = 10_000


def _encode(value, pk) -> str:
    raw = json.dumps([value if isinstance(value, (int, str, type(None))) else str(value), pk], ensure_ascii=False)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def _decode(token: str, field):
    try:
        padded = token + "=" * (-len(token) % 4)
        value, pk = json.loads(base64.urlsafe_b64decode(padded.encode()).decode())
        return field.to_python(value), int(pk)
    except Exception:
        return None


@dataclass
class Page:
    rows: list
    next_token: str | None
    prev_token: str | None
    count: int
    count_capped: bool


def bounded_count(qs, limit: int = COUNT_LIMIT) -> tuple[int, bool]:
    """Count at most `limit` rows: "超过一万条" is all a list page needs to say, and it stays fast."""
    count = qs.order_by()[: limit + 1].count()
    return min(count, limit), count > limit


def keyset_page(
    qs, sort: str, *, after: str | None = None, before: str | None = None, size: int = 50, offset: int = 0
) -> Page:
    descending = sort.startswith("-")
    name = sort.lstrip("-")
    field = qs.model._meta.get_field(name)
    forward = [f"-{name}", "-pk"] if descending else [name, "pk"]
    backward = [name, "pk"] if descending else [f"-{name}", "-pk"]

    def beyond(token, going_forward: bool):
        decoded = _decode(token, field)
        if decoded is None:
            return Q()
        value, pk = decoded
        later = going_forward != descending  # ascending walk forward: greater values
        op = "gt" if later else "lt"
        # The redundant bound on the sort field alone lets the database use its index as a range;
        # the OR on its own is read as a filter over every row before the cursor.
        bound = Q(**{f"{name}__{op}e": value})
        return bound & (Q(**{f"{name}__{op}": value}) | Q(**{name: value, f"pk__{op}": pk}))

    if before:
        rows = list(qs.filter(beyond(before, False)).order_by(*backward)[: size + 1])
        has_more_before = len(rows) > size
        rows = rows[:size][::-1]
        has_after = True
        has_before = has_more_before
    else:
        base = qs.filter(beyond(after, True)) if after else qs
        offset = 0 if after else max(0, min(offset, COUNT_LIMIT))
        rows = list(base.order_by(*forward)[offset : offset + size + 1])
        has_after = len(rows) > size
        rows = rows[:size]
        has_before = bool(after) or offset > 0
    count, capped = bounded_count(qs)

    def token(row):
        return _encode(getattr(row, field.attname), row.pk)

    return Page(
        rows=rows,
        next_token=token(rows[-1]) if rows and has_after else None,
        prev_token=token(rows[0]) if rows and has_before else None,
        count=count,
        count_capped=capped,
    )


PAGE_SIZES = (20, 50, 100)


def page_size(value, default: int = 50) -> int:
    """The page size asked for (`?size=`), one of PAGE_SIZES."""
    try:
        size = int(value)
    except (TypeError, ValueError):
        return default
    return size if size in PAGE_SIZES else default


def page_number(value) -> int:
    try:
        return max(1, int(value))
    except (TypeError, ValueError):
        return 1


def last_page(count: int, size: int) -> int:
    """The last page a number can reach: the pages of the counted rows (at most COUNT_LIMIT of them)."""
    return max(1, -(-count // size))


def page_window(current: int, last: int, around: int = 2) -> list[int | None]:
    """The page numbers a list links to: the first, the last and `around` either side of the current one; None
    where numbers are left out (shown …)."""
    shown = sorted({1, last, *range(max(1, current - around), min(last, current + around) + 1)})
    window: list[int | None] = []
    for number in shown:
        if window and number - window[-1] > 2:
            window.append(None)
        elif window and number - window[-1] == 2:
            window.append(number - 1)
        window.append(number)
    return window
