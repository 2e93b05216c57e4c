"""Report workflow steps shown on a detail page and served at POST /api/<ledger>/{id}/<step>/ (body {"confirm": true}).

`available` only decides which buttons a page shows: the steps in rules.py refuse everything it hides.
"""

from django import forms

from fazhi.core.ledgers import Action

from . import rules
from .models import AnnualReport


class ConfirmForm(forms.Form):
    confirm = forms.BooleanField(label="确认")


REPORT_ACTIONS = [
    Action(
        "review",
        "审核报告",
        ConfirmForm,
        lambda r, d, u: rules.review(r, u),
        lambda r: r.status == AnnualReport.Status.DRAFT,
    ),
    Action(
        "publish",
        "在门户网站公开",
        ConfirmForm,
        lambda r, d, u: rules.publish(r, u),
        lambda r: r.status == AnnualReport.Status.REVIEWED,
    ),
]
BLOCK_ACTIONS = [
    Action(
        "approve",
        "审核通过",
        ConfirmForm,
        lambda b, d, u: rules.approve_block(b, u),
        lambda b: not b.approved and b.report.status != AnnualReport.Status.PUBLISHED,
    ),
]
