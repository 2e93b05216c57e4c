"""Workflow steps of the dispute ledgers, shown on a detail page and served at POST /api/<ledger>/{id}/<step>/.

Small forms over the step functions in rules.py; each form names its date after the field the step writes
(`accepted_on`, `closed_on`, …), so the API body reads like the row it changes.
"""

from django import forms
from django.db.models import F, Q
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .choices import (
    AbsenceReason,
    AgreementForm,
    HeadAppearance,
    LawsuitOutcome,
    LawsuitStatus,
    MediationStatus,
    PetitionStatus,
    Procedure,
    ReconsiderationOutcome,
    ReconsiderationStatus,
    SimplifiedGround,
    SuspensionReason,
)


def today():
    return timezone.localdate()


def date_field(label, initial=today):
    return forms.DateField(
        label=label,
        initial=initial,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def choice_field(label, choices, required=True):
    return forms.ChoiceField(
        label=label,
        choices=([("", "—")] if not required else []) + list(choices),
        required=required,
    )


def text_field(label, required=False, max_length=300):
    return forms.CharField(label=label, required=required, max_length=max_length)


def dated(name: str, label: str) -> type:
    """The form of a step that only takes a date, named after the field the step writes (the API body reads like
    the row)."""
    return type(f"{''.join(part.title() for part in name.split('_'))}Form", (forms.Form,), {name: date_field(label)})


# -- 行政复议 ----------------------------------------------------------------------------------------------
class AcceptForm(forms.Form):
    accepted_on = date_field("受理日期")
    procedure = choice_field("审理程序", Procedure.choices)
    simplified_ground = choice_field("适用简易程序情形", SimplifiedGround.choices, required=False)


class RefuseForm(forms.Form):
    not_accepted_on = date_field("不予受理决定日期")
    # Not required at the form: the rule's own refusal names the law when it is missing.
    not_accepted_reason = text_field("不予受理理由")


class SuspendForm(forms.Form):
    started_on = date_field("中止日期")
    reason = choice_field("中止事由", SuspensionReason.choices)
    note = text_field("说明", max_length=200)


class ExtendForm(forms.Form):
    extended_on = date_field("批准延长日期")
    days = forms.IntegerField(label="延长天数", min_value=1)
    reason = text_field("延长理由")


class HearingForm(forms.Form):
    notified_on = date_field("通知日期")
    held_on = date_field("听证日期")
    respondent_head_attended = forms.BooleanField(label="被申请人负责人出席", required=False)
    attendee = text_field("出席人员及职务", max_length=200)
    note = text_field("说明", max_length=200)


class ReconsiderationDecisionForm(forms.Form):
    closed_on = date_field("结案日期")
    outcome = choice_field("结案方式", ReconsiderationOutcome.choices)


def status_is(*statuses):
    return lambda obj: obj.status in statuses


def accepted(case):
    return case.status == ReconsiderationStatus.ACCEPTED


# `available` only decides which buttons a page shows; each step function re-checks the same conditions.
RECONSIDERATION_ACTIONS = [
    Action(
        "request-correction",
        "通知补正",
        dated("correction_requested_on", "补正通知日期"),
        lambda c, d, u: rules.request_correction(c, d["correction_requested_on"]),
        lambda c: c.status == ReconsiderationStatus.RECEIVED and not c.correction_requested_on,
    ),
    Action(
        "receive-correction",
        "收到补正材料",
        dated("correction_received_on", "收到补正材料日期"),
        lambda c, d, u: rules.receive_correction(c, d["correction_received_on"]),
        lambda c: (
            c.status == ReconsiderationStatus.RECEIVED and c.correction_requested_on and not c.correction_received_on
        ),
    ),
    Action(
        "accept",
        "受理",
        AcceptForm,
        lambda c, d, u: rules.accept(c, d["accepted_on"], d["procedure"], d["simplified_ground"]),
        status_is(ReconsiderationStatus.RECEIVED),
    ),
    Action(
        "refuse",
        "不予受理",
        RefuseForm,
        lambda c, d, u: rules.refuse_acceptance(c, d["not_accepted_on"], d["not_accepted_reason"]),
        status_is(ReconsiderationStatus.RECEIVED),
    ),
    Action(
        "send-copy",
        "发送申请书副本",
        dated("copy_sent_on", "发送日期"),
        lambda c, d, u: rules.send_copy(c, d["copy_sent_on"]),
        lambda c: accepted(c) and not c.copy_sent_on,
    ),
    Action(
        "receive-answer",
        "收到被申请人答复",
        dated("answer_received_on", "收到答复日期"),
        lambda c, d, u: rules.receive_answer(c, d["answer_received_on"]),
        lambda c: accepted(c) and c.copy_sent_on and not c.answer_received_on,
    ),
    Action(
        "suspend",
        "中止审理",
        SuspendForm,
        lambda c, d, u: rules.suspend(c, d["reason"], d["started_on"], d["note"]),
        lambda c: accepted(c) and not c.suspended,
    ),
    Action(
        "resume",
        "恢复审理",
        dated("ended_on", "恢复审理日期"),
        lambda c, d, u: rules.resume(c, d["ended_on"]),
        lambda c: accepted(c) and c.suspended,
    ),
    Action(
        "extend",
        "延长审理期限",
        ExtendForm,
        lambda c, d, u: rules.extend(c, d["days"], d["extended_on"], d["reason"]),
        lambda c: accepted(c) and not c.suspended,
    ),
    Action(
        "convert",
        "转为普通程序",
        dated("converted_on", "转换日期"),
        lambda c, d, u: rules.convert_to_ordinary(c, d["converted_on"]),
        lambda c: accepted(c) and c.procedure == Procedure.SIMPLIFIED,
    ),
    Action(
        "hearing",
        "登记听证",
        HearingForm,
        lambda c, d, u: rules.add_hearing(
            c, d["notified_on"], d["held_on"], d["respondent_head_attended"], d["attendee"], d["note"]
        ),
        accepted,
    ),
    Action(
        "decide",
        "结案",
        ReconsiderationDecisionForm,
        lambda c, d, u: rules.decide(c, d["outcome"], d["closed_on"]),
        accepted,
    ),
]


# -- 行政应诉 ----------------------------------------------------------------------------------------------
class CourtHearingForm(forms.Form):
    held_on = date_field("开庭日期")
    head_appearance = choice_field("负责人出庭", HeadAppearance.choices)
    head_name = text_field("出庭负责人姓名职务", max_length=100)
    staff_appeared = forms.BooleanField(label="工作人员出庭", required=False)
    lawyer_appeared = forms.BooleanField(label="律师出庭", required=False)
    absence_reason = choice_field("负责人未出庭理由", AbsenceReason.choices, required=False)
    judicial_suggestion = forms.BooleanField(label="收到司法建议", required=False)


class LawsuitCloseForm(forms.Form):
    closed_on = date_field("结案日期")
    outcome = choice_field("裁判结果", LawsuitOutcome.choices)


LAWSUIT_ACTIONS = [
    Action(
        "defence",
        "提交答辩状",
        dated("defence_submitted_on", "提交答辩状日期"),
        lambda s, d, u: rules.submit_defence(s, d["defence_submitted_on"]),
        lambda s: s.served_on is not None and s.defence_submitted_on is None,
    ),
    Action(
        "hearing",
        "登记开庭",
        CourtHearingForm,
        lambda s, d, u: rules.record_court_hearing(s, **d),
        status_is(LawsuitStatus.PENDING),
    ),
    Action(
        "close",
        "结案",
        LawsuitCloseForm,
        lambda s, d, u: rules.close_lawsuit(s, d["outcome"], d["closed_on"]),
        status_is(LawsuitStatus.PENDING),
    ),
]


# -- 人民调解 ----------------------------------------------------------------------------------------------
class MediationCloseForm(forms.Form):
    closed_on = date_field("结案日期")
    status = choice_field("调解结果", [(MediationStatus.RESOLVED, "调解成功"), (MediationStatus.FAILED, "调解不成")])
    agreement_form = choice_field("协议形式", AgreementForm.choices, required=False)


MEDIATION_ACTIONS = [
    Action(
        "close",
        "结案",
        MediationCloseForm,
        lambda m, d, u: rules.close_mediation(m, d["status"], d["closed_on"], d["agreement_form"]),
        status_is(MediationStatus.IN_PROGRESS),
    ),
    Action(
        "confirmation",
        "申请司法确认",
        dated("confirmation_requested_on", "申请司法确认日期"),
        lambda m, d, u: rules.request_confirmation(m, d["confirmation_requested_on"]),
        lambda m: m.status == MediationStatus.RESOLVED and not m.confirmation_requested_on,
    ),
]


# -- 信访 --------------------------------------------------------------------------------------------------
class PetitionRefuseForm(forms.Form):
    accepted_on = date_field("告知日期")
    not_accepted_reason = text_field("不予受理理由")


class PetitionExtendForm(forms.Form):
    extended_on = date_field("批准延长日期")
    days = forms.IntegerField(label="延长天数", min_value=1)


PETITION_ACTIONS = [
    Action(
        "accept",
        "受理",
        dated("accepted_on", "受理日期"),
        lambda p, d, u: rules.accept_petition(p, d["accepted_on"]),
        status_is(PetitionStatus.REGISTERED),
    ),
    Action(
        "refuse",
        "不予受理",
        PetitionRefuseForm,
        lambda p, d, u: rules.refuse_petition(p, d["accepted_on"], d["not_accepted_reason"]),
        status_is(PetitionStatus.REGISTERED),
    ),
    Action(
        "extend",
        "延长办理期限",
        PetitionExtendForm,
        lambda p, d, u: rules.extend_petition(p, d["days"], d["extended_on"]),
        status_is(PetitionStatus.ACCEPTED),
    ),
    Action(
        "conclude",
        "办结",
        dated("concluded_on", "办结日期"),
        lambda p, d, u: rules.conclude_petition(p, d["concluded_on"]),
        status_is(PetitionStatus.ACCEPTED),
    ),
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
    late = Q(defence_submitted_on__isnull=True, defence_due_on__lt=today()) | Q(
        defence_submitted_on__gt=F("defence_due_on")
    )
    return queryset.filter(late) if value else queryset.exclude(late)


def petition_overdue(queryset, name, value):
    if value is None:
        return queryset
    late = Q(on_time=False) | Q(status=PetitionStatus.ACCEPTED, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)
