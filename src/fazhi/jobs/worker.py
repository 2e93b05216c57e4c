"""`fazhi worker`: django-tasks-db's worker loop, with a heartbeat, a reaper and the scheduler beside it.

- Heartbeat: the worker's `WorkerBeat` row, written when it starts and every `FAZHI_WORKER_BEAT_SECONDS` (5) from
  a thread with its own database connection, so that a long task does not stop it.
- Reaper: a RUNNING task whose worker is gone is failed with the reason "执行任务的工作进程已中断" (a
  `TaskFailure` row) and put back on the queue while it has attempts left (`FAZHI_TASK_MAX_ATTEMPTS`, 3); after
  that it is marked failed. A worker is gone when it has no beat row; on another host, when its beat is older
  than `FAZHI_WORKER_TIMEOUT` seconds (60); on the reaper's own host, when its process no longer exists (or its
  beat is ten times that old). Nothing stays
  "running" after its worker died: the task's own writes were in a transaction the database rolled back.
- Scheduler: `scheduler.tick()`, which enqueues each due slot of `schedule.SCHEDULE` once.

The reaper and the scheduler run once when the worker starts and then every `FAZHI_WORKER_HOUSEKEEPING_SECONDS`
(15) in the heartbeat thread; `--batch` and `--once` run them once, then only beat while they work.
"""

from __future__ import annotations

import logging
import os
import socket
import threading

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction
from django.utils import timezone
from django_tasks import TaskResultStatus

from .models import Progress, TaskFailure, WorkerBeat
from .progress import WORKER_LOST

log = logging.getLogger(__name__)


def beat_seconds() -> float:
    return float(getattr(settings, "FAZHI_WORKER_BEAT_SECONDS", 5))


def timeout_seconds() -> float:
    return float(getattr(settings, "FAZHI_WORKER_TIMEOUT", 60))


def max_attempts() -> int:
    return int(getattr(settings, "FAZHI_TASK_MAX_ATTEMPTS", 3))


def host_name() -> str:
    return socket.gethostname()[:255]


# -- heartbeat ---------------------------------------------------------------------------------------------------
def register(worker_id: str) -> WorkerBeat:
    now = timezone.now()
    beat, _ = WorkerBeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={"host": host_name(), "pid": os.getpid(), "started_at": now, "beat_at": now},
    )
    return beat


def beat(worker_id: str) -> bool:
    """Say this worker is alive; False when the row could not be written (the database busy or gone)."""
    try:
        return WorkerBeat.objects.filter(worker_id=worker_id).update(beat_at=timezone.now()) == 1
    except DatabaseError as error:
        log.warning("worker %s: heartbeat not written: %s", worker_id, error)
        return False


def unregister(worker_id: str) -> None:
    WorkerBeat.objects.filter(worker_id=worker_id).delete()


# -- reaper ------------------------------------------------------------------------------------------------------
def process_exists(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def is_gone(worker_id: str, beats: dict[str, WorkerBeat], now) -> bool:
    found = beats.get(worker_id)
    if found is None:
        return True
    silent = (now - found.beat_at).total_seconds()
    if found.host == host_name():
        # On its own host a worker is judged by its process: on SQLite another worker's long write
        # transaction holds back every beat, and a live worker must not be reaped for it. A process id
        # reused by another program is caught by the longer wait.
        return not process_exists(found.pid) or silent > 10 * timeout_seconds()
    return silent > timeout_seconds()


def reap(now=None) -> list[str]:
    """Fail, and requeue while attempts are left, every running task whose worker is gone; their ids."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    running = list(DBTaskResult.objects.running().values_list("pk", "worker_ids"))
    if not running:
        return []
    beats = {b.worker_id: b for b in WorkerBeat.objects.filter(worker_id__in={w[-1] for _, w in running if w})}
    reaped = []
    for pk, worker_ids in running:
        worker_id = worker_ids[-1] if worker_ids else ""
        if is_gone(worker_id, beats, now) and _reap_one(pk, worker_id):
            reaped.append(str(pk))
    return reaped


def _reap_one(pk, worker_id: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        row = DBTaskResult.objects.select_for_update().filter(pk=pk, status=TaskResultStatus.RUNNING).first()
        if row is None or (row.worker_ids[-1:] or [""])[0] != worker_id:
            return False  # finished, or taken again, since we looked
        attempt = len(row.worker_ids)
        retry = attempt < max_attempts()
        TaskFailure.objects.create(
            task_id=str(row.pk), attempt=attempt, worker_id=worker_id, reason=WORKER_LOST, retried=retry
        )
        if retry:
            row.status, row.started_at = TaskResultStatus.READY, None
            row.save(update_fields=["status", "started_at"])
            stage = f"{WORKER_LOST}，等待重试（已执行{attempt}次，最多{max_attempts()}次）"
            Progress.objects.filter(task_id=str(row.pk)).update(stage=stage[:100], updated_at=timezone.now())
            log.warning("task %s: worker %s lost, requeued (attempt %d)", row.pk, worker_id, attempt)
        else:
            row.status, row.finished_at = TaskResultStatus.FAILED, timezone.now()
            row.exception_class_path = "fazhi.jobs.worker.WorkerLost"
            row.traceback = f"{WORKER_LOST}（工作进程 {worker_id}，第{attempt}次执行）"
            row.save(update_fields=["status", "finished_at", "exception_class_path", "traceback"])
            message = f"{WORKER_LOST}，已执行{attempt}次，不再重试"
            Progress.objects.filter(task_id=str(row.pk)).update(
                stage="失败", message=message, updated_at=timezone.now()
            )
            log.error("task %s: worker %s lost on attempt %d, failed", row.pk, worker_id, attempt)
    return True


def housekeeping(scheduler: bool = True) -> None:
    """One round of the reaper and the scheduler; an error is logged, never fatal to the worker."""
    from . import scheduler as schedule_module

    try:
        reap()
    except DatabaseError as error:
        log.warning("reaper: %s", error)
    if scheduler:
        try:
            schedule_module.tick()
        except DatabaseError as error:
            log.warning("scheduler: %s", error)


class Heart(threading.Thread):
    """The worker's second thread: beats, and (in a long-running worker) the reaper and the scheduler."""

    def __init__(self, worker_id: str, housekeeping: bool, scheduler: bool):
        super().__init__(name=f"fazhi-worker-heart-{worker_id[:8]}", daemon=True)
        self.worker_id = worker_id
        self.housekeeping = housekeeping
        self.scheduler = scheduler
        self.stopped = threading.Event()

    def run(self):
        every = float(getattr(settings, "FAZHI_WORKER_HOUSEKEEPING_SECONDS", 15))
        since = 0.0
        try:
            while not self.stopped.wait(beat_seconds()):
                close_old_connections()
                beat(self.worker_id)
                since += beat_seconds()
                if self.housekeeping and since >= every:
                    since = 0.0
                    housekeeping(self.scheduler)
        except Exception:  # a dead heart would get a live worker's tasks reaped: say so loudly
            log.exception("worker %s: heartbeat thread stopped", self.worker_id)
        finally:
            connection.close()

    def stop(self):
        self.stopped.set()
        self.join(timeout=beat_seconds() + 5)
