"""The 工作日 calendar, dated statutory parameters and deadlines (fazhi.law).

Properties are checked against an independent oracle: stepping one day at a time with `chinese_calendar`.
Nothing here mutates global state: calendars are built directly, and the cached `parameter_book()` /
`default_calendar()` are only read.
"""

import datetime as dt
import re

import chinese_calendar
import pytest
from chinese_calendar import constants as cc_constants
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.law.calendar import PACKAGE_YEARS, WorkCalendar, YearOverride, default_calendar
from fazhi.law.deadlines import Deadline, add_period, annual_due_date, deadline
from fazhi.law.errors import CalendarDataMissing, ParameterNotInForce, RuleViolation
from fazhi.law.params import (
    PERIOD_UNITS,
    UNITS,
    ParameterBook,
    load_parameter_data,
    param,
    parameter_book,
    rule,
)

D = dt.date
ONE_DAY = dt.timedelta(days=1)
CJK = re.compile(r"[\u4e00-\u9fff]")

CAL = WorkCalendar()
STRICT = WorkCalendar(makeup_days_are_workdays=False)
NO_ROLL = WorkCalendar(roll_end_over_rest_days=False)

# Starts far enough from the end of 2026 that 60 working days stay inside covered data.
# Late enough to cross many years, early enough that start + 90 working days stays inside the calendar
# data (2026 is the last year chinesecalendar knows; beyond it the calendar refuses to guess).
starts = st.dates(D(2015, 1, 1), D(2026, 7, 31))
counts = st.integers(min_value=0, max_value=60)
positive_counts = st.integers(min_value=1, max_value=60)
HYP = settings(max_examples=200, deadline=None)


def oracle_add_workdays(start: dt.date, n: int, *, makeup: bool = True) -> dt.date:
    """The n-th working day after start, stepping day by day through chinese_calendar."""
    day = start
    while n:
        day += ONE_DAY
        if chinese_calendar.is_workday(day) and (makeup or day.weekday() < 5):
            n -= 1
    return day


def days_after(start: dt.date, end: dt.date):
    """(start, end]."""
    return [start + dt.timedelta(days=i) for i in range(1, (end - start).days + 1)]


STATUTORY_HOLIDAYS = sorted(d for d in cc_constants.holidays if 2015 <= d.year <= 2026)
MAKEUP_DAYS = sorted(d for d in cc_constants.workdays if 2015 <= d.year <= 2026)


# ── 1. working-day arithmetic: properties ───────────────────────────────────────────────────────────
@HYP
@given(start=starts, n=counts, more=st.integers(1, 20))
def test_add_workdays_is_strictly_increasing_in_the_count(start, n, more):
    assert CAL.add_workdays(start, n) < CAL.add_workdays(start, n + more)


@HYP
@given(start=st.dates(D(2015, 1, 1), D(2026, 8, 20)), later=st.integers(0, 40), n=counts)
def test_add_workdays_is_monotone_in_the_start(start, later, n):
    assert CAL.add_workdays(start, n) <= CAL.add_workdays(start + dt.timedelta(days=later), n)


@HYP
@given(start=starts, n=positive_counts)
def test_a_working_day_deadline_lands_on_a_working_day_and_uses_exactly_n(start, n):
    due = CAL.add_workdays(start, n)
    assert due > start
    assert CAL.is_workday(due)
    assert chinese_calendar.is_workday(due)
    assert CAL.workdays_between(start, due) == n
    # The day before the deadline has used one working day fewer: the deadline is the first day reaching n.
    assert CAL.workdays_between(start, due - ONE_DAY) == n - 1


@HYP
@given(start=starts, n=counts)
def test_add_workdays_agrees_with_a_day_by_day_oracle(start, n):
    assert CAL.add_workdays(start, n) == oracle_add_workdays(start, n)
    assert STRICT.add_workdays(start, n) == oracle_add_workdays(start, n, makeup=False)


@HYP
@given(start=starts, n=positive_counts)
def test_no_public_holiday_is_ever_counted(start, n):
    due = CAL.add_workdays(start, n)
    assert not chinese_calendar.is_holiday(due)
    counted = [d for d in days_after(start, due) if CAL.is_workday(d)]
    assert len(counted) == n
    assert not any(chinese_calendar.is_holiday(d) for d in counted)
    # Named festival days (春节, 国庆节 …) in the span are skipped, whatever weekday they fall on.
    for d in days_after(start, due):
        on_holiday, name = chinese_calendar.get_holiday_detail(d)
        if on_holiday and name is not None:
            assert not CAL.is_workday(d)


@HYP
@given(start=starts, span=st.integers(0, 90))
def test_workdays_between_counts_working_days_in_the_half_open_interval(start, span):
    end = start + dt.timedelta(days=span)
    expected = sum(chinese_calendar.is_workday(d) for d in days_after(start, end))
    assert CAL.workdays_between(start, end) == expected
    assert CAL.workdays_between(end, start) == 0  # an end not after the start has used nothing
    # Galois connection: adding what has been used never overshoots `end`, one more always does.
    used = CAL.workdays_between(start, end)
    assert CAL.add_workdays(start, used) <= end < CAL.add_workdays(start, used + 1)


@settings(max_examples=100, deadline=None)
@given(holiday=st.sampled_from(STATUTORY_HOLIDAYS))
def test_every_statutory_holiday_is_a_rest_day_and_is_jumped(holiday):
    assert not CAL.is_workday(holiday) and CAL.is_rest_day(holiday)
    assert not STRICT.is_workday(holiday)
    assert CAL.add_workdays(holiday - ONE_DAY, 1) > holiday
    assert CAL.next_workday(holiday) > holiday


@settings(max_examples=75, deadline=None)
@given(makeup=st.sampled_from(MAKEUP_DAYS))
def test_every_tiaoxiu_makeup_weekend_counts_unless_the_policy_says_otherwise(makeup):
    assert makeup.weekday() >= 5
    assert CAL.is_workday(makeup)
    assert CAL.add_workdays(makeup - ONE_DAY, 1) == makeup
    assert not STRICT.is_workday(makeup)
    assert STRICT.add_workdays(makeup - ONE_DAY, 1) > makeup


def test_spring_festival_2025_and_its_makeup_days():
    # 2025: 1-28 … 2-4 off for the Spring Festival; Sunday 1-26 and Saturday 2-8 are make-up working days.
    assert D(2025, 1, 26).weekday() == 6 and D(2025, 2, 8).weekday() == 5
    assert CAL.is_workday(D(2025, 1, 26)) and CAL.is_workday(D(2025, 2, 8))
    for day in days_after(D(2025, 1, 27), D(2025, 2, 4)):
        assert not CAL.is_workday(day), day
    assert CAL.add_workdays(D(2025, 1, 24), 1) == D(2025, 1, 26)  # Friday → the make-up Sunday
    assert CAL.add_workdays(D(2025, 1, 24), 2) == D(2025, 1, 27)
    assert CAL.add_workdays(D(2025, 1, 24), 3) == D(2025, 2, 5)  # the whole festival is skipped
    assert CAL.add_workdays(D(2025, 2, 5), 3) == D(2025, 2, 8)  # Wed, Thu, Fri… make-up Saturday is the 3rd
    assert CAL.workdays_between(D(2025, 1, 24), D(2025, 2, 8)) == 6  # 1-26, 1-27, 2-5, 2-6, 2-7, 2-8
    assert CAL.add_workdays(D(2025, 1, 24), 0) == D(2025, 1, 24)
    # With make-up days treated as rest days the Sunday is skipped.
    assert not STRICT.is_workday(D(2025, 1, 26))
    assert STRICT.add_workdays(D(2025, 1, 24), 1) == D(2025, 1, 27)
    assert STRICT.add_workdays(D(2025, 1, 24), 2) == D(2025, 2, 5)
    assert STRICT.workdays_between(D(2025, 1, 24), D(2025, 2, 8)) == 4


def test_working_days_cross_the_new_year():
    # 2024-12-31 Tue; 2025-01-01 New Year's Day; 1-2 Thu.
    assert CAL.add_workdays(D(2024, 12, 30), 2) == D(2025, 1, 2)
    assert CAL.workdays_between(D(2024, 12, 30), D(2025, 1, 2)) == 2
    assert CAL.workdays_between(D(2015, 1, 1), D(2026, 12, 31)) == sum(
        chinese_calendar.is_workday(d) for d in days_after(D(2015, 1, 1), D(2026, 12, 31))
    )


def test_negative_working_days_are_refused():
    with pytest.raises(ValueError, match="不能为负数"):
        CAL.add_workdays(D(2025, 6, 2), -1)


# ── 2. calendar-day periods roll forward over rest days ─────────────────────────────────────────────
def test_a_calendar_period_ending_on_national_day_moves_to_the_first_working_day_after():
    # 2025-08-02 + 60 days = 2025-10-01 (National Day; 10-1 … 10-8 off, 10-9 Thursday back at work).
    assert D(2025, 8, 2) + dt.timedelta(days=60) == D(2025, 10, 1)
    assert CAL.add_calendar_days(D(2025, 8, 2), 60) == D(2025, 10, 9)
    assert NO_ROLL.add_calendar_days(D(2025, 8, 2), 60) == D(2025, 10, 1)
    assert CAL.add_months(D(2025, 4, 1), 6) == D(2025, 10, 9)
    assert NO_ROLL.add_months(D(2025, 4, 1), 6) == D(2025, 10, 1)
    assert CAL.add_years(D(2024, 10, 1), 1) == D(2025, 10, 9)
    assert NO_ROLL.add_years(D(2024, 10, 1), 1) == D(2025, 10, 1)


def test_ordinary_weekends_roll_and_working_days_and_makeup_days_do_not():
    assert CAL.add_calendar_days(D(2025, 6, 2), 5) == D(2025, 6, 9)  # Saturday 6-7 → Monday 6-9
    assert CAL.add_calendar_days(D(2025, 6, 2), 3) == D(2025, 6, 5)  # a Thursday stays
    assert CAL.add_calendar_days(D(2025, 6, 3), 0) == D(2025, 6, 3)
    # 2025-09-28 is a Sunday but a make-up working day: a period ending there does not move…
    assert CAL.add_calendar_days(D(2025, 9, 18), 10) == D(2025, 9, 28)
    # …unless make-up days are treated as rest days, when it moves to Monday 9-29.
    assert STRICT.add_calendar_days(D(2025, 9, 18), 10) == D(2025, 9, 29)
    assert CAL.add_months(D(2025, 1, 31), 1) == D(2025, 2, 28)  # month end clamps (a Friday)
    assert CAL.add_months(D(2024, 1, 31), 1) == D(2024, 2, 29)  # leap year (a Thursday)


@HYP
@given(start=starts, n=st.integers(0, 90))
def test_calendar_days_roll_to_the_first_working_day_on_or_after_the_raw_end(start, n):
    raw = start + dt.timedelta(days=n)
    due = CAL.add_calendar_days(start, n)
    assert due >= raw
    assert CAL.is_workday(due)
    assert all(CAL.is_rest_day(d) for d in days_after(raw - ONE_DAY, due - ONE_DAY))
    assert (due == raw) == CAL.is_workday(raw)
    assert NO_ROLL.add_calendar_days(start, n) == raw
    assert CAL.roll_forward(raw) == due
    assert NO_ROLL.roll_forward(raw) == raw


@HYP
@given(start=starts, n=st.integers(0, 3))
def test_month_periods_roll_like_day_periods(start, n):
    due = CAL.add_months(start, n)
    raw = NO_ROLL.add_months(start, n)
    assert raw.day <= start.day and (raw.year * 12 + raw.month) - (start.year * 12 + start.month) == n
    assert CAL.is_workday(due) and due == CAL.roll_forward(raw)


# ── 3. years the package does not know: the provisional calendar, and entered arrangements ─────────────────
def provisional_oracle(day: dt.date) -> bool:
    """Working day on the provisional calendar, from the statute's own words for 2027 (checked by hand against
    lunar_python: 除夕 2027-02-05, 清明 04-05, 端午 06-09, 中秋 09-15) and its 补假 for weekend holidays."""
    holidays = {D(2027, 1, 1), *days_after(D(2027, 2, 4), D(2027, 2, 8)), D(2027, 4, 5), D(2027, 5, 1), D(2027, 5, 2)}
    holidays |= {D(2027, 6, 9), D(2027, 9, 15), D(2027, 10, 1), D(2027, 10, 2), D(2027, 10, 3)}
    # 春节 has Sat 02-06 and Sun 02-07, 劳动节 Sat and Sun, 国庆 Sat 10-02 and Sun 10-03: two working days each.
    compensatory = {D(2027, 2, 9), D(2027, 2, 10), D(2027, 5, 3), D(2027, 5, 4), D(2027, 10, 4), D(2027, 10, 5)}
    return day.weekday() < 5 and day not in holidays | compensatory


def test_2027_is_provisional_and_its_statutory_holidays_are_computed():
    from lunar_python import Lunar

    from fazhi.law.holidays import statutory_year

    assert 2027 not in PACKAGE_YEARS and not CAL.covers(2027)
    assert CAL.is_provisional(D(2027, 3, 2)) and CAL.is_provisional(2030) and not CAL.is_provisional(D(2026, 12, 31))
    assert not CAL.is_provisional(None)
    year = statutory_year(2027)
    spans = {holiday.name: (holiday.first, holiday.last) for holiday in year.holidays}
    eve = Lunar.fromYmd(2027, 1, 1).getSolar()
    assert D(eve.getYear(), eve.getMonth(), eve.getDay()) - ONE_DAY == D(2027, 2, 5)
    assert spans == {
        "元旦": (D(2027, 1, 1), D(2027, 1, 1)),
        "春节": (D(2027, 2, 5), D(2027, 2, 8)),  # 除夕 and 正月初一至初三
        "清明节": (D(2027, 4, 5), D(2027, 4, 5)),
        "劳动节": (D(2027, 5, 1), D(2027, 5, 2)),
        "端午节": (D(2027, 6, 9), D(2027, 6, 9)),
        "中秋节": (D(2027, 9, 15), D(2027, 9, 15)),
        "国庆节": (D(2027, 10, 1), D(2027, 10, 3)),
    }
    assert "795" in year.rules.law and year.rules.article == "第二条"
    for day in days_after(D(2026, 12, 31), D(2027, 12, 31)):
        assert CAL.is_workday(day) == provisional_oracle(day), day
    # 2026's statutory days, computed the same way, are among the days the State Council's notice gave off.
    for holiday in statutory_year(2026).holidays:
        assert all(not chinese_calendar.is_workday(day) for day in holiday.days), holiday


def test_a_period_running_into_an_unpublished_year_is_computed_provisionally_not_refused():
    assert CAL.add_workdays(D(2026, 12, 28), 5) == D(2027, 1, 5)  # over 元旦 (a Friday)
    assert CAL.add_calendar_days(D(2026, 12, 1), 90) == D(2027, 3, 1)
    assert CAL.add_calendar_days(D(2026, 11, 7), 90) == D(2027, 2, 11)  # 除夕 → over 春节 and its 补假
    assert CAL.workdays_between(D(2026, 12, 30), D(2027, 1, 4)) == 2
    assert CAL.add_workdays(D(2026, 12, 20), 5) == D(2026, 12, 25)  # inside 2026: the package's data


@settings(max_examples=100, deadline=None)
@given(start=st.dates(D(2026, 10, 1), D(2027, 8, 15)), n=st.integers(1, 80))  # stays inside 2027
def test_working_days_across_the_last_known_year_follow_each_years_source(start, n):
    day, left = start, n
    while left:
        day += ONE_DAY
        if chinese_calendar.is_workday(day) if day.year <= 2026 else provisional_oracle(day):
            left -= 1
    due = CAL.add_workdays(start, n)
    assert due == day
    assert CAL.is_provisional(due) == (due.year >= 2027)


def test_a_year_before_every_version_of_the_statute_and_the_package_is_refused():
    with pytest.raises(CalendarDataMissing) as caught:
        CAL.is_workday(D(2003, 3, 3))
    message = caught.value.messages[0]
    assert "缺少2003年的节假日安排数据" in message and "工作日历" in message
    assert isinstance(caught.value, ValidationError)


OVERRIDE_2027 = YearOverride(
    holidays=frozenset([D(2027, 1, 1)] + [D(2027, 2, 6) + dt.timedelta(days=i) for i in range(8)]),
    workdays=frozenset({D(2027, 2, 14), D(2027, 2, 20)}),
    source="国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
)


def test_an_entered_year_replaces_the_provisional_calendar():
    local = WorkCalendar(overrides={2027: OVERRIDE_2027})
    assert local.covers(2027) and not local.covers(2028)
    assert local.source(2027) == "entered" and local.source(2026) == "package" and local.source(2028) == "provisional"
    assert not local.is_provisional(D(2027, 5, 1)) and local.is_provisional(D(2028, 5, 1))
    # Listed holidays are rest days, even on weekdays.
    assert D(2027, 1, 1).weekday() == 4 and not local.is_workday(D(2027, 1, 1))
    for day in days_after(D(2027, 2, 5), D(2027, 2, 13)):
        assert not local.is_workday(day), day
    # Listed make-up days count although they are a Sunday and a Saturday.
    assert D(2027, 2, 14).weekday() == 6 and local.is_workday(D(2027, 2, 14))
    assert D(2027, 2, 20).weekday() == 5 and local.is_workday(D(2027, 2, 20))
    assert local.day_kind(D(2027, 2, 14)) == "makeup" and local.day_kind(D(2027, 2, 8)) == "holiday"
    assert local.day_kind(D(2027, 3, 6)) == "weekend" and local.day_kind(D(2027, 3, 8)) == "workday"
    # Unlisted weekends rest, unlisted weekdays work: the provisional 清明 and 国庆 are not in this arrangement.
    assert not local.is_workday(D(2027, 3, 6)) and local.is_workday(D(2027, 3, 8))
    assert local.is_workday(D(2027, 4, 5)) and not CAL.is_workday(D(2027, 4, 5))
    assert local.add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 14)  # Friday → over the festival → make-up Sunday
    assert local.add_workdays(D(2027, 2, 5), 2) == D(2027, 2, 15)
    assert local.add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)  # from package data into the entered year
    # 1-7 + 30 days = Saturday 2-6, a listed holiday: rolled over the festival to the make-up Sunday.
    assert local.add_calendar_days(D(2027, 1, 7), 30) == D(2027, 2, 14)
    # The same arrangement under the strict policy: the make-up Sunday is skipped.
    strict = WorkCalendar(overrides={2027: OVERRIDE_2027}, makeup_days_are_workdays=False)
    assert not strict.is_workday(D(2027, 2, 14))
    assert strict.add_workdays(D(2027, 2, 5), 1) == D(2027, 2, 15)


def test_an_entered_year_replaces_the_package_data_for_its_year():
    local = WorkCalendar(overrides={2025: YearOverride(holidays=frozenset({D(2025, 1, 1)}))})
    assert not local.is_workday(D(2025, 1, 1))
    assert not local.is_workday(D(2025, 1, 26))  # the package's make-up Sunday is not listed here
    assert local.is_workday(D(2025, 1, 29))  # nor is its Spring Festival
    assert local.is_workday(D(2024, 2, 18)) and not local.is_workday(D(2024, 2, 12))  # other years untouched
    assert local.day_kind(D(2024, 2, 18)) == "makeup" and local.day_kind(D(2024, 2, 12)) == "holiday"


# ── 4. the 2023 revision of the 行政复议法 (in force 2024-01-01) ──────────────────────────────────────
OLD_DAY, NEW_DAY = D(2023, 12, 20), D(2024, 1, 2)
OLD_LAW = "中华人民共和国行政复议法（1999年公布，2017年修正）"
NEW_LAW = "中华人民共和国行政复议法（2023年修订）"


def test_the_simplified_procedure_limit_exists_only_under_the_2023_revision():
    simplified = param("reconsideration.simplified_decision_limit", NEW_DAY)
    assert (simplified.value, simplified.unit) == (30, "calendar_days")
    assert simplified.law == NEW_LAW and simplified.article == "第六十二条"
    assert simplified.citation == f"《{NEW_LAW}》第六十二条"
    assert simplified.display == "30日"
    assert param("reconsideration.simplified_decision_limit", D(2024, 1, 1)) == simplified
    with pytest.raises(ParameterNotInForce) as caught:
        param("reconsideration.simplified_decision_limit", OLD_DAY)
    message = caught.value.messages[0]
    assert CJK.search(message)
    assert "行政复议决定期限（简易程序）" in message
    assert "2023年12月20日" in message and "没有有效的法律规定" in message
    assert "2024年01月01日" in message and "第六十二条" in message
    assert caught.value.code == "parameter_not_in_force"
    with pytest.raises(ParameterNotInForce):
        param("reconsideration.simplified_decision_limit", D(2023, 12, 31))
    with pytest.raises(ParameterNotInForce):
        deadline("reconsideration.simplified_decision_limit", OLD_DAY)


def test_respondent_answer_turns_from_calendar_into_working_days():
    old, new = param("reconsideration.respondent_answer", OLD_DAY), param("reconsideration.respondent_answer", NEW_DAY)
    assert (old.value, old.unit) == (10, "calendar_days")
    assert (new.value, new.unit) == (10, "working_days")
    assert old.citation == f"《{OLD_LAW}》第二十三条"
    assert new.law == NEW_LAW and "第四十八条" in new.article
    assert param("reconsideration.respondent_answer", D(2023, 12, 31)) == old  # the last day of the old law
    assert param("reconsideration.respondent_answer", D(2024, 1, 1)) == new
    # Old: 10 calendar days → Saturday 12-30, rolled over the weekend and New Year's Day to 1-2.
    old_due = deadline("reconsideration.respondent_answer", OLD_DAY)
    assert old_due.due == D(2024, 1, 2) and old_due.basis == old
    # New: 10 working days from Tuesday 1-2 → 1-16.
    new_due = deadline("reconsideration.respondent_answer", NEW_DAY)
    assert new_due.due == D(2024, 1, 16) and new_due.basis == new
    assert new_due.explanation == (
        f"被申请人答复期限（普通程序）10个工作日（《{NEW_LAW}》{new.article}），截止2024年01月16日"
    )
    # The law is that in force on `on`, counted from `start`.
    assert deadline("reconsideration.respondent_answer", OLD_DAY, on=NEW_DAY).due == CAL.add_workdays(OLD_DAY, 10)
    assert deadline("reconsideration.respondent_answer", OLD_DAY, on=NEW_DAY).basis == new


def test_decision_limit_is_sixty_days_either_side_but_cites_different_articles():
    old = deadline("reconsideration.decision_limit", OLD_DAY)
    new = deadline("reconsideration.decision_limit", NEW_DAY)
    assert (old.basis.value, old.basis.unit) == (new.basis.value, new.basis.unit) == (60, "calendar_days")
    assert old.basis.citation == f"《{OLD_LAW}》第三十一条"
    assert new.basis.citation == f"《{NEW_LAW}》第六十二条"
    # Old: 12-20 + 60 = 2024-02-18, a Sunday but a 调休 make-up working day, so it stands.
    assert old.due == D(2024, 2, 18)
    assert deadline("reconsideration.decision_limit", OLD_DAY, calendar=STRICT).due == D(2024, 2, 19)
    # New: 1-2 + 60 = Saturday 3-2, rolled to Monday 3-4.
    assert new.due == D(2024, 3, 4)
    assert deadline("reconsideration.decision_limit", NEW_DAY, calendar=NO_ROLL).due == D(2024, 3, 2)
    assert "截止2024年03月04日" in new.explanation and "第六十二条" in new.explanation
    assert "2017年修正" in old.explanation


def test_every_reconsideration_limit_in_force_across_the_change_cites_the_right_law():
    book = parameter_book()
    straddling = [
        code
        for code, versions in book.versions.items()
        if code.startswith("reconsideration.") and any(v.in_force_on(D(2023, 12, 31)) for v in versions)
    ]
    assert "reconsideration.decision_limit" in straddling and "reconsideration.respondent_answer" in straddling
    for code in straddling:
        before, after = book.get(code, D(2023, 12, 31)), book.get(code, D(2024, 1, 1))
        assert before is not after, code
        assert "2017年修正" in before.citation and "2023年修订" not in before.citation, code
        assert "2023年修订" in after.citation, code
        assert before.effective_to == D(2023, 12, 31) and after.effective_from == D(2024, 1, 1), code


# ── 5. the whole parameter book ─────────────────────────────────────────────────────────────────────
@pytest.fixture(scope="module")
def fresh_book():
    return ParameterBook(load_parameter_data(django_settings.FAZHI_LAW_PARAMETERS))


def test_every_parameter_loads_with_a_citation_and_non_overlapping_versions(fresh_book):
    assert fresh_book.versions and set(fresh_book.versions) == set(parameter_book().versions)
    for code, versions in fresh_book.versions.items():
        assert versions, code
        for version in versions:
            assert version.code == code and version.name and CJK.search(version.name), code
            assert version.law and version.article, code
            assert version.citation == f"《{version.law}》{version.article}"
            assert version.unit in UNITS, code
            assert isinstance(version.effective_from, dt.date), code
            assert version.effective_to is None or (
                isinstance(version.effective_to, dt.date) and version.effective_to >= version.effective_from
            ), code
            assert version.confidence in {"ok", "local", "unconfirmed"}, code
            if version.unit in PERIOD_UNITS:
                assert isinstance(version.value, int) and version.value > 0, code
        for earlier, later in zip(versions, versions[1:]):
            assert earlier.effective_to is not None and earlier.effective_to < later.effective_from, code
        # Only the last version may be open-ended.
        assert all(v.effective_to is not None for v in versions[:-1]), code
        # On any day, at most one version is in force: probe every boundary.
        probes = {v.effective_from for v in versions} | {v.effective_to for v in versions if v.effective_to}
        probes |= {d + ONE_DAY for d in probes} | {d - ONE_DAY for d in probes}
        for day in probes:
            assert sum(v.in_force_on(day) for v in versions) <= 1, (code, day)


def test_every_period_parameter_yields_a_deadline(fresh_book):
    start = D(2025, 6, 3)
    for code, versions in fresh_book.versions.items():
        version = versions[-1]
        if version.unit not in PERIOD_UNITS or not version.in_force_on(start):
            continue
        raw = add_period(start, version.value, version.unit, NO_ROLL)
        due = deadline(code, start, calendar=CAL)
        # e.g. 20 years: past the years the holidays are published for, the end is rolled on the provisional calendar
        assert CAL.is_provisional(due.due) == (due.due.year > 2026), code
        assert due.due >= raw > start and CAL.is_workday(due.due), code
        assert due.basis == parameter_book().get(code, start), code
        assert version.display in due.explanation and version.citation in due.explanation, code


def test_every_annual_date_parameter_gives_a_date(fresh_book):
    for code, versions in fresh_book.versions.items():
        if versions[-1].unit not in {"annual_date", "annual_date_before"} or not versions[-1].in_force_on(
            D(2026, 1, 1)
        ):
            continue
        month, day = (int(part) for part in str(versions[-1].value).split("-"))
        due = annual_due_date(code, 2026)
        expected = D(2026, month, day) - (ONE_DAY if versions[-1].unit == "annual_date_before" else dt.timedelta(0))
        assert due.due == expected, code


def test_annual_report_is_published_before_april_first():
    due = annual_due_date("annual_report.publication", 2026)
    assert isinstance(due, Deadline) and due.due == D(2026, 3, 31)
    assert annual_due_date("annual_report.publication", 2025).due == D(2025, 3, 31)
    assert due.basis.unit == "annual_date_before" and "第二十四条" in due.basis.citation
    assert annual_due_date("annual_report.department_submission", 2024).due == D(2024, 2, 29)  # 3月1日前, leap year
    assert annual_due_date("annual_report.department_submission", 2026).due == D(2026, 2, 28)
    with pytest.raises(ValueError, match="不是年度日期参数"):
        annual_due_date("reconsideration.decision_limit", 2026)


def test_every_rule_has_text_and_a_citation_and_builds_a_violation(fresh_book):
    assert fresh_book.rules and set(fresh_book.rules) == set(parameter_book().rules)
    for code, item in fresh_book.rules.items():
        assert item.code == code and item.text and CJK.search(item.text), code
        assert item.law and item.article, code
        assert item.citation == f"《{item.law}》{item.article}"
        error = item.violation()
        assert isinstance(error, RuleViolation) and isinstance(error, ValidationError)
        assert error.code == code
        assert error.messages == [f"{item.text}（{item.citation}）"]
        detailed = item.violation("承诺时限25个工作日")
        assert detailed.messages == [f"承诺时限25个工作日：{item.text}（{item.citation}）"]
    promised = rule("services.promised_within_statutory").violation()
    assert "优化营商环境条例" in promised.messages[0] and "第三十六条" in promised.messages[0]


def test_unknown_codes_and_days_before_any_law_are_refused():
    with pytest.raises(KeyError, match="未定义的法律参数"):
        param("no.such.parameter", D(2025, 1, 1))
    with pytest.raises(ParameterNotInForce, match="1999年10月01日"):
        param("reconsideration.decision_limit", D(1999, 9, 30))
    assert param("reconsideration.decision_limit", D(1999, 10, 1)).article == "第三十一条"
    with pytest.raises(KeyError):
        rule("no.such.rule")
    with pytest.raises(ValueError, match="不是期间单位"):
        add_period(D(2025, 1, 1), 3000, "yuan", CAL)


def test_the_book_rejects_overlaps_unknown_units_and_duplicate_codes(tmp_path):
    def book(versions):
        return ParameterBook({"parameters": {"x.p": {"name": "测试", "versions": versions}}})

    base = {"value": 5, "unit": "working_days", "law": "测试法", "article": "第一条"}
    ok = book([{**base, "from": D(2024, 1, 1)}, {**base, "from": D(2020, 1, 1), "to": D(2023, 12, 31)}])
    assert [v.effective_from for v in ok.versions["x.p"]] == [D(2020, 1, 1), D(2024, 1, 1)]  # sorted
    with pytest.raises(ValueError, match="overlap"):
        book([{**base, "from": D(2020, 1, 1), "to": D(2024, 1, 1)}, {**base, "from": D(2024, 1, 1)}])
    with pytest.raises(ValueError, match="overlap"):
        book([{**base, "from": D(2020, 1, 1)}, {**base, "from": D(2024, 1, 1)}])
    with pytest.raises(ValueError, match="unknown unit"):
        book([{**base, "unit": "fortnights", "from": D(2020, 1, 1)}])
    (tmp_path / "a.yaml").write_text("rules:\n  r.x: {text: 甲, law: 乙, article: 第一条}\n", encoding="utf-8")
    (tmp_path / "b.yaml").write_text("rules:\n  r.x: {text: 丙, law: 丁, article: 第二条}\n", encoding="utf-8")
    with pytest.raises(ValueError, match="already defined"):
        load_parameter_data(tmp_path)


def test_the_default_calendar_follows_the_calendar_policy():
    policy = parameter_book().calendar_policy
    calendar = default_calendar()
    assert calendar.makeup_days_are_workdays is policy.get("makeup_days_are_workdays", True) is True
    assert calendar.roll_end_over_rest_days is policy.get("roll_end_over_rest_days", True) is True
    assert calendar.add_workdays(D(2025, 1, 24), 1) == D(2025, 1, 26)
