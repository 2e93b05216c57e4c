"""The 行政执法 workflow steps: certificates, the two-officer rule, 法制审核, 裁量基准, limits and 公示.

Each step is split in two where it can be: a pure `check_*` that validates a move against a row's fields and makes
it in memory, and the locked step (`@step`) that loads what the check needs, calls it and saves. A step the row's
current state does not allow raises StateConflict (HTTP 409); a broken rule is a ValidationError naming it (400).
Derived values (limits, on-time flags) come from `deadlines.derive_case`, which the model's save calls.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.steps import StateConflict, step
from fazhi.law.params import param, rule
from fazhi.law.steps import not_before, require_status, require_text

from .choices import CaseStatus, Outcome, ReviewResult
from .deadlines import is_publicity_overdue, valid_certificate_q
from .models import (
    Case,
    CaseFileReview,
    CaseRecord,
    Certificate,
    DiscretionStandard,
    LegalReview,
    Matter,
    Officer,
    Training,
    certified_officer_ids,
    valid_certificates,
    validate_sha256,
)

__all__ = [
    "certified_officer_ids",
    "is_publicity_overdue",
    "valid_certificate_q",
    "valid_certificates",
]


# -- certificates and officers -----------------------------------------------------------------------------
def check_officers(officers, day: dt.date, unit=None) -> None:
    """At least `penalty.min_officers` distinct officers holding a valid certificate on the day (处罚法第四十二条)."""
    officers = list({o.pk: o for o in officers}.values())
    if unit is not None:
        strangers = [o.name for o in officers if o.unit_id != unit.pk]
        if strangers:
            raise ValidationError(f"执法人员{'、'.join(strangers)}不属于本单位")
    minimum = param("penalty.min_officers", day).value
    certified = certified_officer_ids([o.pk for o in officers], day)
    if len(certified) < minimum:
        missing = [o.name for o in officers if o.pk not in certified]
        detail = f"{day:%Y年%m月%d日}持有效执法证件的执法人员为{len(certified)}人（至少{minimum}人）"
        if missing:
            detail += f"，{'、'.join(missing)}当日无有效执法证件"
        raise rule("enforcement.two_certified_officers").violation(detail)


def check_reviewers_not_handling(case: Case | None, officers) -> None:
    """法制审核 is independent of the handling: whoever reviewed the case may not be put on it afterwards."""
    if case is None or case.pk is None:
        return
    reviewers = set(case.reviews.values_list("reviewer_id", flat=True))
    clash = [o.name for o in officers if o.pk in reviewers]
    if clash:
        raise ValidationError(f"{'、'.join(clash)}已对本案进行法制审核，不得为本案执法人员")


def check_officer_acts(officer: Officer, day: dt.date) -> None:
    if officer.pk not in certified_officer_ids([officer.pk], day):
        raise rule("enforcement.certified_officer_acts").violation(f"{officer.name}在{day:%Y年%m月%d日}无有效执法证件")


def check_revoke(certificate: Certificate, on: dt.date, reason: str) -> None:
    if certificate.revoked_on is not None:
        raise StateConflict(f"该证件已注销（{certificate.revoked_on:%Y年%m月%d日}）")
    reason = require_text(reason, ValidationError("注销执法证件必须填写注销原因"))
    not_before(on, certificate.issued_on, "注销日期", "发证日期")
    certificate.revoked_on = on
    certificate.revocation_reason = reason


@step("注销证件")
def revoke_certificate(certificate: Certificate, on: dt.date, reason: str) -> Certificate:
    check_revoke(certificate, on, reason)
    certificate._change_reason = f"注销：{certificate.revocation_reason}"
    certificate.save()
    return certificate


@step("登记培训考试")
def add_training(officer: Officer, title: str, held_on: dt.date, hours, exam_score=None, passed=None) -> Training:
    if exam_score is not None and passed is None:
        raise ValidationError("填写了考试成绩的，请同时填写考试是否合格")
    training = Training(
        officer=officer, title=title, held_on=held_on, hours=hours, exam_score=exam_score, passed=passed
    )
    training.full_clean()
    training.save()
    officer.save()  # the officer's history records the step
    return training


def check_standard(matter: Matter, grade: str, fine_min, fine_max, existing_grades) -> None:
    if grade in existing_grades:
        raise StateConflict("该档次的裁量基准已存在")
    if fine_min > fine_max:
        raise ValidationError("裁量基准的罚款上限不能低于下限")
    if matter.fine_max is not None and fine_max > matter.fine_max:
        raise ValidationError(f"裁量基准上限不能超过法定罚款上限{matter.fine_max}元")


@step("添加裁量基准")
def add_standard(matter: Matter, grade: str, circumstances: str, fine_min, fine_max) -> DiscretionStandard:
    check_standard(matter, grade, fine_min, fine_max, set(matter.standards.values_list("grade", flat=True)))
    standard = DiscretionStandard(
        matter=matter, grade=grade, circumstances=circumstances, fine_min=fine_min, fine_max=fine_max
    )
    standard.full_clean()
    standard.save()
    matter.save()  # the matter's history records the step
    return standard


# -- cases: pure checks (no database) ------------------------------------------------------------------------
def check_legal_review(
    case: Case, reviewer: Officer, reviewed_on: dt.date, result: str, opinion: str = "", *, handles_case: bool
) -> None:
    """法制审核 of a proposed decision: by a legal reviewer who is not handling the case (`handles_case`)."""
    require_status(case, "进行法制审核", CaseStatus.OPEN)
    if not reviewer.is_legal_reviewer:
        raise ValidationError(f"{reviewer.name}不是法制审核人员")
    if handles_case:
        raise ValidationError("法制审核人员不得为本案执法人员")
    not_before(reviewed_on, case.opened_on, "审核日期", "立案日期")
    if result != ReviewResult.PASSED and not (opinion or "").strip():
        raise ValidationError("审核未通过或退回的，必须填写审核意见")
    case.legal_review_passed_on = reviewed_on if result == ReviewResult.PASSED else None


def discretion_range(case: Case, grade: str, standards: dict) -> tuple[Decimal, Decimal, str] | None:
    """The range a fine is checked against: the chosen grade of the 裁量基准, else the statutory range.

    `standards`: the matter's 裁量基准 by grade."""
    if standards:
        if not grade:
            raise ValidationError("该事项已制定裁量基准，请选择适用的裁量档次")
        if grade not in standards:
            raise ValidationError("该事项没有所选档次的裁量基准")
        standard = standards[grade]
        return standard.fine_min, standard.fine_max, f"“{standard.get_grade_display()}”档裁量基准"
    if case.matter.fine_min is not None or case.matter.fine_max is not None:
        return case.matter.fine_min or Decimal(0), case.matter.fine_max, "法定罚款幅度"
    return None


def check_fine(case: Case, fine, grade: str, reason: str, standards: dict) -> None:
    matter = case.matter
    if fine is None:
        return
    if matter.fine_max is not None and fine > matter.fine_max:
        raise ValidationError(f"罚款{fine}元超过法定罚款上限{matter.fine_max}元，不能作出")
    limits = discretion_range(case, grade, standards)
    if limits is None:
        return
    low, high, label = limits
    outside = fine < low or (high is not None and fine > high)
    if outside and not (reason or "").strip():
        raise rule("enforcement.discretion_reason").violation(f"罚款{fine}元超出{label}{low}—{high}元")


def check_decide(
    case: Case,
    on: dt.date,
    outcome: str,
    fine_amount=None,
    confiscation_amount=None,
    grade: str = "",
    deviation_reason: str = "",
    *,
    standards: dict,
) -> None:
    """作出执法决定: after a passed 法制审核 for a 重大 case, within the 裁量基准 or with a reason.

    (That enough officers hold a valid certificate on the day is checked by the step, against the database.)"""
    require_status(case, "作出决定", CaseStatus.OPEN)
    not_before(on, case.opened_on, "决定日期", "立案日期")
    if case.is_major and (case.legal_review_passed_on is None or case.legal_review_passed_on > on):
        raise rule("enforcement.major_needs_legal_review").violation(f"案件{case.number}")
    if outcome != Outcome.PENALTY and (fine_amount or confiscation_amount):
        raise ValidationError("只有给予行政处罚的决定才能填写罚没金额")
    check_fine(case, fine_amount, grade, deviation_reason, standards)
    case.decided_on = on
    case.outcome = outcome
    case.fine_amount = fine_amount
    case.confiscation_amount = confiscation_amount
    case.discretion_grade = grade or ""
    case.deviation_reason = (deviation_reason or "").strip()
    case.status = CaseStatus.DECIDED


def check_extend(case: Case, on: dt.date, reason: str) -> None:
    """Extend the handling limit once, with the approval date and a reason, before the limit runs out."""
    require_status(case, "延长办案期限", CaseStatus.OPEN)
    if case.due_on is None:
        raise ValidationError("该类案件没有法定办案期限，无需延期")
    if case.extended_on is not None:
        raise StateConflict(f"办案期限已于{case.extended_on:%Y年%m月%d日}延长过一次，不能再次延长")
    reason = require_text(reason, ValidationError("延长办案期限必须说明理由"))
    if on < case.opened_on or on > case.due_on:
        raise ValidationError(f"延期须在立案后、办案期限{case.due_on:%Y年%m月%d日}届满前批准")
    case.extended_on = on
    case.extension_reason = reason


def check_publish(case: Case, on: dt.date) -> None:
    require_status(case, "公示", CaseStatus.DECIDED, CaseStatus.CLOSED)
    if case.published_on is not None:
        raise StateConflict(f"该决定已公示（{case.published_on:%Y年%m月%d日}）")
    not_before(on, case.decided_on, "公示日期", "决定日期")
    case.published_on = on


def check_close(case: Case, on: dt.date) -> None:
    require_status(case, "结案", CaseStatus.DECIDED)
    not_before(on, case.decided_on, "结案日期", "决定日期")
    case.closed_on = on
    case.status = CaseStatus.CLOSED


# -- cases: 立案 and the locked steps --------------------------------------------------------------------------
@transaction.atomic
def open_case(
    *, unit, number, matter, party_type, party_name, party_id_number, officers, opened_on, facts="", is_major=False
) -> Case:
    """立案: refused unless enough officers hold a valid certificate on the day."""
    check_officers(officers, opened_on, unit)
    case = Case(
        unit=unit,
        number=number,
        matter=matter,
        party_type=party_type,
        party_name=party_name,
        party_id_number=party_id_number,
        opened_on=opened_on,
        facts=facts,
        is_major=is_major,
    )
    case.full_clean()
    case.save()
    case.officers.set(officers)
    return case


@step("登记全过程记录")
def add_record(
    case: Case,
    *,
    kind: str,
    title: str,
    recorded_on: dt.date,
    sha256: str,
    officer: Officer | None = None,
    reference: str = "",
    size_bytes: int | None = None,
) -> CaseRecord:
    """An entry of the 全过程记录; the file itself stays in its store, referenced by its SHA-256."""
    require_status(case, "登记全过程记录", CaseStatus.OPEN, CaseStatus.DECIDED)
    sha256 = (sha256 or "").strip().lower()
    validate_sha256(sha256)
    not_before(recorded_on, case.opened_on, "记录日期", "立案日期")
    if officer is not None:
        if not case.officers.filter(pk=officer.pk).exists():
            raise ValidationError(f"{officer.name}不是本案执法人员")
        check_officer_acts(officer, recorded_on)
    if case.records.filter(sha256=sha256).exists():
        raise StateConflict("该文件（相同哈希值）已登记")
    record = CaseRecord(
        case=case,
        kind=kind,
        title=title,
        recorded_on=recorded_on,
        sha256=sha256,
        officer=officer,
        reference=reference,
        size_bytes=size_bytes,
    )
    record.full_clean()
    record.save()
    case.save()  # the case's history records the step
    return record


@step("法制审核")
def legal_review(case: Case, *, reviewer: Officer, reviewed_on: dt.date, result: str, opinion: str = "") -> LegalReview:
    """法制审核 of a proposed decision. Only a legal reviewer who is not handling the case may review it."""
    check_legal_review(
        case, reviewer, reviewed_on, result, opinion, handles_case=case.officers.filter(pk=reviewer.pk).exists()
    )
    review = LegalReview.objects.create(
        case=case, reviewer=reviewer, reviewed_on=reviewed_on, result=result, opinion=opinion
    )
    case._change_reason = f"法制审核：{review.get_result_display()}"
    case.save()
    return review


def matter_standards(matter: Matter) -> dict:
    return {s.grade: s for s in matter.standards.all()}


@step("作出决定")
def decide(
    case: Case,
    *,
    on: dt.date,
    outcome: str,
    fine_amount=None,
    confiscation_amount=None,
    grade: str = "",
    deviation_reason: str = "",
) -> Case:
    """作出执法决定: after 法制审核 for a 重大 case, by certified officers, within the 裁量基准 or with a reason."""
    case.refresh_derived()  # a matter listed as 重大 since the case was opened makes it 重大 before the check
    check_decide(
        case,
        on,
        outcome,
        fine_amount,
        confiscation_amount,
        grade,
        deviation_reason,
        standards=matter_standards(case.matter),
    )
    check_officers(case.officers.all(), on)
    case._change_reason = f"作出决定：{case.get_outcome_display()}"
    case.save()  # derives the lateness and the 公示 limit
    return case


@step("延长办案期限")
def extend(case: Case, *, on: dt.date, reason: str) -> Case:
    check_extend(case, on, reason)
    case._change_reason = f"延长办案期限：{case.extension_reason}"
    case.save()  # derives the extended limit
    return case


@step("公示决定")
def publish(case: Case, *, on: dt.date) -> Case:
    """公示 the decision; whether it was on time is derived against the statutory limit."""
    check_publish(case, on)
    case._change_reason = "公示执法决定"
    case.save()
    return case


@step("结案")
def close(case: Case, *, on: dt.date) -> Case:
    check_close(case, on)
    case.save()
    return case


@step("案卷评查")
def review_file(
    case: Case, *, reviewed_on: dt.date, reviewer: str, score, grade: str, findings: str = ""
) -> CaseFileReview:
    """案卷评查 of a closed case file."""
    require_status(case, "进行案卷评查", CaseStatus.CLOSED)
    not_before(reviewed_on, case.closed_on, "评查日期", "结案日期")
    review = CaseFileReview(
        case=case, reviewed_on=reviewed_on, reviewer=reviewer, score=score, grade=grade, findings=findings
    )
    review.full_clean()
    review.save()
    case.save()  # the case's history records the step
    return review
