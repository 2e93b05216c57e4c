"""行政应诉, 人民调解 and 信访: limits, the appeal link, refusals with their rule."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fazhi.disputes import rules
from fazhi.disputes.choices import (
    AgreementForm,
    DisputeType,
    HeadAppearance,
    Instance,
    MediationOrgType,
    MediationStatus,
    PetitionChannel,
)
from fazhi.disputes.models import Lawsuit, MediatedDispute, MediationOrganisation, Mediator, Petition
from fazhi.law.errors import RuleViolation

D = dt.date


def make_lawsuit(unit, number="L1", filed=D(2025, 3, 3), **extra):
    suit = Lawsuit(
        unit=unit,
        number=number,
        court="测试县人民法院",
        plaintiff="某公司",
        act_type="penalty",
        filed_on=filed,
        **extra,
    )
    suit.full_clean()
    suit.save()
    return suit


# -- 行政应诉 ----------------------------------------------------------------------------------------------
def test_defence_is_due_fifteen_days_after_service(tree):
    suit = make_lawsuit(tree["dept"], served_on=D(2025, 3, 5))
    assert suit.defence_due_on == D(2025, 3, 20)
    suit.served_on = D(2025, 3, 14)  # 15 days later is a Saturday: the period ends on the Monday
    suit.save()
    assert suit.defence_due_on == D(2025, 3, 31)


def test_an_appeal_links_to_a_closed_first_instance_of_the_same_defendant(tree):
    first = make_lawsuit(tree["dept"], "L1")
    with pytest.raises(ValidationError) as refused:
        make_lawsuit(tree["dept"], "L2", trial_level=Instance.SECOND)
    assert "须关联前审案件" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        make_lawsuit(tree["dept"], "L2", trial_level=Instance.SECOND, previous_instance=first)
    assert "前审案件尚未审结" in str(refused.value)
    rules.close_lawsuit(first, "lost_revoked", D(2025, 6, 1))
    with pytest.raises(ValidationError) as refused:
        make_lawsuit(tree["dept2"], "L2", trial_level=Instance.SECOND, previous_instance=first, filed=D(2025, 7, 1))
    assert "被告单位应与本案一致" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        make_lawsuit(tree["dept"], "L2", trial_level=Instance.SECOND, previous_instance=first, filed=D(2025, 5, 1))
    assert "不能早于前审结案日期" in str(refused.value)
    with pytest.raises(ValidationError):
        make_lawsuit(tree["dept"], "L0", previous_instance=first)  # a first instance has none
    second = make_lawsuit(tree["dept"], "L2", trial_level=Instance.SECOND, previous_instance=first, filed=D(2025, 7, 1))
    assert list(first.next_instances.all()) == [second]
    with pytest.raises(ValidationError) as refused:
        rules.close_lawsuit(first, "remanded", D(2025, 6, 1))
    assert "当前状态" in str(refused.value)
    rules.close_lawsuit(second, "remanded", D(2025, 9, 1))
    with pytest.raises(ValidationError) as refused:
        rules.close_lawsuit(make_lawsuit(tree["dept"], "L3"), "remanded", D(2025, 9, 1))
    assert "一审案件不能发回重审" in str(refused.value)


def test_a_hearing_without_the_head_needs_a_reason(tree):
    suit = make_lawsuit(tree["dept"])
    with pytest.raises(RuleViolation) as refused:
        rules.record_court_hearing(suit, D(2025, 4, 1), HeadAppearance.NONE, staff_appeared=True)
    assert "最高人民法院关于行政机关负责人出庭应诉若干问题的规定" in refused.value.messages[0]
    with pytest.raises(ValidationError) as refused:
        rules.record_court_hearing(suit, D(2025, 4, 1), HeadAppearance.HEAD, "")
    assert "出庭负责人姓名" in str(refused.value)
    with pytest.raises(ValidationError) as refused:
        rules.record_court_hearing(suit, D(2025, 4, 1), HeadAppearance.DEPUTY, "副局长", absence_reason="duties")
    assert "无需填写未出庭理由" in str(refused.value)
    hearing = rules.record_court_hearing(
        suit, D(2025, 4, 1), HeadAppearance.NONE, lawyer_appeared=True, absence_reason="none", judicial_suggestion=True
    )
    assert hearing.judicial_suggestion and suit.hearings.count() == 1


def test_lawsuit_workflow_and_late_defence_list_through_the_web(tree, users, login):
    client = login(users["clerk"])
    response = client.post(
        reverse("ledger:lawsuits-add"),
        {
            "unit": tree["town"].pk,
            "number": "（2025）测0102行初1号",
            "court": "测试县人民法院",
            "trial_level": "first",
            "plaintiff": "某公司",
            "act_type": "penalty",
            "filed_on": "2025-03-03",
            "served_on": "2025-03-05",
        },
    )
    assert response.status_code == 302
    suit = Lawsuit.objects.get(number="（2025）测0102行初1号")
    make_lawsuit(tree["town"], "ON-TIME", served_on=D(2025, 3, 5), defence_submitted_on=D(2025, 3, 18))

    def action_url(name):
        return reverse("ledger:lawsuits-action", args=[suit.pk, name])

    client.post(
        action_url("hearing"),
        {"held_on": "2025-05-06", "head_appearance": "head", "head_name": "镇长 周某", "staff_appeared": "on"},
    )
    client.post(action_url("close"), {"closed_on": "2025-06-30", "outcome": "lost_confirmed_illegal"})
    suit.refresh_from_db()
    assert suit.status == "closed" and suit.lost and suit.hearings.get().head_name == "镇长 周某"
    page = client.get(reverse("ledger:lawsuits-list") + "?overdue=true").content.decode()
    assert "行初1号" in page and "ON-TIME" not in page  # no defence recorded and 3-20 has passed
    client.post(action_url("defence"), {"defence_submitted_on": "2025-03-21"})
    page = client.get(reverse("ledger:lawsuits-list") + "?overdue=true").content.decode()
    assert "行初1号" in page  # handed in a day late


# -- 人民调解 ----------------------------------------------------------------------------------------------
@pytest.fixture
def organisation(tree):
    return MediationOrganisation.objects.create(
        unit=tree["town"], name="城关镇人调委", org_type=MediationOrgType.TOWNSHIP, established_on=D(2015, 1, 1)
    )


def test_mediation_close_and_judicial_confirmation_within_thirty_days(organisation):
    dispute = MediatedDispute.objects.create(
        unit=organisation.unit,
        organisation=organisation,
        number="M1",
        dispute_type=DisputeType.FAMILY,
        parties="甲、乙",
        received_on=D(2025, 3, 3),
    )
    with pytest.raises(ValidationError) as refused:
        rules.close_mediation(dispute, MediationStatus.RESOLVED, D(2025, 3, 10))
    assert "协议形式" in str(refused.value)
    with pytest.raises(ValidationError):
        rules.request_confirmation(dispute, D(2025, 3, 12))
    rules.close_mediation(dispute, MediationStatus.RESOLVED, D(2025, 3, 10), AgreementForm.WRITTEN)
    with pytest.raises(RuleViolation) as refused:
        rules.request_confirmation(dispute, D(2025, 4, 10))
    assert "申请司法确认期限30日" in refused.value.messages[0] and "人民调解法" in refused.value.messages[0]
    rules.request_confirmation(dispute, D(2025, 4, 9))
    assert dispute.confirmation_requested_on == D(2025, 4, 9)


def test_mediator_and_dispute_belong_to_their_organisations_unit(organisation, tree):
    mediator = Mediator(unit=tree["county"], organisation=organisation, name="张某", started_on=D(2020, 1, 1))
    with pytest.raises(ValidationError) as refused:
        mediator.full_clean()
    assert "调解组织的单位一致" in str(refused.value)
    dispute = MediatedDispute(
        unit=tree["county"],
        organisation=organisation,
        number="M9",
        dispute_type="other",
        parties="甲",
        received_on=D(2025, 1, 1),
    )
    with pytest.raises(ValidationError):
        dispute.full_clean()


# -- 信访 --------------------------------------------------------------------------------------------------
def make_petition(unit, number="P1", received=D(2025, 3, 3), **extra):
    return Petition.objects.create(
        unit=unit,
        number=number,
        petitioner="王某",
        channel=PetitionChannel.LETTER,
        subject="反映问题",
        received_on=received,
        **extra,
    )


def test_petition_limits_registration_handling_and_extension(tree):
    petition = make_petition(tree["county"])
    assert petition.registration_due_on == D(2025, 3, 18)
    with pytest.raises(ValidationError) as refused:
        rules.refuse_petition(petition, D(2025, 3, 10), "")
    assert "理由" in str(refused.value)
    rules.accept_petition(petition, D(2025, 3, 5))
    assert petition.due_on == D(2025, 5, 6)  # 60 days is Sunday 5-4; 5-5 is the 劳动节 holiday
    with pytest.raises(RuleViolation) as refused:
        rules.extend_petition(petition, 31, D(2025, 4, 30))
    assert "信访事项办理期限最长延长30日" in refused.value.messages[0] and "第三十四条" in refused.value.messages[0]
    rules.extend_petition(petition, 30, D(2025, 4, 30))
    assert petition.due_on == D(2025, 6, 3)
    late = make_petition(tree["county"], "P2")
    rules.accept_petition(late, D(2025, 3, 5))
    with pytest.raises(RuleViolation) as refused:
        rules.extend_petition(late, 10, D(2025, 5, 7))
    assert "届满前" in refused.value.messages[0]


def test_a_repeat_must_be_flagged_and_come_after_the_first(tree):
    first = make_petition(tree["county"], "P1", received=D(2025, 3, 3))
    repeat = Petition(
        unit=tree["county"],
        number="P2",
        petitioner="王某",
        channel="visit",
        subject="同一问题",
        received_on=D(2025, 4, 1),
        repeat_of=first,
    )
    with pytest.raises(ValidationError) as refused:
        repeat.full_clean()
    assert "应标为重复信访" in str(refused.value)
    repeat.received_on = D(2025, 2, 1)
    repeat.repeated = True
    with pytest.raises(ValidationError) as refused:
        repeat.full_clean()
    assert "应早于本件" in str(refused.value)


def test_petition_overdue_list(tree, users, login):
    late = make_petition(tree["town"], "LATE-P")
    rules.accept_petition(late, D(2025, 3, 5))
    fine = make_petition(tree["town"], "FINE-P")
    rules.accept_petition(fine, D(2025, 3, 5))
    rules.conclude_petition(fine, D(2025, 4, 1))
    page = login(users["clerk"]).get(reverse("ledger:petitions-list") + "?overdue=true").content.decode()
    assert "LATE-P" in page and "FINE-P" not in page
