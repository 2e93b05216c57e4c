"""Annual reports: review and publication as locked steps, through the API, and every invariant broken on purpose."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from fazhi.core.invariants import load, violations
from fazhi.core.steps import StateConflict
from fazhi.reports import rules
from fazhi.reports.models import AnnualReport, NarrativeBlock, Section

JSON = {"content_type": "application/json"}
CONFIRM = {"confirm": True}


def found(code):
    return [v.pk for v in violations([f"reports.{code}"])]


def make_report(unit, year=2025, blocks=("基层执法力量仍显薄弱。",)):
    report = AnnualReport.objects.create(unit=unit, year=year)
    for position, text in enumerate(blocks, 1):
        NarrativeBlock.objects.create(
            unit=unit, report=report, section=Section.SHORTCOMINGS, position=position, text=text
        )
    return report


def approved(unit, year=2025, on=dt.date(2026, 3, 10)):
    report = make_report(unit, year)
    for block in report.blocks.all():
        rules.approve_block(block)
    rules.review(report)
    AnnualReport.objects.filter(pk=report.pk).update(reviewed_at=timezone.make_aware(dt.datetime(2026, 3, 5, 10)))
    report.refresh_from_db()
    return rules.approve(report, "政府常务会议", on)


def published(unit, year=2025):
    return rules.publish(approved(unit, year))


def test_review_and_publish_through_the_api(tree, users, client):
    report = make_report(tree["county"])
    block = report.blocks.get()
    client.force_login(users["unit_admin"])
    pending = client.post(reverse("api:annual-reports-review", args=[report.pk]), CONFIRM, **JSON)
    assert pending.status_code == 400 and "还有1个段落未审核" in str(pending.json())
    early = client.post(reverse("api:annual-reports-publish", args=[report.pk]), CONFIRM, **JSON)
    assert early.status_code == 409 and "须先审核" in early.json()["detail"]
    response = client.post(reverse("api:report-blocks-approve", args=[block.pk]), CONFIRM, **JSON)
    assert response.status_code == 200 and response.json()["approved"] is True
    assert client.post(reverse("api:report-blocks-approve", args=[block.pk]), CONFIRM, **JSON).status_code == 409
    response = client.post(reverse("api:annual-reports-review", args=[report.pk]), CONFIRM, **JSON)
    assert response.status_code == 200 and response.json()["status"] == "reviewed" and response.json()["reviewed_at"]
    assert client.post(reverse("api:annual-reports-review", args=[report.pk]), CONFIRM, **JSON).status_code == 409
    unadopted = client.post(reverse("api:annual-reports-publish", args=[report.pk]), CONFIRM, **JSON)
    assert unadopted.status_code == 409 and "审定后才能公开" in unadopted.json()["detail"]
    today = timezone.localdate()
    tomorrow = {"meeting": "县政府第8次常务会议", "approved_on": str(today + dt.timedelta(days=1))}
    refused = client.post(reverse("api:annual-reports-approve", args=[report.pk]), tomorrow, **JSON)
    assert refused.status_code == 400 and "审定日期不能晚于今天" in str(refused.json())
    adopted = {"meeting": "县政府第8次常务会议", "approved_on": str(today)}
    response = client.post(reverse("api:annual-reports-approve", args=[report.pk]), adopted, **JSON)
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert response.json()["approval_meeting"] == "县政府第8次常务会议"
    response = client.post(reverse("api:annual-reports-publish", args=[report.pk]), CONFIRM, **JSON)
    assert response.status_code == 200 and response.json()["status"] == "published" and response.json()["published_at"]
    again = client.post(reverse("api:annual-reports-publish", args=[report.pk]), CONFIRM, **JSON)
    assert again.status_code == 409 and "已公开" in again.json()["detail"]
    report.refresh_from_db()
    assert report.reviewed_at <= report.published_at
    assert report.reviewed_by == report.approved_by == report.published_by == users["unit_admin"]
    reasons = [h.history_change_reason for h in report.history.order_by("history_date")]
    assert reasons[-3:] == ["审核报告", "审定报告", "公开报告"]


def test_a_clerk_cannot_review_and_state_fields_are_read_only(tree, users, client):
    report = make_report(tree["town"])
    block = report.blocks.get()
    client.force_login(users["clerk"])
    assert client.post(reverse("api:report-blocks-approve", args=[block.pk]), CONFIRM, **JSON).status_code == 403
    assert client.post(reverse("api:annual-reports-review", args=[report.pk]), CONFIRM, **JSON).status_code == 403
    for url, change in [
        (reverse("api:annual-reports-detail", args=[report.pk]), {"status": "published"}),
        (reverse("api:annual-reports-detail", args=[report.pk]), {"published_at": "2026-03-01T09:00:00+08:00"}),
        (reverse("api:annual-reports-detail", args=[report.pk]), {"due_on": "2026-12-31"}),
        (reverse("api:report-blocks-detail", args=[block.pk]), {"approved": True}),
    ]:
        response = client.patch(url, change, **JSON)
        assert response.status_code == 400 and "办理步骤" in str(response.json()), change
    report.refresh_from_db()
    assert (report.status, report.published_at, report.due_on) == ("draft", None, dt.date(2026, 3, 31))
    assert NarrativeBlock.objects.get(pk=block.pk).approved is False
    # what the clerk writes (the text, the title) stays writable
    assert (
        client.patch(
            reverse("api:annual-reports-detail", args=[report.pk]), {"title": "城关镇2025年度报告"}, **JSON
        ).status_code
        == 200
    )


def test_a_passage_edited_after_approval_is_approved_again_before_publication(tree, users, client):
    report = make_report(tree["county"])
    block = report.blocks.get()
    rules.approve_block(block)
    rules.review(report)
    client.force_login(users["unit_admin"])
    edited = client.patch(
        reverse("api:report-blocks-detail", args=[block.pk]), {"text": "基层执法力量和法制审核人员仍显不足。"}, **JSON
    )
    assert edited.status_code == 200 and edited.json()["approved"] is False
    adopted = {"meeting": "县政府常务会议", "approved_on": str(timezone.localdate())}
    refused = client.post(reverse("api:annual-reports-approve", args=[report.pk]), adopted, **JSON)
    assert refused.status_code == 400 and "还有1个段落未审核，不能审定" in str(refused.json())
    assert client.post(reverse("api:report-blocks-approve", args=[block.pk]), CONFIRM, **JSON).status_code == 200
    assert client.post(reverse("api:annual-reports-approve", args=[report.pk]), adopted, **JSON).status_code == 200
    # the text adopted is the text published: no passage changes after 审定
    frozen = client.patch(reverse("api:report-blocks-detail", args=[block.pk]), {"text": "改动。"}, **JSON)
    assert frozen.status_code == 400 and "报告已审定，不能再修改段落" in str(frozen.json())
    added = client.post(
        reverse("api:report-blocks-list"),
        {"unit": report.unit_id, "report": report.pk, "section": "other", "text": "补充。"},
        **JSON,
    )
    assert added.status_code == 400 and "报告已审定" in str(added.json())
    assert client.post(reverse("api:annual-reports-publish", args=[report.pk]), CONFIRM, **JSON).status_code == 200


def test_steps_on_a_deleted_report_are_refused(tree, users, client):
    report = make_report(tree["county"], blocks=())
    report.soft_delete(users["unit_admin"], "重复录入")
    with pytest.raises(StateConflict, match="回收站"):
        rules.review(report)
    client.force_login(users["unit_admin"])
    assert client.post(reverse("api:annual-reports-review", args=[report.pk]), CONFIRM, **JSON).status_code == 404
    assert AnnualReport.all_objects.get(pk=report.pk).status == "draft"


def test_the_web_refuses_publication_the_page_would_not_offer(tree, users, login):
    report = make_report(tree["county"], blocks=())
    page = login(users["unit_admin"]).post(
        reverse("ledger:annual-reports-action", args=[report.pk, "publish"]), {"confirm": "on"}, follow=True
    )
    assert any("须先审核" in str(m) for m in page.context["messages"])
    assert AnnualReport.objects.get(pk=report.pk).status == "draft"


# -- invariants ------------------------------------------------------------------------------------------
def test_stepped_reports_satisfy_every_invariant(tree):
    rules.submit(published(tree["county"]), "中共某市委员会、某市人民政府", dt.date(2026, 3, 20))
    rules.review(make_report(tree["dept"], blocks=()))
    make_report(tree["town"])
    codes = sorted(code for code in load() if code.startswith("reports."))
    assert codes == [
        "reports.block_unit_matches_report",
        "reports.published_report_has_approved_blocks",
        "reports.report_due_date_recomputes",
        "reports.report_status_matches_steps",
        "reports.report_submission_due_recomputes",
        "reports.report_submitted_after_approval",
    ]
    assert [str(v) for v in violations(codes)] == []


def test_report_invariants_find_rows_written_around_the_steps(tree):
    report = published(tree["county"])
    draft = make_report(tree["town"])
    rows = AnnualReport.all_objects.filter

    rows(pk=draft.pk).update(status="published", published_at=timezone.now())  # never reviewed
    assert found("report_status_matches_steps") == [draft.pk]
    rows(pk=draft.pk).update(status="draft", published_at=None)
    rows(pk=report.pk).update(reviewed_at=report.published_at + dt.timedelta(hours=1))
    assert found("report_status_matches_steps") == [report.pk]
    rows(pk=report.pk).update(reviewed_at=report.reviewed_at)
    rows(pk=report.pk).update(approval_meeting="")
    assert found("report_status_matches_steps") == [report.pk]
    rows(pk=report.pk).update(approval_meeting="政府常务会议")

    rows(pk=draft.pk).update(submitted_on=dt.date(2026, 3, 1), submitted_to="市委、市政府")  # never adopted
    assert found("report_submitted_after_approval") == [draft.pk]
    rows(pk=draft.pk).update(submitted_on=None, submitted_to="")
    rows(pk=draft.pk).update(submission_due_on=dt.date(2026, 2, 28))  # a town has no separate submission date
    assert found("report_submission_due_recomputes") == [draft.pk]
    rows(pk=draft.pk).update(submission_due_on=None)

    rows(pk=draft.pk).update(due_on=dt.date(2026, 4, 1))
    assert found("report_due_date_recomputes") == [draft.pk]
    rows(pk=draft.pk).update(due_on=dt.date(2026, 3, 31))

    NarrativeBlock.all_objects.filter(report=report).update(approved=False)
    assert found("published_report_has_approved_blocks") == [report.pk]
    NarrativeBlock.all_objects.filter(report=report).update(approved=True)

    block = draft.blocks.get()
    NarrativeBlock.all_objects.filter(pk=block.pk).update(unit=tree["county"])
    assert found("block_unit_matches_report") == [block.pk]
    NarrativeBlock.all_objects.filter(pk=block.pk).update(unit=tree["town"])

    assert [str(v) for v in violations([c for c in load() if c.startswith("reports.")])] == []


def test_a_second_report_for_the_year_is_a_400_not_a_database_error(tree, users, client, login):
    make_report(tree["town"], blocks=())
    client.force_login(users["clerk"])
    response = client.post(reverse("api:annual-reports-list"), {"unit": tree["town"].pk, "year": 2025}, **JSON)
    assert response.status_code == 400 and "2025年度的报告已存在" in str(response.json())
    page = login(users["clerk"]).post(reverse("ledger:annual-reports-add"), {"unit": tree["town"].pk, "year": 2025})
    assert page.status_code == 400 and "2025年度的报告已存在" in page.content.decode()
    AnnualReport.objects.get(unit=tree["town"]).soft_delete(users["clerk"], "重新起草")
    assert (
        client.post(reverse("api:annual-reports-list"), {"unit": tree["town"].pk, "year": 2025}, **JSON).status_code
        == 201
    )
