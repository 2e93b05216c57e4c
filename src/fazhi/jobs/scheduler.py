"""The scheduler: which slot of each scheduled job is due, and enqueueing it once however many workers tick.

A slot is the moment a job should run (today at 01:30; the start of a 15-minute step). Each worker, every
few seconds, takes the latest slot of each job that is due; a slot missed while no worker ran is still taken
within `FAZHI_SCHEDULE_CATCH_UP_HOURS` (default 6), an older one is skipped. The slot is claimed by inserting
its `ScheduleSlot` row — (job, slot) is unique — in the same transaction as the task row: the worker whose
insert wins enqueues it, every other one finds the row there and moves on.
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.module_loading import import_string

from .models import ScheduleSlot

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Scheduled:
    name: str  # in Chinese, as the job page shows it
    task: str  # dotted path of a django-tasks Task
    daily: str | None = None  # "HH:MM", local time
    every: int | None = None  # minutes

    def __post_init__(self):
        if (self.daily is None) == (self.every is None):
            raise ValueError(f"{self.name}: give exactly one of daily= and every=")
        if self.daily is not None:
            dt.time.fromisoformat(self.daily)
        if self.every is not None and not 0 < self.every <= 24 * 60:
            raise ValueError(f"{self.name}: every= is minutes, 1 to 1440")

    @property
    def when(self) -> str:
        return f"每天 {self.daily}" if self.daily else f"每 {self.every} 分钟"

    def last_slot(self, now: dt.datetime) -> dt.datetime:
        """The latest moment at or before `now` the job should have run."""
        if self.every is not None:
            step = self.every * 60
            return dt.datetime.fromtimestamp(int(now.timestamp()) // step * step, tz=dt.UTC)
        local = timezone.localtime(now)
        at = dt.time.fromisoformat(self.daily)
        slot = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if slot > local:
            slot = timezone.make_aware(dt.datetime.combine(local.date() - dt.timedelta(days=1), at))
        return slot

    def next_slot(self, now: dt.datetime) -> dt.datetime:
        if self.every is not None:
            return self.last_slot(now) + dt.timedelta(minutes=self.every)
        last = timezone.localtime(self.last_slot(now))
        at = dt.time.fromisoformat(self.daily)
        return timezone.make_aware(dt.datetime.combine(last.date() + dt.timedelta(days=1), at))


def schedule() -> list[Scheduled]:
    from .schedule import SCHEDULE

    return SCHEDULE


def due(job: Scheduled, now: dt.datetime) -> dt.datetime | None:
    slot = job.last_slot(now)
    catch_up = dt.timedelta(hours=getattr(settings, "FAZHI_SCHEDULE_CATCH_UP_HOURS", 6))
    return slot if now - slot <= catch_up else None


def claim(job: Scheduled, slot: dt.datetime) -> str | None:
    """Enqueue the job for the slot unless some worker already did; the new task's id, or None."""
    if ScheduleSlot.objects.filter(job=job.task, slot=slot).exists():
        return None
    try:
        task = import_string(job.task)
    except ImportError:
        log.warning("scheduled job %s: task %s cannot be imported", job.name, job.task)
        return None
    from .progress import enqueue

    try:
        with transaction.atomic():
            row = ScheduleSlot.objects.create(job=job.task, slot=slot, task_id="")
            row.task_id = enqueue(task, title=f"{job.name}（{timezone.localtime(slot):%Y-%m-%d %H:%M}）")
            row.save(update_fields=["task_id"])
    except IntegrityError:  # another worker claimed the slot between our look and our insert
        return None
    log.info("scheduled job %s enqueued for %s as %s", job.name, slot, row.task_id)
    return row.task_id


def tick(now: dt.datetime | None = None, jobs: list[Scheduled] | None = None) -> list[str]:
    """Enqueue every job whose slot is due and unclaimed; the ids enqueued by this call."""
    now = now or timezone.now()
    enqueued = []
    for job in schedule() if jobs is None else jobs:
        slot = due(job, now)
        if slot is not None and (task_id := claim(job, slot)):
            enqueued.append(task_id)
    return enqueued


def upcoming(now: dt.datetime | None = None) -> list[tuple[Scheduled, dt.datetime, ScheduleSlot | None]]:
    """Each scheduled job, its next run, and its last enqueued slot."""
    now = now or timezone.now()
    return [
        (job, job.next_slot(now), ScheduleSlot.objects.filter(job=job.task).order_by("-slot").first())
        for job in schedule()
    ]
