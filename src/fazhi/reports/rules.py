"""The annual report's steps: 审核段落, 审核报告 (every passage approved), 审定 (by the meeting that adopts it),
报送 (to the bodies it reports to) and 公开 (on the portal, after 审定).

Each is a locked step (`@step`): the row is re-read under lock, a step the row's current state does not allow
raises StateConflict (HTTP 409), any other refusal a ValidationError naming the rule (HTTP 400). The steps are
for a unit's administrator or the 法治办, never a clerk or a read-only role; each records who took it and when.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.core.steps import StateConflict, step
from fazhi.law.steps import not_before, not_in_future, require_status, require_text
from fazhi.org.choices import Role
from fazhi.org.scope import READ_ONLY_ROLES

from .models import AnnualReport, NarrativeBlock

Status = AnnualReport.Status


def may_take_steps(user) -> bool:
    """Review, 审定, 报送 and 公开 are for a unit's administrator or the 法治办, not a clerk or a read-only role."""
    return user.role not in READ_ONLY_ROLES and user.role != Role.CLERK


def require_reviewer(user) -> None:
    if user is None:
        return  # the system itself (demo data, management commands)
    if not may_take_steps(user):
        raise PermissionDenied("报告须由单位管理员或法治办审核、审定、报送和公开")


def _actor(user):
    return user if user is not None and user.is_authenticated else None


def check_all_approved(report: AnnualReport, pending: int, what: str) -> None:
    if pending:
        raise ValidationError(f"还有{pending}个段落未审核，不能{what}（审核后修改过的段落须重新审核）")


def check_review(report: AnnualReport, pending: int, when: dt.datetime, user=None) -> None:
    require_status(report, "审核", Status.DRAFT)
    check_all_approved(report, pending, "审核报告")
    report.status, report.reviewed_at, report.reviewed_by = Status.REVIEWED, when, _actor(user)


def check_approve(report: AnnualReport, pending: int, meeting: str, on: dt.date, today: dt.date, user=None) -> None:
    if report.status == Status.DRAFT:
        raise StateConflict("报告须先审核，审核后才能登记审定")
    require_status(report, "登记审定", Status.REVIEWED)
    check_all_approved(report, pending, "审定")
    meeting = require_text(meeting, ValidationError("请填写审定报告的会议（如“市政府第12次常务会议”）"))
    not_in_future(on, today, "审定日期")
    not_before(on, timezone.localdate(report.reviewed_at), "审定日期", "审核日期")
    report.status, report.approval_meeting, report.approved_on = Status.APPROVED, meeting, on
    report.approved_by = _actor(user)


def check_submit(report: AnnualReport, recipient: str, on: dt.date, today: dt.date, user=None) -> None:
    if report.submitted_on is not None:
        raise StateConflict(f"报告已于{report.submitted_on:%Y-%m-%d}报送")
    if report.status in (Status.DRAFT, Status.REVIEWED):
        raise StateConflict("报告须经审定后才能报送")
    recipient = require_text(recipient, ValidationError("请填写报送对象"))
    not_in_future(on, today, "报送日期")
    not_before(on, report.approved_on, "报送日期", "审定日期")
    report.submitted_to, report.submitted_on, report.submitted_by = recipient, on, _actor(user)


def check_publish(report: AnnualReport, pending: int, when: dt.datetime, user=None) -> None:
    if report.status in (Status.DRAFT, Status.REVIEWED):
        raise StateConflict("报告须先审核并经审定，审定后才能公开")
    require_status(report, "公开", Status.APPROVED)
    check_all_approved(report, pending, "公开")
    not_before(timezone.localdate(when), report.approved_on, "公开日期", "审定日期")
    report.status, report.published_at, report.published_by = Status.PUBLISHED, when, _actor(user)


def _pending(report: AnnualReport) -> int:
    return report.blocks.filter(approved=False).count()


@step("审核报告")
def review(report: AnnualReport, user=None) -> AnnualReport:
    require_reviewer(user)
    check_review(report, _pending(report), timezone.now(), user)
    report.save()
    return report


@step("审定报告")
def approve(report: AnnualReport, meeting: str, on: dt.date, user=None) -> AnnualReport:
    require_reviewer(user)
    check_approve(report, _pending(report), meeting, on, timezone.localdate(), user)
    report.save()
    return report


@step("报送报告")
def submit(report: AnnualReport, recipient: str, on: dt.date, user=None) -> AnnualReport:
    require_reviewer(user)
    check_submit(report, recipient, on, timezone.localdate(), user)
    report.save()
    return report


@step("公开报告")
def publish(report: AnnualReport, user=None) -> AnnualReport:
    require_reviewer(user)
    check_publish(report, _pending(report), timezone.now(), user)
    report.save()
    return report


@step("审核段落", parent="report")
def approve_block(block: NarrativeBlock, user=None) -> NarrativeBlock:
    require_reviewer(user)
    if block.approved:
        raise StateConflict("该段落已审核")
    if not block.report.passages_editable:
        raise StateConflict(f"报告{block.report.get_status_display()}，不能再审核或修改段落")
    block.approved = True
    block.save()
    return block


def start_report(unit, year: int, user=None) -> AnnualReport:
    """Create the year's report of a unit, its heading filled from the unit and the rules."""
    report = AnnualReport(unit=unit, year=year)
    report.full_clean(exclude=["due_on"])
    report._change_reason = "新建年度报告"
    report.save()
    return report
