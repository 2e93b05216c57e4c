import django_filters
from django.db.models import Q

from fazhi.core.duties import Duty
from fazhi.core.ledgers import Ledger, registry
from fazhi.core.serializers import LedgerSerializer, serializer_class

from .actions import (
    MATTER_ACTIONS,
    PLAN_ACTIONS,
    TARGET_ACTIONS,
    TASK_ACTIONS,
    ConflictForm,
    TaskForm,
    check_task_relations,
    result_overdue_filter,
)
from .importers import EntityImport
from .models import Conflict, InspectionMatter, InspectionPlan, InspectionTask, MarketEntity, TaskEntity


class TaskSerializer(LedgerSerializer):
    def check_relations(self, instance, relations):
        matters = relations.get("matters")
        if matters is None and instance.pk:
            matters = list(instance.matters.all())
        bodies = relations.get("bodies")
        if bodies is None and instance.pk:
            bodies = list(instance.bodies.all())
        if instance.unit_id and matters is not None:
            check_task_relations(instance.unit, matters, bodies or [])


registry.register(
    Ledger(
        model=MarketEntity,
        area="inspections",
        slug="market-entities",
        columns=["uscc", "name", "entity_type", "industry", "region", "risk_class", "unit", "is_active"],
        sort_fields=["id", "uscc", "name"],
        default_sort="uscc",
        filter_fields=["unit", "risk_class", "industry", "entity_type", "is_active"],
        search_fields=["uscc", "name"],
        select_related=["unit", "region"],
        importer=EntityImport(),
    )
)

registry.register(
    Ledger(
        model=InspectionMatter,
        area="inspections",
        slug="inspection-matters",
        columns=["code", "name", "category", "body", "unit", "method", "published_on"],
        sort_fields=["id", "code", "name"],
        default_sort="code",
        filter_fields=["unit", "category", "published_on"],
        search_fields=["code", "name"],
        select_related=["unit", "body"],
        actions=MATTER_ACTIONS,
        state_fields=["published_on"],
    )
)

registry.register(
    Ledger(
        model=InspectionPlan,
        area="inspections",
        slug="inspection-plans",
        columns=["code", "year", "name", "unit", "published_on"],
        sort_fields=["id", "code", "year"],
        default_sort="-year",
        filter_fields=["unit", "year", "published_on"],
        search_fields=["code", "name"],
        actions=PLAN_ACTIONS,
        state_fields=["published_on"],
    )
)

registry.register(
    Ledger(
        model=InspectionTask,
        area="inspections",
        slug="inspection-tasks",
        columns=["code", "name", "unit", "start_on", "end_on", "status", "drawn_total", "is_joint", "published_on"],
        sort_fields=["id", "code", "start_on"],
        default_sort="-start_on",
        filter_fields=["unit", "status", "is_joint", "plan", "start_on", "drawn_on"],
        search_fields=["code", "name"],
        form_class=TaskForm,
        serializer_class=serializer_class(InspectionTask, TaskSerializer),
        actions=TASK_ACTIONS,
        state_fields=["status", "drawn_on", "published_on"],
    )
)

registry.register(
    Ledger(
        model=TaskEntity,
        area="inspections",
        slug="inspection-targets",
        columns=["task", "entity", "risk_class", "inspected_on", "result", "result_due_on", "published_on"],
        sort_fields=["id", "position"],
        default_sort="-id",
        filter_fields=[
            "unit",
            "task",
            "risk_class",
            "result",
            "problem_found",
            "current",
            "inspected_on",
            "published_on_time",
        ],
        select_related=["unit", "task", "entity"],
        form_fields=["unit"],
        actions=TARGET_ACTIONS,
        state_fields=["current", "inspected_on", "result", "disposal", "published_on"],
        duties=[
            Duty(
                "publish",
                "公示抽查结果",
                "result_due_on",
                Q(current=True, published_on__isnull=True),
                rules=("inspection.result_publication",),
                step="publish",
            ),
        ],
        extra_filters={"overdue": django_filters.BooleanFilter(label="公示逾期", method=result_overdue_filter)},
    )
)

registry.register(
    Ledger(
        model=Conflict,
        area="inspections",
        slug="conflicts",
        columns=["officer", "entity", "reason", "declared_on", "unit"],
        sort_fields=["id", "declared_on"],
        default_sort="-declared_on",
        filter_fields=["unit", "declared_on"],
        search_fields=["officer__name", "entity__uscc", "entity__name"],
        select_related=["unit", "officer", "entity"],
        form_class=ConflictForm,
    )
)
