"""Report workflow: review, publish; narrative blocks are approved before the report can be published."""
from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from fazhi.core.ledgers import Action
from fazhi.core.scope import READ_ONLY_ROLES

from .models import AnnualReport


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="确认", widget=forms.CheckboxInput(attrs={"class": "form-check-input"}))


def _reviewer(user):
    if user.role in READ_ONLY_ROLES or user.role == "clerk":
        raise PermissionDenied("报告须由单位管理员或法治办审核、公开")


def review(report: AnnualReport, data, user):
    _reviewer(user)
    pending = report.blocks.filter(approved=False).count()
    if pending:
        raise ValidationError(f"还有{pending}个段落未审核")
    report.status = AnnualReport.Status.REVIEWED
    report._change_reason = "审核报告"
    report.save()


def publish(report: AnnualReport, data, user):
    _reviewer(user)
    if report.status != AnnualReport.Status.REVIEWED:
        raise ValidationError("报告须先审核，审核后才能公开")
    report.status = AnnualReport.Status.PUBLISHED
    report.published_at = timezone.now()
    report._change_reason = "公开报告"
    report.save()


def approve_block(block, data, user):
    _reviewer(user)
    block.approved = True
    block._change_reason = "审核段落"
    block.save()


REPORT_ACTIONS = [
    Action("review", "审核报告", ConfirmForm, review, lambda r: r.status == AnnualReport.Status.DRAFT),
    Action("publish", "在门户网站公开", ConfirmForm, publish, lambda r: r.status == AnnualReport.Status.REVIEWED),
]
BLOCK_ACTIONS = [Action("approve", "审核通过", ConfirmForm, approve_block, lambda b: not b.approved)]
