"""行政复议: every limit, the law in force on the day of receipt, suspensions, extensions, hearings, refusals."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from fazhi.disputes import rules
from fazhi.disputes.choices import ActType, Procedure, ReconsiderationStatus, SimplifiedGround, SuspensionReason
from fazhi.disputes.models import ReconsiderationCase
from fazhi.law.errors import ParameterNotInForce, RuleViolation

D = dt.date


def make_case(unit, number="FY-1", received=D(2025, 6, 3), known=None, **extra):
    fields = {"act_type": ActType.PENALTY, "known_on": known or received - dt.timedelta(days=5), **extra}
    return ReconsiderationCase.objects.create(
        unit=unit,
        number=number,
        applicant_name="张三",
        respondent_name="云测市市场监督管理局",
        received_on=received,
        **fields,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]]


# -- the law in force on the day of receipt ----------------------------------------------------------------
def test_simplified_procedure_applies_to_a_case_received_on_2024_01_02(tree):
    case = make_case(tree["county"], received=D(2024, 1, 2), amount=Decimal("2000"))
    rules.accept(case, D(2024, 1, 3), Procedure.SIMPLIFIED, SimplifiedGround.SMALL_AMOUNT)
    case.refresh_from_db()
    assert case.procedure == Procedure.SIMPLIFIED
    assert case.due_on == D(2024, 2, 2)  # 30 days from acceptance (第六十二条, 2023 revision)


def test_simplified_procedure_is_refused_for_a_case_received_on_2023_12_20(tree):
    case = make_case(tree["county"], received=D(2023, 12, 20), amount=Decimal("2000"))
    with pytest.raises(ParameterNotInForce) as refused:
        rules.accept(case, D(2024, 1, 3), Procedure.SIMPLIFIED, SimplifiedGround.SMALL_AMOUNT)
    assert "2023年12月20日" in refused.value.messages[0] and "2024年01月01日" in refused.value.messages[0]
    case.refresh_from_db()
    assert case.status == ReconsiderationStatus.RECEIVED and case.accepted_on is None


def test_the_refusal_reaches_the_clerk_through_the_web(tree, users, login):
    case = make_case(tree["town"], received=D(2023, 12, 20), amount=Decimal("2000"))
    client = login(users["clerk"])
    response = client.post(
        reverse("ledger:reconsideration-cases-action", args=[case.pk, "accept"]),
        {"accepted_on": "2023-12-22", "procedure": "simplified", "simplified_ground": "small_amount"},
        follow=True,
    )
    [message] = messages_of(response)
    assert (
        message.startswith("受理未执行")
        and "行政复议决定期限（简易程序）" in message
        and "没有有效的法律规定" in message
    )
    response = client.post(
        reverse("ledger:reconsideration-cases-action", args=[case.pk, "accept"]),
        {"accepted_on": "2023-12-22", "procedure": "ordinary"},
        follow=True,
    )
    assert messages_of(response) == ["受理：已完成"]
    case.refresh_from_db()
    assert case.due_on == D(2024, 2, 20)  # 60 days under the 1999/2017 law (第三十一条)


def test_the_respondents_answer_is_due_by_the_law_of_the_day_of_receipt(tree):
    old = make_case(tree["county"], number="OLD", received=D(2023, 12, 20))
    rules.accept(old, D(2023, 12, 22))
    rules.send_copy(old, D(2023, 12, 25))
    assert old.answer_due_on == D(2024, 1, 4)  # 十日 were calendar days before the revision
    new = make_case(tree["county"], number="NEW", received=D(2024, 1, 2))
    rules.accept(new, D(2024, 1, 3))
    rules.send_copy(new, D(2024, 1, 4))
    assert new.answer_due_on == D(2024, 1, 18)  # ten working days (第四十八条、第八十八条)
    simple = make_case(tree["county"], number="SIMPLE", received=D(2024, 1, 2), act_type=ActType.DISCLOSURE)
    rules.accept(simple, D(2024, 1, 3), Procedure.SIMPLIFIED, SimplifiedGround.DISCLOSURE)
    rules.send_copy(simple, D(2024, 1, 4))
    assert simple.answer_due_on == D(2024, 1, 11)  # five working days (第五十四条)


# -- simplified procedure grounds and conversion ------------------------------------------------------------
@pytest.mark.parametrize(
    "ground, extra, refused_with",
    [
        (SimplifiedGround.SMALL_AMOUNT, {"amount": Decimal("3000.01")}, "3000元"),
        (SimplifiedGround.SMALL_AMOUNT, {}, "未填写涉及金额"),
        (SimplifiedGround.DISCLOSURE, {}, "不是政府信息公开"),
        ("", {}, "未选择适用简易程序的情形"),
    ],
)
def test_simplified_procedure_needs_a_ground_of_article_53(tree, ground, extra, refused_with):
    case = make_case(tree["county"], received=D(2025, 6, 3), **extra)
    with pytest.raises(RuleViolation) as refused:
        rules.accept(case, D(2025, 6, 4), Procedure.SIMPLIFIED, ground)
    assert refused_with in refused.value.messages[0] and "第五十三条" in refused.value.messages[0]


def test_a_simplified_case_cannot_be_extended_but_can_be_converted(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3), act_type=ActType.DISCLOSURE)
    rules.accept(case, D(2025, 6, 3), Procedure.SIMPLIFIED, SimplifiedGround.DISCLOSURE)
    assert case.due_on == D(2025, 7, 3)
    with pytest.raises(RuleViolation) as refused:
        rules.extend(case, 10, D(2025, 6, 20), "案情复杂")
    assert "第五十五条" in refused.value.messages[0]
    rules.convert_to_ordinary(case, D(2025, 6, 20))
    case.refresh_from_db()
    assert case.procedure == Procedure.ORDINARY and case.due_on == D(2025, 8, 4)  # 60 days: 8-2 is a Saturday


# -- application period -------------------------------------------------------------------------------------
def test_an_application_after_60_days_must_be_refused(tree):
    late = make_case(tree["county"], number="LATE", known=D(2025, 1, 2), received=D(2025, 3, 5))
    with pytest.raises(RuleViolation) as refused:
        rules.accept(late, D(2025, 3, 6))
    assert refused.value.code == "reconsideration.period_expired"
    assert "行政复议申请期限60日" in refused.value.messages[0] and "第二十条" in refused.value.messages[0]
    assert "截止2025年03月03日" in refused.value.messages[0]
    in_time = make_case(tree["county"], number="IN-TIME", known=D(2025, 1, 2), received=D(2025, 3, 3))
    rules.accept(in_time, D(2025, 3, 4))
    assert in_time.status == ReconsiderationStatus.ACCEPTED


def test_uninformed_applicant_has_60_days_from_learning_but_at_most_a_year(tree):
    fields = {"known": D(2024, 3, 1), "rights_informed": False, "rights_known_on": D(2025, 2, 1)}
    ok = make_case(tree["county"], number="OK", received=D(2025, 2, 20), **fields)
    rules.accept(ok, D(2025, 2, 21))
    capped = make_case(tree["county"], number="CAP", received=D(2025, 3, 10), **fields)
    with pytest.raises(RuleViolation) as refused:
        rules.accept(capped, D(2025, 3, 11))
    assert "未告知复议权利时的最长申请期限1年" in refused.value.messages[0]


def test_absolute_caps_of_5_and_20_years(tree):
    other = make_case(
        tree["county"], number="OTHER", act_on=D(2019, 1, 1), known=D(2025, 2, 1), received=D(2025, 2, 10)
    )
    with pytest.raises(RuleViolation) as refused:
        rules.accept(other, D(2025, 2, 11))
    assert "其他行政行为复议最长保护期限5年" in refused.value.messages[0] and "第二十一条" in refused.value.messages[0]
    land = make_case(
        tree["county"],
        number="LAND",
        act_on=D(2019, 1, 1),
        known=D(2025, 2, 1),
        received=D(2025, 2, 10),
        real_estate=True,
    )
    rules.accept(land, D(2025, 2, 11))
    assert land.status == ReconsiderationStatus.ACCEPTED


# -- acceptance review --------------------------------------------------------------------------------------
def test_acceptance_after_five_working_days_is_deemed_and_the_clock_runs_from_the_review_end(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3))
    assert rules.acceptance_deadline(case).due == D(2025, 6, 10)
    rules.accept(case, D(2025, 6, 12))
    case.refresh_from_db()
    assert case.deemed_accepted is True
    assert case.due_on == D(2025, 8, 11)  # 60 days from 6-10 is Saturday 8-9


def test_no_refusal_after_the_review_period(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3))
    with pytest.raises(RuleViolation) as refused:
        rules.refuse_acceptance(case, D(2025, 6, 11), "不属于受案范围")
    assert "视为受理" in refused.value.messages[0] and "第三十条" in refused.value.messages[0]
    with pytest.raises(RuleViolation) as refused:
        rules.refuse_acceptance(case, D(2025, 6, 10), "  ")
    assert "说明理由" in refused.value.messages[0]
    rules.refuse_acceptance(case, D(2025, 6, 10), "不属于受案范围")
    assert case.status == ReconsiderationStatus.NOT_ACCEPTED


def test_correction_restarts_the_review_and_must_be_notified_within_five_working_days(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3))
    with pytest.raises(RuleViolation) as refused:
        rules.request_correction(case, D(2025, 6, 11))
    assert "行政复议补正通知期限5个工作日" in refused.value.messages[0]
    rules.request_correction(case, D(2025, 6, 5))
    with pytest.raises(Exception) as refused:
        rules.accept(case, D(2025, 6, 6))
    assert "收到补正材料后方可受理" in str(refused.value)
    rules.receive_correction(case, D(2025, 6, 16))
    assert rules.acceptance_deadline(case).due == D(2025, 6, 23)
    rules.accept(case, D(2025, 6, 20))
    assert case.deemed_accepted is False and case.due_on == D(2025, 8, 19)


# -- suspension, extension, hearing, decision ---------------------------------------------------------------
def test_a_suspension_stops_the_clock(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    assert case.due_on == D(2025, 8, 4)
    rules.suspend(case, SuspensionReason.MEDIATION, D(2025, 6, 10))
    case.refresh_from_db()
    assert case.suspended
    with pytest.raises(Exception) as refused:
        rules.decide(case, "upheld", D(2025, 6, 15))
    assert "请先恢复审理" in str(refused.value)
    rules.resume(case, D(2025, 6, 20))
    case.refresh_from_db()
    assert not case.suspended and case.due_on == D(2025, 8, 12)  # ten days stood still
    rules.decide(case, "upheld", D(2025, 8, 12))
    assert case.on_time is True


def test_a_suspended_case_may_be_terminated(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    rules.suspend(case, SuspensionReason.DEATH, D(2025, 6, 10))
    rules.decide(case, "terminated", D(2025, 8, 20))
    assert case.status == ReconsiderationStatus.CLOSED and case.suspensions.get().ended_on == D(2025, 8, 20)


def test_extension_is_capped_and_must_come_before_the_due_date(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    with pytest.raises(Exception) as refused:
        rules.extend(case, 10, D(2025, 7, 1), "")
    assert "延长理由" in str(refused.value)
    rules.extend(case, 20, D(2025, 7, 1), "需要鉴定")
    assert case.due_on == D(2025, 8, 22)
    with pytest.raises(RuleViolation) as refused:
        rules.extend(case, 11, D(2025, 7, 2), "仍需调查")
    assert "累计延长31日" in refused.value.messages[0] and "行政复议决定期限最长延长30日" in refused.value.messages[0]
    rules.extend(case, 10, D(2025, 7, 2), "仍需调查")
    assert case.due_on == D(2025, 9, 1) and case.extension_reason == "需要鉴定；仍需调查"
    late = make_case(tree["county"], number="LATE", received=D(2025, 6, 3))
    rules.accept(late, D(2025, 6, 3))
    with pytest.raises(RuleViolation) as refused:
        rules.extend(late, 10, D(2025, 8, 5), "来不及")
    assert "届满前" in refused.value.messages[0]


def test_hearing_needs_five_working_days_notice_and_records_the_head(tree):
    case = make_case(tree["county"], received=D(2025, 6, 3))
    rules.accept(case, D(2025, 6, 3))
    with pytest.raises(RuleViolation) as refused:
        rules.add_hearing(case, D(2025, 6, 9), D(2025, 6, 13), True, "局长 王某")
    assert "听证通知提前期限5个工作日" in refused.value.messages[0]
    hearing = rules.add_hearing(case, D(2025, 6, 9), D(2025, 6, 16), True, "局长 王某")
    assert hearing.respondent_head_attended
    old = make_case(tree["county"], number="OLD", received=D(2023, 12, 20))
    rules.accept(old, D(2023, 12, 21))
    rules.add_hearing(old, D(2024, 1, 2), D(2024, 1, 3), False)  # the 1999/2017 law set no notice period


def test_late_decision_is_recorded_as_late_and_listed_overdue(tree, users, login):
    late = make_case(tree["town"], number="LATE", received=D(2025, 1, 2))
    rules.accept(late, D(2025, 1, 2))
    rules.decide(late, "revoked", D(2025, 3, 20))
    assert late.on_time is False
    open_past = make_case(tree["town"], number="OPEN", received=D(2025, 1, 2))
    rules.accept(open_past, D(2025, 1, 2))
    paused = make_case(tree["town"], number="PAUSED", received=D(2025, 1, 2))
    rules.accept(paused, D(2025, 1, 2))
    rules.suspend(paused, SuspensionReason.MISSING, D(2025, 1, 10))
    fine = make_case(tree["town"], number="FINE", received=D(2025, 1, 2))
    rules.accept(fine, D(2025, 1, 2))
    rules.decide(fine, "upheld", D(2025, 2, 1))
    page = login(users["clerk"]).get(reverse("ledger:reconsideration-cases-list") + "?overdue=true").content.decode()
    assert "LATE" in page and "OPEN" in page and "PAUSED" not in page and "FINE" not in page


def test_workflow_steps_through_the_web(tree, users, login):
    case = make_case(tree["town"], received=D(2025, 6, 3))
    client = login(users["clerk"])

    def action_url(name):
        return reverse("ledger:reconsideration-cases-action", args=[case.pk, name])

    assert messages_of(
        client.post(action_url("accept"), {"accepted_on": "2025-06-04", "procedure": "ordinary"}, follow=True)
    ) == ["受理：已完成"]
    client.post(action_url("suspend"), {"started_on": "2025-06-10", "reason": "mediation"})
    client.post(action_url("resume"), {"ended_on": "2025-06-20"})
    client.post(
        action_url("hearing"),
        {
            "notified_on": "2025-06-23",
            "held_on": "2025-06-30",
            "respondent_head_attended": "on",
            "attendee": "副局长 李某",
        },
    )
    response = client.post(
        action_url("extend"), {"extended_on": "2025-07-01", "days": 40, "reason": "复杂"}, follow=True
    )
    assert "超过行政复议决定期限最长延长30日" in messages_of(response)[-1]
    assert (
        messages_of(client.post(action_url("decide"), {"closed_on": "2025-07-15", "outcome": "altered"}, follow=True))[
            -1
        ]
        == "结案：已完成"
    )
    case.refresh_from_db()
    assert case.status == "closed" and case.outcome == "altered" and case.due_on == D(2025, 8, 13) and case.on_time
    detail = client.get(reverse("ledger:reconsideration-cases-detail", args=[case.pk])).content.decode()
    assert "副局长 李某" in detail and "调解、和解期间" in detail
    leader = login(users["leader"])
    assert leader.post(action_url("decide"), {"closed_on": "2025-07-15", "outcome": "upheld"}).status_code == 403
