"""暂定 marks: a derived deadline that falls in a year whose holiday arrangement is not known yet was computed on the
provisional 工作日 calendar (fazhi.law.calendar), and says so wherever it is shown — the generic list and detail
pages, the API (`<field>_provisional`) and whoever else asks `is_provisional_deadline`.

The mark is worked out when shown, from the due date's year, so it goes away by itself once the year's
arrangement is entered (which also recomputes the stored dates: fazhi.system.calendar).
"""

from __future__ import annotations

import datetime as dt
from functools import cache

from django.db import models
from django.utils.html import format_html

from fazhi.law.calendar import default_calendar

MARK = "暂定"
MARK_TITLE = "该年度节假日安排尚未公布，期限按法定节假日暂定计算；录入国务院通知后将重新计算"


@cache
def deadline_fields(model) -> tuple[str, ...]:
    """A model's derived deadlines: the non-editable date fields whose name ends in `due_on`."""
    return tuple(
        field.name
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
        and not field.editable
        and field.name.endswith("due_on")
    )


def is_provisional_deadline(day: dt.date | None) -> bool:
    """The deadline `day` lies in a year on the provisional calendar (None: no deadline, nothing provisional)."""
    return day is not None and default_calendar().is_provisional(day)


def marked(obj, name: str, value):
    """`value` as shown for `obj.name`: a provisional deadline carries the 暂定 badge."""
    if name in deadline_fields(type(obj)) and is_provisional_deadline(getattr(obj, name)):
        return format_html(
            '{} <span class="badge text-bg-warning provisional-mark" title="{}">{}</span>', value, MARK_TITLE, MARK
        )
    return value
