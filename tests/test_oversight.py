"""建议提案 and 依申请公开: reply limits by the law in force, extensions, refusals, metrics, import."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.ledgers import registry
from fazhi.law.errors import RuleViolation
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.oversight import rules
from fazhi.oversight.choices import DisclosureChannel, SuggestionKind
from fazhi.oversight.models import DisclosureRequest, Suggestion

from .test_import import workbook_file

D = dt.date
YEAR = Period.year(2025)


def make_suggestion(unit, number="1", kind=SuggestionKind.NPC, assigned=D(2025, 3, 20)):
    return Suggestion.objects.create(
        unit=unit,
        kind=kind,
        session="十五届人大三次会议",
        number=number,
        title=f"关于{number}的建议",
        proposer="王代表",
        assigned_on=assigned,
    )


def make_request(unit, number="R1", received=D(2025, 6, 3)):
    return DisclosureRequest.objects.create(
        unit=unit,
        number=number,
        applicant_name="李某",
        channel=DisclosureChannel.ONLINE,
        content="某项目审批文件",
        received_on=received,
    )


# -- 建议提案 ----------------------------------------------------------------------------------------------
def test_reply_due_three_months_after_assignment_by_the_law_in_force(tree):
    suggestion = make_suggestion(tree["dept"])
    assert suggestion.due_on == D(2025, 6, 20)
    after = rules.suggestion_deadline(SuggestionKind.NPC, D(2025, 3, 20))
    before = rules.suggestion_deadline(SuggestionKind.NPC, D(2025, 3, 1))
    assert "第五十一条" in after.basis.article and "2025年修正" in after.basis.law
    assert "第四十二条" in before.basis.article and "2015年修正" in before.basis.law
    assert before.due == D(2025, 6, 3)  # 6-1 is a Sunday and 6-2 the 端午 holiday
    assert make_suggestion(tree["dept"], "P1", kind=SuggestionKind.CPPCC).due_on == D(2025, 6, 20)


def test_difficult_items_get_six_months_if_said_before_the_due_date(tree):
    suggestion = make_suggestion(tree["dept"])
    with pytest.raises(ValidationError):
        rules.mark_difficult(suggestion, D(2025, 5, 1), " ")
    rules.mark_difficult(suggestion, D(2025, 5, 1), "涉及多个部门")
    suggestion.refresh_from_db()
    assert suggestion.difficult and suggestion.due_on == D(2025, 9, 22)
    late = make_suggestion(tree["dept"], "2")
    with pytest.raises(RuleViolation) as refused:
        rules.mark_difficult(late, D(2025, 6, 23), "来不及")
    assert "答复期限届满前" in refused.value.messages[0] and "代表法" in refused.value.messages[0]


def test_reply_feedback_and_co_handlers(tree):
    suggestion = make_suggestion(tree["dept"])
    with pytest.raises(ValidationError) as refused:
        rules.add_co_handler(suggestion, "D1")
    assert "主办单位不能同时作为协办单位" in str(refused.value)
    with pytest.raises(ValidationError):
        rules.add_co_handler(suggestion, "NOPE")
    co = rules.add_co_handler(suggestion, "D2")
    with pytest.raises(ValidationError):
        rules.add_co_handler(suggestion, "D2")
    rules.co_handler_opinion(co, D(2025, 4, 15))
    with pytest.raises(ValidationError):
        rules.record_feedback(suggestion, D(2025, 6, 1), "satisfied")
    rules.reply_suggestion(suggestion, D(2025, 6, 20), "A")
    assert suggestion.on_time is True and suggestion.status == "replied"
    with pytest.raises(ValidationError):
        rules.record_feedback(suggestion, D(2025, 6, 19), "satisfied")
    rules.record_feedback(suggestion, D(2025, 7, 1), "basically")
    late = make_suggestion(tree["dept"], "2")
    rules.reply_suggestion(late, D(2025, 6, 23), "B")
    assert late.on_time is False


def test_suggestion_metrics_reply_rate_and_satisfaction(tree):
    dept, county = tree["dept"], tree["county"]
    on_time = [make_suggestion(dept, str(i)) for i in range(3)]
    for s, satisfaction in zip(on_time, ["satisfied", "basically", "dissatisfied"]):
        rules.reply_suggestion(s, D(2025, 6, 1), "A")
        rules.record_feedback(s, D(2025, 6, 10), satisfaction)
    rules.reply_suggestion(make_suggestion(dept, "late"), D(2025, 7, 1), "C")
    make_suggestion(dept, "open")
    rules.reply_suggestion(make_suggestion(dept, "p1", kind=SuggestionKind.CPPCC), D(2025, 5, 1), "A")
    make_suggestion(dept, "old", assigned=D(2024, 3, 20))
    make_suggestion(county, "c1")
    values = unit_metrics(YEAR, [dept], subtree=False)[dept.pk]
    assert values["npc_suggestions_handled"] == 5 and values["cppcc_proposals_handled"] == 1
    assert values["suggestions_reply_rate"] == pytest.approx(4 / 6)  # 3 + the 提案 on time; one late, one open
    assert values["suggestions_satisfaction_rate"] == pytest.approx(2 / 3)
    gov = unit_metrics(YEAR, [tree["gov"]])[tree["gov"].pk]
    assert gov["suggestions_reply_rate"] == pytest.approx(4 / 7)


# -- 依申请公开 --------------------------------------------------------------------------------------------
def test_reply_due_in_twenty_working_days_and_correction_restarts_it(tree):
    request = make_request(tree["dept"])
    assert request.due_on == D(2025, 7, 1)
    with pytest.raises(RuleViolation) as refused:
        rules.request_disclosure_correction(request, D(2025, 6, 13))
    assert "依申请公开补正告知期限7个工作日" in refused.value.messages[0] and "第三十条" in refused.value.messages[0]
    rules.request_disclosure_correction(request, D(2025, 6, 12))
    request.refresh_from_db()
    assert request.due_on is None  # the clock waits for the corrected request
    with pytest.raises(ValidationError):
        rules.reply_disclosure(request, "provided", D(2025, 6, 13))
    rules.receive_disclosure_correction(request, D(2025, 6, 16))
    assert request.due_on == D(2025, 7, 14)


def test_consulting_third_parties_does_not_count_and_extension_is_capped(tree):
    request = make_request(tree["dept"])
    rules.stop_disclosure_clock(request, "third_party", D(2025, 6, 10))
    with pytest.raises(ValidationError) as refused:
        rules.reply_disclosure(request, "provided", D(2025, 6, 12))
    assert "征求意见尚未结束" in str(refused.value)
    rules.resume_disclosure_clock(request, D(2025, 6, 17))
    assert request.due_on == D(2025, 7, 8)  # five working days stood still
    with pytest.raises(RuleViolation) as refused:
        rules.extend_disclosure(request, 10, D(2025, 7, 1), "")
    assert "负责人" in refused.value.messages[0]
    with pytest.raises(RuleViolation) as refused:
        rules.extend_disclosure(request, 21, D(2025, 7, 1), "办公室主任 刘某")
    assert "依申请公开答复期限最长延长20个工作日" in refused.value.messages[0]
    rules.extend_disclosure(request, 20, D(2025, 7, 1), "办公室主任 刘某")
    assert request.due_on == D(2025, 8, 5)
    late = make_request(tree["dept"], "R2")
    with pytest.raises(RuleViolation) as refused:
        rules.extend_disclosure(late, 5, D(2025, 7, 2), "刘某")
    assert "第三十三条" in refused.value.messages[0]


@pytest.mark.parametrize(
    "reply_type, article", [("refused", "第三十六条第（三）项"), ("not_responsible", "第三十六条第（五）项")]
)
def test_refusal_and_referral_need_reasons(tree, reply_type, article):
    request = make_request(tree["dept"])
    with pytest.raises(RuleViolation) as refused:
        rules.reply_disclosure(request, reply_type, D(2025, 6, 20), "")
    assert article in refused.value.messages[0]
    rules.reply_disclosure(request, reply_type, D(2025, 6, 20), "涉及国家秘密")
    assert request.status == "replied" and request.on_time


def test_disclosure_metrics_and_overdue_list(tree, users, login):
    town = tree["town"]
    for i, (received, replied) in enumerate(
        [
            (D(2025, 6, 3), D(2025, 6, 20)),
            (D(2025, 6, 3), D(2025, 7, 2)),
            (D(2025, 6, 3), None),
            (D(2024, 12, 20), D(2025, 1, 10)),
        ]
    ):
        request = make_request(town, f"DR{i}", received)
        if replied:
            rules.reply_disclosure(request, "provided", replied)
    values = unit_metrics(YEAR, [town], subtree=False)[town.pk]
    assert values["disclosure_requests"] == 3 and values["disclosure_replied_on_time_rate"] == pytest.approx(2 / 3)
    page = login(users["clerk"]).get(reverse("ledger:disclosure-requests-list") + "?overdue=true").content.decode()
    assert "DR1" in page and "DR2" in page and "DR0" not in page and "DR3" not in page


def test_disclosure_steps_through_the_web(tree, users, login):
    request = make_request(tree["town"])
    client = login(users["clerk"])

    def action_url(name):
        return reverse("ledger:disclosure-requests-action", args=[request.pk, name])

    client.post(action_url("stop-clock"), {"started_on": "2025-06-10", "reason": "third_party"})
    client.post(action_url("resume-clock"), {"ended_on": "2025-06-17"})
    response = client.post(
        action_url("reply"), {"replied_on": "2025-07-08", "reply_type": "refused", "reply_reason": ""}, follow=True
    )
    assert "第三十六条" in [str(m) for m in response.context["messages"]][-1]
    client.post(
        action_url("reply"), {"replied_on": "2025-07-08", "reply_type": "refused", "reply_reason": "属于商业秘密"}
    )
    request.refresh_from_db()
    assert request.reply_type == "refused" and request.on_time is True
    assert (
        "征求第三方意见" in client.get(reverse("ledger:disclosure-requests-detail", args=[request.pk])).content.decode()
    )


# -- import --------------------------------------------------------------------------------------------------
def test_suggestions_import_with_co_handlers_and_rules(users, tree, tmp_path):
    spec = registry.get("suggestions").importer
    headers = [c.header for c in spec.columns]

    def row(number, **overrides):
        values = dict(
            zip(
                headers,
                [
                    "人大代表建议",
                    "十五届人大三次会议",
                    number,
                    "建议",
                    "王代表",
                    "C1-T1",
                    "D2、C1",
                    D(2025, 3, 20),
                    "否",
                    None,
                    D(2025, 6, 1),
                    "A类（已经解决或者采纳）",
                    "满意",
                    D(2025, 6, 10),
                ],
            )
        )
        values.update(overrides)
        return [values[h] for h in headers]

    make_suggestion(tree["town"], "EXISTS")
    bad = [
        row("1"),
        row("EXISTS"),
        row("3", **{"协办单位编码": "C1-T1"}),
        row("4", 答复日期=None),
        row("5", **{"涉及面广、处理难度大": "是"}),
    ]
    with pytest.raises(ImportRefused) as refused:
        run_import(spec, workbook_file(tmp_path, headers, bad), users["clerk"])
    assert sorted((p.row, p.column) for p in refused.value.problems) == [
        (3, "建议（提案）号"),
        (4, "协办单位编码"),
        (5, ""),
        (6, "延期答复说明"),
    ]
    good = [
        row("1"),
        row("2", 答复日期=D(2025, 7, 1), 反馈日期=D(2025, 7, 10)),
        row("3", 答复日期=None, 答复类别=None, **{"代表（委员）意见": None, "反馈日期": None}),
    ]
    assert run_import(spec, workbook_file(tmp_path, headers, good, name="ok.xlsx"), users["clerk"]).rows == 3
    one = Suggestion.objects.get(number="1")
    assert (
        one.on_time
        and one.satisfaction == "satisfied"
        and sorted(c.unit.code for c in one.co_handlers.all()) == ["C1", "D2"]
    )
    assert Suggestion.objects.get(number="2").on_time is False
    assert Suggestion.objects.get(number="3").status == "assigned"
