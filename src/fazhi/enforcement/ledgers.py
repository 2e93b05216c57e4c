import datetime as dt
import itertools

import django_filters

from fazhi.core.identifiers import id_check_char
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
from .choices import CertificateKind, MatterType, PartyType
from .importers import MatterImport, OfficerImport
from .models import Case, Certificate, EnforcementBody, Matter, Officer

_serial = itertools.count(1)


def sample_id_number() -> str:
    n = next(_serial)
    body = f"990102{dt.date(1970, 1, 1) + dt.timedelta(days=n // 1000):%Y%m%d}{n % 1000:03d}"
    return body + id_check_char(body)


def sample_body(unit, marker):
    return EnforcementBody.objects.create(
        unit=unit,
        code=f"B-{marker}"[:32],
        name=f"执法主体{marker}",
        legal_basis="《中华人民共和国行政处罚法》第十七条",
    )


def sample_officer(unit, marker, body=None):
    body = body or sample_body(unit, f"{marker}-b")
    officer = Officer.objects.create(
        unit=unit,
        body=body,
        name=f"执法人员{marker}",
        id_number=sample_id_number(),
        law_category="综合执法",
    )
    Certificate.objects.create(
        unit=unit,
        officer=officer,
        kind=CertificateKind.ENFORCEMENT,
        number=f"Z{next(_serial):08d}",
        issued_on=dt.date(2020, 1, 1),
        expires_on=dt.date(2099, 12, 31),
    )
    return officer


def sample_certificate(unit, marker):
    officer = sample_officer(unit, f"{marker}-o")
    return Certificate.objects.create(
        unit=unit,
        officer=officer,
        number=marker[:40],
        issued_on=dt.date(2024, 1, 1),
        expires_on=dt.date(2029, 12, 31),
    )


def sample_matter(unit, marker, body=None):
    return Matter.objects.create(
        unit=unit,
        code=f"M-{marker}"[:64],
        name=f"执法事项{marker}",
        matter_type=MatterType.PENALTY,
        body=body or sample_body(unit, f"{marker}-b"),
        legal_basis="《中华人民共和国食品安全法》第一百二十二条",
    )


def sample_case(unit, marker):
    from fazhi.core.identifiers import uscc_check_char

    body = sample_body(unit, f"{marker}-b")
    matter = sample_matter(unit, f"{marker}-m", body)
    officers = [sample_officer(unit, f"{marker}-o{i}", body) for i in (1, 2)]
    uscc = "91990100MA" + f"{next(_serial):07d}"
    return rules.open_case(
        unit=unit,
        number=f"AJ-{marker}",
        matter=matter,
        party_type=PartyType.ENTITY,
        party_name=f"当事人{marker}",
        party_id_number=uscc + uscc_check_char(uscc),
        officers=officers,
        opened_on=dt.date(2025, 3, 3),
    )


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
        sample=sample_body,
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
        sample=lambda unit, marker: sample_officer(unit, marker),
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
        sample=sample_certificate,
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
        sample=lambda unit, marker: sample_matter(unit, marker),
        importer=MatterImport(),
        actions=MATTER_ACTIONS,
    )
)

registry.register(
    Ledger(
        model=Case,
        area="enforcement",
        slug="cases",
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
        sample=sample_case,
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
        extra_filters={
            "publicity_overdue": django_filters.BooleanFilter(label="公示逾期", method=publicity_overdue_filter),
            "handling_overdue": django_filters.BooleanFilter(label="办案超期", method=handling_overdue_filter),
        },
    )
)
