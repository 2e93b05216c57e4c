"""考核方案 in the database: copy, edit (a bad formula refused), Excel round trip, preview, publish, lock, pages."""

import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from fazhi.assessment import rules
from fazhi.assessment.framework import framework_data, load_framework
from fazhi.assessment.models import AssessmentRun, Scheme, SchemeItem, SelfAssessment
from fazhi.assessment.schemes import framework_for, scheme_data, scheme_framework
from fazhi.assessment.scoring import preview, run_assessment
from fazhi.assessment.workbook import export_scheme, parse_rule, read_scheme, rule_text
from fazhi.core.importing import ImportRefused
from fazhi.core.steps import StateConflict
from fazhi.metrics.models import LedgerSnapshot, Observation, ObservationBatch

from .browser import ARTIFACTS
from .factories import make_item
from .test_assessment import YEAR, observe

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def office(users):
    return users["office"]


@pytest.fixture
def draft(office):
    """Next year's draft, copied from the packaged default framework."""
    return rules.create_scheme(YEAR + 1, None, user=office)


def item_fields(item: SchemeItem, **changes) -> dict:
    fields = {key: getattr(item, key) for key in rules.ITEM_FIELDS}
    return {**fields, **changes}


def reasons(scheme) -> list[str]:
    return [h.history_change_reason for h in scheme.history.order_by("history_date", "history_id")]


def test_a_copy_of_the_default_and_of_a_year_hold_the_same_items(draft, office, users):
    default = load_framework()
    built = scheme_framework(draft)
    assert draft.status == Scheme.Status.DRAFT and draft.version == f"{YEAR + 1}.1"
    assert [(i.code, i.points, i.rule, i.applies_to, i.on_missing) for i in built.items] == [
        (i.code, i.points, i.rule, i.applies_to, i.on_missing) for i in default.items
    ]
    assert [(a.code, a.name, a.indicators) for a in built.areas] == [
        (a.code, a.name, a.indicators) for a in default.areas
    ]
    assert reasons(draft)[0].startswith("复制自内置默认指标体系")
    following = rules.create_scheme(YEAR + 2, draft, user=office)
    assert scheme_data(following)["areas"] == scheme_data(draft)["areas"]
    assert following.copied_from.startswith(f"{YEAR + 1}年度考核方案")
    with pytest.raises(ValidationError, match="已有考核方案"):
        rules.create_scheme(YEAR + 1, None, user=office)
    with pytest.raises(PermissionDenied):
        rules.create_scheme(YEAR + 3, None, user=users["unit_admin"])


def test_copying_through_the_page(office, login):
    client = login(office)
    response = client.post(reverse("assessment:scheme_new"), {"year": YEAR + 1, "source": "default"})
    scheme = Scheme.objects.get(year=YEAR + 1)
    assert response.url == reverse("assessment:scheme", args=[scheme.pk])
    page = client.get(response.url).content.decode()
    assert "政务服务事项网上可办率" in page and "草稿" in page and "线性：下限0.6，上限0.95" in page
    again = client.post(reverse("assessment:scheme_new"), {"year": YEAR + 1, "source": "default"}, follow=True)
    assert "已有考核方案" in again.content.decode() and Scheme.objects.count() == 1


def test_an_item_with_an_unknown_metric_is_refused_naming_it(draft, office, login):
    item = SchemeItem.objects.get(scheme=draft, code="online_rate")
    with pytest.raises(ValidationError) as refused:
        rules.save_item(draft, item, item_fields(item, formula="online_rate * no_such_metric"), user=office)
    assert "no_such_metric" in str(refused.value.error_dict["formula"])
    with pytest.raises(ValidationError, match="不填计算公式"):
        rules.save_item(draft, item, item_fields(item, rule={"type": "qualitative"}), user=office)

    client = login(office)
    url = reverse("assessment:scheme_item", args=[draft.pk]) + f"?id={item.pk}"
    form = {
        "id": item.pk,
        "indicator": item.indicator_id,
        "name": item.name,
        "points": 6,
        "rule_text": rule_text(item.rule),
        "formula": "no_such_metric / service_items",
        "applies_to": item.applies_to,
        "code": item.code,
    }
    page = client.post(url, form).content.decode()
    assert "公式引用了指标目录中没有的指标：no_such_metric" in page
    item.refresh_from_db()
    assert (item.points, item.formula) == (4, "online_rate")
    check = client.get(reverse("assessment:scheme_formula"), {"formula": "max(online_rate, nope)"}).json()
    assert check["ok"] is False and "nope" in check["message"]
    assert client.get(reverse("assessment:scheme_formula"), {"formula": "online_rate"}).json()["ok"] is True
    assert client.get(reverse("assessment:scheme_formula"), {"formula": "min(online_rate)"}).json()["ok"] is False
    bad_rule = client.post(url, {**form, "formula": "online_rate", "rule_text": "线性：上限1"}).content.decode()
    assert "线性规则应写作" in bad_rule

    before = draft.revision
    response = client.post(url, {**form, "formula": "online_rate"})
    assert response.status_code == 302
    item.refresh_from_db()
    draft.refresh_from_db()
    assert item.points == 6 and draft.revision == before + 1
    assert item.history.first().history_change_reason == "保存指标项"
    assert reasons(draft)[-1] == "保存指标项"
    assert scheme_framework(draft).item("online_rate").points == 6


def test_areas_indicators_and_items_are_added_and_removed(draft, office):
    area = rules.save_area(draft, None, "十、测试领域", user=office)
    indicator = rules.save_indicator(draft, None, area, "（十四）测试指标", user=office)
    item = rules.save_item(
        draft,
        None,
        {
            "indicator": indicator,
            "name": "测试项",
            "points": 2,
            "formula": "law_publicity_events",
            "rule": parse_rule("达标：≥3"),
            "applies_to": ["county"],
        },
        user=office,
    )
    built = scheme_framework(draft)
    assert built.item(item.code).rule == {"type": "boolean", "threshold": 3.0}
    assert built.areas[-1].indicators == [(indicator.code, "（十四）测试指标")]
    with pytest.raises(ValidationError, match="还有二级指标"):
        rules.delete_area(draft, area, user=office)
    rules.delete_item(draft, item, user=office)
    rules.delete_indicator(draft, indicator, user=office)
    rules.delete_area(draft, area, user=office)
    assert scheme_data(draft)["areas"] == framework_data()["areas"]


def workbook_of(scheme) -> bytes:
    return export_scheme(scheme_data(scheme), str(scheme))


def test_the_excel_round_trip_gives_back_the_scheme(draft, office, login):
    data = scheme_data(draft)
    client = login(office)
    exported = client.get(reverse("assessment:scheme_export", args=[draft.pk]))
    assert exported["Content-Type"] == XLSX
    content = exported.content
    sheet = load_workbook(io.BytesIO(content))["考核方案"]
    header = [cell.value for cell in sheet[1]]
    assert header[:8] == ["一级指标", "二级指标", "考核内容", "分值", "计算公式", "评分规则", "适用单位类型", "备注"]
    second = [cell.value for cell in sheet[2]]
    assert second[:7] == [
        "一、政府职能依法全面履行",
        "（一）深化“放管服”改革，优化政务服务",
        "政务服务事项网上可办率",
        4,
        "online_rate",
        "线性：下限0.6，上限0.95",
        "政府工作部门、县（市、区）、功能区",
    ]
    assert read_scheme(io.BytesIO(content), data) == data

    # An office's own file: a title row above the header, merged area cells left empty, points changed.
    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["考核方案"]
    sheet.insert_rows(1)
    sheet["A1"] = "2026年度法治政府建设考核方案"
    sheet["A4"] = None  # continues the area above
    sheet["D3"] = "6分"
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    buffer.name = "方案.xlsx"
    response = client.post(reverse("assessment:scheme_import", args=[draft.pk]), {"file": buffer})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert scheme_framework(draft).item("online_rate").points == 6
    imported = scheme_data(draft)
    assert [a["code"] for a in imported["areas"]] == [a["code"] for a in data["areas"]]
    assert len(scheme_framework(draft).items) == len(load_framework().items)
    assert reasons(draft)[-1] == "导入考核方案"


def test_a_bad_row_refuses_the_whole_file_naming_row_and_column(draft, office, login):
    workbook = load_workbook(io.BytesIO(workbook_of(draft)))
    sheet = workbook["考核方案"]
    sheet["E5"] = "praise_rate * no_such_metric"  # row 5: 计算公式
    sheet["F7"] = "分档：很好得满分"  # row 7: 评分规则
    sheet["G8"] = "政府工作部门、街道办"  # row 8: 适用单位类型
    sheet["D9"] = "-1"  # row 9: 分值
    buffer = io.BytesIO()
    workbook.save(buffer)
    with pytest.raises(ImportRefused) as refused:
        read_scheme(io.BytesIO(buffer.getvalue()), scheme_data(draft))
    found = [(p.row, p.column) for p in refused.value.problems]
    assert found == [(5, "计算公式"), (7, "评分规则"), (8, "适用单位类型"), (9, "分值")]
    assert "no_such_metric" in str(refused.value.problems[0])

    before = (draft.revision, scheme_data(draft))
    buffer.seek(0)
    buffer.name = "方案.xlsx"
    response = login(office).post(reverse("assessment:scheme_import", args=[draft.pk]), {"file": buffer})
    page = response.content.decode()
    assert response.status_code == 400
    assert "第5行“计算公式”列：公式引用了指标目录中没有的指标：no_such_metric" in page
    assert "第8行“适用单位类型”列：没有“街道办”这种单位类型" in page
    draft.refresh_from_db()
    assert (draft.revision, scheme_data(draft)) == before


def with_data(tree):
    make_item(tree["dept"], code="S1", online_depth=4)
    make_item(tree["dept"], code="S2", online_depth=1)
    make_item(tree["county"], code="S3", online_depth=4)
    observe(tree["dept2"], "online_rate", 0.8)
    observe(tree["county"], "law_publicity_events", 7)


def test_the_preview_gives_the_scores_a_run_gives_and_stores_nothing(tree, office):
    with_data(tree)
    scheme = rules.create_scheme(YEAR + 1, None, user=office)
    item = SchemeItem.objects.get(scheme=scheme, code="online_rate")
    rules.save_item(scheme, item, item_fields(item, points=10), user=office)
    stored = (LedgerSnapshot.objects.count(), ObservationBatch.objects.count(), Observation.objects.count())
    rows = preview(scheme_framework(scheme), YEAR)
    assert not AssessmentRun.objects.exists()
    assert (LedgerSnapshot.objects.count(), ObservationBatch.objects.count(), Observation.objects.count()) == stored
    run = run_assessment(YEAR, framework=scheme_framework(scheme))
    stored_rows = sorted(
        run.unit_results.values_list("unit_id", "score", "max_score", "share", "rank", "rank_of", "light")
    )
    assert sorted((r[0].pk, *r[2:8]) for r in rows) == stored_rows
    dept = next(r for r in rows if r[0] == tree["dept"])
    online = next(score for score in dept[10] if score.item == "online_rate")
    assert (online.max_points, online.value) == (10, 0.5)

    client = Client()
    client.force_login(office)
    page = client.get(reverse("assessment:scheme_preview", args=[scheme.pk]), {"year": YEAR}).content.decode()
    assert "云测市司法局" in page and "不保存考核结果" in page and "原得分" in page
    assert AssessmentRun.objects.count() == 1


def test_publish_then_assess_uses_the_scheme_and_locks_it(tree, office, login):
    with_data(tree)
    scheme = rules.create_scheme(YEAR, None, user=office)
    item = SchemeItem.objects.get(scheme=scheme, code="online_rate")
    rules.save_item(scheme, item, item_fields(item, points=8), user=office)
    assert framework_for(YEAR) == (load_framework(), None)  # a draft is not in force
    with pytest.raises(ValidationError, match="尚未发布"):
        run_assessment(YEAR)
    client = login(office)
    client.post(reverse("assessment:scheme_publish", args=[scheme.pk]))
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.PUBLISHED and scheme.published_by == office
    assert framework_for(YEAR)[1] == scheme
    with pytest.raises(StateConflict, match="已经发布"):
        rules.publish_scheme(scheme, user=office)

    response = client.post(reverse("assessment:start"), {"year": YEAR}, follow=True)
    run = AssessmentRun.objects.get()
    assert run.scheme == scheme and "按2025年度考核方案" in response.content.decode()
    online = {
        result.unit_id: next(s for s in result.item_scores if s.item == "online_rate")
        for result in run.unit_results.all()
    }
    assert (online[tree["county"].pk].points, online[tree["county"].pk].max_points) == (8, 8)
    assert (online[tree["dept"].pk].value, online[tree["dept"].pk].points) == (0.5, 0)  # under the lower bound
    scheme.refresh_from_db()
    assert scheme.status == Scheme.Status.LOCKED and scheme.locked_at is not None
    assert reasons(scheme)[-3:] == ["保存指标项", "发布考核方案", "考核锁定考核方案"]
    card = client.get(reverse("assessment:scorecard", args=[run.pk]), {"unit": tree["dept"].pk}).content.decode()
    assert "/8" in card
    run_page = client.get(reverse("assessment:run", args=[run.pk])).content.decode()
    assert "2025年度考核方案" in run_page

    # A year without a scheme: the packaged framework, and the pages say so.
    other = run_assessment(YEAR - 1, compute=False)
    assert other.scheme is None and other.framework_digest == load_framework().digest
    assert "按指标体系文件计分" in client.get(reverse("assessment:run", args=[other.pk])).content.decode()


def test_a_locked_scheme_refuses_every_edit_with_the_reason(tree, office, login):
    scheme = rules.create_scheme(YEAR, None, user=office)
    rules.publish_scheme(scheme, user=office)
    run_assessment(YEAR, compute=False)
    scheme.refresh_from_db()
    item = SchemeItem.objects.get(scheme=scheme, code="online_rate")
    with pytest.raises(StateConflict, match="开展考核后锁定，不能再修改"):
        rules.save_item(scheme, item, item_fields(item, points=9), user=office)
    for refused_step in (
        lambda: rules.delete_item(scheme, item, user=office),
        lambda: rules.save_area(scheme, None, "新领域", user=office),
        lambda: rules.replace_content(scheme, scheme_data(scheme), user=office),
        lambda: rules.edit_scheme(scheme, {key: getattr(scheme, key) for key in rules.SCHEME_FIELDS}, user=office),
    ):
        with pytest.raises(StateConflict, match="锁定"):
            refused_step()
    client = login(office)
    page = client.post(
        reverse("assessment:scheme_item", args=[scheme.pk]),
        {
            "id": item.pk,
            "indicator": item.indicator_id,
            "name": item.name,
            "points": 9,
            "rule_text": rule_text(item.rule),
            "formula": item.formula,
        },
    ).content.decode()
    assert "开展考核后锁定，不能再修改" in page
    item.refresh_from_db()
    assert item.points == 4
    assert run_assessment(YEAR, compute=False).scheme == scheme  # a second run keeps to the locked scheme


def test_units_see_the_items_they_are_assessed_on_with_their_weights(tree, users, office, login):
    scheme = rules.create_scheme(YEAR + 1, None, user=office)
    client = login(users["unit_admin"])  # the county
    assert client.get(reverse("assessment:scheme", args=[scheme.pk])).status_code == 404
    assert "2026年度" not in client.get(reverse("assessment:schemes")).content.decode()
    page = client.get(reverse("assessment:unit_items"), {"year": YEAR + 1}).content.decode()
    assert "尚未发布" in page and "政务服务事项网上可办率" not in page
    assert client.post(reverse("assessment:scheme_publish", args=[scheme.pk])).status_code == 403
    rules.publish_scheme(scheme, user=office)
    page = client.get(reverse("assessment:unit_items"), {"year": YEAR + 1}).content.decode()
    county_items = [i for i in scheme_framework(scheme).items if i.applies("county")]
    total = sum(i.points for i in county_items)
    assert f"共 {len(county_items)} 个指标项，满分 {total:g} 分" in page
    assert "人民调解成功率" in page  # county and zone only
    assert f"{3 / total * 100:.1f}%" in page
    assert client.get(reverse("assessment:scheme", args=[scheme.pk])).status_code == 200
    clerk = login(users["clerk"])  # a town: not assessed under the default's unit types
    assert (
        "不在2026年度的考核范围内" in clerk.get(reverse("assessment:unit_items"), {"year": YEAR + 1}).content.decode()
    )
    fallback = clerk.get(reverse("assessment:unit_items"), {"year": YEAR - 3}).content.decode()
    assert "尚未发布考核方案：考核将按内置默认指标体系" in fallback


def test_self_assessments_follow_the_years_scheme(tree, office):
    scheme = rules.create_scheme(YEAR, None, user=office)
    item = SchemeItem.objects.get(scheme=scheme, code="leader_duties")
    rules.save_item(scheme, item, item_fields(item, points=8), user=office)
    assessment = SelfAssessment(unit=tree["town"], year=YEAR, item="leader_duties", self_score=7, explanation="述法")
    with pytest.raises(ValidationError, match="0到5分"):
        assessment.full_clean()  # the draft is not in force: the default's 5 points
    rules.publish_scheme(scheme, user=office)
    assessment.full_clean()
    assessment.save()
    with pytest.raises(ValidationError, match="已有单位提交"):
        rules.delete_item(scheme, SchemeItem.objects.get(scheme=scheme, code="leader_duties"), user=office)


@pytest.mark.browser
def test_the_office_copies_edits_publishes_and_assesses_in_the_browser(live_server, page, users, tree):
    make_item(tree["dept"], code="S1", online_depth=4)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "office")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")

    page.goto(live_server.url + reverse("assessment:schemes"))
    page.fill("#copy-form input[name=year]", str(YEAR))
    page.select_option("#copy-form select[name=source]", "default")
    page.click("#copy-form button[type=submit]")
    page.wait_for_selector("#scheme-items")
    assert "草稿" in page.inner_text("#scheme-status")

    page.click("tr[data-code=online_rate] a.edit-item")
    page.wait_for_selector("#id_formula")
    page.fill("#id_formula", "online_rate + nope")
    page.wait_for_selector("#formula-check.text-danger")
    assert "nope" in page.inner_text("#formula-check")
    page.fill("#id_formula", "online_rate")
    page.wait_for_selector("#formula-check.text-success")
    page.fill("#id_points", "7")
    page.click("button:has-text('保存')")
    page.wait_for_selector("#scheme-items")
    assert page.inner_text("tr[data-code=online_rate] .item-points") == "7"
    page.click("#publish")
    page.wait_for_selector("text=已发布：各单位可查看")
    page.screenshot(path=str(ARTIFACTS / "assessment-scheme.png"), full_page=True)
    page.click("text=预览得分")
    page.fill("#preview-year", str(YEAR))
    page.click("text=重新预览")
    page.wait_for_selector(".preview-table")
    assert page.locator(".preview-table tr", has_text="云测市司法局").count() == 1
    page.screenshot(path=str(ARTIFACTS / "assessment-scheme-preview.png"), full_page=True)

    page.goto(live_server.url + reverse("assessment:index"))
    assert "按2025年度考核方案" in page.inner_text("#year-scheme")
    page.fill("#year", str(YEAR))
    page.click("text=由台账计算指标并考核全部单位")
    page.wait_for_selector("#ranking")
    assert "2025年度考核方案" in page.inner_text("#run-scheme")
    page.click(".btn-group a:has-text('政府工作部门')")
    page.click(f"#ranking a:has-text('{tree['dept'].name}')")
    page.wait_for_selector("#items")
    row = page.locator("#items tr", has_text="政务服务事项网上可办率")
    assert "7.00/7" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "assessment-scheme-scorecard.png"), full_page=True)
    page.goto(live_server.url + reverse("assessment:unit_items") + f"?year={YEAR}&unit={tree['dept'].pk}")
    assert "政务服务事项网上可办率" in page.inner_text("#unit-items")
    page.screenshot(path=str(ARTIFACTS / "assessment-unit-items.png"), full_page=True)
    assert Scheme.objects.get(year=YEAR).status == Scheme.Status.LOCKED
