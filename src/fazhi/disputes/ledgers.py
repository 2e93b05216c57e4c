import django_filters
from django.db.models import Q

from fazhi.core.duties import Duty
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
from .choices import LawsuitStatus, PetitionStatus, ReconsiderationStatus
from .importers import MediatedDisputeImport, ReconsiderationImport
from .models import Lawsuit, MediatedDispute, MediationOrganisation, Mediator, Petition, ReconsiderationCase

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
        duties=[
            Duty(
                "answer",
                "被申请人提交答复",
                "answer_due_on",
                Q(status=ReconsiderationStatus.ACCEPTED, answer_received_on__isnull=True),
                rules=("reconsideration.respondent_answer",),
                step="receive-answer",
            ),
            Duty(
                "decide",
                "作出复议决定",
                "due_on",
                Q(status=ReconsiderationStatus.ACCEPTED, suspended=False),
                rules=("reconsideration.decision_limit",),
                step="decide",
            ),
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
        actions=LAWSUIT_ACTIONS,
        state_fields=["status", "defence_submitted_on", "outcome", "closed_on"],
        duties=[
            Duty(
                "defence",
                "提交答辩状",
                "defence_due_on",
                Q(status=LawsuitStatus.PENDING, defence_submitted_on__isnull=True),
                rules=("litigation.defence_submission",),
                step="defence",
            ),
        ],
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
        actions=PETITION_ACTIONS,
        state_fields=["status", "accepted_on", "not_accepted_reason", "extension_days", "extended_on", "concluded_on"],
        duties=[
            Duty(
                "accept",
                "告知是否受理",
                "registration_due_on",
                Q(status=PetitionStatus.REGISTERED),
                rules=("petition.registration",),
                step="accept",
            ),
            Duty(
                "conclude",
                "办结信访事项",
                "due_on",
                Q(status=PetitionStatus.ACCEPTED),
                rules=("petition.handling",),
                step="conclude",
            ),
        ],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期", method=petition_overdue)},
    )
)
