"""Indicators and assessment: rules on hand-computed examples, missing data, identical re-runs, review, pages."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from docx import Document
from openpyxl import load_workbook

from fazhi.assessment.formula import Formula, FormulaError
from fazhi.assessment.framework import FrameworkError, load_framework
from fazhi.assessment.models import SelfAssessment, UnitResult
from fazhi.assessment.rules import review
from fazhi.assessment.scoring import rule_share, run_assessment
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.models import Observation, Source

YEAR = 2025
FRAMEWORK = """
code: test
name: 测试指标体系
version: "1"
document: 测试文件
applies_to: [department, county]
lights: {green: 0.85, yellow: 0.6}
areas:
  - code: a
    name: 一、服务
    indicators:
      - code: a1
        name: （一）服务
        items:
          - {code: online, name: 网上可办率, formula: online_rate,
             rule: {type: linear, lower: 0.5, upper: 1.0}, points: 10}
          - {code: events, name: 普法场次, formula: law_publicity_events,
             rule: {type: bands, bands: [{min: 10, share: 1}, {min: 5, share: 0.5}]}, points: 4}
          - {code: losses, name: 败诉率, formula: litigation_loss_rate,
             rule: {type: linear, lower: 0.2, upper: 0.0}, points: 6, on_missing: exclude}
  - code: b
    name: 二、领导
    indicators:
      - code: b1
        name: （二）领导
        items:
          - {code: duties, name: 第一责任人职责, rule: {type: qualitative}, points: 5}
"""


@pytest.fixture
def framework(tmp_path, settings):
    path = tmp_path / "framework.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    settings.FAZHI_ASSESSMENT_FRAMEWORK = str(path)
    return load_framework(path)


def observe(unit, metric, value, source=Source.MANUAL, qualifier=""):
    return Observation.objects.create(
        unit=unit,
        metric=metric,
        value=value,
        source=source,
        qualifier=qualifier,
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
    )


def test_rules_on_hand_computed_values():
    assert rule_share({"type": "linear", "lower": 0.5, "upper": 1.0}, 0.8) == pytest.approx(0.6)
    assert rule_share({"type": "linear", "lower": 0.5, "upper": 1.0}, 0.3) == 0
    assert rule_share({"type": "linear", "lower": 0.5, "upper": 1.0}, 1.2) == 1
    assert rule_share({"type": "linear", "lower": 0.2, "upper": 0.0}, 0.05) == pytest.approx(0.75)  # lower is better
    bands = {"type": "bands", "bands": [{"min": 10, "share": 1}, {"min": 5, "share": 0.5}]}
    assert [rule_share(bands, v) for v in (12, 10, 7, 4)] == [1, 1, 0.5, 0]
    assert [rule_share({"type": "boolean", "threshold": 1}, v) for v in (0, 1, 3)] == [0, 1, 1]


def test_formulas_are_restricted_and_missing_stays_missing():
    formula = Formula("(a + b) / max(c, 1)")
    assert formula.evaluate({"a": 3, "b": 1, "c": 2}) == 2
    assert formula.evaluate({"a": 3, "c": 2}) is None
    assert Formula("a / b").evaluate({"a": 1, "b": 0}) is None
    for bad in ("__import__('os')", "a.b", "a if b else c", "open('x')", "[a]"):
        with pytest.raises(FormulaError):
            Formula(bad)


def test_framework_file_errors_are_named(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text(FRAMEWORK.replace("online_rate", "no_such_metric"), encoding="utf-8")
    with pytest.raises(FrameworkError, match="no_such_metric"):
        load_framework(path)


def test_formulas_evaluate_arithmetic_and_functions():
    assert Formula("-a + 2 * b - c / 4").evaluate({"a": 1, "b": 3, "c": 2}) == pytest.approx(4.5)
    assert Formula("min(a, b, 0.5)").evaluate({"a": 0.7, "b": 0.9}) == 0.5
    assert Formula("min(a, b)").evaluate({"a": 0.7}) is None
    assert Formula("-a").evaluate({}) is None


def test_an_edited_framework_file_is_read_anew(tmp_path):
    path = tmp_path / "framework.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    first = load_framework(path)
    assert load_framework(path) is first  # unchanged file: parsed once
    path.write_text(FRAMEWORK.replace("points: 10", "points: 12"), encoding="utf-8")
    edited = load_framework(path)
    assert edited.item("online").points == 12 and edited.digest != first.digest
    assert first.item("online").points == 10


def test_scores_ranks_lights_and_missing_data(tree, framework):
    dept, dept2, county, _other = tree["dept"], tree["dept2"], tree["county"], tree["other_county"]
    observe(dept, "online_rate", 0.9)  # 10 × 0.8 = 8
    observe(dept, "law_publicity_events", 7)  # 4 × 0.5 = 2
    observe(dept, "litigation_loss_rate", 0.1)  # 6 × 0.5 = 3
    observe(dept2, "online_rate", 1.0)  # 10; events missing → 0 of 4, shown missing; losses missing → excluded
    review(
        SelfAssessment.objects.create(unit=dept2, year=YEAR, item="duties", self_score=5, explanation="述职述法"),
        4,
        "佐证材料齐全",
    )
    observe(county, "online_rate", 0.4, source=Source.REPORT)  # report value used when no ledger value
    run = run_assessment(YEAR, framework=framework, compute=False)

    r = {u.unit.code: u for u in UnitResult.objects.filter(run=run).select_related("unit")}
    assert (r["D1"].score, r["D1"].max_score) == (13, 25)  # duties pending: 0 of 5
    assert (r["D2"].score, r["D2"].max_score) == (14, 19)  # 10 + 0 + duties 4; losses excluded from the maximum
    assert r["D2"].rank == 1 and r["D1"].rank == 2 and r["D1"].rank_of == 2
    assert r["D2"].light == "yellow" and r["D1"].light == "red"  # 14/19 = 0.737; 13/25 = 0.52
    items = {(code, s.item): s for code, result in r.items() for s in result.item_scores}
    assert items[("D2", "events")].status == "missing" and items[("D2", "events")].max_points == 4
    assert items[("D2", "losses")].status == "excluded" and items[("D2", "losses")].max_points == 0
    assert items[("D1", "duties")].status == "pending"
    assert items[("C1", "online")].source == "report" and items[("C1", "online")].points == 0
    assert r["C1"].missing_items == 3 and r["C2"].score == 0
    assert r["C1"].rank == r["C2"].rank == 1  # both 0%: a tie shares the rank


def test_identical_reruns(tree, framework):
    observe(tree["dept"], "online_rate", 0.77)
    observe(tree["county"], "law_publicity_events", 11)

    def snapshot(run):
        return sorted(
            UnitResult.objects.filter(run=run).values_list(
                "unit_id", "score", "max_score", "share", "rank", "light", "area_scores", "items_json"
            )
        )

    first, second = (
        run_assessment(YEAR, framework=framework, compute=False),
        run_assessment(YEAR, framework=framework, compute=False),
    )
    assert snapshot(first) == snapshot(second) and first.inputs_digest == second.inputs_digest
    observe(tree["dept2"], "online_rate", 0.6)
    third = run_assessment(YEAR, framework=framework, compute=False)
    assert third.inputs_digest != first.inputs_digest and snapshot(third) != snapshot(first)


def test_ledger_computation_feeds_the_assessment(tree, users):
    from fazhi.metrics.models import LedgerSnapshot

    from .factories import make_item

    make_item(tree["dept"], code="S1", online_depth=4)
    run = run_assessment(YEAR)  # the default framework, computing the ledger values
    online = next(s for s in run.unit_results.get(unit=tree["dept"]).item_scores if s.item == "online_rate")
    assert online.value == 1.0 and online.source == "ledger" and online.points == 4
    snapshots = LedgerSnapshot.objects.filter(unit=tree["dept"], period_start=dt.date(YEAR, 1, 1))
    stored = snapshots.get(superseded_at__isnull=True)
    assert stored.values["service_items"] == 1 and stored.batch.source == "ledger"
    run_assessment(YEAR)  # nothing changed in the ledgers: the stored values stay, no new version
    assert snapshots.count() == 1 and snapshots.get().pk == stored.pk
    make_item(tree["dept"], code="S2", online_depth=4)
    run_assessment(YEAR)  # a changed value supersedes the unit's snapshot; the old one stays as history
    assert snapshots.count() == 2
    assert snapshots.get(superseded_at__isnull=True).values["service_items"] == 2
    stored.refresh_from_db()
    assert stored.superseded_at is not None and stored.values["service_items"] == 1


def test_stored_ledger_values_follow_the_ledgers_family_by_family(tree):
    from fazhi.metrics.models import LedgerSnapshot
    from fazhi.metrics.registry import Period
    from fazhi.metrics.store import compute_period, current_values

    from .factories import make_item

    year = Period.year(YEAR)
    item = make_item(tree["dept"], code="S1", online_depth=4)
    make_item(tree["dept2"], code="S2", online_depth=1)
    stored = compute_period(year)
    assert stored[tree["dept"].pk]["online_rate"] == 1.0 and stored[tree["dept"].pk]["service_items"] == 1.0
    assert "depth4_items" not in stored[tree["dept"].pk]  # internal quantities are not stored

    def current(unit):
        return LedgerSnapshot.objects.get(unit=unit, period_start=year.start, superseded_at__isnull=True)

    assert current(tree["dept"]).values == stored[tree["dept"].pk]
    assert current_values(year, units=[tree["dept"]])[tree["dept"].pk]["online_rate"]["ledger"].value == 1.0
    manual = Observation.objects.create(
        unit=tree["dept"],
        metric="online_rate",
        value=0.5,
        source=Source.MANUAL,
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
    )
    before = current(tree["dept"])
    unchanged = current(tree["dept2"])
    item.soft_delete(None, "测试")  # the unit has no item left: its online rate is 0/0, no longer a value
    stored = compute_period(year, families=["services"])
    after = current(tree["dept"])
    assert after.pk != before.pk and "online_rate" not in after.values and after.values["service_items"] == 0
    assert after.values["reconsideration_received"] == before.values["reconsideration_received"]  # another family: kept
    assert stored[tree["dept"].pk] == after.values
    assert current(tree["dept2"]) == unchanged  # unchanged, not rewritten
    readings = current_values(year, units=[tree["dept"]])[tree["dept"].pk]
    assert set(readings["online_rate"]) == {"manual"} and readings["online_rate"]["manual"].value == 0.5
    manual.refresh_from_db()
    assert manual.superseded_at is None  # other sources are never touched by a computation


def test_self_assessment_is_reviewed_by_the_office_only(tree, users, login, framework):
    assessment = SelfAssessment.objects.create(
        unit=tree["town"], year=YEAR, item="duties", self_score=5, explanation="说明"
    )
    clerk = login(users["clerk"])
    clerk.post(
        reverse("ledger:self-assessments-action", args=[assessment.pk, "review"]),
        {"reviewed_score": 5, "review_comment": "自己审核"},
    )
    assessment.refresh_from_db()
    assert assessment.status == "submitted" and assessment.reviewed_score is None
    office = login(users["office"])
    office.post(
        reverse("ledger:self-assessments-action", args=[assessment.pk, "review"]),
        {"reviewed_score": 3.5, "review_comment": "佐证不足，酌情扣分"},
    )
    assessment.refresh_from_db()
    assert (assessment.status, assessment.reviewed_score, assessment.reviewed_by) == ("reviewed", 3.5, users["office"])
    assert assessment.history.first().history_change_reason == "审核自评"
    too_high = SelfAssessment(unit=tree["town"], year=2024, item="duties", self_score=9, explanation="x")
    with pytest.raises(Exception, match="0到5分"):
        too_high.full_clean()


def test_pages_exports_and_scope(tree, users, login, framework):
    observe(tree["county"], "online_rate", 0.9)
    observe(tree["other_county"], "online_rate", 0.7)
    run = run_assessment(YEAR, framework=framework, compute=False)
    admin = login(users["unit_admin"])
    page = admin.get(reverse("assessment:run", args=[run.pk]) + "?type=county").content.decode()
    assert "测试县人民政府" in page and "另一县人民政府" not in page
    card = admin.get(reverse("assessment:scorecard", args=[run.pk]) + f"?unit={tree['county'].pk}")
    assert "得分卡" in card.content.decode()
    assert (
        admin.get(reverse("assessment:scorecard", args=[run.pk]) + f"?unit={tree['other_county'].pk}").status_code
        == 404
    )
    docx = admin.get(reverse("assessment:scorecard", args=[run.pk]) + f"?unit={tree['county'].pk}&format=docx")
    text = "\n".join(p.text for p in Document(io.BytesIO(docx.content)).paragraphs)
    assert "测试县人民政府2025年度法治政府建设考核得分卡" in text
    sheet = load_workbook(io.BytesIO(admin.get(reverse("assessment:export", args=[run.pk])).content))["考核结果"]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == ["测试县人民政府"]
    assert admin.post(reverse("assessment:start"), {"year": YEAR}).status_code == 403


def test_gap_between_ledger_and_report_is_shown(tree, users, login):
    from .factories import ledger_values

    ledger_values(tree["county"], YEAR, service_items=120, praise_rate=0.99)
    observe(tree["county"], "service_items", 131, source=Source.REPORT, qualifier="approx")
    observe(tree["county"], "rule_of_law_meetings", 4, source=Source.REPORT)  # no ledger computes it here
    page = (
        login(users["unit_admin"])
        .get(reverse("assessment:gaps") + f"?year={YEAR}&unit={tree['county'].pk}")
        .content.decode()
    )
    assert "政务服务事项数" in page and ">120<" in page and ">131<" in page and ">11<" in page and "约数" in page
    assert "好评率" not in page  # the ledgers' figure alone is nothing to compare
    row = page[page.index(catalogue()["rule_of_law_meetings"].name) :].split("</tr>")[0]
    assert "台账未统计" in row and ">4<" in row


def test_evidence_upload_and_scoped_download(tree, users, login, settings, tmp_path):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    clerk = login(users["clerk"])
    upload = SimpleUploadedFile("述法报告.pdf", b"%PDF-1.4 evidence", content_type="application/pdf")
    response = clerk.post(
        reverse("ledger:self-assessments-add"),
        {
            "unit": tree["town"].pk,
            "year": YEAR,
            "item": "leader_duties",
            "self_score": 4,
            "explanation": "已述法",
            "evidence": upload,
        },
    )
    assert response.status_code == 302
    assessment = SelfAssessment.objects.get()
    assert clerk.get(reverse("assessment:evidence", args=[assessment.pk])).getvalue() == b"%PDF-1.4 evidence"
    other = login(users["unit_admin"])  # the county admin: the town is in the county's subtree
    assert other.get(reverse("assessment:evidence", args=[assessment.pk])).status_code == 200
    from fazhi.org.models import User

    outsider = User.objects.create(username="outsider", role="clerk", unit=tree["other_county"])
    assert login(outsider).get(reverse("assessment:evidence", args=[assessment.pk])).status_code == 404


def test_evidence_of_the_wrong_type_or_size_is_refused(tree, users, login, settings, tmp_path, monkeypatch):
    from django.core.files.uploadedfile import SimpleUploadedFile

    settings.MEDIA_ROOT = tmp_path
    clerk = login(users["clerk"])

    def submit(upload):
        return clerk.post(
            reverse("ledger:self-assessments-add"),
            {
                "unit": tree["town"].pk,
                "year": YEAR,
                "item": "leader_duties",
                "self_score": 4,
                "explanation": "已述法",
                "evidence": upload,
            },
        )

    refused = submit(SimpleUploadedFile("脚本.html", b"<script>alert(1)</script>", content_type="text/html"))
    assert refused.status_code == 400 and "不支持的文件类型" in refused.content.decode()
    monkeypatch.setattr("fazhi.core.uploads.MAX_EVIDENCE_BYTES", 10)
    too_big = submit(SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 " + b"x" * 20, content_type="application/pdf"))
    assert too_big.status_code == 400 and "文件过大" in too_big.content.decode()
    assert not SelfAssessment.all_objects.exists() and not any(tmp_path.rglob("*.*"))


@pytest.mark.django_db(transaction=True)
def test_migration_moves_item_rows_into_their_unit_result_and_back(tree):
    from django.core.management import call_command
    from django.db import connection

    from fazhi.assessment.models import AssessmentRun

    run = AssessmentRun.objects.create(
        year=YEAR,
        framework_code="t",
        framework_name="测试",
        framework_version="1",
        framework_digest="d",
        inputs_digest="i",
    )
    UnitResult.objects.create(
        run=run,
        unit=tree["dept"],
        unit_type="department",
        score=3,
        max_score=9,
        share=1 / 3,
        rank=1,
        rank_of=1,
        light="red",
        missing_items=1,
        items_json='[["b", 0.5, "ledger", 3.0, 4.0, "scored"], ["a", null, "", 0.0, 5.0, "missing"]]',
    )
    call_command("migrate", "assessment", "0003", verbosity=0)
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT item, value, source, points, max_points, status FROM assessment_itemresult ORDER BY id"
            )
            assert cursor.fetchall() == [("b", 0.5, "ledger", 3.0, 4.0, "scored"), ("a", None, "", 0.0, 5.0, "missing")]
            cursor.execute(
                "UPDATE assessment_itemresult SET points = 2 WHERE item = 'b'"
            )  # a change the way forward must carry
    finally:
        call_command("migrate", verbosity=0)  # every app: rolling back also rolled back the apps after it
    result = UnitResult.objects.get(run=run)
    assert result.item_scores[0] == ("b", 0.5, "ledger", 2.0, 4.0, "scored") and result.item_scores[1].item == "a"
    assert result.item_scores[1].get_status_display() == "缺少数据（按0分计）"


def test_ledger_values_page_shows_what_the_ledgers_give_the_unit(tree, users, login):
    from .factories import make_item

    make_item(tree["dept"], code="S1", online_depth=4)
    run_assessment(YEAR)
    office = login(users["office"])
    page = office.get(reverse("assessment:ledger_values") + f"?year={YEAR}&unit={tree['dept'].pk}").content.decode()
    assert "政务服务事项数" in page and "网上可办率" in page and "100.00%" in page and "计算时间" in page
    assert "四级深度事项数" not in page  # internal quantities are not shown
    assert (
        "尚未由台账计算指标"
        in office.get(reverse("assessment:ledger_values") + f"?year={YEAR - 1}&unit={tree['dept'].pk}").content.decode()
    )
    assert (
        office.get(reverse("assessment:ledger_values") + f"?year=abc&unit={tree['dept'].pk}").status_code == 200
    )  # last year instead
    county_admin = login(users["unit_admin"])
    assert (
        county_admin.get(reverse("assessment:ledger_values") + f"?year={YEAR}&unit={tree['dept'].pk}").status_code
        == 404
    )  # out of scope
