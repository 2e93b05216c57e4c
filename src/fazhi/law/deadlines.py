"""Deadlines from parameters: the one function ledgers call to know when something is due."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .calendar import WorkCalendar, default_calendar
from .params import ParameterVersion, param


@dataclass(frozen=True)
class Deadline:
    due: dt.date
    basis: ParameterVersion

    @property
    def explanation(self) -> str:
        return f"{self.basis.name}{self.basis.display}（{self.basis.citation}），截止{self.due:%Y年%m月%d日}"


def add_period(start: dt.date, amount: int, unit: str, calendar: WorkCalendar | None = None) -> dt.date:
    calendar = calendar or default_calendar()
    if unit == "working_days":
        return calendar.add_workdays(start, int(amount))
    if unit == "calendar_days":
        return calendar.add_calendar_days(start, int(amount))
    if unit == "months":
        return calendar.add_months(start, int(amount))
    if unit == "years":
        return calendar.add_years(start, int(amount))
    raise ValueError(f"{unit} 不是期间单位")


def deadline(code: str, start: dt.date, *, on: dt.date | None = None, calendar: WorkCalendar | None = None) -> Deadline:
    """When the period of parameter `code` ends, counted from `start`, under the law in force `on` (default: start)."""
    version = param(code, on or start)
    return Deadline(due=add_period(start, version.value, version.unit, calendar), basis=version)


def annual_due_date(code: str, year: int) -> Deadline:
    """A yearly due date such as "每年4月1日前" for `year`."""
    version = param(code, dt.date(year, 1, 1))
    if version.unit not in ("annual_date", "annual_date_before"):
        raise ValueError(f"{code} 不是年度日期参数")
    month, day = (int(part) for part in str(version.value).split("-"))
    due = dt.date(year, month, day)
    if version.unit == "annual_date_before":
        due -= dt.timedelta(days=1)
    return Deadline(due=due, basis=version)
