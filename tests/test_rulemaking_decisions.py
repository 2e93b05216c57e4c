"""重大行政决策 (five procedures, refusals, deadlines, 终身责任 record), 合法性审查 with 法律顾问, and the metrics
of the "rules" family on a hand-computed example."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fazhi.core.invariants import violations
from fazhi.law.calendar import default_calendar
from fazhi.law.errors import RuleViolation
from fazhi.law.params import param
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.rulemaking import rules
from fazhi.rulemaking.choices import (
    AdviserKind,
    CleanupOutcomeKind,
    DecisionCategory,
    DecisionStatus,
    DiscussionOutcome,
    LegislationKind,
    LegislationStage,
    ReviewAdoption,
    ReviewConclusion,
    ReviewerKind,
    ReviewStatus,
    ReviewSubject,
    RiskLevel,
)
from fazhi.rulemaking.models import (
    CleanupCampaign,
    DecisionCatalogue,
    LegalAdviser,
    LegalityReview,
    LegislationProject,
    MajorDecision,
    NormativeDocument,
)

from .test_rulemaking_documents import make_doc, published

D = dt.date


def assert_rule(excinfo, code):
    assert isinstance(excinfo.value, RuleViolation) and excinfo.value.code == code, excinfo.value


def make_decision(unit, title="云测市中心城区供水价格调整", year=2025):
    catalogue_row = DecisionCatalogue.objects.filter(unit=unit, year=year).first() or DecisionCatalogue.objects.create(
        unit=unit, year=year, title=f"{year}年重大行政决策事项目录"
    )
    return MajorDecision.objects.create(
        unit=unit,
        catalogue=catalogue_row,
        title=title,
        category=DecisionCategory.MARKET,
        sponsor="市发展和改革委员会",
        proposed_by="分管副市长 王伟",
        proposed_on=D(2025, 3, 3),
    )


def pass_legality(decision, submitted=D(2025, 5, 6)):
    rules.submit_legality_review(decision, submitted)
    done = default_calendar().add_workdays(submitted, param("decision.legality_review_min", submitted).value)
    return rules.complete_legality_review(decision, done, "市司法局", "符合法定权限和程序", True)


def exempt_expert_and_risk(decision):
    rules.exempt_procedure(decision, "expert", "决策事项专业性、技术性不强")
    rules.exempt_procedure(decision, "risk", "决策实施不会对社会稳定、公共安全造成不利影响")


def discuss(decision, on=D(2025, 6, 10), outcome=DiscussionOutcome.ADOPTED):
    return rules.discuss(
        decision,
        on=on,
        meeting="市政府第20次常务会议",
        decided_by="李强（市长）",
        attendees="市政府领导班子成员",
        outcome=outcome,
    )


def full_decision(unit, title="决策", consult=True):
    decision = make_decision(unit, title=title)
    if consult:
        consultation = rules.open_decision_consultation(
            decision, title="征求意见", draft_text="草案", starts_on=D(2025, 3, 10), ends_on=D(2025, 4, 15)
        )
        rules.publish_feedback(consultation, D(2025, 4, 20), "采纳意见3条")
    else:
        rules.exempt_procedure(decision, "participation", "依法不予公开的事项")
    rules.record_expert_review(decision, D(2025, 4, 25), "张三、李四、王五", "方案可行")
    rules.record_risk_assessment(decision, D(2025, 4, 28), RiskLevel.LOW, "风险可控")
    pass_legality(decision)
    discuss(decision)
    return decision


# -- catalogue ---------------------------------------------------------------------------------------------------
def test_catalogue_is_published_only_after_the_party_committee_agrees(tree):
    catalogue_row = DecisionCatalogue.objects.create(unit=tree["gov"], year=2025, title="2025年目录")
    with pytest.raises(RuleViolation) as refused:
        rules.publish_catalogue(catalogue_row, D(2025, 3, 1))
    assert_rule(refused, "decision.catalogue_after_party_approval")
    assert "第三条" in refused.value.messages[0]
    rules.approve_catalogue(catalogue_row, D(2025, 2, 20))
    with pytest.raises(ValidationError, match="公布日期不能早于党委同意日期"):
        rules.publish_catalogue(catalogue_row, D(2025, 2, 19))
    rules.publish_catalogue(catalogue_row, D(2025, 3, 1))
    assert catalogue_row.published_on == D(2025, 3, 1)


def test_a_decision_belongs_to_its_own_bodys_catalogue(tree):
    decision = make_decision(tree["gov"])
    decision.catalogue = DecisionCatalogue.objects.create(unit=tree["county"], year=2025, title="县目录")
    with pytest.raises(ValidationError, match="本决策机关"):
        decision.full_clean()


# -- the five procedures -----------------------------------------------------------------------------------------
def test_comment_period_shorter_than_the_statutory_minimum_needs_a_reason(tree):
    decision = make_decision(tree["gov"])
    start = D(2025, 3, 10)
    minimum = param("decision.public_comment_min", start).value
    with pytest.raises(ValidationError) as refused:
        rules.open_decision_consultation(
            decision,
            title="征求意见",
            draft_text="草案",
            starts_on=start,
            ends_on=start + dt.timedelta(days=minimum - 1),
        )
    assert "decision.comment_period_min" in [e.code for e in refused.value.error_dict["ends_on"]]
    assert "第十五条" in refused.value.error_dict["ends_on"][0].message
    rules.open_decision_consultation(
        decision,
        title="征求意见",
        draft_text="草案",
        starts_on=start,
        ends_on=start + dt.timedelta(days=minimum - 1),
        short_reason="汛期前须完成决策，经批准缩短",
    )
    assert decision.consultations.count() == 1


def test_discussion_refused_without_a_passed_legality_review(tree):
    decision = make_decision(tree["gov"])
    rules.exempt_procedure(decision, "participation", "依法不予公开的事项")
    with pytest.raises(RuleViolation) as refused:
        discuss(decision)
    assert_rule(refused, "decision.legality_review_before_discussion")
    assert "未经合法性审查" in refused.value.messages[0] and "第二十五条" in refused.value.messages[0]
    rules.submit_legality_review(decision, D(2025, 5, 6))
    with pytest.raises(RuleViolation, match="合法性审查尚未完成"):
        discuss(decision)
    rules.complete_legality_review(decision, D(2025, 5, 30), "市司法局", "超越法定权限", False)
    with pytest.raises(RuleViolation, match="合法性审查未通过"):
        discuss(decision)
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.PLANNED and decision.discussed_on is None
    rules.submit_legality_review(decision, D(2025, 6, 2))
    rules.complete_legality_review(decision, D(2025, 6, 20), "市司法局", "修改后合法", True)
    exempt_expert_and_risk(decision)
    discuss(decision, on=D(2025, 6, 25))
    assert decision.status == DecisionStatus.DECIDED


def test_legality_review_shorter_than_the_minimum_needs_a_reason(tree):
    decision = make_decision(tree["gov"])
    submitted = D(2025, 5, 6)
    rules.submit_legality_review(decision, submitted)
    minimum = param("decision.legality_review_min", submitted).value
    too_soon = default_calendar().add_workdays(submitted, minimum - 1)
    with pytest.raises(RuleViolation) as refused:
        rules.complete_legality_review(decision, too_soon, "市司法局", "合法", True)
    assert_rule(refused, "decision.legality_review_period")
    assert f"审查用时{minimum - 1}个工作日" in refused.value.messages[0]
    rules.complete_legality_review(decision, too_soon, "市司法局", "合法", True, short_reason="紧急事项，经批准缩短")
    assert decision.legality_passed and decision.legality_short_reason


def test_discussion_waits_for_the_feedback_on_public_opinions(tree):
    decision = make_decision(tree["gov"])
    consultation = rules.open_decision_consultation(
        decision, title="征求意见", draft_text="草案", starts_on=D(2025, 3, 10), ends_on=D(2025, 4, 15)
    )
    pass_legality(decision)
    with pytest.raises(RuleViolation) as refused:
        discuss(decision)
    assert_rule(refused, "decision.opinions_before_discussion")
    with pytest.raises(ValidationError, match="期满后方可公布意见采纳情况"):
        rules.publish_feedback(consultation, D(2025, 4, 15), "采纳情况")
    rules.publish_feedback(consultation, D(2025, 4, 16), "采纳情况")
    decision.refresh_from_db()
    assert decision.participation_completed_on == D(2025, 4, 16)
    second = rules.open_decision_consultation(
        decision, title="第二轮征求意见", draft_text="修改稿", starts_on=D(2025, 5, 20), ends_on=D(2025, 6, 30)
    )
    with pytest.raises(RuleViolation, match="意见采纳情况尚未公布"):
        discuss(decision)
    rules.publish_feedback(second, D(2025, 7, 2), "第二轮采纳情况")
    decision.refresh_from_db()
    assert decision.participation_completed_on == D(2025, 7, 2), "participation ends with the latest feedback"
    exempt_expert_and_risk(decision)
    discuss(decision, on=D(2025, 7, 3))
    assert decision.status == DecisionStatus.DECIDED
    with pytest.raises(ValidationError) as refused:
        rules.open_decision_consultation(
            decision, title="决定后", draft_text="稿", starts_on=D(2025, 7, 10), ends_on=D(2025, 8, 30)
        )
    assert "决策前程序已经结束" in str(refused.value)


def test_exemptions_need_a_reason_and_cannot_follow_the_procedure(tree):
    decision = make_decision(tree["gov"])
    with pytest.raises(ValidationError, match="请具体说明不进行专家论证的理由"):
        rules.exempt_procedure(decision, "expert", " ")
    rules.record_risk_assessment(decision, D(2025, 4, 1), RiskLevel.MEDIUM, "中等风险，已制定预案")
    with pytest.raises(ValidationError, match="已进行风险评估"):
        rules.exempt_procedure(decision, "risk", "不会影响社会稳定")
    rules.open_decision_consultation(
        decision, title="征求意见", draft_text="草案", starts_on=D(2025, 3, 10), ends_on=D(2025, 4, 15)
    )
    with pytest.raises(ValidationError, match="已公开征求意见"):
        rules.exempt_procedure(decision, "participation", "依法不予公开")


def test_publication_refused_before_an_adopting_decision_and_evaluation_before_publication(tree):
    decision = make_decision(tree["gov"])
    with pytest.raises(RuleViolation) as refused:
        rules.publish_decision(decision, D(2025, 7, 1), "政府网站")
    assert_rule(refused, "decision.publish_after_decision")
    with pytest.raises(ValidationError, match="公布实施后方可进行后评估"):
        rules.evaluate_decision(decision, D(2025, 7, 1), "第三方", "良好")
    rules.exempt_procedure(decision, "participation", "依法不予公开的事项")
    exempt_expert_and_risk(decision)
    pass_legality(decision)
    discuss(decision, outcome=DiscussionOutcome.REJECTED)
    assert decision.status == DecisionStatus.NOT_ADOPTED
    with pytest.raises(RuleViolation, match="讨论未通过"):
        rules.publish_decision(decision, D(2025, 7, 1), "政府网站")
    with pytest.raises(ValidationError, match="决策前程序已经结束"):
        rules.record_expert_review(decision, D(2025, 7, 1), "专家", "意见")


def test_full_decision_and_its_lifelong_accountability_record(tree, users):
    decision = full_decision(tree["gov"])
    assert decision.full_procedure
    rules.publish_decision(decision, D(2025, 6, 20), "政府门户网站、政府公报")
    rules.evaluate_decision(decision, D(2026, 6, 1), "第三方评估机构", "实施效果良好")
    record = decision.accountability_record()
    roles = [row[0] for row in record]
    assert roles == ["决策启动（提出）", "合法性审查", "集体讨论决定", "决策公布", "决策后评估"]
    by_role = {row[0]: row for row in record}
    assert "王伟" in by_role["决策启动（提出）"][1] and by_role["决策启动（提出）"][2] == D(2025, 3, 3)
    assert "市司法局" in by_role["合法性审查"][1]
    assert "李强（市长）" in by_role["集体讨论决定"][1] and by_role["集体讨论决定"][2] == D(2025, 6, 10)
    procedures = {row[0]: row[1] for row in decision.procedures()}
    assert procedures == {
        "公众参与": "已完成",
        "专家论证": "已完成",
        "风险评估": "已完成",
        "合法性审查": "通过",
        "集体讨论决定": "通过",
    }


def test_accountability_record_names_who_entered_each_step(tree, users, login):
    client = login(users["office"])
    decision = make_decision(tree["gov"])
    rules.exempt_procedure(decision, "participation", "依法不予公开的事项")
    rules.submit_legality_review(decision, D(2025, 5, 6))
    response = client.post(
        reverse("ledger:major-decisions-action", args=[decision.pk, "legality"]),
        {
            "legality_reviewed_on": "2025-05-30",
            "legality_reviewer": "市司法局 赵敏",
            "legality_opinion": "合法",
            "legality_passed": "1",
            "legality_short_reason": "",
        },
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    review_row = next(row for row in decision.accountability_record() if row[0] == "合法性审查")
    assert review_row[3] == str(users["office"])
    page = client.get(reverse("ledger:major-decisions-detail", args=[decision.pk])).content.decode()
    assert "终身责任追究记录" in page and "市司法局 赵敏" in page


def test_refusal_is_shown_on_the_detail_page(tree, users, login):
    client = login(users["office"])
    decision = make_decision(tree["gov"])
    response = client.post(
        reverse("ledger:major-decisions-action", args=[decision.pk, "discuss"]),
        {
            "discussed_on": "2025-06-10",
            "meeting": "常务会议",
            "decided_by": "李强",
            "attendees": "",
            "discussion_outcome": "adopted",
        },
        follow=True,
    )
    page = response.content.decode()
    assert "集体讨论决定未执行" in page and "未经合法性审查或者经审查不合法的，不得提交集体讨论" in page
    decision.refresh_from_db()
    assert decision.discussed_on is None


def test_workflow_fields_cannot_be_set_through_the_api(tree, users, login):
    client = login(users["office"])
    decision = make_decision(tree["gov"])
    response = client.patch(
        reverse("api:major-decisions-detail", args=[decision.pk]),
        {"legality_passed": True, "status": "decided"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "POST /api/major-decisions/{id}/discuss/" in response.json()["status"][0]
    decision.refresh_from_db()
    assert decision.legality_passed is None and decision.status == DecisionStatus.PLANNED


# -- 合法性审查 and 法律顾问 -------------------------------------------------------------------------------------
@pytest.fixture
def adviser(tree):
    adviser = LegalAdviser.objects.create(
        unit=tree["county"],
        name="周律师",
        kind=AdviserKind.LAWYER,
        firm="明理律师事务所",
        license_number="19900000000001",
        contract_start=D(2025, 1, 1),
        contract_end=D(2025, 12, 31),
    )
    adviser.units_served.add(tree["town"])
    return adviser


def make_review(unit, number="HF-1", requested=D(2025, 3, 3)):
    return LegalityReview.objects.create(
        unit=unit,
        number=number,
        subject_type=ReviewSubject.CONTRACT,
        subject="办公用房租赁合同",
        requested_by="办公室",
        requested_on=requested,
    )


def test_review_request_opinion_outcome_with_working_days_taken(tree, adviser):
    review = make_review(tree["town"])
    with pytest.raises(ValidationError, match="尚未出具审查意见"):
        rules.close_review(review, D(2025, 3, 20), ReviewAdoption.ADOPTED)
    rules.give_opinion(
        review,
        on=D(2025, 3, 10),
        reviewer_kind=ReviewerKind.ADVISER,
        reviewer_name="",
        adviser=adviser,
        opinion="建议修改违约条款",
        conclusion=ReviewConclusion.LAWFUL_IF_AMENDED,
    )
    assert review.status == ReviewStatus.OPINION_GIVEN and review.reviewer_name == "周律师"
    assert review.workdays_taken == default_calendar().workdays_between(D(2025, 3, 3), D(2025, 3, 10)) == 5
    with pytest.raises(ValidationError, match="不能出具意见"):
        rules.give_opinion(
            review,
            on=D(2025, 3, 11),
            reviewer_kind=ReviewerKind.LEGAL_OFFICE,
            reviewer_name="法制科",
            opinion="再审",
            conclusion=ReviewConclusion.LAWFUL,
        )
    with pytest.raises(ValidationError, match="办结日期不能早于出具意见日期"):
        rules.close_review(review, D(2025, 3, 9), ReviewAdoption.ADOPTED)
    rules.close_review(review, D(2025, 3, 12), ReviewAdoption.ADOPTED)
    assert review.status == ReviewStatus.CLOSED
    assert [r.number for r in adviser.opinions.all()] == ["HF-1"]


def test_an_adviser_outside_the_contract_or_not_serving_the_unit_is_refused(tree, adviser):
    late = make_review(tree["town"], "HF-2", requested=D(2025, 12, 29))
    with pytest.raises(RuleViolation) as refused:
        rules.give_opinion(
            late,
            on=D(2026, 1, 5),
            reviewer_kind=ReviewerKind.ADVISER,
            reviewer_name="",
            adviser=adviser,
            opinion="意见",
            conclusion=ReviewConclusion.LAWFUL,
        )
    assert_rule(refused, "decision.adviser_under_contract")
    assert "聘期" in refused.value.messages[0]
    elsewhere = make_review(tree["other_county"], "HF-3")
    with pytest.raises(RuleViolation, match="不是另一县人民政府的法律顾问"):
        rules.give_opinion(
            elsewhere,
            on=D(2025, 3, 10),
            reviewer_kind=ReviewerKind.ADVISER,
            reviewer_name="",
            adviser=adviser,
            opinion="意见",
            conclusion=ReviewConclusion.LAWFUL,
        )
    own = make_review(tree["county"], "HF-4")
    rules.give_opinion(
        own,
        on=D(2025, 3, 10),
        reviewer_kind=ReviewerKind.ADVISER,
        reviewer_name="",
        adviser=adviser,
        opinion="意见",
        conclusion=ReviewConclusion.LAWFUL,
    )
    assert own.adviser == adviser


def test_opinion_before_request_and_adviser_contract_dates_are_checked(tree):
    review = make_review(tree["town"])
    with pytest.raises(ValidationError, match="出具意见日期不能早于送审日期"):
        rules.give_opinion(
            review,
            on=D(2025, 3, 2),
            reviewer_kind=ReviewerKind.LEGAL_OFFICE,
            reviewer_name="法制科",
            opinion="意见",
            conclusion=ReviewConclusion.LAWFUL,
        )
    bad = LegalAdviser(
        unit=tree["town"],
        name="某律师",
        kind=AdviserKind.LAWYER,
        license_number="",
        contract_start=D(2025, 2, 1),
        contract_end=D(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as refused:
        bad.full_clean()
    assert set(refused.value.error_dict) == {"contract_end", "license_number"}


def test_adviser_api_refuses_serving_units_outside_scope(tree, users, login):
    client = login(users["unit_admin"])
    response = client.post(
        reverse("api:legal-advisers-list"),
        {
            "unit": tree["county"].pk,
            "name": "新顾问",
            "kind": "firm",
            "firm": "律所",
            "license_number": "",
            "contract_start": "2025-01-01",
            "contract_end": "2025-12-31",
            "units_served": [tree["other_county"].pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 400 and not LegalAdviser.objects.filter(name="新顾问").exists()
    response = client.post(
        reverse("api:legal-advisers-list"),
        {
            "unit": tree["county"].pk,
            "name": "新顾问",
            "kind": "firm",
            "firm": "律所",
            "license_number": "",
            "contract_start": "2025-01-01",
            "contract_end": "2025-12-31",
            "units_served": [tree["town"].pk],
        },
        content_type="application/json",
    )
    assert response.status_code == 201
    assert list(LegalAdviser.objects.get(name="新顾问").units_served.all()) == [tree["town"]]


# -- metrics -----------------------------------------------------------------------------------------------------
YEAR = Period.year(2025)


@pytest.fixture
def ledger(tree, adviser):
    county, town = tree["county"], tree["town"]
    on_time = published(make_doc(county, title="县文件1"), number="N1")
    rules.file_document(on_time, on_time.filing_due_on, "云测市人民政府")
    late = published(make_doc(county, title="县文件2"), number="N2")
    rules.file_document(late, late.filing_due_on + dt.timedelta(days=3), "云测市人民政府")
    published(make_doc(county, title="县文件3"), number="N3")  # not filed
    published(make_doc(town, title="镇文件", filing_required=False), number="N4")  # needs no filing
    failed = make_doc(town, title="未通过")
    rules.submit_for_review(failed, D(2025, 5, 5))
    rules.complete_review(failed, D(2025, 5, 9), "县司法局", "不合法", False)
    old = NormativeDocument.objects.create(  # a document of 2024, as the import of published documents stores it
        unit=county,
        title="旧文件",
        status="published",
        number="OLD",
        review_submitted_on=D(2024, 2, 1),
        reviewed_on=D(2024, 2, 1),
        reviewer="县司法局",
        review_opinion="经审核合法",
        review_passed=True,
        deliberated_on=D(2024, 2, 20),
        meeting="县政府常务会议",
        published_on=D(2024, 3, 1),
        effective_from=D(2024, 3, 1),
        valid_until=D(2028, 12, 31),
    )
    campaign = CleanupCampaign.objects.create(unit=county, title="清理", started_on=D(2025, 6, 2))
    rules.add_documents_in_force(campaign)
    outcomes = {
        "旧文件": CleanupOutcomeKind.REPEAL,
        "县文件1": CleanupOutcomeKind.RETAIN,
        "县文件2": CleanupOutcomeKind.AMEND,
        "县文件3": CleanupOutcomeKind.RETAIN,
        "镇文件": CleanupOutcomeKind.INVALIDATE,
    }
    for item in campaign.items.select_related("document"):
        rules.record_cleanup_outcome(item, outcomes[item.document.title], "理由", D(2025, 7, 1))
    rules.complete_cleanup(campaign, D(2025, 8, 1))
    assert old.pk in campaign.items.values_list("document_id", flat=True)

    full_decision(county, "全程序决策")
    full_decision(county, "不公开决策", consult=False)
    # Decided without expert argument or a reason why it did not apply: the steps refuse that now, but a record
    # from before (written here directly) still counts as a decision without the full procedure.
    partial = make_decision(county, "未专家论证")
    rules.exempt_procedure(partial, "participation", "依法不予公开的事项")
    rules.exempt_procedure(partial, "risk", "决策实施不会对社会稳定、公共安全造成不利影响")
    pass_legality(partial)
    with pytest.raises(RuleViolation, match="尚未专家论证"):
        discuss(partial)
    MajorDecision.all_objects.filter(pk=partial.pk).update(
        status=DecisionStatus.PUBLISHED,
        discussed_on=D(2025, 6, 10),
        meeting="县政府常务会议",
        decided_by="县长",
        discussion_outcome=DiscussionOutcome.ADOPTED,
        published_on=D(2025, 6, 20),
        publication_channel="政府网站",
    )
    assert [v.pk for v in violations(["rulemaking.decided_without_mandatory_procedures"])] == [partial.pk]
    deferred = make_decision(county, "暂缓")
    rules.exempt_procedure(deferred, "participation", "依法不予公开的事项")
    exempt_expert_and_risk(deferred)
    pass_legality(deferred)
    discuss(deferred, outcome=DiscussionOutcome.DEFERRED)

    for number, unit, by_adviser, opinion_on in [
        ("R1", town, True, D(2025, 3, 10)),
        ("R2", town, False, D(2025, 4, 1)),
        ("R3", county, False, D(2024, 12, 30)),
        ("R4", county, None, None),
    ]:
        review = make_review(unit, number, requested=opinion_on - dt.timedelta(days=3) if opinion_on else D(2025, 6, 2))
        if opinion_on:
            rules.give_opinion(
                review,
                on=opinion_on,
                reviewer_kind=ReviewerKind.ADVISER if by_adviser else ReviewerKind.LEGAL_OFFICE,
                reviewer_name="法制科",
                adviser=adviser if by_adviser else None,
                opinion="意见",
                conclusion=ReviewConclusion.LAWFUL,
            )
    LegalAdviser.objects.create(
        unit=county,
        name="过期顾问",
        kind=AdviserKind.SCHOLAR,
        contract_start=D(2023, 1, 1),
        contract_end=D(2024, 12, 31),
    )
    LegislationProject.objects.create(
        unit=tree["gov"],
        year=2025,
        title="规章1",
        kind=LegislationKind.GOVERNMENT_RULE,
        stage=LegislationStage.SUBMITTED,
        drafted_on=D(2025, 9, 1),
    )
    LegislationProject.objects.create(unit=tree["gov"], year=2025, title="规章2", kind=LegislationKind.GOVERNMENT_RULE)
    return tree


def test_rules_metrics_of_a_county_and_its_subtree(ledger):
    county, town, gov = ledger["county"], ledger["town"], ledger["gov"]
    own = unit_metrics(YEAR, [county, town], subtree=False)
    c, t = own[county.pk], own[town.pk]
    assert c["normative_docs_issued"] == 3 and t["normative_docs_issued"] == 1
    assert c["normative_docs_reviewed"] == 3 and t["normative_docs_reviewed"] == 2  # the failed review counts
    assert c["normative_docs_to_file"] == 3 and c["normative_docs_filed"] == 2
    assert c["normative_docs_filing_rate"] == pytest.approx(2 / 3)
    assert c["normative_docs_filed_on_time_rate"] == pytest.approx(1 / 2)
    assert t["normative_docs_filing_rate"] is None, "nothing to file: no rate rather than 0 %"
    assert (
        c["normative_docs_cleaned"],
        c["normative_docs_repealed"],
        c["normative_docs_amended"],
        c["normative_docs_retained"],
    ) == (4, 1, 1, 2)
    assert (t["normative_docs_cleaned"], t["normative_docs_invalidated"]) == (1, 1)
    assert c["major_decisions"] == 3, "the deferred decision is not a decision made"
    assert c["major_decisions_full_procedure_rate"] == pytest.approx(2 / 3)
    assert t["legality_reviews"] == 2 and t["legal_adviser_opinions"] == 1
    assert c["legality_reviews"] == 0, "R3 was given in 2024 and R4 has no opinion yet"
    assert c["legal_advisers"] == 1, "the adviser whose contract ended in 2024 is not counted"
    subtree = unit_metrics(YEAR, [county, gov])
    assert subtree[county.pk]["normative_docs_issued"] == 4 and subtree[county.pk]["legality_reviews"] == 2
    assert subtree[county.pk]["normative_docs_cleaned"] == 5
    assert subtree[gov.pk]["regulations_drafted"] == 1 and subtree[county.pk]["regulations_drafted"] == 0


def test_overview_page_lists_reminders_in_scope(ledger, users, login):
    late = published(make_doc(ledger["other_county"], title="另一县逾期未备案"), number="X9", on=D(2025, 3, 20))
    assert late.filing_overdue()
    page = login(users["unit_admin"]).get(reverse("rulemaking:overview") + "?year=2025").content.decode()
    assert "县文件3" in page and "另一县逾期未备案" not in page
    assert "规范性文件备案率" in page


def test_catalogue_steps_and_legislation_projects_refuse_inconsistent_records(tree):
    catalogue_row = DecisionCatalogue.objects.create(unit=tree["gov"], year=2025, title="目录")
    rules.approve_catalogue(catalogue_row, D(2025, 2, 20))
    with pytest.raises(ValidationError, match="已经同级党委同意"):
        rules.approve_catalogue(catalogue_row, D(2025, 2, 21))
    rules.publish_catalogue(catalogue_row, D(2025, 3, 1))
    with pytest.raises(ValidationError, match="目录已经公布"):
        rules.publish_catalogue(catalogue_row, D(2025, 3, 2))
    decision = make_decision(tree["gov"])
    rules.submit_legality_review(decision, D(2025, 5, 6))
    with pytest.raises(ValidationError, match="合法性审查已在进行或已通过"):
        rules.submit_legality_review(decision, D(2025, 5, 7))
    project = LegislationProject(
        unit=tree["gov"],
        year=2025,
        title="规章",
        kind=LegislationKind.GOVERNMENT_RULE,
        stage=LegislationStage.ADOPTED,
        drafted_on=D(2025, 6, 1),
        adopted_on=D(2025, 5, 1),
    )
    with pytest.raises(ValidationError) as refused:
        project.full_clean()
    assert "通过日期不能早于提请审议日期" in str(refused.value)
    project.stage, project.drafted_on, project.adopted_on = LegislationStage.SUBMITTED, None, None
    with pytest.raises(ValidationError, match="须填写提请审议日期"):
        project.full_clean()
