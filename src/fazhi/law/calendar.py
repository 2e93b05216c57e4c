"""The 工作日 calendar and deadline arithmetic in calendar days, working days and months.

Holidays and 调休 make-up days come from the `chinesecalendar` package (which follows the State Council's
annual notices) plus a local override file for years the package does not cover. A year known to neither
is refused with `CalendarDataMissing`.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import chinese_calendar
import yaml
from chinese_calendar import constants as cc_constants
from dateutil.relativedelta import relativedelta
from django.conf import settings

from .errors import CalendarDataMissing

ONE_DAY = dt.timedelta(days=1)


@dataclass(frozen=True)
class YearOverride:
    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date]
    source: str = ""


def _expand(entries) -> set[dt.date]:
    days: set[dt.date] = set()
    for entry in entries or []:
        if isinstance(entry, dict):
            day, last = entry["from"], entry["to"]
            while day <= last:
                days.add(day)
                day += ONE_DAY
        else:
            days.add(entry)
    return days


def load_overrides(path: str | Path) -> dict[int, YearOverride]:
    path = Path(path)
    if not path.exists():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {
        int(year): YearOverride(
            holidays=frozenset(_expand(spec.get("holidays"))),
            workdays=frozenset(_expand(spec.get("workdays"))),
            source=spec.get("source", ""),
        )
        for year, spec in data.items()
    }


PACKAGE_YEARS = frozenset(d.year for d in cc_constants.holidays)


@dataclass
class WorkCalendar:
    """Working days of mainland China. Instances cache one sorted array of working days per year."""

    overrides: dict[int, YearOverride] = field(default_factory=dict)
    makeup_days_are_workdays: bool = True
    roll_end_over_rest_days: bool = True

    def __post_init__(self):
        self._workdays_by_year: dict[int, list[int]] = {}

    # -- single days ---------------------------------------------------------------------------------
    def covers(self, year: int) -> bool:
        return year in self.overrides or year in PACKAGE_YEARS

    def _require(self, year: int) -> None:
        if not self.covers(year):
            raise CalendarDataMissing(
                f"缺少{year}年的节假日安排数据，无法按工作日计算期限。"
                f"请在国务院办公厅公布{year}年节假日安排后，将其录入工作日历覆盖文件或升级 chinesecalendar。"
            )

    def is_workday(self, day: dt.date) -> bool:
        self._require(day.year)
        override = self.overrides.get(day.year)
        if override is not None:
            if day in override.holidays:
                return False
            if day in override.workdays:
                return self.makeup_days_are_workdays or day.weekday() < 5
            return day.weekday() < 5
        if day.weekday() >= 5 and not self.makeup_days_are_workdays:
            return False
        return chinese_calendar.is_workday(day)

    def is_rest_day(self, day: dt.date) -> bool:
        return not self.is_workday(day)

    # -- working-day arithmetic ----------------------------------------------------------------------
    def _year_workdays(self, year: int) -> list[int]:
        cached = self._workdays_by_year.get(year)
        if cached is None:
            self._require(year)
            day, cached = dt.date(year, 1, 1), []
            while day.year == year:
                if self.is_workday(day):
                    cached.append(day.toordinal())
                day += ONE_DAY
            self._workdays_by_year[year] = cached
        return cached

    def add_workdays(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day after `start` (the start day itself is not counted); n = 0 gives `start`."""
        if n < 0:
            raise ValueError("工作日数不能为负数")
        if n == 0:
            return start
        year, ordinal = start.year, start.toordinal()
        while True:
            days = self._year_workdays(year)
            index = bisect_right(days, ordinal)
            remaining = len(days) - index
            if n <= remaining:
                return dt.date.fromordinal(days[index + n - 1])
            n -= remaining
            year += 1
            ordinal = dt.date(year, 1, 1).toordinal() - 1

    def workdays_between(self, start: dt.date, end: dt.date) -> int:
        """Working days in (start, end]: how many working days of a limit `end` has used, counted from `start`."""
        if end <= start:
            return 0
        total = 0
        for year in range(start.year, end.year + 1):
            days = self._year_workdays(year)
            total += bisect_right(days, end.toordinal()) - bisect_right(days, start.toordinal())
        return total

    def next_workday(self, day: dt.date) -> dt.date:
        return self.add_workdays(day, 1)

    # -- calendar periods ----------------------------------------------------------------------------
    def roll_forward(self, day: dt.date) -> dt.date:
        """A period ending on a rest day ends on the next working day (民事诉讼法第八十五条)."""
        if self.roll_end_over_rest_days and self.is_rest_day(day):
            return self.next_workday(day)
        return day

    def add_calendar_days(self, start: dt.date, n: int) -> dt.date:
        return self.roll_forward(start + dt.timedelta(days=n))

    def add_months(self, start: dt.date, n: int) -> dt.date:
        return self.roll_forward(start + relativedelta(months=n))

    def add_years(self, start: dt.date, n: int) -> dt.date:
        return self.roll_forward(start + relativedelta(years=n))


@lru_cache(maxsize=1)
def default_calendar() -> WorkCalendar:
    from .params import parameter_book

    policy = parameter_book().calendar_policy
    return WorkCalendar(
        overrides=load_overrides(settings.FAZHI_CALENDAR_OVERRIDES),
        makeup_days_are_workdays=policy.get("makeup_days_are_workdays", True),
        roll_end_over_rest_days=policy.get("roll_end_over_rest_days", True),
    )
