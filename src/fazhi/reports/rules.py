"""The annual report's steps: 审核报告 (every passage approved), 公开 (reviewed first), 审核段落.

Each is a locked step (`@step`): the row is re-read under lock, a step the row's current state does not allow
raises StateConflict (HTTP 409), any other refusal a ValidationError naming the rule (HTTP 400). Review and
publication are for a unit's administrator or the 法治办, never a clerk or a read-only role.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.core.steps import StateConflict, step
from fazhi.law.steps import require_status
from fazhi.org.choices import Role
from fazhi.org.scope import READ_ONLY_ROLES

from .models import AnnualReport, NarrativeBlock

Status = AnnualReport.Status


def require_reviewer(user) -> None:
    if user is None:
        return  # the system itself (demo data, management commands)
    if user.role in READ_ONLY_ROLES or user.role == Role.CLERK:
        raise PermissionDenied("报告须由单位管理员或法治办审核、公开")


def check_all_approved(report: AnnualReport, pending: int, what: str) -> None:
    if pending:
        raise ValidationError(f"还有{pending}个段落未审核，不能{what}（审核后修改过的段落须重新审核）")


def check_review(report: AnnualReport, pending: int) -> None:
    require_status(report, "审核", Status.DRAFT)
    check_all_approved(report, pending, "审核报告")
    report.status, report.reviewed_at = Status.REVIEWED, timezone.now()


def check_publish(report: AnnualReport, pending: int) -> None:
    if report.status == Status.DRAFT:
        raise StateConflict("报告须先审核，审核后才能公开")
    require_status(report, "公开", Status.REVIEWED)
    check_all_approved(report, pending, "公开")
    report.status, report.published_at = Status.PUBLISHED, timezone.now()


def _pending(report: AnnualReport) -> int:
    return report.blocks.filter(approved=False).count()


@step("审核报告")
def review(report: AnnualReport, user=None) -> AnnualReport:
    require_reviewer(user)
    check_review(report, _pending(report))
    report.save()
    return report


@step("公开报告")
def publish(report: AnnualReport, user=None) -> AnnualReport:
    require_reviewer(user)
    check_publish(report, _pending(report))
    report.save()
    return report


@step("审核段落", parent="report")
def approve_block(block: NarrativeBlock, user=None) -> NarrativeBlock:
    require_reviewer(user)
    if block.approved:
        raise StateConflict("该段落已审核")
    if block.report.status == Status.PUBLISHED:
        raise StateConflict("报告已公开，不能再审核或修改段落")
    block.approved = True
    block.save()
    return block
