import datetime as dt
import itertools

import django_filters

from fazhi.core.identifiers import uscc_check_char
from fazhi.core.ledgers import Ledger, registry
from fazhi.core.serializers import LedgerSerializer, serializer_class
from fazhi.enforcement.ledgers import sample_body, sample_officer
from fazhi.org.models import Region

from . import rules
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
from .choices import Industry, RiskClass
from .importers import EntityImport
from .models import Conflict, InspectionMatter, InspectionPlan, InspectionTask, MarketEntity, TaskEntity

_serial = itertools.count(1)


def sample_uscc() -> str:
    body = f"92990100MA{next(_serial):07d}"
    return body + uscc_check_char(body)


def sample_entity(unit, marker, region=None, risk_class=RiskClass.C):
    return MarketEntity.objects.create(
        unit=unit,
        uscc=sample_uscc(),
        name=f"检查对象{marker}",
        industry=Industry.F,
        region=region or unit.region,
        risk_class=risk_class,
    )


def sample_inspection_matter(unit, marker, body=None, published_on=None):
    return InspectionMatter.objects.create(
        unit=unit,
        code=f"SC-{marker}"[:64],
        name=f"抽查事项{marker}",
        body=body or sample_body(unit, f"{marker}-b"),
        basis="《中华人民共和国食品安全法》第一百一十条",
        objects_description="食品经营者",
        published_on=published_on,
    )


def sample_plan(unit, marker):
    return InspectionPlan.objects.create(
        unit=unit, code=f"JH-{marker}"[:64], year=2025, name=f"年度计划{marker}", content="按风险分类确定抽查比例"
    )


def sample_task(unit, marker, body=None, **fields):
    body = body or sample_body(unit, f"{marker}-b")
    matter = sample_inspection_matter(unit, f"{marker}-m", body, published_on=dt.date(2025, 1, 2))
    task = InspectionTask.objects.create(
        unit=unit,
        code=f"RW-{marker}"[:64],
        name=f"抽查任务{marker}",
        ratio_c=5,
        start_on=dt.date(2025, 4, 1),
        end_on=dt.date(2025, 9, 30),
        **fields,
    )
    task.matters.set([matter])
    task.bodies.set([body])
    return task


def sample_target(unit, marker):
    """A drawn entity: a task limited to a region of its own, so that only this sample's entity is drawn."""
    n = next(_serial) % 10000
    region = Region.objects.create(code=f"98{n:04d}", name=f"样例区{n}")  # regions are shared: no marker
    body = sample_body(unit, f"{marker}-b")
    for i in (1, 2):
        sample_officer(unit, f"{marker}-o{i}", body)
    sample_entity(unit, marker, region)
    task = sample_task(unit, f"{marker}-t", body, ratio_a=100, ratio_b=100, ratio_d=100, ratio_e=100)
    task.ratio_c = 100
    task.save()
    task.regions.set([region])
    rules.draw_task(task, on=dt.date(2025, 3, 3), seed=1)
    return TaskEntity.objects.get(task=task)


def sample_conflict(unit, marker):
    officer = sample_officer(unit, f"{marker}-o")
    return Conflict.objects.create(
        unit=unit,
        officer=officer,
        entity=sample_entity(unit, f"{marker}-e"),
        reason=f"亲属关系{marker}",
        declared_on=dt.date(2025, 1, 2),
    )


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
        sample=lambda unit, marker: sample_entity(unit, marker),
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
        sample=lambda unit, marker: sample_inspection_matter(unit, marker),
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
        sample=sample_plan,
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
        sample=lambda unit, marker: sample_task(unit, marker),
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
        sample=sample_target,
        actions=TARGET_ACTIONS,
        state_fields=["current", "inspected_on", "result", "disposal", "published_on"],
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
        sample=sample_conflict,
    )
)
