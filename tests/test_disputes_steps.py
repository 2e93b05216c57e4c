"""One write path for the dispute ledgers: API step routes, state fields read-only elsewhere, refusals, invariants."""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from fazhi.core.invariants import load, violations
from fazhi.core.steps import StateConflict
from fazhi.disputes import rules
from fazhi.disputes.choices import ActType, HeadAppearance, Instance, MediationOrgType, Procedure, SimplifiedGround
from fazhi.disputes.models import (
    CourtHearing,
    Lawsuit,
    MediatedDispute,
    MediationOrganisation,
    Mediator,
    Petition,
    ReconsiderationCase,
    ReconsiderationHearing,
    ReconsiderationSuspension,
)

from .test_disputes_cases import make_lawsuit, make_petition
from .test_disputes_reconsideration import make_case

D = dt.date
APP = Path(rules.__file__).parent


def api(client, method, path, body=None):
    return getattr(client, method)(path, body or {}, content_type="application/json")


def step_url(slug, row, step):
    return reverse(f"api:{slug}-{step}", args=[row.pk])


def detail_url(slug, row):
    return reverse(f"api:{slug}-detail", args=[row.pk])


@pytest.fixture
def clerk(users, login):
    return login(users["clerk"])


def make_organisation(unit, name="城关镇人调委"):
    return MediationOrganisation.objects.create(
        unit=unit, name=name, org_type=MediationOrgType.TOWNSHIP, established_on=D(2015, 1, 1)
    )


def make_dispute(organisation, number="M1", received=D(2025, 3, 3)):
    return MediatedDispute.objects.create(
        unit=organisation.unit,
        organisation=organisation,
        number=number,
        dispute_type="family",
        parties="甲、乙",
        received_on=received,
    )


def changes(row):
    return [h.history_change_reason for h in row.history.order_by("history_id")][1:]


# -- the API step routes -----------------------------------------------------------------------------------
def test_reconsideration_steps_through_the_api(tree, clerk):
    case = make_case(tree["town"], received=D(2025, 6, 3))
    slug = "reconsideration-cases"
    response = api(
        clerk, "post", step_url(slug, case, "accept"), {"accepted_on": "2025-06-03", "procedure": "ordinary"}
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted" and response.json()["due_on"] == "2025-08-04"
    suspension = {"started_on": "2025-06-10", "reason": "mediation"}
    response = api(clerk, "post", step_url(slug, case, "suspend"), suspension)
    assert response.status_code == 200, response.content
    assert response.json()["suspended"] is True and case.suspensions.get().note == ""
    again = api(clerk, "post", step_url(slug, case, "suspend"), {**suspension, "started_on": "2025-06-11"})
    assert again.status_code == 409 and "本案已中止" in again.json()["detail"]
    decided = api(clerk, "post", step_url(slug, case, "decide"), {"closed_on": "2025-06-15", "outcome": "upheld"})
    assert decided.status_code == 409 and "请先恢复审理" in decided.json()["detail"]
    extended = api(
        clerk, "post", step_url(slug, case, "extend"), {"extended_on": "2025-06-15", "days": 10, "reason": "复杂"}
    )
    assert extended.status_code == 409 and "中止期间" in extended.json()["detail"]
    early = api(clerk, "post", step_url(slug, case, "resume"), {"ended_on": "2025-06-09"})
    assert early.status_code == 400 and "恢复审理日期不能早于中止日期" in str(early.json())
    response = api(clerk, "post", step_url(slug, case, "resume"), {"ended_on": "2025-06-20"})
    assert (
        response.status_code == 200
        and response.json()["due_on"] == "2025-08-12"
        and response.json()["suspended"] is False
    )
    response = api(clerk, "post", step_url(slug, case, "decide"), {"closed_on": "2025-08-12", "outcome": "upheld"})
    assert response.status_code == 200 and response.json()["on_time"] is True and response.json()["status"] == "closed"
    assert changes(case) == ["受理", "中止审理", "恢复审理", "结案"]
    again = api(clerk, "post", step_url(slug, case, "decide"), {"closed_on": "2025-08-13", "outcome": "revoked"})
    assert again.status_code == 409 and "已审结" in again.json()["detail"]


def test_reconsideration_correction_and_copy_refusals_are_409(tree, clerk):
    case = make_case(tree["town"], received=D(2025, 6, 3))
    slug = "reconsideration-cases"
    received = api(clerk, "post", step_url(slug, case, "receive-correction"), {"correction_received_on": "2025-06-05"})
    assert received.status_code == 409 and "未通知补正" in received.json()["detail"]
    assert (
        api(
            clerk, "post", step_url(slug, case, "request-correction"), {"correction_requested_on": "2025-06-04"}
        ).status_code
        == 200
    )
    again = api(clerk, "post", step_url(slug, case, "request-correction"), {"correction_requested_on": "2025-06-05"})
    assert again.status_code == 409 and "一次性" in again.json()["detail"]
    waiting = api(clerk, "post", step_url(slug, case, "accept"), {"accepted_on": "2025-06-05", "procedure": "ordinary"})
    assert waiting.status_code == 409 and "收到补正材料后方可受理" in waiting.json()["detail"]
    assert (
        api(clerk, "post", step_url(slug, case, "receive-answer"), {"answer_received_on": "2025-06-05"}).status_code
        == 409
    )
    assert api(clerk, "post", step_url(slug, case, "convert"), {"converted_on": "2025-06-05"}).status_code == 409
    case.refresh_from_db()
    assert case.status == "received" and case.accepted_on is None and case.correction_requested_on == D(2025, 6, 4)


def test_a_simplified_case_keeps_the_answer_limit_it_was_sent_under(tree, clerk):
    case = make_case(tree["town"], received=D(2024, 1, 2), act_type=ActType.DISCLOSURE)
    slug = "reconsideration-cases"
    body = {"accepted_on": "2024-01-03", "procedure": "simplified", "simplified_ground": "disclosure"}
    response = api(clerk, "post", step_url(slug, case, "accept"), body)
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "accepted" and response.json()["due_on"] == "2024-02-02"
    assert api(clerk, "post", step_url(slug, case, "accept"), body).status_code == 409
    response = api(clerk, "post", step_url(slug, case, "send-copy"), {"copy_sent_on": "2024-01-04"})
    assert response.status_code == 200 and response.json()["answer_due_on"] == "2024-01-11"  # five working days
    response = api(clerk, "post", step_url(slug, case, "convert"), {"converted_on": "2024-01-10"})
    assert response.status_code == 200 and response.json()["procedure"] == "ordinary"
    assert response.json()["answer_due_on"] == "2024-01-11" and response.json()["due_on"] == "2024-03-04"
    assert api(clerk, "post", step_url(slug, case, "convert"), {"converted_on": "2024-01-11"}).status_code == 409


def test_lawsuit_steps_through_the_api(tree, clerk):
    suit = make_lawsuit(tree["town"], served_on=D(2025, 3, 5))
    slug = "lawsuits"
    response = api(clerk, "post", step_url(slug, suit, "defence"), {"defence_submitted_on": "2025-03-18"})
    assert response.status_code == 200 and response.json()["defence_submitted_on"] == "2025-03-18"
    again = api(clerk, "post", step_url(slug, suit, "defence"), {"defence_submitted_on": "2025-03-19"})
    assert again.status_code == 409 and "已登记提交答辩状" in again.json()["detail"]
    hearing = {"held_on": "2025-04-01", "head_appearance": HeadAppearance.NONE, "staff_appeared": True}
    refused = api(clerk, "post", step_url(slug, suit, "hearing"), hearing)
    assert refused.status_code == 400 and "负责人出庭应诉" in str(refused.json())
    assert (
        api(clerk, "post", step_url(slug, suit, "hearing"), {**hearing, "absence_reason": "duties"}).status_code == 200
    )
    early = api(clerk, "post", step_url(slug, suit, "close"), {"closed_on": "2025-03-01", "outcome": "won"})
    assert early.status_code == 400 and "结案日期不能早于立案日期" in str(early.json())
    response = api(clerk, "post", step_url(slug, suit, "close"), {"closed_on": "2025-06-01", "outcome": "won"})
    assert response.status_code == 200 and response.json()["status"] == "closed"
    late = api(clerk, "post", step_url(slug, suit, "close"), {"closed_on": "2025-06-02", "outcome": "withdrawn"})
    assert late.status_code == 409 and "已审结" in late.json()["detail"]
    late = api(
        clerk, "post", step_url(slug, suit, "hearing"), {**hearing, "held_on": "2025-06-02", "absence_reason": "duties"}
    )
    assert late.status_code == 409 and "已审结" in late.json()["detail"]
    assert suit.hearings.count() == 1 and changes(suit) == ["提交答辩状", "登记开庭", "结案"]


def test_a_defence_before_service_is_recorded_is_a_400(tree, clerk):
    suit = make_lawsuit(tree["town"])
    response = api(clerk, "post", step_url("lawsuits", suit, "defence"), {"defence_submitted_on": "2025-03-18"})
    assert response.status_code == 400 and "收到起诉状副本日期" in str(response.json())


def test_mediation_steps_through_the_api(tree, clerk):
    dispute = make_dispute(make_organisation(tree["town"]))
    slug = "mediated-disputes"
    early = api(clerk, "post", step_url(slug, dispute, "confirmation"), {"confirmation_requested_on": "2025-03-12"})
    assert early.status_code == 409 and "调解成功" in early.json()["detail"]
    no_form = api(clerk, "post", step_url(slug, dispute, "close"), {"closed_on": "2025-03-10", "status": "resolved"})
    assert no_form.status_code == 400 and "协议形式" in no_form.json()["agreement_form"][0]
    body = {"closed_on": "2025-03-10", "status": "resolved", "agreement_form": "written"}
    response = api(clerk, "post", step_url(slug, dispute, "close"), body)
    assert response.status_code == 200 and response.json()["status"] == "resolved"
    assert api(clerk, "post", step_url(slug, dispute, "close"), body).status_code == 409
    late = api(clerk, "post", step_url(slug, dispute, "confirmation"), {"confirmation_requested_on": "2025-04-10"})
    assert late.status_code == 400 and "申请司法确认期限30日" in str(late.json())
    response = api(clerk, "post", step_url(slug, dispute, "confirmation"), {"confirmation_requested_on": "2025-04-09"})
    assert response.status_code == 200 and response.json()["confirmation_requested_on"] == "2025-04-09"
    assert changes(dispute) == ["结案", "申请司法确认"]


def test_petition_steps_through_the_api(tree, clerk):
    petition = make_petition(tree["town"])
    slug = "petitions"
    response = api(clerk, "post", step_url(slug, petition, "accept"), {"accepted_on": "2025-03-05"})
    assert response.status_code == 200 and response.json()["due_on"] == "2025-05-06"
    refused = api(
        clerk, "post", step_url(slug, petition, "refuse"), {"accepted_on": "2025-03-06", "not_accepted_reason": "x"}
    )
    assert refused.status_code == 409 and "已受理" in refused.json()["detail"]
    response = api(clerk, "post", step_url(slug, petition, "extend"), {"extended_on": "2025-04-30", "days": 30})
    assert response.status_code == 200 and response.json()["due_on"] == "2025-06-03"
    response = api(clerk, "post", step_url(slug, petition, "conclude"), {"concluded_on": "2025-05-20"})
    assert response.status_code == 200 and response.json()["on_time"] is True
    assert api(clerk, "post", step_url(slug, petition, "conclude"), {"concluded_on": "2025-05-21"}).status_code == 409


# -- state fields are written by the steps only ------------------------------------------------------------
def closed_case(unit):
    case = make_case(unit, received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    rules.decide(case, "revoked", D(2025, 7, 1))
    return case


def closed_suit(unit):
    suit = make_lawsuit(unit, served_on=D(2025, 3, 5))
    rules.close_lawsuit(suit, "won", D(2025, 6, 1))
    return suit


def resolved_dispute(unit):
    dispute = make_dispute(make_organisation(unit))
    rules.close_mediation(dispute, "resolved", D(2025, 3, 10), "written")
    return dispute


def concluded_petition(unit):
    petition = make_petition(unit)
    rules.accept_petition(petition, D(2025, 3, 5))
    rules.conclude_petition(petition, D(2025, 4, 1))
    return petition


@pytest.mark.parametrize(
    "slug, make, body, model",
    [
        ("reconsideration-cases", closed_case, {"status": "accepted"}, ReconsiderationCase),
        ("reconsideration-cases", closed_case, {"closed_on": "2025-09-01"}, ReconsiderationCase),
        ("reconsideration-cases", closed_case, {"due_on": "2030-01-01"}, ReconsiderationCase),
        ("reconsideration-cases", closed_case, {"extension_days": 30}, ReconsiderationCase),
        ("lawsuits", closed_suit, {"outcome": "lost_revoked"}, Lawsuit),
        ("lawsuits", closed_suit, {"defence_submitted_on": "2025-03-10"}, Lawsuit),
        ("lawsuits", closed_suit, {"defence_due_on": "2025-04-30"}, Lawsuit),
        ("mediated-disputes", resolved_dispute, {"status": "in_progress"}, MediatedDispute),
        ("mediated-disputes", resolved_dispute, {"confirmation_requested_on": "2025-03-12"}, MediatedDispute),
        ("petitions", concluded_petition, {"status": "accepted"}, Petition),
        ("petitions", concluded_petition, {"on_time": False}, Petition),
    ],
)
def test_a_state_field_cannot_be_patched(tree, clerk, slug, make, body, model):
    row = make(tree["town"])
    before = model.all_objects.values().get(pk=row.pk)
    response = api(clerk, "patch", detail_url(slug, row), body)
    assert response.status_code == 400
    [field] = body
    assert "办理步骤" in response.json()[field][0] and f"/api/{slug}/{{id}}/" in response.json()[field][0]
    assert model.all_objects.values().get(pk=row.pk) == before


def test_the_lawsuit_form_leaves_the_defence_to_its_step(tree, clerk):
    suit = make_lawsuit(tree["town"], served_on=D(2025, 3, 5))
    rules.submit_defence(suit, D(2025, 3, 18))
    url = reverse("ledger:lawsuits-edit", args=[suit.pk])
    form = clerk.get(url).context["form"]
    assert "defence_submitted_on" not in form.fields and "status" not in form.fields and "served_on" in form.fields
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(served_on="2025-03-20")
    response = clerk.post(url, {k: v for k, v in data.items() if v is not None})
    assert response.status_code == 400
    assert "提交答辩状日期：提交答辩状日期不能早于收到起诉状副本日期" in response.content.decode()
    suit.refresh_from_db()
    assert suit.served_on == D(2025, 3, 5)


def test_editing_the_receipt_past_the_acceptance_is_a_form_error(tree, clerk):
    case = make_case(tree["town"], received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    url = reverse("ledger:reconsideration-cases-edit", args=[case.pk])
    form = clerk.get(url).context["form"]
    assert "accepted_on" not in form.fields and "due_on" not in form.fields
    data = {name: form.initial.get(name) for name in form.fields}
    data.update(received_on="2025-06-05", rights_informed="on", real_estate="")
    response = clerk.post(url, {k: v for k, v in data.items() if v not in (None, False)})
    assert response.status_code == 400
    assert "受理日期：受理日期不能早于收到申请日期" in response.content.decode()


def test_the_create_forms_still_create_rows(tree, clerk):
    response = clerk.post(
        reverse("ledger:reconsideration-cases-add"),
        {
            "unit": tree["town"].pk,
            "number": "WEB-1",
            "applicant_type": "person",
            "applicant_name": "张三",
            "respondent_name": "某局",
            "act_type": "penalty",
            "known_on": "2025-03-01",
            "received_on": "2025-03-03",
            "rights_informed": "on",
        },
    )
    assert response.status_code == 302
    assert ReconsiderationCase.objects.get(number="WEB-1").status == "received"
    organisation = make_organisation(tree["town"])
    response = clerk.post(
        reverse("ledger:mediated-disputes-add"),
        {
            "unit": tree["town"].pk,
            "number": "WEB-M",
            "organisation": organisation.pk,
            "dispute_type": "family",
            "parties": "甲、乙",
            "received_on": "2025-03-03",
        },
    )
    assert response.status_code == 302
    response = clerk.post(
        reverse("ledger:petitions-add"),
        {
            "unit": tree["town"].pk,
            "number": "WEB-P",
            "petitioner": "王某",
            "channel": "letter",
            "subject": "反映问题",
            "received_on": "2025-03-03",
        },
    )
    assert response.status_code == 302 and Petition.objects.get(number="WEB-P").registration_due_on == D(2025, 3, 18)


# -- refusals whatever the caller's object says ------------------------------------------------------------
@pytest.mark.parametrize(
    "make, call",
    [
        (lambda unit: make_case(unit), lambda row: rules.accept(row, D(2025, 6, 3))),
        (lambda unit: make_lawsuit(unit), lambda row: rules.close_lawsuit(row, "won", D(2025, 6, 1))),
        (
            lambda unit: make_dispute(make_organisation(unit)),
            lambda row: rules.close_mediation(row, "failed", D(2025, 3, 10)),
        ),
        (lambda unit: make_petition(unit), lambda row: rules.accept_petition(row, D(2025, 3, 5))),
    ],
)
def test_a_step_on_a_row_in_the_recycle_bin_is_refused(tree, users, make, call):
    row = make(tree["town"])
    row.soft_delete(users["clerk"], "录入错误")
    with pytest.raises(StateConflict, match="回收站"):
        call(row)
    assert type(row).all_objects.get(pk=row.pk).status == row._meta.get_field("status").default


def test_the_api_does_not_reach_a_deleted_row(tree, users, clerk):
    case = make_case(tree["town"])
    case.soft_delete(users["clerk"], "录入错误")
    response = api(
        clerk,
        "post",
        step_url("reconsideration-cases", case, "accept"),
        {"accepted_on": "2025-06-03", "procedure": "ordinary"},
    )
    assert response.status_code == 404
    assert ReconsiderationCase.all_objects.get(pk=case.pk).status == "received"


def test_a_step_on_a_stale_object_sees_the_stored_state(tree):
    case = make_case(tree["town"], received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    stale = ReconsiderationCase.objects.get(pk=case.pk)
    rules.suspend(case, "mediation", D(2025, 6, 10))
    with pytest.raises(StateConflict, match="本案已中止"):
        rules.suspend(stale, "missing", D(2025, 6, 11))
    assert ReconsiderationSuspension.objects.filter(case=case).count() == 1


def test_the_database_allows_one_open_suspension_per_case(tree):
    case = make_case(tree["town"], received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    rules.suspend(case, "mediation", D(2025, 6, 10))
    with pytest.raises(IntegrityError), transaction.atomic():
        ReconsiderationSuspension.objects.create(case=case, reason="missing", started_on=D(2025, 6, 11))
    rules.resume(case, D(2025, 6, 20))
    rules.suspend(case, "missing", D(2025, 6, 25))  # a closed one does not count
    assert case.suspensions.filter(ended_on__isnull=True).count() == 1


def test_the_web_step_names_the_refusal_after_someone_else_acted(tree, clerk):
    petition = make_petition(tree["town"])
    rules.accept_petition(petition, D(2025, 3, 5))  # someone else, while the clerk's page still offers 不予受理
    response = clerk.post(
        reverse("ledger:petitions-action", args=[petition.pk, "refuse"]),
        {"accepted_on": "2025-03-06", "not_accepted_reason": "不属于信访事项"},
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["不予受理未执行：当前状态为“已受理”，不能决定不予受理"]


# -- the layering: models never import the steps ----------------------------------------------------------
def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            found.add("." * node.level + (node.module or ""))
            found.update("." * node.level + alias.name for alias in node.names if node.module is None)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def test_models_do_not_import_the_steps_and_deadlines_do_not_import_models():
    assert not {m for m in imported_modules(APP / "models.py") if "rules" in m or "actions" in m}
    deadlines = imported_modules(APP / "deadlines.py")
    assert all(m.startswith("fazhi.law") or m in (".choices", "__future__", "datetime") for m in deadlines), deadlines


# -- invariants --------------------------------------------------------------------------------------------
def dispute_codes():
    return sorted(code for code in load() if code.startswith("disputes."))


@pytest.fixture
def stepped(tree):
    """A row of every kind, every one written through the steps."""
    town, rows = tree["town"], {}
    case = make_case(town, "FY-CLOSED", received=D(2025, 6, 3))
    rules.request_correction(case, D(2025, 6, 4))
    rules.receive_correction(case, D(2025, 6, 6))
    rules.accept(case, D(2025, 6, 9))
    rules.send_copy(case, D(2025, 6, 10))
    rules.receive_answer(case, D(2025, 6, 16))
    rules.suspend(case, "mediation", D(2025, 6, 20))
    rules.resume(case, D(2025, 6, 30))
    rules.extend(case, 20, D(2025, 7, 1), "需要鉴定")
    rules.add_hearing(case, D(2025, 7, 2), D(2025, 7, 10), True, "副局长 李某")
    rules.decide(case, "revoked", D(2025, 8, 1))
    rows["closed"] = case
    simple = make_case(town, "FY-SIMPLE", received=D(2025, 6, 3), act_type=ActType.DISCLOSURE)
    rules.accept(simple, D(2025, 6, 4), Procedure.SIMPLIFIED, SimplifiedGround.DISCLOSURE)
    rules.send_copy(simple, D(2025, 6, 5))
    rows["simple"] = simple
    converted = make_case(town, "FY-CONVERTED", received=D(2025, 6, 3), act_type=ActType.DISCLOSURE)
    rules.accept(converted, D(2025, 6, 4), Procedure.SIMPLIFIED, SimplifiedGround.DISCLOSURE)
    rules.send_copy(converted, D(2025, 6, 5))
    rules.convert_to_ordinary(converted, D(2025, 6, 20))
    rows["suspended"] = make_case(town, "FY-SUSPENDED", received=D(2025, 6, 3))
    rules.accept(rows["suspended"], D(2025, 6, 12))  # deemed accepted
    rules.suspend(rows["suspended"], "missing", D(2025, 6, 20))
    terminated = make_case(town, "FY-TERMINATED", received=D(2025, 6, 3))
    rules.accept(terminated, D(2025, 6, 3))
    rules.suspend(terminated, "death", D(2025, 6, 10))
    rules.decide(terminated, "terminated", D(2025, 8, 20))
    rules.refuse_acceptance(make_case(town, "FY-REFUSED", received=D(2025, 6, 3)), D(2025, 6, 5), "不属于受案范围")
    make_case(town, "FY-NEW", received=D(2025, 6, 3))

    first = make_lawsuit(town, "L1", served_on=D(2025, 3, 5))
    rules.submit_defence(first, D(2025, 3, 18))
    rules.record_court_hearing(first, D(2025, 4, 1), HeadAppearance.HEAD, "局长 王某", staff_appeared=True)
    rules.record_court_hearing(first, D(2025, 4, 20), HeadAppearance.NONE, absence_reason="duties")
    rules.close_lawsuit(first, "won", D(2025, 6, 1))
    rows["first"] = first
    rows["second"] = make_lawsuit(
        town, "L2", filed=D(2025, 7, 1), trial_level=Instance.SECOND, previous_instance=first, served_on=D(2025, 7, 3)
    )
    make_lawsuit(town, "L3")

    organisation = make_organisation(town)
    rows["mediator"] = Mediator.objects.create(
        unit=town, organisation=organisation, name="张某", started_on=D(2020, 1, 1)
    )
    rows["resolved"] = make_dispute(organisation, "M1")
    rules.close_mediation(rows["resolved"], "resolved", D(2025, 3, 10), "written")
    rules.request_confirmation(rows["resolved"], D(2025, 4, 1))
    rules.close_mediation(make_dispute(organisation, "M2"), "failed", D(2025, 3, 10), "oral")
    make_dispute(organisation, "M3")

    rows["extended"] = make_petition(town, "P1")
    rules.accept_petition(rows["extended"], D(2025, 3, 5))
    rules.extend_petition(rows["extended"], 30, D(2025, 4, 30))
    rules.conclude_petition(rows["extended"], D(2025, 5, 20))
    rules.refuse_petition(make_petition(town, "P2"), D(2025, 3, 6), "已通过诉讼途径解决")
    rules.accept_petition(make_petition(town, "P3"), D(2025, 3, 5))
    make_petition(town, "P4")
    return rows


def test_rows_written_through_the_steps_pass_every_invariant(stepped):
    assert [str(v) for v in violations(dispute_codes())] == []


def later(day, days=1):
    return day + dt.timedelta(days=days)


def break_suspension(rows):
    suspension = rows["closed"].suspensions.get()
    ReconsiderationSuspension.objects.filter(pk=suspension.pk).update(ended_on=None)
    return rows["closed"]


def break_hearing(rows):
    ReconsiderationHearing.objects.filter(case=rows["closed"]).update(attendee="")
    return rows["closed"]


def break_court_hearing(rows):
    CourtHearing.objects.filter(lawsuit=rows["first"], head_appearance=HeadAppearance.NONE).update(absence_reason="")
    return rows["first"]


def update(name, **fields):
    def breaking(rows):
        row = rows[name]
        type(row).all_objects.filter(pk=row.pk).update(**fields)
        return row

    return breaking


BREAKS = [
    ("reconsideration_status_matches_steps", update("closed", status="accepted")),
    ("reconsideration_status_matches_steps", update("simple", procedure="")),
    ("reconsideration_dates_in_order", update("closed", copy_sent_on=D(2025, 6, 8))),
    ("reconsideration_dates_in_order", update("simple", answer_received_on=D(2025, 6, 4))),  # the copy went out 6-5
    ("reconsideration_derived_values", update("closed", due_on=D(2025, 9, 30))),
    ("reconsideration_derived_values", update("suspended", suspended=False)),
    ("reconsideration_derived_values", update("suspended", deemed_accepted=False)),
    ("reconsideration_derived_values", update("simple", answer_due_on=D(2025, 6, 20))),
    ("reconsideration_derived_values", update("closed", on_time=False)),
    ("reconsideration_suspensions_consistent", break_suspension),
    (
        "reconsideration_procedure_and_extension",
        update("simple", extension_days=10, extended_on=D(2025, 6, 20), extension_reason="复杂"),
    ),
    ("reconsideration_procedure_and_extension", update("closed", extension_days=40)),
    ("reconsideration_procedure_and_extension", update("closed", extended_on=None)),
    ("reconsideration_hearings_recorded", break_hearing),
    ("lawsuit_status_matches_steps", update("first", status="pending")),
    ("lawsuit_status_matches_steps", update("second", defence_submitted_on=D(2025, 7, 2))),
    ("lawsuit_defence_due_follows_service", update("first", defence_due_on=D(2025, 3, 31))),
    ("lawsuit_instances_linked", update("second", previous_instance=None)),
    ("lawsuit_hearings_recorded", break_court_hearing),
    ("mediation_status_matches_steps", update("resolved", agreement_form="")),
    ("mediation_confirmation_in_time", update("resolved", confirmation_requested_on=D(2025, 4, 10))),
    ("mediation_unit_matches_organisation", lambda rows: update("resolved", unit=rows["first"].unit.parent)(rows)),
    ("mediator_unit_matches_organisation", lambda rows: update("mediator", unit=rows["first"].unit.parent)(rows)),
    ("petition_status_matches_steps", update("extended", status="accepted")),
    ("petition_derived_values", update("extended", on_time=False)),
    ("petition_derived_values", update("extended", due_on=D(2025, 5, 6))),
    ("petition_extension_within_limit", update("extended", extended_on=None)),
    ("petition_extension_within_limit", update("extended", extension_days=31)),
]


@pytest.mark.parametrize("name, breaking", BREAKS, ids=[f"{name}-{i}" for i, (name, _) in enumerate(BREAKS)])
def test_a_row_broken_on_purpose_is_found(stepped, name, breaking):
    row = breaking(stepped)
    found = list(violations([f"disputes.{name}"]))
    assert [v.pk for v in found] == [row.pk], [str(v) for v in found]


def test_every_invariant_has_a_test_that_breaks_it():
    assert {f"disputes.{name}" for name, _ in BREAKS} == set(dispute_codes())
