from django.db.models import Q

from fazhi.core.duties import Duty
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

# -- 制度建设 --------------------------------------------------------------------------------------------------
registry.register(
    Ledger(
        model=NormativeDocument,
        area="rulemaking",
        slug="normative-documents",
        evidence=True,
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
        duties=[
            Duty(
                "file",
                "报送备案",
                "filing_due_on",
                Q(filing_required=True, filed_on__isnull=True),
                rules=("normative.filing_deadline",),
                step="file",
            ),
            Duty(
                "evaluate",
                "有效期届满前评估",
                "evaluation_due_on",
                Q(evaluated_on__isnull=True, ended_on__isnull=True),
                rules=("normative.expiry_evaluation_before",),
                step="evaluate",
            ),
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
        actions=CATALOGUE_ACTIONS,
        state_fields=["party_approved_on", "published_on"],
    )
)

registry.register(
    Ledger(
        model=MajorDecision,
        area="decisions",
        slug="major-decisions",
        evidence=True,
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
        evidence=True,
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
    )
)
