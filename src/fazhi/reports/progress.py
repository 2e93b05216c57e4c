"""Where each report stands: the steps it has taken (who, when) and, for a set of units, who has submitted and
published the year's report (the 法治办's 报送与公开 table). Read-only; knows nothing of HTTP."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from fazhi.org.choices import UnitType

from .deadlines import is_late, publication_due, submission_due
from .models import AnnualReport

# The units that publish a report of their own (督察工作规定第二十四条: local governments at every level and the
# departments of governments at county level and above); towns when the viewer asks for them.
REPORTING_TYPES = (UnitType.GOVERNMENT, UnitType.DEPARTMENT, UnitType.COUNTY, UnitType.ZONE)


@dataclass
class Milestone:
    label: str
    done: bool
    when: object = None  # a date or a datetime
    by: object = None  # the user who recorded it
    detail: str = ""
    due: dt.date | None = None
    late: bool = False


def timeline(report: AnnualReport) -> list[Milestone]:
    first = report.history.order_by("history_date", "history_id").select_related("history_user").first()
    steps = [
        Milestone("起草", True, report.created_at, first.history_user if first else None),
        Milestone("审核", report.reviewed_at is not None, report.reviewed_at, report.reviewed_by),
        Milestone(
            "审定", report.approved_on is not None, report.approved_on, report.approved_by, report.approval_meeting
        ),
    ]
    if report.submission_due_on or report.submitted_on:
        steps.append(
            Milestone(
                "报送",
                report.submitted_on is not None,
                report.submitted_on,
                report.submitted_by,
                report.submitted_to,
                report.submission_due_on,
                report.is_submission_overdue,
            )
        )
    steps.append(
        Milestone(
            "公开",
            report.published_at is not None,
            report.published_at,
            report.published_by,
            "门户网站" if report.published_at else "",
            report.due_on,
            report.is_overdue,
        )
    )
    return steps


@dataclass
class UnitRow:
    unit: object
    report: AnnualReport | None
    submission_due: dt.date | None
    publication_due: dt.date
    submission_late: bool
    publication_late: bool


def publication_table(units, year: int, today: dt.date | None = None) -> list[UnitRow]:
    """One row per unit that owes the year's report: its report (or none yet) and whether it is late."""
    today = today or timezone.localdate()
    units = list(units.existing_in(dt.date(year, 1, 1), dt.date(year, 12, 31)).order_by("path"))
    reports = {
        r.unit_id: r for r in AnnualReport.objects.filter(year=year, unit__in=[u.pk for u in units]).order_by("pk")
    }
    published_by = publication_due(year)
    rows = []
    for unit in units:
        report = reports.get(unit.pk)
        submit_by = submission_due(unit.unit_type, year)
        submitted = report.submitted_on if report else None
        published = report.published_on if report else None
        rows.append(
            UnitRow(
                unit=unit,
                report=report,
                submission_due=submit_by,
                publication_due=published_by,
                submission_late=submit_by is not None and is_late(submitted, submit_by, today),
                publication_late=is_late(published, published_by, today),
            )
        )
    return rows


def summary(rows: list[UnitRow]) -> dict[str, int]:
    reports = [row.report for row in rows if row.report]
    return {
        "units": len(rows),
        "drafted": len(reports),
        "approved": sum(r.approved_on is not None for r in reports),
        "submitted": sum(r.submitted_on is not None for r in reports),
        "published": sum(r.published_at is not None for r in reports),
        "published_on_time": sum(r.published_at is not None and r.published_on <= r.due_on for r in reports),
        "publication_late": sum(row.publication_late for row in rows),
        "submission_late": sum(row.submission_late for row in rows),
    }
