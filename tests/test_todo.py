"""待办与预警: the to-do lists, the nightly scan (电子监察 cards, warnings, digests) and the inbox."""

import datetime as dt
import email
import socket

import pytest
from aiosmtpd.controller import Controller
from django.core import mail
from django.test import Client
from django.urls import reverse

from fazhi.law.calendar import default_calendar
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.notices.models import DigestSent, Notification, Preference
from fazhi.org.choices import Role
from fazhi.org.models import User
from fazhi.services import rules as service_rules
from fazhi.services.choices import ApplicationStatus, Outcome
from fazhi.services.models import Application, SupervisionCard
from fazhi.todo import items as todo
from fazhi.todo.scan import nightly, scan, send_digests
from tests.factories import make_application, make_item

CAL = default_calendar()
MONDAY = dt.date(2025, 6, 9)  # a working week with no holiday: 9–13 June 2025


def accepted(item, number, accepted_on):
    return make_application(
        item, number=number, received=accepted_on, accepted_on=accepted_on, status=ApplicationStatus.ACCEPTED
    )


@pytest.fixture
def town_apps(tree):
    """Applications of the town (promised 2 working days) due before, on and after Wednesday 11 June 2025."""
    item = make_item(tree["town"], code="T-1", promised=2)
    return {
        "overdue": accepted(item, "A-LATE", dt.date(2025, 6, 5)),  # due Mon 9 June
        "today": accepted(item, "A-TODAY", dt.date(2025, 6, 9)),  # due Wed 11 June
        "soon": accepted(item, "A-SOON", dt.date(2025, 6, 11)),  # due Fri 13 June
        "later": accepted(item, "A-LATER", dt.date(2025, 6, 13)),  # due Tue 17 June: 4 working days ahead
    }


def test_items_are_classified_and_counted_in_working_days(users, town_apps):
    wednesday = dt.date(2025, 6, 11)
    assert town_apps["overdue"].due_on == dt.date(2025, 6, 9)
    assert town_apps["today"].due_on == wednesday
    window = todo.Window.on(wednesday, 3)
    assert window.horizon == dt.date(2025, 6, 16)  # Thu, Fri, Mon
    page = todo.items(users["clerk"], window, ledger="applications")
    assert [(i.record.number, i.state, i.workdays_left) for i in page] == [
        ("A-LATE", todo.OVERDUE, -2),
        ("A-TODAY", todo.TODAY, 0),
        ("A-SOON", todo.SOON, 2),
    ]
    assert page[0].countdown == "逾期2个工作日"
    assert page[2].countdown == "剩余2个工作日"
    assert page[0].rule == "办事指南承诺的办结时限"
    assert page[0].url.endswith("#step-decide")
    # A wider window takes in the later one; a decided application leaves the list.
    assert [i.record.number for i in todo.items(users["clerk"], todo.Window.on(wednesday, 5))][-1] == "A-LATER"
    service_rules.decide(town_apps["overdue"], wednesday, Outcome.APPROVED)
    assert "A-LATE" not in [i.record.number for i in todo.items(users["clerk"], window)]


def test_each_role_sees_its_scope_and_the_office_counts_per_unit(users, tree, town_apps):
    window = todo.Window.on(dt.date(2025, 6, 11), 3)
    dept_item = make_item(tree["dept"], code="D-1", promised=2)
    accepted(dept_item, "D-LATE", dt.date(2025, 6, 2))
    clerk_numbers = {i.record.number for i in todo.items(users["clerk"], window)}
    assert clerk_numbers == {"A-LATE", "A-TODAY", "A-SOON"}
    office = todo.counts_by_unit(users["office"], window)
    assert [row.unit.code for row in office] == ["C1-T1", "D1"]  # the same overdue count; then more due today
    by_code = {row.unit.code: row.counts for row in office}
    assert (by_code["D1"].overdue, by_code["C1-T1"].total) == (1, 3)
    # The unit admin of the county sees the town below it, not the department.
    assert {row.unit.code for row in todo.counts_by_unit(users["unit_admin"], window)} == {"C1-T1"}
    # Pages merge by due date across ledgers and do not overlap.
    first = todo.items(users["office"], window, limit=2)
    second = todo.items(users["office"], window, offset=2, limit=2)
    assert [i.due for i in first + second] == sorted(i.due for i in first + second)
    assert {i.pk for i in first}.isdisjoint({i.pk for i in second})


def test_a_pages_records_are_loaded_with_what_the_table_shows_of_them(users, town_apps, django_assert_num_queries):
    page = todo.items(users["clerk"], todo.Window.on(dt.date(2025, 6, 11), 3), ledger="applications")
    with django_assert_num_queries(0):  # the name and the unit's name shown in todo/table.html: loaded
        shown = [(str(item.record), item.record.unit.name) for item in page]
    assert shown == [(number, "测试县城关镇人民政府") for number in ("A-LATE", "A-TODAY", "A-SOON")]
    assert "applicant_id_number" not in page[0].record.__dict__  # the rest of the row is not read


def test_the_to_do_page_and_the_dashboard_list_overdue_records(users, town_apps, login, monkeypatch):
    monkeypatch.setattr(todo, "today", lambda: dt.date(2025, 6, 11))
    client = login(users["clerk"])
    page = client.get(reverse("todo:index")).content.decode()
    assert "A-LATE" in page and "逾期2个工作日" in page and "去办理" in page
    assert 'data-count="overdue">1<' in page
    overdue_only = client.get(reverse("todo:index"), {"state": "overdue"}).content.decode()
    assert "A-LATE" in overdue_only and "A-TODAY" not in overdue_only
    dashboard = client.get(reverse("web:dashboard")).content.decode()
    assert 'id="todo-summary"' in dashboard and "A-LATE" in dashboard
    office_page = login(users["office"]).get(reverse("todo:index")).content.decode()
    assert "各单位待办情况" in office_page and "测试县城关镇人民政府" in office_page


def test_the_pages_memo_of_counts_keeps_scopes_apart_and_sees_each_change(users, tree, town_apps, monkeypatch):
    """The 工作台 and 待办与预警 reuse a duty's counts per data scope (fazhi.todo.items.Memo) only while the ledger's
    history has nothing newer: a step, a new row or a restored one shows on the next page at once."""
    monkeypatch.setattr(todo, "today", lambda: dt.date(2025, 6, 11))
    office, clerk, county = Client(), Client(), Client()
    for client, role in ((office, "office"), (clerk, "clerk"), (county, "unit_admin")):
        client.force_login(users[role])
    dept_item = make_item(tree["dept"], code="D-1", promised=2)
    dept_late = accepted(dept_item, "D-LATE", dt.date(2025, 6, 2))

    def overdue(client, url="web:dashboard"):
        page = client.get(reverse(url)).content.decode()
        return int(page.split('data-count="overdue">')[1].split("<")[0]), page

    assert overdue(office)[0] == 2  # the town's and the department's
    for client in (clerk, county):  # filled by the office's page first: the town's only, never the department's
        count, page = overdue(client)
        assert count == 1 and "A-LATE" in page and "D-LATE" not in page
    service_rules.decide(town_apps["overdue"], dt.date(2025, 6, 11), Outcome.APPROVED)
    assert overdue(clerk)[0] == 0 and overdue(office)[0] == 1
    assert "A-LATE" not in overdue(county, "todo:index")[1]
    accepted(make_item(tree["town"], code="T-2", promised=2), "A-LATE-2", dt.date(2025, 6, 4))
    assert overdue(clerk)[0] == 1 and overdue(office)[0] == 2
    dept_late.soft_delete(users["office"], "录入错误")
    assert overdue(office)[0] == 1
    dept_late.restore(users["office"])
    assert overdue(office)[0] == 2


def test_the_scan_warns_once_issues_cards_and_keeps_them(users, tree, town_apps):
    second_clerk = User.objects.create(username="clerk2", role=Role.CLERK, unit=tree["town"])
    wednesday = dt.date(2025, 6, 11)
    first = scan(wednesday)
    clerk_keys = set(Notification.objects.filter(user=users["clerk"]).values_list("key", flat=True))
    assert len(clerk_keys) == 3 and all(key.startswith("todo:") for key in clerk_keys)
    assert Notification.objects.filter(user=second_clerk).count() == 3
    assert not Notification.objects.filter(user=users["leader"]).exists()
    summary = Notification.objects.get(user=users["office"])
    assert "逾期1项" in summary.title and "今日到期1项" in summary.title
    late = Notification.objects.get(user=users["clerk"], key__contains=":overdue:")
    assert "A-LATE" in late.title and "已逾期2个工作日" in late.title
    assert first.yellow_cards == 1 and first.red_cards == 1
    # The same night again: nothing new.
    again = scan(wednesday)
    assert (again.notices, again.yellow_cards, again.red_cards) == (0, 0, 0)
    # Next day the one due today is overdue: one new warning each, a red card; the decided one keeps its card.
    service_rules.decide(town_apps["overdue"], wednesday, Outcome.APPROVED)
    thursday = scan(dt.date(2025, 6, 12))
    assert thursday.red_cards == 1
    assert Notification.objects.filter(user=users["clerk"], key__contains=":overdue:").count() == 2
    cards = {(c.application.number, c.colour) for c in SupervisionCard.objects.select_related("application")}
    assert ("A-LATE", "red") in cards and ("A-TODAY", "yellow") in cards and ("A-TODAY", "red") in cards
    values = unit_metrics(Period.year(2025), [tree["town"], tree["gov"]], families=["services"])
    assert values[tree["town"].pk]["supervision_red_cards"] == 2
    assert values[tree["gov"].pk]["supervision_yellow_cards"] == 1


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Inbox:
    def __init__(self):
        self.messages = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.rcpt_tos, envelope.content))
        return "250 OK"


@pytest.fixture
def smtp_server(settings):
    handler = Inbox()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    yield handler
    controller.stop()


def test_digests_go_through_a_real_smtp_server_once_a_day_and_respect_opt_out(users, tree, town_apps, smtp_server):
    users["clerk"].email = "clerk@example.cn"
    users["clerk"].save()
    opted_out = User.objects.create(username="clerk3", role=Role.CLERK, unit=tree["town"], email="c3@example.cn")
    Preference.objects.create(user=opted_out, daily_digest=False)
    result = nightly(dt.date(2025, 6, 11))
    assert result.digests == 1
    assert len(smtp_server.messages) == 1
    recipients, content = smtp_server.messages[0]
    assert recipients == ["clerk@example.cn"]
    assert "A-LATE" in email.message_from_bytes(content).get_payload(decode=True).decode("utf-8")
    # The job re-runs: nothing is mailed twice, and everything mailed is marked.
    assert nightly(dt.date(2025, 6, 11)).digests == 0
    assert send_digests(dt.date(2025, 6, 11)) == 0
    assert len(smtp_server.messages) == 1
    assert not Notification.objects.filter(user=users["clerk"], emailed_at__isnull=True).exists()
    assert DigestSent.objects.filter(user=users["clerk"]).count() == 1
    assert not DigestSent.objects.filter(user=opted_out).exists()


def test_a_failed_mail_server_sends_on_the_next_run(users, town_apps, settings):
    users["clerk"].email = "clerk@example.cn"
    users["clerk"].save()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_TIMEOUT = "127.0.0.1", _free_port(), 2
    assert nightly(dt.date(2025, 6, 11)).digests == 0
    assert not DigestSent.objects.exists()
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert send_digests(dt.date(2025, 6, 11)) == 1
    assert len(mail.outbox) == 1


def test_the_inbox_counts_unread_and_marks_read(users, town_apps, login):
    scan(dt.date(2025, 6, 11))
    client = login(users["clerk"])
    page = client.get(reverse("notices:inbox")).content.decode()
    assert 'data-unread="3"' in page
    notice = Notification.objects.filter(user=users["clerk"]).first()
    response = client.post(reverse("notices:open", args=[notice.pk]))
    assert response.status_code == 302 and response["Location"] == notice.url
    assert 'data-unread="2"' in client.get(reverse("notices:inbox")).content.decode()
    client.post(reverse("notices:read-all"))
    assert "data-unread" not in client.get(reverse("notices:inbox")).content.decode()
    # Nobody opens another user's notice.
    other = Notification.objects.create(user=users["office"], key="x", title="x")
    assert client.post(reverse("notices:open", args=[other.pk])).status_code == 404
    client.post(reverse("notices:preferences"), {})
    assert Preference.objects.get(user=users["clerk"]).daily_digest is False


@pytest.mark.browser
def test_a_clerk_opens_the_to_do_list_performs_the_step_and_the_item_leaves(live_server, page, users, tree):
    """The journey in Chromium: 工作台 → 待办 → 去办理 → 办结 → the list no longer holds it; the inbox counts."""
    from tests.browser import ARTIFACTS

    item = make_item(tree["town"], code="T-JOURNEY", promised=2)
    late = accepted(item, "A-JOURNEY", todo.today() - dt.timedelta(days=20))
    scan(todo.today())
    ARTIFACTS.mkdir(exist_ok=True)
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")
    assert page.inner_text("#notice-badge [data-unread]") == "1"
    row = page.locator(f"#todo-items tr[data-pk='{late.pk}']")
    assert "已逾期" in row.inner_text() and "个工作日" in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "todo-dashboard-clerk.png"), full_page=True)
    page.click("#notice-badge")
    page.wait_for_selector("#notice-list")
    assert "A-JOURNEY" in page.inner_text("#notice-list")
    page.click("text=待办")
    page.wait_for_selector("#todo-filters")
    page.select_option("#f-state", "overdue")
    page.click("#todo-filters button")
    page.wait_for_selector(f"#todo-items tr[data-pk='{late.pk}']")
    page.screenshot(path=str(ARTIFACTS / "todo-list-clerk.png"), full_page=True)
    page.click(f"#todo-items tr[data-pk='{late.pk}'] >> text=去办理")
    page.wait_for_selector("#step-decide")
    assert page.url.endswith("#step-decide")
    page.select_option("#step-decide select[name=outcome]", Outcome.APPROVED)
    page.click("#step-decide button[type=submit]")
    page.wait_for_selector(".alert-success")
    page.goto(live_server.url + reverse("todo:index"))
    page.wait_for_selector("#todo-items")
    assert page.locator(f"#todo-items tr[data-pk='{late.pk}']").count() == 0
    assert "没有需要办理的期限事项" in page.inner_text("#todo-items")
    late.refresh_from_db()
    assert late.status == ApplicationStatus.DECIDED
    # The red card the scan issued stays on record after the application is decided.
    assert SupervisionCard.objects.filter(application=late, colour=SupervisionCard.Colour.RED).exists()
    page.goto("about:blank")  # no request may still run while the database is flushed
    # The 办件日汇总 triggers would write totals back during the flush's delete of 办件 (SQLite): delete them first.
    Application._base_manager.all().delete()


def test_the_scheduled_nightly_job_scans_and_is_declared_once(users, town_apps):
    from fazhi.jobs.schedule import SCHEDULE
    from fazhi.todo.tasks import nightly_scan

    assert [entry.daily for entry in SCHEDULE if entry.task == "fazhi.todo.tasks.nightly_scan"] == ["01:30"]
    result = nightly_scan.enqueue()  # the tests' task backend runs it at once
    assert result.return_value["day"] == todo.today().isoformat()
    assert result.return_value["notices"] == Notification.objects.count() > 0
    assert nightly_scan.enqueue().return_value["notices"] == 0
