"""One write path for 办件: API step routes, state fields read-only everywhere else, refusals, locks and races."""

import datetime as dt
import threading

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from fazhi.core.steps import StateConflict
from fazhi.services import rules
from fazhi.services.models import Application, ClockStop

from .factories import make_application, make_item

D = dt.date


def api(client, method, path, body=None):
    return getattr(client, method)(path, body or {}, content_type="application/json")


def step_url(app, step):
    return reverse(f"api:applications-{step}", args=[app.pk])


@pytest.fixture
def clerk(users, login):
    return login(users["clerk"])


def test_accept_and_decide_through_the_api_compute_the_deadline(tree, clerk):
    app = make_application(make_item(tree["town"], promised=5), received=D(2025, 6, 3))
    response = api(clerk, "post", step_url(app, "accept"), {"accepted_on": "2025-06-03"})
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted" and response.json()["due_on"] == "2025-06-10"
    response = api(clerk, "post", step_url(app, "decide"), {"decided_on": "2025-06-12", "outcome": "approved"})
    assert response.status_code == 200
    assert response.json()["on_time"] is False and response.json()["decided_on"] == "2025-06-12"
    assert [h.history_change_reason for h in app.history.order_by("history_id")][-2:] == ["受理", "办结"]


def test_a_step_the_state_does_not_allow_is_409_and_a_rule_is_400(tree, clerk):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    early = api(clerk, "post", step_url(app, "accept"), {"accepted_on": "2025-06-02"})
    assert early.status_code == 400 and "受理日期不能早于收件日期" in str(early.json())
    assert api(clerk, "post", step_url(app, "accept"), {"accepted_on": "2025-06-03"}).status_code == 200
    again = api(clerk, "post", step_url(app, "accept"), {"accepted_on": "2025-06-04"})
    assert again.status_code == 409 and "已受理" in again.json()["detail"]
    assert api(clerk, "post", step_url(app, "decide"), {"decided_on": "2025-06-04"}).status_code == 400  # no outcome
    app.refresh_from_db()
    assert app.accepted_on == D(2025, 6, 3) and app.status == "accepted"


@pytest.mark.parametrize(
    "body, field",
    [
        ({"status": "accepted"}, "status"),
        ({"decided_on": "2026-12-30"}, "decided_on"),
        ({"on_time": False}, "on_time"),
        ({"due_on": "2030-01-01"}, "due_on"),
        ({"status": "accepted", "accepted_on": "2026-12-28"}, "accepted_on"),
    ],
)
def test_state_fields_cannot_be_patched(tree, clerk, body, field):
    """The four moves of the issue: a decided 办件 sent back to 受理, a decision date moved, a state set by hand."""
    app = make_application(make_item(tree["town"], promised=5), received=D(2025, 4, 1))
    rules.accept(app, D(2025, 4, 1))
    rules.decide(app, D(2025, 4, 8), "approved")
    before = Application.objects.values().get(pk=app.pk)
    response = api(clerk, "patch", reverse("api:applications-detail", args=[app.pk]), body)
    assert response.status_code == 400
    assert "办理步骤" in response.json()[field][0] and "/decide/" in response.json()[field][0]
    assert Application.objects.values().get(pk=app.pk) == before


def test_a_new_application_cannot_be_created_accepted(tree, clerk):
    item = make_item(tree["town"])
    body = {
        "unit": tree["town"].pk,
        "number": "API-1",
        "item": item.pk,
        "applicant_type": "person",
        "applicant_name": "张三",
        "applicant_id_number": make_application(item).applicant_id_number,
        "channel": "online",
        "received_on": "2025-06-03",
        "status": "accepted",
        "accepted_on": "2026-12-28",
    }
    response = api(clerk, "post", reverse("api:applications-list"), body)
    assert response.status_code == 400 and set(response.json()) == {"status", "accepted_on"}
    body.pop("status"), body.pop("accepted_on")
    response = api(clerk, "post", reverse("api:applications-list"), body)
    assert response.status_code == 201 and response.json()["status"] == "received" and response.json()["due_on"] is None
    # the third move: PATCHing the new 办件 to accepted is refused; the step accepts it with a due date
    url = reverse("api:applications-detail", args=[response.json()["id"]])
    patched = api(clerk, "patch", url, {"status": "accepted", "accepted_on": "2026-12-28"})
    assert patched.status_code == 400 and "/accept/" in patched.json()["accepted_on"][0]
    accepted = api(clerk, "post", url + "accept/", {"accepted_on": "2025-06-03"})
    assert accepted.status_code == 200 and accepted.json()["due_on"] == "2025-06-10"
    assert accepted.json()["due_on_provisional"] is False  # 2025's holidays are known (tests/test_system_calendar.py)


def test_a_get_body_sent_back_unchanged_is_accepted(tree, clerk):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    url = reverse("api:applications-detail", args=[app.pk])
    body = api(clerk, "get", url).json()
    body["applicant_name"] = "李四"
    response = api(clerk, "put", url, {k: v for k, v in body.items() if k not in ("id", "created_at", "updated_at")})
    assert response.status_code == 200, response.content
    assert response.json()["applicant_name"] == "李四" and response.json()["due_on"] == body["due_on"]


def test_editing_received_after_accepted_is_a_form_error_not_a_crash(tree, clerk):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    url = reverse("ledger:applications-edit", args=[app.pk])
    form = clerk.get(url).context["form"]
    assert "status" not in form.fields and "accepted_on" not in form.fields
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(received_on="2025-06-05", tolerance_acceptance="", commitment_acceptance="")
    response = clerk.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 400
    assert "受理日期：受理日期不能早于收件日期" in response.content.decode()
    app.refresh_from_db()
    assert app.received_on == D(2025, 6, 3)


def test_a_step_on_a_row_in_the_recycle_bin_is_refused(tree, users, clerk):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    app.soft_delete(users["clerk"], "录入错误")
    with pytest.raises(StateConflict, match="回收站"):
        rules.accept(app, D(2025, 6, 3))
    assert Application.all_objects.get(pk=app.pk).status == "received"


def test_a_step_on_a_stale_object_sees_the_stored_state(tree):
    """The step re-reads the row: an object loaded before someone else decided cannot decide again."""
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    stale = Application.objects.get(pk=app.pk)
    rules.decide(app, D(2025, 6, 4), "approved")
    with pytest.raises(StateConflict):
        rules.decide(stale, D(2025, 6, 20), "denied")
    stored = Application.objects.get(pk=app.pk)
    assert (stored.decided_on, stored.outcome, stored.on_time) == (D(2025, 6, 4), "approved", True)


def test_the_database_allows_one_open_clock_stop(tree):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    rules.stop_clock(app, "expert_review", D(2025, 6, 4))
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockStop.objects.create(application=app, reason="hearing", started_on=D(2025, 6, 5))


def test_the_web_step_names_the_refusal_after_someone_else_acted(tree, clerk):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    rules.decide(app, D(2025, 6, 4), "approved")  # someone else, while the clerk's page still offers 办结
    response = clerk.post(
        reverse("ledger:applications-action", args=[app.pk, "decide"]),
        {"decided_on": "2025-06-05", "outcome": "denied"},
        follow=True,
    )
    messages = [str(m) for m in response.context["messages"]]
    assert messages == ["办结未执行：当前状态为“已办结”，不能作出办理决定"]


# -- races: real threads, each on its own database connection ----------------------------------------------
needs_server = pytest.mark.skipif(
    "postgresql" not in connection.settings_dict["ENGINE"],
    reason="row locks across connections need a database server (the suite's SQLite is one in-memory database)",
)


def race(*calls):
    """Run the calls at the same moment in threads; their results or exceptions, in order."""
    barrier = threading.Barrier(len(calls))
    results = [None] * len(calls)

    def run(index, call):
        from django.db import connections

        barrier.wait()
        try:
            results[index] = call()
        except Exception as error:
            results[index] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return results


@needs_server
@pytest.mark.django_db(transaction=True)
def test_two_clerks_deciding_at_once_one_wins(tree):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    first, second = Application.objects.get(pk=app.pk), Application.objects.get(pk=app.pk)
    results = race(
        lambda: rules.decide(first, D(2025, 6, 4), "approved"), lambda: rules.decide(second, D(2025, 6, 5), "denied")
    )
    assert sorted(type(r).__name__ for r in results) == ["Application", "StateConflict"]
    assert app.history.filter(status="decided").count() == 1


@needs_server
@pytest.mark.django_db(transaction=True)
def test_two_clock_stops_at_once_open_one(tree):
    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    copies = [Application.objects.get(pk=app.pk) for _ in range(3)]
    results = race(*[lambda copy=copy: rules.stop_clock(copy, "hearing", D(2025, 6, 4)) for copy in copies])
    assert sorted(type(r).__name__ for r in results) == ["ClockStop", "StateConflict", "StateConflict"]
    assert ClockStop.objects.filter(application=app, ended_on__isnull=True).count() == 1


@needs_server
@pytest.mark.django_db(transaction=True)
def test_two_api_calls_at_once_get_200_and_409(tree, users):
    from django.test import Client

    app = make_application(make_item(tree["town"]), received=D(2025, 6, 3))
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(users["clerk"])
    url = step_url(app, "accept")
    results = race(*[lambda c=c: api(c, "post", url, {"accepted_on": "2025-06-03"}).status_code for c in clients])
    assert sorted(results) == [200, 409]
