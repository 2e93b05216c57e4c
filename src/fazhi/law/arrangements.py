"""The State Council's annual holiday arrangements as entered: the only writer of `HolidayArrangement`, its
validation, and its reader for the 工作日 calendar.

An entered year replaces chinesecalendar's data and the provisional calendar for that year. Saving one moves no
stored due date by itself: `fazhi.system.calendar.enter_arrangement` saves it and recomputes, in one transaction,
the deadlines that fall in or after its year.
"""

from __future__ import annotations

import datetime as dt
import re

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .calendar import YearOverride, forget_cached_calendar
from .holidays import statutory_year

ONE_DAY = dt.timedelta(days=1)
WEEKDAYS = "一二三四五六日"
DATE = r"\d{4}-\d{1,2}-\d{1,2}"
RANGE_LINE = re.compile(rf"^(?P<name>[^\d\s][^\s]*)?\s*(?P<first>{DATE})\s*(?:(?:至|到|~|～|—|–)\s*(?P<last>{DATE}))?$")
LIST_SEPARATORS = re.compile(r"[\s,，、;；]+")
FIRST_YEAR, LAST_YEAR = 2000, 2100

_table_seen = False


# -- reading ----------------------------------------------------------------------------------------------------
def _readable() -> bool:
    """The table exists and the database may be read (not before `migrate`, nor in a test without `db`)."""
    global _table_seen
    if not apps.ready:
        return False
    from .models import HolidayArrangement

    if not _table_seen:
        _table_seen = HolidayArrangement._meta.db_table in connection.introspection.table_names()
    return _table_seen


def stored_version() -> tuple | None:
    """What identifies the stored arrangements' state (one small query), or None where it cannot be read."""
    from .models import HolidayArrangement

    try:
        if not _readable():
            return None
        return tuple(HolidayArrangement.objects.order_by("pk").values_list("pk", "year", "updated_at"))
    except RuntimeError:  # database access blocked: no entered arrangement
        return None


def as_override(arrangement) -> YearOverride:
    holidays: set[dt.date] = set()
    for entry in arrangement.holidays:
        day, last = dt.date.fromisoformat(entry["from"]), dt.date.fromisoformat(entry["to"])
        while day <= last:
            holidays.add(day)
            day += ONE_DAY
    workdays = frozenset(dt.date.fromisoformat(day) for day in arrangement.workdays)
    return YearOverride(frozenset(holidays), workdays, source=f"{arrangement.title}（{arrangement.number}）")


def stored_overrides() -> dict[int, YearOverride]:
    from .models import HolidayArrangement

    return {row.year: as_override(row) for row in HolidayArrangement.objects.all()}


# -- the form's text --------------------------------------------------------------------------------------------
def holidays_text(holidays: list[dict]) -> str:
    lines = []
    for entry in holidays:
        name = f"{entry.get('name')} " if entry.get("name") else ""
        span = entry["from"] if entry["from"] == entry["to"] else f"{entry['from']} 至 {entry['to']}"
        lines.append(f"{name}{span}")
    return "\n".join(lines)


def statutory_holidays(year: int) -> list[dict]:
    """The statutory holidays of `year` (as the provisional calendar has them, with their 补假 run on): a start
    for entering the notice, which usually lengthens them with 调休."""
    statutory = statutory_year(year)
    if statutory is None:
        return []
    entries = []
    for holiday in statutory.holidays:
        last = holiday.last
        while last + ONE_DAY in statutory.compensatory:
            last += ONE_DAY
        entries.append({"name": holiday.name, "from": holiday.first.isoformat(), "to": last.isoformat()})
    return sorted(entries, key=lambda entry: entry["from"])


def _date(text: str) -> dt.date | None:
    try:
        year, month, day = (int(part) for part in text.split("-"))
        return dt.date(year, month, day)
    except ValueError:
        return None


def parse_holidays(text: str, year: int) -> list[dict]:
    """Lines “名称 起始日期 至 结束日期” (or one date) into {"name", "from", "to"}; ValidationError listing each
    line at fault."""
    entries, errors = [], []
    lines = [line.strip() for line in (text or "").splitlines()]
    for number, line in enumerate(lines, start=1):
        if not line:
            continue
        match = RANGE_LINE.match(line)
        first = _date(match["first"]) if match else None
        last = (_date(match["last"]) if match["last"] else first) if match else None
        if first is None or last is None:
            errors.append(
                f"第{number}行“{line}”无法识别：应为“名称 起始日期 至 结束日期”或“名称 日期”，"
                "日期写作 2027-02-05 这样的格式"
            )
            continue
        if first > last:
            errors.append(f"第{number}行“{line}”：起始日期晚于结束日期")
            continue
        if first.year != year or last.year != year:
            errors.append(f"第{number}行“{line}”不在{year}年内：每年的安排只录入本年的日期")
            continue
        entries.append({"name": match["name"] or "", "from": first.isoformat(), "to": last.isoformat()})
    if errors:
        raise ValidationError(errors)
    if not entries:
        raise ValidationError("请至少填写一段放假日期")
    entries.sort(key=lambda entry: entry["from"])
    for earlier, later in zip(entries, entries[1:]):
        if later["from"] <= earlier["to"]:
            raise ValidationError(f"放假日期“{later['from']}”与“{earlier['from']} 至 {earlier['to']}”重叠")
    return entries


def parse_workdays(text: str, year: int, holidays: list[dict] | None = None) -> list[str]:
    """Dates separated by spaces, commas or new lines; each must be a Saturday or a Sunday of `year` and not also a
    holiday."""
    days, errors = set(), []
    for token in LIST_SEPARATORS.split((text or "").strip()):
        if not token:
            continue
        day = _date(token) if re.fullmatch(DATE, token) else None
        if day is None:
            errors.append(f"“{token}”不是日期：请写作 2027-02-20 这样的格式")
        elif day.year != year:
            errors.append(f"{token}不在{year}年内")
        elif day.weekday() < 5:
            errors.append(f"{token}是星期{WEEKDAYS[day.weekday()]}，本来就是工作日：调休上班日应为星期六或星期日")
        elif any(entry["from"] <= day.isoformat() <= entry["to"] for entry in holidays or ()):
            errors.append(f"{token}同时被列为放假日期")
        else:
            days.add(day.isoformat())
    if errors:
        raise ValidationError(errors)
    return sorted(days)


def clean_arrangement(
    year, title: str, number: str, published_on: dt.date | None, holidays: str, workdays: str
) -> dict:
    """The arrangement as entered, checked: a dict for `save_arrangement`, or ValidationError naming each field."""
    errors: dict[str, list] = {}
    if not isinstance(year, int) or not FIRST_YEAR <= year <= LAST_YEAR:
        raise ValidationError({"year": f"年份应在{FIRST_YEAR}至{LAST_YEAR}之间"})
    title, number = (title or "").strip(), (number or "").strip()
    if not title:
        errors["title"] = ["请填写通知标题，如“国务院办公厅关于2027年部分节假日安排的通知”"]
    if not number:
        errors["number"] = ["请填写文号，如“国办发明电〔2026〕7号”"]
    if published_on is None:
        errors["published_on"] = ["请填写发布日期"]
    elif published_on.year > year:
        errors["published_on"] = [f"发布日期晚于{year}年：应为通知的发布日期"]
    parsed_holidays: list[dict] = []
    try:
        parsed_holidays = parse_holidays(holidays, year)
    except ValidationError as error:
        errors["holidays"] = error.messages
    parsed_workdays: list[str] = []
    try:
        parsed_workdays = parse_workdays(workdays, year, parsed_holidays)
    except ValidationError as error:
        errors["workdays"] = error.messages
    if errors:
        raise ValidationError(errors)
    return {
        "year": year,
        "title": title,
        "number": number,
        "published_on": published_on,
        "holidays": parsed_holidays,
        "workdays": parsed_workdays,
    }


# -- writing ----------------------------------------------------------------------------------------------------
def save_arrangement(cleaned: dict, user=None, reason: str = ""):
    """Create or replace the year's arrangement (history labelled `reason`) and drop the cached calendar: the
    next lookup in this process (and, at their next request, in every other) uses it."""
    from .models import HolidayArrangement

    year = cleaned["year"]
    with transaction.atomic():
        arrangement = HolidayArrangement.objects.select_for_update().filter(year=year).first()
        if arrangement is None:
            arrangement = HolidayArrangement(year=year)
        for name in ("title", "number", "published_on", "holidays", "workdays"):
            setattr(arrangement, name, cleaned[name])
        arrangement.entered_by = user
        arrangement._change_reason = reason or f"录入{year}年节假日安排"
        arrangement.save()
    forget_cached_calendar()
    return arrangement
