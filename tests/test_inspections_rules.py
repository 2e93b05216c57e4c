"""双随机 in the database: the draw and its refusals, the exclusion window, redraws, verification, results."""

import datetime as dt
import io
import math

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone

from fazhi.enforcement.models import Officer
from fazhi.enforcement.rules import revoke_certificate
from fazhi.inspections import draw as engine
from fazhi.inspections import rules
from fazhi.inspections.choices import Industry, Result, TaskStatus
from fazhi.inspections.deadlines import result_overdue_q
from fazhi.inspections.models import (
    Conflict,
    DrawRun,
    InspectionMatter,
    InspectionTask,
    MarketEntity,
    TaskEntity,
)
from fazhi.law.calendar import default_calendar
from fazhi.law.errors import RuleViolation
from fazhi.law.params import param

from .factories import valid_uscc
from .test_enforcement_rules import make_body, make_officer

D = dt.date
DRAW_DAY = D(2025, 4, 1)
PER_CLASS = {"A": 40, "B": 30, "C": 20, "D": 10, "E": 6}


def make_matter(body, code="SC-1", published_on=D(2025, 1, 2)):
    return InspectionMatter.objects.create(
        unit=body.unit,
        body=body,
        code=code,
        name=f"抽查事项{code}",
        basis="《食品安全法》第一百一十条",
        objects_description="食品经营者",
        published_on=published_on,
    )


def make_entities(unit, per_class=PER_CLASS, start=1, region=None, industry=Industry.F):
    rows, n = [], start
    for cls, count in per_class.items():
        for _ in range(count):
            rows.append(
                MarketEntity(
                    unit=unit,
                    uscc=valid_uscc(n),
                    name=f"主体{n}",
                    industry=industry,
                    region=region or unit.region,
                    risk_class=cls,
                )
            )
            n += 1
    return MarketEntity.objects.bulk_create(rows)


def make_task(unit, matters, bodies, code="RW-1", **extra):
    fields = {
        "ratio_a": 5,
        "ratio_b": 10,
        "ratio_c": 20,
        "ratio_d": 50,
        "ratio_e": 100,
        "start_on": D(2025, 4, 1),
        "end_on": D(2025, 9, 30),
        **extra,
    }
    task = InspectionTask.objects.create(unit=unit, code=code, name=f"任务{code}", **fields)
    task.matters.set(matters)
    task.bodies.set(bodies)
    return task


@pytest.fixture
def world(tree):
    unit = tree["dept2"]
    body = make_body(unit)
    officers = [make_officer(body, n) for n in range(1, 7)]
    matter = make_matter(body)
    entities = make_entities(unit)
    return {
        "unit": unit,
        "body": body,
        "officers": officers,
        "matter": matter,
        "entities": entities,
        "task": make_task(unit, [matter], [body]),
    }


def test_draw_takes_the_ratio_of_each_risk_class_with_two_inspectors_each(world):
    run = rules.draw_task(world["task"], on=DRAW_DAY)
    task = InspectionTask.objects.get(pk=world["task"].pk)
    expected = {cls: math.ceil(n * task.ratio(cls) / 100) for cls, n in PER_CLASS.items()}
    assert {cls: s["drawn"] for cls, s in run.strata.items()} == expected == {"A": 2, "B": 3, "C": 4, "D": 5, "E": 6}
    assert {cls: s["candidates"] for cls, s in run.strata.items()} == PER_CLASS
    targets = TaskEntity.objects.filter(task=task)
    assert targets.count() == run.drawn_total == task.drawn_total == 20
    assert {cls: targets.filter(risk_class=cls).count() for cls in PER_CLASS} == expected
    assert all(t.entity.risk_class == t.risk_class for t in targets)
    for target in targets:
        team = target.team_ids
        assert len(team) == len(set(team)) == param("inspection.min_inspectors", DRAW_DAY).value == 2
        assert set(team) <= {o.pk for o in world["officers"]}
    assert task.status == TaskStatus.DRAWN and not task.is_joint
    assert len(run.seed) == 32 and run.algorithm == engine.ALGORITHM
    assert run.inspectors_total == 6 and run.candidates_total == sum(PER_CLASS.values())


def test_unpublished_matter_is_refused(world):
    hidden = make_matter(world["body"], "SC-HIDDEN", published_on=None)
    world["task"].matters.add(hidden)
    with pytest.raises(RuleViolation, match="随机抽查事项清单") as refusal:
        rules.draw_task(world["task"], on=DRAW_DAY)
    assert refusal.value.code == "inspection.matter_on_published_list"
    assert not DrawRun.objects.exists() and not TaskEntity.all_objects.exists()


def test_inspectors_need_certificates_valid_through_the_task(world):
    for officer in world["officers"][1:]:
        revoke_certificate(officer.certificates.get(), D(2025, 2, 1), "调离")
    with pytest.raises(RuleViolation, match="仅1人") as refusal:
        rules.draw_task(world["task"], on=DRAW_DAY)
    assert refusal.value.code == "inspection.two_certified_inspectors"


def test_certificate_expiring_before_the_task_ends_keeps_an_officer_out(world, tree):
    body = make_body(tree["dept2"], "B-SHORT")
    short = make_officer(body, 50, expires=D(2025, 6, 30))
    make_officer(body, 51)
    make_officer(body, 52)
    pool = rules.inspector_pool(make_task(tree["dept2"], [world["matter"]], [body], code="RW-S"), DRAW_DAY)
    assert short.pk not in {officer for officer, _ in pool} and len(pool) == 2


def test_conflicts_that_leave_too_few_inspectors_are_refused(world):
    only_e = world["entities"][-1]
    for officer in world["officers"][:5]:
        Conflict.objects.create(
            unit=world["unit"], officer=officer, entity=only_e, reason="亲属", declared_on=D(2025, 1, 1)
        )
    with pytest.raises(RuleViolation, match="排除须回避人员后可派检查人员1人"):
        rules.draw_task(world["task"], on=DRAW_DAY)


def test_each_officers_rows_are_found_and_the_load_is_balanced(world):
    rules.draw_task(world["task"], on=DRAW_DAY)
    loads = [TaskEntity.objects.filter(TaskEntity.assigned_to(o.pk)).count() for o in world["officers"]]
    assert sum(loads) == 2 * TaskEntity.objects.count() and max(loads) - min(loads) <= 1


def test_declared_conflicts_are_respected(world):
    barred = {}
    for entity in world["entities"][-6:]:  # class E: all drawn
        officer = world["officers"][entity.pk % 6]
        Conflict.objects.create(
            unit=world["unit"], officer=officer, entity=entity, reason="曾任职", declared_on=D(2025, 1, 1)
        )
        barred[entity.pk] = officer.pk
    run = rules.draw_task(world["task"], on=DRAW_DAY)
    assert run.conflicts_total == 6
    for target in TaskEntity.objects.filter(entity_id__in=barred):
        assert barred[target.entity_id] not in target.team_ids


def test_too_few_inspectors_per_entity_is_refused(world):
    world["task"].inspectors_per_entity = 1
    with pytest.raises(ValidationError, match="少于2人"):
        world["task"].full_clean()
    InspectionTask.objects.filter(pk=world["task"].pk).update(inspectors_per_entity=1)
    world["task"].refresh_from_db()
    with pytest.raises(RuleViolation):
        rules.draw_task(world["task"], on=DRAW_DAY)


def test_draw_after_the_task_ends_is_refused(world):
    with pytest.raises(ValidationError, match="晚于检查结束日期"):
        rules.draw_task(world["task"], on=D(2025, 10, 1))


def test_entities_drawn_for_the_same_matter_within_the_window_are_skipped(world, tree):
    first = rules.draw_task(world["task"], on=DRAW_DAY)
    drawn = set(TaskEntity.objects.filter(run=first).values_list("entity_id", flat=True))
    everyone = {"ratio_a": 100, "ratio_b": 100, "ratio_c": 100, "ratio_d": 100, "ratio_e": 100}
    same = make_task(world["unit"], [world["matter"]], [world["body"]], code="RW-SAME", **everyone)
    run = rules.draw_task(same, on=D(2025, 5, 1))
    again = set(TaskEntity.objects.filter(run=run).values_list("entity_id", flat=True))
    assert again.isdisjoint(drawn) and len(again) == sum(PER_CLASS.values()) - len(drawn)

    other_matter = make_task(
        world["unit"], [make_matter(world["body"], "SC-2")], [world["body"]], code="RW-OTHER", **everyone
    )
    assert rules.draw_task(other_matter, on=D(2025, 5, 1)).drawn_total == sum(PER_CLASS.values())

    window = param("inspection.repeat_window", DRAW_DAY).value
    late = make_task(
        world["unit"],
        [world["matter"]],
        [world["body"]],
        code="RW-LATE",
        start_on=D(2026, 4, 1),
        end_on=D(2026, 9, 30),
        exclusion_days=30,
        **everyone,
    )
    assert window > 30
    assert rules.draw_task(late, on=D(2026, 4, 2)).drawn_total == sum(PER_CLASS.values())


def test_region_and_industry_limit_the_candidates(world, tree):
    county_region = tree["county"].region
    make_entities(world["unit"], {"C": 5}, start=500, region=county_region, industry=Industry.H)
    task = make_task(world["unit"], [world["matter"]], [world["body"]], code="RW-R", industries="H", ratio_c=100)
    task.regions.set([county_region.parent])  # the city: its counties are included
    run = rules.draw_task(task, on=DRAW_DAY)
    assert run.candidates_total == 5 and run.drawn_total == 5


def test_joint_task_of_two_departments(world, tree):
    other_body = make_body(tree["dept"], "B-JUSTICE")
    for n in range(60, 64):
        make_officer(other_body, n)
    task = make_task(
        world["unit"], [world["matter"], make_matter(other_body, "SC-J")], [world["body"], other_body], code="RW-JOINT"
    )
    rules.draw_task(task, on=DRAW_DAY)
    task.refresh_from_db()
    assert task.is_joint
    for target in TaskEntity.objects.filter(task=task):
        units = set(Officer.objects.filter(pk__in=target.team_ids).values_list("unit_id", flat=True))
        assert units == {tree["dept"].pk, tree["dept2"].pk}


def test_redraw_needs_a_reason_and_keeps_the_old_run(world, users):
    first = rules.draw_task(world["task"], on=DRAW_DAY)
    with pytest.raises(ValidationError, match="说明理由"):
        rules.draw_task(world["task"], on=DRAW_DAY)
    second = rules.draw_task(world["task"], on=DRAW_DAY, reason="检查人员名录更新", user=users["office"])
    first.refresh_from_db()
    assert first.superseded_at is not None and second.number == 2 and second.reason == "检查人员名录更新"
    assert TaskEntity.all_objects.filter(run=first, current=True).count() == 0
    assert TaskEntity.all_objects.filter(run=first).count() == first.drawn_total  # the old rows stay
    assert TaskEntity.objects.filter(task=world["task"], current=True).count() == second.drawn_total
    assert world["task"].current_run() == second


def test_no_redraw_after_results_or_publication(world):
    rules.draw_task(world["task"], on=DRAW_DAY)
    target = TaskEntity.objects.filter(current=True).first()
    rules.enter_result(target, inspected_on=D(2025, 4, 10), result=Result.NO_PROBLEM)
    with pytest.raises(ValidationError, match="已有检查结果"):
        rules.draw_task(world["task"], on=DRAW_DAY, reason="重抽")
    rules.publish_task(world["task"], D(2025, 4, 2))
    with pytest.raises(ValidationError, match="已公示"):
        rules.draw_task(world["task"], on=DRAW_DAY, reason="重抽")


def test_draw_log_is_append_only(world):
    run = rules.draw_task(world["task"], on=DRAW_DAY)
    run.seed = "0" * 32
    with pytest.raises(ValidationError, match="只增不改"):
        run.save()
    with pytest.raises(ValidationError):
        run.delete()
    target = TaskEntity.objects.first()
    with pytest.raises(ValidationError, match="不能删除"):
        target.soft_delete(None, "不想查")


def test_same_seed_reproduces_the_draw(world):
    run = rules.draw_task(world["task"], on=DRAW_DAY, seed=123)
    first = list(TaskEntity.objects.filter(run=run).order_by("position").values_list("entity_id", flat=True))
    second_run = rules.draw_task(world["task"], on=DRAW_DAY, seed=123, reason="复现")
    second = list(TaskEntity.objects.filter(run=second_run).order_by("position").values_list("entity_id", flat=True))
    assert first == second and run.result_hash == second_run.result_hash


# -- verification ------------------------------------------------------------------------------------------------
def test_verify_reports_identical_right_after_the_draw(world):
    rules.draw_task(world["task"], on=DRAW_DAY)
    report = rules.verify(world["task"])
    assert report.identical, report.lines
    out = io.StringIO()
    call_command("inspections", "verify", world["task"].code, stdout=out)
    assert "IDENTICAL" in out.getvalue() and "完全一致" in out.getvalue()


def test_verify_detects_a_changed_candidate_list(world):
    run = rules.draw_task(world["task"], on=DRAW_DAY)
    MarketEntity.objects.filter(pk=world["entities"][0].pk).update(risk_class="E")  # reclassified after the draw
    report = rules.verify(world["task"])
    assert not report.identical
    assert any("候选名单已变化" in line for line in report.lines)
    assert any("以记录的种子和输入快照重新抽取，结果相同" in line for line in report.lines)  # the draw itself holds
    with pytest.raises(CommandError, match="不一致"):
        call_command("inspections", "verify", world["task"].code, stdout=io.StringIO())
    # A new entity joining the register changes the list too.
    MarketEntity.objects.filter(pk=world["entities"][0].pk).update(risk_class="A")
    assert rules.verify(world["task"]).identical
    make_entities(world["unit"], {"B": 1}, start=900)
    assert not rules.verify(world["task"], run).identical


def test_verify_detects_changed_inspectors_and_tampered_rows(world):
    rules.draw_task(world["task"], on=DRAW_DAY)
    target = TaskEntity.objects.order_by("position").first()
    leader, member = target.team_ids
    outsider = next(o.pk for o in world["officers"] if o.pk not in (leader, member))
    TaskEntity.objects.filter(pk=target.pk).update(team=f"{leader},{outsider}")
    report = rules.verify(world["task"])
    assert not report.identical and any("已被改动" in line for line in report.lines)
    TaskEntity.objects.filter(pk=target.pk).update(team=f"{leader},{member}")
    assert rules.verify(world["task"]).identical
    revoke_certificate(world["officers"][0].certificates.get(), D(2025, 3, 1), "调离")
    report = rules.verify(world["task"])
    assert not report.identical and any("检查人员名录或回避关系已变化" in line for line in report.lines)


def test_verify_of_an_undrawn_task_is_refused(world):
    with pytest.raises(ValidationError, match="尚未抽取"):
        rules.verify(world["task"])
    with pytest.raises(CommandError, match="没有编号"):
        call_command("inspections", "verify", "NO-SUCH-TASK")


# -- results -------------------------------------------------------------------------------------------------------
def test_results_are_entered_by_certified_inspectors_and_published_on_time(world):
    rules.draw_task(world["task"], on=DRAW_DAY)
    target = TaskEntity.objects.filter(current=True).order_by("position").first()
    team = list(Officer.objects.filter(pk__in=target.team_ids))
    with pytest.raises(ValidationError, match="后续处置"):
        rules.enter_result(target, inspected_on=D(2025, 4, 10), result=Result.RECTIFY)
    with pytest.raises(ValidationError, match="早于抽取日期"):
        rules.enter_result(target, inspected_on=D(2025, 3, 10), result=Result.NO_PROBLEM)
    revoke_certificate(team[1].certificates.get(), D(2025, 4, 5), "调离")
    with pytest.raises(RuleViolation, match="持有效执法证件的检查人员1人"):
        rules.enter_result(target, inspected_on=D(2025, 4, 10), result=Result.NO_PROBLEM)
    rules.enter_result(target, inspected_on=D(2025, 4, 3), result=Result.RECTIFY, disposal="责令限期整改")
    days = param("inspection.result_publication", D(2025, 4, 3)).value
    assert target.result_due_on == default_calendar().add_workdays(D(2025, 4, 3), days)
    assert target.problem_found
    with pytest.raises(ValidationError, match="不能早于检查日期"):
        rules.publish_result(target, D(2025, 4, 1))
    rules.publish_result(target, target.result_due_on)
    assert target.published_on_time is True
    with pytest.raises(ValidationError, match="已公示"):
        rules.enter_result(target, inspected_on=D(2025, 4, 3), result=Result.NO_PROBLEM)


def test_late_and_missing_publications_are_flagged(world, users, login):
    rules.draw_task(world["task"], on=DRAW_DAY)
    late, waiting, fine = TaskEntity.objects.filter(current=True).order_by("position")[:3]
    for target in (late, waiting, fine):
        rules.enter_result(target, inspected_on=D(2025, 4, 3), result=Result.NO_PROBLEM)
    rules.publish_result(late, D(2025, 8, 1))
    rules.publish_result(fine, D(2025, 4, 8))
    assert late.published_on_time is False
    overdue = TaskEntity.objects.filter(result_overdue_q(D(2025, 9, 1)))
    assert set(overdue) == {late, waiting}
    page = login(users["office"]).get(reverse("ledger:inspection-targets-list") + "?overdue=true")
    assert page.status_code == 200
    text = page.content.decode()
    assert f"（{waiting.entity.uscc}）" in text and f"（{fine.entity.uscc}）" not in text


def test_publish_all_results_at_once(world):
    rules.draw_task(world["task"], on=DRAW_DAY)
    targets = list(TaskEntity.objects.filter(current=True).order_by("position")[:4])
    for target in targets[:3]:
        rules.enter_result(target, inspected_on=D(2025, 4, 3), result=Result.NO_PROBLEM)
    assert rules.publish_results(world["task"], D(2025, 4, 9)) == 3
    assert TaskEntity.objects.filter(published_on=D(2025, 4, 9), published_on_time=True).count() == 3
    assert TaskEntity.objects.get(pk=targets[3].pk).published_on is None


def test_drawn_rows_cannot_be_made_or_changed_by_hand(world, users, login):
    client = login(users["office"])
    response = client.post(
        reverse("api:inspection-targets-list"), {"unit": world["unit"].pk}, content_type="application/json"
    )
    assert response.status_code == 400 and "随机抽取" in response.content.decode()
    rules.draw_task(world["task"], on=DRAW_DAY)
    target = TaskEntity.objects.first()
    other = MarketEntity.objects.exclude(pk=target.entity_id).first()
    client.patch(
        reverse("api:inspection-targets-detail", args=[target.pk]),
        {"entity": other.pk},
        content_type="application/json",
    )
    target.refresh_from_db()
    assert target.entity_id != other.pk
    assert client.delete(reverse("api:inspection-targets-detail", args=[target.pk]) + "?reason=x").status_code == 400


def test_drawn_task_conditions_cannot_be_edited(world):
    rules.draw_task(world["task"], on=DRAW_DAY)
    task = InspectionTask.objects.get(pk=world["task"].pk)
    task.ratio_a = 50
    with pytest.raises(ValidationError, match="不能再修改"):
        task.full_clean()


def test_draw_and_verify_through_the_pages(world, users, login):
    today = timezone.localdate()  # the page draws on the day it is used
    InspectionTask.objects.filter(pk=world["task"].pk).update(start_on=today, end_on=today + dt.timedelta(days=60))
    client = login(users["office"])
    response = client.post(
        reverse("ledger:inspection-tasks-action", args=[world["task"].pk, "draw"]), {"reason": ""}, follow=True
    )
    assert "随机抽取检查对象和检查人员：已完成" in response.content.decode()
    page = client.get(reverse("inspections:verify", args=[world["task"].pk])).content.decode()
    assert "一致：抽取结果可复现" in page
    detail = client.get(reverse("ledger:inspection-tasks-detail", args=[world["task"].pk])).content.decode()
    assert DrawRun.objects.get().seed in detail
    MarketEntity.objects.filter(pk=world["entities"][1].pk).update(is_active=False)
    response = client.post(
        reverse("ledger:inspection-tasks-action", args=[world["task"].pk, "verify"]), {}, follow=True
    )
    assert "候选名单已变化" in response.content.decode()
