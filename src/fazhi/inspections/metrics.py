"""双随机 metrics (family 行政执法) as database aggregates: one grouped query per table."""

from django.db.models import Count, Q

from fazhi.metrics.registry import Period, by_unit, registry

from .choices import TaskStatus
from .models import InspectionTask, TaskEntity


@registry.provides("spot_check_batches", "spot_check_joint_batches")
def task_metrics(period: Period):
    rows = (
        InspectionTask.objects.filter(status=TaskStatus.DRAWN, drawn_on__range=(period.start, period.end))
        .values("unit_id")
        .order_by()
        .annotate(spot_check_batches=Count("id"), spot_check_joint_batches=Count("id", filter=Q(is_joint=True)))
    )
    return by_unit(rows, task_metrics.codes)


@registry.provides(
    "spot_check_entities", "spot_check_problems", "spot_check_results", "spot_check_results_published_on_time"
)
def result_metrics(period: Period):
    rows = (
        TaskEntity.objects.filter(current=True, inspected_on__range=(period.start, period.end))
        .values("unit_id")
        .order_by()
        .annotate(
            spot_check_entities=Count("id"),
            spot_check_problems=Count("id", filter=Q(problem_found=True)),
            spot_check_results=Count("id", filter=Q(result__gt="")),
            spot_check_results_published_on_time=Count("id", filter=Q(published_on_time=True)),
        )
    )
    return by_unit(rows, result_metrics.codes)
