"""Bulk sync of 办件 (POST /api/applications/sync/) and the 政务服务 invariants `fazhi check` knows."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from fazhi.core.invariants import violations
from fazhi.services import rules
from fazhi.services.models import Application, ApplicationDay, MissingDocument, Rating

from .factories import make_application, make_item, valid_id

D = dt.date


def record(number, item="I-1", **steps):
    return {
        "number": number,
        "item": item,
        "applicant_type": "person",
        "applicant_name": "张三",
        "applicant_id_number": valid_id(),
        "channel": "online",
        "received_on": "2025-06-03",
        **steps,
    }


def sync(client, records):
    return client.post(reverse("api:applications-sync"), {"records": records}, content_type="application/json")


@pytest.fixture
def clerk(users, login, tree):
    make_item(tree["town"], code="I-1", promised=5)
    return login(users["clerk"])


def test_a_batch_goes_through_the_steps(clerk):
    response = sync(
        clerk,
        [
            record("S-1"),
            record("S-2", accepted_on="2025-06-03"),
            record("S-3", accepted_on="2025-06-03", decided_on="2025-06-12", outcome="approved"),
            record("S-4", refused=True, decided_on="2025-06-04"),
        ],
    )
    assert response.status_code == 200, response.content
    assert response.json() == {"created": 4, "advanced": 0, "unchanged": 0}
    rows = {a.number: a for a in Application.objects.all()}
    assert [rows[n].status for n in ("S-1", "S-2", "S-3", "S-4")] == ["received", "accepted", "decided", "not_accepted"]
    assert rows["S-2"].due_on == D(2025, 6, 10) and rows["S-3"].on_time is False and rows["S-4"].on_time is None
    assert rows["S-3"].history.get().history_change_reason == "批量同步"
    # the daily totals (kept by triggers) count the 办结 but not the refusal
    assert sum(ApplicationDay.objects.values_list("decided", flat=True)) == 1


def test_the_same_batch_twice_changes_nothing_and_later_steps_are_taken(clerk):
    batch = [record("S-1", accepted_on="2025-06-03"), record("S-2")]
    assert sync(clerk, batch).json()["created"] == 2
    before = list(Application.history.values_list("history_id", flat=True))
    assert sync(clerk, batch).json() == {"created": 0, "advanced": 0, "unchanged": 2}
    assert list(Application.history.values_list("history_id", flat=True)) == before
    batch[0].update(decided_on="2025-06-05", outcome="denied")
    assert sync(clerk, batch).json() == {"created": 0, "advanced": 1, "unchanged": 1}
    decided = Application.objects.get(number="S-1")
    assert (decided.status, decided.on_time) == ("decided", True)
    assert decided.history.order_by("history_id").last().history_change_reason == "办结"


def test_a_stored_application_is_refused_through_the_step_and_needs_its_date(clerk):
    assert sync(clerk, [record("S-1")]).json()["created"] == 1
    undated = sync(clerk, [record("S-1", refused=True)])
    assert undated.status_code == 400 and undated.json()["errors"][0]["field"] == "decided_on"
    assert sync(clerk, [record("S-1", refused=True, decided_on="2025-06-04")]).json()["advanced"] == 1
    refused = Application.objects.get(number="S-1")
    assert (refused.status, refused.decided_on) == ("not_accepted", D(2025, 6, 4))
    assert refused.history.order_by("history_id").last().history_change_reason == "不予受理"
    contradicting = sync(clerk, [record("S-1", accepted_on="2025-06-04")])
    assert contradicting.status_code == 400 and contradicting.json()["errors"][0]["field"] == "status"


def test_one_bad_record_writes_nothing_and_names_record_field_and_rule(clerk):
    stored = sync(clerk, [record("S-9", accepted_on="2025-06-03")])
    assert stored.status_code == 200
    response = sync(
        clerk,
        [
            record("S-1"),
            record("S-2", accepted_on="2025-06-02"),  # before receipt
            record("S-3", decided_on="2025-06-05", outcome="approved"),  # decided, never accepted
            record("S-4", item="NOPE"),
            record("S-9", accepted_on="2025-06-04"),  # contradicts the stored acceptance
            record("S-1"),  # twice in the batch
            {**record("S-6"), "received_on": "2025-02-30"},
        ],
    )
    assert response.status_code == 400
    errors = {(e["record"], e["field"]) for e in response.json()["errors"]}
    assert errors == {
        (2, "accepted_on"),
        (3, "accepted_on"),
        (4, "item"),
        (5, "accepted_on"),
        (6, "number"),
        (7, "received_on"),
    }
    messages = {e["record"]: e["message"] for e in response.json()["errors"]}
    assert "受理日期不能早于收件日期" in messages[2] and "不一致" in messages[5]
    assert list(Application.objects.values_list("number", flat=True)) == ["S-9"]


def test_a_rule_broken_by_a_later_step_rolls_back_the_whole_batch(clerk, tree):
    item = make_item(tree["town"], code="TOL", tolerance_allowed=True, tolerance_documents="证明")
    app = make_application(item, number="OLD")
    rules.accept(app, D(2025, 6, 3))
    rules.add_missing_document(app, "证明", D(2025, 6, 20))
    response = sync(
        clerk,
        [
            record("NEW-1"),
            record("OLD", item="TOL", accepted_on="2025-06-03", decided_on="2025-06-05", outcome="approved"),
        ],
    )
    assert response.status_code == 400
    assert response.json()["errors"][0]["record"] == 2 and "尚缺材料" in response.json()["errors"][0]["message"]
    assert not Application.objects.filter(number="NEW-1").exists()


def test_a_batch_over_the_limit_or_out_of_scope_is_refused(clerk, tree):
    make_item(tree["other_county"], code="THEIRS")
    assert sync(clerk, [record("X", item="THEIRS")]).status_code == 400
    assert sync(clerk, []).status_code == 400
    assert "10000" in sync(clerk, [record(f"N{i}") for i in range(10_001)]).json()["errors"][0]["message"]


def test_a_reader_cannot_sync(users, login, tree):
    make_item(tree["town"], code="I-1")
    assert sync(login(users["leader"]), [record("S-1")]).status_code == 403


def test_the_route_is_in_the_schema(clerk):
    schema = clerk.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()
    assert "/api/applications/sync/" in schema["paths"]
    assert "/api/applications/{id}/decide/" in schema["paths"]
    decide = schema["paths"]["/api/applications/{id}/decide/"]["post"]
    assert "409" in decide["responses"]


# -- invariants: each broken on purpose ------------------------------------------------------------------
@pytest.fixture
def decided(tree):
    app = make_application(make_item(tree["town"], promised=5), received=D(2025, 6, 3))
    rules.accept(app, D(2025, 6, 3))
    return rules.decide(app, D(2025, 6, 5), "approved")


def found(code):
    return [v.pk for v in violations([f"services.{code}"])]


@pytest.mark.parametrize(
    "code, breakage",
    [
        ("status_matches_dates", {"status": "accepted"}),
        ("status_matches_dates", {"outcome": ""}),
        ("dates_in_order", {"decided_on": D(2025, 6, 2)}),
        ("accepted_has_due_date", {"due_on": None, "on_time": None}),
        ("on_time_matches_dates", {"on_time": False}),
        ("on_time_matches_dates", {"decided_on": D(2026, 12, 30)}),
        ("due_date_follows_the_promise", {"due_on": D(2025, 7, 1)}),
    ],
)
def test_each_application_invariant_finds_a_row_broken_on_purpose(decided, code, breakage):
    assert found(code) == []
    Application.objects.filter(pk=decided.pk).update(**breakage)
    assert found(code) == [decided.pk]


def test_decided_with_a_missing_document_is_found(tree):
    item = make_item(tree["town"], tolerance_allowed=True, tolerance_documents="证明")
    app = make_application(item)
    rules.accept(app, D(2025, 6, 3))
    rules.add_missing_document(app, "证明", D(2025, 6, 20))
    assert found("decided_without_missing_documents") == []
    Application.objects.filter(pk=app.pk).update(status="decided", decided_on=D(2025, 6, 4), outcome="approved")
    assert found("decided_without_missing_documents") == [app.pk]
    MissingDocument.objects.update(supplied_on=D(2025, 6, 4))
    assert found("decided_without_missing_documents") == []


def test_a_bad_rating_without_rectification_due_is_found(decided, tree):
    rating = Rating.objects.create(
        unit=tree["town"], application=decided, stars=1, channel="online", rated_on=D(2025, 6, 6)
    )
    assert found("ratings_follow_the_rules") == [] and rating.rectification_due_on is not None
    Rating.objects.filter(pk=rating.pk).update(rectification_due_on=None)
    assert found("ratings_follow_the_rules") == [rating.pk]


def test_fazhi_check_prints_links_and_exits_non_zero(decided):
    out = io.StringIO()
    call_command("check", "--invariant", "services.on_time_matches_dates", stdout=out)
    assert "全部通过" in out.getvalue()
    Application.objects.filter(pk=decided.pk).update(on_time=False)
    out = io.StringIO()
    with pytest.raises(CommandError, match="发现违规"):
        call_command("check", stdout=out)
    assert reverse("ledger:applications-detail", args=[decided.pk]) in out.getvalue() and "按时办结" in out.getvalue()
    with pytest.raises(CommandError, match="未知的规则"):
        call_command("check", "--invariant", "services.no_such_rule")
