"""普法与学法 metrics as database aggregates, one grouped query per table."""

from django.db.models import Count, Q, Sum

from fazhi.metrics.registry import Period, by_unit, registry, within

from .choices import LEADERSHIP_STUDY, EventType
from .models import LawExam, LawStudySession, PublicityEvent, Training


@registry.provides("law_publicity_events", "law_publicity_participants", "law_materials_distributed", "law_lectures")
def publicity_metrics(period: Period):
    rows = (
        PublicityEvent.objects.filter(within("held_on", period))
        .values("unit_id")
        .order_by()
        .annotate(
            law_publicity_events=Count("id"),
            law_publicity_participants=Sum("participants"),
            law_materials_distributed=Sum("materials_distributed"),
            law_lectures=Count("id", filter=Q(event_type=EventType.LECTURE)),
        )
    )
    return by_unit(rows, publicity_metrics.codes)


@registry.provides("leadership_law_study_sessions")
def study_metrics(period: Period):
    rows = (
        LawStudySession.objects.filter(within("held_on", period), kind__in=LEADERSHIP_STUDY)
        .values("unit_id")
        .order_by()
        .annotate(leadership_law_study_sessions=Count("id"))
    )
    return by_unit(rows, study_metrics.codes)


@registry.provides("staff_trained")
def training_metrics(period: Period):
    rows = (
        Training.objects.filter(within("started_on", period))
        .values("unit_id")
        .order_by()
        .annotate(staff_trained=Sum("trainees"))
    )
    return by_unit(rows, training_metrics.codes)


@registry.provides("law_exam_candidates", "law_exam_passed")
def exam_metrics(period: Period):
    rows = (
        LawExam.objects.filter(within("held_on", period))
        .values("unit_id")
        .order_by()
        .annotate(law_exam_candidates=Sum("candidates"), law_exam_passed=Sum("passed"))
    )
    return by_unit(rows, exam_metrics.codes)
