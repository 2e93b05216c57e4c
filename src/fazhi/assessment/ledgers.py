from fazhi.core.ledgers import Ledger, registry

from .actions import SELF_ASSESSMENT_ACTIONS
from .models import SelfAssessment

registry.register(
    Ledger(
        model=SelfAssessment,
        area="assessment",
        slug="self-assessments",
        columns=["item", "unit", "year", "self_score", "status", "reviewed_score", "explanation"],
        sort_fields=["id", "year"],
        default_sort="-id",
        filter_fields=["unit", "year", "status"],
        form_fields=["unit", "year", "item", "self_score", "explanation", "evidence"],
        actions=SELF_ASSESSMENT_ACTIONS,
        state_fields=["status", "reviewed_score", "review_comment", "reviewed_by", "reviewed_at"],
    )
)
