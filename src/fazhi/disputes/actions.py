"""Workflow steps of the dispute ledgers: small forms over the functions in rules.py."""
from django import forms
from django.db.models import Q
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .choices import (
    AbsenceReason, AgreementForm, HeadAppearance, LawsuitOutcome, LawsuitStatus, MediationStatus, PetitionStatus,
    Procedure, ReconsiderationOutcome, ReconsiderationStatus, SimplifiedGround, SuspensionReason,
)

SELECT = {"class": "form-select form-select-sm"}
TEXT = {"class": "form-control form-control-sm"}


def today():
    return timezone.localdate()


def date_field(label="日期", initial=today):
    return forms.DateField(
        label=label, initial=initial,
        widget=forms.DateInput(attrs={"type": "date", **TEXT}, format="%Y-%m-%d"),
    )


def choice_field(label, choices, required=True):
    return forms.ChoiceField(label=label, choices=([("", "—")] if not required else []) + list(choices),
                             required=required, widget=forms.Select(attrs=SELECT))


def text_field(label, required=False, max_length=300):
    return forms.CharField(label=label, required=required, max_length=max_length, widget=forms.TextInput(attrs=TEXT))


class DateForm(forms.Form):
    on = date_field()


class AcceptForm(DateForm):
    procedure = choice_field("审理程序", Procedure.choices)
    ground = choice_field("适用简易程序情形", SimplifiedGround.choices, required=False)


class ReasonForm(DateForm):
    # Not required at the form: the rule's own refusal names the law when it is missing.
    reason = text_field("理由")


class SuspendForm(DateForm):
    reason = choice_field("中止事由", SuspensionReason.choices)
    note = text_field("说明", max_length=200)


class ExtendForm(DateForm):
    days = forms.IntegerField(label="延长天数", min_value=1, widget=forms.NumberInput(attrs=TEXT))
    reason = text_field("延长理由")


class HearingForm(forms.Form):
    notified_on = date_field("通知日期")
    held_on = date_field("听证日期")
    head_attended = forms.BooleanField(label="被申请人负责人出席", required=False)
    attendee = text_field("出席人员及职务", max_length=200)
    note = text_field("说明", max_length=200)


class ReconsiderationDecisionForm(DateForm):
    outcome = choice_field("结案方式", ReconsiderationOutcome.choices)


def status_is(*statuses):
    return lambda obj: obj.status in statuses


def accepted(case):
    return case.status == ReconsiderationStatus.ACCEPTED


RECONSIDERATION_ACTIONS = [
    Action("request-correction", "通知补正", DateForm, lambda c, d, u: rules.request_correction(c, d["on"]),
           lambda c: c.status == ReconsiderationStatus.RECEIVED and not c.correction_requested_on),
    Action("receive-correction", "收到补正材料", DateForm, lambda c, d, u: rules.receive_correction(c, d["on"]),
           lambda c: c.status == ReconsiderationStatus.RECEIVED and c.correction_requested_on and not c.correction_received_on),
    Action("accept", "受理", AcceptForm, lambda c, d, u: rules.accept(c, d["on"], d["procedure"], d["ground"]),
           status_is(ReconsiderationStatus.RECEIVED)),
    Action("refuse", "不予受理", ReasonForm, lambda c, d, u: rules.refuse_acceptance(c, d["on"], d["reason"]),
           status_is(ReconsiderationStatus.RECEIVED)),
    Action("send-copy", "发送申请书副本", DateForm, lambda c, d, u: rules.send_copy(c, d["on"]),
           lambda c: accepted(c) and not c.copy_sent_on),
    Action("receive-answer", "收到被申请人答复", DateForm, lambda c, d, u: rules.receive_answer(c, d["on"]),
           lambda c: accepted(c) and c.copy_sent_on and not c.answer_received_on),
    Action("suspend", "中止审理", SuspendForm, lambda c, d, u: rules.suspend(c, d["reason"], d["on"], d["note"]),
           lambda c: accepted(c) and not c.suspended),
    Action("resume", "恢复审理", DateForm, lambda c, d, u: rules.resume(c, d["on"]),
           lambda c: accepted(c) and c.suspended),
    Action("extend", "延长审理期限", ExtendForm, lambda c, d, u: rules.extend(c, d["days"], d["on"], d["reason"]),
           lambda c: accepted(c) and not c.suspended),
    Action("convert", "转为普通程序", DateForm, lambda c, d, u: rules.convert_to_ordinary(c, d["on"]),
           lambda c: accepted(c) and c.procedure == Procedure.SIMPLIFIED),
    Action("hearing", "登记听证", HearingForm,
           lambda c, d, u: rules.add_hearing(c, d["notified_on"], d["held_on"], d["head_attended"], d["attendee"], d["note"]),
           accepted),
    Action("decide", "结案", ReconsiderationDecisionForm, lambda c, d, u: rules.decide(c, d["outcome"], d["on"]), accepted),
]


class CourtHearingForm(forms.Form):
    held_on = date_field("开庭日期")
    head_appearance = choice_field("负责人出庭", HeadAppearance.choices)
    head_name = text_field("出庭负责人姓名职务", max_length=100)
    staff_appeared = forms.BooleanField(label="工作人员出庭", required=False)
    lawyer_appeared = forms.BooleanField(label="律师出庭", required=False)
    absence_reason = choice_field("负责人未出庭理由", AbsenceReason.choices, required=False)
    judicial_suggestion = forms.BooleanField(label="收到司法建议", required=False)


class LawsuitCloseForm(DateForm):
    outcome = choice_field("裁判结果", LawsuitOutcome.choices)


LAWSUIT_ACTIONS = [
    Action("defence", "提交答辩状", DateForm, lambda s, d, u: rules.submit_defence(s, d["on"]),
           lambda s: s.served_on is not None and s.defence_submitted_on is None),
    Action("hearing", "登记开庭", CourtHearingForm, lambda s, d, u: rules.record_court_hearing(s, **d),
           status_is(LawsuitStatus.PENDING)),
    Action("close", "结案", LawsuitCloseForm, lambda s, d, u: rules.close_lawsuit(s, d["outcome"], d["on"]),
           status_is(LawsuitStatus.PENDING)),
]


class MediationCloseForm(DateForm):
    status = choice_field("调解结果", [(MediationStatus.RESOLVED, "调解成功"), (MediationStatus.FAILED, "调解不成")])
    agreement_form = choice_field("协议形式", AgreementForm.choices, required=False)


MEDIATION_ACTIONS = [
    Action("close", "结案", MediationCloseForm,
           lambda m, d, u: rules.close_mediation(m, d["status"], d["on"], d["agreement_form"]),
           status_is(MediationStatus.IN_PROGRESS)),
    Action("confirmation", "申请司法确认", DateForm, lambda m, d, u: rules.request_confirmation(m, d["on"]),
           lambda m: m.status == MediationStatus.RESOLVED and not m.confirmation_requested_on),
]


class DaysForm(DateForm):
    days = forms.IntegerField(label="延长天数", min_value=1, widget=forms.NumberInput(attrs=TEXT))


PETITION_ACTIONS = [
    Action("accept", "受理", DateForm, lambda p, d, u: rules.accept_petition(p, d["on"]), status_is(PetitionStatus.REGISTERED)),
    Action("refuse", "不予受理", ReasonForm, lambda p, d, u: rules.refuse_petition(p, d["on"], d["reason"]),
           status_is(PetitionStatus.REGISTERED)),
    Action("extend", "延长办理期限", DaysForm, lambda p, d, u: rules.extend_petition(p, d["days"], d["on"]),
           status_is(PetitionStatus.ACCEPTED)),
    Action("conclude", "办结", DateForm, lambda p, d, u: rules.conclude_petition(p, d["on"]), status_is(PetitionStatus.ACCEPTED)),
]


# -- overdue lists: late when closed after the deadline, or still open past it ------------------------------
def reconsideration_overdue(queryset, name, value):
    if value is None:
        return queryset
    late = Q(on_time=False) | Q(status=ReconsiderationStatus.ACCEPTED, suspended=False, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)


def lawsuit_overdue(queryset, name, value):
    """The defence (答辩状) due and not in, or handed in late."""
    if value is None:
        return queryset
    from django.db.models import F

    late = Q(defence_submitted_on__isnull=True, defence_due_on__lt=today()) | Q(defence_submitted_on__gt=F("defence_due_on"))
    return queryset.filter(late) if value else queryset.exclude(late)


def petition_overdue(queryset, name, value):
    if value is None:
        return queryset
    late = Q(on_time=False) | Q(status=PetitionStatus.ACCEPTED, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)
