"""The self-assessment steps: the 法治办 reviews (fixes the score or returns it), the unit resubmits a returned one.

As in every ledger, a pure `check_*` validates a move against the row's fields and makes it in memory (the demo
generator replays it), and the locked step (`@step`) loads what it needs, calls it and saves.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.core.steps import step
from fazhi.law.steps import require_status, require_text
from fazhi.org.scope import WHOLE_TREE_ROLES

from .framework import load_framework
from .models import SelfAssessment

Status = SelfAssessment.Status


def item_points(assessment: SelfAssessment) -> float:
    try:
        return load_framework().item(assessment.item).points
    except StopIteration:
        raise ValidationError(f"指标项“{assessment.item}”不在现行指标体系中") from None


def check_review(
    assessment: SelfAssessment, score: float | None, comment: str, returned: bool, *, maximum: float, user=None
) -> None:
    """Fix the reviewed score (within the item's points), or return the self-assessment with the reasons."""
    require_status(assessment, "审核", Status.SUBMITTED)
    comment = require_text(comment, ValidationError("请填写审核意见（退回修改的，说明需要修改的内容）"))
    if returned:
        score = None
    elif score is None:
        raise ValidationError("请填写审核得分")
    elif not 0 <= score <= maximum:
        raise ValidationError(f"审核得分应在0到该项分值{maximum:g}分之间")
    assessment.status = Status.RETURNED if returned else Status.REVIEWED
    assessment.reviewed_score, assessment.review_comment = score, comment
    assessment.reviewed_by, assessment.reviewed_at = user, timezone.now()


def check_resubmit(assessment: SelfAssessment) -> None:
    """A returned self-assessment, revised by its unit, goes back to the 法治办; the last review stays in history."""
    require_status(assessment, "重新提交", Status.RETURNED)
    assessment.status = Status.SUBMITTED


@step("审核自评")
def review(
    assessment: SelfAssessment, score: float | None, comment: str, returned: bool = False, user=None
) -> SelfAssessment:
    """Only the 法治办 fixes a self-assessment's score; the unit cannot review itself."""
    if user is not None and user.role not in WHOLE_TREE_ROLES and not user.is_superuser:
        raise PermissionDenied("只有法治办可以审核自评")
    check_review(assessment, score, comment, returned, maximum=item_points(assessment), user=user)
    assessment.save()
    return assessment


@step("重新提交自评")
def resubmit(assessment: SelfAssessment) -> SelfAssessment:
    check_resubmit(assessment)
    assessment.save()
    return assessment
