"""The 建议提案 and 依申请公开 workflow steps shown on a detail page and served at POST /api/<ledger>/{id}/<step>/.

Each form names its date after the field the step writes (`replied_on`, `correction_requested_on`, …), so the API
body reads like the row it changes. `available` only decides which buttons a page shows: the step functions in
rules.py refuse everything it hides.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .choices import (
    DisclosureReply,
    DisclosureStatus,
    DisclosureStopReason,
    ReplyCategory,
    Satisfaction,
    SuggestionStatus,
)


def today():
    return timezone.localdate()


def date_field(label):
    return forms.DateField(
        label=label, initial=today, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


def choice_field(label, choices):
    return forms.ChoiceField(label=label, choices=choices)


def text_field(label, required=False, max_length=300):
    # Not required at the form where a rule requires it: the rule's own refusal names the law.
    return forms.CharField(label=label, required=required, max_length=max_length)


# -- 建议提案 ----------------------------------------------------------------------------------------------
class DifficultForm(forms.Form):
    declared_on = date_field("说明日期")
    difficult_reason = text_field("涉及面广、处理难度大的情况")


class CoHandlerForm(forms.Form):
    unit_code = text_field("协办单位编码", required=True, max_length=32)


class CoHandlerOpinionForm(forms.Form):
    co_handler = forms.ModelChoiceField(label="协办单位", queryset=None)
    opinion_sent_on = date_field("协办意见送达日期")

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        self.fields["co_handler"].queryset = obj.co_handlers.filter(opinion_sent_on__isnull=True).select_related("unit")
        self.fields["co_handler"].label_from_instance = lambda c: c.unit.name


class ReplyForm(forms.Form):
    replied_on = date_field("答复日期")
    reply_category = choice_field("答复类别", ReplyCategory.choices)


class FeedbackForm(forms.Form):
    feedback_on = date_field("反馈日期")
    satisfaction = choice_field("代表（委员）意见", Satisfaction.choices)


def assigned(s):
    return s.status == SuggestionStatus.ASSIGNED


SUGGESTION_ACTIONS = [
    Action(
        "co-handler", "添加协办单位", CoHandlerForm, lambda s, d, u: rules.add_co_handler(s, d["unit_code"]), assigned
    ),
    Action(
        "co-opinion",
        "协办意见已送达",
        CoHandlerOpinionForm,
        lambda s, d, u: rules.co_handler_opinion(d["co_handler"], d["opinion_sent_on"]),
        lambda s: s.co_handlers.filter(opinion_sent_on__isnull=True).exists(),
    ),
    Action(
        "difficult",
        "延期答复（涉及面广、处理难度大）",
        DifficultForm,
        lambda s, d, u: rules.mark_difficult(s, d["declared_on"], d["difficult_reason"]),
        lambda s: assigned(s) and not s.difficult,
    ),
    Action(
        "reply",
        "答复",
        ReplyForm,
        lambda s, d, u: rules.reply_suggestion(s, d["replied_on"], d["reply_category"]),
        assigned,
    ),
    Action(
        "feedback",
        "登记代表（委员）意见",
        FeedbackForm,
        lambda s, d, u: rules.record_feedback(s, d["feedback_on"], d["satisfaction"]),
        lambda s: s.status == SuggestionStatus.REPLIED and not s.satisfaction,
    ),
]


# -- 依申请公开 --------------------------------------------------------------------------------------------
class CorrectionRequestForm(forms.Form):
    correction_requested_on = date_field("补正告知日期")


class CorrectionReceivedForm(forms.Form):
    correction_received_on = date_field("收到补正申请日期")


class StopForm(forms.Form):
    started_on = date_field("征求意见开始日期")
    reason = choice_field("事由", DisclosureStopReason.choices)


class ResumeForm(forms.Form):
    ended_on = date_field("征求意见结束日期")


class ExtendForm(forms.Form):
    extended_on = date_field("同意延长日期")
    days = forms.IntegerField(label="延长工作日数", min_value=1)
    extension_approver = text_field("同意延长的负责人", max_length=50)


class DisclosureReplyForm(forms.Form):
    replied_on = date_field("答复日期")
    reply_type = choice_field("答复类型", DisclosureReply.choices)
    reply_reason = text_field("理由或说明", max_length=500)


def open_request(r):
    return r.status == DisclosureStatus.RECEIVED


DISCLOSURE_ACTIONS = [
    Action(
        "request-correction",
        "告知补正",
        CorrectionRequestForm,
        lambda r, d, u: rules.request_disclosure_correction(r, d["correction_requested_on"]),
        lambda r: open_request(r) and not r.correction_requested_on,
    ),
    Action(
        "receive-correction",
        "收到补正申请",
        CorrectionReceivedForm,
        lambda r, d, u: rules.receive_disclosure_correction(r, d["correction_received_on"]),
        lambda r: open_request(r) and r.awaiting_correction,
    ),
    Action(
        "stop-clock",
        "征求意见（不计时）",
        StopForm,
        lambda r, d, u: rules.stop_disclosure_clock(r, d["reason"], d["started_on"]),
        lambda r: open_request(r) and not r.awaiting_correction and not r.stopped,
    ),
    Action(
        "resume-clock",
        "征求意见结束",
        ResumeForm,
        lambda r, d, u: rules.resume_disclosure_clock(r, d["ended_on"]),
        lambda r: open_request(r) and r.stopped,
    ),
    Action(
        "extend",
        "延长答复期限",
        ExtendForm,
        lambda r, d, u: rules.extend_disclosure(r, d["days"], d["extended_on"], d["extension_approver"]),
        lambda r: open_request(r) and not r.awaiting_correction,
    ),
    Action(
        "reply",
        "答复",
        DisclosureReplyForm,
        lambda r, d, u: rules.reply_disclosure(r, d["reply_type"], d["replied_on"], d["reply_reason"]),
        open_request,
    ),
]


def suggestion_overdue(queryset, name, value):
    if value is None:
        return queryset
    late = Q(on_time=False) | Q(status=SuggestionStatus.ASSIGNED, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)


def disclosure_overdue(queryset, name, value):
    if value is None:
        return queryset
    late = Q(on_time=False) | Q(status=DisclosureStatus.RECEIVED, stopped=False, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)
