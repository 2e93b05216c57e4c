import datetime as dt

import django_filters

from fazhi.core.identifiers import uscc_check_char
from fazhi.core.ledgers import Ledger, registry

from .actions import APPLICATION_ACTIONS, RATING_ACTIONS, overdue_filter
from .choices import ApplicantType, ApplicationStatus, Channel, ItemType, RatingChannel
from .importers import ApplicationImport, ServiceItemImport
from .models import Application, Rating, ServiceItem


def sample_uscc(seed: int) -> str:
    body = f"91{990000 + seed % 10000:06d}MA{seed % 10**7:07d}"
    return body + uscc_check_char(body)


def sample_item(unit, marker):
    return ServiceItem.objects.create(
        unit=unit,
        code=f"ITEM-{marker}",
        name=f"事项{marker}",
        item_type=ItemType.LICENSING,
        statutory_limit=20,
        promised_limit=5,
        effective_from=dt.date(2024, 1, 1),
    )


def sample_application(unit, marker):
    item = sample_item(unit, f"{marker}-item")
    return Application.objects.create(
        unit=unit,
        number=f"BJ-{marker}",
        item=item,
        applicant_type=ApplicantType.ENTITY,
        applicant_name=f"申请人{marker}",
        applicant_id_number=sample_uscc(len(marker)),
        channel=Channel.ONLINE,
        received_on=dt.date(2025, 3, 3),
    )


def sample_rating(unit, marker):
    application = sample_application(unit, f"{marker}-app")
    application.status = ApplicationStatus.DECIDED
    application.accepted_on = application.decided_on = dt.date(2025, 3, 4)
    application.save()
    return Rating.objects.create(
        unit=unit,
        application=application,
        stars=5,
        channel=RatingChannel.ONLINE,
        comment=f"评价{marker}",
        rated_on=dt.date(2025, 3, 5),
    )


registry.register(
    Ledger(
        model=ServiceItem,
        area="services",
        slug="service-items",
        columns=[
            "code",
            "name",
            "item_type",
            "unit",
            "statutory_limit",
            "promised_limit",
            "online_depth",
            "visits_required",
        ],
        sort_fields=["id", "code", "statutory_limit", "promised_limit"],
        default_sort="code",
        filter_fields=[
            "unit",
            "item_type",
            "online_depth",
            "tolerance_allowed",
            "commitment_allowed",
            "cross_province",
        ],
        search_fields=["code", "name"],
        sample=sample_item,
        importer=ServiceItemImport(),
    )
)

registry.register(
    Ledger(
        model=Application,
        area="services",
        slug="applications",
        columns=[
            "number",
            "item",
            "unit",
            "applicant_name",
            "channel",
            "received_on",
            "due_on",
            "decided_on",
            "status",
        ],
        sort_fields=["id", "received_on", "number"],
        default_sort="-received_on",
        filter_fields=["unit", "status", "channel", "received_on", "on_time"],
        search_fields=["number"],
        select_related=["unit", "item"],
        form_fields=[
            "unit",
            "number",
            "item",
            "applicant_type",
            "applicant_name",
            "applicant_id_number",
            "channel",
            "received_on",
            "tolerance_acceptance",
            "commitment_acceptance",
        ],
        sample=sample_application,
        importer=ApplicationImport(),
        actions=APPLICATION_ACTIONS,
        state_fields=["status", "accepted_on", "decided_on", "outcome"],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期", method=overdue_filter)},
    )
)

registry.register(
    Ledger(
        model=Rating,
        area="services",
        slug="ratings",
        columns=["application", "unit", "stars", "channel", "rated_on", "rectification_due_on", "rectified_on"],
        sort_fields=["id", "rated_on", "stars"],
        default_sort="-rated_on",
        filter_fields=["unit", "stars", "channel", "rated_on"],
        select_related=["unit", "application"],
        sample=sample_rating,
        actions=RATING_ACTIONS,
        state_fields=["rectified_on"],
    )
)
