import datetime as dt

import django_filters

from fazhi.core.ledgers import Ledger, registry

from .actions import (
    LAWSUIT_ACTIONS,
    MEDIATION_ACTIONS,
    PETITION_ACTIONS,
    RECONSIDERATION_ACTIONS,
    lawsuit_overdue,
    petition_overdue,
    reconsideration_overdue,
)
from .choices import ActType, DisputeType, MediationOrgType, PetitionChannel
from .importers import MediatedDisputeImport, ReconsiderationImport
from .models import Lawsuit, MediatedDispute, MediationOrganisation, Mediator, Petition, ReconsiderationCase


def sample_reconsideration(unit, marker):
    return ReconsiderationCase.objects.create(
        unit=unit,
        number=f"FY-{marker}",
        applicant_name=f"申请人{marker}",
        respondent_name=f"被申请人{marker}",
        act_type=ActType.PENALTY,
        known_on=dt.date(2025, 3, 1),
        received_on=dt.date(2025, 3, 3),
    )


def sample_lawsuit(unit, marker):
    return Lawsuit.objects.create(
        unit=unit,
        number=f"YS-{marker}",
        court="云测市中级人民法院",
        plaintiff=f"原告{marker}",
        act_type=ActType.PENALTY,
        filed_on=dt.date(2025, 3, 3),
    )


def sample_organisation(unit, marker):
    return MediationOrganisation.objects.create(
        unit=unit,
        name=f"调委会{marker}",
        org_type=MediationOrgType.VILLAGE,
        established_on=dt.date(2020, 1, 1),
    )


def sample_mediator(unit, marker):
    organisation = sample_organisation(unit, f"{marker}-org")
    return Mediator.objects.create(
        unit=unit, organisation=organisation, name=f"调解员{marker}", started_on=dt.date(2020, 1, 1)
    )


def sample_dispute(unit, marker):
    organisation = sample_organisation(unit, f"{marker}-org")
    return MediatedDispute.objects.create(
        unit=unit,
        organisation=organisation,
        number=f"TJ-{marker}",
        dispute_type=DisputeType.NEIGHBOUR,
        parties=f"当事人{marker}",
        received_on=dt.date(2025, 3, 3),
    )


def sample_petition(unit, marker):
    return Petition.objects.create(
        unit=unit,
        number=f"XF-{marker}",
        petitioner=f"信访人{marker}",
        channel=PetitionChannel.LETTER,
        subject="反映问题",
        received_on=dt.date(2025, 3, 3),
    )


registry.register(
    Ledger(
        model=ReconsiderationCase,
        area="disputes",
        slug="reconsideration-cases",
        columns=[
            "number",
            "unit",
            "applicant_name",
            "respondent_name",
            "act_type",
            "received_on",
            "procedure",
            "due_on",
            "status",
            "outcome",
            "closed_on",
        ],
        export_fields=[
            "number",
            "unit",
            "applicant_type",
            "applicant_name",
            "third_party",
            "respondent_name",
            "act_type",
            "act_description",
            "act_on",
            "known_on",
            "received_on",
            "accepted_on",
            "deemed_accepted",
            "procedure",
            "simplified_ground",
            "not_accepted_on",
            "not_accepted_reason",
            "extension_days",
            "due_on",
            "status",
            "outcome",
            "closed_on",
            "on_time",
        ],
        sort_fields=["id", "received_on", "number"],
        default_sort="-received_on",
        filter_fields=["unit", "status", "act_type", "procedure", "outcome", "received_on", "closed_on", "on_time"],
        search_fields=["number", "applicant_name", "respondent_name"],
        form_fields=[
            "unit",
            "number",
            "applicant_type",
            "applicant_name",
            "third_party",
            "respondent_name",
            "respondent_unit",
            "act_type",
            "act_description",
            "act_on",
            "known_on",
            "rights_informed",
            "rights_known_on",
            "real_estate",
            "amount",
            "received_on",
        ],
        sample=sample_reconsideration,
        importer=ReconsiderationImport(),
        actions=RECONSIDERATION_ACTIONS,
        state_fields=[
            "status",
            "correction_requested_on",
            "correction_received_on",
            "procedure",
            "simplified_ground",
            "accepted_on",
            "not_accepted_on",
            "not_accepted_reason",
            "copy_sent_on",
            "answer_received_on",
            "converted_on",
            "extension_days",
            "extended_on",
            "extension_reason",
            "outcome",
            "closed_on",
        ],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期", method=reconsideration_overdue)},
    )
)

registry.register(
    Ledger(
        model=Lawsuit,
        area="disputes",
        slug="lawsuits",
        columns=[
            "number",
            "unit",
            "court",
            "trial_level",
            "plaintiff",
            "act_type",
            "filed_on",
            "defence_due_on",
            "status",
            "outcome",
        ],
        export_fields=[
            "number",
            "unit",
            "court",
            "trial_level",
            "previous_instance",
            "plaintiff",
            "act_type",
            "cause",
            "filed_on",
            "served_on",
            "defence_due_on",
            "defence_submitted_on",
            "status",
            "outcome",
            "closed_on",
        ],
        sort_fields=["id", "filed_on", "number"],
        default_sort="-filed_on",
        filter_fields=["unit", "trial_level", "status", "act_type", "outcome", "filed_on", "closed_on"],
        search_fields=["number", "plaintiff", "court"],
        form_fields=[
            "unit",
            "number",
            "court",
            "trial_level",
            "previous_instance",
            "plaintiff",
            "act_type",
            "cause",
            "reconsideration_case",
            "filed_on",
            "served_on",
        ],
        sample=sample_lawsuit,
        actions=LAWSUIT_ACTIONS,
        state_fields=["status", "defence_submitted_on", "outcome", "closed_on"],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期", method=lawsuit_overdue)},
    )
)

registry.register(
    Ledger(
        model=MediationOrganisation,
        area="disputes",
        slug="mediation-organisations",
        columns=["name", "unit", "org_type", "established_on", "dissolved_on"],
        sort_fields=["id", "name", "established_on"],
        default_sort="name",
        filter_fields=["unit", "org_type"],
        search_fields=["name"],
        sample=sample_organisation,
    )
)

registry.register(
    Ledger(
        model=Mediator,
        area="disputes",
        slug="mediators",
        columns=["name", "organisation", "unit", "full_time", "started_on", "ended_on"],
        sort_fields=["id", "name", "started_on"],
        default_sort="name",
        filter_fields=["unit", "organisation", "full_time"],
        search_fields=["name"],
        select_related=["unit", "organisation"],
        sample=sample_mediator,
    )
)

registry.register(
    Ledger(
        model=MediatedDispute,
        area="disputes",
        slug="mediated-disputes",
        columns=[
            "number",
            "organisation",
            "unit",
            "dispute_type",
            "parties",
            "amount",
            "received_on",
            "status",
            "closed_on",
        ],
        sort_fields=["id", "received_on", "number"],
        default_sort="-received_on",
        filter_fields=["unit", "organisation", "dispute_type", "status", "received_on"],
        search_fields=["number", "parties"],
        form_fields=["unit", "number", "organisation", "dispute_type", "parties", "summary", "amount", "received_on"],
        select_related=["unit", "organisation"],
        sample=sample_dispute,
        importer=MediatedDisputeImport(),
        actions=MEDIATION_ACTIONS,
        state_fields=["status", "agreement_form", "closed_on", "confirmation_requested_on"],
    )
)

registry.register(
    Ledger(
        model=Petition,
        area="disputes",
        slug="petitions",
        columns=[
            "number",
            "unit",
            "petitioner",
            "channel",
            "subject",
            "received_on",
            "repeated",
            "due_on",
            "status",
            "concluded_on",
        ],
        sort_fields=["id", "received_on", "number"],
        default_sort="-received_on",
        filter_fields=["unit", "channel", "status", "repeated", "received_on", "on_time"],
        search_fields=["number", "petitioner", "subject"],
        form_fields=["unit", "number", "petitioner", "channel", "subject", "received_on", "repeated", "repeat_of"],
        sample=sample_petition,
        actions=PETITION_ACTIONS,
        state_fields=["status", "accepted_on", "not_accepted_reason", "extension_days", "extended_on", "concluded_on"],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期", method=petition_overdue)},
    )
)
