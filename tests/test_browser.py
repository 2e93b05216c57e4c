"""The web UI in a real headless Chromium (Debian's), driven by Playwright: log in, dashboard, switch unit, a ledger."""

import pytest
from django.urls import reverse

from .browser import ARTIFACTS
from .factories import make_application, make_item

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_login_dashboard_switch_unit_and_ledger_list(live_server, page, users, tree):
    item = make_item(tree["town"], code="BROWSER-ITEM")
    make_application(item, number="BROWSER-APP-1")
    make_item(tree["other_county"], code="OTHER-ITEM")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(live_server.url + reverse("web:dashboard"))
    assert reverse("login") in page.url
    page.fill("#id_username", "office")
    page.fill("#id_password", "wrong-password")
    page.click("button[type=submit]")
    assert page.locator(".alert-danger").inner_text().startswith("用户名或密码错误")
    page.fill("#id_username", "office")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")
    assert "工作台" in page.inner_text("h1")

    with page.expect_navigation():  # the select submits its form on change; networkidle could come before it
        page.select_option("#unit-select", str(tree["county"].pk))
    assert "测试县人民政府" in page.inner_text("h1")

    page.click("text=政务服务")
    page.click("text=政务服务事项")
    page.wait_for_selector("table.ledger-table")
    table = page.inner_text("table.ledger-table")
    assert "BROWSER-ITEM" in table and "OTHER-ITEM" not in table
    page.screenshot(path=str(ARTIFACTS / "ledger-list.png"), full_page=True)

    page.click("text=BROWSER-ITEM")
    page.wait_for_selector("text=变更记录")
    page.click("text=编辑")
    page.fill("#id_promised_limit", "30")
    page.click("button:has-text('保存')")
    assert "承诺办理时限不得超过法定办理时限" in page.inner_text(".field-error")
    assert page.input_value("#id_effective_from") == "2024-01-01", "an edit keeps the stored date"
    page.screenshot(path=str(ARTIFACTS / "form-error.png"), full_page=True)
    page.fill("#id_promised_limit", "6")
    page.click("button:has-text('保存')")
    page.wait_for_selector("text=已保存")
    assert "承诺时限（工作日）：5 → 6" in page.inner_text(".history-table")


@pytest.mark.django_db(transaction=True)
def test_stored_script_never_runs_and_forged_posts_are_refused(live_server, page, users, tree):
    payload = '<script>window.__xss = 1</script><img src="x" onerror="window.__xss = 2">'
    item = make_item(tree["town"], code="XSS-1", legal_basis=payload)
    item.name = payload
    item.save()
    page.goto(live_server.url + reverse("login"))
    page.fill("#id_username", "clerk")
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")
    for path in (
        reverse("ledger:service-items-list"),
        reverse("ledger:service-items-detail", args=[item.pk]),
        reverse("ledger:service-items-edit", args=[item.pk]),
    ):
        page.goto(f"{live_server.url}{path}")
        page.wait_for_load_state("networkidle")
        assert page.evaluate("window.__xss") is None, path
        assert "<script>window.__xss" in page.content() or "&lt;script&gt;" in page.content()
    # A cross-site form post carries the session cookie but not the CSRF token: refused, nothing written.
    forged = page.request.post(
        live_server.url + reverse("ledger:service-items-delete", args=[item.pk]), form={"reason": "伪造请求"}
    )
    assert forged.status == 403
    item.refresh_from_db()
    assert item.deleted_at is None
