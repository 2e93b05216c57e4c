"""制度建设与依法决策 metrics as database aggregates: one grouped query per table, conditional counts within it.

regulations_drafted comes from the 立法项目 ledger (projects whose draft went to deliberation in the period).
"""

from django.db.models import Count, Q

from fazhi.metrics.registry import Period, by_unit, registry, within

from .choices import ADOPTING_OUTCOMES, CleanupOutcomeKind
from .models import CleanupItem, LegalAdviser, LegalityReview, LegislationProject, MajorDecision, NormativeDocument


@registry.provides(
    "normative_docs_issued",
    "normative_docs_reviewed",
    "normative_docs_to_file",
    "normative_docs_filed",
    "normative_docs_filed_on_time",
)
def normative_document_metrics(period: Period):
    """Filing is counted over the documents issued in the period (the cohort the 备案率 is about), however late
    they were filed; 按时 means filed no later than the deadline set at publication."""
    issued = within("published_on", period)
    to_file = issued & Q(filing_required=True)
    filed = to_file & Q(filed_on__isnull=False)
    reviewed = within("reviewed_on", period)
    rows = (
        NormativeDocument.objects.filter(issued | reviewed)
        .values("unit_id")
        .order_by()
        .annotate(
            normative_docs_issued=Count("id", filter=issued),
            normative_docs_reviewed=Count("id", filter=reviewed),
            normative_docs_to_file=Count("id", filter=to_file),
            normative_docs_filed=Count("id", filter=filed),
            normative_docs_filed_on_time=Count("id", filter=filed & Q(filed_on_time=True)),
        )
    )
    return by_unit(rows, normative_document_metrics.codes)


@registry.provides(
    "normative_docs_cleaned",
    "normative_docs_repealed",
    "normative_docs_invalidated",
    "normative_docs_amended",
    "normative_docs_retained",
)
def cleanup_metrics(period: Period):
    """Outcomes of clean-ups completed in the period, counted for the unit that issued each document."""
    rows = (
        CleanupItem.objects.filter(
            within("campaign__completed_on", period),
            campaign__deleted_at__isnull=True,
            document__deleted_at__isnull=True,
        )
        .values("document__unit_id")
        .order_by()
        .annotate(
            normative_docs_cleaned=Count("id"),
            normative_docs_repealed=Count("id", filter=Q(outcome=CleanupOutcomeKind.REPEAL)),
            normative_docs_invalidated=Count("id", filter=Q(outcome=CleanupOutcomeKind.INVALIDATE)),
            normative_docs_amended=Count("id", filter=Q(outcome=CleanupOutcomeKind.AMEND)),
            normative_docs_retained=Count("id", filter=Q(outcome=CleanupOutcomeKind.RETAIN)),
        )
    )
    return by_unit(rows, cleanup_metrics.codes, key="document__unit_id")


def full_procedure_q() -> Q:
    """Each of the five procedures done, or — for the three the law requires only in some cases — lawfully not
    applicable with the reason recorded; a passed legality review and an adopting collective decision always."""
    return (
        (Q(participation_completed_on__isnull=False) | ~Q(participation_exempt_reason=""))
        & (Q(expert_review_on__isnull=False) | ~Q(expert_exempt_reason=""))
        & (Q(risk_assessed_on__isnull=False) | ~Q(risk_exempt_reason=""))
        & Q(legality_passed=True)
    )


@registry.provides("major_decisions", "major_decisions_full_procedure")
def decision_metrics(period: Period):
    decided = within("discussed_on", period) & Q(discussion_outcome__in=ADOPTING_OUTCOMES)
    rows = (
        MajorDecision.objects.filter(decided)
        .values("unit_id")
        .order_by()
        .annotate(
            major_decisions=Count("id"),
            major_decisions_full_procedure=Count("id", filter=full_procedure_q()),
        )
    )
    return by_unit(rows, decision_metrics.codes)


@registry.provides("legality_reviews", "legal_adviser_opinions")
def legality_review_metrics(period: Period):
    rows = (
        LegalityReview.objects.filter(within("opinion_on", period))
        .values("unit_id")
        .order_by()
        .annotate(
            legality_reviews=Count("id"),
            legal_adviser_opinions=Count("id", filter=Q(adviser__isnull=False)),
        )
    )
    return by_unit(rows, legality_review_metrics.codes)


@registry.provides("legal_advisers")
def adviser_metrics(period: Period):
    """Advisers under contract at any time in the period, counted for the unit that engaged them."""
    rows = (
        LegalAdviser.objects.filter(contract_start__lte=period.end, contract_end__gte=period.start)
        .values("unit_id")
        .order_by()
        .annotate(legal_advisers=Count("id"))
    )
    return by_unit(rows, adviser_metrics.codes)


@registry.provides("regulations_drafted")
def legislation_metrics(period: Period):
    rows = (
        LegislationProject.objects.filter(within("drafted_on", period))
        .values("unit_id")
        .order_by()
        .annotate(regulations_drafted=Count("id"))
    )
    return by_unit(rows, legislation_metrics.codes)
