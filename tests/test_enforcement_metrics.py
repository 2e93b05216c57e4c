"""行政执法 and 双随机 metrics on a hand-computed example; Excel import of officers, matters and entities;
the public portal shows only what is published."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.ledgers import registry
from fazhi.enforcement import rules
from fazhi.enforcement.choices import FileGrade, Outcome, PartyType, ReviewResult
from fazhi.enforcement.models import Certificate, EnforcementBody, Matter, Officer
from fazhi.inspections import rules as inspection_rules
from fazhi.inspections.choices import Result
from fazhi.inspections.models import MarketEntity, TaskEntity
from fazhi.metrics.registry import Period, unit_metrics

from .factories import valid_id, valid_uscc
from .test_enforcement_rules import make_body, make_matter, make_officer, open_case
from .test_import import workbook_file
from .test_inspections_rules import make_entities, make_task
from .test_inspections_rules import make_matter as make_inspection_matter

D = dt.date
YEAR = Period.year(2025)


@pytest.fixture
def ledger(tree):
    dept2, town = tree["dept2"], tree["town"]
    body = make_body(dept2)
    officers = [make_officer(body, n, issued=D(2025, 2, 1)) for n in (1, 2, 3)]
    make_officer(body, 4, issued=D(2019, 1, 1), expires=D(2024, 12, 31))  # expired before 2025
    leaving = make_officer(body, 5, issued=D(2020, 1, 1))
    rules.revoke_certificate(leaving.certificates.get(), D(2025, 7, 1), "调离执法岗位")
    reviewer = make_officer(body, 6, issued=D(2018, 1, 1), reviewer=True)
    town_body = make_body(town, "B-TOWN")
    town_officers = [make_officer(town_body, n, issued=D(2024, 6, 1)) for n in (7, 8)]
    EnforcementBody.objects.create(unit=town, code="B-OLD", name="撤销的主体", legal_basis="x", is_active=False)

    major = make_matter(body, "M-MAJ", is_major=True)
    plain = make_matter(body, "M-PLAIN")
    a = open_case(major, officers[:2], number="A", opened_on=D(2025, 3, 3))
    rules.legal_review(a, reviewer=reviewer, reviewed_on=D(2025, 3, 20), result=ReviewResult.PASSED)
    rules.decide(
        a, on=D(2025, 3, 25), outcome=Outcome.PENALTY, fine_amount=Decimal("20000"), confiscation_amount=Decimal("5000")
    )
    rules.publish(a, on=D(2025, 3, 26))  # on time
    rules.close(a, on=D(2025, 4, 1))
    rules.review_file(a, reviewed_on=D(2025, 11, 1), reviewer="评查组", score=95, grade=FileGrade.EXCELLENT)
    b = open_case(plain, officers[1:3], number="B", opened_on=D(2025, 5, 6))
    rules.decide(b, on=D(2025, 5, 20), outcome=Outcome.PENALTY, fine_amount=Decimal("3000"))
    rules.publish(b, on=D(2025, 7, 1))  # late
    c = open_case(plain, officers[:2], number="C", opened_on=D(2025, 12, 1))
    rules.decide(c, on=D(2025, 12, 5), outcome=Outcome.NO_PENALTY)  # not yet published
    seized = open_case(plain, officers[:2], number="D", opened_on=D(2025, 8, 4))
    rules.decide(seized, on=D(2025, 8, 6), outcome=Outcome.COERCION)
    rules.publish(seized, on=D(2025, 8, 7))
    open_case(make_matter(town_body, "M-TOWN"), town_officers, number="T", opened_on=D(2025, 6, 2))
    last_year = open_case(plain, officers[:2], number="OLD", opened_on=D(2025, 2, 3))
    rules.decide(last_year, on=D(2025, 2, 10), outcome=Outcome.PENALTY, fine_amount=Decimal("100"))
    return {"tree": tree, "body": body, "officers": officers}


def test_enforcement_metrics_of_a_unit(ledger):
    dept2 = ledger["tree"]["dept2"]
    values = unit_metrics(YEAR, [dept2], subtree=False, families=["enforcement"])[dept2.pk]
    assert values["enforcement_bodies"] == 1
    assert values["enforcement_officers"] == 4  # 1, 2, 3 and the reviewer; 4 expired, 5 revoked
    assert values["certificates_issued"] == 3
    assert values["certificates_revoked"] == 1
    assert values["enforcement_cases"] == 5  # A, B, C, D, OLD
    assert values["penalty_cases"] == 3  # A, B, OLD
    assert values["coercive_measures"] == 1  # D
    assert values["penalty_amount"] == pytest.approx((20000 + 5000 + 3000 + 100) / 10000)
    assert values["major_decisions_reviewed"] == 1
    assert values["decisions_to_publish"] == 5
    assert values["enforcement_publicity_on_time_rate"] == pytest.approx(2 / 5)
    assert values["case_files_reviewed"] == 1


def test_enforcement_metrics_roll_up_the_tree(ledger):
    tree = ledger["tree"]
    gov, town, county = tree["gov"], tree["town"], tree["county"]
    values = unit_metrics(YEAR, [gov, county, town], families=["enforcement"])
    assert values[town.pk]["enforcement_cases"] == 1 and values[town.pk]["enforcement_bodies"] == 1
    assert values[county.pk]["enforcement_officers"] == 2
    assert values[gov.pk]["enforcement_cases"] == 6 and values[gov.pk]["enforcement_officers"] == 6


def test_spot_check_metrics(tree):
    unit, other = tree["dept2"], tree["dept"]
    body, other_body = make_body(unit), make_body(other, "B-2")
    for n in range(1, 4):
        make_officer(body, n)
        make_officer(other_body, 10 + n)
    matter = make_inspection_matter(body)
    make_entities(unit, {"C": 10})
    single = make_task(unit, [matter], [body], code="S", ratio_a=0, ratio_b=0, ratio_c=100, ratio_d=0, ratio_e=0)
    inspection_rules.draw_task(single, on=D(2025, 4, 1))
    joint = make_task(
        unit,
        [make_inspection_matter(other_body, "SC-2")],
        [body, other_body],
        code="J",
        ratio_a=0,
        ratio_b=0,
        ratio_c=30,
        ratio_d=0,
        ratio_e=0,
    )
    inspection_rules.draw_task(joint, on=D(2025, 4, 1))
    targets = list(TaskEntity.objects.filter(task=single).order_by("position"))
    for target, result in zip(targets[:4], [Result.NO_PROBLEM, Result.RECTIFY, Result.NO_PROBLEM, Result.UNREACHABLE]):
        inspection_rules.enter_result(target, inspected_on=D(2025, 4, 10), result=result, disposal="已处置")
    inspection_rules.publish_result(targets[0], D(2025, 4, 15))
    inspection_rules.publish_result(targets[1], D(2025, 8, 15))  # late
    values = unit_metrics(YEAR, [unit], subtree=False, families=["enforcement"])[unit.pk]
    assert values["spot_check_batches"] == 2 and values["spot_check_joint_batches"] == 1
    assert values["spot_check_entities"] == 4 and values["spot_check_problems"] == 2
    assert values["spot_check_published_rate"] == pytest.approx(1 / 4)


# -- Excel import --------------------------------------------------------------------------------------------------
OFFICERS = registry.get("officers").importer
MATTERS = registry.get("enforcement-matters").importer
ENTITIES = registry.get("market-entities").importer


def test_officers_import_with_their_certificates(users, tree, tmp_path):
    body = make_body(tree["town"], "B-T")
    headers = [c.header for c in OFFICERS.columns]
    rows = [
        ["李明", valid_id(301), "B-T", "科员", "综合执法", "否", "行政执法证", "ZF-301", D(2025, 1, 5), D(2030, 1, 4)],
        ["王芳", valid_id(302), "B-T", "", "综合执法", "是", "", "", None, None],
    ]
    assert run_import(OFFICERS, workbook_file(tmp_path, headers, rows), users["clerk"]).rows == 2
    li = Officer.objects.get(name="李明")
    assert li.unit == tree["town"] and li.body == body and li.certificates.get().number == "ZF-301"
    assert (
        Officer.objects.get(name="王芳").is_legal_reviewer
        and not Certificate.objects.filter(officer__name="王芳").exists()
    )
    assert li.history.get().history_change_reason == "Excel导入"


def test_officer_import_refuses_a_bad_check_digit_and_imports_nothing(users, tree, tmp_path):
    make_body(tree["town"], "B-T")
    good = valid_id(303)
    bad = good[:-1] + ("1" if good[-1] != "1" else "2")
    headers = [c.header for c in OFFICERS.columns]
    rows = [
        ["甲", good, "B-T", "", "综合执法", "否", "", "", None, None],
        ["乙", bad, "B-T", "", "综合执法", "否", "", "", None, None],
        ["丙", valid_id(304), "B-OTHER", "", "综合执法", "否", "", "", None, None],
    ]
    with pytest.raises(ImportRefused) as refused:
        run_import(OFFICERS, workbook_file(tmp_path, headers, rows), users["clerk"])
    messages = [str(p) for p in refused.value.problems]
    assert any(m.startswith("第3行“身份证号”列") and "校验位" in m for m in messages), messages
    assert any(m.startswith("第4行") and "B-OTHER" in m for m in messages), messages
    assert not Officer.objects.exists()


def test_matters_import(users, tree, tmp_path):
    make_body(tree["town"], "B-T")
    headers = [c.header for c in MATTERS.columns]
    rows = [
        ["CF-1", "对无证经营的处罚", "行政处罚", "B-T", "《食品安全法》第一百二十二条", "是", 50000, 100000],
        ["CF-2", "超范围处罚", "行政处罚", "B-T", "《食品安全法》", "否", 9000, 100],
    ]
    with pytest.raises(ImportRefused, match="上限不能低于下限"):
        run_import(MATTERS, workbook_file(tmp_path, headers, rows), users["clerk"])
    assert run_import(MATTERS, workbook_file(tmp_path, headers, rows[:1]), users["clerk"]).rows == 1
    matter = Matter.objects.get()
    assert matter.is_major and matter.fine_max == Decimal("100000") and matter.unit == tree["town"]


def test_entities_import(users, tree, tmp_path):
    headers = [c.header for c in ENTITIES.columns]
    code = valid_uscc(401)
    rows = [[code, "云测恒达商贸有限公司", "企业", "批发和零售业", "990121", "d", D(2019, 5, 20), "C1-T1"]]
    assert run_import(ENTITIES, workbook_file(tmp_path, headers, rows), users["clerk"]).rows == 1
    entity = MarketEntity.objects.get()
    assert entity.industry == "F" and entity.risk_class == "D" and entity.region.code == "990121"
    rows = [[code[:-1] + ("0" if code[-1] != "0" else "1"), "错码", "企业", "F", "990121", "B", None, "C1-T1"]]
    with pytest.raises(ImportRefused, match="校验位"):
        run_import(ENTITIES, workbook_file(tmp_path, headers, rows), users["clerk"])


# -- portal --------------------------------------------------------------------------------------------------------
def test_portal_shows_only_published_decisions_and_hides_persons(ledger, client):
    person = open_case(
        Matter.objects.get(code="M-PLAIN"),
        ledger["officers"][:2],
        number="P-1",
        party_type=PartyType.PERSON,
        party_name="赵六一",
        party_id_number=valid_id(77),
    )
    rules.decide(person, on=D(2025, 6, 2), outcome=Outcome.PENALTY, fine_amount=Decimal("200"))
    rules.publish(person, on=D(2025, 6, 3))
    page = client.get(reverse("portal:enforcement:decisions")).content.decode()
    assert ">A<" in page and ">B<" in page and "P-1" in page
    assert ">C<" not in page and ">OLD<" not in page  # decided, never published
    assert "赵某" in page and "赵六一" not in page and valid_id(77) not in page
    assert (
        client.get(reverse("portal:index")).status_code == 200
        and reverse("portal:enforcement:index") in client.get(reverse("portal:index")).content.decode()
    )


def test_portal_lists_only_officers_with_a_valid_certificate(ledger, client):
    page = client.get(reverse("portal:enforcement:officers")).content.decode()
    assert "ZF000001" in page and "ZF000004" not in page and "ZF000005" not in page
    for path in (
        reverse("portal:enforcement:bodies"),
        reverse("portal:enforcement:matters"),
        reverse("portal:enforcement:index"),
    ):
        assert client.get(path).status_code == 200


def test_portal_shows_only_published_inspection_plans_tasks_and_results(tree, client):
    unit = tree["dept2"]
    body = make_body(unit)
    for n in range(1, 4):
        make_officer(body, n)
    listed = make_inspection_matter(body, "SC-PUB")
    hidden_matter = make_inspection_matter(body, "SC-HID", published_on=None)
    make_entities(unit, {"C": 6})
    shown = make_task(unit, [listed], [body], code="T-SHOWN", ratio_c=100)
    hidden = make_task(unit, [make_inspection_matter(body, "SC-OTHER")], [body], code="T-HIDDEN", ratio_c=100)
    run = inspection_rules.draw_task(shown, on=D(2025, 4, 1))
    inspection_rules.draw_task(hidden, on=D(2025, 4, 1))
    inspection_rules.publish_task(shown, D(2025, 4, 2))
    first, second = TaskEntity.objects.filter(task=shown).order_by("position")[:2]
    inspection_rules.enter_result(first, inspected_on=D(2025, 4, 10), result=Result.NO_PROBLEM)
    inspection_rules.publish_result(first, D(2025, 4, 12))
    inspection_rules.enter_result(second, inspected_on=D(2025, 4, 10), result=Result.CASE, disposal="立案查处")
    index = client.get(reverse("portal:inspections:index")).content.decode()
    assert listed.name in index and hidden_matter.name not in index
    assert shown.name in index and hidden.name not in index
    assert client.get(reverse("portal:inspections:task", args=[hidden.pk])).status_code == 404
    page = client.get(reverse("portal:inspections:task", args=[shown.pk])).content.decode()
    assert run.seed in page and run.candidates_hash in page and run.algorithm in page
    assert Result.NO_PROBLEM.label in page and Result.CASE.label not in page  # entered, not published
    results = client.get(reverse("portal:inspections:results")).content.decode()
    assert first.entity.uscc in results and second.entity.uscc not in results
