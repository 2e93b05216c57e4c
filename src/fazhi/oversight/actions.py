"""Workflow steps of 建议提案 and 依申请公开: small forms over the functions in rules.py."""
from django import forms
from django.db.models import Q

from fazhi.core.ledgers import Action
from fazhi.disputes.actions import DateForm, choice_field, text_field, today

from . import rules
from .choices import DisclosureReply, DisclosureStatus, DisclosureStopReason, ReplyCategory, Satisfaction, SuggestionStatus


class ReasonForm(DateForm):
    reason = text_field("说明")


class CoHandlerForm(forms.Form):
    unit_code = text_field("协办单位编码", required=True, max_length=32)


class CoHandlerOpinionForm(DateForm):
    co_handler = forms.ModelChoiceField(label="协办单位", queryset=None, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        self.fields["co_handler"].queryset = obj.co_handlers.filter(opinion_sent_on__isnull=True).select_related("unit")
        self.fields["co_handler"].label_from_instance = lambda c: c.unit.name


class ReplyForm(DateForm):
    category = choice_field("答复类别", ReplyCategory.choices)


class FeedbackForm(DateForm):
    satisfaction = choice_field("代表（委员）意见", Satisfaction.choices)


def assigned(s):
    return s.status == SuggestionStatus.ASSIGNED


SUGGESTION_ACTIONS = [
    Action("co-handler", "添加协办单位", CoHandlerForm, lambda s, d, u: rules.add_co_handler(s, d["unit_code"]), assigned),
    Action("co-opinion", "协办意见已送达", CoHandlerOpinionForm,
           lambda s, d, u: rules.co_handler_opinion(d["co_handler"], d["on"]),
           lambda s: s.co_handlers.filter(opinion_sent_on__isnull=True).exists()),
    Action("difficult", "延期答复（涉及面广、处理难度大）", ReasonForm,
           lambda s, d, u: rules.mark_difficult(s, d["on"], d["reason"]), lambda s: assigned(s) and not s.difficult),
    Action("reply", "答复", ReplyForm, lambda s, d, u: rules.reply_suggestion(s, d["on"], d["category"]), assigned),
    Action("feedback", "登记代表（委员）意见", FeedbackForm,
           lambda s, d, u: rules.record_feedback(s, d["on"], d["satisfaction"]),
           lambda s: s.status == SuggestionStatus.REPLIED and not s.satisfaction),
]


class StopForm(DateForm):
    reason = choice_field("事由", DisclosureStopReason.choices)


class ExtendForm(DateForm):
    days = forms.IntegerField(label="延长工作日数", min_value=1, widget=forms.NumberInput(attrs={"class": "form-control form-control-sm"}))
    approver = text_field("同意延长的负责人", max_length=50)


class DisclosureReplyForm(DateForm):
    reply_type = choice_field("答复类型", DisclosureReply.choices)
    reason = text_field("理由或说明", max_length=500)


def open_request(r):
    return r.status == DisclosureStatus.RECEIVED


DISCLOSURE_ACTIONS = [
    Action("request-correction", "告知补正", DateForm, lambda r, d, u: rules.request_disclosure_correction(r, d["on"]),
           lambda r: open_request(r) and not r.correction_requested_on),
    Action("receive-correction", "收到补正申请", DateForm, lambda r, d, u: rules.receive_disclosure_correction(r, d["on"]),
           lambda r: open_request(r) and r.awaiting_correction),
    Action("stop-clock", "征求意见（不计时）", StopForm, lambda r, d, u: rules.stop_disclosure_clock(r, d["reason"], d["on"]),
           lambda r: open_request(r) and not r.awaiting_correction and not r.stopped),
    Action("resume-clock", "征求意见结束", DateForm, lambda r, d, u: rules.resume_disclosure_clock(r, d["on"]),
           lambda r: open_request(r) and r.stopped),
    Action("extend", "延长答复期限", ExtendForm,
           lambda r, d, u: rules.extend_disclosure(r, d["days"], d["on"], d["approver"]),
           lambda r: open_request(r) and not r.awaiting_correction),
    Action("reply", "答复", DisclosureReplyForm,
           lambda r, d, u: rules.reply_disclosure(r, d["reply_type"], d["on"], d["reason"]), open_request),
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


