"""Oversight metrics as database aggregates, one grouped query per table.

information_published and audit_projects have no ledger here: they are entered by hand or read from reports.
"""

from django.db.models import Count, Q

from fazhi.metrics.registry import Period, by_unit, registry, within

from .choices import SATISFIED, SuggestionKind
from .models import DisclosureRequest, Suggestion


@registry.provides(
    "npc_suggestions_handled",
    "cppcc_proposals_handled",
    "suggestions_handled",
    "suggestions_replied_on_time",
    "suggestions_satisfied",
    "suggestions_with_feedback",
)
def suggestion_metrics(period: Period):
    # The suggestions assigned in the period, and what became of them: 办复率 is a share of one cohort.
    rows = (
        Suggestion.objects.filter(within("assigned_on", period))
        .values("unit_id")
        .order_by()
        .annotate(
            npc_suggestions_handled=Count("id", filter=Q(kind=SuggestionKind.NPC)),
            cppcc_proposals_handled=Count("id", filter=Q(kind=SuggestionKind.CPPCC)),
            suggestions_handled=Count("id"),
            suggestions_replied_on_time=Count("id", filter=Q(on_time=True)),
            suggestions_satisfied=Count("id", filter=Q(satisfaction__in=SATISFIED)),
            suggestions_with_feedback=Count("id", filter=~Q(satisfaction="")),
        )
    )
    return by_unit(rows, suggestion_metrics.codes)


@registry.provides("disclosure_requests", "disclosure_replied", "disclosure_replied_on_time")
def disclosure_metrics(period: Period):
    received, replied = within("received_on", period), within("replied_on", period)
    rows = (
        DisclosureRequest.objects.filter(received | replied)
        .values("unit_id")
        .order_by()
        .annotate(
            disclosure_requests=Count("id", filter=received),
            disclosure_replied=Count("id", filter=replied),
            disclosure_replied_on_time=Count("id", filter=replied & Q(on_time=True)),
        )
    )
    return by_unit(rows, disclosure_metrics.codes)
