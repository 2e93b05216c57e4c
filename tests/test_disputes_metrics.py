"""Dispute metrics on a hand-computed example: each outcome in its metric, the correction rate, roll-up."""

import datetime as dt

import pytest

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
from fazhi.metrics.registry import Period, unit_metrics

from .test_disputes_reconsideration import make_case

D = dt.date
YEAR = Period.year(2025)

OUTCOMES_2025 = [  # one case closed in 2025 for each entry
    "upheld",
    "upheld",
    "upheld",
    "dismissed_request",
    "dismissed_application",
    "revoked",
    "revoked",
    "altered",
    "confirmed_illegal",
    "ordered_to_perform",
    "mediated",
    "settled",
    "terminated",
]


def closed_case(unit, number, outcome, received, accepted, closed):
    case = make_case(unit, number=number, received=received)
    rules.accept(case, accepted)
    rules.decide(case, outcome, closed)
    return case


@pytest.fixture
def reconsideration(tree):
    county, town = tree["county"], tree["town"]
    for i, outcome in enumerate(OUTCOMES_2025):
        closed_case(county, f"C{i}", outcome, D(2025, 3, 3), D(2025, 3, 4), D(2025, 4, 1))
    rules.refuse_acceptance(make_case(county, number="NA", received=D(2025, 5, 5)), D(2025, 5, 6), "不属于受案范围")
    open_case = make_case(county, number="OPEN", received=D(2025, 12, 29))
    rules.accept(open_case, D(2025, 12, 30))
    closed_case(county, "OLD", "upheld", D(2024, 10, 8), D(2024, 10, 9), D(2024, 11, 20))  # all in 2024
    closed_case(county, "CARRY", "revoked", D(2024, 12, 2), D(2024, 12, 3), D(2025, 1, 10))  # closed in 2025
    gone = closed_case(county, "GONE", "altered", D(2025, 3, 3), D(2025, 3, 4), D(2025, 4, 1))
    gone.soft_delete(None, "重复录入")
    closed_case(town, "T1", "revoked", D(2025, 3, 3), D(2025, 3, 4), D(2025, 4, 1))
    heard = make_case(county, number="HEARD", received=D(2025, 6, 3))
    rules.accept(heard, D(2025, 6, 3))
    rules.add_hearing(heard, D(2025, 6, 9), D(2025, 6, 16), True, "局长 王某")
    rules.add_hearing(heard, D(2025, 6, 17), D(2025, 6, 24), False)
    return tree


def test_each_reconsideration_outcome_is_counted_in_its_metric(reconsideration):
    county = reconsideration["county"]
    values = unit_metrics(YEAR, [county], subtree=False)[county.pk]
    assert values["reconsideration_received"] == 13 + 3  # the 13, NA, OPEN, HEARD; GONE is deleted
    assert values["reconsideration_accepted"] == 13 + 2  # the 13, OPEN, HEARD
    assert values["reconsideration_not_accepted"] == 1
    assert values["reconsideration_closed"] == 13 + 1  # CARRY was received in 2024 and closed in 2025
    assert values["reconsideration_upheld"] == 3
    assert values["reconsideration_dismissed"] == 2  # 驳回复议请求 and 驳回申请
    assert values["reconsideration_revoked"] == 3
    assert values["reconsideration_altered"] == 1
    assert values["reconsideration_confirmed_illegal"] == 1
    assert values["reconsideration_ordered_to_perform"] == 1
    assert values["reconsideration_settled"] == 2  # 调解 and 和解
    assert values["reconsideration_terminated"] == 1
    assert values["reconsideration_hearings"] == 2 and values["reconsideration_head_attendance_rate"] == 0.5


def test_correction_rate_on_a_hand_computed_example(reconsideration):
    county, gov = reconsideration["county"], reconsideration["gov"]
    own = unit_metrics(YEAR, [county], subtree=False)[county.pk]
    # corrected: revoked 3 (C5, C6, CARRY) + altered 1 + confirmed illegal 1 + ordered to perform 1 = 6 of 14 closed
    assert own["reconsideration_corrected"] == 6
    assert own["reconsideration_correction_rate"] == pytest.approx(6 / 14)
    subtree = unit_metrics(YEAR, [gov])[gov.pk]
    assert subtree["reconsideration_correction_rate"] == pytest.approx(7 / 15)  # the town's revoked case added
    assert unit_metrics(Period.year(2024), [county], subtree=False)[county.pk]["reconsideration_correction_rate"] == 0


def lawsuit(unit, number, filed, outcome=None, closed=None, hearing=None, instance=Instance.FIRST, previous=None):
    suit = Lawsuit(
        unit=unit,
        number=number,
        court="测试县人民法院",
        trial_level=instance,
        previous_instance=previous,
        plaintiff="某公司",
        act_type="penalty",
        filed_on=filed,
    )
    suit.full_clean()
    suit.save()
    if hearing:
        rules.record_court_hearing(suit, **hearing)
    if outcome:
        rules.close_lawsuit(suit, outcome, closed)
    return suit


def test_litigation_cases_losses_and_head_appearances(tree):
    dept = tree["dept"]
    lawsuit(
        dept,
        "L1",
        D(2025, 2, 1),
        "won",
        D(2025, 6, 1),
        hearing={
            "held_on": D(2025, 4, 1),
            "head_appearance": HeadAppearance.HEAD,
            "head_name": "局长 王某",
            "staff_appeared": True,
        },
    )
    l2 = lawsuit(
        dept,
        "L2",
        D(2025, 2, 1),
        "lost_revoked",
        D(2025, 7, 1),
        hearing={
            "held_on": D(2025, 5, 1),
            "head_appearance": HeadAppearance.DEPUTY,
            "head_name": "副局长 李某",
            "lawyer_appeared": True,
        },
    )
    lawsuit(
        dept,
        "L2A",
        D(2025, 8, 1),
        "won",
        D(2025, 11, 1),
        instance=Instance.SECOND,
        previous=l2,
        hearing={
            "held_on": D(2025, 9, 10),
            "head_appearance": HeadAppearance.NONE,
            "staff_appeared": True,
            "absence_reason": "duties",
        },
    )
    lawsuit(dept, "L3", D(2025, 3, 1), "withdrawn", D(2025, 4, 1))
    lawsuit(dept, "L4", D(2025, 3, 1), "mediated", D(2025, 4, 1))
    lawsuit(
        dept,
        "L5",
        D(2025, 9, 1),
        hearing={
            "held_on": D(2025, 10, 10),
            "head_appearance": HeadAppearance.IN_CHARGE,
            "head_name": "分管负责人 赵某",
        },
    )
    lawsuit(dept, "L6", D(2024, 5, 1), "lost_ordered_to_perform", D(2025, 1, 15))
    lawsuit(dept, "L7", D(2025, 4, 1), "suit_dismissed", D(2025, 5, 1))
    values = unit_metrics(YEAR, [dept], subtree=False)[dept.pk]
    assert values["litigation_cases"] == 7  # L6 was filed in 2024; each instance is a case
    assert values["litigation_lost"] == 2  # L2 and L6
    assert values["litigation_decided"] == 4  # judgments only: L1, L2, L2A, L6
    assert values["litigation_loss_rate"] == 0.5
    assert values["head_appearances"] == 3 and values["head_appearance_rate"] == 0.75


def test_mediation_organisations_mediators_and_success_rate(tree):
    town = tree["town"]
    village = MediationOrganisation.objects.create(
        unit=town, name="村调委会", org_type=MediationOrgType.VILLAGE, established_on=D(2020, 1, 1)
    )
    MediationOrganisation.objects.create(
        unit=town, name="居调委会", org_type=MediationOrgType.RESIDENTS, established_on=D(2025, 3, 1)
    )
    MediationOrganisation.objects.create(
        unit=town,
        name="旧调委会",
        org_type=MediationOrgType.SECTORAL,
        established_on=D(2018, 1, 1),
        dissolved_on=D(2025, 6, 30),
    )
    for name, started, ended in [
        ("甲", D(2020, 1, 1), None),
        ("乙", D(2021, 1, 1), None),
        ("丙", D(2025, 2, 1), None),
        ("丁", D(2020, 1, 1), D(2025, 5, 1)),
        ("戊", D(2026, 1, 5), None),
    ]:
        Mediator.objects.create(unit=town, organisation=village, name=name, started_on=started, ended_on=ended)
    for i, (received, status) in enumerate(
        [
            (D(2025, 1, 5), MediationStatus.RESOLVED),
            (D(2025, 2, 5), MediationStatus.RESOLVED),
            (D(2025, 3, 5), MediationStatus.RESOLVED),
            (D(2025, 4, 5), MediationStatus.FAILED),
            (D(2025, 12, 20), None),
            (D(2024, 12, 20), MediationStatus.RESOLVED),
        ]
    ):
        dispute = MediatedDispute.objects.create(
            unit=town,
            organisation=village,
            number=f"M{i}",
            dispute_type=DisputeType.NEIGHBOUR,
            parties="甲、乙",
            received_on=received,
        )
        if status:
            rules.close_mediation(dispute, status, received + dt.timedelta(days=20), AgreementForm.WRITTEN)
    values = unit_metrics(YEAR, [town], subtree=False)[town.pk]
    assert values["mediation_organisations"] == 2 and values["mediators"] == 3
    assert values["mediation_received"] == 5 and values["mediation_resolved"] == 3
    assert values["mediation_success_rate"] == pytest.approx(0.6)


def petition(unit, number, received, **extra):
    return Petition.objects.create(
        unit=unit,
        number=number,
        petitioner="王某",
        channel=PetitionChannel.VISIT,
        subject="反映问题",
        received_on=received,
        **extra,
    )


def test_petitions_received_repeated_and_concluded_within_the_limit(tree):
    county = tree["county"]
    p1 = petition(county, "P1", D(2025, 1, 10))
    rules.accept_petition(p1, D(2025, 1, 15))
    rules.conclude_petition(p1, D(2025, 2, 20))
    p2 = petition(county, "P2", D(2025, 2, 1), repeated=True, repeat_of=p1)
    rules.accept_petition(p2, D(2025, 2, 3))
    rules.extend_petition(p2, 10, D(2025, 3, 20))
    rules.conclude_petition(p2, D(2025, 4, 10))  # after 60 days, within the 70 the extension allows
    p3 = petition(county, "P3", D(2025, 3, 1))
    rules.accept_petition(p3, D(2025, 3, 3))
    rules.conclude_petition(p3, D(2025, 6, 1))
    petition(county, "P4", D(2025, 11, 20))
    p5 = petition(county, "P5", D(2024, 12, 1))
    rules.accept_petition(p5, D(2024, 12, 2))
    rules.conclude_petition(p5, D(2025, 1, 10))
    assert (p1.on_time, p2.on_time, p3.on_time, p5.on_time) == (True, True, False, True)
    values = unit_metrics(YEAR, [county], subtree=False)[county.pk]
    assert values["petitions_received"] == 4 and values["petitions_repeated"] == 1
    assert values["petitions_closed"] == 4 and values["petitions_on_time_rate"] == 0.75
