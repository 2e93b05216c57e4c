"""The remaining refusals of 行政执法 and 双随机, one test each, and the demo city's part built end to end."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from fazhi.enforcement import rules
from fazhi.enforcement.choices import FileGrade, Outcome
from fazhi.enforcement.models import Certificate, EnforcementBody, Officer
from fazhi.inspections import rules as inspection_rules
from fazhi.inspections.choices import Result
from fazhi.inspections.models import (
    Conflict,
    InspectionPlan,
    InspectionTask,
    MarketEntity,
    TaskEntity,
    validate_industries,
)

from .factories import valid_id
from .test_enforcement_rules import make_body, make_matter, make_officer, open_case
from .test_inspections_rules import (
    DRAW_DAY,
    make_task,
    world,  # noqa: F401  (fixture)
)
from .test_inspections_rules import make_matter as make_inspection_matter

D = dt.date


@pytest.fixture
def case(tree):
    body = make_body(tree["dept2"])
    officers = [make_officer(body, n) for n in (1, 2)]
    return open_case(make_matter(body, fine_max=Decimal("10000")), officers)


# -- 行政执法 -----------------------------------------------------------------------------------------------------
def test_body_needs_legal_basis_and_a_valid_credit_code(tree):
    body = EnforcementBody(unit=tree["dept"], code="X", name="无依据", legal_basis=" ")
    with pytest.raises(ValidationError, match="执法依据"):
        body.full_clean()
    body.legal_basis = "《行政处罚法》"
    body.credit_code = "11990100MB0000000X"
    with pytest.raises(ValidationError, match="统一社会信用代码"):
        body.full_clean()


def test_officer_and_certificate_belong_to_their_body_s_unit(tree):
    body = make_body(tree["dept"])
    officer = Officer(unit=tree["county"], body=body, name="错位", id_number=valid_id(5), law_category="综合")
    with pytest.raises(ValidationError, match="执法主体的单位一致"):
        officer.full_clean()
    holder = make_officer(body, 6)
    cert = Certificate(
        unit=tree["county"], officer=holder, number="Z-X", issued_on=D(2025, 1, 1), expires_on=D(2026, 1, 1)
    )
    with pytest.raises(ValidationError, match="持证人的单位一致"):
        cert.full_clean()


def test_discretion_standard_must_be_a_range_within_the_law(tree):
    matter = make_matter(make_body(tree["dept"]), fine_max=Decimal("10000"))
    with pytest.raises(ValidationError, match="不能低于下限"):
        rules.add_standard(matter, "ordinary", "一般", Decimal("500"), Decimal("100"))
    with pytest.raises(ValidationError, match="法定罚款上限"):
        rules.add_standard(matter, "grave", "严重", Decimal("5000"), Decimal("20000"))


def test_decision_dates_and_amounts_are_checked(case):
    with pytest.raises(ValidationError, match="早于立案日期"):
        rules.decide(case, on=D(2025, 3, 1), outcome=Outcome.NO_PENALTY)
    with pytest.raises(ValidationError, match="罚没金额"):
        rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY, fine_amount=Decimal("100"))
    rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("100"))
    with pytest.raises(ValidationError, match="不能作出决定"):
        rules.decide(case, on=D(2025, 4, 2), outcome=Outcome.PENALTY)
    with pytest.raises(ValidationError, match="早于决定日期"):
        rules.publish(case, on=D(2025, 3, 31))
    with pytest.raises(ValidationError, match="早于决定日期"):
        rules.close(case, on=D(2025, 3, 31))
    rules.close(case, on=D(2025, 4, 10))
    with pytest.raises(ValidationError, match="早于结案日期"):
        rules.review_file(case, reviewed_on=D(2025, 4, 9), reviewer="评查组", score=80, grade=FileGrade.PASS)


def test_open_case_steps_are_refused_once_closed(case):
    rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    rules.close(case, on=D(2025, 4, 10))
    with pytest.raises(ValidationError, match="不能登记全过程记录"):
        rules.add_record(case, kind="document", title="补充", recorded_on=D(2025, 4, 11), sha256="a" * 64)
    with pytest.raises(ValidationError, match="不能进行法制审核"):
        rules.legal_review(case, reviewer=case.officers.first(), reviewed_on=D(2025, 4, 11), result="passed")


# -- 双随机 -------------------------------------------------------------------------------------------------------
def test_industry_codes_are_checked():
    validate_industries("F, H")
    with pytest.raises(ValidationError, match="Z"):
        validate_industries("F,Z")


def test_a_task_with_no_candidates_is_refused(world):  # noqa: F811
    task = make_task(world["unit"], [world["matter"]], [world["body"]], code="RW-NONE", industries="B")
    with pytest.raises(ValidationError, match="没有符合条件的候选检查对象"):
        inspection_rules.draw_task(task, on=DRAW_DAY)


def test_a_task_needs_matters_and_bodies(world):  # noqa: F811
    no_matter = make_task(world["unit"], [], [world["body"]], code="RW-NOM")
    with pytest.raises(ValidationError, match="至少应包含一个抽查事项"):
        inspection_rules.draw_task(no_matter, on=DRAW_DAY)
    no_body = make_task(world["unit"], [world["matter"]], [], code="RW-NOB")
    with pytest.raises(ValidationError, match="至少应指定一个实施检查的执法主体"):
        inspection_rules.draw_task(no_body, on=DRAW_DAY)


def test_a_task_needs_some_ratio(world):  # noqa: F811
    task = InspectionTask(unit=world["unit"], code="RW-0", name="零比例", start_on=D(2025, 4, 1), end_on=D(2025, 5, 1))
    with pytest.raises(ValidationError, match="大于0的抽查比例"):
        task.full_clean()
    task.ratio_b, task.end_on = 1, D(2025, 3, 1)
    with pytest.raises(ValidationError, match="不能早于开始日期"):
        task.full_clean()


def test_results_of_a_superseded_draw_and_publication_order(world):  # noqa: F811
    first = inspection_rules.draw_task(world["task"], on=DRAW_DAY)
    old = TaskEntity.all_objects.filter(run=first).first()
    inspection_rules.draw_task(world["task"], on=DRAW_DAY, reason="名录更新")
    old.refresh_from_db()
    with pytest.raises(ValidationError, match="已被替代"):
        inspection_rules.enter_result(old, inspected_on=D(2025, 4, 10), result=Result.NO_PROBLEM)
    target = TaskEntity.objects.filter(current=True).first()
    with pytest.raises(ValidationError, match="尚未录入检查结果"):
        inspection_rules.publish_result(target, D(2025, 4, 12))
    inspection_rules.enter_result(target, inspected_on=D(2025, 4, 10), result=Result.NO_PROBLEM)
    inspection_rules.publish_result(target, D(2025, 4, 12))
    with pytest.raises(ValidationError, match="已公示"):
        inspection_rules.publish_result(target, D(2025, 4, 13))


def test_publication_of_plans_tasks_and_matters_is_checked(world):  # noqa: F811
    with pytest.raises(ValidationError, match="尚未抽取"):
        inspection_rules.publish_task(world["task"], D(2025, 4, 1))
    inspection_rules.draw_task(world["task"], on=DRAW_DAY)
    with pytest.raises(ValidationError, match="早于抽取日期"):
        inspection_rules.publish_task(world["task"], D(2025, 3, 1))
    plan = InspectionPlan.objects.create(unit=world["unit"], code="JH", year=2025, name="计划", content="比例")
    with pytest.raises(ValidationError, match="年度结束前"):
        inspection_rules.publish_plan(plan, D(2026, 1, 5))
    with pytest.raises(ValidationError, match="已公开"):
        inspection_rules.publish_matter(world["matter"], D(2025, 2, 1))


def test_conflict_needs_a_reason_and_the_officer_s_unit(world, tree):  # noqa: F811
    entity = MarketEntity.objects.first()
    conflict = Conflict(
        unit=tree["county"], officer=world["officers"][0], entity=entity, reason="亲属", declared_on=D(2025, 1, 2)
    )
    with pytest.raises(ValidationError, match="执法人员的单位一致"):
        conflict.full_clean()
    conflict.unit, conflict.reason = world["unit"], " "
    with pytest.raises(ValidationError, match="回避事由"):
        conflict.full_clean()


def test_a_matter_s_body_must_be_of_its_unit(tree):
    body = make_body(tree["dept"])
    matter = make_inspection_matter(body, "SC-X")
    matter.unit = tree["county"]
    with pytest.raises(ValidationError, match="抽查主体的单位一致"):
        matter.full_clean()


def test_the_demo_city_draws_real_tasks(db):
    """The demo's tasks went through the real draw: they verify, and the year has figures."""
    from fazhi.demo.generator import DemoBuilder
    from fazhi.metrics.registry import Period, unit_metrics
    from fazhi.org.models import Unit

    DemoBuilder(seed=7, scale=0.002, log=lambda message: None).build()
    task = InspectionTask.objects.filter(is_joint=True).first()
    assert task is not None and inspection_rules.verify(task).identical
    city = Unit.objects.get(code="YC")
    values = unit_metrics(Period.year(2025), [city], families=["enforcement"])[city.pk]
    assert values["enforcement_cases"] > 0 and values["spot_check_batches"] == InspectionTask.objects.count()
    assert values["spot_check_entities"] > 0 and 0 < values["spot_check_published_rate"] <= 1
    from fazhi.core.invariants import load, violations

    ours = [code for code in load() if code.split(".")[0] in ("enforcement", "inspections")]
    assert len(ours) >= 20 and [str(v) for v in violations(ours, limit=3)] == []
