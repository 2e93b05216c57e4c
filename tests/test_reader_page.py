"""Reading published reports in the browser (issue 19, part 2): upload, the office's decision on each figure,
the observation store, the export of the decisions as gold.jsonl, and the journey in Chromium.

The report below is written for these tests; no published report's text is used."""

import io
import json
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from fazhi.jobs.models import Progress
from fazhi.metrics.models import Observation, ObservationBatch, Source
from fazhi.metrics.registry import Period
from fazhi.metrics.store import compute_period
from fazhi.reports import reading as steps
from fazhi.reports.reader.evaluate import load_gold, run
from fazhi.reports.reading_models import ReadFigure, ReportReading

YEAR = 2024
REPORT = """测试县人民政府关于2024年度法治政府建设情况的报告
一、2024年推进法治政府建设的主要举措和成效
（一）深化行政复议体制改革。全年共收到行政复议申请86件，依法受理79件，审结72件，纠错率12.5%。
（二）规范行政执法。全县共办理行政处罚案件1326件，罚没金额约350万元，组织执法人员培训4次。
（三）推进重大行政决策合法性审查。全年完成重大行政决策合法性审查22件，审查规范性文件18件。
（四）加强普法宣传。县政府常务会议学法9次，开展法治宣传活动120余场。
二、党政主要负责人履行推进法治建设第一责任人职责情况
县委、县政府主要负责人召开专题会议研究法治政府建设工作3次。
三、存在的不足和原因
基层执法力量仍然不足，部分执法人员业务能力有待提高。
四、2025年推进法治政府建设的主要安排
计划新增执法人员20名，继续深化行政复议体制改革。
"""
NAME = "测试县2024年法治政府建设年度报告.txt"


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(name=NAME, text=REPORT):
    data = text.encode() if isinstance(text, str) else text
    return SimpleUploadedFile(name, data, content_type="application/octet-stream")


def figure(reading, metric):
    return reading.figures.get(metric=metric)


def report_values(unit, metric=None):
    """The current observations of source report for the unit and year: {metric: value}."""
    period = Period.year(YEAR)
    rows = Observation.objects.filter(
        unit=unit, source=Source.REPORT, period_start=period.start, superseded_at__isnull=True
    )
    if metric:
        rows = rows.filter(metric=metric)
    return dict(rows.values_list("metric", "value"))


def stored_files(media):
    folder = media / steps.FOLDER
    return sorted(p.name for p in folder.rglob("*") if p.is_file()) if folder.exists() else []


# -- reading ------------------------------------------------------------------------------------------------
def test_an_uploaded_report_is_read_with_its_figures_spans_sections_and_year(users, tree, login, media):
    client = login(users["office"])
    response = client.post(
        reverse("reports:reading_list"), {"files": upload(), "unit": tree["county"].pk, "year": ""}, follow=True
    )
    reading = ReportReading.objects.get()
    assert response.redirect_chain[-1][0] == reverse("reports:reading", args=[reading.pk])
    assert reading.year == YEAR and reading.unit == tree["county"] and reading.status == ReportReading.Status.READ
    assert reading.created_by == users["office"] and stored_files(media)
    assert all(reading.required_sections.values())
    metrics = list(reading.figures.filter(mapped=True).values_list("metric", flat=True))
    assert {"reconsideration_received", "penalty_cases", "legality_reviews", "law_publicity_events"} <= set(metrics)
    for f in reading.figures.all():  # every span points at the figure in the stored text
        assert reading.text[f.start : f.end] == f.raw
    page = response.content.decode()
    received = figure(reading, "reconsideration_received")
    assert f'href="#f-{received.pk}"' in page and f'id="f-{received.pk}"' in page
    assert "行政复议收案数｜86｜确数｜本级合计" in page
    assert "罚没金额｜350万元｜约数｜本级合计" in page
    assert "主要举措和成效" in page and "待确认" in page
    # Nothing reaches the store before the office decides.
    assert report_values(tree["county"]) == {}
    # The next-year plan's figure is shown outside the catalogue and never counts.
    planned = reading.figures.get(mapped=False)
    assert planned.value == 20 and "下一年度" in planned.note


def test_confirming_writes_once_correcting_replaces_and_rejecting_withdraws(users, tree):
    office, county = users["office"], tree["county"]
    reading = steps.create_reading(upload(), county, None, office)
    received = figure(reading, "reconsideration_received")
    steps.confirm(received, office)
    assert report_values(county) == {"reconsideration_received": 86}
    batches = ObservationBatch.objects.count()
    steps.confirm(received, office)  # confirming again writes nothing
    assert Observation.objects.filter(metric="reconsideration_received").count() == 1
    assert ObservationBatch.objects.count() == batches
    received.refresh_from_db()
    assert received.observation.value == 86 and received.decided_by == office
    steps.correct(received, office, "reconsideration_received", 90, "", "self")
    assert report_values(county) == {"reconsideration_received": 90}
    assert Observation.objects.filter(metric="reconsideration_received").count() == 2  # the old one superseded
    steps.reject(received, office)
    assert report_values(county) == {}
    received.refresh_from_db()
    assert received.observation is None and received.decision == ReadFigure.Decision.REJECTED
    assert [h.history_change_reason for h in received.history.order_by("history_id")][-3:] == ["确认", "更正", "驳回"]
    # A figure corrected to a part of the unit (scope "sub") is an annotation, not the unit's value.
    cases = figure(reading, "penalty_cases")
    steps.correct(cases, office, "penalty_cases", 1326, "", "sub")
    assert report_values(county, "penalty_cases") == {}
    # A correction to another metric moves the value.
    steps.correct(cases, office, "enforcement_complaints", 1326, "", "self")
    assert report_values(county) == {"enforcement_complaints": 1326}
    # 全部确认 takes the rest; the store holds each confirmed metric once, for the unit and the year only.
    confirmed = steps.confirm_all(reading, office)
    values = report_values(county)
    assert confirmed == reading.figures.filter(mapped=True).count() - 2
    assert values["penalty_amount"] == 350 and values["reconsideration_correction_rate"] == 0.125
    assert "reconsideration_received" not in values and "penalty_cases" not in values
    assert not Observation.objects.filter(source=Source.REPORT).exclude(unit=county).exists()
    assert steps.confirm_all(reading, office) == 0
    assert Observation.objects.filter(source=Source.REPORT, superseded_at__isnull=True).count() == len(values)
    # Another unit and year: the figures leave the county for the town.
    steps.set_unit_and_year(reading, tree["town"], YEAR, office)
    assert report_values(county) == {} and report_values(tree["town"]) == values
    steps.delete_reading(reading)
    assert report_values(tree["town"]) == {}


def test_decisions_through_the_page_respect_roles_and_scope(users, tree, login):
    reading = steps.create_reading(upload(), tree["county"], None, users["office"])
    received = figure(reading, "reconsideration_received")
    decide = reverse("reports:reading_decide", args=[reading.pk])
    # The leader sees the county's reading but may not decide.
    client = login(users["leader"])
    assert client.get(reverse("reports:reading", args=[reading.pk])).status_code == 200
    assert "全部确认" not in client.get(reverse("reports:reading", args=[reading.pk])).content.decode()
    assert client.post(decide, {"figure": received.pk, "action": "confirm"}).status_code == 403
    # The town's clerk does not see the county's reading at all, nor may upload for it.
    client = login(users["clerk"])
    assert client.get(reverse("reports:reading", args=[reading.pk])).status_code == 404
    assert client.post(decide, {"figure": received.pk, "action": "confirm"}).status_code == 404
    assert login(users["office"]).post(decide, {"figure": "x1", "action": "confirm"}).status_code == 404
    client = login(users["clerk"])
    assert NAME not in client.get(reverse("reports:reading_list")).content.decode()
    response = client.post(reverse("reports:reading_list"), {"files": upload(), "unit": tree["county"].pk})
    assert response.status_code == 200 and ReportReading.objects.count() == 1
    # The county's unit admin corrects through the form: a rate as a percentage.
    client = login(users["unit_admin"])
    rate = figure(reading, "reconsideration_correction_rate")
    data = {"figure": rate.pk, "action": "correct", "metric": rate.metric, "value": "15", "scope": "self"}
    client.post(decide, data)
    assert report_values(tree["county"]) == {"reconsideration_correction_rate": 0.15}
    response = client.post(decide, {**data, "value": "很多"}, follow=True)
    assert "数值应为数字" in response.content.decode()
    assert report_values(tree["county"]) == {"reconsideration_correction_rate": 0.15}
    client.post(decide, {"figure": rate.pk, "action": "reject"})
    assert report_values(tree["county"]) == {}
    assert not received.reading.figures.exclude(decision=ReadFigure.Decision.PENDING).exclude(pk=rate.pk).exists()


def test_the_gaps_page_shows_a_confirmed_figure_beside_the_ledger(users, tree, login):
    compute_period(Period.year(YEAR))
    reading = steps.create_reading(upload(), tree["county"], None, users["office"])
    steps.confirm(figure(reading, "reconsideration_received"), users["office"])
    client = login(users["office"])
    page = client.get(reverse("reports:reading", args=[reading.pk])).content.decode()
    gaps = reverse("assessment:gaps") + f"?unit={tree['county'].pk}&year={YEAR}"
    assert gaps.replace("&", "&amp;") in page
    text = client.get(gaps).content.decode()
    assert "行政复议收案数" in text and "86" in text


# -- the gold format ----------------------------------------------------------------------------------------
def test_the_decisions_export_as_gold_jsonl_that_fazhi_reports_eval_reads(users, tree, login, tmp_path):
    office = users["office"]
    reading = steps.create_reading(upload(), tree["county"], None, office)
    client = login(office)
    assert "审核完毕后可导出标注" in client.get(reverse("reports:reading", args=[reading.pk])).content.decode()
    steps.correct(figure(reading, "reconsideration_received"), office, "reconsideration_received", 90, "", "self")
    steps.reject(figure(reading, "law_training_sessions"), office)
    planned = reading.figures.get(mapped=False)  # a figure outside the catalogue, given a metric by hand
    steps.correct(planned, office, "enforcement_officers", 20, "", "sub")
    steps.confirm_all(reading, office)
    response = client.get(reverse("reports:reading_export", args=[reading.pk]))
    assert "-gold.jsonl" in unquote(response["Content-Disposition"])
    lines = response.content.decode().splitlines()
    assert len(lines) == 1
    line = json.loads(lines[0])
    shared_keys = ["file", "region", "level", "year", "required_sections", "facts"]
    assert list(line) == shared_keys
    assert line["file"] == NAME and line["year"] == YEAR and line["region"] == "测试县"
    assert all(list(fact) == ["metric", "value", "qualifier", "scope", "quote"] for fact in line["facts"])
    accepted = reading.figures.filter(decision__in=["confirmed", "corrected"]).count()
    assert len(line["facts"]) == accepted
    by_metric = {fact["metric"]: fact for fact in line["facts"]}
    assert by_metric["reconsideration_received"]["value"] == 90
    assert by_metric["reconsideration_correction_rate"]["value"] == 0.125
    assert by_metric["enforcement_officers"]["scope"] == "sub" and "law_training_sessions" not in by_metric
    # The export of every reviewed reading holds the same line.
    assert client.get(reverse("reports:reading_export_all")).content.decode().splitlines() == lines
    # `fazhi reports eval` reads it: the reader's own reading of the file scored against the office's decisions.
    gold = tmp_path / "gold.jsonl"
    gold.write_bytes(response.content)
    folder = tmp_path / "reports"
    folder.mkdir()
    (folder / NAME).write_text(REPORT, encoding="utf-8")
    result = run(load_gold(gold), [folder])
    assert result["overall"]["gold"] == accepted
    assert result["overall"]["tp"] == accepted - 2  # the corrected value and the figure given a metric
    # both sides of the corrected value, the figure given a metric (missed), the rejected one (spurious)
    assert result["error_kinds"] == {"wrong_value": 2, "missed": 1, "spurious": 1}
    out = io.StringIO()
    call_command("reports", "eval", str(gold), str(folder), "--json", stdout=out)
    assert json.loads(out.getvalue())["overall"] == result["overall"]


def test_a_reading_still_waiting_is_not_exported_with_the_reviewed_ones(users, tree, login):
    steps.create_reading(upload(), tree["county"], None, users["office"])
    client = login(users["office"])
    assert client.get(reverse("reports:reading_export_all")).content == b""


# -- refusals and the queue ---------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("购物清单.txt", "购物清单\n苹果3个，梨5个。\n本周开会2次。", "不像法治政府建设年度报告"),
        ("坏文件.docx", b"this is not a word file", "不是有效的 .docx 文件"),
        ("表格.xls", b"\xd0\xcf\x11\xe0", "格式不能读取"),
        ("空白.txt", b"", "空文件"),
        ("乱码.txt", b"\x00\x01\x02binary", "二进制内容"),
    ],
)
def test_a_bad_file_is_refused_in_chinese_and_nothing_is_stored(users, tree, login, media, name, content, message):
    client = login(users["office"])
    response = client.post(reverse("reports:reading_list"), {"files": upload(name, content), "unit": tree["county"].pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page and 'id="upload-errors"' in page
    assert ReportReading.objects.count() == 0 and ReadFigure.objects.count() == 0 and stored_files(media) == []


def test_a_report_without_a_year_in_its_title_needs_one_chosen(users, tree, login, media):
    client = login(users["office"])
    text = REPORT.replace("2024年", "本").replace("2025年", "下一")
    response = client.post(reverse("reports:reading_list"), {"files": upload(text=text), "unit": tree["county"].pk})
    assert "未能从" in response.content.decode() and ReportReading.objects.count() == 0 and stored_files(media) == []
    client.post(reverse("reports:reading_list"), {"files": upload(text=text), "unit": tree["county"].pk, "year": 2023})
    assert ReportReading.objects.get().year == 2023


def test_a_batch_is_read_on_the_task_queue_with_progress(users, tree, login, media):
    client = login(users["office"])
    files = [upload(), upload("第二份.txt", REPORT.replace("86件", "88件")), upload("坏文件.docx", b"not a zip")]
    response = client.post(reverse("reports:reading_list"), {"files": files, "unit": tree["county"].pk}, follow=True)
    page = response.content.decode()
    assert "正在后台逐份读取" in page
    good, second, bad = ReportReading.objects.order_by("pk")
    assert good.status == second.status == ReportReading.Status.READ and good.figures.exists()
    assert bad.status == ReportReading.Status.FAILED and "不是有效的 .docx 文件" in bad.error and bad.file == ""
    assert "读取失败" in page and "坏文件.docx" in page and not bad.figures.exists()
    assert len(stored_files(media)) == 2
    progress = {p.task_id: p for p in Progress.objects.all()}
    assert progress[good.task_id].user == users["office"] and progress[good.task_id].title.endswith(NAME)
    assert "无法读取" in progress[bad.task_id].message
    # The second report is nearly the same as the first: its boilerplate score says so.
    assert second.boilerplate is not None and second.boilerplate > 0.5 and second.compared_with == 1


def test_the_reports_area_lists_the_page(users, login):
    client = login(users["clerk"])
    assert reverse("reports:reading_list") in client.get(reverse("web:area", args=["reports"])).content.decode()


# -- the journey in Chromium --------------------------------------------------------------------------------
@pytest.mark.browser
def test_the_office_uploads_a_report_decides_its_figures_and_sees_them_on_the_gaps_page(
    live_server, page, users, tree, tmp_path
):
    from tests.browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    compute_period(Period.year(YEAR))  # the ledgers' values of the year, which the gaps page compares with
    report = tmp_path / NAME
    report.write_text(REPORT, encoding="utf-8")
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "office")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("web:area", args=["reports"]))
    page.click("text=读取已公开报告")
    page.wait_for_selector("#reading-upload")
    page.set_input_files("#reading-upload input[type=file]", str(report))
    page.select_option("#reading-upload select[name=unit]", str(tree["county"].pk))
    page.screenshot(path=str(ARTIFACTS / "reader-upload.png"))
    page.click("#upload-submit")
    page.wait_for_selector("#reading-text mark.rf")
    reading = ReportReading.objects.get()
    assert "行政复议收案数｜86｜确数｜本级合计" in page.inner_text("#reading-text")
    assert page.locator("#required-sections").inner_text().count("✔") == 4
    page.screenshot(path=str(ARTIFACTS / "reader-reading.png"), full_page=True)
    # A label in the text leads to its row.
    received = figure(reading, "reconsideration_received")
    page.click(f"#m-{received.pk}")
    assert page.url.endswith(f"#f-{received.pk}")
    # Correct one figure: 86 → 90.
    row = page.locator(f"#f-{received.pk}")
    row.locator("[data-act=correct]").click()
    row.locator("input[name=value]").fill("90")
    page.screenshot(path=str(ARTIFACTS / "reader-correct.png"))
    row.locator("text=保存更正").click()
    page.wait_for_selector(f"#f-{received.pk}[data-decision=corrected]")
    # Reject one.
    training = figure(reading, "law_training_sessions")
    page.click(f"#f-{training.pk} [data-act=reject]")
    page.wait_for_selector(f"#f-{training.pk}[data-decision=rejected]")
    # Confirm the rest.
    page.click("#confirm-all")
    page.wait_for_selector("#export-gold")
    assert page.locator("#figures tr[data-decision=pending]").count() == 0
    page.screenshot(path=str(ARTIFACTS / "reader-reviewed.png"), full_page=True)
    assert report_values(tree["county"])["reconsideration_received"] == 90
    assert "law_training_sessions" not in report_values(tree["county"])
    page.click("#gaps-link")
    page.wait_for_selector("#gaps")
    gaps = page.inner_text("#gaps")
    assert "行政复议收案数" in gaps and "90" in gaps and "罚没金额" in gaps
    page.screenshot(path=str(ARTIFACTS / "reader-gaps.png"))
    page.goto(live_server.url + reverse("reports:reading_list"))
    page.wait_for_selector("#readings")
    assert "已审核" in page.inner_text(f"#readings tr[data-pk='{reading.pk}']")
    page.screenshot(path=str(ARTIFACTS / "reader-list.png"))
    page.goto("about:blank")
