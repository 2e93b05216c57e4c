"""建议提案 and 依申请公开: the locked steps through the API, read-only state, and every invariant broken on purpose."""

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.invariants import load, violations
from fazhi.core.ledgers import registry
from fazhi.core.steps import StateConflict
from fazhi.oversight import rules
from fazhi.oversight.models import DisclosureClockStop, DisclosureRequest, Suggestion, SuggestionCoHandler

from .test_import import workbook_file
from .test_oversight import make_request, make_suggestion

D = dt.date
JSON = {"content_type": "application/json"}


def found(code):
    """The pks of the rows the invariant `oversight.<code>` yields."""
    return [v.pk for v in violations([f"oversight.{code}"])]


def oversight_invariants():
    return sorted(code for code in load() if code.startswith("oversight."))


def stepped_rows(tree):
    """Rows taken through every step, the way the pages and the API take them."""
    town, dept = tree["town"], tree["dept"]
    done = make_suggestion(town, "S-DONE")
    co = rules.add_co_handler(done, "D2")
    rules.co_handler_opinion(co, D(2025, 4, 10))
    rules.mark_difficult(done, D(2025, 5, 6), "涉及多个部门")
    rules.reply_suggestion(done, D(2025, 9, 1), "B")
    rules.record_feedback(done, D(2025, 9, 10), "satisfied")
    rules.reply_suggestion(make_suggestion(dept, "S-LATE"), D(2025, 7, 1), "C")
    make_suggestion(dept, "S-OPEN")
    corrected = make_request(town, "R-CORR")
    rules.request_disclosure_correction(corrected, D(2025, 6, 5))
    rules.receive_disclosure_correction(corrected, D(2025, 6, 9))
    rules.stop_disclosure_clock(corrected, "third_party", D(2025, 6, 10))
    rules.resume_disclosure_clock(corrected, D(2025, 6, 17))
    rules.extend_disclosure(corrected, 10, D(2025, 7, 1), "办公室主任 刘某")
    rules.reply_disclosure(corrected, "refused", D(2025, 7, 20), "涉及商业秘密")
    rules.reply_disclosure(make_request(dept, "R-LATE"), "provided", D(2025, 7, 15))
    rules.stop_disclosure_clock(make_request(dept, "R-OPEN"), "other_agency", D(2025, 6, 4))
    make_request(dept, "R-NEW")
    return done, corrected


def test_correctly_stepped_rows_satisfy_every_invariant(tree):
    stepped_rows(tree)
    assert oversight_invariants() == [
        f"oversight.{name}"
        for name in sorted(
            [  # each is broken on purpose below
                "suggestion_status_matches_reply",
                "suggestion_dates_in_order",
                "suggestion_due_date_recomputes",
                "suggestion_on_time_matches",
                "difficult_has_reason",
                "co_handler_is_not_the_lead",
                "disclosure_status_matches_reply",
                "disclosure_dates_in_order",
                "correction_notice_in_time",
                "disclosure_due_date_recomputes",
                "disclosure_on_time_matches",
                "extension_within_the_cap",
                "refusal_has_a_reason",
            ]
        )
    ]
    assert [str(v) for v in violations(oversight_invariants())] == []


# -- the API's step routes -----------------------------------------------------------------------------------
def test_suggestion_steps_through_the_api(tree, users, client):
    suggestion = make_suggestion(tree["town"])
    client.force_login(users["clerk"])
    url = reverse("api:suggestions-detail", args=[suggestion.pk])
    assert client.post(url + "co-handler/", {"unit_code": "D2"}, **JSON).status_code == 200
    co = suggestion.co_handlers.get()
    assert (
        client.post(url + "co-opinion/", {"co_handler": co.pk, "opinion_sent_on": "2025-04-01"}, **JSON).status_code
        == 200
    )
    response = client.post(
        url + "difficult/", {"declared_on": "2025-04-01", "difficult_reason": "涉及多个部门"}, **JSON
    )
    assert response.status_code == 200 and response.json()["due_on"] == "2025-09-22"
    response = client.post(url + "reply/", {"replied_on": "2025-09-22", "reply_category": "A"}, **JSON)
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["on_time"]) == ("replied", True)
    # The row moved on: the same step again, or one its state no longer allows, is a 409.
    again = client.post(url + "reply/", {"replied_on": "2025-09-22", "reply_category": "A"}, **JSON)
    assert again.status_code == 409 and "已答复" in again.json()["detail"]
    assert (
        client.post(url + "difficult/", {"declared_on": "2025-04-01", "difficult_reason": "x"}, **JSON).status_code
        == 409
    )
    assert client.post(url + "co-handler/", {"unit_code": "C1"}, **JSON).status_code == 409
    assert (
        client.post(url + "feedback/", {"feedback_on": "2025-09-30", "satisfaction": "satisfied"}, **JSON).status_code
        == 200
    )
    again = client.post(url + "feedback/", {"feedback_on": "2025-09-30", "satisfaction": "basically"}, **JSON)
    assert again.status_code == 409 and "已登记代表（委员）意见" in again.json()["detail"]
    suggestion.refresh_from_db()
    assert suggestion.satisfaction == "satisfied" and co.__class__.objects.get(pk=co.pk).opinion_sent_on == D(
        2025, 4, 1
    )


def test_a_rule_broken_by_a_step_is_a_400_naming_the_law(tree, users, client):
    suggestion = make_suggestion(tree["town"])
    client.force_login(users["clerk"])
    response = client.post(
        reverse("api:suggestions-difficult", args=[suggestion.pk]),
        {"declared_on": "2025-06-23", "difficult_reason": "来不及"},
        **JSON,
    )
    assert response.status_code == 400 and "代表法" in str(response.json())
    assert not Suggestion.objects.get(pk=suggestion.pk).difficult


def test_state_fields_are_read_only_in_the_api(tree, users, client):
    suggestion, request = make_suggestion(tree["town"]), make_request(tree["town"])
    client.force_login(users["clerk"])
    for url, change in [
        (reverse("api:suggestions-detail", args=[suggestion.pk]), {"status": "replied"}),
        (reverse("api:suggestions-detail", args=[suggestion.pk]), {"replied_on": "2025-05-01"}),
        (reverse("api:suggestions-detail", args=[suggestion.pk]), {"due_on": "2025-12-31"}),
        (reverse("api:disclosure-requests-detail", args=[request.pk]), {"reply_type": "provided"}),
        (reverse("api:disclosure-requests-detail", args=[request.pk]), {"extension_days": 20}),
    ]:
        response = client.patch(url, change, **JSON)
        assert response.status_code == 400, change
        assert "办理步骤" in str(response.json()), change
    suggestion.refresh_from_db()
    request.refresh_from_db()
    assert (suggestion.status, suggestion.replied_on, suggestion.due_on) == ("assigned", None, D(2025, 6, 20))
    assert (request.reply_type, request.extension_days, request.due_on) == ("", 0, D(2025, 7, 1))
    # the fields a new row needs stay writable, and the derived ones follow
    assert (
        client.patch(
            reverse("api:suggestions-detail", args=[suggestion.pk]), {"assigned_on": "2025-03-21"}, **JSON
        ).status_code
        == 200
    )
    assert Suggestion.objects.get(pk=suggestion.pk).due_on == D(2025, 6, 23)  # 6-21 is a Saturday


def test_an_edited_base_date_cannot_contradict_the_steps_taken(tree, users, client):
    suggestion, request = make_suggestion(tree["town"]), make_request(tree["town"])
    rules.add_co_handler(suggestion, "D2")
    rules.reply_suggestion(suggestion, D(2025, 5, 6), "A")
    rules.request_disclosure_correction(request, D(2025, 6, 10))
    client.force_login(users["clerk"])
    for url, change, message in [
        (
            reverse("api:suggestions-detail", args=[suggestion.pk]),
            {"assigned_on": "2025-05-07"},
            "交办日期不能晚于答复日期",
        ),
        (
            reverse("api:suggestions-detail", args=[suggestion.pk]),
            {"unit": tree["dept2"].pk},
            "",
        ),  # out of the clerk's scope anyway
        (
            reverse("api:disclosure-requests-detail", args=[request.pk]),
            {"received_on": "2025-06-11"},
            "收到申请日期不能晚于补正告知日期",
        ),
        (
            reverse("api:disclosure-requests-detail", args=[request.pk]),
            {"received_on": "2025-05-20"},
            "依申请公开补正告知期限",
        ),
    ]:
        response = client.patch(url, change, **JSON)
        assert response.status_code == 400 and message in str(response.json()), change
    client.force_login(users["office"])
    response = client.patch(reverse("api:suggestions-detail", args=[suggestion.pk]), {"unit": tree["dept2"].pk}, **JSON)
    assert response.status_code == 400 and "主办单位不能同时作为协办单位" in str(response.json())
    assert Suggestion.objects.get(pk=suggestion.pk).assigned_on == D(2025, 3, 20)
    assert DisclosureRequest.objects.get(pk=request.pk).received_on == D(2025, 6, 3)


def test_disclosure_steps_through_the_api(tree, users, client):
    request = make_request(tree["town"])
    client.force_login(users["clerk"])
    url = reverse("api:disclosure-requests-detail", args=[request.pk])
    assert (
        client.post(url + "request-correction/", {"correction_requested_on": "2025-06-05"}, **JSON).status_code == 200
    )
    conflict = client.post(url + "stop-clock/", {"started_on": "2025-06-06", "reason": "third_party"}, **JSON)
    assert conflict.status_code == 409 and "补正" in conflict.json()["detail"]
    assert (
        client.post(url + "request-correction/", {"correction_requested_on": "2025-06-06"}, **JSON).status_code == 409
    )
    response = client.post(url + "receive-correction/", {"correction_received_on": "2025-06-09"}, **JSON)
    assert response.status_code == 200 and response.json()["due_on"] == "2025-07-07"
    assert client.post(url + "receive-correction/", {"correction_received_on": "2025-06-09"}, **JSON).status_code == 409
    assert client.post(url + "resume-clock/", {"ended_on": "2025-06-10"}, **JSON).status_code == 409  # none open
    response = client.post(url + "stop-clock/", {"started_on": "2025-06-10", "reason": "third_party"}, **JSON)
    assert response.status_code == 200 and response.json()["stopped"] is True
    assert (
        client.post(url + "stop-clock/", {"started_on": "2025-06-11", "reason": "other_agency"}, **JSON).status_code
        == 409
    )
    reply = {"reply_type": "provided", "reply_reason": "已提供电子文档"}
    assert client.post(url + "reply/", {"replied_on": "2025-06-12", **reply}, **JSON).status_code == 409
    response = client.post(url + "resume-clock/", {"ended_on": "2025-06-17"}, **JSON)
    assert response.status_code == 200 and response.json()["due_on"] == "2025-07-14"  # five working days consulted
    response = client.post(
        url + "extend/", {"extended_on": "2025-07-01", "days": 5, "extension_approver": "主任 刘某"}, **JSON
    )
    assert response.status_code == 200 and response.json()["extension_days"] == 5
    over = client.post(
        url + "extend/", {"extended_on": "2025-07-02", "days": 16, "extension_approver": "主任 刘某"}, **JSON
    )
    assert over.status_code == 400 and "20个工作日" in str(over.json())
    response = client.post(url + "reply/", {"replied_on": "2025-07-10", **reply}, **JSON)
    assert response.status_code == 200 and (response.json()["status"], response.json()["on_time"]) == ("replied", True)
    assert (
        client.post(
            url + "extend/", {"extended_on": "2025-07-11", "days": 1, "extension_approver": "刘某"}, **JSON
        ).status_code
        == 409
    )
    assert client.post(url + "reply/", {"replied_on": "2025-07-11", **reply}, **JSON).status_code == 409


def test_an_optional_text_may_be_left_out_of_a_step_body(tree, users, client):
    request = make_request(tree["town"])
    client.force_login(users["clerk"])
    response = client.post(
        reverse("api:disclosure-requests-reply", args=[request.pk]),
        {"replied_on": "2025-06-20", "reply_type": "provided"},
        **JSON,
    )
    assert response.status_code == 200


def test_a_reply_dated_before_the_corrected_request_is_refused(tree):
    request = make_request(tree["town"])
    rules.request_disclosure_correction(request, D(2025, 6, 5))
    rules.receive_disclosure_correction(request, D(2025, 6, 16))
    with pytest.raises(Exception, match="不能早于收到补正申请日期"):
        rules.reply_disclosure(request, "provided", D(2025, 6, 13))


def test_steps_on_a_deleted_row_are_refused(tree, users, client):
    suggestion, request = make_suggestion(tree["town"]), make_request(tree["town"])
    co = rules.add_co_handler(suggestion, "D2")
    suggestion.soft_delete(users["clerk"], "录入错误")
    request.soft_delete(users["clerk"], "录入错误")
    with pytest.raises(StateConflict, match="回收站"):
        rules.reply_suggestion(suggestion, D(2025, 5, 1), "A")
    with pytest.raises(StateConflict, match="回收站"):
        rules.co_handler_opinion(co, D(2025, 5, 1))  # a step on a child row checks its ledger row
    with pytest.raises(StateConflict, match="回收站"):
        rules.reply_disclosure(request, "provided", D(2025, 6, 20))
    client.force_login(users["clerk"])
    response = client.post(
        reverse("api:suggestions-reply", args=[suggestion.pk]),
        {"replied_on": "2025-05-01", "reply_category": "A"},
        **JSON,
    )
    assert response.status_code == 404
    assert Suggestion.all_objects.get(pk=suggestion.pk).status == "assigned"
    assert DisclosureRequest.all_objects.get(pk=request.pk).status == "received"


def test_the_database_holds_one_open_consultation_per_request(tree):
    request = make_request(tree["town"])
    rules.stop_disclosure_clock(request, "third_party", D(2025, 6, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        DisclosureClockStop.objects.create(request=request, reason="other_agency", started_on=D(2025, 6, 11))


def test_the_web_refuses_a_step_the_page_would_not_offer(tree, users, login):
    suggestion = make_suggestion(tree["town"])
    rules.reply_suggestion(suggestion, D(2025, 5, 1), "A")
    client = login(users["clerk"])
    page = client.post(
        reverse("ledger:suggestions-action", args=[suggestion.pk, "difficult"]),
        {"declared_on": "2025-04-01", "difficult_reason": "x"},
        follow=True,
    )
    messages = [str(m) for m in page.context["messages"]]
    assert any("延期答复（涉及面广、处理难度大）未执行" in m and "已答复" in m for m in messages)
    assert not Suggestion.objects.get(pk=suggestion.pk).difficult


# -- the import replays the steps' checks ---------------------------------------------------------------------
def test_disclosure_import_checks_what_the_steps_check(tree, users, tmp_path):
    spec = registry.get("disclosure-requests").importer
    headers = [c.header for c in spec.columns]

    def row(number, **overrides):
        values = dict(
            zip(
                headers,
                [
                    number,
                    "C1-T1",
                    "自然人",
                    "李某",
                    "网上申请",
                    "某文件",
                    D(2025, 6, 3),
                    None,
                    None,
                    D(2025, 6, 20),
                    "予以公开（提供信息或告知获取方式）",
                    None,
                ],
            )
        )
        values.update(overrides)
        return [values[h] for h in headers]

    bad = [
        row("I1", 答复类型="不予公开"),
        row("I2", **{"延长答复期限（工作日）": 21, "同意延长的负责人": "刘某"}),
        row("I3", **{"延长答复期限（工作日）": 5}),
        row("I4", 答复日期=D(2025, 6, 2)),
    ]
    with pytest.raises(ImportRefused) as refused:
        run_import(spec, workbook_file(tmp_path, headers, bad), users["clerk"])
    problems = sorted((p.row, p.column) for p in refused.value.problems)
    assert problems == [(2, "答复理由或说明"), (3, "延长答复期限（工作日）"), (4, "同意延长的负责人"), (5, "答复日期")]
    assert "第三十六条" in next(p.message for p in refused.value.problems if p.row == 2)
    good = [
        row("I1"),
        row("I2", 答复日期=D(2025, 7, 2)),
        row("I3", 答复日期=None, 答复类型=None),
        row("I4", **{"延长答复期限（工作日）": 5, "同意延长的负责人": "刘某"}, 答复日期=D(2025, 7, 7)),
    ]
    assert run_import(spec, workbook_file(tmp_path, headers, good, name="ok.xlsx"), users["clerk"]).rows == 4
    stored = {r.number: r for r in DisclosureRequest.objects.all()}
    assert stored["I1"].on_time is True and stored["I2"].on_time is False and stored["I3"].status == "received"
    assert stored["I4"].due_on == D(2025, 7, 8) and stored["I4"].on_time is True
    assert [str(v) for v in violations(oversight_invariants())] == []


# -- every invariant, broken on purpose -----------------------------------------------------------------------
def test_suggestion_invariants_find_rows_written_around_the_steps(tree):
    done, _ = stepped_rows(tree)
    open_one = Suggestion.objects.get(number="S-OPEN")
    late = Suggestion.objects.get(number="S-LATE")
    rows = Suggestion.all_objects.filter

    rows(pk=open_one.pk).update(status="replied")
    assert found("suggestion_status_matches_reply") == [open_one.pk]
    rows(pk=open_one.pk).update(status="assigned", satisfaction="satisfied")
    assert found("suggestion_status_matches_reply") == [open_one.pk]
    rows(pk=open_one.pk).update(satisfaction="")

    rows(pk=late.pk).update(feedback_on=D(2025, 6, 30), satisfaction="satisfied")
    assert found("suggestion_dates_in_order") == [late.pk]
    rows(pk=late.pk).update(feedback_on=None, satisfaction="")
    SuggestionCoHandler.objects.filter(suggestion=done).update(opinion_sent_on=D(2025, 3, 1))
    assert found("suggestion_dates_in_order") == [done.pk]
    SuggestionCoHandler.objects.filter(suggestion=done).update(opinion_sent_on=D(2025, 4, 10))

    rows(pk=done.pk).update(due_on=D(2025, 6, 20))  # the 延期 forgotten
    assert found("suggestion_due_date_recomputes") == [done.pk]
    rows(pk=done.pk).update(due_on=D(2025, 9, 22))

    rows(pk=late.pk).update(on_time=True)  # replied 7-1, due 6-20: a late reply must be flagged
    assert found("suggestion_on_time_matches") == [late.pk]
    rows(pk=late.pk).update(on_time=False)
    rows(pk=open_one.pk).update(on_time=False)
    assert found("suggestion_on_time_matches") == [open_one.pk]
    rows(pk=open_one.pk).update(on_time=None)

    rows(pk=open_one.pk).update(difficult=True)
    assert found("difficult_has_reason") == [open_one.pk]
    rows(pk=open_one.pk).update(difficult=False, difficult_reason="说明")
    assert found("difficult_has_reason") == [open_one.pk]
    rows(pk=open_one.pk).update(difficult_reason="")

    SuggestionCoHandler.objects.create(suggestion=open_one, unit=open_one.unit)
    assert found("co_handler_is_not_the_lead") == [open_one.pk]
    SuggestionCoHandler.objects.filter(suggestion=open_one).delete()

    Suggestion.objects.get(pk=late.pk).soft_delete(None, "测试")  # the recycle bin is checked too
    rows(pk=late.pk).update(on_time=True)
    assert found("suggestion_on_time_matches") == [late.pk]


def test_disclosure_invariants_find_rows_written_around_the_steps(tree):
    _, corrected = stepped_rows(tree)
    late, waiting, new = (DisclosureRequest.objects.get(number=n) for n in ("R-LATE", "R-OPEN", "R-NEW"))
    rows = DisclosureRequest.all_objects.filter

    rows(pk=new.pk).update(status="replied")
    assert found("disclosure_status_matches_reply") == [new.pk]
    rows(pk=new.pk).update(status="received")
    DisclosureClockStop.objects.create(request=late, reason="third_party", started_on=D(2025, 7, 16))
    assert found("disclosure_status_matches_reply") == [late.pk]  # replied while still consulting
    DisclosureClockStop.objects.filter(request=late).delete()
    rows(pk=new.pk).update(correction_received_on=D(2025, 6, 9))
    assert found("disclosure_status_matches_reply") == [new.pk]
    rows(pk=new.pk).update(correction_received_on=None)

    rows(pk=corrected.pk).update(replied_on=D(2025, 6, 6))  # before the corrected request came
    assert found("disclosure_dates_in_order") == [corrected.pk]
    rows(pk=corrected.pk).update(replied_on=D(2025, 7, 20))
    DisclosureClockStop.objects.filter(request=waiting).update(started_on=D(2025, 6, 2))
    assert found("disclosure_dates_in_order") == [waiting.pk]
    DisclosureClockStop.objects.filter(request=waiting).update(started_on=D(2025, 6, 4))

    rows(pk=new.pk).update(correction_requested_on=D(2025, 6, 13))  # the 8th working day
    assert found("correction_notice_in_time") == [new.pk]
    rows(pk=new.pk).update(correction_requested_on=None)

    rows(pk=corrected.pk).update(due_on=D(2025, 7, 7))  # the consultation and the extension forgotten
    assert found("disclosure_due_date_recomputes") == [corrected.pk]
    rows(pk=corrected.pk).update(due_on=D(2025, 7, 28))
    rows(pk=waiting.pk).update(stopped=False)
    assert found("disclosure_due_date_recomputes") == [waiting.pk]
    rows(pk=waiting.pk).update(stopped=True)

    rows(pk=late.pk).update(on_time=True)  # replied 7-15, due 7-1: a late reply must be flagged
    assert found("disclosure_on_time_matches") == [late.pk]
    rows(pk=late.pk).update(on_time=False)

    rows(pk=corrected.pk).update(extension_days=21)
    assert found("extension_within_the_cap") == [corrected.pk]
    rows(pk=corrected.pk).update(extension_days=10, extension_approver="")
    assert found("extension_within_the_cap") == [corrected.pk]
    rows(pk=corrected.pk).update(extension_approver="办公室主任 刘某")
    rows(pk=new.pk).update(extended_on=D(2025, 6, 20))
    assert found("extension_within_the_cap") == [new.pk]
    rows(pk=new.pk).update(extended_on=None)

    rows(pk=corrected.pk).update(reply_reason="")
    assert found("refusal_has_a_reason") == [corrected.pk]
    rows(pk=corrected.pk).update(reply_reason="涉及商业秘密")

    assert [str(v) for v in violations(oversight_invariants())] == []


def test_an_assignment_date_past_the_calendar_is_a_400(tree, users, client):
    client.force_login(users["clerk"])
    payload = {
        "unit": tree["town"].pk,
        "kind": "npc",
        "session": "十五届人大三次会议",
        "number": "9999",
        "title": "建议",
        "proposer": "王代表",
        "assigned_on": "9999-12-31",
    }
    response = client.post(reverse("api:suggestions-list"), payload, **JSON)
    assert response.status_code == 400 and "超出可计算答复期限的范围" in str(response.json())
    assert not Suggestion.all_objects.filter(number="9999").exists()
