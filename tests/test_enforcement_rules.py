"""行政执法 rules: certificates, the two-certified-officers rule, 法制审核, 裁量基准, limits and 公示."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fazhi.enforcement import rules
from fazhi.enforcement.choices import CaseStatus, FileGrade, MatterType, Outcome, PartyType, RecordKind, ReviewResult
from fazhi.enforcement.models import Case, Certificate, EnforcementBody, Matter, Officer
from fazhi.law.calendar import default_calendar
from fazhi.law.errors import RuleViolation
from fazhi.law.params import param

from .factories import valid_id, valid_uscc

D = dt.date
HASH = "ab" * 32


def make_body(unit, code="B1"):
    return EnforcementBody.objects.create(
        unit=unit, code=code, name=f"执法主体{code}", legal_basis="《行政处罚法》第十七条"
    )


def make_officer(body, n, issued=D(2020, 1, 1), expires=D(2030, 12, 31), reviewer=False, certificate=True):
    officer = Officer.objects.create(
        unit=body.unit,
        body=body,
        name=f"执法员{n}",
        id_number=valid_id(n),
        law_category="市场监管",
        is_legal_reviewer=reviewer,
    )
    if certificate:
        Certificate.objects.create(
            unit=body.unit, officer=officer, number=f"ZF{n:06d}", issued_on=issued, expires_on=expires
        )
    return officer


def make_matter(body, code="M1", matter_type=MatterType.PENALTY, **extra):
    return Matter.objects.create(
        unit=body.unit,
        body=body,
        code=code,
        name=f"事项{code}",
        matter_type=matter_type,
        legal_basis="《食品安全法》第一百二十二条",
        **extra,
    )


def open_case(matter, officers, number="AJ-1", opened_on=D(2025, 3, 3), **extra):
    fields = {
        "party_type": PartyType.ENTITY,
        "party_name": "云测恒达商贸有限公司",
        "party_id_number": valid_uscc(7),
        **extra,
    }
    return rules.open_case(
        unit=matter.unit, number=number, matter=matter, officers=officers, opened_on=opened_on, **fields
    )


@pytest.fixture
def setup(tree):
    body = make_body(tree["dept2"])
    officers = [make_officer(body, n) for n in (1, 2, 3)]
    reviewer = make_officer(body, 9, reviewer=True)
    return {"body": body, "officers": officers, "reviewer": reviewer, "matter": make_matter(body)}


# -- officers and certificates ---------------------------------------------------------------------------------
def test_officer_id_number_check_digit_is_checked(setup):
    good = valid_id(42)
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    officer = Officer(unit=setup["body"].unit, body=setup["body"], name="错号", id_number=bad, law_category="市场监管")
    with pytest.raises(ValidationError, match="校验位"):
        officer.full_clean()
    officer.id_number = good
    officer.full_clean()


def test_certificate_is_valid_from_issue_to_expiry_until_revoked(setup):
    officer = make_officer(setup["body"], 20, issued=D(2024, 1, 1), expires=D(2025, 12, 31))
    cert = officer.certificates.get()
    assert rules.certified_officer_ids([officer.pk], D(2023, 12, 31)) == set()
    assert rules.certified_officer_ids([officer.pk], D(2024, 1, 1)) == {officer.pk}
    assert rules.certified_officer_ids([officer.pk], D(2026, 1, 1)) == set()
    rules.revoke_certificate(cert, D(2025, 6, 1), "调离执法岗位")
    assert rules.certified_officer_ids([officer.pk], D(2025, 5, 31)) == {officer.pk}
    assert rules.certified_officer_ids([officer.pk], D(2025, 6, 1)) == set()
    assert officer.certificate_on(D(2025, 5, 31)) == cert and officer.certificate_on(D(2025, 6, 2)) is None


def test_revoking_needs_a_reason_and_happens_once(setup):
    cert = setup["officers"][0].certificates.get()
    with pytest.raises(ValidationError, match="注销原因"):
        rules.revoke_certificate(cert, D(2025, 1, 1), "  ")
    with pytest.raises(ValidationError, match="早于发证日期"):
        rules.revoke_certificate(cert, D(2019, 1, 1), "调离")
    rules.revoke_certificate(cert, D(2025, 1, 1), "调离")
    with pytest.raises(ValidationError, match="已注销"):
        rules.revoke_certificate(cert, D(2025, 2, 1), "再次")


def test_certificate_expiry_must_follow_issue(setup):
    cert = Certificate(
        unit=setup["body"].unit,
        officer=setup["officers"][0],
        number="X1",
        issued_on=D(2025, 1, 1),
        expires_on=D(2025, 1, 1),
    )
    with pytest.raises(ValidationError, match="有效期至"):
        cert.full_clean()


def test_training_with_a_score_needs_the_result(setup):
    officer = setup["officers"][0]
    with pytest.raises(ValidationError, match="是否合格"):
        rules.add_training(officer, "执法资格培训", D(2025, 3, 1), 16, exam_score=Decimal("86"))
    rules.add_training(officer, "执法资格培训", D(2025, 3, 1), 16, exam_score=Decimal("86"), passed=True)
    assert officer.trainings.get().passed is True


# -- opening a case ------------------------------------------------------------------------------------------------
def test_case_needs_two_officers_with_valid_certificates(setup):
    certified, _, _ = setup["officers"]
    uncertified = make_officer(setup["body"], 30, certificate=False)
    assert param("penalty.min_officers", D(2025, 3, 3)).value == 2
    with pytest.raises(RuleViolation, match="第四十二条") as refusal:
        open_case(setup["matter"], [certified, uncertified])
    assert refusal.value.code == "enforcement.two_certified_officers"
    assert "执法员30" in str(refusal.value)
    with pytest.raises(RuleViolation):
        open_case(setup["matter"], [certified])
    assert not Case.objects.exists()
    case = open_case(setup["matter"], setup["officers"][:2])
    assert set(case.officers.all()) == set(setup["officers"][:2])


def test_an_expired_certificate_counts_only_before_expiry(setup):
    expiring = make_officer(setup["body"], 31, expires=D(2025, 3, 31))
    other = setup["officers"][0]
    open_case(setup["matter"], [expiring, other], number="AJ-EARLY", opened_on=D(2025, 3, 31))
    with pytest.raises(RuleViolation, match="执法员31当日无有效执法证件"):
        open_case(setup["matter"], [expiring, other], number="AJ-LATE", opened_on=D(2025, 4, 1))


def test_officers_of_another_unit_cannot_handle_the_case(setup, tree):
    stranger = make_officer(make_body(tree["county"], "B2"), 40)
    with pytest.raises(ValidationError, match="不属于本单位"):
        open_case(setup["matter"], [setup["officers"][0], stranger])


@pytest.mark.parametrize(
    "party_type, number, message",
    [
        (
            PartyType.ENTITY,
            valid_uscc(7)[:-1] + "0" if valid_uscc(7)[-1] != "0" else valid_uscc(7)[:-1] + "1",
            "统一社会信用代码",
        ),
        (PartyType.PERSON, valid_uscc(7), "居民身份证号码"),
    ],
)
def test_party_identifier_is_checked(setup, party_type, number, message):
    with pytest.raises(ValidationError, match=message):
        open_case(setup["matter"], setup["officers"][:2], party_type=party_type, party_id_number=number)


def test_case_form_refuses_a_single_certified_officer(setup, users, login):
    client = login(users["office"])
    data = {
        "unit": setup["matter"].unit_id,
        "number": "AJ-FORM",
        "matter": setup["matter"].pk,
        "party_type": PartyType.ENTITY,
        "party_name": "当事人",
        "party_id_number": valid_uscc(3),
        "officers": [setup["officers"][0].pk],
        "opened_on": "2025-03-03",
    }
    response = client.post(reverse("ledger:cases-add"), data)
    assert response.status_code == 400
    assert "执法人员不得少于两人且须持有有效执法证件" in response.content.decode()
    assert not Case.objects.exists()
    data["officers"] = [o.pk for o in setup["officers"][:2]]
    assert client.post(reverse("ledger:cases-add"), data).status_code == 302
    assert Case.objects.get().officers.count() == 2


def test_case_api_refuses_a_single_certified_officer(setup, users, login):
    client = login(users["office"])
    data = {
        "unit": setup["matter"].unit_id,
        "number": "AJ-API",
        "matter": setup["matter"].pk,
        "party_type": PartyType.ENTITY,
        "party_name": "当事人",
        "party_id_number": valid_uscc(3),
        "officers": [setup["officers"][0].pk],
        "opened_on": "2025-03-03",
    }
    response = client.post(reverse("api:cases-list"), data, content_type="application/json")
    assert response.status_code == 400, response.content
    assert "第四十二条" in response.content.decode()
    data["officers"] = [o.pk for o in setup["officers"][:2]]
    response = client.post(reverse("api:cases-list"), data, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == CaseStatus.OPEN


# -- 全过程记录 ---------------------------------------------------------------------------------------------------
def test_records_are_referenced_by_hash_and_made_by_certified_officers(setup):
    a, b, _ = setup["officers"]
    case = open_case(setup["matter"], [a, b])
    with pytest.raises(ValidationError, match="SHA-256"):
        rules.add_record(case, kind=RecordKind.VIDEO, title="现场执法视频", recorded_on=D(2025, 3, 3), sha256="xyz")
    rules.add_record(
        case,
        kind=RecordKind.VIDEO,
        title="现场执法视频",
        recorded_on=D(2025, 3, 3),
        sha256=HASH.upper(),
        officer=a,
        reference="video/2025/03/03/a.mp4",
    )
    assert case.records.get().sha256 == HASH
    with pytest.raises(ValidationError, match="已登记"):
        rules.add_record(case, kind=RecordKind.VIDEO, title="重复", recorded_on=D(2025, 3, 3), sha256=HASH)
    rules.revoke_certificate(b.certificates.get(), D(2025, 3, 5), "调离")
    with pytest.raises(RuleViolation, match="执法证件有效期内") as refusal:
        rules.add_record(
            case, kind=RecordKind.DOCUMENT, title="询问笔录", recorded_on=D(2025, 3, 6), sha256="cd" * 32, officer=b
        )
    assert refusal.value.code == "enforcement.certified_officer_acts"
    outsider = setup["officers"][2]
    with pytest.raises(ValidationError, match="不是本案执法人员"):
        rules.add_record(
            case, kind=RecordKind.PHOTO, title="照片", recorded_on=D(2025, 3, 6), sha256="ef" * 32, officer=outsider
        )


# -- 重大执法决定法制审核 -------------------------------------------------------------------------------------------
def test_major_decision_is_refused_before_legal_review_passes(setup):
    major = make_matter(setup["body"], "M-MAJOR", is_major=True)
    case = open_case(major, setup["officers"][:2])
    assert case.is_major
    with pytest.raises(RuleViolation, match="法制审核") as refusal:
        rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("1000"))
    assert refusal.value.code == "enforcement.major_needs_legal_review"
    rules.legal_review(
        case, reviewer=setup["reviewer"], reviewed_on=D(2025, 3, 20), result=ReviewResult.FAILED, opinion="事实不清"
    )
    with pytest.raises(RuleViolation):
        rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("1000"))
    rules.legal_review(case, reviewer=setup["reviewer"], reviewed_on=D(2025, 3, 25), result=ReviewResult.PASSED)
    with pytest.raises(RuleViolation):  # a decision dated before the review passed
        rules.decide(case, on=D(2025, 3, 24), outcome=Outcome.PENALTY, fine_amount=Decimal("1000"))
    rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("1000"))
    case.refresh_from_db()
    assert case.status == CaseStatus.DECIDED and case.legal_review_passed_on == D(2025, 3, 25)


def test_legal_review_needs_an_independent_legal_reviewer(setup):
    case = open_case(setup["matter"], setup["officers"][:2])
    with pytest.raises(ValidationError, match="不是法制审核人员"):
        rules.legal_review(case, reviewer=setup["officers"][2], reviewed_on=D(2025, 3, 5), result=ReviewResult.PASSED)
    handler = setup["officers"][0]
    handler.is_legal_reviewer = True
    handler.save()
    with pytest.raises(ValidationError, match="不得为本案执法人员"):
        rules.legal_review(case, reviewer=handler, reviewed_on=D(2025, 3, 5), result=ReviewResult.PASSED)
    with pytest.raises(ValidationError, match="审核意见"):
        rules.legal_review(case, reviewer=setup["reviewer"], reviewed_on=D(2025, 3, 5), result=ReviewResult.RETURNED)


def test_major_decision_refused_through_the_detail_page_action(setup, users, login):
    case = open_case(make_matter(setup["body"], "M-MAJ2", is_major=True), setup["officers"][:2])
    client = login(users["office"])
    response = client.post(
        reverse("ledger:cases-action", args=[case.pk, "decide"]),
        {"decided_on": "2025-04-01", "outcome": Outcome.PENALTY, "fine_amount": "100"},
        follow=True,
    )
    assert "重大执法决定未经法制审核" in response.content.decode()
    case.refresh_from_db()
    assert case.status == CaseStatus.OPEN


def test_decision_needs_officers_still_certified_on_the_day(setup):
    a, b, _ = setup["officers"]
    case = open_case(setup["matter"], [a, b])
    rules.revoke_certificate(b.certificates.get(), D(2025, 3, 10), "离职")
    with pytest.raises(RuleViolation, match="执法员2当日无有效执法证件"):
        rules.decide(case, on=D(2025, 3, 20), outcome=Outcome.NO_PENALTY)


# -- 裁量基准 ----------------------------------------------------------------------------------------------------------
def test_fine_outside_the_discretion_standard_needs_a_reason(setup):
    matter = make_matter(setup["body"], "M-FINE", fine_min=Decimal("5000"), fine_max=Decimal("100000"))
    rules.add_standard(matter, "minor", "初次违法且危害后果轻微", Decimal("5000"), Decimal("20000"))
    rules.add_standard(matter, "serious", "违法所得较大", Decimal("50000"), Decimal("100000"))
    case = open_case(matter, setup["officers"][:2])
    with pytest.raises(ValidationError, match="请选择适用的裁量档次"):
        rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("10000"))
    with pytest.raises(RuleViolation, match="超出“轻微”档裁量基准") as refusal:
        rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("30000"), grade="minor")
    assert refusal.value.code == "enforcement.discretion_reason"
    with pytest.raises(ValidationError, match="超过法定罚款上限"):
        rules.decide(
            case,
            on=D(2025, 4, 1),
            outcome=Outcome.PENALTY,
            fine_amount=Decimal("150000"),
            grade="serious",
            deviation_reason="情节特别严重",
        )
    rules.decide(
        case,
        on=D(2025, 4, 1),
        outcome=Outcome.PENALTY,
        fine_amount=Decimal("30000"),
        grade="minor",
        deviation_reason="多次违法，从重处罚",
    )
    case.refresh_from_db()
    assert case.fine_amount == Decimal("30000") and case.deviation_reason == "多次违法，从重处罚"


def test_fine_within_the_grade_needs_no_reason(setup):
    matter = make_matter(setup["body"], "M-OK")
    rules.add_standard(matter, "ordinary", "一般情形", Decimal("1000"), Decimal("5000"))
    with pytest.raises(ValidationError, match="已存在"):
        rules.add_standard(matter, "ordinary", "重复", Decimal("1000"), Decimal("5000"))
    case = open_case(matter, setup["officers"][:2])
    rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.PENALTY, fine_amount=Decimal("5000"), grade="ordinary")
    assert Case.objects.get().deviation_reason == ""


# -- limits and 公示 ---------------------------------------------------------------------------------------------------
def test_handling_limit_and_its_single_extension(setup):
    case = open_case(setup["matter"], setup["officers"][:2], opened_on=D(2025, 3, 3))
    calendar = default_calendar()
    limit = param("penalty.decision_limit", D(2025, 3, 3))
    assert case.due_on == calendar.add_calendar_days(D(2025, 3, 3), limit.value)
    with pytest.raises(ValidationError, match="说明理由"):
        rules.extend(case, on=D(2025, 5, 1), reason=" ")
    with pytest.raises(ValidationError, match="届满前"):
        rules.extend(case, on=case.due_on + dt.timedelta(days=1), reason="案情复杂")
    first_due = case.due_on
    rules.extend(case, on=D(2025, 5, 1), reason="案情复杂，需检验检测")
    extension = param("penalty.decision_extension", D(2025, 5, 1))
    assert case.due_on == calendar.add_calendar_days(first_due, extension.value)
    with pytest.raises(ValidationError, match="不能再次延长"):
        rules.extend(case, on=D(2025, 5, 2), reason="再延")
    rules.decide(case, on=case.due_on + dt.timedelta(days=1), outcome=Outcome.NO_PENALTY)
    assert Case.objects.get().decided_late is True


def test_inspection_cases_have_no_penalty_handling_limit(setup):
    matter = make_matter(setup["body"], "M-CHECK", matter_type=MatterType.INSPECTION)
    case = open_case(matter, setup["officers"][:2])
    assert case.due_on is None
    with pytest.raises(ValidationError, match="没有法定办案期限"):
        rules.extend(case, on=D(2025, 3, 5), reason="x")


@pytest.mark.parametrize(
    "matter_type, code",
    [
        (MatterType.PENALTY, "enforcement.publicity_penalty_licensing"),
        (MatterType.COERCION, "enforcement.publicity_other"),
    ],
)
def test_publicity_is_due_within_the_statutory_working_days(setup, matter_type, code):
    matter = make_matter(setup["body"], f"M-{matter_type}", matter_type=matter_type)
    case = open_case(matter, setup["officers"][:2])
    outcome = Outcome.PENALTY if matter_type == MatterType.PENALTY else Outcome.COERCION
    rules.decide(case, on=D(2025, 4, 30), outcome=outcome)
    days = param(code, D(2025, 4, 30)).value
    assert case.publicity_due_on == default_calendar().add_workdays(D(2025, 4, 30), days)
    assert case.publicity_due_on > D(2025, 4, 30) + dt.timedelta(days=days)  # the 五一 holiday is not counted
    rules.publish(case, on=case.publicity_due_on + dt.timedelta(days=1))
    assert case.published_on_time is False
    with pytest.raises(ValidationError, match="已公示"):
        rules.publish(case, on=case.publicity_due_on + dt.timedelta(days=2))


def test_unpublished_decisions_past_the_limit_are_flagged(setup, users, login):
    on_time = open_case(setup["matter"], setup["officers"][:2], number="AJ-ON")
    rules.decide(on_time, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    rules.publish(on_time, on=D(2025, 4, 2))
    waiting = open_case(setup["matter"], setup["officers"][:2], number="AJ-WAIT")
    rules.decide(waiting, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    assert rules.is_publicity_overdue(waiting, D(2025, 6, 1)) and not rules.is_publicity_overdue(on_time, D(2025, 6, 1))
    page = login(users["office"]).get(reverse("ledger:cases-list") + "?publicity_overdue=true").content.decode()
    assert "AJ-WAIT" in page and "AJ-ON" not in page


def test_case_file_review_only_for_closed_cases(setup):
    case = open_case(setup["matter"], setup["officers"][:2])
    rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    with pytest.raises(ValidationError, match="已作出决定"):
        rules.review_file(
            case, reviewed_on=D(2025, 5, 1), reviewer="市司法局评查组", score=90, grade=FileGrade.EXCELLENT
        )
    rules.close(case, on=D(2025, 4, 10))
    with pytest.raises(ValidationError):
        rules.review_file(case, reviewed_on=D(2025, 5, 1), reviewer="评查组", score=120, grade=FileGrade.EXCELLENT)
    rules.review_file(
        case, reviewed_on=D(2025, 5, 1), reviewer="评查组", score=Decimal("92.5"), grade=FileGrade.EXCELLENT
    )
    assert case.file_reviews.get().score == Decimal("92.5")


def test_decided_case_cannot_be_edited(setup):
    case = open_case(setup["matter"], setup["officers"][:2])
    rules.decide(case, on=D(2025, 4, 1), outcome=Outcome.NO_PENALTY)
    case.party_name = "改名"
    with pytest.raises(ValidationError, match="不能再修改"):
        case.full_clean()
