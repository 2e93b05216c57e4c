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

from django.db import connections
from django.db.models import Q

COUNT_LIMIT = 10_000
PART_MARK = -7_340_021  # stands for each part's value in the one compiled part (no row's id is negative)


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


def ordered_slice(qs, order: list[str], start: int, stop: int, parts: tuple[str, list] | None = None) -> list:
    """`list(qs.order_by(*order)[start:stop])`; with `parts` = (lookup, values) that split the rows (every row
    has one of the values), read as the merge of each part's first `stop` rows.

    A county's list is its units' rows in date order: one query reads the date index and skips the other units'
    rows (30-150 ms a page at --scale 10, more the deeper the page), or sorts all the county's rows; a query per
    unit reads only the rows it shows from the (unit, date) index. The parts' first rows are merged in SQL (one
    statement), then the rows shown are loaded by id."""
    if parts is None:
        return list(qs.order_by(*order)[start:stop])
    lookup, values = parts
    connection = connections[qs.db]
    quote = connection.ops.quote_name
    fields = [
        qs.model._meta.pk if name.lstrip("-") == "pk" else qs.model._meta.get_field(name.lstrip("-")) for name in order
    ]
    # One part compiled, its statement repeated per value: compiling a query costs more than running it here.
    part = qs.filter(**{lookup: PART_MARK}).order_by(*order).values_list(*(f.attname for f in fields))[:stop]
    sql, part_params = part.query.sql_with_params()
    if list(part_params).count(PART_MARK) != 1:
        raise ValueError(f"{lookup}: the part's value must be a parameter of its own")
    selects = [f"SELECT * FROM ({sql}) part{index}" for index in range(len(values))]
    params = [value if param == PART_MARK else param for value in values for param in part_params]
    columns = [quote(f.column) for f in fields]
    ordering = ", ".join(f"{c} DESC" if name.startswith("-") else c for c, name in zip(columns, order, strict=True))
    merged = (
        f"SELECT {', '.join(columns)} FROM ({' UNION ALL '.join(selects)}) parts ORDER BY {ordering} LIMIT %s OFFSET %s"
    )
    with connection.cursor() as cursor:
        cursor.execute(merged, [*params, stop - start, start])
        found = cursor.fetchall()
    if not found:
        return []
    sort_field = fields[0]
    values_shown = [sort_field.to_python(row[0]) for row in found]
    # The sort values' range as well as the ids: on a table partitioned by that field, only its partitions are read.
    return list(
        qs.filter(
            pk__in=[row[-1] for row in found],
            **{f"{sort_field.name}__gte": min(values_shown), f"{sort_field.name}__lte": max(values_shown)},
        ).order_by(*order)
    )


def keyset_page(
    qs,
    sort: str,
    *,
    after: str | None = None,
    before: str | None = None,
    size: int = 50,
    offset: int = 0,
    parts: tuple[str, list] | None = None,
) -> Page:
    """A page of `qs` in `sort` order (then by id); `parts`: see `ordered_slice`."""
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
        rows = ordered_slice(qs.filter(beyond(before, False)), backward, 0, size + 1, parts)
        has_more_before = len(rows) > size
        rows = rows[:size][::-1]
        has_after = True
        has_before = has_more_before
    else:
        base = qs.filter(beyond(after, True)) if after else qs
        offset = 0 if after else max(0, min(offset, COUNT_LIMIT))
        rows = ordered_slice(base, forward, offset, offset + size + 1, parts)
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
