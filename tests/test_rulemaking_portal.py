"""Public portal of 制度建设与依法决策: only published records appear; public comments are validated,
rate-limited, CSRF-protected, counted and refused once the period is over."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import timezone

from fazhi.rulemaking import rules
from fazhi.rulemaking.models import Consultation, DecisionCatalogue, NormativeDocument, PublicComment

from .test_rulemaking_decisions import make_decision
from .test_rulemaking_documents import make_doc, published, repeal

D = dt.date


@pytest.fixture(autouse=True)
def fresh_rate_limits(db):  # the cache is a database table (settings.CACHES)
    cache.clear()
    yield
    cache.clear()


def today():
    return timezone.localdate()


def consultation_on(subject, starts, ends, **extra):
    field = "document" if isinstance(subject, NormativeDocument) else "decision"
    return Consultation.objects.create(
        unit=subject.unit,
        title=f"征求意见：{subject.title}",
        draft_text="征求意见稿全文",
        starts_on=starts,
        ends_on=ends,
        **{field: subject},
        **extra,
    )


def test_documents_page_shows_only_documents_in_force(tree, client):
    in_force = published(
        make_doc(tree["gov"], title="现行有效的养犬办法"), number="P1", on=D(2025, 3, 20), effective=D(2025, 4, 1)
    )
    repealed = published(make_doc(tree["gov"], title="已废止的办法"), number="P2")
    repeal(repealed, D(2025, 5, 1))
    published(make_doc(tree["gov"], title="已过期的办法"), number="P3", valid_until=D(2025, 5, 31))
    make_doc(tree["gov"], title="尚在起草的办法")
    deleted = published(make_doc(tree["gov"], title="已删除的办法"), number="P4")
    deleted.soft_delete(None, "录入错误")
    page = client.get(reverse("portal:rulemaking:documents")).content.decode()
    assert "现行有效的养犬办法" in page
    for hidden in ("已废止的办法", "已过期的办法", "尚在起草的办法", "已删除的办法"):
        assert hidden not in page
    assert "现行有效的养犬办法" in client.get(reverse("portal:rulemaking:documents"), {"q": "养犬"}).content.decode()
    assert (
        "现行有效的养犬办法" not in client.get(reverse("portal:rulemaking:documents"), {"q": "殡葬"}).content.decode()
    )
    detail = client.get(reverse("portal:rulemaking:document", args=[in_force.pk])).content.decode()
    assert "现行有效" in detail and "犬只登记与管理" in detail
    assert "已废止" in client.get(reverse("portal:rulemaking:document", args=[repealed.pk])).content.decode()
    draft = NormativeDocument.objects.get(title="尚在起草的办法")
    assert client.get(reverse("portal:rulemaking:document", args=[draft.pk])).status_code == 404
    assert client.get(reverse("portal:rulemaking:document", args=[deleted.pk])).status_code == 404


def test_decision_catalogue_page_shows_only_published_catalogues(tree, client):
    shown = make_decision(tree["gov"], title="公开目录中的决策")
    rules.approve_catalogue(shown.catalogue, D(2025, 2, 20))
    rules.publish_catalogue(shown.catalogue, D(2025, 3, 1))
    make_decision(tree["county"], title="未公布目录中的决策")
    page = client.get(reverse("portal:rulemaking:decisions")).content.decode()
    assert "公开目录中的决策" in page and "未公布目录中的决策" not in page
    assert DecisionCatalogue.objects.count() == 2


def test_consultations_page_lists_open_ones_and_published_feedback_only(tree, client):
    now = today()
    open_one = consultation_on(
        make_doc(tree["gov"], title="正在征求意见的文件"), now - dt.timedelta(days=3), now + dt.timedelta(days=27)
    )
    consultation_on(
        make_doc(tree["gov"], title="尚未开始的文件"), now + dt.timedelta(days=2), now + dt.timedelta(days=40)
    )
    closed = consultation_on(
        make_doc(tree["gov"], title="已截止未反馈的文件"), now - dt.timedelta(days=60), now - dt.timedelta(days=20)
    )
    answered = consultation_on(
        make_doc(tree["gov"], title="已反馈的文件"), now - dt.timedelta(days=60), now - dt.timedelta(days=25)
    )
    rules.publish_feedback(answered, now - dt.timedelta(days=10), "共收到意见2条，采纳1条。")
    PublicComment.objects.create(consultation=open_one, content="第一条意见内容")
    page = client.get(reverse("portal:rulemaking:consultations")).content.decode()
    assert "正在征求意见的文件" in page and "已收到意见1条" in page and "已反馈的文件" in page
    assert "尚未开始的文件" not in page and "已截止未反馈的文件" not in page
    future = Consultation.objects.get(document__title="尚未开始的文件")
    assert client.get(reverse("portal:rulemaking:consultation", args=[future.pk])).status_code == 404
    assert (
        "共收到意见2条，采纳1条。"
        in client.get(reverse("portal:rulemaking:consultation", args=[answered.pk])).content.decode()
    )
    assert "已截止" in client.get(reverse("portal:rulemaking:consultation", args=[closed.pk])).content.decode()
    open_one.soft_delete(None, "发布有误")
    assert client.get(reverse("portal:rulemaking:consultation", args=[open_one.pk])).status_code == 404


def test_a_member_of_the_public_submits_an_opinion_and_the_count_rises(tree, client):
    now = today()
    item = consultation_on(make_decision(tree["gov"]), now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    url = reverse("portal:rulemaking:consultation", args=[item.pk])
    response = client.post(
        url,
        {"name": "张三", "contact": "13800000000", "content": "建议分阶段调整价格，保障低收入家庭。"},
        REMOTE_ADDR="203.0.113.7",
        follow=True,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "您的意见已提交" in page and 'id="comment-count">1<' in page
    comment = PublicComment.objects.get()
    assert comment.content.startswith("建议分阶段") and comment.name == "张三"
    assert "203.0.113.7" not in comment.client_hash and len(comment.client_hash) == 64
    assert comment.consultation.unit == tree["gov"]


def test_invalid_opinions_are_refused_and_nothing_is_stored(tree, client):
    now = today()
    item = consultation_on(make_doc(tree["gov"]), now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    url = reverse("portal:rulemaking:consultation", args=[item.pk])
    response = client.post(url, {"content": "好"})
    assert response.status_code == 400 and "意见内容至少5个字" in response.content.decode()
    response = client.post(url, {"content": "很长" * 2000})
    assert response.status_code == 400 and "最多3000个字" in response.content.decode()
    assert client.put(url).status_code == 405
    assert PublicComment.objects.count() == 0


def test_opinions_after_the_period_are_refused(tree, client):
    now = today()
    item = consultation_on(make_doc(tree["gov"]), now - dt.timedelta(days=31), now - dt.timedelta(days=1))
    response = client.post(
        reverse("portal:rulemaking:consultation", args=[item.pk]), {"content": "截止后提交的意见内容"}
    )
    assert response.status_code == 400
    assert "征求意见已于" in response.content.decode() and "截止，不再接收意见" in response.content.decode()
    assert PublicComment.objects.count() == 0
    with pytest.raises(ValidationError, match="尚未开始"):
        rules.submit_comment(item, content="意见", on=item.starts_on - dt.timedelta(days=1))


@override_settings(FAZHI_COMMENT_RATE=(3, 600))
def test_opinions_are_rate_limited_per_client_address(tree, client):
    now = today()
    item = consultation_on(make_doc(tree["gov"]), now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    url = reverse("portal:rulemaking:consultation", args=[item.pk])
    codes = [
        client.post(url, {"content": f"第{i}条意见的内容"}, REMOTE_ADDR="198.51.100.1").status_code for i in range(4)
    ]
    assert codes == [302, 302, 302, 429]
    assert PublicComment.objects.count() == 3
    assert client.post(url, {"content": "另一个地址的意见"}, REMOTE_ADDR="198.51.100.2").status_code == 302
    assert PublicComment.objects.count() == 4


def test_a_post_without_the_csrf_token_is_refused(tree):
    now = today()
    item = consultation_on(make_doc(tree["gov"]), now - dt.timedelta(days=1), now + dt.timedelta(days=30))
    browser = Client(enforce_csrf_checks=True)
    url = reverse("portal:rulemaking:consultation", args=[item.pk])
    assert browser.post(url, {"content": "没有令牌的意见内容"}).status_code == 403
    page = browser.get(url)
    token = page.cookies["csrftoken"].value
    assert browser.post(url, {"content": "带令牌的意见内容", "csrfmiddlewaretoken": token}).status_code == 302
    assert PublicComment.objects.count() == 1


def test_staff_answer_every_opinion_before_publishing_the_feedback(tree, users, login):
    now = today()
    item = consultation_on(make_doc(tree["gov"]), now - dt.timedelta(days=40), now - dt.timedelta(days=5))
    first = PublicComment.objects.create(consultation=item, content="意见一")
    second = PublicComment.objects.create(consultation=item, content="意见二")
    with pytest.raises(ValidationError, match="尚有2条意见未作采纳处理"):
        rules.publish_feedback(item, now, "采纳情况")
    with pytest.raises(ValidationError, match="未采纳的意见应当说明理由"):
        rules.answer_comment(first, False, "")
    client = login(users["office"])
    client.post(
        reverse("ledger:consultations-action", args=[item.pk, "answer"]),
        {"comment": first.pk, "adopted": "1", "reply": "已采纳"},
    )
    client.post(
        reverse("ledger:consultations-action", args=[item.pk, "answer"]),
        {"comment": second.pk, "adopted": "0", "reply": "超出调整范围"},
    )
    response = client.post(
        reverse("ledger:consultations-action", args=[item.pk, "feedback"]),
        {"feedback_published_on": now.isoformat(), "feedback": "采纳1条"},
    )
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.feedback_published_on == now and item.feedback == "采纳1条"
    assert "采纳1条" in Client().get(reverse("portal:rulemaking:consultation", args=[item.pk])).content.decode()
