"""行政执法 workflow steps: one write path (locked steps, API step routes, read-only state) and the invariants that
`fazhi check` runs over the stored rows, each broken on purpose."""

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from fazhi.core.invariants import violations
from fazhi.core.steps import StateConflict
from fazhi.enforcement import models as enforcement_models
from fazhi.enforcement import rules
from fazhi.enforcement.choices import CaseStatus, FileGrade, MatterType, Outcome, ReviewResult
from fazhi.enforcement.deadlines import derive_case, handling_due, publicity_due
from fazhi.enforcement.models import Case, Certificate, DiscretionStandard, LegalReview, Training
from fazhi.law.errors import RuleViolation

from .test_enforcement_rules import make_body, make_matter, make_officer, open_case

D = dt.date


@pytest.fixture
def setup(tree):
    body = make_body(tree["dept2"])
    officers = [make_officer(body, n) for n in (1, 2, 3)]
    reviewer = make_officer(body, 9, reviewer=True)
    return {"body": body, "officers": officers, "reviewer": reviewer, "matter": make_matter(body)}


@pytest.fixture
def api(users, login):
    return login(users["office"])


def post(client, path, **data):
    return client.post(path, data, content_type="application/json")


def decision(decided_on, **extra):
    """A 作出决定 body: a fine (yuan and fen) above the 一般 grade (1000—5000), with the reason 裁量基准 asks for."""
    return {
        "decided_on": decided_on,
        "outcome": "penalty",
        "fine_amount": "6000.50",
        "discretion_grade": "ordinary",
        "deviation_reason": "多次违法，从重处罚",
        **extra,
    }


def graded_matter(body, code, **extra):
    matter = make_matter(body, code, fine_min=Decimal("1000"), fine_max=Decimal("10000"), **extra)
    rules.add_standard(matter, "ordinary", "一般情形", Decimal("1000"), Decimal("5000"))
    return matter


def codes(*names):
    return [f"enforcement.{name}" for name in names]


def found(name):
    return {v.pk for v in violations([f"enforcement.{name}"])}


def stepped_case(setup, number="AJ-OK", major=False):
    """A case taken through every step: 法制审核 (重大), 延期, 决定, 公示, 结案, 评查."""
    matter = graded_matter(setup["body"], f"M-{number}", is_major=major)
    case = open_case(matter, setup["officers"][:2], number=number)
    rules.add_record(
        case,
        kind="document",
        title="立案审批表",
        recorded_on=D(2025, 3, 3),
        sha256="ab" * 32,
        officer=setup["officers"][0],
    )
    if major:
        rules.legal_review(case, reviewer=setup["reviewer"], reviewed_on=D(2025, 3, 20), result=ReviewResult.PASSED)
    rules.extend(case, on=D(2025, 3, 25), reason="案情复杂")
    rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("3000"), grade="ordinary")
    rules.publish(case, on=D(2025, 4, 3))
    rules.close(case, on=D(2025, 4, 10))
    rules.review_file(case, reviewed_on=D(2025, 5, 1), reviewer="评查组", score=90, grade=FileGrade.EXCELLENT)
    return case


# -- one write path ---------------------------------------------------------------------------------------------
def test_models_do_not_import_the_rules():
    source = Path(enforcement_models.__file__).read_text(encoding="utf-8")
    assert not re.search(r"rules", source)


def test_the_whole_case_through_the_api_step_routes(setup, api):
    major = graded_matter(setup["body"], "M-API", is_major=True)
    case = open_case(major, setup["officers"][:2])

    def case_step(name):
        return reverse(f"api:cases-{name}", args=[case.pk])

    response = post(
        api,
        case_step("record"),
        kind="video",
        title="现场执法视频",
        recorded_on="2025-03-03",
        sha256="cd" * 32,
        officer=setup["officers"][0].pk,
        reference="video/a.mp4",
    )
    assert response.status_code == 200, response.content
    assert case.records.get().officer == setup["officers"][0]

    refused = post(api, case_step("decide"), **decision("2025-04-01"))
    assert refused.status_code == 400 and "重大执法决定未经法制审核" in refused.content.decode()

    response = post(
        api,
        case_step("legal-review"),
        reviewer=setup["reviewer"].pk,
        reviewed_on="2025-03-20",
        result="passed",
        opinion="事实清楚，证据确凿",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["legal_review_passed_on"] == "2025-03-20"

    response = post(api, case_step("extend"), extended_on="2025-04-20", extension_reason="需检验检测")
    assert response.status_code == 200 and response.json()["extended_on"] == "2025-04-20"
    assert response.json()["due_on"] == str(handling_due(MatterType.PENALTY, D(2025, 3, 3), D(2025, 4, 20)))

    response = post(api, case_step("decide"), **decision("2025-04-25"))
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == CaseStatus.DECIDED and body["decided_on"] == "2025-04-25" and body["decided_late"] is False
    assert body["fine_amount"] == "6000.50" and body["deviation_reason"] == "多次违法，从重处罚"
    assert body["publicity_due_on"] == str(publicity_due(MatterType.PENALTY, D(2025, 4, 25)))

    response = post(api, case_step("publish"), published_on="2025-04-28")
    assert response.status_code == 200 and response.json()["published_on_time"] is True
    response = post(api, case_step("close"), closed_on="2025-05-10")
    assert response.status_code == 200 and response.json()["status"] == CaseStatus.CLOSED
    response = post(
        api, case_step("file-review"), reviewed_on="2025-06-01", reviewer="评查组", score="88", grade="pass"
    )
    assert response.status_code == 200 and case.file_reviews.get().score == 88
    history = [h.history_change_reason for h in Case.history.filter(id=case.pk).order_by("history_id")]
    assert history[-6:] == [
        "法制审核：审核通过",
        "延长办案期限：需检验检测",
        "作出决定：给予行政处罚",
        "公示执法决定",
        "结案",
        "案卷评查",
    ]


def test_certificate_officer_and_matter_step_routes(setup, api):
    certificate = setup["officers"][2].certificates.get()
    response = post(
        api,
        reverse("api:certificates-revoke", args=[certificate.pk]),
        revoked_on="2025-06-01",
        revocation_reason="调离执法岗位",
    )
    assert response.status_code == 200 and response.json()["revoked_on"] == "2025-06-01"
    again = post(
        api,
        reverse("api:certificates-revoke", args=[certificate.pk]),
        revoked_on="2025-06-02",
        revocation_reason="再次",
    )
    assert again.status_code == 409 and "已注销" in again.json()["detail"]

    officer = setup["officers"][0]
    response = post(
        api,
        reverse("api:officers-training", args=[officer.pk]),
        title="执法资格培训",
        held_on="2025-03-01",
        hours="16",
        exam_score="86",
        passed=True,
    )
    assert response.status_code == 200, response.content
    assert Training.objects.get(officer=officer).passed is True

    matter = setup["matter"]
    data = {"grade": "ordinary", "circumstances": "一般情形", "fine_min": "100", "fine_max": "500"}
    assert post(api, reverse("api:enforcement-matters-standard", args=[matter.pk]), **data).status_code == 200
    assert DiscretionStandard.objects.get(matter=matter).fine_max == 500
    assert post(api, reverse("api:enforcement-matters-standard", args=[matter.pk]), **data).status_code == 409


@pytest.mark.parametrize(
    "field, value",
    [
        ("status", "decided"),
        ("decided_on", "2025-04-01"),
        ("legal_review_passed_on", "2025-03-20"),
        ("due_on", "2030-01-01"),
        ("published_on", "2025-04-02"),
        ("fine_amount", "100.00"),
    ],
)
def test_a_patch_of_a_state_field_is_refused_and_changes_nothing(setup, api, field, value):
    case = open_case(setup["matter"], setup["officers"][:2])
    before = Case.objects.filter(pk=case.pk).values().get()
    response = api.patch(reverse("api:cases-detail", args=[case.pk]), {field: value}, content_type="application/json")
    assert response.status_code == 400 and field in response.json()
    assert "POST /api/cases/{id}/decide/" in response.content.decode()
    assert Case.objects.filter(pk=case.pk).values().get() == before


def test_a_patch_of_a_certificate_s_revocation_is_refused(setup, api):
    certificate = setup["officers"][0].certificates.get()
    response = api.patch(
        reverse("api:certificates-detail", args=[certificate.pk]),
        {"revoked_on": "2025-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 400 and "revoked_on" in response.json()
    certificate.refresh_from_db()
    assert certificate.revoked_on is None


def test_steps_in_the_wrong_state_are_409(setup, api):
    case = open_case(graded_matter(setup["body"], "M-409"), setup["officers"][:2])

    def case_step(name):
        return reverse(f"api:cases-{name}", args=[case.pk])

    assert post(api, case_step("publish"), published_on="2025-04-02").status_code == 409
    assert post(api, case_step("close"), closed_on="2025-04-02").status_code == 409
    assert post(api, case_step("extend"), extended_on="2025-04-01", extension_reason="复杂").status_code == 200
    again = post(api, case_step("extend"), extended_on="2025-04-02", extension_reason="再延")
    assert again.status_code == 409 and "不能再次延长" in again.json()["detail"]
    assert post(api, case_step("decide"), decided_on="2025-04-01", outcome="no_penalty").status_code == 200
    twice = post(api, case_step("decide"), decided_on="2025-04-02", outcome="no_penalty")
    assert twice.status_code == 409 and "不能作出决定" in twice.json()["detail"]
    review = post(
        api, case_step("legal-review"), reviewer=setup["reviewer"].pk, reviewed_on="2025-04-02", result="passed"
    )
    assert review.status_code == 409
    assert (
        post(
            api, case_step("file-review"), reviewed_on="2025-05-01", reviewer="组", score="80", grade="pass"
        ).status_code
        == 409
    )
    assert post(api, case_step("publish"), published_on="2025-04-02").status_code == 200
    assert post(api, case_step("publish"), published_on="2025-04-03").status_code == 409


def test_a_step_hidden_on_the_page_is_refused_by_the_step_itself(setup, users, login):
    inspection = open_case(
        make_matter(setup["body"], "M-CHK", matter_type=MatterType.INSPECTION), setup["officers"][:2]
    )
    client = login(users["office"])
    page = client.post(
        reverse("ledger:cases-action", args=[inspection.pk, "extend"]),
        {"extended_on": "2025-03-05", "extension_reason": "复杂"},
        follow=True,
    ).content.decode()
    assert "do/extend/" not in page and "没有法定办案期限" in page
    assert Case.objects.get(pk=inspection.pk).extended_on is None


def test_a_step_on_a_deleted_row_is_refused(setup, users, api):
    case = open_case(setup["matter"], setup["officers"][:2])
    stale = Case.objects.get(pk=case.pk)
    case.soft_delete(users["office"], "重复登记")
    with pytest.raises(StateConflict, match="回收站"):
        rules.decide(stale, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    assert Case.all_objects.get(pk=case.pk).status == CaseStatus.OPEN
    assert (
        post(
            api, reverse("api:cases-decide", args=[case.pk]), decided_on="2025-04-01", outcome="no_penalty"
        ).status_code
        == 404
    )
    certificate = setup["officers"][0].certificates.get()
    certificate.soft_delete(users["office"], "录入错误")
    with pytest.raises(StateConflict, match="回收站"):
        rules.revoke_certificate(certificate, D(2025, 4, 1), "调离")


def test_a_stale_copy_is_decided_against_the_stored_state(setup):
    """Two people with the same page: the second decision meets the first one's state, not its own copy's."""
    case = open_case(setup["matter"], setup["officers"][:2])
    first, second = Case.objects.get(pk=case.pk), Case.objects.get(pk=case.pk)
    rules.decide(first, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    with pytest.raises(StateConflict, match="已作出决定"):
        rules.decide(second, on=D(2025, 4, 2), outcome=Outcome.PENALTY, fine_amount=Decimal("100"))
    assert second.status == CaseStatus.OPEN  # a refused step leaves the caller's copy alone


def test_a_matter_made_major_after_opening_needs_the_legal_review(setup):
    case = open_case(setup["matter"], setup["officers"][:2])
    assert not case.is_major
    setup["matter"].is_major = True
    setup["matter"].save()
    with pytest.raises(RuleViolation, match="法制审核"):
        rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    assert Case.objects.get(pk=case.pk).status == CaseStatus.OPEN


def test_a_reviewer_cannot_be_put_on_the_case_afterwards(setup, users, login):
    case = open_case(setup["matter"], setup["officers"][:2])
    rules.legal_review(case, reviewer=setup["reviewer"], reviewed_on=D(2025, 3, 20), result=ReviewResult.PASSED)
    response = login(users["office"]).patch(
        reverse("api:cases-detail", args=[case.pk]),
        {"officers": [setup["officers"][0].pk, setup["reviewer"].pk]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "不得为本案执法人员" in response.content.decode()


def test_the_derived_values_are_one_pure_function(setup):
    case = Case(opened_on=D(2025, 3, 3), decided_on=D(2025, 7, 1), published_on=D(2025, 7, 2))
    derive_case(case, MatterType.PENALTY, matter_is_major=True)
    assert case.is_major and case.due_on == handling_due(MatterType.PENALTY, D(2025, 3, 3))
    assert case.decided_late is True and case.published_on_time is True
    derive_case(case, MatterType.INSPECTION, matter_is_major=False)
    assert case.due_on is None and case.decided_late is False
    assert case.publicity_due_on == publicity_due(MatterType.INSPECTION, D(2025, 7, 1))


# -- invariants -------------------------------------------------------------------------------------------------
ALL = codes(
    "case_status_matches_dates",
    "case_dates_in_order",
    "major_decided_after_legal_review",
    "legal_review_on_record",
    "handled_by_certified_officers",
    "handling_due_follows_the_law",
    "decided_late_matches_dates",
    "publicity_due_follows_the_law",
    "published_on_time_matches_dates",
    "decision_terms_follow_the_rules",
    "file_reviews_after_closing",
    "certificate_dates_and_revocation",
)


def test_every_invariant_is_registered_and_tested():
    from fazhi.core.invariants import load

    assert sorted(code for code in load() if code.startswith("enforcement.")) == sorted(ALL)


def test_stepped_rows_pass_every_invariant(setup):
    stepped_case(setup, "AJ-PLAIN")
    stepped_case(setup, "AJ-MAJOR", major=True)
    open_case(setup["matter"], setup["officers"][:2], number="AJ-OPEN")
    rules.revoke_certificate(setup["officers"][2].certificates.get(), D(2025, 6, 1), "调离")
    assert list(violations(ALL)) == []
    call_command("check", "--invariant", ALL[0], "--invariant", ALL[2])  # exits 0


def test_a_major_decision_without_legal_review_is_found(setup):
    case = stepped_case(setup, "AJ-M", major=True)
    assert not found("major_decided_after_legal_review")
    Case.all_objects.filter(pk=case.pk).update(legal_review_passed_on=None)
    assert found("major_decided_after_legal_review") == {case.pk}
    Case.all_objects.filter(pk=case.pk).update(legal_review_passed_on=D(2025, 4, 2))  # after the decision
    hits = list(violations(codes("major_decided_after_legal_review")))
    assert [v.pk for v in hits] == [case.pk] and "法制审核通过2025-04-02" in hits[0].detail
    with pytest.raises(CommandError, match="发现违规记录"):
        call_command("check", "--invariant", "enforcement.major_decided_after_legal_review")


def test_a_legal_review_date_without_its_record_is_found(setup):
    case = stepped_case(setup, "AJ-R", major=True)
    LegalReview.objects.filter(case=case).update(result=ReviewResult.RETURNED)
    assert found("legal_review_on_record") == {case.pk}
    LegalReview.objects.filter(case=case).update(result=ReviewResult.PASSED)
    assert not found("legal_review_on_record")
    case.officers.add(setup["reviewer"])  # by a road that skips the form's check
    assert found("legal_review_on_record") == {case.pk}


@pytest.mark.parametrize(
    "change",
    [
        {"status": CaseStatus.OPEN},
        {"status": CaseStatus.DECIDED},
        {"closed_on": None},
        {"outcome": ""},
    ],
)
def test_a_status_that_disagrees_with_the_dates_is_found(setup, change):
    case = stepped_case(setup)
    Case.all_objects.filter(pk=case.pk).update(**change)
    assert found("case_status_matches_dates") == {case.pk}


@pytest.mark.parametrize(
    "change",
    [
        {"decided_on": D(2025, 3, 1)},
        {"published_on": D(2025, 3, 31)},
        {"closed_on": D(2025, 3, 31)},
        {"extended_on": D(2025, 3, 1)},
    ],
)
def test_dates_out_of_order_are_found(setup, change):
    case = stepped_case(setup)
    Case.all_objects.filter(pk=case.pk).update(**change)
    assert case.pk in found("case_dates_in_order")


def test_a_case_handled_by_too_few_certified_officers_is_found(setup):
    case = stepped_case(setup)
    Certificate.all_objects.filter(officer=setup["officers"][1]).update(
        revoked_on=D(2025, 3, 20)
    )  # before the decision
    hits = list(violations(codes("handled_by_certified_officers")))
    assert [v.pk for v in hits] == [case.pk] and "决定日2025-04-01" in hits[0].detail
    Certificate.all_objects.filter(officer=setup["officers"][1]).update(revoked_on=None, issued_on=D(2025, 3, 4))
    hits = list(violations(codes("handled_by_certified_officers")))
    assert [v.pk for v in hits] == [case.pk] and "立案日2025-03-03" in hits[0].detail


def test_a_wrong_handling_limit_is_found(setup):
    case = stepped_case(setup)
    Case.all_objects.filter(pk=case.pk).update(due_on=handling_due(MatterType.PENALTY, D(2025, 3, 3)))  # not extended
    assert found("handling_due_follows_the_law") == {case.pk}


@pytest.mark.parametrize("change", [{"decided_late": True}, {"decided_late": None}])
def test_a_wrong_lateness_flag_is_found(setup, change):
    case = stepped_case(setup)
    Case.all_objects.filter(pk=case.pk).update(**change)
    assert found("decided_late_matches_dates") == {case.pk}


def test_a_wrong_publicity_limit_is_found(setup):
    case = stepped_case(setup)
    Case.all_objects.filter(pk=case.pk).update(publicity_due_on=D(2025, 4, 2))
    assert found("publicity_due_follows_the_law") == {case.pk}
    open_one = open_case(setup["matter"], setup["officers"][:2], number="AJ-O")
    Case.all_objects.filter(pk=open_one.pk).update(publicity_due_on=D(2025, 4, 2))
    assert open_one.pk in found("publicity_due_follows_the_law")


@pytest.mark.parametrize(
    "change", [{"published_on_time": False}, {"published_on": D(2025, 6, 1)}, {"published_on": None}]
)
def test_a_wrong_publicity_flag_is_found(setup, change):
    case = stepped_case(setup)
    Case.all_objects.filter(pk=case.pk).update(**change)
    assert found("published_on_time_matches_dates") == {case.pk}


@pytest.mark.parametrize(
    "change",
    [
        {"extension_reason": ""},
        {"outcome": Outcome.NO_PENALTY, "fine_amount": Decimal("100")},
        {"fine_amount": Decimal("8000")},  # outside the 一般 grade (1000—5000) with no reason given
    ],
)
def test_decision_terms_against_the_rules_are_found(setup, change):
    case = stepped_case(setup)
    Case.all_objects.filter(pk=case.pk).update(**change)
    assert found("decision_terms_follow_the_rules") == {case.pk}
    Case.all_objects.filter(pk=case.pk).update(deviation_reason="从重处罚")
    if "fine_amount" in change and "outcome" not in change:
        assert not found("decision_terms_follow_the_rules")


def test_a_file_review_before_closing_is_found(setup):
    case = stepped_case(setup)
    case.file_reviews.update(reviewed_on=D(2025, 4, 9))
    assert found("file_reviews_after_closing") == {case.pk}


@pytest.mark.parametrize(
    "change",
    [
        {"revocation_reason": ""},
        {"revoked_on": D(2019, 1, 1)},
        {"revoked_on": None},
        {"expires_on": D(2020, 1, 1)},
    ],
)
def test_certificate_dates_and_revocation_are_checked(setup, change):
    certificate = setup["officers"][0].certificates.get()
    rules.revoke_certificate(certificate, D(2025, 6, 1), "调离")
    assert not found("certificate_dates_and_revocation")
    Certificate.all_objects.filter(pk=certificate.pk).update(**change)
    assert found("certificate_dates_and_revocation") == {certificate.pk}
