"""The steps of 行政复议, 行政应诉, 人民调解 and 信访: the only writers of a case's status and step dates.

A step that the Excel import also replays is split in two: a pure `check_*` that validates a move against a row's
fields and makes it in memory, and the locked step (`@step`, fazhi.core.steps) that loads what the check needs,
calls it and saves. Every step re-checks what its button's `available` predicate (actions.py) encoded: a refusal
the row's current state explains (wrong status, already done, a suspension open) is a StateConflict (HTTP 409),
any other a ValidationError or RuleViolation naming the rule (HTTP 400).

The deadlines themselves are pure functions of a row's fields, in deadlines.py; the model's save applies them.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.steps import StateConflict, step
from fazhi.law.calendar import WorkCalendar
from fazhi.law.deadlines import add_period
from fazhi.law.errors import RuleViolation
from fazhi.law.params import ParameterVersion, param, rule
from fazhi.law.steps import end_pause, not_before, optional_param, over_limit, require_status, require_text

from .choices import (
    HEAD_APPEARED,
    ActType,
    HeadAppearance,
    Instance,
    LawsuitOutcome,
    LawsuitStatus,
    MediationStatus,
    PetitionStatus,
    Procedure,
    ReconsiderationOutcome,
    ReconsiderationStatus,
    SimplifiedGround,
)
from .deadlines import acceptance_deadline, application_deadlines, clock_start, confirmation_deadline
from .models import (
    CourtHearing,
    Lawsuit,
    MediatedDispute,
    Petition,
    ReconsiderationCase,
    ReconsiderationHearing,
    ReconsiderationSuspension,
)


# -- shared by the steps of several ledgers -----------------------------------------------------------------
def extended_total(
    record, days: int, on: dt.date, *, limit: str, before_due: str, cap: ParameterVersion, cap_rule: str
) -> int:
    """The total extension of `record`'s limit (`record.due_on`, counted from `record.accepted_on`) after one of
    `days` approved `on`: approved after acceptance and before the limit ends, the total within `cap`."""
    if days < 1:
        raise ValidationError("延长天数应为正整数")
    not_before(on, record.accepted_on, "批准延长日期", "受理日期")
    if on > record.due_on:
        raise rule(before_due).violation(f"{limit}已于{record.due_on:%Y年%m月%d日}届满")
    total = record.extension_days + days
    if total > cap.value:
        raise over_limit(cap_rule, f"累计延长{total}{'个工作日' if cap.unit == 'working_days' else '日'}", cap)
    return total


# -- 行政复议: pure checks ----------------------------------------------------------------------------------
def check_application_period(case: ReconsiderationCase, calendar: WorkCalendar | None = None) -> None:
    for limit in application_deadlines(case, calendar):
        if case.received_on > limit.due:
            raise RuleViolation(
                f"本申请于{case.received_on:%Y年%m月%d日}收到，已超过{limit.explanation}，应当决定不予受理",
                code="reconsideration.period_expired",
            )


def check_simplified(case: ReconsiderationCase, ground: str) -> None:
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


def check_accept(
    case: ReconsiderationCase,
    on: dt.date,
    procedure: str = Procedure.ORDINARY,
    ground: str = "",
    calendar: WorkCalendar | None = None,
) -> None:
    require_status(case, "受理", ReconsiderationStatus.RECEIVED)
    if case.correction_requested_on and not case.correction_received_on:
        raise StateConflict("已通知补正，收到补正材料后方可受理")
    not_before(on, case.correction_received_on or case.received_on, "受理日期", "收到申请（补正材料）日期")
    check_application_period(case, calendar)
    if procedure == Procedure.SIMPLIFIED:
        check_simplified(case, ground)
    elif procedure == Procedure.ORDINARY:
        ground = ""
    else:
        raise ValidationError("审理程序无效")
    case.accepted_on, case.procedure, case.simplified_ground = on, procedure, ground
    case.status = ReconsiderationStatus.ACCEPTED


def check_refuse(case: ReconsiderationCase, on: dt.date, reason: str, calendar: WorkCalendar | None = None) -> None:
    """不予受理 within the review period (after it the application is deemed accepted), with its reason."""
    require_status(case, "决定不予受理", ReconsiderationStatus.RECEIVED)
    reason = require_text(reason, rule("reconsideration.not_accepted_needs_reason").violation())
    not_before(on, case.correction_received_on or case.received_on, "不予受理决定日期", "收到申请（补正材料）日期")
    awaiting_correction = case.correction_requested_on and not case.correction_received_on
    review = acceptance_deadline(case, calendar)
    if not awaiting_correction and on > review.due:
        raise rule("reconsideration.deemed_accepted").violation(review.explanation)
    case.not_accepted_on, case.not_accepted_reason = on, reason
    case.status = ReconsiderationStatus.NOT_ACCEPTED


def check_extend(case: ReconsiderationCase, days: int, on: dt.date, reason: str) -> None:
    """An extension of an ordinary case, approved before its limit ends, within the cap in total (第六十二条).

    `case.due_on` and `case.suspended` must be derived (they are on a stored row)."""
    require_status(case, "延长审理期限", ReconsiderationStatus.ACCEPTED)
    if case.procedure == Procedure.SIMPLIFIED:
        raise rule("reconsideration.simplified_no_extension").violation()
    if case.suspended:
        raise StateConflict("本案中止期间不能延长审理期限")
    reason = require_text(reason, ValidationError("请填写延长理由"))
    case.extension_days = extended_total(
        case,
        days,
        on,
        limit="审理期限",
        before_due="reconsideration.extension_before_due",
        cap=param("reconsideration.decision_extension_max", case.received_on),
        cap_rule="reconsideration.extension_cap",
    )
    case.extended_on = on
    case.extension_reason = "；".join(filter(None, [case.extension_reason, reason]))[:300]


def check_decide(
    case: ReconsiderationCase, outcome: str, on: dt.date, open_suspension: ReconsiderationSuspension | None = None
) -> None:
    """结案; a suspended case may only be terminated (第四十一条), which ends its suspension on the same day."""
    require_status(case, "结案", ReconsiderationStatus.ACCEPTED)
    if outcome not in ReconsiderationOutcome.values:
        raise ValidationError("结案方式无效")
    not_before(on, case.accepted_on, "结案日期", "受理日期")
    if open_suspension is not None:
        if outcome != ReconsiderationOutcome.TERMINATED:
            raise StateConflict("本案中止中，请先恢复审理再作出决定")
        not_before(on, open_suspension.started_on, "终止日期", "中止日期")
        open_suspension.ended_on = on
    case.outcome, case.closed_on, case.status = outcome, on, ReconsiderationStatus.CLOSED


# -- 行政复议: steps ----------------------------------------------------------------------------------------
@step("通知补正")
def request_correction(case: ReconsiderationCase, on: dt.date) -> ReconsiderationCase:
    require_status(case, "通知补正", ReconsiderationStatus.RECEIVED)
    if case.correction_requested_on:
        raise StateConflict("已通知过补正：补正通知应当一次性载明需要补正的事项")
    not_before(on, case.received_on, "补正通知日期", "收到申请日期")
    limit = optional_param("reconsideration.correction_notice", case.received_on)
    if limit is not None and on > add_period(case.received_on, limit.value, limit.unit):
        raise over_limit("reconsideration.correction_notice", f"自收到申请至{on:%Y年%m月%d日}才通知补正", limit)
    case.correction_requested_on = on
    case.save()
    return case


@step("收到补正材料")
def receive_correction(case: ReconsiderationCase, on: dt.date) -> ReconsiderationCase:
    require_status(case, "登记补正材料", ReconsiderationStatus.RECEIVED)
    if not case.correction_requested_on:
        raise StateConflict("未通知补正")
    if case.correction_received_on:
        raise StateConflict("已收到补正材料")
    not_before(on, case.correction_requested_on, "收到补正材料日期", "补正通知日期")
    case.correction_received_on = on
    case.save()
    return case


@step("受理")
def accept(case: ReconsiderationCase, on: dt.date, procedure: str = Procedure.ORDINARY, ground: str = ""):
    check_accept(case, on, procedure, ground)
    case.save()  # save() derives the decision deadline
    return case


@step("不予受理")
def refuse_acceptance(case: ReconsiderationCase, on: dt.date, reason: str) -> ReconsiderationCase:
    check_refuse(case, on, reason)
    case.save()
    return case


@step("发送申请书副本")
def send_copy(case: ReconsiderationCase, on: dt.date) -> ReconsiderationCase:
    """The copy goes to the respondent, whose answer is due within the limit of the case's procedure and law."""
    require_status(case, "发送申请书副本", ReconsiderationStatus.ACCEPTED)
    if case.copy_sent_on:
        raise StateConflict("已发送申请书副本")
    not_before(on, case.accepted_on, "发送日期", "受理日期")
    case.copy_sent_on = on
    case.save()  # derives the answer's due date
    return case


@step("收到被申请人答复")
def receive_answer(case: ReconsiderationCase, on: dt.date) -> ReconsiderationCase:
    require_status(case, "登记答复", ReconsiderationStatus.ACCEPTED)
    if not case.copy_sent_on:
        raise StateConflict("尚未发送申请书副本")
    if case.answer_received_on:
        raise StateConflict("已登记答复")
    not_before(on, case.copy_sent_on, "收到答复日期", "发送申请书副本日期")
    case.answer_received_on = on
    case.save()
    return case


@step("转为普通程序")
def convert_to_ordinary(case: ReconsiderationCase, on: dt.date) -> ReconsiderationCase:
    require_status(case, "转为普通程序", ReconsiderationStatus.ACCEPTED)
    if case.procedure != Procedure.SIMPLIFIED:
        raise StateConflict("本案未适用简易程序")
    not_before(on, case.accepted_on, "转换日期", "受理日期")
    if on > case.due_on:
        raise ValidationError(f"简易程序审理期限已于{case.due_on:%Y年%m月%d日}届满，不能再转为普通程序")
    case.procedure, case.simplified_ground, case.converted_on = Procedure.ORDINARY, "", on
    case.save()
    return case


@step("中止审理")
def suspend(case: ReconsiderationCase, reason: str, on: dt.date, note: str = "") -> ReconsiderationSuspension:
    """中止 (第三十九条); at most one open at a time, which the database enforces too."""
    require_status(case, "中止审理", ReconsiderationStatus.ACCEPTED)
    if case.suspensions.filter(ended_on__isnull=True).exists():
        raise StateConflict("本案已中止，请先恢复审理")
    not_before(on, clock_start(case), "中止日期", "受理日期")
    if on > case.due_on:
        raise ValidationError(f"审理期限已于{case.due_on:%Y年%m月%d日}届满，不能再中止")
    suspension = ReconsiderationSuspension.objects.create(case=case, reason=reason, started_on=on, note=note)
    case.save()  # derives the suspended flag; the history records the step
    return suspension


@step("恢复审理")
def resume(case: ReconsiderationCase, on: dt.date) -> ReconsiderationCase:
    require_status(case, "恢复审理", ReconsiderationStatus.ACCEPTED)
    end_pause(case.suspensions, on, none_open="本案未中止", resumed="恢复审理日期", started="中止日期")
    case.save()  # recomputes the decision deadline with the closed suspension
    return case


@step("延长审理期限")
def extend(case: ReconsiderationCase, days: int, on: dt.date, reason: str) -> ReconsiderationCase:
    check_extend(case, days, on, reason)
    case.save()
    return case


@step("登记听证")
def add_hearing(
    case: ReconsiderationCase,
    notified_on: dt.date,
    held_on: dt.date,
    head_attended: bool,
    attendee: str = "",
    note: str = "",
) -> ReconsiderationHearing:
    require_status(case, "登记听证", ReconsiderationStatus.ACCEPTED)
    not_before(notified_on, case.accepted_on, "听证通知日期", "受理日期")
    not_before(held_on, notified_on, "听证日期", "通知日期")
    notice = optional_param("reconsideration.hearing_notice", case.received_on)
    if notice is not None and held_on < add_period(notified_on, notice.value, notice.unit):
        raise over_limit(
            "reconsideration.hearing_notice",
            f"{notified_on:%Y年%m月%d日}通知、{held_on:%Y年%m月%d日}听证，提前通知不足",
            notice,
        )
    if head_attended and not (attendee or "").strip():
        raise ValidationError("被申请人负责人出席听证的，请填写出席人员及职务")
    hearing = ReconsiderationHearing.objects.create(
        case=case,
        notified_on=notified_on,
        held_on=held_on,
        respondent_head_attended=head_attended,
        attendee=attendee,
        note=note,
    )
    case.save()  # the history records the step
    return hearing


@step("结案")
def decide(case: ReconsiderationCase, outcome: str, on: dt.date) -> ReconsiderationCase:
    open_suspension = case.suspensions.filter(ended_on__isnull=True).first()
    check_decide(case, outcome, on, open_suspension)
    if open_suspension is not None:
        open_suspension.save()
    case.save()  # derives the decision deadline with every suspension closed, and whether it was met
    return case


# -- 行政应诉 ----------------------------------------------------------------------------------------------
@step("提交答辩状")
def submit_defence(lawsuit: Lawsuit, on: dt.date) -> Lawsuit:
    if lawsuit.defence_submitted_on:
        raise StateConflict("已登记提交答辩状")
    if not lawsuit.served_on:
        raise ValidationError("请先填写收到起诉状副本日期")
    not_before(on, lawsuit.served_on, "提交答辩状日期", "收到起诉状副本日期")
    lawsuit.defence_submitted_on = on
    lawsuit.full_clean()
    lawsuit.save()
    return lawsuit


@step("登记开庭")
def record_court_hearing(
    lawsuit: Lawsuit,
    held_on: dt.date,
    head_appearance: str,
    head_name: str = "",
    staff_appeared=False,
    lawyer_appeared=False,
    absence_reason: str = "",
    judicial_suggestion=False,
) -> CourtHearing:
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
    hearing = CourtHearing.objects.create(
        lawsuit=lawsuit,
        held_on=held_on,
        head_appearance=head_appearance,
        head_name=head_name,
        staff_appeared=staff_appeared,
        lawyer_appeared=lawyer_appeared,
        absence_reason=absence_reason,
        judicial_suggestion=judicial_suggestion,
    )
    lawsuit.save()  # the history records the step
    return hearing


@step("结案")
def close_lawsuit(lawsuit: Lawsuit, outcome: str, on: dt.date) -> Lawsuit:
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
def check_close_mediation(dispute: MediatedDispute, status: str, on: dt.date, agreement_form: str = "") -> None:
    require_status(dispute, "结案", MediationStatus.IN_PROGRESS)
    not_before(on, dispute.received_on, "结案日期", "受理日期")
    if status == MediationStatus.RESOLVED:
        if not agreement_form:
            raise ValidationError({"agreement_form": "调解成功的，请选择协议形式（书面或口头）"})
    elif status == MediationStatus.FAILED:
        agreement_form = ""
    else:
        raise ValidationError({"status": "调解结果无效"})
    dispute.status, dispute.closed_on, dispute.agreement_form = status, on, agreement_form


@step("结案")
def close_mediation(dispute: MediatedDispute, status: str, on: dt.date, agreement_form: str = "") -> MediatedDispute:
    check_close_mediation(dispute, status, on, agreement_form)
    dispute.save()
    return dispute


@step("申请司法确认")
def request_confirmation(dispute: MediatedDispute, on: dt.date) -> MediatedDispute:
    """Parties may apply to the court for 司法确认 within the period after the agreement takes effect."""
    if dispute.status != MediationStatus.RESOLVED:
        raise StateConflict("只有调解成功达成协议的纠纷可以申请司法确认")
    if dispute.confirmation_requested_on:
        raise StateConflict("已登记申请司法确认")
    not_before(on, dispute.closed_on, "申请司法确认日期", "调解协议生效日期")
    limit = confirmation_deadline(dispute.closed_on)
    if on > limit.due:
        raise over_limit(
            "mediation.judicial_confirmation", f"调解协议于{dispute.closed_on:%Y年%m月%d日}生效", limit.basis
        )
    dispute.confirmation_requested_on = on
    dispute.save()
    return dispute


# -- 信访 --------------------------------------------------------------------------------------------------
@step("受理")
def accept_petition(petition: Petition, on: dt.date) -> Petition:
    require_status(petition, "受理", PetitionStatus.REGISTERED)
    not_before(on, petition.received_on, "受理日期", "收到日期")
    petition.accepted_on, petition.status = on, PetitionStatus.ACCEPTED
    petition.save()  # derives the handling limit
    return petition


@step("不予受理")
def refuse_petition(petition: Petition, on: dt.date, reason: str) -> Petition:
    require_status(petition, "决定不予受理", PetitionStatus.REGISTERED)
    reason = require_text(reason, ValidationError("不予受理的，应当告知信访人理由，请填写不予受理理由"))
    not_before(on, petition.received_on, "告知日期", "收到日期")
    petition.accepted_on, petition.not_accepted_reason, petition.status = on, reason, PetitionStatus.NOT_ACCEPTED
    petition.save()
    return petition


@step("延长办理期限")
def extend_petition(petition: Petition, days: int, on: dt.date) -> Petition:
    require_status(petition, "延长办理期限", PetitionStatus.ACCEPTED)
    petition.extension_days = extended_total(
        petition,
        days,
        on,
        limit="办理期限",
        before_due="petition.extension_before_due",
        cap=param("petition.handling_extension_max", petition.accepted_on),
        cap_rule="petition.handling_extension_max",
    )
    petition.extended_on = on
    petition.save()  # derives the extended limit
    return petition


@step("办结")
def conclude_petition(petition: Petition, on: dt.date) -> Petition:
    require_status(petition, "办结", PetitionStatus.ACCEPTED)
    not_before(on, petition.accepted_on, "办结日期", "受理日期")
    petition.concluded_on, petition.status = on, PetitionStatus.CONCLUDED
    petition.save()  # derives whether the limit was met
    return petition
