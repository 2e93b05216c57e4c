"""What must hold of the dispute ledgers, whatever road wrote them (see fazhi.core.invariants).

Most are one query each; the derived values (deadlines and flags) are recomputed with the same pure functions the
model's save uses (deadlines.py) and compared with the stored ones.
"""

from collections import defaultdict

from django.db.models import F, Q

from fazhi.core.invariants import invariant
from fazhi.law.calendar import default_calendar
from fazhi.law.params import param

from .choices import (
    HEAD_APPEARED,
    HeadAppearance,
    Instance,
    LawsuitOutcome,
    LawsuitStatus,
    MediationStatus,
    PetitionStatus,
    Procedure,
    ReconsiderationStatus,
)
from .deadlines import confirmation_deadline, derive_lawsuit, derive_petition, derive_reconsideration
from .models import (
    CourtHearing,
    Lawsuit,
    MediatedDispute,
    Mediator,
    Petition,
    ReconsiderationCase,
    ReconsiderationHearing,
    ReconsiderationSuspension,
)

R = ReconsiderationStatus
DERIVED_CASE_FIELDS = ("deemed_accepted", "answer_due_on", "suspended", "due_on", "on_time")


def _differences(row, fields, recompute) -> str:
    """Recompute `fields` on `row` and describe those that differ from the stored values ("" when none do)."""
    stored = {name: getattr(row, name) for name in fields}
    recompute(row)
    return "；".join(
        f"{row._meta.get_field(name).verbose_name}记录为{stored[name]}，按规则应为{getattr(row, name)}"
        for name in fields
        if getattr(row, name) != stored[name]
    )


# -- 行政复议 ----------------------------------------------------------------------------------------------
@invariant(
    "reconsideration-cases",
    "复议案件状态与各步骤一致（已收件无受理、不予受理、结案记录；已受理有受理日期和审理程序、未结案；"
    "不予受理有决定日期和理由、无受理日期；已审结有受理日期、结案日期和结案方式）",
)
def reconsideration_status_matches_steps():
    no_decision = Q(closed_on__isnull=True, outcome="")
    rows = ReconsiderationCase.all_objects.filter(
        Q(status=R.RECEIVED) & ~(Q(accepted_on__isnull=True, not_accepted_on__isnull=True, procedure="") & no_decision)
        | Q(status=R.ACCEPTED)
        & ~(Q(accepted_on__isnull=False, not_accepted_on__isnull=True) & ~Q(procedure="") & no_decision)
        | Q(status=R.NOT_ACCEPTED)
        & ~(Q(not_accepted_on__isnull=False, accepted_on__isnull=True) & ~Q(not_accepted_reason="") & no_decision)
        | Q(status=R.CLOSED)
        & (Q(accepted_on__isnull=True) | Q(not_accepted_on__isnull=False) | Q(closed_on__isnull=True) | Q(outcome=""))
    )
    for case in rows.order_by("pk"):
        yield (
            case,
            (
                f"状态“{case.get_status_display()}”，受理{case.accepted_on or '—'}，"
                f"不予受理{case.not_accepted_on or '—'}，结案{case.closed_on or '—'}"
            ),
        )


@invariant(
    "reconsideration-cases",
    "复议案件步骤日期顺序：补正通知、受理、不予受理不早于收到申请，收到补正材料不早于补正通知，"
    "发送副本、结案不早于受理，收到答复不早于发送副本",
)
def reconsideration_dates_in_order():
    rows = ReconsiderationCase.all_objects.filter(
        Q(correction_requested_on__lt=F("received_on"))
        | Q(accepted_on__lt=F("received_on"))
        | Q(not_accepted_on__lt=F("received_on"))
        | Q(correction_received_on__isnull=False)
        & (Q(correction_requested_on__isnull=True) | Q(correction_received_on__lt=F("correction_requested_on")))
        | Q(copy_sent_on__isnull=False) & (Q(accepted_on__isnull=True) | Q(copy_sent_on__lt=F("accepted_on")))
        | Q(answer_received_on__isnull=False)
        & (Q(copy_sent_on__isnull=True) | Q(answer_received_on__lt=F("copy_sent_on")))
        | Q(closed_on__lt=F("accepted_on"))
    )
    yield from rows.order_by("pk")


@invariant(
    "reconsideration-cases",
    "复议案件的视为受理、答复期限、中止标志、审理期限届满日和按期审结标志，"
    "与按收到申请之日有效的法律、受理与中止记录重新计算的结果一致",
)
def reconsideration_derived_values():
    calendar = default_calendar()
    suspensions = defaultdict(list)
    for suspension in ReconsiderationSuspension.objects.order_by("started_on", "pk"):
        suspensions[suspension.case_id].append(suspension)
    for case in ReconsiderationCase.all_objects.order_by("pk").iterator(chunk_size=2000):
        differences = _differences(
            case, DERIVED_CASE_FIELDS, lambda row: derive_reconsideration(row, suspensions[row.pk], calendar)
        )
        if differences:
            yield case, differences


@invariant(
    "reconsideration-cases",
    "中止记录：只有审理中的案件处于中止状态（已审结的案件没有未恢复的中止）；"
    "中止不早于受理，恢复不早于中止（每案至多一个未恢复的中止，另由数据库约束保证）",
)
def reconsideration_suspensions_consistent():
    ids = ReconsiderationSuspension.objects.filter(
        Q(ended_on__isnull=True) & ~Q(case__status=R.ACCEPTED)
        | Q(case__accepted_on__isnull=True)
        | Q(started_on__lt=F("case__accepted_on"))
        | Q(ended_on__lt=F("started_on"))
    ).values_list("case_id", flat=True)
    yield from ReconsiderationCase.all_objects.filter(pk__in=ids).order_by("pk")


@invariant(
    "reconsideration-cases",
    "审理程序与延长：简易程序案件载明适用情形且不延长审理期限，普通程序案件不载简易程序情形；"
    "延长审理期限的有批准日期和理由，累计不超过法定最长延长期限",
)
def reconsideration_procedure_and_extension():
    rows = ReconsiderationCase.all_objects.filter(
        Q(procedure=Procedure.SIMPLIFIED) & (Q(simplified_ground="") | Q(extension_days__gt=0))
        | ~Q(procedure=Procedure.SIMPLIFIED) & ~Q(simplified_ground="")
        | Q(extension_days__gt=0) & (Q(extended_on__isnull=True) | Q(extension_reason=""))
        | Q(extension_days=0) & Q(extended_on__isnull=False)
        | Q(extended_on__lt=F("accepted_on"))
    )
    found = list(rows.order_by("pk"))
    yield from found
    for case in (
        ReconsiderationCase.all_objects.filter(extension_days__gt=0)
        .exclude(pk__in=[c.pk for c in found])
        .order_by("pk")
    ):
        cap = param("reconsideration.decision_extension_max", case.received_on)
        if case.extension_days > cap.value:
            yield case, f"累计延长{case.extension_days}日，超过{cap.name}{cap.display}"


@invariant("reconsideration-cases", "听证记录：通知不早于受理、听证不早于通知；被申请人负责人出席的载明出席人员")
def reconsideration_hearings_recorded():
    ids = ReconsiderationHearing.objects.filter(
        Q(case__accepted_on__isnull=True)
        | Q(notified_on__lt=F("case__accepted_on"))
        | Q(held_on__lt=F("notified_on"))
        | Q(respondent_head_attended=True, attendee="")
    ).values_list("case_id", flat=True)
    yield from ReconsiderationCase.all_objects.filter(pk__in=ids).order_by("pk")


# -- 行政应诉 ----------------------------------------------------------------------------------------------
@invariant(
    "lawsuits",
    "应诉案件状态与结案记录一致（审理中无结案日期和裁判结果，已审结两者都有）；收到起诉状副本、"
    "结案不早于立案，提交答辩状有收到副本日期且不早于它；一审不发回重审",
)
def lawsuit_status_matches_steps():
    rows = Lawsuit.all_objects.filter(
        Q(status=LawsuitStatus.PENDING) & (Q(closed_on__isnull=False) | ~Q(outcome=""))
        | Q(status=LawsuitStatus.CLOSED) & (Q(closed_on__isnull=True) | Q(outcome=""))
        | Q(served_on__lt=F("filed_on"))
        | Q(closed_on__lt=F("filed_on"))
        | Q(defence_submitted_on__isnull=False)
        & (Q(served_on__isnull=True) | Q(defence_submitted_on__lt=F("served_on")))
        | Q(trial_level=Instance.FIRST, outcome=LawsuitOutcome.REMANDED)
    )
    for suit in rows.order_by("pk"):
        yield suit, f"状态“{suit.get_status_display()}”，立案{suit.filed_on}，结案{suit.closed_on or '—'}"


@invariant("lawsuits", "答辩期限 = 收到起诉状副本之日起按法定答辩期限计算的日期（未收到副本的没有答辩期限）")
def lawsuit_defence_due_follows_service():
    calendar = default_calendar()
    for suit in Lawsuit.all_objects.order_by("pk").iterator(chunk_size=2000):
        differences = _differences(suit, ("defence_due_on",), lambda row: derive_lawsuit(row, calendar))
        if differences:
            yield suit, differences


@invariant(
    "lawsuits",
    "审级衔接：一审没有前审案件；二审、再审关联同一被告单位已审结的前审案件，立案不早于前审结案，二审的前审是一审",
)
def lawsuit_instances_linked():
    first = Instance.FIRST
    rows = Lawsuit.all_objects.filter(
        Q(trial_level=first, previous_instance__isnull=False)
        | ~Q(trial_level=first)
        & (
            Q(previous_instance__isnull=True)
            | ~Q(previous_instance__status=LawsuitStatus.CLOSED)
            | ~Q(previous_instance__unit=F("unit"))
            | Q(filed_on__lt=F("previous_instance__closed_on"))
            | Q(trial_level=Instance.SECOND) & ~Q(previous_instance__trial_level=first)
        )
    )
    yield from rows.order_by("pk")


@invariant("lawsuits", "开庭记录：开庭不早于立案；负责人未出庭的载明理由，负责人出庭的载明姓名职务且无未出庭理由")
def lawsuit_hearings_recorded():
    ids = CourtHearing.objects.filter(
        Q(held_on__lt=F("lawsuit__filed_on"))
        | Q(head_appearance=HeadAppearance.NONE, absence_reason="")
        | Q(head_appearance__in=HEAD_APPEARED) & (Q(head_name="") | ~Q(absence_reason=""))
    ).values_list("lawsuit_id", flat=True)
    yield from Lawsuit.all_objects.filter(pk__in=ids).order_by("pk")


# -- 人民调解 ----------------------------------------------------------------------------------------------
@invariant(
    "mediated-disputes",
    "调解结果与结案记录一致（调解中无结案日期、协议形式和司法确认；调解成功有结案日期和协议形式；"
    "调解不成有结案日期、无协议形式）；结案不早于受理",
)
def mediation_status_matches_steps():
    M = MediationStatus
    rows = MediatedDispute.all_objects.filter(
        Q(status=M.IN_PROGRESS) & (Q(closed_on__isnull=False) | ~Q(agreement_form=""))
        | Q(status=M.RESOLVED) & (Q(closed_on__isnull=True) | Q(agreement_form=""))
        | Q(status=M.FAILED) & (Q(closed_on__isnull=True) | ~Q(agreement_form=""))
        | ~Q(status=M.RESOLVED) & Q(confirmation_requested_on__isnull=False)
        | Q(closed_on__lt=F("received_on"))
    )
    for dispute in rows.order_by("pk"):
        yield (
            dispute,
            (
                f"调解结果“{dispute.get_status_display()}”，结案{dispute.closed_on or '—'}，"
                f"协议形式{dispute.agreement_form or '—'}"
            ),
        )


@invariant("mediated-disputes", "申请司法确认在调解协议生效（结案）之日起的法定期限内")
def mediation_confirmation_in_time():
    calendar = default_calendar()
    rows = MediatedDispute.all_objects.filter(confirmation_requested_on__isnull=False, closed_on__isnull=False)
    for dispute in rows.order_by("pk"):
        limit = confirmation_deadline(dispute.closed_on, calendar)
        if not dispute.closed_on <= dispute.confirmation_requested_on <= limit.due:
            yield dispute, f"申请{dispute.confirmation_requested_on}，{limit.explanation}"


@invariant("mediated-disputes", "调解案件所属单位与其调解组织的单位一致")
def mediation_unit_matches_organisation():
    yield from MediatedDispute.all_objects.exclude(unit=F("organisation__unit")).order_by("pk")


@invariant("mediators", "调解员所属单位与其调解组织的单位一致")
def mediator_unit_matches_organisation():
    yield from Mediator.all_objects.exclude(unit=F("organisation__unit")).order_by("pk")


# -- 信访 --------------------------------------------------------------------------------------------------
@invariant(
    "petitions",
    "信访事项状态与各步骤一致（已登记无受理、办结记录；已受理有受理日期、未办结；不予受理有告知日期和理由、"
    "未办结；已办结有受理、办结日期）；受理不早于收到，办结不早于受理",
)
def petition_status_matches_steps():
    P = PetitionStatus
    rows = Petition.all_objects.filter(
        Q(status=P.REGISTERED)
        & (Q(accepted_on__isnull=False) | Q(concluded_on__isnull=False) | ~Q(not_accepted_reason=""))
        | Q(status=P.ACCEPTED)
        & (Q(accepted_on__isnull=True) | Q(concluded_on__isnull=False) | ~Q(not_accepted_reason=""))
        | Q(status=P.NOT_ACCEPTED)
        & (Q(accepted_on__isnull=True) | Q(concluded_on__isnull=False) | Q(not_accepted_reason=""))
        | Q(status=P.CONCLUDED) & (Q(accepted_on__isnull=True) | Q(concluded_on__isnull=True))
        | Q(accepted_on__lt=F("received_on"))
        | Q(concluded_on__lt=F("accepted_on"))
    )
    for petition in rows.order_by("pk"):
        yield (
            petition,
            (
                f"状态“{petition.get_status_display()}”，受理（告知）{petition.accepted_on or '—'}，"
                f"办结{petition.concluded_on or '—'}"
            ),
        )


@invariant(
    "petitions", "信访事项的登记告知期限、办理期限和按期办结标志，与按收到、受理日期及延长天数重新计算的结果一致"
)
def petition_derived_values():
    calendar = default_calendar()
    for petition in Petition.all_objects.order_by("pk").iterator(chunk_size=2000):
        differences = _differences(
            petition, ("registration_due_on", "due_on", "on_time"), lambda row: derive_petition(row, calendar)
        )
        if differences:
            yield petition, differences


@invariant("petitions", "延长办理期限：只有受理的事项可以延长，有批准日期且不早于受理，累计不超过法定最长延长期限")
def petition_extension_within_limit():
    P = PetitionStatus
    rows = Petition.all_objects.filter(
        Q(extension_days__gt=0) & (Q(extended_on__isnull=True) | ~Q(status__in=[P.ACCEPTED, P.CONCLUDED]))
        | Q(extension_days=0, extended_on__isnull=False)
        | Q(extended_on__lt=F("accepted_on"))
    )
    found = list(rows.order_by("pk"))
    yield from found
    others = Petition.all_objects.filter(extension_days__gt=0, accepted_on__isnull=False).exclude(
        pk__in=[p.pk for p in found]
    )
    for petition in others.order_by("pk"):
        cap = param("petition.handling_extension_max", petition.accepted_on)
        if petition.extension_days > cap.value:
            yield petition, f"累计延长{petition.extension_days}日，超过{cap.name}{cap.display}"
