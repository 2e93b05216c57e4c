"""A member of the public comments on an open consultation in a real headless Chromium (Debian's): the count
rises; once the period has closed, a submission from the page still open is refused and nothing is stored."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from fazhi.rulemaking.models import Consultation, PublicComment

from .browser import ARTIFACTS
from .test_rulemaking_documents import make_doc

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_public_opinion_on_an_open_consultation_and_refusal_after_it_closes(live_server, page, tree):
    cache.clear()  # the rate limit counts per address, and every test client is 127.0.0.1
    today = timezone.localdate()
    doc = make_doc(tree["gov"], title="云测市既有住宅加装电梯管理办法", affects_market=True)
    item = Consultation.objects.create(
        unit=tree["gov"],
        document=doc,
        title="关于《云测市既有住宅加装电梯管理办法（征求意见稿）》公开征求意见的公告",
        draft_text="第一条 为了规范既有住宅加装电梯工作……",
        starts_on=today - dt.timedelta(days=5),
        ends_on=today + dt.timedelta(days=25),
    )
    PublicComment.objects.create(consultation=item, content="已有的一条意见")
    ARTIFACTS.mkdir(exist_ok=True)

    page.goto(live_server.url + reverse("portal:index"))
    page.click("text=正在征求意见")
    page.wait_for_selector("#open-consultations")
    assert "已收到意见1条" in page.inner_text("#open-consultations")
    page.click("text=加装电梯管理办法（征求意见稿）")
    page.wait_for_selector("#comment-form")
    assert page.inner_text("#comment-count") == "1"

    page.fill("#id_content", "好")  # too short: refused by the form, nothing stored
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "意见内容至少5个字" in page.inner_text(".field-error")
    assert page.inner_text("#comment-count") == "1"

    page.fill("#id_name", "王女士")
    page.fill("#id_content", "建议明确加装电梯的费用分摊办法，并对低层住户给予适当补偿。")
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("text=您的意见已提交")
    assert page.inner_text("#comment-count") == "2"
    page.screenshot(path=str(ARTIFACTS / "consultation-comment.png"), full_page=True)
    assert PublicComment.objects.filter(consultation=item).count() == 2

    # The page stays open while the period closes; the next submission is refused.
    page.fill("#id_content", "截止以后才提交的一条意见内容。")
    Consultation.objects.filter(pk=item.pk).update(
        starts_on=today - dt.timedelta(days=31), ends_on=today - dt.timedelta(days=1)
    )
    page.click("#comment-form button[type=submit]")
    page.wait_for_selector("#refusal")
    assert "截止，不再接收意见" in page.inner_text("#refusal")
    assert page.inner_text("#comment-count") == "2"
    assert page.locator("#comment-form").count() == 0, "the closed consultation shows no form"
    page.screenshot(path=str(ARTIFACTS / "consultation-closed.png"), full_page=True)
    assert PublicComment.objects.filter(consultation=item).count() == 2
