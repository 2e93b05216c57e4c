"""What must hold of the 制度建设与依法决策 ledgers, whatever road wrote them (see fazhi.core.invariants).

Each function yields the offending rows (with a detail where it helps); `fazhi check` runs them all. They read
`all_objects` (the recycle bin included) and are database queries, except where a date must be recomputed
through the law's parameters and the 工作日 calendar (deadlines.py, the functions the steps use).
"""

from __future__ import annotations

from types import SimpleNamespace

from django.core.exceptions import ValidationError
from django.db.models import Exists, F, Max, OuterRef, Q, Subquery

from fazhi.core.invariants import flag_disagrees, invariant, recomputed_differs
from fazhi.law.calendar import default_calendar

from .choices import (
    ADOPTING_OUTCOMES,
    AdviserKind,
    CleanupOutcomeKind,
    DecisionStatus,
    DiscussionOutcome,
    DocumentStatus,
    LegislationStage,
    ReviewerKind,
    ReviewStatus,
)
from .deadlines import comment_minimum_end, derive_document, legality_review_shortfall, validity_limit, workdays_taken
from .models import (
    CleanupCampaign,
    CleanupItem,
    Consultation,
    DecisionCatalogue,
    LegalAdviser,
    LegalityReview,
    LegislationProject,
    MajorDecision,
    NormativeDocument,
    PublicComment,
)

S = DocumentStatus
PUBLIC = [S.PUBLISHED, S.REPEALED, S.INVALIDATED]
ENDED = [S.REPEALED, S.INVALIDATED]


def day(value) -> str:
    return f"{value:%Y-%m-%d}" if value else "—"


# -- 行政规范性文件 ---------------------------------------------------------------------------------------------
@invariant(
    "normative-documents",
    "规范性文件的状态与各步骤一致：送审、审核结论、集体审议、公布、废止（失效）各有其日期和结果；"
    "公布前没有文号、公布、施行、有效期、备案、评估和废止的记录",
)
def document_status_matches_steps():
    publication = (
        Q(published_on__isnull=False)
        | ~Q(number="")
        | Q(effective_from__isnull=False)
        | Q(valid_until__isnull=False)
        | Q(filed_on__isnull=False)
        | Q(evaluated_on__isnull=False)
    )
    before_publication = publication | Q(ended_on__isnull=False)
    not_passed = ~Q(review_passed=True)
    published = (
        not_passed
        | Q(reviewed_on__isnull=True)
        | Q(deliberated_on__isnull=True)
        | Q(published_on__isnull=True)
        | Q(number="")
        | Q(effective_from__isnull=True)
        | Q(valid_until__isnull=True)
    )
    rows = NormativeDocument.all_objects.filter(
        Q(status=S.DRAFTING)
        & (
            Q(review_submitted_on__isnull=False)
            | Q(reviewed_on__isnull=False)
            | Q(review_passed__isnull=False)
            | Q(deliberated_on__isnull=False)
            | before_publication
        )
        | Q(status=S.REVIEWING)
        & (
            Q(review_submitted_on__isnull=True)
            | Q(review_passed__isnull=False)
            | Q(deliberated_on__isnull=False)
            | before_publication
        )
        | Q(status=S.REVIEW_FAILED)
        & (Q(reviewed_on__isnull=True) | ~Q(review_passed=False) | Q(deliberated_on__isnull=False) | before_publication)
        | Q(status=S.REVIEW_PASSED)
        & (Q(reviewed_on__isnull=True) | not_passed | Q(deliberated_on__isnull=False) | before_publication)
        | Q(status=S.DELIBERATED) & (not_passed | Q(deliberated_on__isnull=True) | Q(meeting="") | before_publication)
        | Q(status=S.PUBLISHED) & (published | Q(ended_on__isnull=False))
        | Q(status__in=ENDED) & (published | Q(ended_on__isnull=True))
        | Q(reviewed_on__isnull=False, reviewer="")
    )
    for doc in rows.order_by("pk"):
        yield (
            doc,
            (
                f"状态“{doc.get_status_display()}”，送审{day(doc.review_submitted_on)}，审核{day(doc.reviewed_on)}"
                f"（{'通过' if doc.review_passed else '未通过' if doc.review_passed is False else '无结论'}），"
                f"审议{day(doc.deliberated_on)}，公布{day(doc.published_on)}，文号“{doc.number}”，废止{day(doc.ended_on)}"
            ),
        )


@invariant(
    "normative-documents",
    "规范性文件步骤日期顺序：审核不早于送审，审议不早于审核，公布不早于审议，施行不早于公布，"
    "有效期截止不早于施行，备案不早于公布，评估不早于施行，废止不早于公布",
)
def document_dates_in_order():
    rows = NormativeDocument.all_objects.filter(
        Q(reviewed_on__lt=F("review_submitted_on")) & ~Q(status=S.REVIEWING)  # a resubmission follows a failed review
        | Q(deliberated_on__lt=F("reviewed_on"))
        | Q(published_on__lt=F("deliberated_on"))
        | Q(effective_from__lt=F("published_on"))
        | Q(valid_until__lt=F("effective_from"))
        | Q(filed_on__lt=F("published_on"))
        | Q(evaluated_on__lt=F("effective_from"))
        | Q(ended_on__lt=F("published_on"))
    )
    for doc in rows.order_by("pk"):
        yield (
            doc,
            (
                f"送审{day(doc.review_submitted_on)}，审核{day(doc.reviewed_on)}，审议{day(doc.deliberated_on)}，"
                f"公布{day(doc.published_on)}，施行{day(doc.effective_from)}，有效期至{day(doc.valid_until)}，"
                f"备案{day(doc.filed_on)}，评估{day(doc.evaluated_on)}，废止{day(doc.ended_on)}"
            ),
        )


@invariant("normative-documents", "规范性文件的有效期不超过规定上限（暂行、试行文件的上限较短），自施行日期起算")
def validity_within_limit():
    limits = {}
    rows = (
        NormativeDocument.all_objects.filter(effective_from__isnull=False, valid_until__isnull=False)
        .values_list("pk", "provisional", "effective_from", "valid_until")
        .order_by("pk")
        .iterator(chunk_size=5000)
    )
    for pk, provisional, effective_from, valid_until in rows:
        key = (provisional, effective_from)
        if key not in limits:
            try:
                limits[key] = validity_limit(SimpleNamespace(provisional=provisional), effective_from)[0]
            except ValidationError as error:
                limits[key] = "；".join(error.messages)
        limit = limits[key]
        if isinstance(limit, str) or valid_until > limit:
            detail = f"无法计算上限：{limit}" if isinstance(limit, str) else f"有效期至{valid_until}，上限为{limit}"
            yield NormativeDocument.all_objects.get(pk=pk), detail


@invariant(
    "normative-documents",
    "备案期限、届满前评估日期按公布日期、有效期和规定期限计算，与记录一致；"
    "须报送备案的已公布文件都有备案期限，未公布或无须备案的没有",
)
def filing_due_follows_publication():
    rows = (
        NormativeDocument.all_objects.values_list(
            "pk", "published_on", "filing_required", "valid_until", "filed_on", "filing_due_on", "evaluation_due_on"
        )
        .order_by("pk")
        .iterator(chunk_size=5000)
    )
    for pk, published_on, filing_required, valid_until, filed_on, filing_due_on, evaluation_due_on in rows:
        want = SimpleNamespace(
            published_on=published_on, filing_required=filing_required, valid_until=valid_until, filed_on=filed_on
        )
        try:
            derive_document(want)
        except ValidationError as error:
            yield NormativeDocument.all_objects.get(pk=pk), "无法计算：" + "；".join(error.messages)
            continue
        if (want.filing_due_on, want.evaluation_due_on) != (filing_due_on, evaluation_due_on):
            yield (
                NormativeDocument.all_objects.get(pk=pk),
                (
                    f"备案期限记录为{day(filing_due_on)}、应为{day(want.filing_due_on)}；"
                    f"届满前评估日期记录为{day(evaluation_due_on)}、应为{day(want.evaluation_due_on)}"
                ),
            )


@invariant(
    "normative-documents",
    "报送备案晚于备案期限的文件标记为逾期备案（按时备案＝否），按期报送的标记为按时（是），未报送的不作标记",
)
def late_filing_flagged():
    rows = NormativeDocument.all_objects.filter(flag_disagrees("filed_on_time", "filed_on", "filing_due_on"))
    for doc in rows.order_by("pk"):
        flag = {True: "按时", False: "逾期", None: "未标记"}[doc.filed_on_time]
        yield doc, f"备案期限{day(doc.filing_due_on)}，报送备案{day(doc.filed_on)}，记为{flag}"


@invariant("normative-documents", "报送备案的文件须已公布、须报送备案，并载明备案机关")
def filed_only_when_published():
    rows = NormativeDocument.all_objects.filter(
        Q(filed_on__isnull=False) & (Q(published_on__isnull=True) | Q(filing_required=False) | Q(filing_body=""))
    )
    for doc in rows.order_by("pk"):
        yield (
            doc,
            (
                f"报送备案{day(doc.filed_on)}，公布{day(doc.published_on)}，"
                f"须报送备案：{'是' if doc.filing_required else '否'}"
            ),
        )


# -- 公开征求意见 -----------------------------------------------------------------------------------------------
@invariant(
    "consultations",
    "征求意见只针对一件规范性文件或一项重大行政决策，单位与之一致；已载明不公开征求意见理由的决策没有征求意见",
)
def consultation_subject_matches():
    rows = Consultation.all_objects.filter(
        Q(document__isnull=True, decision__isnull=True)
        | Q(document__isnull=False, decision__isnull=False)
        | Q(document__isnull=False) & ~Q(unit=F("document__unit"))
        | Q(decision__isnull=False) & ~Q(unit=F("decision__unit"))
        | Q(decision__isnull=False) & ~Q(decision__participation_exempt_reason="")
    )
    yield from rows.order_by("pk")


@invariant(
    "consultations",
    "征求意见期限不短于规定期限（重大行政决策、涉及市场主体的规范性文件），或载明缩短的理由；截止不早于开始",
)
def comment_period_meets_minimum():
    yield from Consultation.all_objects.filter(ends_on__lt=F("starts_on")).order_by("pk")
    candidates = (
        Consultation.all_objects.filter(short_reason="", ends_on__gte=F("starts_on"))
        .filter(Q(decision__isnull=False) | Q(document__affects_market=True))
        .select_related("document")
        .order_by("pk")
    )
    for consultation in candidates.iterator(chunk_size=2000):
        try:
            minimum = comment_minimum_end(consultation)
        except ValidationError as error:
            yield consultation, "无法计算最短期限：" + "；".join(error.messages)
            continue
        if minimum is not None and consultation.ends_on < minimum[0]:
            yield consultation, f"{consultation.starts_on}至{consultation.ends_on}，应至少至{minimum[0]}"


@invariant("consultations", "意见采纳情况在征求意见期满后公布，公布时每条意见都已作采纳处理；未采纳的意见说明了理由")
def feedback_after_every_opinion_answered():
    comments = PublicComment.objects.filter(consultation=OuterRef("pk"))
    rows = Consultation.all_objects.filter(
        Q(feedback_published_on__lte=F("ends_on"))
        | Q(feedback_published_on__isnull=False, feedback="")
        | Q(feedback_published_on__isnull=True) & ~Q(feedback="")
        | Q(feedback_published_on__isnull=False) & Exists(comments.filter(adopted__isnull=True))
        | Exists(comments.filter(adopted=False, reply=""))
    )
    for consultation in rows.order_by("pk"):
        pending = consultation.comments.filter(adopted__isnull=True).count()
        yield (
            consultation,
            f"截止{consultation.ends_on}，采纳情况公布{day(consultation.feedback_published_on)}，未处理意见{pending}条",
        )


# -- 清理 ------------------------------------------------------------------------------------------------------
@invariant(
    "cleanup-campaigns",
    "完成的清理对清单中每件文件都作出结论并说明理由；结论日期在开始与完成之间；完成不早于开始，结果公布不早于完成",
)
def cleanup_completed_with_every_outcome():
    items = CleanupItem.objects.filter(campaign=OuterRef("pk"))
    rows = CleanupCampaign.all_objects.filter(
        Q(completed_on__isnull=False) & Exists(items.filter(Q(outcome="") | Q(reason="") | Q(decided_on__isnull=True)))
        | Exists(items.filter(decided_on__lt=OuterRef("started_on")))
        | Exists(items.filter(decided_on__gt=OuterRef("completed_on")))
        | Exists(items.filter(~Q(outcome=""), decided_on__isnull=True))
        | Q(completed_on__lt=F("started_on"))
        | Q(published_on__isnull=False) & (Q(completed_on__isnull=True) | Q(published_on__lt=F("completed_on")))
    )
    for campaign in rows.order_by("pk"):
        pending = campaign.items.filter(outcome="").count()
        yield (
            campaign,
            f"开始{campaign.started_on}，完成{day(campaign.completed_on)}，公布{day(campaign.published_on)}，未作结论{pending}件",
        )


@invariant("cleanup-campaigns", "完成的清理中结论为废止、宣布失效的文件已废止（失效），并记录了废止（失效）日期")
def cleanup_repeals_take_effect():
    not_ended = CleanupItem.objects.filter(
        campaign=OuterRef("pk"),
        outcome__in=[CleanupOutcomeKind.REPEAL, CleanupOutcomeKind.INVALIDATE],
    ).filter(~Q(document__status__in=ENDED) | Q(document__ended_on__isnull=True))
    rows = CleanupCampaign.all_objects.filter(Exists(not_ended), completed_on__isnull=False)
    for campaign in rows.order_by("pk"):
        titles = [
            i.document.title
            for i in campaign.items.filter(
                outcome__in=[CleanupOutcomeKind.REPEAL, CleanupOutcomeKind.INVALIDATE]
            ).select_related("document")
            if i.document.status not in ENDED or i.document.ended_on is None
        ][:5]
        yield campaign, "仍然有效：" + "、".join(titles)


# -- 重大行政决策 -----------------------------------------------------------------------------------------------
@invariant("decision-catalogues", "决策事项目录经同级党委同意后方可公布（公布日期不早于同意日期）")
def catalogue_published_after_party_approval():
    rows = DecisionCatalogue.all_objects.filter(
        Q(published_on__isnull=False) & (Q(party_approved_on__isnull=True) | Q(published_on__lt=F("party_approved_on")))
    )
    for catalogue in rows.order_by("pk"):
        yield catalogue, f"党委同意{day(catalogue.party_approved_on)}，公布{day(catalogue.published_on)}"


def missing_procedure_q() -> Q:
    """A procedure the law requires only in some cases neither done nor recorded as not applicable."""
    return (
        Q(participation_completed_on__isnull=True, participation_exempt_reason="")
        | Q(expert_review_on__isnull=True, expert_exempt_reason="")
        | Q(risk_assessed_on__isnull=True, risk_exempt_reason="")
    )


@invariant(
    "major-decisions",
    "重大行政决策未履行法定程序不得集体讨论决定：公众参与、专家论证、风险评估已完成或载明依法不适用的理由，"
    "合法性审查通过且不晚于讨论日期，公众意见采纳情况均已公布",
)
def decided_without_mandatory_procedures():
    unanswered = Consultation.objects.filter(decision=OuterRef("pk"), feedback_published_on__isnull=True)
    discussed = (
        Q(discussed_on__isnull=False)
        | ~Q(discussion_outcome="")
        | Q(status__in=[DecisionStatus.DECIDED, DecisionStatus.NOT_ADOPTED, DecisionStatus.PUBLISHED])
    )
    rows = MajorDecision.all_objects.filter(
        discussed
        & (
            missing_procedure_q()
            | ~Q(legality_passed=True)
            | Q(legality_reviewed_on__isnull=True)
            | Q(discussed_on__isnull=True)
            | Q(legality_reviewed_on__gt=F("discussed_on"))
            | Exists(unanswered)
        )
    )
    for decision in rows.order_by("pk"):
        missing = decision.missing_procedures()
        if not decision.legality_passed:
            missing.append("合法性审查通过")
        elif (
            decision.discussed_on is None
            or decision.legality_reviewed_on is None
            or decision.legality_reviewed_on > decision.discussed_on
        ):
            missing.append(
                f"讨论（{day(decision.discussed_on)}）前的合法性审查（{day(decision.legality_reviewed_on)}）"
            )
        if decision.consultations.filter(feedback_published_on__isnull=True).exists():
            missing.append("公布意见采纳情况")
        yield decision, f"状态“{decision.get_status_display()}”，缺少：" + "、".join(missing)


@invariant(
    "major-decisions",
    "决策状态与讨论结果、公布一致：讨论日期与讨论结果同有同无；已决定的结果为通过或修改后通过，讨论未通过的为不予通过，"
    "列入目录的至多暂缓；已公布的有公布日期和渠道；后评估只针对已公布的决策；合法性审查结论与完成日期同有同无",
)
def decision_status_matches_steps():
    D = DecisionStatus
    adopting = Q(discussion_outcome__in=ADOPTING_OUTCOMES)
    rows = MajorDecision.all_objects.filter(
        Q(status=D.PLANNED)
        & (~Q(discussion_outcome__in=["", DiscussionOutcome.DEFERRED]) | Q(published_on__isnull=False))
        | Q(status=D.DECIDED) & (~adopting | Q(published_on__isnull=False))
        | Q(status=D.NOT_ADOPTED) & (~Q(discussion_outcome=DiscussionOutcome.REJECTED) | Q(published_on__isnull=False))
        | Q(status=D.PUBLISHED) & (~adopting | Q(published_on__isnull=True) | Q(publication_channel=""))
        | Q(discussed_on__isnull=True) & ~Q(discussion_outcome="")
        | Q(discussed_on__isnull=False, discussion_outcome="")
        | Q(evaluated_on__isnull=False) & ~Q(status=D.PUBLISHED)
        | Q(legality_reviewed_on__isnull=True, legality_passed__isnull=False)
        | Q(legality_reviewed_on__isnull=False, legality_passed__isnull=True)
        | Q(legality_submitted_on__isnull=True, legality_reviewed_on__isnull=False)
    )
    for decision in rows.order_by("pk"):
        yield (
            decision,
            (
                f"状态“{decision.get_status_display()}”，讨论{day(decision.discussed_on)}"
                f"（{decision.get_discussion_outcome_display() or '无结果'}），公布{day(decision.published_on)}，"
                f"后评估{day(decision.evaluated_on)}"
            ),
        )


@invariant(
    "major-decisions",
    "决策步骤日期顺序：各程序不早于启动日期，审查完成不早于送审，讨论决定不早于各项程序，公布不早于讨论，后评估不早于公布",
)
def decision_dates_in_order():
    proposed = F("proposed_on")
    rows = MajorDecision.all_objects.filter(
        Q(expert_review_on__lt=proposed)
        | Q(risk_assessed_on__lt=proposed)
        | Q(legality_submitted_on__lt=proposed)
        | Q(legality_reviewed_on__lt=F("legality_submitted_on"))
        # A deferred decision stays open to procedures after its discussion; a decided one does not.
        | ~Q(status=DecisionStatus.PLANNED)
        & (
            Q(discussed_on__lt=F("expert_review_on"))
            | Q(discussed_on__lt=F("risk_assessed_on"))
            | Q(discussed_on__lt=F("participation_completed_on"))
        )
        | Q(published_on__lt=F("discussed_on"))
        | Q(evaluated_on__lt=F("published_on"))
    )
    for decision in rows.order_by("pk"):
        yield (
            decision,
            (
                f"启动{decision.proposed_on}，专家论证{day(decision.expert_review_on)}，风险评估{day(decision.risk_assessed_on)}，"
                f"公众参与完成{day(decision.participation_completed_on)}，送审{day(decision.legality_submitted_on)}，"
                f"审查{day(decision.legality_reviewed_on)}，讨论{day(decision.discussed_on)}，"
                f"公布{day(decision.published_on)}，后评估{day(decision.evaluated_on)}"
            ),
        )


@invariant("major-decisions", "一项程序不能既已履行又载明不适用；公众参与完成日期即最近一次公布意见采纳情况的日期")
def procedure_done_or_exempt():
    latest = Subquery(
        Consultation.objects.filter(decision=OuterRef("pk"))
        .order_by()
        .values("decision")
        .annotate(last=Max("feedback_published_on"))
        .values("last")[:1]
    )
    rows = MajorDecision.all_objects.annotate(latest_feedback=latest).filter(
        Q(expert_review_on__isnull=False) & ~Q(expert_exempt_reason="")
        | Q(risk_assessed_on__isnull=False) & ~Q(risk_exempt_reason="")
        | ~Q(participation_exempt_reason="") & Exists(Consultation.objects.filter(decision=OuterRef("pk")))
        | Q(participation_completed_on__isnull=True, latest_feedback__isnull=False)
        | Q(participation_completed_on__isnull=False, latest_feedback__isnull=True)
        | Q(participation_completed_on__lt=F("latest_feedback"))
        | Q(participation_completed_on__gt=F("latest_feedback"))
    )
    for decision in rows.order_by("pk"):
        yield (
            decision,
            (
                f"公众参与完成{day(decision.participation_completed_on)}，最近一次采纳情况公布{day(decision.latest_feedback)}；"
                f"专家论证{day(decision.expert_review_on)}，风险评估{day(decision.risk_assessed_on)}"
            ),
        )


@invariant("major-decisions", "合法性审查用时不少于规定的工作日，或载明审查时间较短的理由")
def legality_review_took_the_minimum():
    calendar = default_calendar()
    rows = (
        MajorDecision.all_objects.filter(
            legality_reviewed_on__isnull=False, legality_submitted_on__isnull=False, legality_short_reason=""
        )
        .values_list("pk", "legality_submitted_on", "legality_reviewed_on")
        .order_by("pk")
    )
    for pk, submitted, reviewed in rows.iterator(chunk_size=5000):
        try:
            shortfall = legality_review_shortfall(submitted, reviewed, calendar)
        except ValidationError as error:  # CalendarDataMissing, ParameterNotInForce
            yield MajorDecision.all_objects.get(pk=pk), "无法核对：" + "；".join(error.messages)
            continue
        if shortfall:
            used, version = shortfall
            yield (
                MajorDecision.all_objects.get(pk=pk),
                f"送审{submitted}，完成{reviewed}，用时{used}个工作日，少于{version.display}",
            )


@invariant("major-decisions", "决策事项列入本决策机关的事项目录")
def decision_in_own_catalogue():
    yield from MajorDecision.all_objects.exclude(catalogue__unit=F("unit")).order_by("pk")


# -- 合法性审查与法律顾问 ----------------------------------------------------------------------------------------
@invariant(
    "legality-reviews",
    "合法性审查状态与步骤一致：已送审的没有意见；已出具意见的有意见日期、审查人、意见和结论；"
    "已办结的还有办结日期和采纳情况；意见不早于送审，办结不早于意见",
)
def review_status_matches_steps():
    R = ReviewStatus
    opinion_missing = (
        Q(opinion_on__isnull=True) | Q(reviewer_kind="") | Q(reviewer_name="") | Q(opinion="") | Q(conclusion="")
    )
    rows = LegalityReview.all_objects.filter(
        Q(status=R.REQUESTED) & (Q(opinion_on__isnull=False) | ~Q(conclusion="") | Q(closed_on__isnull=False))
        | Q(status=R.OPINION_GIVEN) & (opinion_missing | Q(closed_on__isnull=False) | ~Q(adoption=""))
        | Q(status=R.CLOSED) & (opinion_missing | Q(closed_on__isnull=True) | Q(adoption=""))
        | Q(opinion_on__lt=F("requested_on"))
        | Q(closed_on__lt=F("opinion_on"))
    )
    for review in rows.order_by("pk"):
        yield (
            review,
            (
                f"状态“{review.get_status_display()}”，送审{review.requested_on}，意见{day(review.opinion_on)}，"
                f"办结{day(review.closed_on)}"
            ),
        )


@invariant("legality-reviews", "审查用时（工作日）按送审日期至出具意见日期之间的工作日计算，与记录一致")
def review_workdays_follow_the_calendar():
    calendar = default_calendar()
    yield from recomputed_differs(
        LegalityReview.all_objects,
        ["requested_on", "opinion_on"],
        "workdays_taken",
        lambda requested_on, opinion_on: workdays_taken(requested_on, opinion_on, calendar) if opinion_on else None,
    )


@invariant(
    "legality-reviews", "法律顾问出具的审查意见：审查人类型为法律顾问，意见日期在其聘期内，且该顾问为被审查单位服务"
)
def adviser_opinion_within_contract():
    serving = LegalAdviser.units_served.through.objects.filter(legaladviser=OuterRef("adviser"), unit=OuterRef("unit"))
    rows = LegalityReview.all_objects.filter(
        Q(reviewer_kind=ReviewerKind.ADVISER, adviser__isnull=True)
        | Q(adviser__isnull=False)
        & (
            ~Q(reviewer_kind=ReviewerKind.ADVISER)
            | Q(opinion_on__lt=F("adviser__contract_start"))
            | Q(opinion_on__gt=F("adviser__contract_end"))
            | ~Q(adviser__unit=F("unit")) & ~Exists(serving)
        )
    ).select_related("adviser")
    for review in rows.order_by("pk"):
        adviser = review.adviser
        yield (
            review,
            (
                f"意见{day(review.opinion_on)}，顾问{adviser.name}聘期{adviser.contract_start}至{adviser.contract_end}"
                if adviser
                else "审查人类型为法律顾问，但未记录顾问"
            ),
        )


@invariant("legal-advisers", "法律顾问聘期结束不早于开始；执业律师、公职律师载明执业证号")
def adviser_contract_valid():
    rows = LegalAdviser.all_objects.filter(
        Q(contract_end__lt=F("contract_start"))
        | Q(kind__in=[AdviserKind.LAWYER, AdviserKind.PUBLIC_LAWYER], license_number="")
    )
    for adviser in rows.order_by("pk"):
        yield adviser, f"聘期{adviser.contract_start}至{adviser.contract_end}，执业证号“{adviser.license_number}”"


@invariant(
    "legislation-projects",
    "立法项目进度与日期一致：已提请审议、已通过的有提请审议日期，已通过的有通过日期，通过不早于提请审议",
)
def legislation_stage_matches_dates():
    rows = LegislationProject.all_objects.filter(
        Q(stage__in=[LegislationStage.SUBMITTED, LegislationStage.ADOPTED], drafted_on__isnull=True)
        | Q(stage=LegislationStage.ADOPTED, adopted_on__isnull=True)
        | Q(adopted_on__lt=F("drafted_on"))
    )
    for project in rows.order_by("pk"):
        yield (
            project,
            f"进度“{project.get_stage_display()}”，提请审议{day(project.drafted_on)}，通过{day(project.adopted_on)}",
        )
