"""The annual report end to end: started with its heading filled, written beside the figures, reviewed, adopted,
submitted and published (on the portal), and the 法治办's 报送与公开 table over every unit that owes one."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fazhi.reports import rules
from fazhi.reports.models import AnnualReport, NarrativeBlock, Section
from fazhi.todo.items import Window, items

from .browser import ARTIFACTS

JSON = {"content_type": "application/json"}


def test_a_new_report_has_its_heading_from_the_unit_and_the_rules(tree, users, client):
    client.force_login(users["office"])
    made = {}
    for key in ("gov", "dept", "county", "town"):
        response = client.post(reverse("api:annual-reports-list"), {"unit": tree[key].pk, "year": 2025}, **JSON)
        assert response.status_code == 201, response.json()
        made[key] = AnnualReport.objects.get(pk=response.json()["id"])
    dept = made["dept"]
    assert dept.title == "云测市司法局关于2025年度法治政府建设情况的报告"
    assert dept.recipient == "中共云测市委员会、云测市人民政府："  # a department reports to its own level
    assert dept.issuer == "云测市司法局"
    assert dept.submission_due_on == dt.date(2026, 2, 28)  # departments submit before 1 March
    assert dept.issue_date == dt.date(2026, 2, 18)  # proposed ten days before the first deadline
    county = made["county"]
    assert county.recipient == "中共云测市委员会、云测市人民政府："  # a county reports to the city above
    assert (county.submission_due_on, county.issue_date) == (None, dt.date(2026, 3, 21))
    assert made["town"].recipient == "中共测试县委员会、测试县人民政府："  # a town to its county
    assert made["gov"].recipient == "省委、省政府："  # the top of this tree
    # the office's own wording stays
    edited = client.patch(
        reverse("api:annual-reports-detail", args=[dept.pk]), {"recipient": "市委、市政府：", "title": ""}, **JSON
    )
    assert edited.status_code == 200
    dept.refresh_from_db()
    assert dept.recipient == "市委、市政府：" and dept.title == "云测市司法局关于2025年度法治政府建设情况的报告"


def reviewed(unit, year=2025):
    report = rules.start_report(unit, year)
    block = NarrativeBlock.objects.create(unit=unit, report=report, section=Section.SHORTCOMINGS, text="不足。")
    rules.approve_block(block)
    return rules.review(report)


def test_submission_follows_adoption_and_is_recorded_once(tree, users):
    report = reviewed(tree["dept"])
    today = timezone.localdate()
    with pytest.raises(rules.StateConflict, match="审定后才能报送"):
        rules.submit(report, "市委、市政府", today, users["office"])
    reviewed_on = timezone.localdate(report.reviewed_at)
    with pytest.raises(rules.ValidationError, match="审定日期不能早于审核日期"):
        rules.approve(report, "局党组会议", reviewed_on - dt.timedelta(days=1), users["office"])
    with pytest.raises(rules.ValidationError, match="请填写审定报告的会议"):
        rules.approve(report, "  ", today, users["office"])
    rules.approve(report, "局党组会议", today, users["office"])
    with pytest.raises(rules.ValidationError, match="报送日期不能晚于今天"):
        rules.submit(report, "市委、市政府", today + dt.timedelta(days=1), users["office"])
    with pytest.raises(rules.ValidationError, match="报送日期不能早于审定日期"):
        rules.submit(report, "市委、市政府", today - dt.timedelta(days=1), users["office"])
    with pytest.raises(rules.PermissionDenied):
        rules.submit(report, "市委、市政府", today, users["clerk"])
    rules.submit(report, "市委、市政府", today, users["office"])
    report.refresh_from_db()
    assert (report.submitted_on, report.submitted_to, report.submitted_by) == (today, "市委、市政府", users["office"])
    assert report.is_submission_overdue  # due 2026-02-28, submitted later
    with pytest.raises(rules.StateConflict, match="已于"):
        rules.submit(report, "市委、市政府", today, users["office"])


def due_items(user, today):
    return {(i.pk, i.source.duty.name): i for i in items(user, Window.on(today), ledger="annual-reports")}


def test_the_deadlines_are_in_the_to_do_list_and_flagged_when_missed(tree, users):
    today = timezone.localdate()
    late = rules.start_report(tree["dept"], 2025)
    coming = rules.start_report(tree["dept"], today.year)
    found = due_items(users["office"], today)
    assert found[(late.pk, "publish")].state == "overdue" and found[(late.pk, "submit")].state == "overdue"
    assert "第二十四条" in found[(late.pk, "publish")].rule
    assert (coming.pk, "publish") not in found  # not yet within the warning days
    warned = due_items(users["office"], coming.due_on - dt.timedelta(days=1))
    assert warned[(coming.pk, "publish")].state == "soon"
    county = rules.approve(reviewed(tree["county"]), "县政府常务会议", today)
    keys = set(due_items(users["office"], today))
    assert (county.pk, "publish") in keys and (county.pk, "submit") not in keys  # a county has no 3月1日 date
    rules.publish(county)
    assert (county.pk, "publish") not in due_items(users["office"], today)


def test_the_status_table_covers_every_unit_that_owes_a_report(tree, users, login):
    published = rules.publish(rules.approve(reviewed(tree["county"]), "县政府常务会议", timezone.localdate()))
    rules.start_report(tree["dept"], 2025)
    page = login(users["office"]).get(reverse("reports:status"), {"year": 2025})
    assert page.status_code == 200
    rows = {row.unit.code: row for row in page.context["rows"]}
    assert set(rows) == {"G", "D1", "D2", "C1", "C2"}  # towns only when asked
    assert rows["C1"].report == published and rows["C1"].publication_late  # published now, after 2026-03-31
    assert rows["D2"].report is None and rows["D2"].submission_late and rows["D2"].publication_late
    assert page.context["summary"] == {
        "units": 5,
        "drafted": 2,
        "approved": 1,
        "submitted": 0,
        "published": 1,
        "published_on_time": 0,
        "publication_late": 5,
        "submission_late": 2,
    }
    missing = login(users["office"]).get(reverse("reports:status"), {"year": 2025, "show": "missing"})
    assert {row.unit.code for row in missing.context["rows"]} == {"G", "D2", "C2"}
    towns = login(users["office"]).get(reverse("reports:status"), {"year": 2025, "towns": "1"})
    assert "C1-T1" in {row.unit.code for row in towns.context["rows"]}
    # a county's administrator sees its own subtree only
    own = login(users["unit_admin"]).get(reverse("reports:status"), {"year": 2025, "towns": "1"})
    assert {row.unit.code for row in own.context["rows"]} == {"C1", "C1-T1"}


def test_starting_a_report_from_the_table_respects_scope_and_role(tree, users, client):
    client.force_login(users["unit_admin"])
    response = client.post(reverse("reports:start"), {"unit": tree["town"].pk, "year": 2025})
    report = AnnualReport.objects.get(unit=tree["town"], year=2025)
    assert response.status_code == 302 and response.url == reverse("reports:workspace", args=[report.pk])
    again = client.post(reverse("reports:start"), {"unit": tree["town"].pk, "year": 2025}, follow=True)
    assert any("2025年度的报告已存在" in str(m) for m in again.context["messages"])
    early = client.post(reverse("reports:start"), {"unit": tree["town"].pk, "year": 2018}, follow=True)
    assert any("2019年及以后" in str(m) for m in early.context["messages"])
    assert client.post(reverse("reports:start"), {"unit": tree["other_county"].pk, "year": 2025}).status_code == 404
    client.force_login(users["leader"])
    assert client.post(reverse("reports:start"), {"unit": tree["county"].pk, "year": 2025}).status_code == 403
    assert AnnualReport.objects.count() == 1


def test_the_report_page_edits_passages_and_takes_steps_and_returns_to_itself(tree, users, client):
    report = rules.start_report(tree["county"], 2025)
    here = reverse("reports:workspace", args=[report.pk])
    client.force_login(users["clerk"])
    assert client.get(here).status_code == 404  # a town's clerk does not see the county's report
    client.force_login(users["unit_admin"])
    page = client.get(here)
    assert page.status_code == 200 and [s["draft"].key for s in page.context["sections"]][:2] == [
        "measures_and_results",
        "leader_duties",
    ]
    assert [a.name for a, _ in page.context["steps"]] == ["review"]
    detail = client.get(reverse("ledger:annual-reports-detail", args=[report.pk])).content.decode()
    assert f'href="{here}"' in detail  # the ledger record leads to the report's own page
    added = client.post(
        reverse("ledger:report-blocks-add"),
        {
            "unit": report.unit_id,
            "report": report.pk,
            "section": "shortcomings",
            "position": 1,
            "text": "乡镇法制审核力量不足。",
            "next": here + "#section-shortcomings",
        },
    )
    assert added.status_code == 302 and added.url == here + "#section-shortcomings"
    block = report.blocks.get()
    stepped = client.post(
        reverse("ledger:report-blocks-action", args=[block.pk, "approve"]), {"confirm": "on", "next": here}
    )
    assert stepped.url == here and NarrativeBlock.objects.get(pk=block.pk).approved
    elsewhere = client.post(
        reverse("ledger:annual-reports-action", args=[report.pk, "review"]),
        {"confirm": "on", "next": "https://example.com/"},
    )
    assert elsewhere.url == reverse("ledger:annual-reports-detail", args=[report.pk])  # never off the site
    assert AnnualReport.objects.get(pk=report.pk).status == "reviewed"
    page = client.get(here)
    assert "乡镇法制审核力量不足。" in page.content.decode()
    assert [m.label for m in page.context["timeline"]] == ["起草", "审核", "审定", "公开"]
    assert page.context["timeline"][1].done and page.context["timeline"][1].by == users["unit_admin"]


def test_published_reports_are_on_the_portal_with_their_date(tree, users, client):
    report = rules.approve(reviewed(tree["county"]), "县政府常务会议", timezone.localdate())
    assert report.title not in client.get(reverse("portal:reports:index")).content.decode()
    assert client.get(reverse("portal:reports:document", args=[report.pk])).status_code == 404
    rules.publish(report, users["unit_admin"])
    index = client.get(reverse("portal:reports:index")).content.decode()
    assert report.title in index and timezone.localdate().strftime("%Y-%m-%d") in index
    document = client.get(reverse("portal:reports:document", args=[report.pk]))
    assert document.status_code == 200 and "中共云测市委员会、云测市人民政府：" in document.content.decode()


@pytest.mark.browser
def test_the_office_takes_a_report_from_start_to_the_portal(live_server, page, users, tree):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "office")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.goto(live_server.url + reverse("reports:status") + "?year=2025")
    page.wait_for_selector("#report-status-table")
    page.screenshot(path=str(ARTIFACTS / "report-status-office.png"), full_page=True)
    page.click("#report-status-table tr[data-unit='C1'] >> text=新建报告")
    page.wait_for_selector("#timeline")
    assert "测试县人民政府关于2025年度法治政府建设情况的报告" in page.inner_text("#report-title")
    page.fill("#section-shortcomings .add-block textarea", "一是乡镇执法力量不足；二是备案审查不够及时。")
    page.click("#section-shortcomings .add-block button")
    page.wait_for_selector("#section-shortcomings .report-block")
    page.click("#section-shortcomings >> text=审核通过")
    page.wait_for_selector("#section-shortcomings .badge.text-bg-success")
    page.click("#step-review button")
    page.wait_for_selector("#step-approve")
    page.fill("#step-approve input[name=meeting]", "县政府第9次常务会议")
    page.click("#step-approve button")
    page.wait_for_selector("#step-publish")
    page.screenshot(path=str(ARTIFACTS / "report-workspace-office.png"), full_page=True)
    page.click("#step-submit button")  # the recipient and today's date are filled in
    page.wait_for_selector("#timeline li[data-step='报送'] .text-bg-success")
    page.click("#step-publish button")
    page.wait_for_selector("#report-status.text-bg-success")
    assert "县政府第9次常务会议" in page.inner_text("#timeline")
    page.click("text=公开页面")
    report = AnnualReport.objects.get(unit=tree["county"], year=2025)
    assert report.status == "published" and report.published_by == users["office"]
    page.goto(live_server.url + reverse("portal:reports:index"))
    row = page.locator("#reports tr", has_text=report.title)
    assert timezone.localdate(report.published_at).strftime("%Y-%m-%d") in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "report-portal.png"), full_page=True)
