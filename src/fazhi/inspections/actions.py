"""双随机 workflow steps on detail pages and at POST /api/<ledger>/{id}/<step>/, and the forms that need more than
the generic ledger form. Step forms name their fields after those the step writes (`published_on`, …)."""

from django import forms
from django.core.exceptions import ValidationError

from fazhi.core.ledgers import Action
from fazhi.enforcement.actions import PublishForm, date_field, text_field, today

from . import rules
from .choices import Result, TaskStatus
from .deadlines import result_overdue_q
from .models import Conflict, InspectionTask, MarketEntity


class DrawForm(forms.Form):
    reason = text_field("重新抽取理由（首次抽取不填）", required=False)


class ResultForm(forms.Form):
    inspected_on = date_field("检查日期")
    result = forms.ChoiceField(label="检查结果", choices=Result.choices)
    disposal = text_field("后续处置", required=False)


class NoFields(forms.Form):
    pass


def run_draw(task, data, user):
    rules.draw_task(task, user=user, reason=data["reason"])


def run_verify(task, data, user):
    """Refuses (shows every line) when the draw cannot be reproduced; the full report is on the verify page."""
    report = rules.verify(task)
    if not report.identical:
        raise ValidationError(report.lines)


MATTER_ACTIONS = [
    Action(
        "publish",
        "向社会公开",
        PublishForm,
        lambda matter, data, user: rules.publish_matter(matter, data["published_on"]),
        lambda matter: matter.published_on is None,
    ),
]

PLAN_ACTIONS = [
    Action(
        "publish",
        "公开年度计划",
        PublishForm,
        lambda plan, data, user: rules.publish_plan(plan, data["published_on"]),
        lambda plan: plan.published_on is None,
    ),
]

TASK_ACTIONS = [
    Action("draw", "随机抽取检查对象和检查人员", DrawForm, run_draw, lambda task: task.published_on is None),
    Action(
        "publish",
        "公示抽查任务及抽取结果",
        PublishForm,
        lambda task, data, user: rules.publish_task(task, data["published_on"]),
        lambda task: task.status == TaskStatus.DRAWN and task.published_on is None,
    ),
    Action("verify", "复核抽取结果", NoFields, run_verify, lambda task: task.status == TaskStatus.DRAWN),
    Action(
        "publish-results",
        "公示全部已录入的检查结果",
        PublishForm,
        lambda task, data, user: rules.publish_results(task, data["published_on"]),
        lambda task: task.status == TaskStatus.DRAWN,
    ),
]

TARGET_ACTIONS = [
    Action(
        "result",
        "录入检查结果",
        ResultForm,
        lambda target, data, user: rules.enter_result(
            target, inspected_on=data["inspected_on"], result=data["result"], disposal=data["disposal"]
        ),
        lambda target: target.current and target.published_on is None,
    ),
    Action(
        "publish",
        "公示检查结果",
        PublishForm,
        lambda target, data, user: rules.publish_result(target, data["published_on"]),
        lambda target: bool(target.result) and target.published_on is None,
    ),
]


def result_overdue_filter(queryset, name, value):
    if value is None:
        return queryset
    late = result_overdue_q(today())
    return queryset.filter(late) if value else queryset.exclude(late)


class TaskForm(forms.ModelForm):
    class Meta:
        model = InspectionTask
        fields = [
            "unit",
            "code",
            "name",
            "plan",
            "matters",
            "bodies",
            "regions",
            "industries",
            "ratio_a",
            "ratio_b",
            "ratio_c",
            "ratio_d",
            "ratio_e",
            "exclusion_days",
            "inspectors_per_entity",
            "start_on",
            "end_on",
        ]

    def clean(self):
        data = super().clean()
        unit = data.get("unit")
        matters, bodies = data.get("matters"), data.get("bodies")
        if unit is not None and matters is not None:
            check_task_relations(unit, matters, bodies or [])
        return data


def check_task_relations(unit, matters, bodies):
    """The lead unit must own one of the matters or bodies; a task of other units' bodies alone is theirs."""
    owners = {m.unit_id for m in matters} | {b.unit_id for b in bodies}
    if owners and unit.pk not in owners:
        raise ValidationError("牵头单位应当是抽查事项或执法主体的所属单位之一")


class ConflictForm(forms.ModelForm):
    """回避申报: the entity is named by its 统一社会信用代码 (the register is far too large for a list)."""

    entity_uscc = forms.CharField(label="检查对象统一社会信用代码", max_length=18)

    class Meta:
        model = Conflict
        fields = ["unit", "officer", "entity_uscc", "reason", "declared_on"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.entity_id:
            self.fields["entity_uscc"].initial = self.instance.entity.uscc

    def clean_entity_uscc(self):
        code = self.cleaned_data["entity_uscc"].strip().upper()
        entity = MarketEntity.objects.filter(uscc=code).first()
        if entity is None:
            raise ValidationError("检查对象名录库中没有该统一社会信用代码")
        self.instance.entity = entity
        return code
