import django_filters
from django.db.models import Q

from fazhi.core.duties import Duty
from fazhi.core.ledgers import Ledger, registry

from .actions import APPLICATION_ACTIONS, RATING_ACTIONS, overdue_filter
from .choices import ApplicationStatus
from .importers import ApplicationImport, ServiceItemImport
from .models import Application, Rating, ServiceItem

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
        # the 台账 as an office keeps it in Excel: the applicant's identity too (masked for roles that do not
        # handle applications, fazhi.privacy)
        export_fields=[
            "number",
            "item",
            "unit",
            "applicant_type",
            "applicant_name",
            "applicant_id_number",
            "channel",
            "received_on",
            "accepted_on",
            "due_on",
            "decided_on",
            "status",
            "outcome",
            "on_time",
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
        importer=ApplicationImport(),
        actions=APPLICATION_ACTIONS,
        state_fields=["status", "accepted_on", "decided_on", "outcome"],
        duties=[
            Duty(
                "decide",
                "办结",
                "due_on",
                Q(status=ApplicationStatus.ACCEPTED),
                rule_text="办事指南承诺的办结时限",
                step="decide",
            ),
        ],
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
        actions=RATING_ACTIONS,
        duties=[
            Duty(
                "rectify",
                "差评整改",
                "rectification_due_on",
                Q(rectified_on__isnull=True),
                rules=("services.bad_rating_rectification",),
                step="rectify",
            ),
        ],
        state_fields=["rectified_on"],
    )
)
