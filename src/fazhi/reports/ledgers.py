import django_filters
from django.db.models import Q
from django.utils import timezone

from fazhi.core.duties import Duty
from fazhi.core.ledgers import Ledger, registry

from .actions import BLOCK_ACTIONS, REPORT_ACTIONS
from .models import AnnualReport, NarrativeBlock


def overdue(queryset, name, value):
    late = Q(published_at__isnull=True, due_on__lt=timezone.localdate()) | Q(published_at__date__gt=models_due())
    return queryset.filter(late) if value else queryset.exclude(late)


def models_due():
    from django.db.models import F

    return F("due_on")


registry.register(
    Ledger(
        model=AnnualReport,
        area="reports",
        slug="annual-reports",
        evidence=True,
        columns=["title", "unit", "year", "status", "submitted_on", "due_on", "published_at"],
        sort_fields=["id", "year", "due_on"],
        default_sort="-year",
        filter_fields=["unit", "year", "status"],
        form_fields=["unit", "year", "title", "recipient", "issuer", "issue_date"],
        actions=REPORT_ACTIONS,
        work_page=("打开报告编写页", "reports:workspace"),
        state_fields=[
            "status",
            "reviewed_at",
            "reviewed_by",
            "approval_meeting",
            "approved_on",
            "approved_by",
            "submitted_to",
            "submitted_on",
            "submitted_by",
            "published_at",
            "published_by",
        ],
        duties=[
            Duty(
                "submit",
                "报送年度报告",
                "submission_due_on",
                Q(submission_due_on__isnull=False, submitted_on__isnull=True),
                rules=("annual_report.department_submission",),
                step="submit",
            ),
            Duty(
                "publish",
                "公开年度报告",
                "due_on",
                Q(published_at__isnull=True),
                rules=("annual_report.publication",),
                step="publish",
            ),
        ],
        extra_filters={"overdue": django_filters.BooleanFilter(label="逾期未公开", method=overdue)},
    )
)

registry.register(
    Ledger(
        model=NarrativeBlock,
        area="reports",
        slug="report-blocks",
        columns=["text", "report", "unit", "section", "position", "approved"],
        sort_fields=["id", "position"],
        default_sort="-id",
        filter_fields=["unit", "report", "section", "approved"],
        select_related=["unit", "report"],
        form_fields=["unit", "report", "section", "position", "text"],
        actions=BLOCK_ACTIONS,
        state_fields=["approved"],
    )
)
