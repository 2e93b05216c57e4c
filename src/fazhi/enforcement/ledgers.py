import django_filters
from django.db.models import Q

from fazhi.core.duties import Duty
from fazhi.core.ledgers import Ledger, registry
from fazhi.core.serializers import LedgerSerializer, serializer_class

from . import rules
from .actions import (
    CASE_ACTIONS,
    CERTIFICATE_ACTIONS,
    MATTER_ACTIONS,
    OFFICER_ACTIONS,
    CaseForm,
    certified_filter,
    handling_overdue_filter,
    publicity_overdue_filter,
)
from .choices import CaseStatus
from .importers import MatterImport, OfficerImport
from .models import Case, Certificate, EnforcementBody, Matter, Officer


class CaseSerializer(LedgerSerializer):
    def check_relations(self, instance, relations):
        officers = relations.get("officers")
        if officers is None and instance.pk:
            officers = list(instance.officers.all())
        if officers is not None and instance.opened_on and instance.unit_id:
            rules.check_officers(officers, instance.opened_on, instance.unit)
            rules.check_reviewers_not_handling(instance, officers)


registry.register(
    Ledger(
        model=EnforcementBody,
        area="enforcement",
        slug="enforcement-bodies",
        columns=["code", "name", "body_type", "unit", "credit_code", "is_active"],
        sort_fields=["id", "code", "name"],
        default_sort="code",
        filter_fields=["unit", "body_type", "is_active"],
        search_fields=["code", "name"],
    )
)

registry.register(
    Ledger(
        model=Officer,
        area="enforcement",
        slug="officers",
        columns=["name", "body", "unit", "law_category", "post", "is_legal_reviewer", "is_active"],
        sort_fields=["id", "name"],
        default_sort="name",
        filter_fields=["unit", "body", "is_legal_reviewer", "is_active"],
        search_fields=["name", "id_number"],
        select_related=["unit", "body"],
        form_fields=["unit", "name", "id_number", "body", "post", "law_category", "is_legal_reviewer", "is_active"],
        importer=OfficerImport(),
        actions=OFFICER_ACTIONS,
        extra_filters={"certified": django_filters.BooleanFilter(label="今日持有效执法证", method=certified_filter)},
    )
)

registry.register(
    Ledger(
        model=Certificate,
        area="enforcement",
        slug="certificates",
        columns=["number", "officer", "kind", "unit", "issued_on", "expires_on", "revoked_on"],
        sort_fields=["id", "number", "issued_on", "expires_on"],
        default_sort="-issued_on",
        filter_fields=["unit", "kind", "issued_on", "expires_on", "revoked_on"],
        search_fields=["number", "officer__name"],
        select_related=["unit", "officer"],
        form_fields=["unit", "officer", "kind", "number", "issued_on", "expires_on"],
        actions=CERTIFICATE_ACTIONS,
        state_fields=["revoked_on", "revocation_reason"],
    )
)

registry.register(
    Ledger(
        model=Matter,
        area="enforcement",
        slug="enforcement-matters",
        columns=["code", "name", "matter_type", "body", "unit", "is_major", "fine_min", "fine_max"],
        sort_fields=["id", "code", "name"],
        default_sort="code",
        filter_fields=["unit", "matter_type", "body", "is_major", "is_active"],
        search_fields=["code", "name"],
        select_related=["unit", "body"],
        importer=MatterImport(),
        actions=MATTER_ACTIONS,
    )
)

registry.register(
    Ledger(
        model=Case,
        area="enforcement",
        slug="cases",
        evidence=True,
        columns=[
            "number",
            "matter",
            "unit",
            "party_name",
            "opened_on",
            "due_on",
            "status",
            "decided_on",
            "publicity_due_on",
            "published_on",
        ],
        sort_fields=["id", "number", "opened_on"],
        default_sort="-opened_on",
        filter_fields=["unit", "status", "outcome", "is_major", "opened_on", "decided_on", "published_on_time"],
        search_fields=["number", "party_name"],
        select_related=["unit", "matter"],
        form_class=CaseForm,
        serializer_class=serializer_class(Case, CaseSerializer),
        actions=CASE_ACTIONS,
        state_fields=[
            "status",
            "extended_on",
            "extension_reason",
            "legal_review_passed_on",
            "decided_on",
            "outcome",
            "fine_amount",
            "confiscation_amount",
            "discretion_grade",
            "deviation_reason",
            "published_on",
            "closed_on",
        ],
        duties=[
            Duty(
                "decide",
                "作出处理决定",
                "due_on",
                Q(status=CaseStatus.OPEN),
                rules=("penalty.decision_limit",),
                step="decide",
            ),
            Duty(
                "publish",
                "公示处理决定",
                "publicity_due_on",
                Q(published_on__isnull=True),
                rules=("enforcement.publicity_penalty_licensing", "enforcement.publicity_other"),
                step="publish",
            ),
        ],
        extra_filters={
            "publicity_overdue": django_filters.BooleanFilter(label="公示逾期", method=publicity_overdue_filter),
            "handling_overdue": django_filters.BooleanFilter(label="办案超期", method=handling_overdue_filter),
        },
    )
)
