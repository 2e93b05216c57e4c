"""The 工作日 calendar and deadline arithmetic in calendar days, working days and months.

A year's holidays and 调休 make-up days come from, in this order:

1. the State Council's notice for the year as entered in 系统管理 → 工作日历 (`law.models.HolidayArrangement`,
   written through `law.arrangements`), which replaces everything else for its year;
2. the `chinesecalendar` package, which follows the notices it has seen;
3. otherwise the **provisional** calendar (暂定): weekends and the statutory public holidays of
   《全国年节及纪念日放假办法》 (`law/data/public_holidays.yaml`, `law.holidays`), with no make-up days.
   A deadline that falls in such a year is marked 暂定 wherever it is shown (`is_provisional`), and is computed
   again when the year's notice is entered.

Only a year before every version of the 放假办法 the data file knows, and not in the package, is refused with
`CalendarDataMissing`.

`default_calendar()` is cached per process. The entered arrangements live in the database, shared by every
process (web and worker), so the cache looks at their version (one small query) at the first use after a request
starts and, outside requests, once it is older than RECHECK_SECONDS; it is rebuilt only when they changed.
"""

from __future__ import annotations

import datetime as dt
import time
from bisect import bisect_right
from dataclasses import dataclass, field
from typing import NamedTuple

import chinese_calendar
from chinese_calendar import constants as cc_constants
from dateutil.relativedelta import relativedelta

from .errors import CalendarDataMissing
from .holidays import statutory_year

ONE_DAY = dt.timedelta(days=1)

ENTERED, PACKAGE, PROVISIONAL = "entered", "package", "provisional"
SOURCES = {ENTERED: "国务院通知（已录入）", PACKAGE: "chinesecalendar", PROVISIONAL: "暂定"}


@dataclass(frozen=True)
class YearOverride:
    """A year's rest days and make-up working days, replacing the package's data for that year."""

    holidays: frozenset[dt.date]
    workdays: frozenset[dt.date] = frozenset()
    source: str = ""


PACKAGE_YEARS = frozenset(d.year for d in cc_constants.holidays)


@dataclass
class WorkCalendar:
    """Working days of mainland China. Instances cache one sorted array of working days per year.

    `overrides`: the years entered from the State Council's notices (they take precedence over the package)."""

    overrides: dict[int, YearOverride] = field(default_factory=dict)
    makeup_days_are_workdays: bool = True
    roll_end_over_rest_days: bool = True

    def __post_init__(self):
        self._workdays_by_year: dict[int, list[int]] = {}
        self._provisional: dict[int, YearOverride] = {}

    # -- where a year comes from ---------------------------------------------------------------------
    def source(self, year: int) -> str:
        """ENTERED, PACKAGE or PROVISIONAL."""
        if year in self.overrides:
            return ENTERED
        if year in PACKAGE_YEARS:
            return PACKAGE
        return PROVISIONAL

    def covers(self, year: int) -> bool:
        """The year's arrangement is known (entered or in the package), not provisional."""
        return self.source(year) != PROVISIONAL

    def is_provisional(self, day: dt.date | int | None) -> bool:
        """The day's year (or the year given) is on the provisional calendar; None (no date) is not."""
        if day is None:
            return False
        return self.source(day if isinstance(day, int) else day.year) == PROVISIONAL

    def provisional_year(self, year: int) -> YearOverride:
        """The provisional calendar of `year`: statutory holidays and their 补假; CalendarDataMissing without one."""
        cached = self._provisional.get(year)
        if cached is None:
            try:
                statutory = statutory_year(year)
            except Exception as error:  # a date lunar_python cannot compute
                raise CalendarDataMissing(f"无法推算{year}年的法定节假日（{error}），无法按工作日计算期限。") from None
            if statutory is None:
                raise CalendarDataMissing(
                    f"缺少{year}年的节假日安排数据：该年不在工作日历和 chinesecalendar 的范围内，"
                    "也早于现行《全国年节及纪念日放假办法》的施行，无法按工作日计算期限。"
                    f"如需计算，请在系统管理 → 工作日历中录入{year}年的节假日安排。"
                )
            cached = YearOverride(holidays=statutory.rest_days, source=f"暂定：{statutory.rules.citation}")
            self._provisional[year] = cached
        return cached

    def _override(self, year: int) -> YearOverride | None:
        override = self.overrides.get(year)
        if override is not None:
            return override
        if year in PACKAGE_YEARS:
            return None
        return self.provisional_year(year)

    # -- single days ---------------------------------------------------------------------------------
    def is_workday(self, day: dt.date) -> bool:
        override = self._override(day.year)
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

    def day_kind(self, day: dt.date) -> str:
        """For a month grid: "holiday" (a holiday, its 补假 or a 调休 day off), "makeup" (a weekend day worked:
        调休上班), "weekend" or "workday"."""
        if self.is_workday(day):
            return "makeup" if day.weekday() >= 5 else "workday"
        if day.weekday() < 5:
            return "holiday"
        override = self._override(day.year)
        if override is not None:
            return "holiday" if day in override.holidays else "weekend"
        return "holiday" if chinese_calendar.get_holiday_detail(day)[1] is not None else "weekend"

    # -- working-day arithmetic ----------------------------------------------------------------------
    def _year_workdays(self, year: int) -> list[int]:
        cached = self._workdays_by_year.get(year)
        if cached is None:
            first, last = dt.date(year, 1, 1).toordinal(), dt.date(year, 12, 31).toordinal()
            # by ordinal: stepping a date past 9999-12-31 would overflow
            cached = [n for n in range(first, last + 1) if self.is_workday(dt.date.fromordinal(n))]
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


# -- the process's calendar -------------------------------------------------------------------------------
RECHECK_SECONDS = 2.0


class _Cached(NamedTuple):
    calendar: WorkCalendar
    version: object  # what the entered arrangements were when it was built (None: the database unread)
    expires: float


_cached: _Cached | None = None
_fresh = False  # False: look at the arrangements' version at the next use


def request_started(**kwargs) -> None:
    """Connected to Django's request_started: the request's first use looks at the arrangements again."""
    global _fresh
    _fresh = False


def forget_cached_calendar() -> None:
    """Drop the cached calendar (after a change of an arrangement, or a rolled-back test transaction)."""
    global _cached, _fresh
    _cached, _fresh = None, False


def default_calendar() -> WorkCalendar:
    global _cached, _fresh
    cached, now = _cached, time.monotonic()
    if cached is not None and _fresh and now < cached.expires:
        return cached.calendar
    from .arrangements import stored_overrides, stored_version  # they read the database: imported late

    version = stored_version()
    if cached is None or version != cached.version:
        from .params import parameter_book

        policy = parameter_book().calendar_policy
        calendar = WorkCalendar(
            overrides=stored_overrides() if version is not None else {},
            makeup_days_are_workdays=policy.get("makeup_days_are_workdays", True),
            roll_end_over_rest_days=policy.get("roll_end_over_rest_days", True),
        )
    else:
        calendar = cached.calendar
    _cached, _fresh = _Cached(calendar, version, now + RECHECK_SECONDS), True
    return calendar
