"""Rules of 制度建设与依法决策 as workflow steps: each step of a normative document, a public consultation, a
clean-up campaign, a decision catalogue, a major decision and a legality review. A refused move names the rule
it breaks.

Every step is a locked `@step` (fazhi.core.steps): it re-reads its row under a lock, refuses a row in the recycle
bin, and labels the history record. A step that does not fit the row's current state (already done, moved on,
one already running) raises StateConflict (HTTP 409); any other refusal is a ValidationError naming the rule
(HTTP 400). The steps of a normative document are split in two, like the 政务服务 steps: a pure `check_*` that
validates the move against the row's fields and makes it in memory (the Excel import replays these on rows it
has not written yet), and the step that loads what the check needs, calls it and saves. Derived values (备案期限,
按时备案, 审查用时) come from deadlines.py through the models' save.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Max, Q

from fazhi.core.steps import StateConflict, lock, step
from fazhi.law.params import rule
from fazhi.law.steps import not_before

from .choices import (
    ADOPTING_OUTCOMES,
    CleanupOutcomeKind,
    DecisionStatus,
    DiscussionOutcome,
    DocumentStatus,
    ReviewerKind,
    ReviewStatus,
)
from .deadlines import derive_document, legality_review_shortfall, validity_limit, workdays_taken
from .models import (
    CleanupCampaign,
    CleanupItem,
    Consultation,
    DecisionCatalogue,
    LegalAdviser,
    LegalityReview,
    MajorDecision,
    NormativeDocument,
    PublicComment,
    in_force_q,
)

S = DocumentStatus
DRAFTS = (S.DRAFTING, S.REVIEW_FAILED)
PUBLIC = (S.PUBLISHED, S.REPEALED, S.INVALIDATED)


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise ValidationError(message)


def _status_conflict(record, what: str) -> StateConflict:
    return StateConflict(f"当前状态为“{record.get_status_display()}”，不能{what}")


# -- public comment --------------------------------------------------------------------------------------------
def _open_consultation(
    subject_field: str, subject, *, title, draft_text, starts_on, ends_on, explanation="", short_reason=""
) -> Consultation:
    """A new comment period on the (locked) subject; refused while one is still running."""
    if subject.consultations.filter(ends_on__gte=starts_on).exists():
        raise StateConflict("已有尚未结束的征求意见，不能重复发起")
    consultation = Consultation(
        unit=subject.unit,
        title=title,
        draft_text=draft_text,
        explanation=explanation,
        starts_on=starts_on,
        ends_on=ends_on,
        short_reason=short_reason,
        **{subject_field: subject},
    )
    consultation.full_clean()
    consultation.save()
    subject.save()  # the subject's history records the step
    return consultation


def comments_open(consultation: Consultation, now: dt.date) -> None:
    if now < consultation.starts_on:
        raise ValidationError(f"征求意见尚未开始（{consultation.starts_on:%Y年%m月%d日}开始）")
    if now > consultation.ends_on:
        raise ValidationError(f"征求意见已于{consultation.ends_on:%Y年%m月%d日}截止，不再接收意见")


@step("提交公众意见")
def submit_comment(
    consultation: Consultation, *, content: str, name: str = "", contact: str = "", client_hash: str = "", on: dt.date
) -> PublicComment:
    comments_open(consultation, on)
    if consultation.feedback_published_on is not None:
        raise StateConflict("意见采纳情况已经公布，不再接收意见")
    content = (content or "").strip()
    _require(bool(content), "请填写意见内容")
    return PublicComment.objects.create(
        consultation=consultation,
        content=content,
        name=name.strip(),
        contact=contact.strip(),
        client_hash=client_hash,
    )


@step("意见采纳处理", parent="consultation")
def answer_comment(comment: PublicComment, adopted: bool, reply: str) -> PublicComment:
    if comment.consultation.feedback_published_on is not None:
        raise StateConflict("意见采纳情况已经公布，不能再作采纳处理")
    if comment.adopted is not None:
        raise StateConflict(f"该意见已作采纳处理（{'采纳' if comment.adopted else '未采纳'}）")
    _require(bool((reply or "").strip()) or adopted, "未采纳的意见应当说明理由")
    comment.adopted, comment.reply = adopted, (reply or "").strip()
    comment.save()
    return comment


@step("公布意见采纳情况")
def publish_feedback(consultation: Consultation, on: dt.date, feedback: str) -> Consultation:
    """Publish how the opinions were taken up; only once the period is over, and only once. For a decision,
    public participation is complete on the day the (latest) feedback is published."""
    if consultation.feedback_published_on is not None:
        raise StateConflict(f"意见采纳情况已经公布（{consultation.feedback_published_on:%Y年%m月%d日}）")
    if on <= consultation.ends_on:
        raise ValidationError(f"征求意见期至{consultation.ends_on:%Y年%m月%d日}，期满后方可公布意见采纳情况")
    _require(bool((feedback or "").strip()), "请填写意见采纳情况")
    pending = consultation.comments.filter(adopted__isnull=True).count()
    _require(pending == 0, f"尚有{pending}条意见未作采纳处理")
    consultation.feedback, consultation.feedback_published_on = feedback.strip(), on
    consultation.save()
    if consultation.decision_id:
        decision = lock(consultation.decision)
        if decision.deleted_at is not None:
            raise StateConflict("该征求意见所属的重大行政决策已在回收站中")
        decision.participation_completed_on = max(on, decision.participation_completed_on or on)
        decision._change_reason = "公布意见采纳情况"
        decision.save()
    return consultation


# -- 行政规范性文件: pure checks (no database) ------------------------------------------------------------------
def check_submit_review(document: NormativeDocument, on: dt.date) -> None:
    if document.status not in DRAFTS:
        raise StateConflict(f"文件状态为“{document.get_status_display()}”，不能送合法性审核")
    if document.status == S.REVIEW_FAILED:
        not_before(on, document.reviewed_on, "送审日期", "上次审核完成日期")
    document.status, document.review_submitted_on, document.review_passed = S.REVIEWING, on, None


def check_complete_review(document: NormativeDocument, on: dt.date, reviewer: str, opinion: str, passed: bool) -> None:
    if document.status != S.REVIEWING:
        raise StateConflict(
            "文件尚未送合法性审核"
            if document.status == S.DRAFTING
            else f"文件状态为“{document.get_status_display()}”，不在合法性审核中"
        )
    not_before(on, document.review_submitted_on, "审核完成日期", "送审日期")
    reviewer, opinion = (reviewer or "").strip(), (opinion or "").strip()
    _require(bool(reviewer) and bool(opinion), "须填写审核机构（人员）和审核意见")
    document.reviewer, document.review_opinion, document.review_passed, document.reviewed_on = (
        reviewer,
        opinion,
        passed,
        on,
    )
    document.status = S.REVIEW_PASSED if passed else S.REVIEW_FAILED


def check_consultations(document: NormativeDocument, consultations, on: dt.date) -> None:
    """No deliberation while a comment period runs; a document touching market entities needs one that has ended."""
    running = [c for c in consultations if c.ends_on >= on]
    market = document.affects_market and not document.consultation_exempt_reason.strip()
    if running:
        detail = f"征求意见期至{running[0].ends_on:%Y年%m月%d日}，尚未届满"
        if market:
            raise rule("normative.market_consultation").violation(detail)
        raise ValidationError(f"{detail}，不能提交审议")
    if market and not consultations:
        raise rule("normative.market_consultation").violation("该文件未公开征求意见，也未载明不公开征求意见的理由")


def check_deliberate(document: NormativeDocument, on: dt.date, meeting: str, consultations=None) -> None:
    """集体审议: refused before a passed 合法性审核 (国办发〔2018〕115号) and, for documents touching market
    entities, before the public comment period has ended. `consultations`: the document's comment periods, or
    None for a document whose consultation is not kept here (the import of documents already published)."""
    if document.status in (S.DELIBERATED, *PUBLIC):
        raise StateConflict(f"文件状态为“{document.get_status_display()}”，不能再集体审议")
    if document.status != S.REVIEW_PASSED or not document.review_passed:
        detail = "审核未通过" if document.review_passed is False else "尚未完成合法性审核"
        raise rule("normative.publish_after_review").violation(f"“{document.title}”{detail}")
    not_before(on, document.reviewed_on, "审议日期", "合法性审核完成日期")
    meeting = (meeting or "").strip()
    _require(bool(meeting), "须填写审议会议")
    if consultations is not None:
        check_consultations(document, list(consultations), on)
    document.deliberated_on, document.meeting, document.status = on, meeting, S.DELIBERATED


def check_publish(
    document: NormativeDocument,
    *,
    number: str,
    published_on: dt.date,
    effective_from: dt.date,
    valid_until: dt.date | None = None,
) -> None:
    if document.status in PUBLIC:
        raise StateConflict(f"文件状态为“{document.get_status_display()}”，不能公布")
    if not document.review_passed:
        detail = "审核未通过" if document.review_passed is False else "尚未完成合法性审核"
        raise rule("normative.publish_after_review").violation(f"“{document.title}”{detail}")
    if document.status != S.DELIBERATED:
        if document.status == S.REVIEW_PASSED:
            raise rule("normative.publish_after_deliberation").violation(f"“{document.title}”尚未经集体审议")
        raise StateConflict(f"文件状态为“{document.get_status_display()}”，不能公布")
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
    if valid_until < effective_from:
        raise ValidationError("有效期截止日期不能早于施行日期", code="validity_before_effect")
    number = (number or "").strip()
    _require(bool(number), "须填写文号")
    document.number, document.published_on = number, published_on
    document.effective_from, document.valid_until = effective_from, valid_until
    document.status = S.PUBLISHED
    derive_document(document)


def check_file(document: NormativeDocument, filed_on: dt.date, filing_body: str) -> None:
    """报送备案: only a published document, once; a filing after the 备案期限 is recorded and flagged late."""
    if document.filed_on:
        raise StateConflict(f"该文件已于{document.filed_on:%Y年%m月%d日}报送备案")
    if document.published_on is None:
        raise rule("normative.file_after_publication").violation(f"“{document.title}”尚未公布")
    if document.status != S.PUBLISHED:
        raise StateConflict(f"文件状态为“{document.get_status_display()}”，不能报送备案")
    _require(document.filing_required, "该文件无须报送备案")
    if filed_on < document.published_on:
        raise rule("normative.file_after_publication").violation(
            f"报送备案日期不能早于公布日期（{document.published_on:%Y年%m月%d日}）"
        )
    filing_body = (filing_body or "").strip()
    _require(bool(filing_body), "须填写备案机关")
    document.filed_on, document.filing_body = filed_on, filing_body
    derive_document(document)


def check_evaluate(document: NormativeDocument, on: dt.date, kind: str, conclusion: str, report: str) -> None:
    if document.status != S.PUBLISHED:
        raise StateConflict(f"文件状态为“{document.get_status_display()}”：只能评估已公布且未废止的文件")
    not_before(on, document.effective_from, "评估日期", "施行日期")
    report = (report or "").strip()
    _require(bool(report), "须填写评估情况")
    document.evaluated_on, document.evaluation_kind = on, kind
    document.evaluation_conclusion, document.evaluation_report = conclusion, report


# -- 行政规范性文件: locked steps --------------------------------------------------------------------------------
@step("公开征求意见")
def open_document_consultation(document: NormativeDocument, **fields) -> Consultation:
    if document.status not in DRAFTS:
        raise StateConflict(f"文件状态为“{document.get_status_display()}”，不能再公开征求意见")
    return _open_consultation("document", document, **fields)


@step("送合法性审核")
def submit_for_review(document: NormativeDocument, on: dt.date) -> NormativeDocument:
    check_submit_review(document, on)
    document.save()
    return document


@step("合法性审核意见")
def complete_review(
    document: NormativeDocument, on: dt.date, reviewer: str, opinion: str, passed: bool
) -> NormativeDocument:
    check_complete_review(document, on, reviewer, opinion, passed)
    document.save()
    return document


@step("集体审议")
def deliberate(document: NormativeDocument, on: dt.date, meeting: str) -> NormativeDocument:
    check_deliberate(document, on, meeting, consultations=document.consultations.all())
    document.save()
    return document


@step("公布")
def publish_document(
    document: NormativeDocument,
    *,
    number: str,
    published_on: dt.date,
    effective_from: dt.date,
    valid_until: dt.date | None = None,
) -> NormativeDocument:
    check_publish(
        document, number=number, published_on=published_on, effective_from=effective_from, valid_until=valid_until
    )
    if NormativeDocument.all_objects.filter(number=document.number).exclude(pk=document.pk).exists():
        raise ValidationError(f"文号“{document.number}”已被其他文件使用")
    document.save()
    return document


@step("报送备案")
def file_document(document: NormativeDocument, filed_on: dt.date, filing_body: str) -> NormativeDocument:
    check_file(document, filed_on, filing_body)
    document.save()
    return document


@step("评估")
def evaluate_document(
    document: NormativeDocument, on: dt.date, kind: str, conclusion: str, report: str
) -> NormativeDocument:
    check_evaluate(document, on, kind, conclusion, report)
    document.save()
    return document


def expiring_documents(day: dt.date):
    """In force, past the date the expiry evaluation should start, and not yet evaluated: the reminder list."""
    return NormativeDocument.objects.filter(in_force_q(day), evaluation_due_on__lte=day, evaluated_on__isnull=True)


def filing_overdue_documents(day: dt.date):
    """Filed late (flagged at filing), or still unfiled past the 备案期限 on `day`."""
    return NormativeDocument.objects.filter(
        Q(filed_on__isnull=True, filing_due_on__lt=day) | Q(filed_on_time=False),
        status__in=PUBLIC,
        filing_required=True,
    )


def search_in_force(queryset, term: str, day: dt.date):
    """Full-text search of documents in force: a case-insensitive match on number, title and body. One code path
    on SQLite and PostgreSQL; the corpus (a few thousand documents) is small enough for a scan."""
    qs = queryset.filter(in_force_q(day))
    for word in (term or "").split():
        qs = qs.filter(Q(title__icontains=word) | Q(body__icontains=word) | Q(number__icontains=word))
    return qs


# -- 清理 ------------------------------------------------------------------------------------------------------
def _require_campaign_open(campaign: CleanupCampaign, refusal: str) -> None:
    if campaign.completed_on is not None:
        raise StateConflict(f"清理已于{campaign.completed_on:%Y年%m月%d日}完成，{refusal}")


@step("列入现行有效文件")
def add_documents_in_force(campaign: CleanupCampaign) -> int:
    """Put every document in force on the start day, in the campaign unit's subtree, on the campaign's list."""
    from fazhi.org.models import Unit

    _require_campaign_open(campaign, "不能再增加文件")
    units = Unit.objects.filter(path__startswith=campaign.unit.path).values("pk")
    listed = campaign.items.values("document_id")
    documents = NormativeDocument.objects.filter(in_force_q(campaign.started_on), unit__in=units).exclude(pk__in=listed)
    items = [CleanupItem(campaign=campaign, document=document) for document in documents]
    CleanupItem.objects.bulk_create(items)
    campaign.save()  # the history records the step
    return len(items)


def check_cleanup_outcome(item: CleanupItem, campaign: CleanupCampaign, outcome: str, reason: str, on: dt.date) -> None:
    _require_campaign_open(campaign, "结论不能再修改")
    if outcome not in CleanupOutcomeKind.values:
        raise ValidationError(f"“{outcome}”不是清理结论的可选值")
    reason = (reason or "").strip()
    if not reason:
        raise rule("normative.cleanup_every_document").violation(f"“{item.document.title}”的清理结论未说明理由")
    not_before(on, campaign.started_on, "结论日期", "清理开始日期")
    item.outcome, item.reason, item.decided_on = outcome, reason, on


@step("作出清理结论", parent="campaign")
def record_cleanup_outcome(item: CleanupItem, outcome: str, reason: str, on: dt.date) -> CleanupItem:
    check_cleanup_outcome(item, item.campaign, outcome, reason, on)
    item.save()
    return item


@step("其余文件统一作出结论")
def record_remaining_outcomes(campaign: CleanupCampaign, outcome: str, reason: str, on: dt.date) -> int:
    """The same outcome and reason for every listed document still without one."""
    _require_campaign_open(campaign, "结论不能再修改")
    items = list(campaign.items.filter(outcome="").select_related("document"))
    if not items:
        raise StateConflict("清理清单中没有待作结论的文件")
    for item in items:
        check_cleanup_outcome(item, campaign, outcome, reason, on)
    CleanupItem.objects.bulk_update(items, ["outcome", "reason", "decided_on"], batch_size=500)
    campaign.save()  # the history records the step
    return len(items)


@step("完成清理")
def complete_cleanup(campaign: CleanupCampaign, on: dt.date) -> CleanupCampaign:
    """Close a campaign: refused while any listed document lacks an outcome; repeals and invalidations take effect."""
    _require_campaign_open(campaign, "不能再次完成")
    _require(campaign.items.exists(), "清理清单为空，请先列入文件")
    pending = list(campaign.items.filter(outcome="").select_related("document")[:5])
    if pending:
        count = campaign.items.filter(outcome="").count()
        names = "、".join(f"“{i.document.title}”" for i in pending)
        raise rule("normative.cleanup_every_document").violation(f"尚有{count}件文件未作结论（{names}等）")
    not_before(on, campaign.started_on, "完成日期", "清理开始日期")
    not_before(on, campaign.items.aggregate(last=Max("decided_on"))["last"], "完成日期", "最后一项清理结论日期")
    ending = {CleanupOutcomeKind.REPEAL: S.REPEALED, CleanupOutcomeKind.INVALIDATE: S.INVALIDATED}
    reasons = {}
    for item in campaign.items.filter(outcome__in=list(ending)):
        reasons[item.document_id] = item
    documents = NormativeDocument.all_objects.select_for_update().filter(pk__in=list(reasons), status=S.PUBLISHED)
    for document in documents.order_by("pk"):
        item = reasons[document.pk]
        document.status, document.ended_on, document.end_reason = ending[item.outcome], on, item.reason
        document._change_reason = f"{campaign.title}：{item.get_outcome_display()}"
        document.save()
    campaign.completed_on = on
    campaign.save()
    return campaign


@step("公布清理结果")
def publish_cleanup(campaign: CleanupCampaign, on: dt.date) -> CleanupCampaign:
    if campaign.completed_on is None:
        raise StateConflict("清理完成后方可公布结果")
    if campaign.published_on is not None:
        raise StateConflict(f"清理结果已经公布（{campaign.published_on:%Y年%m月%d日}）")
    not_before(on, campaign.completed_on, "公布日期", "清理完成日期")
    campaign.published_on = on
    campaign.save()
    return campaign


# -- 重大行政决策 -----------------------------------------------------------------------------------------------
@step("同级党委同意")
def approve_catalogue(catalogue: DecisionCatalogue, on: dt.date) -> DecisionCatalogue:
    if catalogue.party_approved_on is not None:
        raise StateConflict(f"目录已经同级党委同意（{catalogue.party_approved_on:%Y年%m月%d日}）")
    catalogue.party_approved_on = on
    catalogue.save()
    return catalogue


@step("公布目录")
def publish_catalogue(catalogue: DecisionCatalogue, on: dt.date) -> DecisionCatalogue:
    if catalogue.published_on is not None:
        raise StateConflict(f"目录已经公布（{catalogue.published_on:%Y年%m月%d日}）")
    if catalogue.party_approved_on is None:
        raise rule("decision.catalogue_after_party_approval").violation(f"“{catalogue.title}”尚未经同级党委同意")
    not_before(on, catalogue.party_approved_on, "公布日期", "党委同意日期")
    catalogue.published_on = on
    catalogue.save()
    return catalogue


def _decision_open(decision: MajorDecision) -> None:
    if decision.status != DecisionStatus.PLANNED:
        raise StateConflict(f"决策状态为“{decision.get_status_display()}”，决策前程序已经结束")


@step("公开征求意见")
def open_decision_consultation(decision: MajorDecision, **fields) -> Consultation:
    _decision_open(decision)
    if decision.participation_exempt_reason.strip():
        raise StateConflict("已载明不公开征求意见的理由")
    return _open_consultation("decision", decision, **fields)


PROCEDURE_EXEMPTIONS = {
    "participation": ("participation_exempt_reason", "公众参与"),
    "expert": ("expert_exempt_reason", "专家论证"),
    "risk": ("risk_exempt_reason", "风险评估"),
}


@step("载明程序不适用的理由")
def exempt_procedure(decision: MajorDecision, procedure: str, reason: str) -> MajorDecision:
    """Record why a procedure the law requires only in some cases does not apply (依法不予公开, 非专业性事项 …)."""
    _decision_open(decision)
    try:
        field, label = PROCEDURE_EXEMPTIONS[procedure]
    except KeyError:
        raise ValidationError(f"“{procedure}”不是可载明不适用的程序") from None
    if procedure == "participation" and decision.consultations.exists():
        raise StateConflict("已公开征求意见，不能再载明不征求意见")
    if procedure == "expert" and decision.expert_review_on is not None:
        raise StateConflict("已进行专家论证")
    if procedure == "risk" and decision.risk_assessed_on is not None:
        raise StateConflict("已进行风险评估")
    _require(len((reason or "").strip()) >= 4, f"请具体说明不进行{label}的理由")
    setattr(decision, field, reason.strip())
    decision.save()
    return decision


@step("专家论证")
def record_expert_review(decision: MajorDecision, on: dt.date, experts: str, opinion: str) -> MajorDecision:
    _decision_open(decision)
    if decision.expert_review_on is not None:
        raise StateConflict(f"已于{decision.expert_review_on:%Y年%m月%d日}进行专家论证")
    not_before(on, decision.proposed_on, "专家论证日期", "决策启动日期")
    experts, opinion = (experts or "").strip(), (opinion or "").strip()
    _require(bool(experts) and bool(opinion), "须填写论证专家和论证意见")
    decision.expert_review_on, decision.expert_names, decision.expert_opinion = on, experts, opinion
    decision.expert_exempt_reason = ""
    decision.save()
    return decision


@step("风险评估")
def record_risk_assessment(decision: MajorDecision, on: dt.date, level: str, summary: str) -> MajorDecision:
    _decision_open(decision)
    if decision.risk_assessed_on is not None:
        raise StateConflict(f"已于{decision.risk_assessed_on:%Y年%m月%d日}进行风险评估")
    not_before(on, decision.proposed_on, "风险评估日期", "决策启动日期")
    summary = (summary or "").strip()
    _require(bool(summary), "须填写风险评估结论")
    decision.risk_assessed_on, decision.risk_level, decision.risk_summary = on, level, summary
    decision.risk_exempt_reason = ""
    decision.save()
    return decision


@step("送合法性审查")
def submit_legality_review(decision: MajorDecision, on: dt.date) -> MajorDecision:
    _decision_open(decision)
    if decision.legality_submitted_on is not None and decision.legality_passed is not False:
        raise StateConflict("合法性审查已在进行或已通过")
    not_before(on, decision.proposed_on, "送审日期", "决策启动日期")
    not_before(on, decision.legality_reviewed_on, "送审日期", "上次合法性审查完成日期")
    decision.legality_submitted_on, decision.legality_passed, decision.legality_reviewed_on = on, None, None
    decision.save()
    return decision


@step("合法性审查意见")
def complete_legality_review(
    decision: MajorDecision, on: dt.date, reviewer: str, opinion: str, passed: bool, short_reason: str = ""
) -> MajorDecision:
    """The review takes at least the statutory working days (条例第二十七条) unless the reason is recorded."""
    _decision_open(decision)
    if decision.legality_submitted_on is None or decision.legality_reviewed_on is not None:
        raise StateConflict("决策草案尚未送合法性审查")
    not_before(on, decision.legality_submitted_on, "审查完成日期", "送审日期")
    reviewer, opinion, short_reason = (reviewer or "").strip(), (opinion or "").strip(), (short_reason or "").strip()
    _require(bool(reviewer) and bool(opinion), "须填写审查机构（人员）和审查意见")
    shortfall = legality_review_shortfall(decision.legality_submitted_on, on)
    if shortfall and not short_reason:
        used, version = shortfall
        raise rule("decision.legality_review_period").violation(
            f"审查用时{used}个工作日，少于{version.name}{version.display}"
        )
    decision.legality_reviewer, decision.legality_opinion = reviewer, opinion
    decision.legality_passed, decision.legality_reviewed_on = passed, on
    decision.legality_short_reason = short_reason
    decision.save()
    return decision


@step("集体讨论决定")
def discuss(
    decision: MajorDecision, *, on: dt.date, meeting: str, decided_by: str, attendees: str, outcome: str
) -> MajorDecision:
    """集体讨论决定. Refused before a passed 合法性审查 (条例第二十五条), before public participation, expert
    argument and risk assessment are each done or recorded as not applicable, and while public opinions are not
    yet answered."""
    _decision_open(decision)
    if not decision.legality_passed:
        detail = (
            "合法性审查未通过"
            if decision.legality_passed is False
            else ("合法性审查尚未完成" if decision.legality_submitted_on else "未经合法性审查")
        )
        raise rule("decision.legality_review_before_discussion").violation(f"“{decision.title}”{detail}")
    not_before(on, decision.legality_reviewed_on, "讨论日期", "合法性审查完成日期")
    if decision.consultations.filter(feedback_published_on__isnull=True).exists():
        raise rule("decision.opinions_before_discussion").violation("意见采纳情况尚未公布")
    missing = decision.missing_procedures()
    if missing:
        # The ledger records either each procedure or why it does not apply.
        raise rule("decision.procedures_before_discussion").violation(
            f"“{decision.title}”尚未{'、'.join(missing)}，也未载明不适用的理由"
        )
    not_before(on, decision.participation_completed_on, "讨论日期", "公众参与完成日期")
    for done, label in ((decision.expert_review_on, "专家论证日期"), (decision.risk_assessed_on, "风险评估日期")):
        not_before(on, done, "讨论日期", label)
    meeting, decided_by = (meeting or "").strip(), (decided_by or "").strip()
    _require(bool(meeting) and bool(decided_by), "须填写讨论会议和作出决定的行政首长")
    if outcome not in DiscussionOutcome.values:
        raise ValidationError(f"“{outcome}”不是讨论结果的可选值")
    decision.discussed_on, decision.meeting, decision.decided_by = on, meeting, decided_by
    decision.attendees, decision.discussion_outcome = (attendees or "").strip(), outcome
    if outcome in ADOPTING_OUTCOMES:
        decision.status = DecisionStatus.DECIDED
    elif outcome == DiscussionOutcome.REJECTED:
        decision.status = DecisionStatus.NOT_ADOPTED
    decision.save()
    return decision


@step("公布决策")
def publish_decision(decision: MajorDecision, on: dt.date, channel: str) -> MajorDecision:
    if decision.status == DecisionStatus.PUBLISHED:
        raise StateConflict(f"决策已于{decision.published_on:%Y年%m月%d日}公布")
    if decision.status != DecisionStatus.DECIDED:
        raise rule("decision.publish_after_decision").violation(f"“{decision.title}”{decision.get_status_display()}")
    not_before(on, decision.discussed_on, "公布日期", "集体讨论日期")
    channel = (channel or "").strip()
    _require(bool(channel), "须填写公布渠道")
    decision.published_on, decision.publication_channel, decision.status = on, channel, DecisionStatus.PUBLISHED
    decision.save()
    return decision


@step("决策后评估")
def evaluate_decision(decision: MajorDecision, on: dt.date, evaluator: str, summary: str) -> MajorDecision:
    if decision.status != DecisionStatus.PUBLISHED:
        raise StateConflict(f"决策状态为“{decision.get_status_display()}”：决策公布实施后方可进行后评估")
    if decision.evaluated_on is not None:
        raise StateConflict(f"已于{decision.evaluated_on:%Y年%m月%d日}进行决策后评估")
    not_before(on, decision.published_on, "评估日期", "决策公布日期")
    evaluator, summary = (evaluator or "").strip(), (summary or "").strip()
    _require(bool(evaluator) and bool(summary), "须填写评估机构和评估结论")
    decision.evaluated_on, decision.evaluator, decision.evaluation_summary = on, evaluator, summary
    decision.save()
    return decision


# -- 合法性审查 of other matters ---------------------------------------------------------------------------------
def check_adviser(adviser: LegalAdviser, unit, on: dt.date) -> None:
    if not adviser.under_contract(on):
        raise rule("decision.adviser_under_contract").violation(
            f"{adviser.name}的聘期为{adviser.contract_start:%Y年%m月%d日}至{adviser.contract_end:%Y年%m月%d日}"
        )
    if not adviser.serves(unit):
        raise rule("decision.adviser_under_contract").violation(f"{adviser.name}不是{unit.name}的法律顾问")


@step("出具审查意见")
def give_opinion(
    review: LegalityReview,
    *,
    on: dt.date,
    reviewer_kind: str,
    reviewer_name: str,
    opinion: str,
    conclusion: str,
    adviser: LegalAdviser | None = None,
) -> LegalityReview:
    if review.status != ReviewStatus.REQUESTED:
        raise _status_conflict(review, "出具意见")
    not_before(on, review.requested_on, "出具意见日期", "送审日期")
    taken = workdays_taken(review.requested_on, on)
    _, most = connection.ops.integer_field_range("PositiveSmallIntegerField")
    _require(taken is None or taken <= most, "出具意见日期与送审日期相隔过远，请核对日期")
    opinion, reviewer_name = (opinion or "").strip(), (reviewer_name or "").strip()
    _require(bool(opinion), "须填写审查意见")
    if reviewer_kind == ReviewerKind.ADVISER:
        _require(adviser is not None, "由法律顾问审查的，须选择法律顾问")
        check_adviser(adviser, review.unit, on)
        reviewer_name = reviewer_name or adviser.name
    else:
        adviser = None
    _require(bool(reviewer_name), "须填写审查人")
    review.reviewer_kind, review.adviser, review.reviewer_name = reviewer_kind, adviser, reviewer_name
    review.opinion, review.conclusion, review.opinion_on = opinion, conclusion, on
    review.status = ReviewStatus.OPINION_GIVEN
    review.save()  # derives the working days taken
    return review


@step("办结")
def close_review(review: LegalityReview, on: dt.date, adoption: str) -> LegalityReview:
    if review.status != ReviewStatus.OPINION_GIVEN:
        raise StateConflict(
            "尚未出具审查意见，不能办结"
            if review.status == ReviewStatus.REQUESTED
            else f"当前状态为“{review.get_status_display()}”，不能办结"
        )
    not_before(on, review.opinion_on, "办结日期", "出具意见日期")
    review.adoption, review.closed_on, review.status = adoption, on, ReviewStatus.CLOSED
    review.save()
    return review
