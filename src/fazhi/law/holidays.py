"""The statutory public holidays of a year, computed from `law/data/public_holidays.yaml` (pure: no database).

They make the provisional 工作日 calendar of a year that neither the State Council's notice (entered in 系统管理 →
工作日历) nor the chinesecalendar package covers: weekends and these holidays rest, with the 补假 the law requires
for a holiday falling on a weekend. Lunar dates and the 清明 solar term are computed with lunar_python.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml
from lunar_python import Lunar, Solar

ONE_DAY = dt.timedelta(days=1)
DATA_FILE = Path(__file__).resolve().parent / "data" / "public_holidays.yaml"


@dataclass(frozen=True)
class Holiday:
    name: str
    first: dt.date
    last: dt.date

    @property
    def days(self) -> list[dt.date]:
        return [self.first + ONE_DAY * i for i in range((self.last - self.first).days + 1)]


@dataclass(frozen=True)
class HolidayRules:
    law: str
    article: str
    effective_from: dt.date
    holidays: tuple[dict, ...]
    compensation: dict | None

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.article}"


@dataclass(frozen=True)
class StatutoryYear:
    """A year's statutory holidays, the 补假 days given for those on a weekend, and where they come from."""

    year: int
    rules: HolidayRules
    holidays: tuple[Holiday, ...]
    compensatory: frozenset[dt.date]

    @property
    def rest_days(self) -> frozenset[dt.date]:
        return frozenset(day for holiday in self.holidays for day in holiday.days) | self.compensatory


@lru_cache(maxsize=1)
def holiday_data() -> dict:
    return yaml.safe_load(DATA_FILE.read_text(encoding="utf-8"))


def rules_for(year: int) -> HolidayRules | None:
    """The version of the 放假办法 in force on 1 January of `year`, or None before the first one known."""
    found = None
    for version in holiday_data()["versions"]:
        if version["from"] <= dt.date(year, 1, 1):
            found = version
    if found is None:
        return None
    return HolidayRules(
        law=found["law"],
        article=found["article"],
        effective_from=found["from"],
        holidays=tuple(found["holidays"]),
        compensation=found.get("compensation"),
    )


def reminder_from(year: int) -> dt.date:
    """From this day of `year` the administrator is reminded that next year's arrangement is missing."""
    month, day = (int(part) for part in holiday_data()["reminder_from"].split("-"))
    return dt.date(year, month, day)


def _first_day(spec: dict, year: int) -> dt.date:
    if "solar" in spec:
        month, day = (int(part) for part in spec["solar"].split("-"))
        start = dt.date(year, month, day)
    elif "lunar" in spec:
        month, day = (int(part) for part in spec["lunar"].split("-"))
        solar = Lunar.fromYmd(year, month, day).getSolar()
        start = dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    elif "solar_term" in spec:
        # Any day of April or May lies in a lunar year whose table holds the term of this Gregorian year.
        table = Solar.fromYmd(year, 5, 1).getLunar().getJieQiTable()
        solar = table[spec["solar_term"]]
        start = dt.date(solar.getYear(), solar.getMonth(), solar.getDay())
    else:
        raise ValueError(f"public_holidays.yaml: {spec.get('name')}: no date given")
    return start + ONE_DAY * int(spec.get("offset", 0))


def statutory_year(year: int) -> StatutoryYear | None:
    """The statutory holidays of `year` (and their 补假), or None where no version of the 放假办法 applies."""
    rules = rules_for(year)
    if rules is None:
        return None
    holidays = []
    for spec in rules.holidays:
        first = _first_day(spec, year)
        holidays.append(Holiday(spec["name"], first, first + ONE_DAY * (int(spec["days"]) - 1)))
    rest = {day for holiday in holidays for day in holiday.days}
    compensatory: set[dt.date] = set()
    if rules.compensation and rules.compensation.get("rule") == "following_workdays":
        for holiday in holidays:
            owed = sum(1 for day in holiday.days if day.weekday() >= 5)
            day = holiday.last
            while owed:
                day += ONE_DAY
                if day.weekday() < 5 and day not in rest and day not in compensatory:
                    compensatory.add(day)
                    owed -= 1
    return StatutoryYear(year, rules, tuple(holidays), frozenset(compensatory))
