import datetime as dt

from fazhi.core.ledgers import Ledger, registry
from fazhi.core.serializers import serializer_class

from .actions import (
    CAMPAIGN_ACTIONS,
    CATALOGUE_ACTIONS,
    CONSULTATION_ACTIONS,
    DECISION_ACTIONS,
    DOCUMENT_ACTIONS,
    DOCUMENT_FILTERS,
    REVIEW_ACTIONS,
)
from .choices import AdviserKind, DecisionCategory, LegislationKind, ReviewSubject
from .importers import NormativeDocumentImport
from .models import (
    CleanupCampaign,
    Consultation,
    DecisionCatalogue,
    LegalAdviser,
    LegalityReview,
    LegislationProject,
    MajorDecision,
    NormativeDocument,
)


# -- samples for the data-scope walk: one valid row whose list columns show `marker` ----------------------------
def sample_document(unit, marker):
    return NormativeDocument.objects.create(
        unit=unit, title=f"文件{marker}", drafted_by=f"科室{marker}", body=f"正文{marker}"
    )


def sample_consultation(unit, marker):
    document = sample_document(unit, f"{marker}doc")
    return Consultation.objects.create(
        unit=unit,
        document=document,
        title=f"征求意见{marker}",
        draft_text=f"草案{marker}",
        starts_on=dt.date(2025, 3, 1),
        ends_on=dt.date(2025, 3, 31),
    )


def sample_campaign(unit, marker):
    return CleanupCampaign.objects.create(unit=unit, title=f"清理{marker}", started_on=dt.date(2025, 3, 1))


def sample_catalogue(unit, marker):
    return DecisionCatalogue.objects.create(unit=unit, year=2025, title=f"目录{marker}")


def sample_decision(unit, marker):
    catalogue = DecisionCatalogue.objects.filter(unit=unit, year=2024).first() or DecisionCatalogue.objects.create(
        unit=unit, year=2024, title=f"目录{marker}"
    )
    return MajorDecision.objects.create(
        unit=unit,
        catalogue=catalogue,
        title=f"决策{marker}",
        category=DecisionCategory.PUBLIC_SERVICE,
        sponsor=f"承办{marker}",
        proposed_by=f"提出{marker}",
        proposed_on=dt.date(2024, 3, 1),
    )


def sample_adviser(unit, marker):
    adviser = LegalAdviser.objects.create(
        unit=unit,
        name=f"顾问{marker}",
        kind=AdviserKind.FIRM,
        firm=f"律所{marker}",
        contract_start=dt.date(2025, 1, 1),
        contract_end=dt.date(2025, 12, 31),
    )
    adviser.units_served.add(unit)
    return adviser


def sample_review(unit, marker):
    return LegalityReview.objects.create(
        unit=unit,
        number=f"HF-{marker}",
        subject_type=ReviewSubject.CONTRACT,
        subject=f"合同{marker}",
        requested_by=f"科室{marker}",
        requested_on=dt.date(2025, 3, 3),
    )


def sample_project(unit, marker):
    return LegislationProject.objects.create(
        unit=unit, year=2025, title=f"立法{marker}", kind=LegislationKind.GOVERNMENT_RULE
    )


# -- 制度建设 --------------------------------------------------------------------------------------------------
registry.register(
    Ledger(
        model=NormativeDocument,
        area="rulemaking",
        slug="normative-documents",
        columns=[
            "number",
            "title",
            "unit",
            "status",
            "published_on",
            "valid_until",
            "filing_due_on",
            "filed_on",
            "filed_on_time",
        ],
        sort_fields=["id", "title", "status"],
        default_sort="-id",
        filter_fields=["unit", "status", "provisional", "affects_market", "published_on", "filed_on", "filed_on_time"],
        search_fields=["number", "title", "body", "drafted_by"],
        form_fields=[
            "unit",
            "title",
            "drafted_by",
            "body",
            "provisional",
            "affects_market",
            "consultation_exempt_reason",
            "filing_required",
        ],
        sample=sample_document,
        importer=NormativeDocumentImport(),
        actions=DOCUMENT_ACTIONS,
        state_fields=[
            "status",
            "review_submitted_on",
            "reviewer",
            "review_opinion",
            "review_passed",
            "reviewed_on",
            "deliberated_on",
            "meeting",
            "number",
            "published_on",
            "effective_from",
            "valid_until",
            "filing_body",
            "filed_on",
            "evaluated_on",
            "evaluation_kind",
            "evaluation_conclusion",
            "evaluation_report",
            "ended_on",
            "end_reason",
        ],
        extra_filters=DOCUMENT_FILTERS,
    )
)

registry.register(
    Ledger(
        model=Consultation,
        area="rulemaking",
        slug="consultations",
        columns=["title", "unit", "starts_on", "ends_on", "feedback_published_on"],
        sort_fields=["id", "starts_on", "ends_on"],
        default_sort="-starts_on",
        filter_fields=["unit", "starts_on", "ends_on"],
        search_fields=["title"],
        select_related=["unit", "document", "decision"],
        form_fields=[
            "unit",
            "document",
            "decision",
            "title",
            "draft_text",
            "explanation",
            "starts_on",
            "ends_on",
            "short_reason",
        ],
        sample=sample_consultation,
        actions=CONSULTATION_ACTIONS,
        state_fields=["feedback", "feedback_published_on"],
    )
)

registry.register(
    Ledger(
        model=CleanupCampaign,
        area="rulemaking",
        slug="cleanup-campaigns",
        columns=["title", "unit", "kind", "started_on", "completed_on", "published_on"],
        sort_fields=["id", "started_on"],
        default_sort="-started_on",
        filter_fields=["unit", "kind", "started_on", "completed_on"],
        search_fields=["title"],
        sample=sample_campaign,
        actions=CAMPAIGN_ACTIONS,
        state_fields=["completed_on", "published_on"],
    )
)

registry.register(
    Ledger(
        model=LegislationProject,
        area="rulemaking",
        slug="legislation-projects",
        columns=["year", "title", "unit", "kind", "revision", "stage", "drafted_on", "adopted_on"],
        sort_fields=["id", "year"],
        default_sort="-year",
        filter_fields=["unit", "year", "kind", "stage"],
        search_fields=["title"],
        sample=sample_project,
    )
)

# -- 依法决策 --------------------------------------------------------------------------------------------------
registry.register(
    Ledger(
        model=DecisionCatalogue,
        area="decisions",
        slug="decision-catalogues",
        columns=["year", "title", "unit", "party_approved_on", "published_on"],
        sort_fields=["id", "year"],
        default_sort="-year",
        filter_fields=["unit", "year"],
        search_fields=["title"],
        sample=sample_catalogue,
        actions=CATALOGUE_ACTIONS,
        state_fields=["party_approved_on", "published_on"],
    )
)

registry.register(
    Ledger(
        model=MajorDecision,
        area="decisions",
        slug="major-decisions",
        columns=[
            "title",
            "unit",
            "catalogue",
            "sponsor",
            "status",
            "legality_reviewed_on",
            "discussed_on",
            "published_on",
        ],
        sort_fields=["id", "proposed_on", "status"],
        default_sort="-proposed_on",
        filter_fields=["unit", "catalogue", "category", "status", "discussed_on"],
        search_fields=["title", "sponsor"],
        select_related=["unit", "catalogue"],
        form_fields=["unit", "catalogue", "title", "category", "sponsor", "proposed_by", "proposed_on", "description"],
        sample=sample_decision,
        actions=DECISION_ACTIONS,
        state_fields=[
            "status",
            "participation_exempt_reason",
            "participation_completed_on",
            "expert_review_on",
            "expert_names",
            "expert_opinion",
            "expert_exempt_reason",
            "risk_assessed_on",
            "risk_level",
            "risk_summary",
            "risk_exempt_reason",
            "legality_submitted_on",
            "legality_reviewer",
            "legality_opinion",
            "legality_passed",
            "legality_reviewed_on",
            "legality_short_reason",
            "discussed_on",
            "meeting",
            "decided_by",
            "attendees",
            "discussion_outcome",
            "published_on",
            "publication_channel",
            "evaluated_on",
            "evaluator",
            "evaluation_summary",
        ],
    )
)

registry.register(
    Ledger(
        model=LegalityReview,
        area="decisions",
        slug="legality-reviews",
        columns=[
            "number",
            "subject",
            "unit",
            "subject_type",
            "requested_on",
            "opinion_on",
            "conclusion",
            "workdays_taken",
            "status",
        ],
        sort_fields=["id", "number", "requested_on"],
        default_sort="-requested_on",
        filter_fields=["unit", "subject_type", "status", "reviewer_kind", "conclusion", "requested_on", "opinion_on"],
        search_fields=["number", "subject", "requested_by"],
        form_fields=["unit", "number", "subject_type", "subject", "requested_by", "requested_on", "amount"],
        sample=sample_review,
        actions=REVIEW_ACTIONS,
        state_fields=[
            "status",
            "reviewer_kind",
            "adviser",
            "reviewer_name",
            "opinion",
            "conclusion",
            "opinion_on",
            "adoption",
            "closed_on",
        ],
    )
)

registry.register(
    Ledger(
        model=LegalAdviser,
        area="decisions",
        slug="legal-advisers",
        columns=["name", "kind", "firm", "unit", "contract_start", "contract_end"],
        sort_fields=["id", "name", "contract_end"],
        default_sort="name",
        filter_fields=["unit", "kind", "contract_end"],
        search_fields=["name", "firm"],
        serializer_class=serializer_class(LegalAdviser),
        sample=sample_adviser,
    )
)
