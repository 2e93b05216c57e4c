"""Dispute metrics as database aggregates: one grouped query per table, conditional counts within it.

legal_aid_cases and legal_consultations have no ledger here: they are entered by hand or read from reports.
"""

from django.db.models import Count, F, Q

from fazhi.metrics.registry import Period, by_unit, registry, within

from .choices import (
    CORRECTIONS,
    DISMISSED,
    HEAD_APPEARED,
    LAWSUIT_DECIDED,
    LAWSUIT_LOST,
    SETTLEMENTS,
    MediationStatus,
    ReconsiderationOutcome,
)
from .models import (
    CourtHearing,
    Lawsuit,
    MediatedDispute,
    MediationOrganisation,
    Mediator,
    Petition,
    ReconsiderationCase,
    ReconsiderationHearing,
)


def in_force(period: Period, start: str, end: str) -> Q:
    """Rows that exist on the period's last day."""
    return Q(**{f"{start}__lte": period.end}) & (Q(**{f"{end}__isnull": True}) | Q(**{f"{end}__gt": period.end}))


@registry.provides(
    "reconsideration_received",
    "reconsideration_accepted",
    "reconsideration_not_accepted",
    "reconsideration_closed",
    "reconsideration_upheld",
    "reconsideration_dismissed",
    "reconsideration_revoked",
    "reconsideration_altered",
    "reconsideration_confirmed_illegal",
    "reconsideration_ordered_to_perform",
    "reconsideration_settled",
    "reconsideration_terminated",
    "reconsideration_corrected",
)
def reconsideration_metrics(period: Period):
    received, accepted = within("received_on", period), within("accepted_on", period)
    refused, closed = within("not_accepted_on", period), within("closed_on", period)

    def outcome(*values):
        return Count("id", filter=closed & Q(outcome__in=values))

    rows = (
        ReconsiderationCase.objects.filter(received | accepted | refused | closed)
        .values("unit_id")
        .order_by()
        .annotate(
            reconsideration_received=Count("id", filter=received),
            reconsideration_accepted=Count("id", filter=accepted),
            reconsideration_not_accepted=Count("id", filter=refused),
            reconsideration_closed=Count("id", filter=closed),
            reconsideration_upheld=outcome(ReconsiderationOutcome.UPHELD),
            reconsideration_dismissed=outcome(*DISMISSED),
            reconsideration_revoked=outcome(ReconsiderationOutcome.REVOKED),
            reconsideration_altered=outcome(ReconsiderationOutcome.ALTERED),
            reconsideration_confirmed_illegal=outcome(ReconsiderationOutcome.CONFIRMED_ILLEGAL),
            reconsideration_ordered_to_perform=outcome(ReconsiderationOutcome.ORDERED_TO_PERFORM),
            reconsideration_settled=outcome(*SETTLEMENTS),
            reconsideration_terminated=outcome(ReconsiderationOutcome.TERMINATED),
            reconsideration_corrected=outcome(*CORRECTIONS),
        )
    )
    return by_unit(rows, reconsideration_metrics.codes)


@registry.provides("reconsideration_hearings", "reconsideration_head_attended")
def reconsideration_hearing_metrics(period: Period):
    rows = (
        ReconsiderationHearing.objects.filter(within("held_on", period), case__deleted_at__isnull=True)
        .values(unit_id=F("case__unit_id"))
        .order_by()
        .annotate(
            reconsideration_hearings=Count("id"),
            reconsideration_head_attended=Count("id", filter=Q(respondent_head_attended=True)),
        )
    )
    return by_unit(rows, reconsideration_hearing_metrics.codes)


@registry.provides("litigation_cases", "litigation_lost", "litigation_decided")
def lawsuit_metrics(period: Period):
    filed, closed = within("filed_on", period), within("closed_on", period)
    rows = (
        Lawsuit.objects.filter(filed | closed)
        .values("unit_id")
        .order_by()
        .annotate(
            litigation_cases=Count("id", filter=filed),
            litigation_lost=Count("id", filter=closed & Q(outcome__in=LAWSUIT_LOST)),
            litigation_decided=Count("id", filter=closed & Q(outcome__in=LAWSUIT_DECIDED)),
        )
    )
    return by_unit(rows, lawsuit_metrics.codes)


@registry.provides("head_appearances", "litigation_hearings")
def court_hearing_metrics(period: Period):
    rows = (
        CourtHearing.objects.filter(within("held_on", period), lawsuit__deleted_at__isnull=True)
        .values(unit_id=F("lawsuit__unit_id"))
        .order_by()
        .annotate(
            litigation_hearings=Count("id"),
            head_appearances=Count("id", filter=Q(head_appearance__in=HEAD_APPEARED)),
        )
    )
    return by_unit(rows, court_hearing_metrics.codes)


@registry.provides("mediation_organisations")
def mediation_organisation_metrics(period: Period):
    rows = (
        MediationOrganisation.objects.filter(in_force(period, "established_on", "dissolved_on"))
        .values("unit_id")
        .order_by()
        .annotate(mediation_organisations=Count("id"))
    )
    return by_unit(rows, mediation_organisation_metrics.codes)


@registry.provides("mediators")
def mediator_metrics(period: Period):
    rows = (
        Mediator.objects.filter(in_force(period, "started_on", "ended_on"))
        .values("unit_id")
        .order_by()
        .annotate(mediators=Count("id"))
    )
    return by_unit(rows, mediator_metrics.codes)


@registry.provides("mediation_received", "mediation_resolved")
def mediation_metrics(period: Period):
    # Counted over the disputes taken up in the period, so the success rate is a share of one cohort.
    rows = (
        MediatedDispute.objects.filter(within("received_on", period))
        .values("unit_id")
        .order_by()
        .annotate(
            mediation_received=Count("id"),
            mediation_resolved=Count("id", filter=Q(status=MediationStatus.RESOLVED)),
        )
    )
    return by_unit(rows, mediation_metrics.codes)


@registry.provides("petitions_received", "petitions_closed", "petitions_repeated", "petitions_closed_on_time")
def petition_metrics(period: Period):
    received, concluded = within("received_on", period), within("concluded_on", period)
    rows = (
        Petition.objects.filter(received | concluded)
        .values("unit_id")
        .order_by()
        .annotate(
            petitions_received=Count("id", filter=received),
            petitions_repeated=Count("id", filter=received & Q(repeated=True)),
            petitions_closed=Count("id", filter=concluded),
            petitions_closed_on_time=Count("id", filter=concluded & Q(on_time=True)),
        )
    )
    return by_unit(rows, petition_metrics.codes)
