import datetime as dt

from fazhi.core.ledgers import Ledger, registry

from .choices import EventType, ExamType, StudyKind, TrainingKind
from .importers import PublicityEventImport
from .models import LawExam, LawStudySession, PublicityEvent, Training


def sample_event(unit, marker):
    return PublicityEvent.objects.create(
        unit=unit,
        title=f"普法活动{marker}",
        event_type=EventType.CAMPAIGN,
        held_on=dt.date(2025, 12, 4),
        participants=100,
    )


def sample_study(unit, marker):
    return LawStudySession.objects.create(
        unit=unit,
        kind=StudyKind.EXECUTIVE_MEETING,
        held_on=dt.date(2025, 3, 3),
        topic=f"学习{marker}",
        attendees=20,
    )


def sample_training(unit, marker):
    return Training.objects.create(
        unit=unit,
        title=f"培训{marker}",
        kind=TrainingKind.LAW_TOPIC,
        started_on=dt.date(2025, 5, 6),
        ended_on=dt.date(2025, 5, 7),
        trainees=50,
    )


def sample_exam(unit, marker):
    return LawExam.objects.create(
        unit=unit,
        title=f"考试{marker}",
        exam_type=ExamType.ANNUAL,
        held_on=dt.date(2025, 11, 5),
        candidates=40,
        passed=39,
    )


registry.register(
    Ledger(
        model=PublicityEvent,
        area="publicity",
        slug="publicity-events",
        columns=[
            "title",
            "unit",
            "event_type",
            "theme",
            "audience",
            "held_on",
            "participants",
            "materials_distributed",
        ],
        export_fields=[
            "title",
            "unit",
            "event_type",
            "theme",
            "audience",
            "held_on",
            "place",
            "participants",
            "materials_distributed",
            "speaker",
        ],
        sort_fields=["id", "held_on", "participants"],
        default_sort="-held_on",
        filter_fields=["unit", "event_type", "theme", "audience", "held_on"],
        search_fields=["title", "place"],
        sample=sample_event,
        importer=PublicityEventImport(),
    )
)

registry.register(
    Ledger(
        model=LawStudySession,
        area="publicity",
        slug="law-study-sessions",
        columns=["topic", "unit", "kind", "held_on", "lecturer", "attendees"],
        sort_fields=["id", "held_on"],
        default_sort="-held_on",
        filter_fields=["unit", "kind", "held_on"],
        search_fields=["topic", "lecturer"],
        sample=sample_study,
    )
)

registry.register(
    Ledger(
        model=Training,
        area="publicity",
        slug="trainings",
        columns=["title", "unit", "kind", "started_on", "ended_on", "trainees", "hours"],
        sort_fields=["id", "started_on", "trainees"],
        default_sort="-started_on",
        filter_fields=["unit", "kind", "started_on"],
        search_fields=["title"],
        sample=sample_training,
    )
)

registry.register(
    Ledger(
        model=LawExam,
        area="publicity",
        slug="law-exams",
        columns=["title", "unit", "exam_type", "held_on", "candidates", "passed"],
        sort_fields=["id", "held_on"],
        default_sort="-held_on",
        filter_fields=["unit", "exam_type", "held_on"],
        search_fields=["title"],
        sample=sample_exam,
    )
)
