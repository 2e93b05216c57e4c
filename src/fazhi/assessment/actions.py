"""The self-assessment steps shown on a detail page and served at POST /api/self-assessments/{id}/<step>/.

`available` only decides which buttons a page shows: the steps in rules.py refuse everything it hides.
"""

from django import forms

from fazhi.core.ledgers import Action

from . import rules
from .models import SelfAssessment


class ReviewForm(forms.Form):
    reviewed_score = forms.FloatField(
        label="审核得分", min_value=0, required=False, widget=forms.NumberInput(attrs={"step": "0.5"})
    )
    review_comment = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 2}))
    returned = forms.BooleanField(label="退回修改", required=False)


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="确认已按审核意见修改")


SELF_ASSESSMENT_ACTIONS = [
    Action(
        "review",
        "审核",
        ReviewForm,
        lambda a, d, u: rules.review(a, d["reviewed_score"], d["review_comment"], d["returned"], user=u),
        lambda a: a.status == SelfAssessment.Status.SUBMITTED,
    ),
    Action(
        "resubmit",
        "重新提交",
        ConfirmForm,
        lambda a, d, u: rules.resubmit(a),
        lambda a: a.status == SelfAssessment.Status.RETURNED,
    ),
]
