"""Error pages: Chinese, inside the layout, with the reason and a way back; API errors stay JSON."""

import datetime as dt

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views import defaults

from fazhi.services import rules as service_rules
from fazhi.services.choices import ApplicationStatus
from tests.browser import ARTIFACTS
from tests.factories import make_application, make_item


def test_a_read_only_leader_gets_the_reason_in_chinese_inside_the_layout(users, login):
    response = login(users["leader"]).get(reverse("ledger:service-items-add"))
    page = response.content.decode()
    assert response.status_code == 403
    assert 'data-status="403"' in page and "没有权限" in page and "只读" in page
    assert "回到工作台" in page and 'id="unit-switcher"' in page  # the menu is there


def test_a_record_outside_the_scope_is_a_chinese_404_not_a_debug_page(users, tree, login):
    item = make_item(tree["other_county"], code="OUT-1")
    response = login(users["clerk"]).get(reverse("ledger:service-items-detail", args=[item.pk]))
    page = response.content.decode()
    assert response.status_code == 404
    assert "页面或记录不存在" in page and "数据范围" in page and "Page not found" not in page


def test_a_form_only_address_opened_in_the_browser_is_a_chinese_405(users, login):
    response = login(users["office"]).get(reverse("assessment:start"))
    page = response.content.decode()
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert "不能直接打开此地址" in page


def test_api_errors_stay_json(users, login):
    client = login(users["clerk"])
    response = client.get("/api/no-such-endpoint/")
    assert response.status_code == 404 and response.json() == {"detail": "接口地址不存在"}


def test_the_server_error_page_needs_no_database_or_context():
    response = defaults.server_error(RequestFactory().get("/"))
    assert response.status_code == 500 and "系统发生错误" in response.content.decode()


def test_the_change_log_shows_labels_and_local_times(users, tree, login):
    item = make_item(tree["town"], code="LOG-1")
    application = make_application(item, number="LOG-A", received=dt.date(2025, 6, 3))
    service_rules.accept(application, dt.date(2025, 6, 3))
    page = login(users["clerk"]).get(reverse("ledger:applications-detail", args=[application.pk])).content.decode()
    assert f"状态：{ApplicationStatus.RECEIVED.label} → {ApplicationStatus.ACCEPTED.label}" in page
    assert "received →" not in page
    created = timezone.localtime(application.created_at)
    assert created.strftime("%Y-%m-%d %H:%M") in page or created.strftime("%Y年%m月%d日") in page


@pytest.mark.browser
def test_the_leader_sees_the_chinese_403_page_in_the_browser(live_server, page, users):
    page.set_viewport_size({"width": 1366, "height": 768})
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "leader")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    response = page.goto(live_server.url + reverse("ledger:service-items-add"))
    assert response.status == 403
    body = page.inner_text("main")
    assert "没有权限" in body and "您的角色为只读，不能修改台账" in body
    assert page.locator("#unit-switcher").is_visible()  # inside the layout, with the menu
    page.screenshot(path=str(ARTIFACTS / "error-403-leader.png"))
    page.click("text=回到工作台")
    page.wait_for_url(live_server.url + "/")
