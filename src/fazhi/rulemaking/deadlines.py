"""Derived values and statutory periods of 制度建设与依法决策, as pure functions of a row's own fields.

No database access and no import of the app's models: the models' save, the workflow steps (rules.py), the
Excel import, the demo generator and `fazhi check` (invariants.py) all call these, so a 备案期限, an on-time
flag or a minimum comment period means the same thing on every road.
"""

from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.deadlines import deadline
from fazhi.law.errors import CalendarDataMissing
from fazhi.law.params import ParameterVersion, param, rule

SPAN_UNITS = {"calendar_days": "days", "months": "months", "years": "years"}


def out_of_range(day: dt.date) -> ValidationError:
    return ValidationError(f"日期{day:%Y-%m-%d}超出可计算的范围")


def shift(day: dt.date, version: ParameterVersion, sign: int = 1) -> dt.date:
    """`day` moved by a span set in the law, without rolling over rest days: used for minimum periods and
    validity terms, which are lengths of time, not time limits for an act (those go through law.deadlines)."""
    try:
        unit = SPAN_UNITS[version.unit]
    except KeyError:
        raise ValueError(f"{version.code} 不是日历期间参数") from None
    try:
        return day + relativedelta(**{unit: sign * int(version.value)})
    except (OverflowError, ValueError):
        raise out_of_range(day) from None


# -- 行政规范性文件 ---------------------------------------------------------------------------------------------
def validity_limit(document, effective_from: dt.date) -> tuple[dt.date, ParameterVersion]:
    """The last day a document may stay valid: 暂行、试行 documents have a shorter maximum."""
    code = "normative.provisional_validity_max" if document.provisional else "normative.validity_max"
    version = param(code, effective_from)
    return shift(effective_from, version) - dt.timedelta(days=1), version


def filing_due(published_on: dt.date) -> dt.date:
    """Due within the filing period from publication. Where the 工作日 calendar lacks the year the period ends in,
    the date before any rest-day roll-over is used: never later than the true deadline, and publication is not
    blocked by a holiday notice not yet issued."""
    try:
        return deadline("normative.filing_deadline", published_on).due
    except CalendarDataMissing:
        return shift(published_on, param("normative.filing_deadline", published_on))
    except (OverflowError, ValueError):
        raise out_of_range(published_on) from None


def expiry_evaluation_due(valid_until: dt.date, on: dt.date) -> dt.date:
    """When the evaluation before expiry should start: the lead time in force on `on` (the publication day)."""
    return shift(valid_until, param("normative.expiry_evaluation_before", on), sign=-1)


def is_filed_on_time(filed_on: dt.date | None, filing_due_on: dt.date | None) -> bool | None:
    if filed_on is None or filing_due_on is None:
        return None
    return filed_on <= filing_due_on


def derive_document(document) -> None:
    """Set the 备案期限 (from publication, for a document to be filed), the date the expiry evaluation is due,
    and `filed_on_time` (filed no later than the 备案期限; None while not filed)."""
    published = document.published_on
    document.filing_due_on = filing_due(published) if published and document.filing_required else None
    document.evaluation_due_on = (
        expiry_evaluation_due(document.valid_until, published) if published and document.valid_until else None
    )
    document.filed_on_time = is_filed_on_time(document.filed_on, document.filing_due_on)


# -- public comment periods ------------------------------------------------------------------------------------
def comment_minimum_end(consultation) -> tuple[dt.date, ParameterVersion] | None:
    """The earliest lawful last day of a comment period: the start day is not counted (民法典第二百零一条)."""
    code = consultation.minimum_code()
    if code is None:
        return None
    version = param(code, consultation.starts_on)
    return shift(consultation.starts_on, version), version


def check_comment_period(consultation) -> None:
    """A period shorter than the law's minimum needs a recorded reason (条例第十五条; 优化营商环境条例第六十二条)."""
    minimum = comment_minimum_end(consultation)
    if minimum is None or consultation.ends_on >= minimum[0] or consultation.short_reason.strip():
        return
    end, version = minimum
    code = "decision.comment_period_min" if consultation.decision_id else "normative.comment_period_min"
    raise rule(code).violation(
        f"征求意见期至{consultation.ends_on:%Y年%m月%d日}，少于{version.name}{version.display}（应至少至{end:%Y年%m月%d日}）"
    )


# -- 重大行政决策 -----------------------------------------------------------------------------------------------
def legality_review_shortfall(
    submitted_on: dt.date, reviewed_on: dt.date, calendar: WorkCalendar | None = None
) -> tuple[int, ParameterVersion] | None:
    """(working days used, the minimum) when a legality review took fewer working days than the law's minimum
    (条例第二十七条), else None. Raises CalendarDataMissing where the calendar lacks a year."""
    version = param("decision.legality_review_min", submitted_on)
    used = (calendar or default_calendar()).workdays_between(submitted_on, reviewed_on)
    return (used, version) if used < int(version.value) else None


# -- 合法性审查 -------------------------------------------------------------------------------------------------
def workdays_taken(start: dt.date, end: dt.date, calendar: WorkCalendar | None = None) -> int | None:
    """Working days in (start, end]; None where the calendar lacks a year or the dates are out of order."""
    if end < start:
        return None
    try:
        return (calendar or default_calendar()).workdays_between(start, end)
    except CalendarDataMissing:
        return None


def derive_review(review, calendar: WorkCalendar | None = None) -> None:
    """Set how many working days the review took, from the request to the opinion."""
    review.workdays_taken = (
        workdays_taken(review.requested_on, review.opinion_on, calendar)
        if review.requested_on and review.opinion_on
        else None
    )
