"""Law parameters by date and the 工作日 calendar: properties, holidays, 调休, missing years, the 2024 change."""
import datetime as dt

import chinese_calendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.law.calendar import WorkCalendar, default_calendar, load_overrides
from fazhi.law.deadlines import annual_due_date, deadline
from fazhi.law.errors import CalendarDataMissing, ParameterNotInForce
from fazhi.law.params import param, parameter_book, rule

CAL = WorkCalendar()
covered_dates = st.dates(dt.date(2015, 1, 1), dt.date(2025, 12, 1))
spans = st.integers(min_value=0, max_value=40)


@settings(max_examples=150, deadline=None)
@given(start=covered_dates, n=spans, more=st.integers(0, 10))
def test_adding_working_days_is_monotone_in_the_count(start, n, more):
    assert CAL.add_workdays(start, n) <= CAL.add_workdays(start, n + more)


@settings(max_examples=150, deadline=None)
@given(start=covered_dates, later=st.integers(0, 20), n=spans)
def test_adding_working_days_is_monotone_in_the_start(start, later, n):
    assert CAL.add_workdays(start, n) <= CAL.add_workdays(start + dt.timedelta(days=later), n)


@settings(max_examples=150, deadline=None)
@given(start=covered_dates, n=st.integers(1, 40))
def test_a_deadline_in_working_days_is_a_working_day_and_no_holiday_counts(start, n):
    due = CAL.add_workdays(start, n)
    assert CAL.is_workday(due)
    assert CAL.workdays_between(start, due) == n
    counted = [start + dt.timedelta(days=i) for i in range(1, (due - start).days + 1)]
    assert sum(CAL.is_workday(d) for d in counted) == n
    assert not any(chinese_calendar.is_holiday(d) and CAL.is_workday(d) and d.weekday() < 5 for d in counted)


def test_a_tiaoxiu_weekend_counts_and_the_spring_festival_does_not():
    # 2025: 1-28 to 2-4 off for the Spring Festival; Sunday 1-26 and Saturday 2-8 are make-up working days.
    assert CAL.is_workday(dt.date(2025, 1, 26)) and CAL.is_workday(dt.date(2025, 2, 8))
    assert CAL.add_workdays(dt.date(2025, 1, 24), 1) == dt.date(2025, 1, 26)
    assert CAL.add_workdays(dt.date(2025, 1, 27), 1) == dt.date(2025, 2, 5)
    strict = WorkCalendar(makeup_days_are_workdays=False)
    assert strict.add_workdays(dt.date(2025, 1, 24), 1) == dt.date(2025, 1, 27)


def test_calendar_periods_roll_over_rest_days():
    # 60 days from 2025-08-02 ends on 2025-10-01 (National Day): the period ends on the next working day.
    assert CAL.add_calendar_days(dt.date(2025, 8, 2), 60) == dt.date(2025, 10, 9)
    assert WorkCalendar(roll_end_over_rest_days=False).add_calendar_days(dt.date(2025, 8, 2), 60) == dt.date(2025, 10, 1)
    assert CAL.add_months(dt.date(2025, 1, 31), 1) == dt.date(2025, 2, 28)  # month end clamps; a Friday
    assert CAL.add_months(dt.date(2025, 4, 1), 6) == dt.date(2025, 10, 9)  # 10-1 falls in the National Day break
    assert CAL.add_calendar_days(dt.date(2025, 6, 3), 0) == dt.date(2025, 6, 3)


def test_a_year_without_holiday_data_is_refused_not_guessed(tmp_path):
    with pytest.raises(CalendarDataMissing, match="缺少2031年的节假日安排数据"):
        CAL.add_workdays(dt.date(2031, 3, 2), 3)
    with pytest.raises(CalendarDataMissing):
        CAL.add_workdays(dt.date(2026, 12, 20), 30)  # runs into 2027, not yet published
    path = tmp_path / "overrides.yaml"
    path.write_text(
        "2027:\n  source: 测试通知\n  holidays: [2027-01-01, {from: 2027-02-05, to: 2027-02-12}]\n  workdays: [2027-02-14]\n",
        encoding="utf-8",
    )
    local = WorkCalendar(overrides=load_overrides(path))
    assert not local.is_workday(dt.date(2027, 2, 8)) and local.is_workday(dt.date(2027, 2, 14))
    assert local.add_workdays(dt.date(2027, 2, 4), 1) == dt.date(2027, 2, 14)
    assert local.add_workdays(dt.date(2026, 12, 31), 1) == dt.date(2027, 1, 4)


def test_reconsideration_limits_change_on_2024_01_01():
    old_day, new_day = dt.date(2023, 12, 20), dt.date(2024, 1, 2)
    with pytest.raises(ParameterNotInForce, match="简易程序"):
        param("reconsideration.simplified_decision_limit", old_day)
    simplified = param("reconsideration.simplified_decision_limit", new_day)
    assert (simplified.value, simplified.unit) == (30, "calendar_days")
    assert simplified.citation == "《中华人民共和国行政复议法（2023年修订）》第六十二条"
    old_answer, new_answer = param("reconsideration.respondent_answer", old_day), param("reconsideration.respondent_answer", new_day)
    assert (old_answer.unit, new_answer.unit) == ("calendar_days", "working_days")
    assert "2017年修正" in old_answer.law and "第二十三条" == old_answer.article
    # Old law: 10 calendar days → Saturday 12-30, rolled over the weekend and New Year's Day to 2024-01-02.
    assert deadline("reconsideration.respondent_answer", old_day).due == dt.date(2024, 1, 2)
    assert deadline("reconsideration.respondent_answer", new_day).due == dt.date(2024, 1, 16)
    assert deadline("reconsideration.decision_limit", new_day).due == dt.date(2024, 3, 4)  # 3-2 is a Saturday


def test_every_parameter_is_cited_and_dated_and_every_rule_too():
    book = parameter_book()
    assert len(book.versions) > 60
    for code, versions in book.versions.items():
        for version in versions:
            assert version.law and version.article, code
            assert version.effective_to is None or version.effective_to >= version.effective_from
    for code, item in book.rules.items():
        assert item.text and item.law and item.article, code
    assert "第三十六条" in str(rule("services.promised_within_statutory").violation().messages[0])
    assert annual_due_date("annual_report.publication", 2026).due == dt.date(2026, 3, 31)
    assert default_calendar().makeup_days_are_workdays is True
