"""The annual report writer: required structure, figures from observations, official layout, publication."""

import datetime as dt
import io
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from docx.shared import Mm

from fazhi.metrics.models import Observation, Source
from fazhi.reports.models import AnnualReport, NarrativeBlock, Section
from fazhi.reports.writer import draft_report, format_figure, render_docx

from .factories import ledger_values

YEAR = 2025


def observe(unit, metric, value, source=Source.LEDGER):
    if source == Source.LEDGER:
        ledger_values(unit, YEAR, **{metric: value})
        return
    Observation.objects.create(
        unit=unit,
        metric=metric,
        value=value,
        source=source,
        period_start=dt.date(YEAR, 1, 1),
        period_end=dt.date(YEAR, 12, 31),
    )


@pytest.fixture
def report(tree):
    county = tree["county"]
    for metric, value in [
        ("reconsideration_received", 187),
        ("reconsideration_accepted", 170),
        ("reconsideration_closed", 160),
        ("reconsideration_correction_rate", 0.125),
        ("service_items", 1204),
        ("licensing_items", 311),
        ("penalty_amount", 137.19),
    ]:
        observe(county, metric, value)
    observe(county, "service_items", 999, source=Source.REPORT)  # the ledger value wins
    report = AnnualReport.objects.create(unit=county, year=YEAR)
    NarrativeBlock.objects.create(
        unit=county, report=report, section=Section.SHORTCOMINGS, text="基层执法力量仍显薄弱。"
    )
    return report


def test_draft_has_the_required_sections_and_the_figures(report):
    draft = draft_report(report)
    headings = [p.text for p in draft.paragraphs if p.style == "h1"]
    assert headings == [
        "一、2025年推进法治政府建设的主要举措和成效",
        "二、党政主要负责人履行推进法治建设第一责任人职责情况",
        "三、存在的不足和原因",
        "四、2026年推进法治政府建设的主要安排",
        "五、其他需要报告的情况",
    ]
    text = draft.text
    assert "共收到行政复议申请187件，受理170件，审结160件，纠错率12.5%。" in text
    assert "实施清单共列入事项1204项，其中行政许可事项311项。" in text
    assert "基层执法力量仍显薄弱。" in text and "请填写下一年度" in text
    assert draft.figures()["service_items"] == 1204
    assert "罚没金额" not in text  # a sentence is drafted only when all its figures exist
    assert draft.title == "测试县人民政府关于2025年度法治政府建设情况的报告"
    assert draft.recipient == "中共云测市委员会、云测市人民政府："


def test_figures_are_stated_the_way_reports_state_them():
    assert format_figure("praise_rate", 0.9952) == "99.52%"
    assert format_figure("online_rate", 0.9) == "90%"
    assert format_figure("penalty_amount", 137.19) == "137.19"
    assert format_figure("service_items", 1204.0) == "1204"


def test_docx_is_laid_out_as_an_official_document(report):
    data = render_docx(draft_report(report))
    document = Document(io.BytesIO(data))
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
    assert abs(section.top_margin - Mm(37)) < Mm(0.5) and abs(section.left_margin - Mm(28)) < Mm(0.5)
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode()
    for font in ("仿宋_GB2312", "黑体", "楷体_GB2312", "方正小标宋简体"):
        assert f'w:eastAsia="{font}"' in xml
    footer = zipfile.ZipFile(io.BytesIO(data)).read("word/footer1.xml").decode()
    assert "PAGE" in footer
    paragraphs = [p.text for p in document.paragraphs]
    assert paragraphs[0].startswith("测试县人民政府关于2025年度") and paragraphs[-1] == "2026年3月21日"
    assert paragraphs[-2] == "测试县人民政府"
    # the last passage, the blank line and the issuer keep with the date: the 落款 never stands alone on a page
    keeps = [p.paragraph_format.keep_with_next for p in document.paragraphs[-4:]]
    assert keeps == [True, True, True, None] and document.paragraphs[-4].text.strip()


def test_review_publish_and_the_portal(report, users, login, client):
    office = login(users["office"])
    response = office.post(
        reverse("ledger:annual-reports-action", args=[report.pk, "review"]), {"confirm": "on"}, follow=True
    )
    assert "还有1个段落未审核" in response.content.decode()
    block = report.blocks.get()
    office.post(reverse("ledger:report-blocks-action", args=[block.pk, "approve"]), {"confirm": "on"})
    office.post(reverse("ledger:annual-reports-action", args=[report.pk, "review"]), {"confirm": "on"})
    assert (
        client.get(reverse("portal:reports:document", args=[report.pk])).status_code == 404
    )  # not public before publication
    adoption = {"meeting": "县政府常务会议", "approved_on": str(timezone.localdate())}
    office.post(reverse("ledger:annual-reports-action", args=[report.pk, "approve"]), adoption)
    office.post(reverse("ledger:annual-reports-action", args=[report.pk, "publish"]), {"confirm": "on"})
    report.refresh_from_db()
    assert report.status == "published" and report.due_on == dt.date(2026, 3, 31)
    assert report.is_overdue  # published today (after 2026-03-31): late, and shown so
    client.logout()
    listing = client.get(reverse("portal:reports:index")).content.decode()
    assert report.display_title in listing
    page = client.get(reverse("portal:reports:document", args=[report.pk])).content.decode()
    assert "共收到行政复议申请187件" in page
    docx = client.get(reverse("portal:reports:document", args=[report.pk]) + "?format=docx")
    assert docx["Content-Type"].startswith("application/vnd.openxmlformats")


def test_clerk_cannot_publish_and_staff_download_is_scoped(report, users, login):
    clerk = login(users["clerk"])
    assert (
        clerk.get(reverse("reports:document", args=[report.pk])).status_code == 404
    )  # the county's report is above the clerk
    admin = login(users["unit_admin"])
    assert admin.get(reverse("reports:document", args=[report.pk]) + "?format=docx").status_code == 200
