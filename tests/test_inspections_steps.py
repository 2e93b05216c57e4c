"""双随机 workflow steps: one write path (locked steps, API step routes, read-only state, one draw in force per
task in the database) and the invariants that `fazhi check` runs over the stored rows, each broken on purpose."""

import datetime as dt
import re
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from fazhi.core.invariants import load, violations
from fazhi.core.steps import StateConflict
from fazhi.enforcement.models import Certificate
from fazhi.inspections import models as inspection_models
from fazhi.inspections import rules
from fazhi.inspections.choices import Result, TaskStatus
from fazhi.inspections.deadlines import derive_target, result_due
from fazhi.inspections.models import DrawRun, InspectionMatter, InspectionPlan, InspectionTask, TaskEntity

from .test_inspections_rules import (
    DRAW_DAY,
    make_matter,
    make_task,
    world,  # noqa: F401  (fixture)
)

D = dt.date


@pytest.fixture
def api(users, login):
    return login(users["office"])


def post(client, path, **data):
    return client.post(path, data, content_type="application/json")


def found(name):
    return {v.pk for v in violations([f"inspections.{name}"])}


def current_targets(task):
    return list(TaskEntity.objects.filter(task=task, current=True).order_by("position"))


@pytest.fixture
def stepped(world):  # noqa: F811
    """A task drawn twice (the first draw superseded), published, with results entered and published."""
    task = world["task"]
    rules.draw_task(task, on=DRAW_DAY, seed=1)
    rules.draw_task(task, on=DRAW_DAY, seed=2, reason="检查人员名录更新")
    rules.publish_task(task, D(2025, 4, 2))
    first, second, third = current_targets(task)[:3]
    rules.enter_result(first, inspected_on=D(2025, 4, 10), result=Result.NO_PROBLEM)
    rules.enter_result(second, inspected_on=D(2025, 4, 11), result=Result.RECTIFY, disposal="责令限期整改")
    rules.enter_result(third, inspected_on=D(2025, 4, 11), result=Result.NO_PROBLEM)
    rules.publish_result(first, D(2025, 4, 14))
    rules.publish_results(task, D(2025, 6, 30))  # the other two, late
    plan = InspectionPlan.objects.create(unit=world["unit"], code="JH-1", year=2025, name="计划", content="比例")
    rules.publish_plan(plan, D(2025, 1, 20))
    return {**world, "task": task, "targets": [first, second, third], "plan": plan}


# -- one write path ---------------------------------------------------------------------------------------------
def test_models_do_not_import_the_rules():
    assert not re.search(r"rules", Path(inspection_models.__file__).read_text(encoding="utf-8"))


def test_matter_and_plan_are_published_through_their_step_routes(world, api):  # noqa: F811
    matter = make_matter(world["body"], "SC-NEW", published_on=None)
    response = post(api, reverse("api:inspection-matters-publish", args=[matter.pk]), published_on="2025-02-01")
    assert response.status_code == 200 and response.json()["published_on"] == "2025-02-01"
    again = post(api, reverse("api:inspection-matters-publish", args=[matter.pk]), published_on="2025-02-02")
    assert again.status_code == 409 and "已公开" in again.json()["detail"]

    plan = InspectionPlan.objects.create(unit=world["unit"], code="JH-A", year=2025, name="计划", content="比例")
    late = post(api, reverse("api:inspection-plans-publish", args=[plan.pk]), published_on="2026-01-05")
    assert late.status_code == 400 and "年度结束前" in late.content.decode()
    assert (
        post(api, reverse("api:inspection-plans-publish", args=[plan.pk]), published_on="2025-01-05").status_code == 200
    )
    assert (
        post(api, reverse("api:inspection-plans-publish", args=[plan.pk]), published_on="2025-01-06").status_code == 409
    )


def test_a_task_is_drawn_and_verified_through_the_api(world, api):  # noqa: F811
    today = timezone.localdate()  # the draw step draws on the day it is taken
    InspectionTask.objects.filter(pk=world["task"].pk).update(start_on=today, end_on=today + dt.timedelta(days=60))

    def task_step(name):
        return reverse(f"api:inspection-tasks-{name}", args=[world["task"].pk])

    assert post(api, task_step("publish"), published_on=str(today)).status_code == 409  # not drawn yet
    assert post(api, task_step("publish-results"), published_on=str(today)).status_code == 409
    assert post(api, task_step("verify")).status_code == 409
    response = post(api, task_step("draw"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == TaskStatus.DRAWN and body["drawn_on"] == str(today) and body["drawn_total"] == 20
    refused = post(api, task_step("draw"))
    assert refused.status_code == 400 and "说明理由" in refused.content.decode()
    assert post(api, task_step("draw"), reason="检查人员名录更新").status_code == 200
    assert world["task"].runs.get(superseded_at__isnull=True).number == 2
    assert post(api, task_step("verify")).status_code == 200
    history = [
        h.history_change_reason for h in InspectionTask.history.filter(id=world["task"].pk).order_by("history_id")
    ]
    assert history[-2:] == ["第1次随机抽取", "第2次随机抽取：检查人员名录更新"]


def test_results_are_entered_and_published_through_the_api(world, api):  # noqa: F811
    rules.draw_task(world["task"], on=DRAW_DAY)

    def task_step(name):
        return reverse(f"api:inspection-tasks-{name}", args=[world["task"].pk])

    first, second = current_targets(world["task"])[:2]

    def target_step(name):
        return reverse(f"api:inspection-targets-{name}", args=[first.pk])

    assert post(api, target_step("publish"), published_on="2025-04-12").status_code == 409  # no result yet
    response = post(api, target_step("result"), inspected_on="2025-04-10", result="rectify", disposal="责令限期整改")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["result"] == "rectify" and body["problem_found"] is True
    assert body["result_due_on"] == str(result_due(D(2025, 4, 10)))
    redraw = post(api, task_step("draw"), reason="重抽")
    assert redraw.status_code == 409 and "已有检查结果" in redraw.json()["detail"]
    response = post(api, target_step("publish"), published_on="2025-04-14")
    assert response.status_code == 200 and response.json()["published_on_time"] is True
    again = post(api, target_step("result"), inspected_on="2025-04-10", result="no_problem")
    assert again.status_code == 409 and "已公示" in again.json()["detail"]
    assert post(api, target_step("publish"), published_on="2025-04-15").status_code == 409

    rules.enter_result(second, inspected_on=D(2025, 4, 11), result=Result.NO_PROBLEM)
    response = post(api, task_step("publish-results"), published_on="2025-08-01")
    assert response.status_code == 200
    second.refresh_from_db()
    assert second.published_on == D(2025, 8, 1) and second.published_on_time is False
    response = post(api, task_step("publish"), published_on="2025-04-02")
    assert response.status_code == 200 and response.json()["published_on"] == "2025-04-02"
    assert post(api, task_step("publish"), published_on="2025-04-03").status_code == 409
    history = [
        h.history_change_reason for h in InspectionTask.history.filter(id=world["task"].pk).order_by("history_id")
    ]
    assert history[-2:] == ["公示检查结果1条", "公示抽查任务"]
    assert [h.history_change_reason for h in TaskEntity.history.filter(id=first.pk).order_by("history_id")] == [
        "录入检查结果",
        "公示检查结果",
    ]


@pytest.mark.parametrize(
    "ledger, field, value",
    [
        ("inspection-tasks", "status", "drawn"),
        ("inspection-tasks", "drawn_on", "2025-04-01"),
        ("inspection-tasks", "published_on", "2025-04-02"),
        ("inspection-matters", "published_on", "2025-03-01"),
        ("inspection-plans", "published_on", "2025-03-01"),
    ],
)
def test_a_patch_of_a_state_field_is_refused_and_changes_nothing(world, api, ledger, field, value):  # noqa: F811
    plan = InspectionPlan.objects.create(unit=world["unit"], code="JH-P", year=2025, name="计划", content="比例")
    row = {"inspection-tasks": world["task"], "inspection-matters": world["matter"], "inspection-plans": plan}[ledger]
    model = type(row)
    before = model.all_objects.filter(pk=row.pk).values().get()
    response = api.patch(
        reverse(f"api:{ledger}-detail", args=[row.pk]), {field: value}, content_type="application/json"
    )
    assert response.status_code == 400 and field in response.json()
    assert model.all_objects.filter(pk=row.pk).values().get() == before


def test_a_patch_of_a_result_is_refused(world, api):  # noqa: F811
    rules.draw_task(world["task"], on=DRAW_DAY)
    target = current_targets(world["task"])[0]
    for field, value in (("result", "no_problem"), ("inspected_on", "2025-04-10"), ("published_on", "2025-04-12")):
        response = api.patch(
            reverse("api:inspection-targets-detail", args=[target.pk]), {field: value}, content_type="application/json"
        )
        assert response.status_code == 400 and field in response.json()
    target.refresh_from_db()
    assert target.result == "" and target.inspected_on is None and target.published_on is None


def test_a_result_on_a_superseded_draw_is_409(world, api):  # noqa: F811
    rules.draw_task(world["task"], on=DRAW_DAY)
    old = current_targets(world["task"])[0]
    rules.draw_task(world["task"], on=DRAW_DAY, reason="名录更新")
    response = post(
        api, reverse("api:inspection-targets-result", args=[old.pk]), inspected_on="2025-04-10", result="no_problem"
    )
    assert response.status_code == 409 and "已被替代" in response.json()["detail"]


def test_steps_on_deleted_rows_are_refused(world, users):  # noqa: F811
    stale = InspectionTask.objects.get(pk=world["task"].pk)
    world["task"].soft_delete(users["office"], "重复")
    with pytest.raises(StateConflict, match="回收站"):
        rules.draw_task(stale, on=DRAW_DAY)
    assert not DrawRun.objects.exists()
    matter = make_matter(world["body"], "SC-DEL", published_on=None)
    stale_matter = InspectionMatter.objects.get(pk=matter.pk)
    matter.soft_delete(users["office"], "录入错误")
    with pytest.raises(StateConflict, match="回收站"):
        rules.publish_matter(stale_matter, D(2025, 2, 1))
    assert InspectionMatter.all_objects.get(pk=matter.pk).published_on is None


def test_a_result_of_a_deleted_task_is_refused(world, users):  # noqa: F811
    rules.draw_task(world["task"], on=DRAW_DAY)
    target = current_targets(world["task"])[0]
    InspectionTask.objects.get(pk=world["task"].pk).soft_delete(users["office"], "任务撤销")
    with pytest.raises(StateConflict, match="回收站"):
        rules.enter_result(target, inspected_on=D(2025, 4, 10), result=Result.NO_PROBLEM)
    assert TaskEntity.all_objects.get(pk=target.pk).result == ""


def test_one_draw_in_force_per_task_in_the_database(world):  # noqa: F811
    run = rules.draw_task(world["task"], on=DRAW_DAY)
    fields = {f.name: getattr(run, f.name) for f in DrawRun._meta.concrete_fields if f.name not in ("id",)}
    with pytest.raises(IntegrityError), transaction.atomic():
        DrawRun.objects.create(**{**fields, "number": 2})
    rules.draw_task(world["task"], on=DRAW_DAY, reason="名录更新")  # supersedes first: still one in force
    assert DrawRun.objects.filter(task=world["task"], superseded_at__isnull=True).count() == 1


def test_a_hidden_step_posted_anyway_is_refused_by_the_step(world, users, login):  # noqa: F811
    client = login(users["office"])
    page = client.post(
        reverse("ledger:inspection-tasks-action", args=[world["task"].pk, "publish-results"]),
        {"published_on": "2025-04-10"},
        follow=True,
    ).content.decode()
    assert "公示全部已录入的检查结果未执行" in page and "待抽取" in page


def test_the_derived_values_are_one_pure_function():
    target = TaskEntity(result=Result.TRANSFER, inspected_on=D(2025, 4, 3), published_on=D(2025, 6, 1))
    derive_target(target)
    assert target.problem_found is True and target.result_due_on == result_due(D(2025, 4, 3))
    assert target.published_on_time is False
    target = TaskEntity(result="")
    derive_target(target)
    assert target.problem_found is None and target.result_due_on is None and target.published_on_time is None


# -- invariants -------------------------------------------------------------------------------------------------
ALL = [
    f"inspections.{name}"
    for name in (
        "plan_published_within_its_year",
        "task_matches_its_draw",
        "drawn_from_published_matters",
        "results_only_on_current_draws",
        "one_row_per_entity_per_draw",
        "result_matches_fields",
        "result_due_follows_the_law",
        "published_on_time_matches_dates",
        "inspected_by_certified_inspectors",
    )
]


def test_every_invariant_is_registered_and_tested():
    assert sorted(code for code in load() if code.startswith("inspections.")) == sorted(ALL)


def test_stepped_rows_pass_every_invariant(stepped):
    make_task(stepped["unit"], [stepped["matter"]], [stepped["body"]], code="RW-DRAFT")
    assert TaskEntity.all_objects.filter(current=False).exists() and TaskEntity.objects.filter(published_on_time=False)
    assert list(violations(ALL)) == []


def test_a_plan_published_after_its_year_is_found(stepped):
    InspectionPlan.all_objects.filter(pk=stepped["plan"].pk).update(published_on=D(2026, 1, 5))
    assert found("plan_published_within_its_year") == {stepped["plan"].pk}


@pytest.mark.parametrize(
    "change",
    [
        {"status": TaskStatus.DRAFT},
        {"drawn_total": 7},
        {"drawn_on": D(2025, 3, 31)},
        {"published_on": D(2025, 3, 1)},
        {"drawn_on": None},
    ],
)
def test_a_task_that_disagrees_with_its_draw_is_found(stepped, change):
    InspectionTask.all_objects.filter(pk=stepped["task"].pk).update(**change)
    assert found("task_matches_its_draw") == {stepped["task"].pk}


def test_a_draft_task_with_a_publication_is_found(world):  # noqa: F811
    InspectionTask.all_objects.filter(pk=world["task"].pk).update(published_on=D(2025, 4, 2))
    assert found("task_matches_its_draw") == {world["task"].pk}


def test_a_task_drawn_from_an_unpublished_matter_is_found(stepped):
    InspectionMatter.all_objects.filter(pk=stepped["matter"].pk).update(published_on=D(2025, 4, 5))  # after the draw
    assert found("drawn_from_published_matters") == {stepped["task"].pk}


def test_results_on_superseded_draws_are_found(stepped):
    old = TaskEntity.all_objects.filter(task=stepped["task"], current=False).order_by("pk").first()
    TaskEntity.all_objects.filter(pk=old.pk).update(result=Result.NO_PROBLEM)
    assert found("results_only_on_current_draws") == {old.pk}
    TaskEntity.all_objects.filter(pk=old.pk).update(result="", current=True)  # a superseded row marked in force
    assert found("results_only_on_current_draws") == {old.pk}
    target = stepped["targets"][0]
    TaskEntity.all_objects.filter(pk=old.pk).update(current=False)
    TaskEntity.all_objects.filter(pk=target.pk).update(current=False)  # a row of the draw in force marked superseded
    assert found("results_only_on_current_draws") == {target.pk}


def test_an_entity_drawn_twice_in_one_draw_is_found(stepped):
    first, second = stepped["targets"][:2]
    TaskEntity.all_objects.filter(pk=second.pk).update(entity_id=first.entity_id)
    assert found("one_row_per_entity_per_draw") == {first.pk}
    TaskEntity.all_objects.filter(pk=second.pk).update(entity_id=second.entity_id, position=first.position)
    assert found("one_row_per_entity_per_draw") == {first.pk}


@pytest.mark.parametrize(
    "index, change",
    [
        (0, {"problem_found": True}),
        (1, {"problem_found": False}),
        (1, {"disposal": ""}),
        (0, {"inspected_on": None}),
        (0, {"result": ""}),
        (0, {"inspected_on": D(2025, 3, 31)}),
        (0, {"published_on": D(2025, 4, 9)}),
    ],
)
def test_a_result_that_disagrees_with_its_fields_is_found(stepped, index, change):
    target = stepped["targets"][index]
    TaskEntity.all_objects.filter(pk=target.pk).update(**change)
    assert found("result_matches_fields") == {target.pk}


def test_a_wrong_publication_limit_is_found(stepped):
    target = stepped["targets"][1]
    TaskEntity.all_objects.filter(pk=target.pk).update(result_due_on=D(2025, 12, 31))
    assert found("result_due_follows_the_law") == {target.pk}
    untouched = TaskEntity.objects.filter(task=stepped["task"], current=True, result="").first()
    TaskEntity.all_objects.filter(pk=untouched.pk).update(result_due_on=D(2025, 12, 31))
    assert found("result_due_follows_the_law") == {target.pk, untouched.pk}


@pytest.mark.parametrize(
    "index, change",
    [
        (0, {"published_on_time": False}),
        (1, {"published_on_time": True}),
        (2, {"published_on_time": None}),
        (0, {"published_on": None}),
    ],
)
def test_a_wrong_publication_flag_is_found(stepped, index, change):
    target = stepped["targets"][index]
    TaskEntity.all_objects.filter(pk=target.pk).update(**change)
    assert found("published_on_time_matches_dates") == {target.pk}


def test_an_inspection_by_too_few_certified_inspectors_is_found(stepped):
    target = stepped["targets"][0]
    leader = target.team_ids[0]
    Certificate.all_objects.filter(officer_id=leader).update(revoked_on=D(2025, 4, 9))  # the day before the visit
    hits = list(violations(["inspections.inspected_by_certified_inspectors"]))
    assert target.pk in {v.pk for v in hits}
    assert all("持有效执法证件的检查人员1人" in v.detail for v in hits)
    assert {v.pk for v in hits} == {t.pk for t in stepped["targets"] if leader in t.team_ids}
