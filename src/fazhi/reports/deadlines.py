"""The annual report's derived values, as pure functions of a row's own fields (no database access).

The model's save, the steps, the demo generator and `fazhi check` call them, so the publication due date and
lateness mean the same thing on every road.
"""

from __future__ import annotations

import datetime as dt

from fazhi.law.deadlines import annual_due_date
from fazhi.org.choices import UnitType


def publication_due(year: int) -> dt.date:
    """A year's report is published by the statutory date of the next year (督察工作规定第二十四条: before April 1)."""
    return annual_due_date("annual_report.publication", year + 1).due


def submission_due(unit_type: str, year: int) -> dt.date | None:
    """A government department submits its report to its own Party committee and government before March 1 of the
    next year; other units have no separate submission date here (they report before publishing)."""
    if unit_type != UnitType.DEPARTMENT:
        return None
    return annual_due_date("annual_report.department_submission", year + 1).due


def derive_report(report) -> None:
    """Set `due_on` and `submission_due_on` from the report's year and unit."""
    report.due_on = publication_due(report.year) if report.year else None
    report.submission_due_on = (
        submission_due(report.unit.unit_type, report.year) if report.year and report.unit_id else None
    )


def is_late(published_on: dt.date | None, due_on: dt.date, today: dt.date) -> bool:
    """Published after the due date, or still unpublished past it."""
    return (published_on or today) > due_on
