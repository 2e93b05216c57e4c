"""Report workflow steps shown on a detail page and served at POST /api/<ledger>/{id}/<step>/.

`available` only decides which buttons a page shows: the steps in rules.py refuse everything it hides.
"""

from django import forms
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .models import AnnualReport

Status = AnnualReport.Status


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="确认")


def date_field(label):
    return forms.DateField(
        label=label, initial=timezone.localdate, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class ApproveForm(forms.Form):
    meeting = forms.CharField(label="审定会议", max_length=200, help_text="如“市政府第12次常务会议”“局党组会议”")
    approved_on = date_field("审定日期")


class SubmitForm(forms.Form):
    recipient = forms.CharField(label="报送对象", max_length=200)
    submitted_on = date_field("报送日期")

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        if obj is not None:
            self.fields["recipient"].initial = obj.display_recipient.rstrip("：:")


REPORT_ACTIONS = [
    Action(
        "review",
        "审核报告",
        ConfirmForm,
        lambda r, d, u: rules.review(r, u),
        lambda r: r.status == Status.DRAFT,
    ),
    Action(
        "approve",
        "登记审定",
        ApproveForm,
        lambda r, d, u: rules.approve(r, d["meeting"], d["approved_on"], u),
        lambda r: r.status == Status.REVIEWED,
    ),
    Action(
        "submit",
        "登记报送",
        SubmitForm,
        lambda r, d, u: rules.submit(r, d["recipient"], d["submitted_on"], u),
        lambda r: r.status in (Status.APPROVED, Status.PUBLISHED) and r.submitted_on is None,
    ),
    Action(
        "publish",
        "在门户网站公开",
        ConfirmForm,
        lambda r, d, u: rules.publish(r, u),
        lambda r: r.status == Status.APPROVED,
    ),
]
BLOCK_ACTIONS = [
    Action(
        "approve",
        "审核通过",
        ConfirmForm,
        lambda b, d, u: rules.approve_block(b, u),
        lambda b: not b.approved and b.report.passages_editable,
    ),
]
