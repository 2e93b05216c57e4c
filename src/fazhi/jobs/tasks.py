"""The queue's own upkeep, scheduled in schedule.py."""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from django_tasks import task

from .models import Progress, ScheduleSlot, TaskFailure, WorkerBeat


@task()
def prune() -> dict:
    """Delete finished tasks older than FAZHI_TASK_KEEP_DAYS (90) with their progress, failures and slots, and the
    beats of workers silent for a day (a worker stopped by a crash or kill -9)."""
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()
    before = now - dt.timedelta(days=getattr(settings, "FAZHI_TASK_KEEP_DAYS", 90))
    old = DBTaskResult.objects.finished().filter(finished_at__lt=before)
    ids = [str(pk) for pk in old.values_list("pk", flat=True)]
    tasks = old.delete()[0]
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        Progress.objects.filter(task_id__in=chunk).delete()
        TaskFailure.objects.filter(task_id__in=chunk).delete()
    # Progress of tasks the immediate backend ran (no task row) ages out the same way.
    Progress.objects.filter(updated_at__lt=before).exclude(status="").delete()
    slots = ScheduleSlot.objects.filter(slot__lt=before).delete()[0]
    beats = WorkerBeat.objects.filter(beat_at__lt=now - dt.timedelta(days=1)).delete()[0]
    return {"tasks": tasks, "slots": slots, "beats": beats}
