"""The back office at a glance (issue 19, part 6): one year for the session, numbered pages, 全部/是/否 filters,
Chinese decimal messages, status tags, overdue dates, the officers a case may take; and, in Chromium at 1366×768,
the left menu, lists without sideways scrolling and a searchable select, with screenshots in test-artifacts/."""

import datetime as dt
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from fazhi.core import cells
from fazhi.core.forms import ledger_form_class
from fazhi.core.ledgers import registry
from fazhi.enforcement.choices import CertificateKind
from fazhi.org.models import Unit
from fazhi.services.models import Application, Rating

from .browser import ARTIFACTS
from .factories import (
    CaseFactory,
    MatterFactory,
    OfficerFactory,
    ServiceItemFactory,
    ledger_row,
    make_application,
    make_item,
)

LAST_YEAR = timezone.localdate().year - 1


def test_the_year_chosen_in_the_header_is_every_page_s_default(users, login):
    client = login(users["office"])
    pages = [reverse("services:figures"), reverse("enforcement:figures"), reverse("rulemaking:overview")]
    for url in pages:
        assert client.get(url).context["year"] == LAST_YEAR, url
    chosen = LAST_YEAR - 2
    response = client.post(
        reverse("web:switch-year"), {"year": chosen, "next": reverse("services:figures") + f"?year={LAST_YEAR}"}
    )
    assert response.url == reverse("services:figures"), "the page's own ?year= would hide the choice"
    for url in pages:
        assert client.get(url).context["year"] == chosen, url
    assert f'<option value="{chosen}" selected>{chosen}年</option>' in client.get(pages[0]).content.decode()
    # An explicit ?year= still wins; a year not offered is ignored.
    assert client.get(pages[1] + f"?year={LAST_YEAR}").context["year"] == LAST_YEAR
    client.post(reverse("web:switch-year"), {"year": 1900, "next": "/"})
    assert client.get(pages[0]).context["year"] == chosen


def test_numbered_pages_show_the_total_and_the_page_size(users, tree, login):
    for n in range(45):
        ServiceItemFactory(unit=tree["town"], marker=f"P{n:02d}Z")
    client = login(users["office"])
    url = reverse("ledger:service-items-list")
    first = client.get(url + "?size=20&sort=code")
    assert first.context["page_numbers"] == [1, 2, 3]
    html = first.content.decode()
    assert "共 45 条" in html and "第 1–20 条" in html
    assert '<option value="20" selected>20 条</option>' in html
    third = client.get(url + "?size=20&sort=code&page=3")
    assert [row.code for row, _ in third.context["rows"]] == [f"ITEM-P{n:02d}Z" for n in range(40, 45)]
    assert "第 41–45 条" in third.content.decode()
    assert third.context["page"].next_token is None
    # 下一页 walks by cursor and names the page it reaches; its rows are those of the numbered page.
    after = re.search(r'id="next-page" href="\?([^"]+)"', html).group(1).replace("&amp;", "&")
    second = client.get(f"{url}?{after}")
    assert second.context["page_number"] == 2
    assert [r.pk for r, _ in second.context["rows"]] == [
        r.pk for r, _ in client.get(url + "?size=20&sort=code&page=2").context["rows"]
    ]
    # A long list leaves numbers out.
    assert client.get(url + "?size=20&sort=code&page=1").context["page_numbers"] == [1, 2, 3]
    from fazhi.core.pagination import page_window

    assert page_window(10, 30) == [1, None, 8, 9, 10, 11, 12, None, 30]


def test_yes_no_filters_read_all_yes_no(users, login):
    html = login(users["office"]).get(reverse("ledger:officers-list")).content.decode()
    select = re.search(r'<select name="is_active"[^>]*>(.*?)</select>', html).group(1)
    assert re.findall(r">([^<]+)</option>", select) == ["全部", "是", "否"]
    assert "未知" not in html
    assert "---------" not in html, "an empty choice of a filter reads 全部"
    # A date range reads as one control: 〔from〕至〔to〕.
    cases = login(users["office"]).get(reverse("ledger:cases-list")).content.decode()
    assert re.search(
        r'<div class="input-group input-group-sm date-range"><input type="date" name="opened_on_min"', cases
    )


def test_a_fine_too_long_is_refused_in_chinese(users, tree):
    form_class = ledger_form_class(registry.get("enforcement-matters"), users["office"])
    body = MatterFactory(unit=tree["town"]).body
    form = form_class(
        {
            "unit": tree["town"].pk,
            "code": "M-BIG",
            "name": "事项",
            "matter_type": "penalty",
            "body": body.pk,
            "legal_basis": "某法",
            "fine_max": "12345678901234567890",
            "is_active": "on",
        }
    )
    assert not form.is_valid()
    assert form.errors["fine_max"] == ["金额过大：最多12位整数"]
    assert "确认" not in str(form.errors)
    # The steps' forms too (作出处理决定: 罚款金额).
    case = CaseFactory(unit=tree["town"])
    decide = registry.get("cases").action("decide")
    step = decide.form_for(case, {"decided_on": "2025-04-01", "outcome": "penalty", "fine_amount": "1" * 20})
    assert not step.is_valid()
    assert step.errors["fine_amount"] == ["金额过大：最多12位整数"]


def test_statuses_are_coloured_tags_and_overdue_dates_red(users, tree, login):
    assert "text-bg-success" in cells.status_tag("decided", "已办结")
    assert "text-bg-primary" in cells.status_tag("accepted", "已受理")
    assert "text-bg-danger" in cells.status_tag("not_accepted", "不予受理")
    assert "text-bg-secondary" in cells.status_tag("received", "已收件")
    assert "text-bg-secondary" in cells.status_tag("something_new", "新状态"), "unknown statuses are grey"
    case = CaseFactory(unit=tree["town"], marker="LATEZ", opened_on=dt.date(2025, 3, 3))
    assert case.due_on < timezone.localdate()
    client = login(users["office"])
    html = client.get(reverse("ledger:cases-list")).content.decode()
    assert '<span class="badge rounded-pill text-bg-primary status-tag" data-status="open">办理中</span>' in html
    assert re.search(r'<span class="text-danger fw-semibold overdue" title="已逾期">' + str(case.due_on), html)
    detail = client.get(reverse("ledger:cases-detail", args=[case.pk])).content.decode()
    assert 'data-status="open"' in detail and 'class="text-danger fw-semibold overdue"' in detail
    steps = detail[detail.index('id="ledger-actions"') :]
    assert "请选择" in steps and "---------" not in steps, "the step forms' empty choices read 请选择 too"
    # Breadcrumbs: 首页 › 行政执法 › 执法案件 › the case.
    crumbs = re.search(r'<ol class="breadcrumb[^"]*" id="breadcrumbs">(.*?)</ol>', detail, re.S).group(1)
    assert [t.strip() for t in re.findall(r">([^<>]+)</(?:a|li)>", crumbs) if t.strip()] == [
        "首页",
        "行政执法",
        registry.get("cases").title,
        str(case),
    ]


def test_the_officer_select_marks_who_holds_no_valid_certificate_on_the_day(users, tree, login):
    matter = MatterFactory(unit=tree["town"])
    OfficerFactory(unit=tree["town"], body=matter.body, name="持证甲")
    OfficerFactory(
        unit=tree["town"],
        body=matter.body,
        name="过期乙",
        certificate__issued_on=dt.date(2020, 1, 1),
        certificate__expires_on=dt.date(2024, 12, 31),
        certificate__kind=CertificateKind.ENFORCEMENT,
    )
    html = login(users["clerk"]).get(reverse("ledger:cases-add")).content.decode()
    select = re.search(r'<select name="officers".*?</select>', html, re.S).group(0)
    assert 'data-certificate-day="id_opened_on"' in select
    assert re.search(r'data-certificates="2020-01-01..2099-12-31"[^>]*>持证甲</option>', select)
    assert re.search(
        r'data-certificates="2020-01-01..2024-12-31" class="uncertified"[^>]*>过期乙（当日无有效执法证）', select
    )


# -- Chromium at 1366×768 ---------------------------------------------------------------------------------------

KEY_LEDGERS = ["cases", "applications", "service-items", "officers", "normative-documents", "reconsideration-cases"]


def overflow(page) -> dict:
    return page.evaluate(
        """() => {
        const wrap = document.getElementById('ledger-table-wrap');
        return {page: document.documentElement.scrollWidth - window.innerWidth,
                table: wrap ? wrap.scrollWidth - wrap.clientWidth : 0,
                header: document.querySelector('.app-header').scrollHeight};
    }"""
    )


def shown_options(page, select_id: str, count: int) -> None:
    """Wait until the searchable select's list shows `count` options (Tom Select filters after a short pause)."""
    page.wait_for_function(
        "([id, n]) => document.querySelectorAll(`#${id}-ts-dropdown .option`).length === n", arg=[select_id, count]
    )


def sign_in(page, url, username):
    page.goto(url + reverse("login"))
    page.fill("#id_username", username)
    page.fill("#id_password", "test-pass-2026")
    page.click("button[type=submit]")
    page.wait_for_selector("#todo-summary")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_back_office_at_1366_pixels(live_server, browser, chromium, users, tree, monkeypatch):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    for number, ledger in enumerate(registry):
        ledger_row(ledger, tree["town"], f"W{number}Z")
    town = tree["town"]
    matter = MatterFactory(
        unit=town, marker="LONGZ", name="对未取得食品生产经营许可从事食品生产经营活动的行政处罚（含超长的事项名称）"
    )
    for n in range(3):
        CaseFactory(unit=town, matter=matter, marker=f"BR{n}Z", party_name=f"云测市某某餐饮管理有限公司第{n}分店")
    for n in range(25):
        MatterFactory(unit=town, body=matter.body, marker=f"MX{n:02d}Z")
    OfficerFactory(
        unit=town, body=matter.body, name="证件过期的执法人员", certificate__expires_on=dt.date(2024, 12, 31)
    )
    item = make_item(town, code="UI-ITEM")
    make_application(item, number="UI-APP-1")
    ARTIFACTS.mkdir(exist_ok=True)

    chromium.resume()
    context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
    try:
        page = context.new_page()
        sign_in(page, live_server.url, "office")
        assert overflow(page)["page"] <= 0
        assert page.locator(".app-header").bounding_box()["height"] < 60, "the header does not wrap"
        assert page.locator("link[rel=icon]").get_attribute("href").endswith("favicon.svg")
        page.screenshot(path=str(ARTIFACTS / "ui-dashboard.png"))

        for slug in KEY_LEDGERS:
            page.goto(live_server.url + reverse(f"ledger:{slug}-list"))
            page.wait_for_selector("table.ledger-table")
            measured = overflow(page)
            assert measured["page"] <= 0 and measured["table"] <= 0, (slug, measured)
            assert page.locator(".side-link.active").inner_text() == registry.get(slug).title
        page.goto(live_server.url + reverse("ledger:cases-list"))
        assert page.locator(".status-tag").count() >= 3
        assert page.locator("#ledger-pager .page-item.active").inner_text() == "1"
        assert "共 " in page.inner_text("#page-summary")
        page.screenshot(path=str(ARTIFACTS / "ui-cases-list.png"))

        page.click("text=AJ-BR0Z")
        page.wait_for_selector("text=变更记录")
        assert "行政执法" in page.inner_text("#breadcrumbs")
        page.screenshot(path=str(ARTIFACTS / "ui-case-detail.png"))

        # The left menu folds away and stays folded on the next page.
        page.click("#menu-toggle")
        assert not page.locator("#side-menu").is_visible()
        page.goto(live_server.url + reverse("ledger:enforcement-matters-list"))
        assert not page.locator("#side-menu").is_visible()
        assert overflow(page)["table"] <= 0
        page.screenshot(path=str(ARTIFACTS / "ui-menu-collapsed.png"))
        page.click("#menu-toggle")
        assert page.locator("#side-menu").is_visible()
        # The unit switcher searches too, and switches on the choice.
        page.locator("#unit-select-ts-control").fill("另一县")
        shown_options(page, "unit-select", 1)
        with page.expect_navigation():
            page.keyboard.press("Enter")
        assert page.input_value("#unit-select") == str(tree["other_county"].pk)
        assert page.locator("#unit-switcher .ts-control .item").inner_text().strip() == "另一县人民政府"
        context.close()

        # A clerk: every ledger list fits; the case form's selects are searchable.
        context = browser.new_context(locale="zh-CN", viewport={"width": 1366, "height": 768})
        page = context.new_page()
        sign_in(page, live_server.url, "clerk")
        page.screenshot(path=str(ARTIFACTS / "ui-dashboard-clerk.png"))
        for ledger in registry:
            page.goto(live_server.url + reverse(ledger.url_name("list")))
            page.wait_for_selector("table.ledger-table")
            measured = overflow(page)
            assert measured["page"] <= 0 and measured["table"] <= 0, (ledger.slug, measured)
        page.goto(live_server.url + reverse("ledger:cases-add"))
        page.fill("#id_opened_on", "2025-06-02")
        page.locator("#id_matter-ts-control").fill("MX07")
        shown_options(page, "id_matter", 1)
        page.keyboard.press("Enter")
        assert page.input_value("#id_matter") == str(matter.__class__.objects.get(code="M-MX07Z").pk)
        page.locator("#id_officers-ts-control").fill("证件过期")
        shown_options(page, "id_officers", 1)
        option = page.locator("#id_officers-ts-dropdown .option:has-text('证件过期')")
        assert "当日无有效执法证" in option.inner_text()
        page.screenshot(path=str(ARTIFACTS / "ui-case-form.png"))
        page.keyboard.press("Escape")
        # Another day re-marks the list (display only; the step decides).
        page.fill("#id_opened_on", "2024-06-03")
        page.dispatch_event("#id_opened_on", "change")
        marked = page.evaluate(
            "() => [...document.querySelectorAll('#id_officers option')]"
            ".filter(o => o.text.includes('证件过期')).map(o => o.classList.contains('uncertified'))"
        )
        assert marked == [False]
    finally:
        try:
            page.goto("about:blank")  # no request may still run while the database is flushed
            context.close()
        finally:
            chromium.pause()
        # The 办件日汇总 triggers would write totals back during the flush's delete of 办件 (SQLite): delete them first.
        Rating._base_manager.all().delete()
        Application._base_manager.all().delete()
    assert Unit.objects.filter(code="C1-T1").exists()
