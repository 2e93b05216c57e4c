"""What must hold of the 双随机、一公开 ledgers, whatever road wrote them (see fazhi.core.invariants)."""

from collections import defaultdict

from django.db.models import Count, Exists, F, OuterRef, Q, Subquery

from fazhi.core.invariants import flag_disagrees, invariant, recomputed_differs
from fazhi.enforcement.choices import CertificateKind
from fazhi.enforcement.deadlines import certificate_valid_on
from fazhi.enforcement.models import Certificate
from fazhi.law.steps import optional_param

from .choices import PROBLEM_RESULTS, TaskStatus
from .deadlines import result_due
from .models import DrawRun, InspectionPlan, InspectionTask, TaskEntity

T = TaskStatus


@invariant("inspection-plans", "年度抽查计划在计划年度结束前公开")
def plan_published_within_its_year():
    for plan in InspectionPlan.all_objects.filter(published_on__year__gt=F("year")).order_by("pk"):
        yield plan, f"{plan.year}年度计划，公开于{plan.published_on}"


@invariant(
    "inspection-tasks",
    "任务状态与抽取一致（待抽取的没有抽取记录、抽取日期和公示；已抽取的有一次有效抽取），"
    "抽取日期、抽取对象数与有效的抽取记录相同，公示不早于抽取",
)
def task_matches_its_draw():
    current = DrawRun.objects.filter(task=OuterRef("pk"), superseded_at__isnull=True)
    rows = InspectionTask.all_objects.annotate(
        has_runs=Exists(DrawRun.objects.filter(task=OuterRef("pk"))),
        run_drawn_on=Subquery(current.values("drawn_on")[:1]),
        run_drawn_total=Subquery(current.values("drawn_total")[:1]),
    ).filter(
        Q(status=T.DRAFT)
        & (Q(has_runs=True) | Q(drawn_on__isnull=False) | Q(drawn_total__isnull=False) | Q(published_on__isnull=False))
        | Q(status=T.DRAWN)
        & (
            Q(run_drawn_on__isnull=True)
            | Q(drawn_on__isnull=True)
            | Q(drawn_total__isnull=True)
            | ~Q(drawn_on=F("run_drawn_on"))
            | ~Q(drawn_total=F("run_drawn_total"))
        )
        | Q(published_on__lt=F("drawn_on"))
    )
    for task in rows.order_by("pk"):
        yield (
            task,
            (
                f"状态“{task.get_status_display()}”，抽取{task.drawn_on or '—'}（记录{task.run_drawn_on or '—'}），"
                f"对象{task.drawn_total}（记录{task.run_drawn_total}），公示{task.published_on or '—'}"
            ),
        )


@invariant("inspection-tasks", "随机抽查只针对抽取前已向社会公开的抽查事项（国办发〔2015〕58号）")
def drawn_from_published_matters():
    unpublished = InspectionTask.matters.through.objects.filter(inspectiontask_id=OuterRef("task_id")).filter(
        Q(inspectionmatter__published_on__isnull=True) | Q(inspectionmatter__published_on__gt=OuterRef("drawn_on"))
    )
    runs = DrawRun.objects.filter(Exists(unpublished)).values("task_id")
    for task in InspectionTask.all_objects.filter(pk__in=runs).order_by("pk"):
        yield task, "含抽取时尚未公开的抽查事项"


@invariant("inspection-targets", "只有有效抽取的对象才有检查结果（“有效抽取”与抽取记录是否被替代一致）")
def results_only_on_current_draws():
    superseded = DrawRun.objects.filter(pk=OuterRef("run_id"), superseded_at__isnull=False)
    rows = TaskEntity.all_objects.annotate(old=Exists(superseded)).filter(
        Q(current=True, old=True) | Q(current=False, old=False) | Q(current=False) & ~Q(result="")
    )
    for target in rows.select_related("task").order_by("pk"):
        yield target, f"有效抽取：{'是' if target.current else '否'}，检查结果：{target.get_result_display() or '—'}"


@invariant("inspection-targets", "一次抽取中同一检查对象至多抽中一次，抽取序号不重复，抽取对象数与抽取记录相同")
def one_row_per_entity_per_draw():
    runs = DrawRun.objects.annotate(
        rows=Count("targets"),
        entities=Count("targets__entity", distinct=True),
        positions=Count("targets__position", distinct=True),
    ).filter(~Q(rows=F("drawn_total")) | ~Q(entities=F("rows")) | ~Q(positions=F("rows")))
    for run in runs.order_by("pk"):
        target = TaskEntity.all_objects.filter(run=run).select_related("task").order_by("position", "pk").first()
        if target is not None:
            yield (
                target,
                f"{run}：记录抽取{run.drawn_total}个，保存{run.rows}行、{run.entities}个对象、{run.positions}个序号",
            )


@invariant(
    "inspection-targets",
    "检查结果与各字段一致（未录入的没有检查日期、公示；录入的有检查日期，“发现问题”与检查结果一致，"
    "发现问题的有后续处置）；检查不早于抽取，公示不早于检查",
)
def result_matches_fields():
    drawn_on = DrawRun.objects.filter(pk=OuterRef("run_id")).values("drawn_on")[:1]
    problems = list(PROBLEM_RESULTS)
    rows = TaskEntity.all_objects.annotate(run_drawn_on=Subquery(drawn_on)).filter(
        Q(result="") & (Q(inspected_on__isnull=False) | Q(problem_found__isnull=False) | Q(published_on__isnull=False))
        | ~Q(result="")
        & (
            Q(inspected_on__isnull=True)
            | Q(problem_found__isnull=True)
            | Q(result__in=problems) & (Q(problem_found=False) | Q(disposal=""))
            | ~Q(result__in=problems) & Q(problem_found=True)
        )
        | Q(inspected_on__lt=F("run_drawn_on"))
        | Q(published_on__lt=F("inspected_on"))
    )
    for target in rows.select_related("task").order_by("pk"):
        yield (
            target,
            (
                f"抽取{target.run_drawn_on}，检查{target.inspected_on or '—'}，"
                f"结果“{target.get_result_display() or '—'}”，"
                f"发现问题{target.problem_found}，公示{target.published_on or '—'}"
            ),
        )


@invariant("inspection-targets", "结果公示期限 = 检查日期起按法定公示期限（工作日）计算的日期；未检查的没有公示期限")
def result_due_follows_the_law():
    yield from recomputed_differs(
        TaskEntity.all_objects.filter(Q(inspected_on__isnull=False) | Q(result_due_on__isnull=False)),
        ["inspected_on"],
        "result_due_on",
        lambda inspected_on: result_due(inspected_on) if inspected_on else None,
    )


@invariant("inspection-targets", "“按时公示”与公示日期、结果公示期限一致（未公示的没有该标志）")
def published_on_time_matches_dates():
    rows = TaskEntity.all_objects.filter(
        flag_disagrees("published_on_time", "published_on", "result_due_on")
        | Q(published_on__isnull=False, result_due_on__isnull=True)
    )
    for target in rows.select_related("task").order_by("pk"):
        yield (
            target,
            f"公示{target.published_on or '—'}，期限{target.result_due_on or '无'}，记为{target.published_on_time}",
        )


@invariant("inspection-targets", "检查之日，检查组持有效执法证件的检查人员不少于法定人数（处罚法第四十二条）")
def inspected_by_certified_inspectors():
    rows = list(
        TaskEntity.all_objects.filter(inspected_on__isnull=False)
        .values_list("pk", "team", "inspected_on")
        .order_by("pk")
        .iterator(chunk_size=5000)
    )
    officers = {int(part) for _, team, _ in rows for part in team.split(",") if part}
    held = defaultdict(list)
    certificates = Certificate.objects.filter(kind=CertificateKind.ENFORCEMENT, officer_id__in=officers).values_list(
        "officer_id", "issued_on", "expires_on", "revoked_on"
    )
    for officer, *dates in certificates.iterator(chunk_size=5000):
        held[officer].append(dates)
    for pk, team, day in rows:
        minimum = optional_param("inspection.min_inspectors", day)
        if minimum is None:
            continue
        certified = sum(
            1
            for part in team.split(",")
            if part and any(certificate_valid_on(*dates, day) for dates in held[int(part)])
        )
        if certified < minimum.value:
            yield (
                TaskEntity.all_objects.get(pk=pk),
                f"检查日{day}持有效执法证件的检查人员{certified}人（至少{minimum.value}人）",
            )
