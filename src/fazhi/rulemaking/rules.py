"""Rules of 制度建设与依法决策 as plain functions: each step of a normative document or a major decision, the
public comment period, clean-up campaigns and legality reviews. A refused move names the rule it breaks."""
from __future__ import annotations

import datetime as dt

from dateutil.relativedelta import relativedelta
from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.law.calendar import default_calendar
from fazhi.law.deadlines import deadline
from fazhi.law.errors import CalendarDataMissing
from fazhi.law.params import ParameterVersion, param, rule
from fazhi.law.steps import not_before

from .choices import (
    ADOPTING_OUTCOMES, CleanupOutcomeKind, DecisionStatus, DiscussionOutcome, DocumentStatus, ReviewerKind,
    ReviewStatus,
)
from .models import (
    CleanupCampaign, CleanupItem, Consultation, DecisionCatalogue, LegalAdviser, LegalityReview, MajorDecision,
    NormativeDocument, PublicComment, in_force_q,
)

SPAN_UNITS = {"calendar_days": "days", "months": "months", "years": "years"}


def shift(day: dt.date, version: ParameterVersion, sign: int = 1) -> dt.date:
    """`day` moved by a span set in the law, without rolling over rest days: used for minimum periods and
    validity terms, which are lengths of time, not time limits for an act (those go through law.deadlines)."""
    try:
        unit = SPAN_UNITS[version.unit]
    except KeyError:
        raise ValueError(f"{version.code} 不是日历期间参数") from None
    return day + relativedelta(**{unit: sign * int(version.value)})


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


# -- public comment --------------------------------------------------------------------------------------------
def comment_minimum_end(consultation: Consultation) -> tuple[dt.date, ParameterVersion] | None:
    """The earliest lawful last day of a comment period: the start day is not counted (民法典第二百零一条)."""
    code = consultation.minimum_code()
    if code is None:
        return None
    version = param(code, consultation.starts_on)
    return shift(consultation.starts_on, version), version


def check_comment_period(consultation: Consultation) -> None:
    """A period shorter than the law's minimum needs a recorded reason (条例第十五条; 优化营商环境条例第六十二条)."""
    minimum = comment_minimum_end(consultation)
    if minimum is None or consultation.ends_on >= minimum[0] or consultation.short_reason.strip():
        return
    end, version = minimum
    code = "decision.comment_period_min" if consultation.decision_id else "normative.comment_period_min"
    raise rule(code).violation(
        f"征求意见期至{consultation.ends_on:%Y年%m月%d日}，少于{version.name}{version.display}（应至少至{end:%Y年%m月%d日}）"
    )


def _open_consultation(subject_field: str, subject, *, title, draft_text, starts_on, ends_on, explanation="",
                       short_reason="") -> Consultation:
    running = subject.consultations.filter(ends_on__gte=starts_on)
    _require(not running.exists(), "已有尚未结束的征求意见，不能重复发起")
    consultation = Consultation(
        unit=subject.unit, title=title, draft_text=draft_text, explanation=explanation, starts_on=starts_on,
        ends_on=ends_on, short_reason=short_reason, **{subject_field: subject},
    )
    consultation.full_clean()
    consultation.save()
    return consultation


def comments_open(consultation: Consultation, now: dt.date) -> None:
    if now < consultation.starts_on:
        raise ValidationError(f"征求意见尚未开始（{consultation.starts_on:%Y年%m月%d日}开始）")
    if now > consultation.ends_on:
        raise ValidationError(f"征求意见已于{consultation.ends_on:%Y年%m月%d日}截止，不再接收意见")


@transaction.atomic
def submit_comment(consultation: Consultation, *, content: str, name: str = "", contact: str = "",
                   client_hash: str = "", on: dt.date) -> PublicComment:
    comments_open(consultation, on)
    content = (content or "").strip()
    _require(bool(content), "请填写意见内容")
    return PublicComment.objects.create(
        consultation=consultation, content=content, name=name.strip(), contact=contact.strip(), client_hash=client_hash,
    )


@transaction.atomic
def answer_comment(comment: PublicComment, adopted: bool, reply: str) -> PublicComment:
    _require(bool((reply or "").strip()) or adopted, "未采纳的意见应当说明理由")
    comment.adopted, comment.reply = adopted, reply.strip()
    comment.save()
    return comment


@transaction.atomic
def publish_feedback(consultation: Consultation, on: dt.date, feedback: str) -> Consultation:
    """Publish how the opinions were taken up; only once the period is over, and only once."""
    _require(consultation.feedback_published_on is None, "意见采纳情况已经公布")
    if on <= consultation.ends_on:
        raise ValidationError(f"征求意见期至{consultation.ends_on:%Y年%m月%d日}，期满后方可公布意见采纳情况")
    _require(bool((feedback or "").strip()), "请填写意见采纳情况")
    pending = consultation.comments.filter(adopted__isnull=True).count()
    _require(pending == 0, f"尚有{pending}条意见未作采纳处理")
    consultation.feedback, consultation.feedback_published_on = feedback.strip(), on
    consultation.save()
    if consultation.decision_id:
        decision = consultation.decision
        decision.participation_completed_on = on
        decision.save()
    return consultation


# -- 行政规范性文件 ---------------------------------------------------------------------------------------------
def open_document_consultation(document: NormativeDocument, **fields) -> Consultation:
    _require(document.status in (DocumentStatus.DRAFTING, DocumentStatus.REVIEW_FAILED),
             f"文件状态为“{document.get_status_display()}”，不能再公开征求意见")
    return _open_consultation("document", document, **fields)


@transaction.atomic
def submit_for_review(document: NormativeDocument, on: dt.date) -> NormativeDocument:
    _require(document.status in (DocumentStatus.DRAFTING, DocumentStatus.REVIEW_FAILED),
             f"文件状态为“{document.get_status_display()}”，不能送合法性审核")
    document.status, document.review_submitted_on = DocumentStatus.REVIEWING, on
    document.review_passed = None
    document.save()
    return document


@transaction.atomic
def complete_review(document: NormativeDocument, on: dt.date, reviewer: str, opinion: str, passed: bool) -> NormativeDocument:
    _require(document.status == DocumentStatus.REVIEWING, "文件尚未送合法性审核")
    not_before(on, document.review_submitted_on, "审核完成日期", "送审日期")
    _require(bool(reviewer.strip()) and bool(opinion.strip()), "须填写审核机构（人员）和审核意见")
    document.reviewer, document.review_opinion, document.review_passed, document.reviewed_on = reviewer, opinion, passed, on
    document.status = DocumentStatus.REVIEW_PASSED if passed else DocumentStatus.REVIEW_FAILED
    document.save()
    return document


def _check_consultation(document: NormativeDocument, on: dt.date) -> None:
    """No deliberation while a comment period runs; a document touching market entities needs one that has ended."""
    consultations = list(document.consultations.all())
    running = [c for c in consultations if c.ends_on >= on]
    market = document.affects_market and not document.consultation_exempt_reason.strip()
    if running:
        detail = f"征求意见期至{running[0].ends_on:%Y年%m月%d日}，尚未届满"
        if market:
            raise rule("normative.market_consultation").violation(detail)
        raise ValidationError(f"{detail}，不能提交审议")
    if market and not consultations:
        raise rule("normative.market_consultation").violation("该文件未公开征求意见，也未载明不公开征求意见的理由")


@transaction.atomic
def deliberate(document: NormativeDocument, on: dt.date, meeting: str) -> NormativeDocument:
    """集体审议: refused before a passed 合法性审核 (国办发〔2018〕115号) and, for documents touching market
    entities, before the public comment period has ended."""
    if document.status != DocumentStatus.REVIEW_PASSED or not document.review_passed:
        detail = "审核未通过" if document.review_passed is False else "尚未完成合法性审核"
        raise rule("normative.publish_after_review").violation(f"“{document.title}”{detail}")
    not_before(on, document.reviewed_on, "审议日期", "合法性审核完成日期")
    _require(bool(meeting.strip()), "须填写审议会议")
    _check_consultation(document, on)
    document.deliberated_on, document.meeting, document.status = on, meeting, DocumentStatus.DELIBERATED
    document.save()
    return document


def validity_limit(document: NormativeDocument, effective_from: dt.date) -> tuple[dt.date, ParameterVersion]:
    """The last day a document may stay valid: 暂行、试行 documents have a shorter maximum."""
    code = "normative.provisional_validity_max" if document.provisional else "normative.validity_max"
    version = param(code, effective_from)
    return shift(effective_from, version) - dt.timedelta(days=1), version


def filing_due(published_on: dt.date) -> dt.date:
    """Due within the filing period from publication. Where the 工作日 calendar lacks the year the period ends in,
    the date before any rest-day roll-over is used: never later than the true deadline, and publication is not
    blocked by a holiday notice not yet issued."""
    try:
        return deadline("normative.filing_deadline", published_on).due
    except CalendarDataMissing:
        return shift(published_on, param("normative.filing_deadline", published_on))


def expiry_evaluation_due(valid_until: dt.date, on: dt.date) -> dt.date:
    return shift(valid_until, param("normative.expiry_evaluation_before", on), sign=-1)


@transaction.atomic
def publish_document(document: NormativeDocument, *, number: str, published_on: dt.date, effective_from: dt.date,
                     valid_until: dt.date | None = None) -> NormativeDocument:
    if not document.review_passed:
        detail = "审核未通过" if document.review_passed is False else "尚未完成合法性审核"
        raise rule("normative.publish_after_review").violation(f"“{document.title}”{detail}")
    if document.status != DocumentStatus.DELIBERATED:
        if document.status == DocumentStatus.REVIEW_PASSED:
            raise rule("normative.publish_after_deliberation").violation(f"“{document.title}”尚未经集体审议")
        raise ValidationError(f"文件状态为“{document.get_status_display()}”，不能公布")
    not_before(published_on, document.deliberated_on, "公布日期", "集体审议日期")
    if effective_from < published_on:
        raise rule("normative.effective_after_publication").violation(
            f"施行日期{effective_from:%Y年%m月%d日}早于公布日期{published_on:%Y年%m月%d日}"
        )
    limit, version = validity_limit(document, effective_from)
    valid_until = valid_until or limit
    if valid_until > limit:
        raise rule("normative.validity_within_max").violation(
            f"有效期至{valid_until:%Y年%m月%d日}，超过{version.name}{version.display}（最迟至{limit:%Y年%m月%d日}）"
        )
    _require(valid_until >= effective_from, "有效期截止日期不能早于施行日期")
    number = number.strip()
    _require(bool(number), "须填写文号")
    if NormativeDocument.all_objects.filter(number=number).exclude(pk=document.pk).exists():
        raise ValidationError(f"文号“{number}”已被其他文件使用")
    document.number, document.published_on = number, published_on
    document.effective_from, document.valid_until = effective_from, valid_until
    document.filing_due_on = filing_due(published_on) if document.filing_required else None
    document.evaluation_due_on = expiry_evaluation_due(valid_until, published_on)
    document.status = DocumentStatus.PUBLISHED
    document.save()
    return document


@transaction.atomic
def file_document(document: NormativeDocument, filed_on: dt.date, filing_body: str) -> NormativeDocument:
    """报送备案: only a published document; a filing after the due date is recorded and flagged overdue."""
    if document.status != DocumentStatus.PUBLISHED or document.published_on is None:
        raise rule("normative.file_after_publication").violation(f"“{document.title}”尚未公布")
    _require(document.filing_required, "该文件无须报送备案")
    if document.filed_on:
        raise ValidationError(f"该文件已于{document.filed_on:%Y年%m月%d日}报送备案")
    not_before(filed_on, document.published_on, "报送备案日期", "公布日期")
    _require(bool(filing_body.strip()), "须填写备案机关")
    document.filed_on, document.filing_body = filed_on, filing_body.strip()
    document.save()
    return document


@transaction.atomic
def evaluate_document(document: NormativeDocument, on: dt.date, kind: str, conclusion: str, report: str) -> NormativeDocument:
    _require(document.status == DocumentStatus.PUBLISHED, "只能评估已公布且未废止的文件")
    not_before(on, document.effective_from, "评估日期", "施行日期")
    _require(bool(report.strip()), "须填写评估情况")
    document.evaluated_on, document.evaluation_kind = on, kind
    document.evaluation_conclusion, document.evaluation_report = conclusion, report.strip()
    document.save()
    return document


def expiring_documents(day: dt.date):
    """In force, past the date the expiry evaluation should start, and not yet evaluated: the reminder list."""
    return NormativeDocument.objects.filter(in_force_q(day), evaluation_due_on__lte=day, evaluated_on__isnull=True)


def filing_overdue_documents(day: dt.date):
    from django.db.models import F, Q

    return NormativeDocument.objects.filter(
        Q(filed_on__isnull=True, filing_due_on__lt=day) | Q(filed_on__gt=F("filing_due_on")),
        status__in=[DocumentStatus.PUBLISHED, DocumentStatus.REPEALED, DocumentStatus.INVALIDATED],
        filing_required=True,
    )


def search_in_force(queryset, term: str, day: dt.date):
    """Full-text search of documents in force: a case-insensitive match on number, title and body. One code path
    on SQLite and PostgreSQL; the corpus (a few thousand documents) is small enough for a scan."""
    from django.db.models import Q

    qs = queryset.filter(in_force_q(day))
    for word in (term or "").split():
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word) | Q(number__icontains=word))
    return qs


# -- 清理 ------------------------------------------------------------------------------------------------------
@transaction.atomic
def add_documents_in_force(campaign: CleanupCampaign) -> int:
    """Put every document in force on the start day, in the campaign unit's subtree, on the campaign's list."""
    _require(campaign.completed_on is None, "清理已完成，不能再增加文件")
    from fazhi.org.models import Unit

    units = Unit.objects.filter(path__startswith=campaign.unit.path).values("pk")
    listed = campaign.items.values("document_id")
    documents = NormativeDocument.objects.filter(in_force_q(campaign.started_on), unit__in=units).exclude(pk__in=listed)
    items = [CleanupItem(campaign=campaign, document=document) for document in documents]
    CleanupItem.objects.bulk_create(items)
    return len(items)


@transaction.atomic
def record_cleanup_outcome(item: CleanupItem, outcome: str, reason: str, on: dt.date) -> CleanupItem:
    _require(item.campaign.completed_on is None, "清理已完成，结论不能再修改")
    if not (reason or "").strip():
        raise rule("normative.cleanup_every_document").violation(f"“{item.document.title}”的清理结论未说明理由")
    not_before(on, item.campaign.started_on, "结论日期", "清理开始日期")
    item.outcome, item.reason, item.decided_on = outcome, reason.strip(), on
    item.save()
    return item


@transaction.atomic
def complete_cleanup(campaign: CleanupCampaign, on: dt.date) -> CleanupCampaign:
    """Close a campaign: refused while any listed document lacks an outcome; repeals and invalidations take effect."""
    _require(campaign.completed_on is None, "清理已完成")
    _require(campaign.items.exists(), "清理清单为空，请先列入文件")
    pending = list(campaign.items.filter(outcome="").select_related("document")[:5])
    if pending:
        count = campaign.items.filter(outcome="").count()
        names = "、".join(f"“{i.document.title}”" for i in pending)
        raise rule("normative.cleanup_every_document").violation(f"尚有{count}件文件未作结论（{names}等）")
    not_before(on, campaign.started_on, "完成日期", "清理开始日期")
    ending = {CleanupOutcomeKind.REPEAL: DocumentStatus.REPEALED, CleanupOutcomeKind.INVALIDATE: DocumentStatus.INVALIDATED}
    for item in campaign.items.filter(outcome__in=list(ending)).select_related("document"):
        document = item.document
        if document.status == DocumentStatus.PUBLISHED:
            document.status, document.ended_on, document.end_reason = ending[item.outcome], on, item.reason
            document._change_reason = f"{campaign.title}：{item.get_outcome_display()}"
            document.save()
    campaign.completed_on = on
    campaign.save()
    return campaign


@transaction.atomic
def publish_cleanup(campaign: CleanupCampaign, on: dt.date) -> CleanupCampaign:
    _require(campaign.completed_on is not None, "清理完成后方可公布结果")
    _require(campaign.published_on is None, "清理结果已经公布")
    not_before(on, campaign.completed_on, "公布日期", "清理完成日期")
    campaign.published_on = on
    campaign.save()
    return campaign


# -- 重大行政决策 -----------------------------------------------------------------------------------------------
@transaction.atomic
def approve_catalogue(catalogue: DecisionCatalogue, on: dt.date) -> DecisionCatalogue:
    _require(catalogue.party_approved_on is None, "目录已经同级党委同意")
    catalogue.party_approved_on = on
    catalogue.save()
    return catalogue


@transaction.atomic
def publish_catalogue(catalogue: DecisionCatalogue, on: dt.date) -> DecisionCatalogue:
    if catalogue.party_approved_on is None:
        raise rule("decision.catalogue_after_party_approval").violation(f"“{catalogue.title}”尚未经同级党委同意")
    _require(catalogue.published_on is None, "目录已经公布")
    not_before(on, catalogue.party_approved_on, "公布日期", "党委同意日期")
    catalogue.published_on = on
    catalogue.save()
    return catalogue


def _decision_open(decision: MajorDecision) -> None:
    _require(decision.status == DecisionStatus.PLANNED,
             f"决策状态为“{decision.get_status_display()}”，决策前程序已经结束")


def open_decision_consultation(decision: MajorDecision, **fields) -> Consultation:
    _decision_open(decision)
    _require(not decision.participation_exempt_reason, "已载明不公开征求意见的理由")
    return _open_consultation("decision", decision, **fields)


PROCEDURE_EXEMPTIONS = {
    "participation": ("participation_exempt_reason", "公众参与"),
    "expert": ("expert_exempt_reason", "专家论证"),
    "risk": ("risk_exempt_reason", "风险评估"),
}


@transaction.atomic
def exempt_procedure(decision: MajorDecision, procedure: str, reason: str) -> MajorDecision:
    """Record why a procedure the law requires only in some cases does not apply (依法不予公开, 非专业性事项 …)."""
    _decision_open(decision)
    field, label = PROCEDURE_EXEMPTIONS[procedure]
    _require(len((reason or "").strip()) >= 4, f"请具体说明不进行{label}的理由")
    if procedure == "participation":
        _require(not decision.consultations.exists(), "已公开征求意见，不能再载明不征求意见")
    if procedure == "expert":
        _require(decision.expert_review_on is None, "已进行专家论证")
    if procedure == "risk":
        _require(decision.risk_assessed_on is None, "已进行风险评估")
    setattr(decision, field, reason.strip())
    decision.save()
    return decision


@transaction.atomic
def record_expert_review(decision: MajorDecision, on: dt.date, experts: str, opinion: str) -> MajorDecision:
    _decision_open(decision)
    not_before(on, decision.proposed_on, "专家论证日期", "决策启动日期")
    _require(bool(experts.strip()) and bool(opinion.strip()), "须填写论证专家和论证意见")
    decision.expert_review_on, decision.expert_names, decision.expert_opinion = on, experts.strip(), opinion.strip()
    decision.expert_exempt_reason = ""
    decision.save()
    return decision


@transaction.atomic
def record_risk_assessment(decision: MajorDecision, on: dt.date, level: str, summary: str) -> MajorDecision:
    _decision_open(decision)
    not_before(on, decision.proposed_on, "风险评估日期", "决策启动日期")
    _require(bool(summary.strip()), "须填写风险评估结论")
    decision.risk_assessed_on, decision.risk_level, decision.risk_summary = on, level, summary.strip()
    decision.risk_exempt_reason = ""
    decision.save()
    return decision


@transaction.atomic
def submit_legality_review(decision: MajorDecision, on: dt.date) -> MajorDecision:
    _decision_open(decision)
    _require(decision.legality_submitted_on is None or decision.legality_passed is False, "合法性审查已在进行或已通过")
    not_before(on, decision.proposed_on, "送审日期", "决策启动日期")
    decision.legality_submitted_on, decision.legality_passed, decision.legality_reviewed_on = on, None, None
    decision.save()
    return decision


@transaction.atomic
def complete_legality_review(decision: MajorDecision, on: dt.date, reviewer: str, opinion: str, passed: bool,
                             short_reason: str = "") -> MajorDecision:
    """The review takes at least the statutory working days (条例第二十七条) unless the reason is recorded."""
    _require(decision.legality_submitted_on is not None and decision.legality_reviewed_on is None, "决策草案尚未送合法性审查")
    not_before(on, decision.legality_submitted_on, "审查完成日期", "送审日期")
    _require(bool(reviewer.strip()) and bool(opinion.strip()), "须填写审查机构（人员）和审查意见")
    version = param("decision.legality_review_min", decision.legality_submitted_on)
    used = default_calendar().workdays_between(decision.legality_submitted_on, on)
    if used < int(version.value) and not (short_reason or "").strip():
        raise rule("decision.legality_review_period").violation(
            f"审查用时{used}个工作日，少于{version.name}{version.display}"
        )
    decision.legality_reviewer, decision.legality_opinion = reviewer.strip(), opinion.strip()
    decision.legality_passed, decision.legality_reviewed_on = passed, on
    decision.legality_short_reason = (short_reason or "").strip()
    decision.save()
    return decision


@transaction.atomic
def discuss(decision: MajorDecision, *, on: dt.date, meeting: str, decided_by: str, attendees: str,
            outcome: str) -> MajorDecision:
    """集体讨论决定. Refused before a passed 合法性审查 (条例第二十五条) and while public opinions are not yet answered."""
    _decision_open(decision)
    if not decision.legality_passed:
        detail = "合法性审查未通过" if decision.legality_passed is False else (
            "合法性审查尚未完成" if decision.legality_submitted_on else "未经合法性审查")
        raise rule("decision.legality_review_before_discussion").violation(f"“{decision.title}”{detail}")
    not_before(on, decision.legality_reviewed_on, "讨论日期", "合法性审查完成日期")
    if decision.consultations.filter(feedback_published_on__isnull=True).exists():
        raise rule("decision.opinions_before_discussion").violation("意见采纳情况尚未公布")
    _require(bool(meeting.strip()) and bool(decided_by.strip()), "须填写讨论会议和作出决定的行政首长")
    decision.discussed_on, decision.meeting, decision.decided_by = on, meeting.strip(), decided_by.strip()
    decision.attendees, decision.discussion_outcome = attendees.strip(), outcome
    if outcome in ADOPTING_OUTCOMES:
        decision.status = DecisionStatus.DECIDED
    elif outcome == DiscussionOutcome.REJECTED:
        decision.status = DecisionStatus.NOT_ADOPTED
    decision.save()
    return decision


@transaction.atomic
def publish_decision(decision: MajorDecision, on: dt.date, channel: str) -> MajorDecision:
    if decision.status != DecisionStatus.DECIDED:
        raise rule("decision.publish_after_decision").violation(f"“{decision.title}”{decision.get_status_display()}")
    not_before(on, decision.discussed_on, "公布日期", "集体讨论日期")
    _require(bool(channel.strip()), "须填写公布渠道")
    decision.published_on, decision.publication_channel, decision.status = on, channel.strip(), DecisionStatus.PUBLISHED
    decision.save()
    return decision


@transaction.atomic
def evaluate_decision(decision: MajorDecision, on: dt.date, evaluator: str, summary: str) -> MajorDecision:
    _require(decision.status == DecisionStatus.PUBLISHED, "决策公布实施后方可进行后评估")
    not_before(on, decision.published_on, "评估日期", "决策公布日期")
    _require(bool(evaluator.strip()) and bool(summary.strip()), "须填写评估机构和评估结论")
    decision.evaluated_on, decision.evaluator, decision.evaluation_summary = on, evaluator.strip(), summary.strip()
    decision.save()
    return decision


# -- 合法性审查 of other matters ---------------------------------------------------------------------------------
def workdays_taken(start: dt.date, end: dt.date) -> int | None:
    try:
        return default_calendar().workdays_between(start, end)
    except CalendarDataMissing:
        return None


def check_adviser(adviser: LegalAdviser, unit, on: dt.date) -> None:
    if not adviser.under_contract(on):
        raise rule("decision.adviser_under_contract").violation(
            f"{adviser.name}的聘期为{adviser.contract_start:%Y年%m月%d日}至{adviser.contract_end:%Y年%m月%d日}"
        )
    if not adviser.serves(unit):
        raise rule("decision.adviser_under_contract").violation(f"{adviser.name}不是{unit.name}的法律顾问")


@transaction.atomic
def give_opinion(review: LegalityReview, *, on: dt.date, reviewer_kind: str, reviewer_name: str, opinion: str,
                 conclusion: str, adviser: LegalAdviser | None = None) -> LegalityReview:
    _require(review.status == ReviewStatus.REQUESTED, f"当前状态为“{review.get_status_display()}”，不能出具意见")
    not_before(on, review.requested_on, "出具意见日期", "送审日期")
    _require(bool(opinion.strip()), "须填写审查意见")
    if reviewer_kind == ReviewerKind.ADVISER:
        _require(adviser is not None, "由法律顾问审查的，须选择法律顾问")
        check_adviser(adviser, review.unit, on)
        reviewer_name = reviewer_name.strip() or adviser.name
    else:
        adviser = None
    _require(bool(reviewer_name.strip()), "须填写审查人")
    review.reviewer_kind, review.adviser, review.reviewer_name = reviewer_kind, adviser, reviewer_name.strip()
    review.opinion, review.conclusion, review.opinion_on = opinion.strip(), conclusion, on
    review.workdays_taken = workdays_taken(review.requested_on, on)
    review.status = ReviewStatus.OPINION_GIVEN
    review.save()
    return review


@transaction.atomic
def close_review(review: LegalityReview, on: dt.date, adoption: str) -> LegalityReview:
    _require(review.status == ReviewStatus.OPINION_GIVEN, "尚未出具审查意见，不能办结")
    not_before(on, review.opinion_on, "办结日期", "出具意见日期")
    review.adoption, review.closed_on, review.status = adoption, on, ReviewStatus.CLOSED
    review.save()
    return review
