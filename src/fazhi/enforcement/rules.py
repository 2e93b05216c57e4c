"""Rules of 行政执法 as plain functions: certificates, the two-officer rule, 法制审核, 裁量基准, deadlines, 公示."""
from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from fazhi.law.deadlines import add_period, deadline
from fazhi.law.params import param, rule
from fazhi.law.steps import require_status

from .choices import SHORT_PUBLICITY_TYPES, CaseStatus, CertificateKind, MatterType, Outcome, ReviewResult
from .models import (
    Case, CaseFileReview, CaseRecord, Certificate, DiscretionStandard, LegalReview, Matter, Officer, Training,
    validate_sha256,
)


# -- certificates ------------------------------------------------------------------------------------------
def valid_certificate_q(day: dt.date, until: dt.date | None = None, prefix: str = "") -> Q:
    """Certificates valid on `day` (and still valid on `until`, when given): issued, not expired, not revoked."""
    last = max(day, until) if until else day
    return (
        Q(**{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__gte": last})
        & (Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": last}))
    )


def valid_certificates(day: dt.date, kind: str = CertificateKind.ENFORCEMENT, until: dt.date | None = None):
    return Certificate.objects.filter(valid_certificate_q(day, until), kind=kind)


def certified_officer_ids(officer_ids, day: dt.date, until: dt.date | None = None) -> set[int]:
    """Which of these officers hold a valid 执法证 on `day` (through `until`) and are in post."""
    return set(
        valid_certificates(day, until=until)
        .filter(officer_id__in=list(officer_ids), officer__is_active=True, officer__deleted_at__isnull=True)
        .values_list("officer_id", flat=True)
    )


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


def check_officer_acts(officer: Officer, day: dt.date) -> None:
    if officer.pk not in certified_officer_ids([officer.pk], day):
        raise rule("enforcement.certified_officer_acts").violation(f"{officer.name}在{day:%Y年%m月%d日}无有效执法证件")


@transaction.atomic
def revoke_certificate(certificate: Certificate, on: dt.date, reason: str) -> Certificate:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("注销执法证件必须填写注销原因")
    if certificate.revoked_on is not None:
        raise ValidationError("该证件已注销")
    if on < certificate.issued_on:
        raise ValidationError("注销日期不能早于发证日期")
    certificate.revoked_on = on
    certificate.revocation_reason = reason
    certificate._change_reason = f"注销：{reason}"
    certificate.save()
    return certificate


@transaction.atomic
def add_training(officer: Officer, title: str, held_on: dt.date, hours, exam_score=None, passed=None) -> Training:
    if exam_score is not None and passed is None:
        raise ValidationError("填写了考试成绩的，请同时填写考试是否合格")
    training = Training(officer=officer, title=title, held_on=held_on, hours=hours, exam_score=exam_score, passed=passed)
    training.full_clean()
    training.save()
    return training


@transaction.atomic
def add_standard(matter: Matter, grade: str, circumstances: str, fine_min, fine_max) -> DiscretionStandard:
    if fine_min > fine_max:
        raise ValidationError("裁量基准的罚款上限不能低于下限")
    if matter.fine_max is not None and fine_max > matter.fine_max:
        raise ValidationError(f"裁量基准上限不能超过法定罚款上限{matter.fine_max}元")
    if matter.standards.filter(grade=grade).exists():
        raise ValidationError("该档次的裁量基准已存在")
    standard = DiscretionStandard(matter=matter, grade=grade, circumstances=circumstances, fine_min=fine_min, fine_max=fine_max)
    standard.full_clean()
    standard.save()
    return standard


# -- cases -------------------------------------------------------------------------------------------------
def handling_due(case: Case) -> dt.date | None:
    """The 行政处罚 handling limit from 立案 (处罚法第六十条), plus an approved extension."""
    if case.matter.matter_type != MatterType.PENALTY:
        return None
    due = deadline("penalty.decision_limit", case.opened_on).due
    if case.extended_on:
        extension = param("penalty.decision_extension", case.extended_on)
        due = add_period(due, extension.value, extension.unit)
    return due


def publicity_due(case: Case, decided_on: dt.date) -> dt.date:
    code = ("enforcement.publicity_penalty_licensing" if case.matter.matter_type in SHORT_PUBLICITY_TYPES
            else "enforcement.publicity_other")
    return deadline(code, decided_on).due


@transaction.atomic
def open_case(*, unit, number, matter, party_type, party_name, party_id_number, officers, opened_on, facts="",
              is_major=False) -> Case:
    """立案: refused unless enough officers hold a valid certificate on the day."""
    check_officers(officers, opened_on, unit)
    case = Case(unit=unit, number=number, matter=matter, party_type=party_type, party_name=party_name,
                party_id_number=party_id_number, opened_on=opened_on, facts=facts, is_major=is_major)
    case.full_clean()
    case.save()
    case.officers.set(officers)
    return case


@transaction.atomic
def add_record(case: Case, *, kind: str, title: str, recorded_on: dt.date, sha256: str, officer: Officer | None = None,
               reference: str = "", size_bytes: int | None = None) -> CaseRecord:
    """An entry of the 全过程记录; the file itself stays in its store, referenced by its SHA-256."""
    require_status(case, "登记全过程记录", CaseStatus.OPEN, CaseStatus.DECIDED)
    sha256 = (sha256 or "").strip().lower()
    validate_sha256(sha256)
    if officer is not None:
        if not case.officers.filter(pk=officer.pk).exists():
            raise ValidationError(f"{officer.name}不是本案执法人员")
        check_officer_acts(officer, recorded_on)
    if case.records.filter(sha256=sha256).exists():
        raise ValidationError("该文件（相同哈希值）已登记")
    record = CaseRecord(case=case, kind=kind, title=title, recorded_on=recorded_on, sha256=sha256, officer=officer,
                        reference=reference, size_bytes=size_bytes)
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def legal_review(case: Case, *, reviewer: Officer, reviewed_on: dt.date, result: str, opinion: str = "") -> LegalReview:
    """法制审核 of a proposed decision. Only a legal reviewer who is not handling the case may review it."""
    require_status(case, "进行法制审核", CaseStatus.OPEN)
    if not reviewer.is_legal_reviewer:
        raise ValidationError(f"{reviewer.name}不是法制审核人员")
    if case.officers.filter(pk=reviewer.pk).exists():
        raise ValidationError("法制审核人员不得为本案执法人员")
    if reviewed_on < case.opened_on:
        raise ValidationError("审核日期不能早于立案日期")
    if result != ReviewResult.PASSED and not (opinion or "").strip():
        raise ValidationError("审核未通过或退回的，必须填写审核意见")
    review = LegalReview.objects.create(case=case, reviewer=reviewer, reviewed_on=reviewed_on, result=result, opinion=opinion)
    case.legal_review_passed_on = reviewed_on if result == ReviewResult.PASSED else None
    case._change_reason = f"法制审核：{review.get_result_display()}"
    case.save()
    return review


def discretion_range(case: Case, grade: str) -> tuple[Decimal, Decimal, str] | None:
    """The range a fine is checked against: the chosen grade of the 裁量基准, else the statutory range."""
    standards = {s.grade: s for s in case.matter.standards.all()}
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


def check_fine(case: Case, fine, grade: str, reason: str) -> None:
    matter = case.matter
    if fine is None:
        return
    if matter.fine_max is not None and fine > matter.fine_max:
        raise ValidationError(f"罚款{fine}元超过法定罚款上限{matter.fine_max}元，不能作出")
    limits = discretion_range(case, grade)
    if limits is None:
        return
    low, high, label = limits
    outside = fine < low or (high is not None and fine > high)
    if outside and not (reason or "").strip():
        raise rule("enforcement.discretion_reason").violation(f"罚款{fine}元超出{label}{low}—{high}元")


@transaction.atomic
def decide(case: Case, *, on: dt.date, outcome: str, fine_amount=None, confiscation_amount=None, grade: str = "",
           deviation_reason: str = "") -> Case:
    """作出执法决定: after 法制审核 for a 重大 case, by certified officers, within the 裁量基准 or with a reason."""
    require_status(case, "作出决定", CaseStatus.OPEN)
    if on < case.opened_on:
        raise ValidationError("决定日期不能早于立案日期")
    if case.is_major and (case.legal_review_passed_on is None or case.legal_review_passed_on > on):
        raise rule("enforcement.major_needs_legal_review").violation(f"案件{case.number}")
    check_officers(case.officers.all(), on)
    if outcome != Outcome.PENALTY and (fine_amount or confiscation_amount):
        raise ValidationError("只有给予行政处罚的决定才能填写罚没金额")
    check_fine(case, fine_amount, grade, deviation_reason)
    case.decided_on = on
    case.outcome = outcome
    case.fine_amount = fine_amount
    case.confiscation_amount = confiscation_amount
    case.discretion_grade = grade or ""
    case.deviation_reason = (deviation_reason or "").strip()
    case.decided_late = case.due_on is not None and on > case.due_on
    case.publicity_due_on = publicity_due(case, on)
    case.status = CaseStatus.DECIDED
    case._change_reason = f"作出决定：{case.get_outcome_display()}"
    case.save()
    return case


@transaction.atomic
def extend(case: Case, *, on: dt.date, reason: str) -> Case:
    """Extend the handling limit once, with the approval date and a reason, before the limit runs out."""
    require_status(case, "延长办案期限", CaseStatus.OPEN)
    if case.due_on is None:
        raise ValidationError("该类案件没有法定办案期限，无需延期")
    if case.extended_on is not None:
        raise ValidationError("办案期限已延长过一次，不能再次延长")
    if not (reason or "").strip():
        raise ValidationError("延长办案期限必须说明理由")
    if on < case.opened_on or on > case.due_on:
        raise ValidationError(f"延期须在立案后、办案期限{case.due_on:%Y年%m月%d日}届满前批准")
    case.extended_on = on
    case.extension_reason = reason.strip()
    case.due_on = handling_due(case)
    case._change_reason = f"延长办案期限：{case.extension_reason}"
    case.save()
    return case


@transaction.atomic
def publish(case: Case, *, on: dt.date) -> Case:
    """公示 the decision; whether it was on time is recorded against the statutory limit."""
    require_status(case, "公示", CaseStatus.DECIDED, CaseStatus.CLOSED)
    if case.published_on is not None:
        raise ValidationError("该决定已公示")
    if on < case.decided_on:
        raise ValidationError("公示日期不能早于决定日期")
    case.published_on = on
    case.published_on_time = on <= case.publicity_due_on
    case._change_reason = "公示执法决定"
    case.save()
    return case


@transaction.atomic
def close(case: Case, *, on: dt.date) -> Case:
    require_status(case, "结案", CaseStatus.DECIDED)
    if on < case.decided_on:
        raise ValidationError("结案日期不能早于决定日期")
    case.closed_on = on
    case.status = CaseStatus.CLOSED
    case._change_reason = "结案"
    case.save()
    return case


@transaction.atomic
def review_file(case: Case, *, reviewed_on: dt.date, reviewer: str, score, grade: str, findings: str = "") -> CaseFileReview:
    """案卷评查 of a closed case file."""
    require_status(case, "进行案卷评查", CaseStatus.CLOSED)
    if reviewed_on < case.closed_on:
        raise ValidationError("评查日期不能早于结案日期")
    review = CaseFileReview(case=case, reviewed_on=reviewed_on, reviewer=reviewer, score=score, grade=grade, findings=findings)
    review.full_clean()
    review.save()
    return review


def is_publicity_overdue(case: Case, today: dt.date) -> bool:
    if case.publicity_due_on is None:
        return False
    if case.published_on is not None:
        return case.published_on > case.publicity_due_on
    return today > case.publicity_due_on
