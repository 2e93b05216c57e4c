"""The 政务服务 workflow through the web: each step, each refusal with its rule, the overdue list."""

import datetime as dt

from django.urls import reverse

from fazhi.services.models import Application, Rating

from .factories import make_application, make_item


def act(client, app, action, **data):
    return client.post(reverse("ledger:applications-action", args=[app.pk, action]), data, follow=True)


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


def test_accept_stop_resume_missing_documents_and_decide(users, tree, login):
    item = make_item(tree["town"], promised=5, tolerance_allowed=True, tolerance_documents="婚姻状况证明")
    app = make_application(item, received=dt.date(2025, 6, 3))
    client = login(users["clerk"])
    assert messages_of(act(client, app, "accept", accepted_on="2025-06-03")) == ["受理：已完成"]
    app.refresh_from_db()
    assert app.status == "accepted" and app.due_on == dt.date(2025, 6, 10)

    act(client, app, "stop-clock", started_on="2025-06-04", reason="expert_review", note="专家评审")
    refused = act(client, app, "decide", decided_on="2025-06-05", outcome="approved")
    assert "仍有未结束的不计时环节" in messages_of(refused)[0]
    act(client, app, "resume-clock", ended_on="2025-06-09")  # 6-5, 6-6, 6-9: three working days
    app.refresh_from_db()
    assert app.due_on == dt.date(2025, 6, 13)

    act(client, app, "missing-document", name="婚姻状况证明", due_on="2025-06-12")
    refused = act(client, app, "decide", decided_on="2025-06-12", outcome="approved")
    assert "尚缺材料：婚姻状况证明" in messages_of(refused)[0] and "容缺受理" in messages_of(refused)[0]
    assert Application.objects.get(pk=app.pk).status == "accepted"
    doc = app.missing_documents.get()
    act(client, app, "supply-document", supplied_on="2025-06-11", document=doc.pk)
    page = act(client, app, "decide", decided_on="2025-06-12", outcome="approved")
    assert messages_of(page) == ["办结：已完成"]
    app.refresh_from_db()
    assert app.status == "decided" and app.on_time is True
    history = [h.status for h in app.history.order_by("history_date")]
    assert history[0] == "received" and history[-1] == "decided"


def test_tolerance_refused_for_an_item_not_on_the_list(users, tree, login):
    app = make_application(make_item(tree["town"]))
    client = login(users["clerk"])
    act(client, app, "accept", accepted_on="2025-06-03")
    response = client.post(
        reverse("ledger:applications-action", args=[app.pk, "missing-document"]),
        {"name": "x", "due_on": "2025-06-09"},
        follow=True,
    )
    # The button is not shown for such an item, and a post made anyway is refused by the step with its rule.
    assert "do/missing-document/" not in response.content.decode()
    assert any("登记容缺材料未执行" in m and "容缺" in m for m in messages_of(response))


def test_overdue_filter_lists_late_and_open_past_deadline(users, tree, login):
    item = make_item(tree["town"], promised=1)
    decided = {"status": "decided", "accepted_on": dt.date(2025, 6, 3), "outcome": "approved"}
    make_application(item, number="LATE", decided_on=dt.date(2025, 6, 10), **decided)  # due 6-4
    make_application(
        item, number="OPEN", status="accepted", received=dt.date(2025, 1, 2), accepted_on=dt.date(2025, 1, 2)
    )
    make_application(item, number="FINE", decided_on=dt.date(2025, 6, 4), **decided)
    client = login(users["clerk"])
    page = client.get(reverse("ledger:applications-list") + "?overdue=true").content.decode()
    assert "LATE" in page and "OPEN" in page and "FINE" not in page


def test_a_bad_rating_opens_a_rectification_with_a_due_date(users, tree, login):
    app = make_application(
        make_item(tree["town"]), status="decided", accepted_on=dt.date(2025, 6, 3), decided_on=dt.date(2025, 6, 4)
    )
    rating = Rating.objects.create(
        unit=tree["town"], application=app, stars=2, channel="online", rated_on=dt.date(2025, 6, 5)
    )
    assert rating.rectification_due_on == dt.date(
        2025, 6, 26
    )  # 15 working days after Thursday 6-5 (端午 5-31 to 6-2 before)
    client = login(users["clerk"])
    client.post(reverse("ledger:ratings-action", args=[rating.pk, "rectify"]), {"rectified_on": "2025-06-20"})
    rating.refresh_from_db()
    assert rating.rectified_on == dt.date(2025, 6, 20)
    good = Rating(unit=tree["town"], application=app, stars=5, channel="online", rated_on=dt.date(2025, 6, 5))
    assert good.rectification_due_on is None
