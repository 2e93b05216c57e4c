from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.core.ledgers import Action
from fazhi.core.scope import WHOLE_TREE_ROLES

from .models import SelfAssessment


class ReviewForm(forms.Form):
    score = forms.FloatField(label="审核得分", min_value=0, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm", "step": "0.5"}))
    comment = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}))
    returned = forms.BooleanField(label="退回修改", required=False)


def review(assessment: SelfAssessment, data, user):
    """Only the 法治办 fixes a self-assessment's score; the unit cannot review itself."""
    if user.role not in WHOLE_TREE_ROLES and not user.is_superuser:
        raise PermissionDenied("只有法治办可以审核自评")
    from .framework import load_framework

    maximum = load_framework().item(assessment.item).points
    if data["score"] > maximum:
        raise ValidationError(f"审核得分不能超过该项分值{maximum:g}分")
    assessment.status = SelfAssessment.Status.RETURNED if data["returned"] else SelfAssessment.Status.REVIEWED
    assessment.reviewed_score = None if data["returned"] else data["score"]
    assessment.review_comment = data["comment"]
    assessment.reviewed_by = user
    assessment.reviewed_at = timezone.now()
    assessment._change_reason = "审核自评"
    assessment.save()


SELF_ASSESSMENT_ACTIONS = [Action("review", "审核", ReviewForm, review)]
