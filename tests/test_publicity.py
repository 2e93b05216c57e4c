"""普法与学法: events, leadership law study, training and exams counted in their metrics; import of events."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.ledgers import registry
from fazhi.metrics.registry import Period, unit_metrics
from fazhi.publicity.models import LawExam, LawStudySession, PublicityEvent, Training

from .test_import import workbook_file

D = dt.date
YEAR = Period.year(2025)


@pytest.fixture
def ledger(tree):
    county, town = tree["county"], tree["town"]
    for unit, event_type, held, participants, materials in [
        (county, "campaign", D(2025, 12, 4), 800, 2000),
        (county, "lecture", D(2025, 4, 15), 120, 0),
        (county, "consultation", D(2025, 3, 15), 60, 300),
        (county, "lecture", D(2024, 12, 4), 500, 100),  # last year
        (town, "lecture", D(2025, 5, 20), 45, 50),
    ]:
        PublicityEvent.objects.create(
            unit=unit,
            title="活动",
            event_type=event_type,
            held_on=held,
            participants=participants,
            materials_distributed=materials,
        )
    gone = PublicityEvent.objects.create(
        unit=county, title="重复", event_type="campaign", held_on=D(2025, 6, 1), participants=999
    )
    gone.soft_delete(None, "重复录入")
    for kind, held in [
        ("executive_meeting", D(2025, 2, 10)),
        ("executive_meeting", D(2025, 5, 10)),
        ("central_group", D(2025, 6, 1)),
        ("leadership_lecture", D(2025, 9, 1)),
        ("staff_collective", D(2025, 9, 2)),
        ("executive_meeting", D(2024, 11, 1)),
    ]:
        LawStudySession.objects.create(unit=county, kind=kind, held_on=held, topic="学习民法典", attendees=20)
    for started, trainees in [(D(2025, 5, 6), 120), (D(2025, 10, 9), 80), (D(2024, 10, 9), 70)]:
        Training.objects.create(
            unit=county, title="培训", kind="law_topic", started_on=started, ended_on=started, trainees=trainees
        )
    LawExam.objects.create(
        unit=county, title="年度考试", exam_type="annual", held_on=D(2025, 11, 5), candidates=300, passed=291
    )
    LawExam.objects.create(
        unit=town, title="任前考试", exam_type="pre_appointment", held_on=D(2025, 7, 1), candidates=10, passed=9
    )
    return tree


def test_publicity_and_study_metrics_own_and_subtree(ledger):
    county = ledger["county"]
    own = unit_metrics(YEAR, [county], subtree=False)[county.pk]
    assert own["law_publicity_events"] == 3 and own["law_lectures"] == 1
    assert own["law_publicity_participants"] == 980 and own["law_materials_distributed"] == 2300
    assert (
        own["leadership_law_study_sessions"] == 4
    )  # staff study and last year's meeting are not the leadership's 2025
    assert own["staff_trained"] == 200
    assert own["law_exam_candidates"] == 300 and own["law_exam_pass_rate"] == pytest.approx(0.97)
    subtree = unit_metrics(YEAR, [county])[county.pk]
    assert (
        subtree["law_publicity_events"] == 4
        and subtree["law_lectures"] == 2
        and subtree["law_publicity_participants"] == 1025
    )
    assert subtree["law_exam_pass_rate"] == pytest.approx(300 / 310)


def test_validation_of_training_and_exam(tree):
    with pytest.raises(ValidationError):
        LawExam(
            unit=tree["town"], title="x", exam_type="annual", held_on=D(2025, 1, 1), candidates=5, passed=6
        ).full_clean()
    with pytest.raises(ValidationError):
        Training(
            unit=tree["town"], title="x", kind="online", started_on=D(2025, 2, 1), ended_on=D(2025, 1, 1), trainees=1
        ).full_clean()


def test_publicity_events_import(users, tree, tmp_path):
    spec = registry.get("publicity-events").importer
    headers = [c.header for c in spec.columns]
    rows = [
        [
            "C1-T1",
            "宪法宣传周活动",
            "主题宣传活动",
            "宪法宣传周（12·4国家宪法日）",
            "社会公众",
            D(2025, 12, 4),
            "镇广场",
            600,
            1500,
            None,
        ],
        ["C1-T1", "法治讲座", "法治讲座", None, None, D(2025, 5, 1), None, 80, None, "县司法局"],
    ]
    assert run_import(spec, workbook_file(tmp_path, headers, rows), users["clerk"]).rows == 2
    assert PublicityEvent.objects.get(title="法治讲座").theme == "other"
    bad = rows + [
        ["C2", "外县活动", "法治讲座", None, None, D(2025, 5, 1), None, 80, None, None],
        ["C1-T1", "负数", "法治讲座", None, None, D(2025, 5, 1), None, -3, None, None],
    ]
    with pytest.raises(ImportRefused) as refused:
        run_import(spec, workbook_file(tmp_path, headers, bad, name="bad.xlsx"), users["clerk"])
    assert [(p.row, p.column) for p in refused.value.problems] == [(4, ""), (5, "参与人次")]
    assert PublicityEvent.objects.count() == 2
