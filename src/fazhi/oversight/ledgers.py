import django_filters
from django.db.models import Q

from fazhi.core.duties import Duty
from fazhi.core.ledgers import Ledger, registry

from .actions import DISCLOSURE_ACTIONS, SUGGESTION_ACTIONS, disclosure_overdue, suggestion_overdue
from .choices import DisclosureStatus, SuggestionStatus
from .importers import DisclosureImport, SuggestionImport
from .models import DisclosureRequest, Suggestion

registry.register(
    Ledger(
        model=Suggestion,
        area="oversight",
        slug="suggestions",
        columns=[
            "kind",
            "session",
            "number",
            "title",
            "proposer",
            "unit",
            "assigned_on",
            "due_on",
            "status",
            "replied_on",
            "satisfaction",
        ],
        export_fields=[
            "kind",
            "session",
            "number",
            "title",
            "proposer",
            "unit",
            "assigned_on",
            "difficult",
            "due_on",
            "status",
            "replied_on",
            "reply_category",
            "on_time",
            "satisfaction",
            "feedback_on",
        ],
        sort_fields=["id", "assigned_on", "number"],
        default_sort="-assigned_on",
        filter_fields=["unit", "kind", "status", "assigned_on", "on_time", "satisfaction"],
        search_fields=["number", "title", "proposer"],
        form_fields=["unit", "kind", "session", "number", "title", "proposer", "assigned_on"],
        importer=SuggestionImport(),
        actions=SUGGESTION_ACTIONS,
        state_fields=[
            "status",
            "difficult",
            "difficult_reason",
            "replied_on",
            "reply_category",
            "satisfaction",
            "feedback_on",
        ],
        duties=[
            Duty(
                "reply",
                "答复代表委员",
                "due_on",
                Q(status=SuggestionStatus.ASSIGNED),
                rules=("suggestions.npc_reply", "suggestions.cppcc_reply"),
                step="reply",
            ),
        ],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期", method=suggestion_overdue)},
    )
)

registry.register(
    Ledger(
        model=DisclosureRequest,
        area="oversight",
        slug="disclosure-requests",
        columns=[
            "number",
            "unit",
            "applicant_name",
            "channel",
            "received_on",
            "due_on",
            "status",
            "reply_type",
            "replied_on",
        ],
        export_fields=[
            "number",
            "unit",
            "applicant_type",
            "applicant_name",
            "channel",
            "content",
            "received_on",
            "correction_requested_on",
            "correction_received_on",
            "extension_days",
            "extension_approver",
            "due_on",
            "status",
            "reply_type",
            "reply_reason",
            "replied_on",
            "on_time",
        ],
        sort_fields=["id", "received_on", "number"],
        default_sort="-received_on",
        filter_fields=["unit", "channel", "status", "reply_type", "received_on", "on_time"],
        search_fields=["number", "applicant_name", "content"],
        form_fields=["unit", "number", "applicant_type", "applicant_name", "channel", "content", "received_on"],
        importer=DisclosureImport(),
        actions=DISCLOSURE_ACTIONS,
        state_fields=[
            "status",
            "correction_requested_on",
            "correction_received_on",
            "extension_days",
            "extended_on",
            "extension_approver",
            "reply_type",
            "reply_reason",
            "replied_on",
        ],
        duties=[
            Duty(
                "reply",
                "答复公开申请",
                "due_on",
                Q(status=DisclosureStatus.RECEIVED, stopped=False),
                rules=("disclosure.reply",),
                step="reply",
            ),
        ],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期", method=disclosure_overdue)},
    )
)
