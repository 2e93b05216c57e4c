from fazhi.core.ledgers import Ledger, registry

from .importers import PublicityEventImport
from .models import LawExam, LawStudySession, PublicityEvent, Training

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
    )
)
