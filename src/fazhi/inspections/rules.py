"""The 双随机、一公开 workflow steps: the draw and its verification, publication, results.

Each step runs locked (`@step`); where it can, a pure `check_*` validates the move against the row's fields and
makes it in memory, and the step loads what the check needs and saves. A step the row's current state does not
allow raises StateConflict (HTTP 409); a broken rule is a ValidationError naming it (400). Derived values (the
result's publication limit and on-time flag) come from `deadlines.derive_target`, which the model's save calls.
"""

from __future__ import annotations

import datetime as dt
import gc
import secrets
from array import array
from contextlib import contextmanager
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Case, Q, Value, When
from django.utils import timezone

from fazhi.core.steps import StateConflict, step
from fazhi.enforcement.models import Officer, certified_officer_ids, valid_certificates
from fazhi.law.params import param, rule
from fazhi.law.steps import not_before, require_status
from fazhi.org.models import Region

from . import draw as engine
from .choices import PROBLEM_RESULTS, RISK_CLASSES, TaskStatus
from .models import (
    Conflict,
    DrawRun,
    InspectionMatter,
    InspectionPlan,
    InspectionTask,
    MarketEntity,
    TaskEntity,
)

CHUNK = 20_000
MAX_PARAMETERS = 30_000  # below SQLite's 32,766 bound parameters per statement


# -- the inputs of a draw ------------------------------------------------------------------------------------
def exclusion_window(task: InspectionTask, on: dt.date) -> int:
    if task.exclusion_days is not None:
        return task.exclusion_days
    return param("inspection.repeat_window", on).value


def region_ids(task: InspectionTask) -> list[int] | None:
    """The chosen regions and every region below them; None when the task is not limited by region."""
    chosen = set(task.regions.values_list("pk", flat=True))
    if not chosen:
        return None
    children: dict[int | None, list[int]] = {}
    for pk, parent in Region.objects.values_list("pk", "parent_id"):
        children.setdefault(parent, []).append(pk)
    found, stack = set(), list(chosen)
    while stack:
        pk = stack.pop()
        if pk not in found:
            found.add(pk)
            stack.extend(children.get(pk, ()))
    return sorted(found)


def recent_run_ids(task: InspectionTask, on: dt.date, window: int, at, before: DrawRun | None = None) -> list[int]:
    """Runs of other tasks on any of this task's matters drawn within the window and in force at `at`.

    Runs drawn after `before` are left out, so re-reading the inputs of an old run gives what it saw."""
    runs = (
        DrawRun.objects.filter(
            task__matters__in=task.matters.all(),
            drawn_on__gte=on - dt.timedelta(days=window),
            drawn_on__lte=on,
            drawn_at__lte=at,
        )
        .exclude(task=task)
        .filter(Q(superseded_at__isnull=True) | Q(superseded_at__gt=at))
    )
    if before is not None:
        runs = runs.filter(pk__lt=before.pk)
    return sorted(set(runs.values_list("pk", flat=True)))


def candidate_queryset(task: InspectionTask, on: dt.date, window: int, at, before: DrawRun | None = None):
    """(id, risk class) of every eligible entity: the only thing the draw reads of the register.

    Entities drawn for the same matter within the window are left out by an anti-join (NOT IN a subquery)."""
    entities = MarketEntity.objects.filter(is_active=True)
    regions = region_ids(task)
    if regions is not None:
        entities = entities.filter(region_id__in=regions)
    if task.industry_list:
        entities = entities.filter(industry__in=task.industry_list)
    runs = recent_run_ids(task, on, window, at, before)
    if runs:
        entities = entities.exclude(pk__in=TaskEntity.all_objects.filter(run_id__in=runs).values("entity_id"))
    return entities.order_by().values_list("pk", "risk_class")


def candidate_sql(queryset) -> tuple[str, list, bool]:
    """The statement that reads the candidates, and whether it gives one row per class (id arrays).

    PostgreSQL groups the ids by class itself (array_agg), faster than sending a row per entity; SQLite sends
    the rows. Either way no model is made, and the ids are sorted afterwards (they come nearly in order)."""
    sql, params = queryset.query.sql_with_params()
    if connection.vendor == "postgresql":
        return f"SELECT c.cls, array_agg(c.id) FROM ({sql}) AS c (id, cls) GROUP BY c.cls", list(params), True
    return sql, list(params), False


def read_candidates(queryset) -> dict[str, array]:
    sql, params, grouped = candidate_sql(queryset)
    lists: dict[str, list[int]] = {cls: [] for cls in engine.CLASSES}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        if grouped:
            for cls, ids in cursor.fetchall():
                lists[cls] = ids
        else:
            append = {cls: lists[cls].append for cls in engine.CLASSES}  # list.append: the cheapest per-row call
            while rows := cursor.fetchmany(CHUNK):
                for pk, cls in rows:
                    append[cls](pk)
    return {cls: array("q", sorted(ids)) for cls, ids in lists.items()}


def inspector_pool(task: InspectionTask, on: dt.date) -> list[tuple[int, int]]:
    """The 执法检查人员名录库 of the task: officers of its bodies holding a 执法证 valid from the draw to the end."""
    holders = valid_certificates(on, until=max(on, task.end_on)).values("officer_id")
    return list(
        Officer.objects.filter(body__in=task.bodies.all(), is_active=True, pk__in=holders)
        .order_by("pk")
        .values_list("pk", "unit_id")
    )


def conflict_pairs(task: InspectionTask, officers: set[int], at) -> list[tuple[int, int]]:
    """Conflicts declared by officers of the pool and in force at `at`, as sorted (entity, officer) pairs."""
    rows = (
        Conflict.all_objects.filter(officer__body__in=task.bodies.all(), created_at__lte=at)
        .filter(Q(deleted_at__isnull=True) | Q(deleted_at__gt=at))
        .values_list("entity_id", "officer_id")
    )
    return sorted((entity, officer) for entity, officer in rows if officer in officers)


def ratios_of(task: InspectionTask) -> dict[str, int]:
    return {cls: int(task.ratio(cls) * 100) for cls in RISK_CLASSES}


def gather_inputs(
    task: InspectionTask, on: dt.date, window: int, at, before: DrawRun | None = None
) -> engine.DrawInputs:
    pool = inspector_pool(task, on)
    return engine.DrawInputs(
        strata=read_candidates(candidate_queryset(task, on, window, at, before)),
        ratios=ratios_of(task),
        inspectors=pool,
        conflicts=conflict_pairs(task, {officer for officer, _ in pool}, at),
        team_size=task.inspectors_per_entity,
    )


# -- the draw ------------------------------------------------------------------------------------------------
@contextmanager
def gc_paused():
    """The draw makes some 100,000 small objects that all live until it ends; with a million ids in memory,
    each collection the allocations trigger walks them in vain (half the draw's time). Paused, then resumed."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _check_task(task: InspectionTask, on: dt.date, reason: str):
    if task.published_on is not None:
        raise StateConflict("抽取结果已公示，不能重新抽取")
    previous = task.current_run()
    if previous is not None:
        if previous.targets.filter(inspected_on__isnull=False).exists():
            raise StateConflict("已有检查结果录入，不能重新抽取")
        if not (reason or "").strip():
            raise ValidationError("重新抽取必须说明理由（原抽取记录将保留）")
    if on > task.end_on:
        raise ValidationError("抽取日期不能晚于检查结束日期")
    matters = list(task.matters.all())
    if not matters:
        raise ValidationError("任务至少应包含一个抽查事项")
    unpublished = [m.name for m in matters if m.published_on is None or m.published_on > on]
    if unpublished:
        raise rule("inspection.matter_on_published_list").violation(f"“{'、'.join(unpublished)}”尚未公开")
    if not task.bodies.exists():
        raise ValidationError("任务至少应指定一个实施检查的执法主体")
    minimum = param("inspection.min_inspectors", on).value
    if task.inspectors_per_entity < minimum:
        raise rule("inspection.two_certified_inspectors").violation(
            f"每个对象检查人员数{task.inspectors_per_entity}人，少于{minimum}人"
        )
    return previous


@step("随机抽取")
def draw_task(
    task: InspectionTask, *, user=None, reason: str = "", on: dt.date | None = None, seed: int | None = None
) -> DrawRun:
    """Draw entities and inspectors for a task, record the run, and write the drawn rows in bulk.

    The task is locked for the draw: one draw of a task at a time."""
    on = on or timezone.localdate()
    previous = _check_task(task, on, reason)
    window = exclusion_window(task, on)
    at = timezone.now()
    inputs = gather_inputs(task, on, window, at)
    if inputs.candidates_total == 0:
        raise ValidationError("没有符合条件的候选检查对象")
    if len(inputs.inspectors) < task.inspectors_per_entity:
        raise rule("inspection.two_certified_inspectors").violation(
            f"执法检查人员名录库中持有效执法证件的人员仅{len(inputs.inspectors)}人"
        )
    seed = secrets.randbits(128) if seed is None else seed
    try:
        with gc_paused():
            result = engine.draw(inputs, seed)
    except engine.NotEnoughInspectors as error:
        entity = MarketEntity.all_objects.get(pk=error.entity_id)
        raise rule("inspection.two_certified_inspectors").violation(
            f"“{entity.name}”排除须回避人员后可派检查人员{error.found}人，需{error.needed}人"
        ) from None
    if previous is not None:
        previous.superseded_at = at
        previous.save(update_fields=["superseded_at"])
        TaskEntity.all_objects.filter(run=previous).update(current=False)
    entity_ids = [entity for entity, _ in result.entities]
    run = DrawRun.objects.create(
        task=task,
        number=(previous.number + 1) if previous else 1,
        algorithm=engine.ALGORITHM,
        seed=f"{seed:032x}",
        drawn_at=at,
        drawn_on=on,
        drawn_by=user if getattr(user, "pk", None) else None,
        reason=(reason or "").strip(),
        exclusion_days=window,
        strata={
            cls: {"candidates": len(inputs.strata[cls]), "ratio": f"{task.ratio(cls):.2f}", "drawn": result.counts[cls]}
            for cls in engine.CLASSES
        },
        candidates_total=inputs.candidates_total,
        drawn_total=len(entity_ids),
        inspectors_total=len(inputs.inspectors),
        conflicts_total=len(inputs.conflicts),
        candidates_hash=engine.candidates_hash(inputs.strata),
        inspectors_hash=engine.inspectors_hash(inputs.inspectors, inputs.conflicts),
        result_hash=engine.result_hash(entity_ids, result.teams),
        snapshot=engine.freeze(inputs),
    )
    write_targets(task, run, result)
    task.status = TaskStatus.DRAWN
    task.drawn_on = on
    task.drawn_total = len(entity_ids)
    task.is_joint = task.bodies.values("unit").distinct().count() > 1  # 部门联合: bodies of several units
    task._change_reason = f"第{run.number}次随机抽取" + (f"：{run.reason}" if run.reason else "")
    task.save()
    return run


def write_targets(task: InspectionTask, run: DrawRun, result: engine.DrawResult) -> None:
    """Insert the drawn entities with their teams as plain rows, column by column.

    The run itself (who, when, seed, hashes) is the creation record of these rows, so no history row is
    written per drawn entity; later changes (results, publication) are recorded by the history as usual."""
    now = connection.ops.adapt_datetimefield_value(run.drawn_at)
    insert_columns(
        TaskEntity,
        {
            "unit": task.unit_id,
            "created_at": now,
            "updated_at": now,
            "deletion_reason": "",
            "task": task.pk,
            "run": run.pk,
            "current": True,
            "result": "",
            "disposal": "",
        },
        {
            "entity": [entity for entity, _ in result.entities],
            "risk_class": [cls for _, cls in result.entities],
            "position": list(range(1, len(result.entities) + 1)),
            "team": [",".join(map(str, t)) for t in result.teams],
        },
    )


def insert_columns(model, constants: dict, columns: dict[str, list]) -> None:
    """Rows given column by column (plus values the same for every row) into a table, in the current transaction.

    PostgreSQL gets one INSERT … SELECT FROM unnest(arrays); SQLite multi-row INSERTs, which it runs about three
    times faster than one INSERT per row. Both go through the connection's own cursor, which spares Django's
    placeholder rewriting of a 30,000-parameter statement."""
    size = len(next(iter(columns.values())))
    if not size:
        return
    meta, quote = model._meta, connection.ops.quote_name
    names = [*constants, *columns]
    head = f"INSERT INTO {quote(meta.db_table)} ({', '.join(quote(meta.get_field(n).column) for n in names)}) "
    connection.ensure_connection()
    if connection.vendor == "postgresql":
        # Each column travels as one '|'-joined string that the server splits and casts: joining is done in C
        # on our side, where dumping a Python list as an array walks it element by element.
        def array_of(name):
            field = meta.get_field(name)
            db_type = field.rel_db_type(connection) if field.is_relation else field.db_type(connection)
            return f"string_to_array(%s, '|')::{db_type}[]"

        def joined(values):
            if values and isinstance(values[0], bool):
                return "|".join("t" if v else "f" for v in values)
            text = "|".join(map(str, values))
            if text.count("|") != len(values) - 1:
                raise ValueError("a value contains the separator '|'")
            return text

        with connection.cursor() as cursor:
            cursor.execute(
                head + f"SELECT {', '.join(['%s'] * len(constants) + ['u.*'])} "
                f"FROM unnest({', '.join(array_of(n) for n in columns)}) AS u",
                [*constants.values(), *(joined(values) for values in columns.values())],
            )
        return
    raw = connection.connection.cursor()
    try:
        mark = "?" if connection.vendor == "sqlite" else "%s"
        one = "(" + ", ".join([mark] * len(names)) + ")"
        fixed = list(constants.values())
        per_statement = max(1, MAX_PARAMETERS // len(names))
        for start in range(0, size, per_statement):
            rows = list(zip(*(values[start : start + per_statement] for values in columns.values())))
            raw.execute(head + "VALUES " + ", ".join([one] * len(rows)), [v for row in rows for v in (*fixed, *row)])
    finally:
        raw.close()


# -- verification --------------------------------------------------------------------------------------------
@dataclass
class Verification:
    run: DrawRun
    identical: bool
    lines: list[str] = field(default_factory=list)


def stored_result_hash(run: DrawRun) -> str:
    rows = TaskEntity.all_objects.filter(run=run).order_by("position").values_list("entity_id", "team")
    entities, teams = [], []
    for entity, team in rows.iterator(chunk_size=CHUNK):
        entities.append(entity)
        teams.append([int(part) for part in team.split(",") if part])
    return engine.result_hash(entities, teams)


def verify(task: InspectionTask, run: DrawRun | None = None) -> Verification:
    """Re-run a draw: from its frozen inputs and seed, and from the inputs as the database gives them now."""
    run = run or task.current_run()
    if run is None:
        raise StateConflict("该任务尚未抽取")
    lines = [
        f"任务 {task.code} 第{run.number}次抽取（{run.drawn_at:%Y-%m-%d %H:%M}），算法 {run.algorithm}，种子 {run.seed}"
    ]
    if run.algorithm != engine.ALGORITHM:
        lines.append(f"不一致：本系统的抽取算法为 {engine.ALGORITHM}，无法复核 {run.algorithm}")
        return Verification(run, False, lines)
    ok = True

    frozen = engine.thaw(run.snapshot)
    frozen_intact = (
        engine.candidates_hash(frozen.strata) == run.candidates_hash
        and engine.inspectors_hash(frozen.inspectors, frozen.conflicts) == run.inspectors_hash
    )
    with gc_paused():
        replay = engine.draw(frozen, int(run.seed, 16))
    replay_hash = engine.result_hash([e for e, _ in replay.entities], replay.teams)
    if not frozen_intact:
        ok = False
        lines.append("不一致：保存的输入快照与记录的SHA-256不符")
    if replay_hash == run.result_hash:
        lines.append(
            f"一致：以记录的种子和输入快照重新抽取，结果相同（{run.drawn_total}个对象，SHA-256 {replay_hash}）"
        )
    else:
        ok = False
        lines.append(f"不一致：以记录的种子和输入快照重新抽取，结果SHA-256为 {replay_hash}，记录为 {run.result_hash}")

    stored = stored_result_hash(run)
    if stored == run.result_hash:
        lines.append("一致：数据库中保存的抽查对象和检查人员与抽取结果相同")
    else:
        ok = False
        lines.append(f"不一致：数据库中保存的抽查对象或检查人员已被改动（SHA-256 {stored}）")

    current = gather_inputs(task, run.drawn_on, run.exclusion_days, run.drawn_at, before=run)
    now_candidates = engine.candidates_hash(current.strata)
    now_inspectors = engine.inspectors_hash(current.inspectors, current.conflicts)
    if now_candidates == run.candidates_hash:
        lines.append(
            f"一致：按抽取条件重新读取的候选名单与抽取时相同（{current.candidates_total}个，SHA-256 {now_candidates}）"
        )
    else:
        ok = False
        lines.append(
            f"不一致：按抽取条件重新读取的候选名单已变化（现{current.candidates_total}个，抽取时{run.candidates_total}个；"
            f"SHA-256 现为 {now_candidates}，记录为 {run.candidates_hash}）"
        )
    if now_inspectors == run.inspectors_hash:
        lines.append(f"一致：检查人员名录和回避关系与抽取时相同（{len(current.inspectors)}人）")
    else:
        ok = False
        lines.append(
            f"不一致：检查人员名录或回避关系已变化（现{len(current.inspectors)}人，抽取时{run.inspectors_total}人）"
        )
    if now_candidates != run.candidates_hash or now_inspectors != run.inspectors_hash:
        try:
            again = engine.draw(current, int(run.seed, 16))
            again_hash = engine.result_hash([e for e, _ in again.entities], again.teams)
            same = "相同" if again_hash == run.result_hash else "不同"
            lines.append(f"以现有数据和记录的种子重新抽取，结果与原结果{same}")
        except engine.NotEnoughInspectors:
            lines.append("以现有数据和记录的种子重新抽取：检查人员不足，无法完成")
    lines.append("结论：" + ("抽取结果可复现，完全一致" if ok else "不一致，详见上述各项"))
    return Verification(run, ok, lines)


# -- publication ---------------------------------------------------------------------------------------------
def check_publish(obj, on: dt.date, what: str) -> None:
    if obj.published_on is not None:
        raise StateConflict(f"该{what}已公开（{obj.published_on:%Y年%m月%d日}）")
    obj.published_on = on


@step("公开抽查事项")
def publish_matter(matter: InspectionMatter, on: dt.date) -> InspectionMatter:
    check_publish(matter, on, "抽查事项")
    matter.save()
    return matter


def check_publish_plan(plan: InspectionPlan, on: dt.date) -> None:
    if plan.published_on is None and on.year > plan.year:
        raise ValidationError("年度抽查计划应在计划年度结束前公开")
    check_publish(plan, on, "年度抽查计划")


@step("公开年度抽查计划")
def publish_plan(plan: InspectionPlan, on: dt.date) -> InspectionPlan:
    check_publish_plan(plan, on)
    plan.save()
    return plan


def check_publish_task(task: InspectionTask, on: dt.date) -> None:
    """公示 the task with its draw: seed, algorithm, counts and hashes become public."""
    if task.status != TaskStatus.DRAWN:
        raise StateConflict("任务尚未抽取，不能公示")
    not_before(on, task.drawn_on, "公示日期", "抽取日期")
    check_publish(task, on, "抽查任务")


@step("公示抽查任务")
def publish_task(task: InspectionTask, on: dt.date) -> InspectionTask:
    check_publish_task(task, on)
    task.save()
    return task


# -- results -------------------------------------------------------------------------------------------------
def check_result(
    target: TaskEntity, inspected_on: dt.date, result: str, disposal: str = "", *, drawn_on: dt.date, certified: int
) -> None:
    """Record the inspection of one entity in memory; `certified`: how many of its inspectors held a valid
    certificate on the day (at least `inspection.min_inspectors`)."""
    if not target.current:
        raise StateConflict("该对象属于已被替代的抽取，不能录入结果")
    if target.published_on is not None:
        raise StateConflict("检查结果已公示，不能修改")
    not_before(inspected_on, drawn_on, "检查日期", "抽取日期")
    minimum = param("inspection.min_inspectors", inspected_on).value
    if certified < minimum:
        raise rule("inspection.two_certified_inspectors").violation(
            f"{inspected_on:%Y年%m月%d日}持有效执法证件的检查人员{certified}人"
        )
    if result in PROBLEM_RESULTS and not (disposal or "").strip():
        raise ValidationError("发现问题的，必须填写后续处置")
    target.inspected_on = inspected_on
    target.result = result
    target.disposal = (disposal or "").strip()


@step("录入检查结果", parent="task")
def enter_result(target: TaskEntity, *, inspected_on: dt.date, result: str, disposal: str = "") -> TaskEntity:
    """Record the inspection of one entity; its inspectors must hold valid certificates on the day.

    The task is locked first, so that a redraw and a result entered at the same time are served one by one."""
    check_result(
        target,
        inspected_on,
        result,
        disposal,
        drawn_on=target.run.drawn_on,
        certified=len(certified_officer_ids(target.team_ids, inspected_on)),
    )
    target.save()  # derives whether a problem was found and the publication limit
    return target


def check_publish_result(target: TaskEntity, on: dt.date) -> None:
    if not target.result:
        raise StateConflict("尚未录入检查结果，不能公示")
    if target.published_on is not None:
        raise StateConflict(f"检查结果已公示（{target.published_on:%Y年%m月%d日}）")
    not_before(on, target.inspected_on, "公示日期", "检查日期")
    target.published_on = on


@step("公示检查结果", parent="task")
def publish_result(target: TaskEntity, on: dt.date) -> TaskEntity:
    check_publish_result(target, on)
    target.save()  # derives whether it was published on time
    return target


@step("公示全部已录入的检查结果")
def publish_results(task: InspectionTask, on: dt.date) -> int:
    """Publish every entered, unpublished result of the task at once (one UPDATE, on time as `derive_target` says)."""
    require_status(task, "公示检查结果", TaskStatus.DRAWN)
    pending = TaskEntity.objects.filter(
        run=task.current_run(), published_on__isnull=True, result__gt="", inspected_on__lte=on
    )
    count = pending.update(
        published_on=on,
        published_on_time=Case(When(result_due_on__gte=on, then=Value(True)), default=Value(False)),
        updated_at=timezone.now(),
    )
    task._change_reason = f"公示检查结果{count}条"
    task.save()
    return count
