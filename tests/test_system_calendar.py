"""系统管理 → 工作日历 (issue 18, part 5): the provisional calendar of a year not yet published, the 暂定 marks, and
entering the State Council's notice, which recomputes the deadlines that used the provisional calendar, records each
change in history and notifies the person handling the row.

The dates: on 2026-12-06 the platform knows 2026 (chinesecalendar) but not 2027. The arrangement entered below is
test data shaped like a notice (春节 2027-02-05 至 02-13 with 调休上班 on Sunday 02-14 and Saturday 02-20).
"""

import datetime as dt

import pytest
from django.core.signals import request_started
from django.db import close_old_connections
from django.urls import reverse

from fazhi.enforcement.models import Case
from fazhi.law.arrangements import clean_arrangement
from fazhi.law.calendar import default_calendar, forget_cached_calendar
from fazhi.law.models import HolidayArrangement
from fazhi.notices.models import Notification
from fazhi.org.choices import Role
from fazhi.org.models import User
from fazhi.services import rules as service_rules
from fazhi.services.models import Application
from fazhi.system import workcalendar
from fazhi.system.calendar import enter_arrangement, reason_for

from .conftest import PASSWORD
from .factories import make_application, make_item
from .test_enforcement_rules import make_body, make_matter, make_officer

D = dt.date
TODAY = D(2026, 12, 6)
NOTICE = {
    "title": "国务院办公厅关于2027年部分节假日安排的通知（测试数据）",
    "number": "国办发明电〔2026〕99号",
    "published_on": "2026-11-12",
    "holidays": "元旦 2027-01-01 至 2027-01-03\n春节 2027-02-05 至 2027-02-13\n清明节 2027-04-03 至 2027-04-05\n"
    "劳动节 2027-05-01 至 2027-05-05\n端午节 2027-06-09\n中秋节 2027-09-15\n国庆节 2027-10-01 至 2027-10-07",
    "workdays": "2027-02-14 2027-02-20 2027-04-25 2027-09-26 2027-10-09",
}


@pytest.fixture(autouse=True)
def fresh_calendar(monkeypatch):
    """The calendar is cached per process: a test's arrangements are rolled back, so they must not outlive it."""
    monkeypatch.setattr(workcalendar, "today", lambda: TODAY)
    forget_cached_calendar()
    yield
    forget_cached_calendar()


def api(client, method, path, body=None):
    return getattr(client, method)(path, body or {}, content_type="application/json")


@pytest.fixture
def desk(tree, users):
    """A clerk's 办件 with a 30-working-day promise, and a 执法 clerk of 市市场监管局 with certified officers."""
    enforcement_clerk = User(username="zfclerk", role=Role.CLERK, unit=tree["dept2"])
    enforcement_clerk.set_password(PASSWORD)
    enforcement_clerk.save()
    body = make_body(tree["dept2"])
    return {
        "item": make_item(tree["town"], promised=30),
        "enforcement_clerk": enforcement_clerk,
        "officers": [make_officer(body, n) for n in (1, 2)],
        "matter": make_matter(body),
    }


def register_case(client, desk, number, opened_on):
    body = {
        "unit": desk["matter"].unit_id,
        "number": number,
        "matter": desk["matter"].pk,
        "party_type": "person",
        "party_name": "张三",
        "party_id_number": make_application(desk["item"], number=f"X-{number}").applicant_id_number,
        "opened_on": opened_on,
        "officers": [officer.pk for officer in desk["officers"]],
    }
    return api(client, "post", reverse("api:cases-list"), body)


def test_2027_is_computed_provisionally_not_refused_and_marked_everywhere(tree, users, desk, client):
    client.force_login(users["clerk"])
    app = make_application(desk["item"], received=D(2026, 12, 28))
    response = api(client, "post", reverse("api:applications-accept", args=[app.pk]), {"accepted_on": "2026-12-28"})
    assert response.status_code == 200, response.content
    # 3 days of 2026, 20 of January 2027, then 02-01…02-04, and past 春节 (02-05…02-08) and its 补假 (02-09, 02-10)
    assert response.json()["due_on"] == "2027-02-15" and response.json()["due_on_provisional"] is True
    assert default_calendar().is_provisional(D(2027, 2, 15))
    listing = client.get(reverse("ledger:applications-list")).content.decode()
    detail = client.get(reverse("ledger:applications-detail", args=[app.pk])).content.decode()
    assert "2027年2月15日" in detail or "Feb. 15, 2027" in detail or "2027-02-15" in detail
    for page in (listing, detail):
        assert 'class="badge text-bg-warning provisional-mark"' in page and "暂定" in page
    # A date of a known year carries no mark.
    known = make_application(desk["item"], number="A-2", received=D(2025, 6, 3))
    service_rules.accept(known, D(2025, 6, 3))
    body = api(client, "get", reverse("api:applications-detail", args=[known.pk])).json()
    assert body["due_on_provisional"] is False
    detail = client.get(reverse("ledger:applications-detail", args=[known.pk])).content.decode()
    assert "provisional-mark" not in detail

    # A 执法案件 registered on 2026-12-01: 90 days end on 2027-03-01, a provisional Monday.
    client.force_login(desk["enforcement_clerk"])
    response = register_case(client, desk, "AJ-1201", "2026-12-01")
    assert response.status_code == 201, response.content
    assert response.json()["due_on"] == "2027-03-01" and response.json()["due_on_provisional"] is True
    assert response.json()["publicity_due_on"] is None and response.json()["publicity_due_on_provisional"] is False


def test_entering_2027_through_the_page_recomputes_records_and_notifies(tree, users, desk, client):
    client.force_login(users["clerk"])
    app = make_application(desk["item"], received=D(2026, 12, 28))
    assert api(client, "post", reverse("api:applications-accept", args=[app.pk]), {"accepted_on": "2026-12-28"})
    client.force_login(desk["enforcement_clerk"])
    assert register_case(client, desk, "AJ-1201", "2026-12-01").status_code == 201
    # 2026-11-09 + 90 days = Sunday 2027-02-07, in 春节: rolled to 02-11 provisionally, to the make-up Sunday 02-14.
    assert register_case(client, desk, "AJ-1109", "2026-11-09").json()["due_on"] == "2027-02-11"

    unmoved_history = Case.objects.get(number="AJ-1201").history.count()
    client.force_login(users["sysadmin"])
    url = reverse("system:calendar-year", args=[2027])
    page = client.get(url).content.decode()
    assert "暂定" in page and 'id="calendar-banner"' in page
    assert "春节 2027-02-05 至 2027-02-10" in page  # prefilled: 除夕 to 初三 and the two 补假 days
    preview = client.post(url, {**NOTICE, "preview": "1"})
    assert preview.status_code == 200 and "预览（尚未保存）" in preview.content.decode()
    assert not HolidayArrangement.objects.exists()

    response = client.post(url, {**NOTICE, "save": "1"})
    assert response.status_code == 200
    page = response.content.decode()
    assert 'id="moved-deadlines"' in page and "2027-02-15" in page and "2027-02-16" in page
    assert "2027-02-11" in page and "2027-02-14" in page
    assert 'id="calendar-banner"' not in page  # 2027 is entered

    arrangement = HolidayArrangement.objects.get(year=2027)
    assert arrangement.entered_by == users["sysadmin"] and arrangement.number == NOTICE["number"]
    assert arrangement.history.get().history_change_reason == reason_for(2027)
    app.refresh_from_db()
    assert app.due_on == D(2027, 2, 16)  # the 30th working day, now with 02-14 worked and 02-11…02-13 off
    record = app.history.order_by("-history_id").first()
    assert record.history_change_reason == "录入2027年节假日安排，重新计算期限"
    assert record.history_user == users["sysadmin"]
    moved_case = Case.objects.get(number="AJ-1109")
    assert moved_case.due_on == D(2027, 2, 14)
    same_case = Case.objects.get(number="AJ-1201")
    assert same_case.due_on == D(2027, 3, 1) and same_case.history.count() == unmoved_history  # not moved: no write

    clerk_notes = Notification.objects.filter(user=users["clerk"], kind="deadline_moved")
    assert [n.url for n in clerk_notes] == [reverse("ledger:applications-detail", args=[app.pk])]
    assert "2027-02-15" in clerk_notes[0].body and "2027-02-16" in clerk_notes[0].body
    assert Notification.objects.filter(user=desk["enforcement_clerk"], kind="deadline_moved").count() == 1

    # The marks are gone, from the API and the pages.
    client.force_login(users["clerk"])
    body = api(client, "get", reverse("api:applications-detail", args=[app.pk])).json()
    assert body["due_on"] == "2027-02-16" and body["due_on_provisional"] is False
    assert "provisional-mark" not in client.get(reverse("ledger:applications-list")).content.decode()
    detail = client.get(reverse("ledger:applications-detail", args=[app.pk])).content.decode()
    assert "provisional-mark" not in detail and "录入2027年节假日安排，重新计算期限" in detail

    # Entering it again with the same days moves nothing and notifies nobody again.
    again = enter_arrangement(clean_arrangement(2027, **_typed(NOTICE)), users["sysadmin"])
    assert again.moved == [] and Notification.objects.filter(kind="deadline_moved").count() == 2
    assert HolidayArrangement.objects.get().history.count() == 2


def _typed(notice: dict) -> dict:
    return {**notice, "published_on": D.fromisoformat(notice["published_on"])}


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"workdays": "2027-02-15"}, "workdays", "2027-02-15是星期一，本来就是工作日：调休上班日应为星期六或星期日"),
        ({"workdays": "2027-02-06"}, "workdays", "2027-02-06同时被列为放假日期"),
        ({"workdays": "2028-01-08"}, "workdays", "2028-01-08不在2027年内"),
        ({"holidays": "元旦 2027-12-31 至 2028-01-02"}, "holidays", "不在2027年内"),
        ({"holidays": "春节 2027-02-13 至 2027-02-05"}, "holidays", "起始日期晚于结束日期"),
        ({"holidays": "春节 二月五日"}, "holidays", "无法识别"),
        ({"holidays": "元旦 2027-01-01 至 2027-01-03\n春节 2027-01-03"}, "holidays", "重叠"),
        ({"holidays": ""}, "holidays", "请至少填写一段放假日期"),
        ({"number": " "}, "number", "请填写文号"),
        ({"published_on": "2028-01-02"}, "published_on", "发布日期晚于2027年"),
    ],
)
def test_a_wrong_arrangement_is_refused_in_chinese_and_nothing_is_saved(users, client, change, field, message):
    client.force_login(users["sysadmin"])
    response = client.post(reverse("system:calendar-year", args=[2027]), {**NOTICE, **change, "save": "1"})
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert not HolidayArrangement.objects.exists() and default_calendar().is_provisional(2027)


def test_only_the_system_administrator_enters_others_may_look(users, client):
    for role in ("clerk", "office", "unit_admin"):
        client.force_login(users[role])
        assert client.get(reverse("system:calendar")).status_code == 200
        page = client.get(reverse("system:calendar-year", args=[2027])).content.decode()
        assert "year-grid" in page and "arrangement-form" not in page
        assert client.post(reverse("system:calendar-year", args=[2027]), {**NOTICE, "save": "1"}).status_code == 403
    assert not HolidayArrangement.objects.exists()
    client.force_login(users["sysadmin"])
    listing = client.get(reverse("system:calendar")).content.decode()
    assert 'data-year="2027"' in listing and "暂定" in listing and "chinesecalendar" in listing
    assert reverse("system:calendar") in client.get(reverse("system:index")).content.decode()


def test_the_month_grid_shows_holidays_makeup_days_and_weekends(users, client):
    client.force_login(users["sysadmin"])
    page = client.get(reverse("system:calendar-year", args=[2026])).content.decode()
    assert 'data-date="2026-02-16" data-kind="holiday"' in page  # 除夕, from chinesecalendar
    assert 'data-date="2026-02-14" data-kind="makeup"' in page  # Saturday worked (国办发明电〔2025〕7号)
    assert 'data-date="2026-03-07" data-kind="weekend"' in page
    assert 'data-date="2026-03-09" data-kind="workday"' in page
    page = client.get(reverse("system:calendar-year", args=[2027])).content.decode()
    assert 'data-date="2027-02-05" data-kind="holiday"' in page and 'data-date="2027-02-10" data-kind="holiday"' in page
    assert 'data-date="2027-02-11" data-kind="workday"' in page


def test_the_banner_from_the_reminder_day_for_the_administrator_only(users, client, monkeypatch):
    client.force_login(users["sysadmin"])
    assert 'id="calendar-banner"' in client.get(reverse("web:dashboard")).content.decode()
    monkeypatch.setattr(workcalendar, "today", lambda: D(2026, 9, 30))
    assert 'id="calendar-banner"' not in client.get(reverse("web:dashboard")).content.decode()
    monkeypatch.setattr(workcalendar, "today", lambda: D(2026, 10, 1))  # public_holidays.yaml: reminder_from 10-01
    assert "尚未录入<strong>2027年</strong>的节假日安排" in client.get(reverse("web:dashboard")).content.decode()
    monkeypatch.setattr(workcalendar, "today", lambda: D(2025, 12, 1))  # 2026 is in chinesecalendar
    assert 'id="calendar-banner"' not in client.get(reverse("web:dashboard")).content.decode()
    monkeypatch.setattr(workcalendar, "today", lambda: TODAY)
    client.force_login(users["clerk"])
    assert 'id="calendar-banner"' not in client.get(reverse("web:dashboard")).content.decode()


def start_request():
    """What a request's start does to the calendar. (Django's own receiver, close_old_connections, is held back: it
    would close the connection the test's transaction runs on.)"""
    request_started.disconnect(close_old_connections)
    try:
        request_started.send(sender=None)
    finally:
        request_started.connect(close_old_connections)


def test_an_arrangement_written_by_another_process_is_seen_at_the_next_request(db):
    assert default_calendar().is_provisional(2027) and not default_calendar().is_workday(D(2027, 2, 9))
    # Another process (a worker, a second app server) enters 2027: this process's cache does not know yet…
    HolidayArrangement.objects.create(
        year=2027, title="通知", number="文号", published_on=D(2026, 11, 1),
        holidays=[{"name": "春节", "from": "2027-02-05", "to": "2027-02-08"}], workdays=[],
    )  # fmt: skip
    # …until a request starts (or, outside requests, RECHECK_SECONDS have passed).
    start_request()
    assert not default_calendar().is_provisional(2027) and default_calendar().is_workday(D(2027, 2, 9))
    HolidayArrangement.objects.all().delete()
    start_request()
    assert default_calendar().is_provisional(2027)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_administrator_enters_2027_and_the_marks_give_way_to_the_moved_deadlines(live_server, page, tree, users):
    from .browser import ARTIFACTS

    ARTIFACTS.mkdir(exist_ok=True)
    item = make_item(tree["town"], promised=30)
    app = make_application(item, received=D(2026, 12, 28))
    service_rules.accept(app, D(2026, 12, 28))
    assert app.due_on == D(2027, 2, 15)

    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "sysadmin")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    page.goto(live_server.url + reverse("ledger:applications-list"))
    assert "尚未录入2027年的节假日安排" in page.inner_text("#calendar-banner")
    assert page.locator(".ledger-table .provisional-mark").count() == 1
    page.screenshot(path=str(ARTIFACTS / "calendar-1-provisional-marks.png"), full_page=True)

    page.click("#calendar-banner a")
    page.wait_for_selector("#year-grid")
    assert page.inner_text("#year-source") == "暂定"
    page.fill("#id_title", NOTICE["title"])
    page.fill("#id_number", NOTICE["number"])
    page.fill("#id_published_on", NOTICE["published_on"])
    page.fill("#id_holidays", NOTICE["holidays"])
    page.fill("#id_workdays", "2027-02-15")  # a Monday: refused
    page.click("button[name=save]")
    assert "本来就是工作日" in page.inner_text("#arrangement-form")
    page.fill("#id_workdays", NOTICE["workdays"])
    page.click("button[name=preview]")
    page.wait_for_selector("text=预览（尚未保存）")
    assert page.get_attribute("td[data-date='2027-02-14']", "data-kind") == "makeup"
    page.screenshot(path=str(ARTIFACTS / "calendar-2-preview.png"), full_page=True)
    page.click("button[name=save]")
    page.wait_for_selector("#moved-deadlines")
    moved = page.inner_text("#moved-deadlines")
    assert "2027-02-15" in moved and "2027-02-16" in moved and "clerk" in moved
    assert page.inner_text("#year-source") == "国务院通知（已录入）"
    assert page.locator("#calendar-banner").count() == 0
    assert reason_for(2027) in page.inner_text("#calendar-history")
    page.screenshot(path=str(ARTIFACTS / "calendar-3-entered-moved.png"), full_page=True)

    page.goto(live_server.url + reverse("ledger:applications-list"))
    assert page.locator(".provisional-mark").count() == 0
    page.goto(live_server.url + reverse("ledger:applications-detail", args=[app.pk]))
    assert reason_for(2027) in page.inner_text(".history-table")
    page.screenshot(path=str(ARTIFACTS / "calendar-4-detail-after.png"), full_page=True)
    page.goto("about:blank")  # no request of this page may still be running while the database is flushed
    # services_applicationday is kept by triggers on the 办件 table: deleting the 办件 during the flush would write
    # rows there again after it was emptied. Delete them first.
    Application._base_manager.all().delete()
