"""Checks shared by the steps of every ledger's procedures: order of dates, state, required text, paused clocks.

Each raises Django's ValidationError (or the given RuleViolation) with a Chinese message naming what is wrong,
so a refused step reads the same in every ledger.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from .calendar import WorkCalendar
from .errors import ParameterNotInForce, RuleViolation, StateConflict
from .params import ParameterVersion, param


def not_before(day: dt.date, earliest: dt.date | None, what: str, earlier_what: str) -> None:
    """Refuse a step dated before the step it follows (`earliest` None: nothing to follow yet)."""
    if earliest is not None and day < earliest:
        raise ValidationError(f"{what}不能早于{earlier_what}（{earliest.year}年{earliest.month}月{earliest.day}日）")


def not_in_future(day: dt.date, today: dt.date, what: str) -> None:
    """Refuse recording a step as done on a day that has not come yet."""
    if day > today:
        raise ValidationError(f"{what}不能晚于今天（{today.year}年{today.month}月{today.day}日）")


def require_status(record, what: str, *statuses) -> None:
    """Refuse a step the record's current status does not allow."""
    if record.status not in statuses:
        raise StateConflict(f"当前状态为“{record.get_status_display()}”，不能{what}")


def require_text(value: str, refusal: Exception) -> str:
    """The stripped text, or `refusal` raised when there is none."""
    value = (value or "").strip()
    if not value:
        raise refusal
    return value


def optional_param(code: str, on: dt.date) -> ParameterVersion | None:
    """A parameter that only some versions of a law have: None where the law in force on `on` sets no such limit."""
    try:
        return param(code, on)
    except ParameterNotInForce:
        return None


def over_limit(code: str, detail: str, version: ParameterVersion) -> RuleViolation:
    """A refusal over a numeric limit, citing the version of the law that set it."""
    return RuleViolation(f"{detail}，超过{version.name}{version.display}（{version.citation}）", code=code)


def span(start: dt.date, end: dt.date, unit: str, calendar: WorkCalendar) -> int:
    """How much of a limit counted in `unit` the interval (start, end] uses."""
    if unit == "working_days":
        return calendar.workdays_between(start, end)
    if unit == "calendar_days":
        return max(0, (end - start).days)
    raise ValueError(f"{unit}：不计时期间只能按日或工作日计算")


def paused(intervals, unit: str, calendar: WorkCalendar) -> int:
    """Days (in the limit's unit) of the closed intervals during which the clock stood still."""
    return sum(span(i.started_on, i.ended_on, unit, calendar) for i in intervals if i.ended_on is not None)


def end_pause(pauses, on: dt.date, *, none_open: str, resumed: str, started: str):
    """Close the open pause among `pauses` (a queryset of intervals) on `on`; it is returned."""
    pause = pauses.filter(ended_on__isnull=True).first()
    if pause is None:
        raise StateConflict(none_open)
    not_before(on, pause.started_on, resumed, started)
    pause.ended_on = on
    pause.save()
    return pause
