"""Rules of 行政复议, 行政应诉, 人民调解 and 信访 as plain functions: deadlines and the steps of each case.

A case is governed by the law in force on the day it was received: every limit is looked up with
`on=case.received_on`, so a case received on 2023-12-20 keeps the 1999/2017 行政复议法 for its whole life
and one received on 2024-01-02 gets the 2023 revision (with its simplified procedure).
"""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.deadlines import Deadline, add_period, deadline
from fazhi.law.errors import CalendarDataMissing, RuleViolation
from fazhi.law.params import ParameterVersion, param, rule
from fazhi.law.steps import end_pause, not_before, optional_param, over_limit, paused, require_status, require_text

from .choices import (
    ActType, HEAD_APPEARED, HeadAppearance, Instance, LawsuitOutcome, LawsuitStatus, MediationStatus, PetitionStatus,
    Procedure, ReconsiderationOutcome, ReconsiderationStatus, SimplifiedGround,
)


# -- 行政复议: limits ---------------------------------------------------------------------------------------
def application_deadlines(case, calendar: WorkCalendar | None = None) -> list[Deadline]:
    """Every limit on when the application could be made, by the law in force on the day it was received."""
    calendar = calendar or default_calendar()
    on = case.received_on
    limits = []
    cap = optional_param("reconsideration.application_period_uninformed_cap", on)
    if case.rights_informed or cap is None:
        start = case.known_on if case.rights_informed else (case.rights_known_on or case.known_on)
        limits.append(deadline("reconsideration.application_period", start, on=on, calendar=calendar))
    else:
        # Not told of the right (第二十条第三款): 60 days from learning of it, never past a year from the act.
        if case.rights_known_on:
            limits.append(deadline("reconsideration.application_period", case.rights_known_on, on=on, calendar=calendar))
        limits.append(Deadline(_long_period(case.known_on, cap, calendar), cap))
    if case.act_on:
        code = "reconsideration.absolute_cap_real_estate" if case.real_estate else "reconsideration.absolute_cap_other"
        absolute = optional_param(code, on)
        if absolute is not None:
            limits.append(Deadline(_long_period(case.act_on, absolute, calendar), absolute))
    return limits


def _long_period(start: dt.date, version: ParameterVersion, calendar: WorkCalendar) -> dt.date:
    """A cap of years may end in a year whose holidays are not yet announced. Rolling over rest days only moves
    an end later, and such an end lies after any receipt date we can check, so the unrolled end decides alike."""
    try:
        return add_period(start, version.value, version.unit, calendar)
    except CalendarDataMissing:
        plain = WorkCalendar(overrides=calendar.overrides, roll_end_over_rest_days=False)
        return add_period(start, version.value, version.unit, plain)


def check_application_period(case, calendar: WorkCalendar | None = None) -> None:
    for limit in application_deadlines(case, calendar):
        if case.received_on > limit.due:
            raise RuleViolation(
                f"本申请于{case.received_on:%Y年%m月%d日}收到，已超过{limit.explanation}，应当决定不予受理",
                code="reconsideration.period_expired",
            )


def acceptance_deadline(case, calendar: WorkCalendar | None = None) -> Deadline:
    """The review of an application runs from its receipt, or from the receipt of the corrected materials."""
    start = case.correction_received_on or case.received_on
    return deadline("reconsideration.acceptance_review", start, on=case.received_on, calendar=calendar)


def clock_start(case, calendar: WorkCalendar | None = None) -> dt.date:
    """The day the decision limit runs from: acceptance, or the end of the review period if deemed accepted."""
    if case.deemed_accepted:
        return acceptance_deadline(case, calendar).due
    return case.accepted_on


def decision_limit_code(case) -> str:
    if case.procedure == Procedure.SIMPLIFIED:
        return "reconsideration.simplified_decision_limit"
    return "reconsideration.decision_limit"


def decision_deadline(case, suspensions=(), calendar: WorkCalendar | None = None) -> Deadline:
    """The decision limit from the clock start, plus the days suspended (中止) and the recorded extension."""
    calendar = calendar or default_calendar()
    limit = param(decision_limit_code(case), case.received_on)
    extra = paused(suspensions, limit.unit, calendar)
    if case.extension_days:
        extension = param("reconsideration.decision_extension_max", case.received_on)
        if extension.unit != limit.unit:
            raise ValueError("延长期限与审理期限的计量单位不一致")
        extra += case.extension_days
    return Deadline(add_period(clock_start(case, calendar), limit.value + extra, limit.unit, calendar), limit)


def refresh_deadline(case, calendar: WorkCalendar | None = None) -> None:
    if case.accepted_on is None:
        case.due_on, case.suspended = None, False
        return
    suspensions = list(case.suspensions.all()) if case.pk else []
    case.suspended = any(s.ended_on is None for s in suspensions)
    case.due_on = decision_deadline(case, suspensions, calendar).due


def check_simplified(case, ground: str) -> None:
    """The simplified procedure exists only under the 2023 revision, and only on the grounds of its Art. 53."""
    param("reconsideration.simplified_decision_limit", case.received_on)  # ParameterNotInForce before 2024-01-01
    if not ground:
        raise rule("reconsideration.simplified_grounds").violation("未选择适用简易程序的情形")
    if ground == SimplifiedGround.SMALL_AMOUNT:
        threshold = param("reconsideration.simplified_amount_threshold", case.received_on)
        if case.amount is None:
            raise rule("reconsideration.simplified_grounds").violation("未填写涉及金额")
        if case.amount > threshold.value:
            raise over_limit("reconsideration.simplified_grounds", f"涉及金额{case.amount}元", threshold)
    if ground == SimplifiedGround.DISCLOSURE and case.act_type != ActType.DISCLOSURE:
        raise rule("reconsideration.simplified_grounds").violation("被申请的行政行为不是政府信息公开")


# -- 行政复议: steps ----------------------------------------------------------------------------------------
@transaction.atomic
def request_correction(case, on: dt.date):
    require_status(case, "通知补正", ReconsiderationStatus.RECEIVED)
    if case.correction_requested_on:
        raise ValidationError("已通知过补正：补正通知应当一次性载明需要补正的事项")
    not_before(on, case.received_on, "补正通知日期", "收到申请日期")
    limit = optional_param("reconsideration.correction_notice", case.received_on)
    if limit is not None and on > add_period(case.received_on, limit.value, limit.unit):
        raise over_limit("reconsideration.correction_notice", f"自收到申请至{on:%Y年%m月%d日}才通知补正", limit)
    case.correction_requested_on = on
    case.save()
    return case


@transaction.atomic
def receive_correction(case, on: dt.date):
    require_status(case, "登记补正材料", ReconsiderationStatus.RECEIVED)
    if not case.correction_requested_on:
        raise ValidationError("未通知补正")
    if case.correction_received_on:
        raise ValidationError("已收到补正材料")
    not_before(on, case.correction_requested_on, "收到补正材料日期", "补正通知日期")
    case.correction_received_on = on
    case.save()
    return case


@transaction.atomic
def accept(case, on: dt.date, procedure: str = Procedure.ORDINARY, ground: str = ""):
    require_status(case, "受理", ReconsiderationStatus.RECEIVED)
    if case.correction_requested_on and not case.correction_received_on:
        raise ValidationError("已通知补正，收到补正材料后方可受理")
    not_before(on, case.correction_received_on or case.received_on, "受理日期", "收到申请（补正材料）日期")
    check_application_period(case)
    if procedure == Procedure.SIMPLIFIED:
        check_simplified(case, ground)
    else:
        ground = ""
    case.deemed_accepted = on > acceptance_deadline(case).due
    case.accepted_on, case.procedure, case.simplified_ground = on, procedure, ground
    case.status = ReconsiderationStatus.ACCEPTED
    case.save()  # save() derives the decision deadline
    return case


@transaction.atomic
def refuse_acceptance(case, on: dt.date, reason: str):
    require_status(case, "决定不予受理", ReconsiderationStatus.RECEIVED)
    reason = require_text(reason, rule("reconsideration.not_accepted_needs_reason").violation())
    not_before(on, case.correction_received_on or case.received_on, "不予受理决定日期", "收到申请（补正材料）日期")
    awaiting_correction = case.correction_requested_on and not case.correction_received_on
    review = acceptance_deadline(case)
    if not awaiting_correction and on > review.due:
        raise rule("reconsideration.deemed_accepted").violation(review.explanation)
    case.not_accepted_on, case.not_accepted_reason = on, reason
    case.status = ReconsiderationStatus.NOT_ACCEPTED
    case.save()
    return case


@transaction.atomic
def send_copy(case, on: dt.date):
    """The copy goes to the respondent, whose answer is due within the limit of the case's procedure and law."""
    require_status(case, "发送申请书副本", ReconsiderationStatus.ACCEPTED)
    if case.copy_sent_on:
        raise ValidationError("已发送申请书副本")
    not_before(on, case.accepted_on, "发送日期", "受理日期")
    code = ("reconsideration.simplified_respondent_answer" if case.procedure == Procedure.SIMPLIFIED
            else "reconsideration.respondent_answer")
    case.copy_sent_on = on
    case.answer_due_on = deadline(code, on, on=case.received_on).due
    case.save()
    return case


@transaction.atomic
def receive_answer(case, on: dt.date):
    require_status(case, "登记答复", ReconsiderationStatus.ACCEPTED)
    if not case.copy_sent_on:
        raise ValidationError("尚未发送申请书副本")
    if case.answer_received_on:
        raise ValidationError("已登记答复")
    not_before(on, case.copy_sent_on, "收到答复日期", "发送申请书副本日期")
    case.answer_received_on = on
    case.save()
    return case


@transaction.atomic
def convert_to_ordinary(case, on: dt.date):
    require_status(case, "转为普通程序", ReconsiderationStatus.ACCEPTED)
    if case.procedure != Procedure.SIMPLIFIED:
        raise ValidationError("本案未适用简易程序")
    not_before(on, case.accepted_on, "转换日期", "受理日期")
    if on > case.due_on:
        raise ValidationError(f"简易程序审理期限已于{case.due_on:%Y年%m月%d日}届满，不能再转为普通程序")
    case.procedure, case.simplified_ground, case.converted_on = Procedure.ORDINARY, "", on
    case.save()
    return case


@transaction.atomic
def suspend(case, reason: str, on: dt.date, note: str = ""):
    from .models import ReconsiderationSuspension

    require_status(case, "中止审理", ReconsiderationStatus.ACCEPTED)
    if case.suspensions.filter(ended_on__isnull=True).exists():
        raise ValidationError("本案已中止，请先恢复审理")
    not_before(on, clock_start(case), "中止日期", "受理日期")
    if on > case.due_on:
        raise ValidationError(f"审理期限已于{case.due_on:%Y年%m月%d日}届满，不能再中止")
    suspension = ReconsiderationSuspension.objects.create(case=case, reason=reason, started_on=on, note=note)
    case.save()
    return suspension


@transaction.atomic
def resume(case, on: dt.date):
    require_status(case, "恢复审理", ReconsiderationStatus.ACCEPTED)
    end_pause(case.suspensions, on, none_open="本案未中止", resumed="恢复审理日期", started="中止日期")
    case.save()
    return case


@transaction.atomic
def extend(case, days: int, on: dt.date, reason: str):
    require_status(case, "延长审理期限", ReconsiderationStatus.ACCEPTED)
    if case.procedure == Procedure.SIMPLIFIED:
        raise rule("reconsideration.simplified_no_extension").violation()
    if case.suspended:
        raise ValidationError("本案中止期间不能延长审理期限")
    if days < 1:
        raise ValidationError("延长天数应为正整数")
    reason = require_text(reason, ValidationError("请填写延长理由"))
    not_before(on, case.accepted_on, "批准延长日期", "受理日期")
    if on > case.due_on:
        raise rule("reconsideration.extension_before_due").violation(f"审理期限已于{case.due_on:%Y年%m月%d日}届满")
    cap = param("reconsideration.decision_extension_max", case.received_on)
    total = case.extension_days + days
    if total > cap.value:
        raise over_limit("reconsideration.extension_cap", f"累计延长{total}{'个工作日' if cap.unit == 'working_days' else '日'}", cap)
    case.extension_days, case.extended_on = total, on
    case.extension_reason = "；".join(filter(None, [case.extension_reason, reason]))[:300]
    case.save()
    return case


@transaction.atomic
def add_hearing(case, notified_on: dt.date, held_on: dt.date, head_attended: bool, attendee: str = "", note: str = ""):
    from .models import ReconsiderationHearing

    require_status(case, "登记听证", ReconsiderationStatus.ACCEPTED)
    not_before(notified_on, case.accepted_on, "听证通知日期", "受理日期")
    not_before(held_on, notified_on, "听证日期", "通知日期")
    notice = optional_param("reconsideration.hearing_notice", case.received_on)
    if notice is not None and held_on < add_period(notified_on, notice.value, notice.unit):
        raise over_limit(
            "reconsideration.hearing_notice", f"{notified_on:%Y年%m月%d日}通知、{held_on:%Y年%m月%d日}听证，提前通知不足", notice,
        )
    if head_attended and not (attendee or "").strip():
        raise ValidationError("被申请人负责人出席听证的，请填写出席人员及职务")
    return ReconsiderationHearing.objects.create(
        case=case, notified_on=notified_on, held_on=held_on, respondent_head_attended=head_attended,
        attendee=attendee, note=note,
    )


@transaction.atomic
def decide(case, outcome: str, on: dt.date):
    require_status(case, "结案", ReconsiderationStatus.ACCEPTED)
    if outcome not in ReconsiderationOutcome.values:
        raise ValidationError("结案方式无效")
    not_before(on, case.accepted_on, "结案日期", "受理日期")
    open_suspension = case.suspensions.filter(ended_on__isnull=True).first()
    if open_suspension is not None:
        # A suspended case may only be terminated (第四十一条); any other decision needs the case resumed first.
        if outcome != ReconsiderationOutcome.TERMINATED:
            raise ValidationError("本案中止中，请先恢复审理再作出决定")
        not_before(on, open_suspension.started_on, "终止日期", "中止日期")
        open_suspension.ended_on = on
        open_suspension.save()
    refresh_deadline(case)
    case.outcome, case.closed_on, case.status = outcome, on, ReconsiderationStatus.CLOSED
    case.on_time = on <= case.due_on
    case.save()
    return case


# -- 行政应诉 ----------------------------------------------------------------------------------------------
def defence_due(served_on: dt.date) -> dt.date:
    return deadline("litigation.defence_submission", served_on).due


@transaction.atomic
def submit_defence(lawsuit, on: dt.date):
    if not lawsuit.served_on:
        raise ValidationError("请先填写收到起诉状副本日期")
    if lawsuit.defence_submitted_on:
        raise ValidationError("已登记提交答辩状")
    not_before(on, lawsuit.served_on, "提交答辩状日期", "收到起诉状副本日期")
    lawsuit.defence_submitted_on = on
    lawsuit.full_clean()
    lawsuit.save()
    return lawsuit


@transaction.atomic
def record_court_hearing(lawsuit, held_on: dt.date, head_appearance: str, head_name: str = "", staff_appeared=False,
                         lawyer_appeared=False, absence_reason: str = "", judicial_suggestion=False):
    from .models import CourtHearing

    require_status(lawsuit, "登记开庭", LawsuitStatus.PENDING)
    not_before(held_on, lawsuit.filed_on, "开庭日期", "立案日期")
    if head_appearance == HeadAppearance.NONE:
        if not absence_reason:
            raise rule("litigation.head_absence_needs_reason").violation("负责人未出庭")
    elif head_appearance in HEAD_APPEARED:
        if absence_reason:
            raise ValidationError("负责人已出庭的，无需填写未出庭理由")
        if not (head_name or "").strip():
            raise ValidationError("请填写出庭负责人姓名职务")
    else:
        raise ValidationError("负责人出庭情况无效")
    return CourtHearing.objects.create(
        lawsuit=lawsuit, held_on=held_on, head_appearance=head_appearance, head_name=head_name,
        staff_appeared=staff_appeared, lawyer_appeared=lawyer_appeared, absence_reason=absence_reason,
        judicial_suggestion=judicial_suggestion,
    )


@transaction.atomic
def close_lawsuit(lawsuit, outcome: str, on: dt.date):
    require_status(lawsuit, "结案", LawsuitStatus.PENDING)
    if outcome not in LawsuitOutcome.values:
        raise ValidationError("裁判结果无效")
    if outcome == LawsuitOutcome.REMANDED and lawsuit.trial_level == Instance.FIRST:
        raise ValidationError("一审案件不能发回重审")
    not_before(on, lawsuit.filed_on, "结案日期", "立案日期")
    lawsuit.outcome, lawsuit.closed_on, lawsuit.status = outcome, on, LawsuitStatus.CLOSED
    lawsuit.save()
    return lawsuit


# -- 人民调解 ----------------------------------------------------------------------------------------------
@transaction.atomic
def close_mediation(dispute, status: str, on: dt.date, agreement_form: str = ""):
    require_status(dispute, "结案", MediationStatus.IN_PROGRESS)
    not_before(on, dispute.received_on, "结案日期", "受理日期")
    if status == MediationStatus.RESOLVED and not agreement_form:
        raise ValidationError("调解成功的，请选择协议形式（书面或口头）")
    if status == MediationStatus.FAILED:
        agreement_form = ""
    elif status != MediationStatus.RESOLVED:
        raise ValidationError("调解结果无效")
    dispute.status, dispute.closed_on, dispute.agreement_form = status, on, agreement_form
    dispute.save()
    return dispute


@transaction.atomic
def request_confirmation(dispute, on: dt.date):
    """Parties may apply to the court for 司法确认 within the period after the agreement takes effect."""
    if dispute.status != MediationStatus.RESOLVED:
        raise ValidationError("只有调解成功达成协议的纠纷可以申请司法确认")
    if dispute.confirmation_requested_on:
        raise ValidationError("已登记申请司法确认")
    not_before(on, dispute.closed_on, "申请司法确认日期", "调解协议生效日期")
    limit = deadline("mediation.judicial_confirmation", dispute.closed_on)
    if on > limit.due:
        raise over_limit("mediation.judicial_confirmation", f"调解协议于{dispute.closed_on:%Y年%m月%d日}生效", limit.basis)
    dispute.confirmation_requested_on = on
    dispute.save()
    return dispute


# -- 信访 --------------------------------------------------------------------------------------------------
def petition_registration_due(received_on: dt.date) -> dt.date:
    return deadline("petition.registration", received_on).due


def petition_due(accepted_on: dt.date, extension_days: int = 0) -> dt.date:
    limit = param("petition.handling", accepted_on)
    return add_period(accepted_on, limit.value + extension_days, limit.unit)


@transaction.atomic
def accept_petition(petition, on: dt.date):
    require_status(petition, "受理", PetitionStatus.REGISTERED)
    not_before(on, petition.received_on, "受理日期", "收到日期")
    petition.accepted_on, petition.status = on, PetitionStatus.ACCEPTED
    petition.due_on = petition_due(on)
    petition.save()
    return petition


@transaction.atomic
def refuse_petition(petition, on: dt.date, reason: str):
    require_status(petition, "决定不予受理", PetitionStatus.REGISTERED)
    reason = require_text(reason, ValidationError("不予受理的，应当告知信访人理由，请填写不予受理理由"))
    not_before(on, petition.received_on, "告知日期", "收到日期")
    petition.accepted_on, petition.not_accepted_reason, petition.status = on, reason, PetitionStatus.NOT_ACCEPTED
    petition.save()
    return petition


@transaction.atomic
def extend_petition(petition, days: int, on: dt.date):
    require_status(petition, "延长办理期限", PetitionStatus.ACCEPTED)
    if days < 1:
        raise ValidationError("延长天数应为正整数")
    not_before(on, petition.accepted_on, "批准延长日期", "受理日期")
    if on > petition.due_on:
        raise rule("petition.extension_before_due").violation(f"办理期限已于{petition.due_on:%Y年%m月%d日}届满")
    cap = param("petition.handling_extension_max", petition.accepted_on)
    total = petition.extension_days + days
    if total > cap.value:
        raise over_limit("petition.handling_extension_max", f"累计延长{total}日", cap)
    petition.extension_days, petition.extended_on = total, on
    petition.due_on = petition_due(petition.accepted_on, total)
    petition.save()
    return petition


@transaction.atomic
def conclude_petition(petition, on: dt.date):
    require_status(petition, "办结", PetitionStatus.ACCEPTED)
    not_before(on, petition.accepted_on, "办结日期", "受理日期")
    petition.concluded_on, petition.status = on, PetitionStatus.CONCLUDED
    petition.on_time = on <= petition.due_on
    petition.save()
    return petition
