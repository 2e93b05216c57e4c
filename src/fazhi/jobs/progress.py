"""Tasks with progress: the `job` decorator, `enqueue` with a title and a person, and the state a page shows.

A task declared with `@job()` receives a `Reporter` as its first argument and tells it how far it has got;
the figures go to `jobs.Progress`, in the database, so any app server's page sees them.

Progress inside a transaction: a task that writes in one transaction (an Excel import) reports from inside it.
Those reports go through a connection of their own in autocommit, so that they are seen before the
transaction commits. On PostgreSQL they are; on SQLite the importing transaction holds the database's single
write lock, so the side connection would wait for it: it does not wait (timeout 0) and the report is skipped.
SQLite installations therefore see the stages (reading, checking and writing, done), PostgreSQL ones the rows
as well. A report is never allowed to fail the task.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections
from django.db.utils import load_backend
from django.utils import timezone
from django_tasks import TaskResultStatus, task

from .models import Progress, TaskFailure

log = logging.getLogger(__name__)

STATUS_LABELS = {
    TaskResultStatus.READY: "排队中",
    TaskResultStatus.RUNNING: "进行中",
    TaskResultStatus.SUCCESSFUL: "完成",
    TaskResultStatus.FAILED: "失败",
}
WORKER_LOST = "执行任务的工作进程已中断"


def reason_of(error: BaseException) -> str:
    """What a person is told when a task fails: the refusal's own words (a ValidationError, the law's
    RuleViolation and StateConflict among them), or that it was a system error."""
    if isinstance(error, ValidationError):
        return "；".join(error.messages)
    if isinstance(getattr(error, "reason", None), str):  # a task's own failure that states its reason
        return error.reason
    return f"系统错误（{type(error).__name__}），请联系系统管理员查看日志"


class Reporter:
    """How far one task has got, written to its `Progress` row."""

    min_interval = 0.5  # seconds between two reports that only move the count

    def __init__(self, task_id: str, task_path: str = ""):
        self.task_id = task_id
        self.task_path = task_path
        self._side = None
        self._last = 0.0
        # Reports from inside a transaction the task opened go aside; at the depth the task started at (none
        # in a worker; a test's own transaction) they are written on the task's connection.
        self._depth = len(connection.atomic_blocks)

    def __call__(self, done: int | None = None, *, total=None, stage=None, message=None, force=False) -> None:
        values = {
            name: value
            for name, value in (("done", done), ("total", total), ("stage", stage), ("message", message))
            if value is not None
        }
        if not values:
            return
        now = time.monotonic()
        if set(values) == {"done"} and not force and now - self._last < self.min_interval:
            return
        self._last = now
        if len(connection.atomic_blocks) <= self._depth:
            Progress.objects.update_or_create(task_id=self.task_id, defaults={**values, "task_path": self.task_path})
        else:
            self._write_aside(values)

    def result(self, *, message: str = "", url: str = "", file: str = "") -> None:
        """The outcome: a summary, and the page or the stored file that shows it."""
        Progress.objects.update_or_create(
            task_id=self.task_id,
            defaults={"stage": "完成", "message": message[:1000], "result_url": url, "result_file": file},
        )

    def _write_aside(self, values: dict) -> None:
        try:
            side = self._side_connection()
            values = {**values, "updated_at": side.ops.adapt_datetimefield_value(timezone.now())}
            columns = ", ".join(f"{side.ops.quote_name(name)} = %s" for name in values)
            with side.cursor() as cursor:
                cursor.execute(
                    f"UPDATE {side.ops.quote_name(Progress._meta.db_table)} SET {columns} WHERE task_id = %s",
                    [*values.values(), self.task_id],
                )
        except DatabaseError as error:  # SQLite: the task's own transaction holds the write lock
            log.debug("progress of %s not written: %s", self.task_id, error)

    def _side_connection(self):
        if self._side is None:
            params = dict(connections[DEFAULT_DB_ALIAS].settings_dict)
            if params["ENGINE"].endswith("sqlite3"):
                params["OPTIONS"] = {**params.get("OPTIONS", {}), "timeout": 0}
                params["OPTIONS"].pop("transaction_mode", None)
            side = load_backend(params["ENGINE"]).DatabaseWrapper(params, alias="fazhi_progress")
            if side.vendor == "postgresql":
                with side.cursor() as cursor:
                    cursor.execute("SET lock_timeout = '2s'")
            self._side = side
        return self._side

    def close(self) -> None:
        if self._side is not None:
            self._side.close()
            self._side = None


def job(**options):
    """Declare a task that reports progress: `@job() def work(reporter, *args)`.

    The function gets a `Reporter` for its own task id. When it raises, the reason a person can act on is
    recorded (the refusal's words, or "系统错误") and the exception goes on, so the task is marked failed.
    """

    def declare(func):
        path = f"{func.__module__}.{func.__qualname__}"

        def run(context, *args, **kwargs):
            reporter = Reporter(str(context.task_result.id), path)
            reporter(stage="进行中", message="")
            try:
                return func(reporter, *args, **kwargs)
            except Exception as error:
                reporter(stage="失败", message=reason_of(error)[:1000])
                raise
            finally:
                reporter.close()

        run.__module__, run.__qualname__, run.__name__, run.__doc__ = (
            func.__module__,
            func.__qualname__,
            func.__name__,
            func.__doc__,
        )
        return task(takes_context=True, **options)(run)

    return declare


def enqueue(task_, *args, title: str, user=None, **kwargs) -> str:
    """Put a task on the queue with the name and the person shown on its pages; its id."""
    result = task_.enqueue(*args, **kwargs)
    defaults = {"title": title[:200], "user": user, "task_path": task_.module_path}
    if not is_stored(str(result.id)):  # the immediate backend ran it already and keeps no row
        defaults["status"] = result.status
        if result.status == TaskResultStatus.FAILED and not _message_of(str(result.id)):
            defaults["message"] = "系统错误，请联系系统管理员查看日志"
    Progress.objects.update_or_create(task_id=str(result.id), defaults=defaults)
    return str(result.id)


def is_stored(task_id: str) -> bool:
    from django_tasks_db.models import DBTaskResult

    try:
        return DBTaskResult.objects.filter(pk=task_id).exists()
    except ValidationError:
        return False


def _message_of(task_id: str) -> str:
    return Progress.objects.filter(task_id=task_id).values_list("message", flat=True).first() or ""


@dataclass
class TaskState:
    """A task as its pages show it."""

    id: str
    status: str
    progress: Progress | None
    row: object | None = None  # django_tasks_db's DBTaskResult, where the backend keeps one
    failures: list = field(default_factory=list)

    @property
    def label(self) -> str:
        if self.status == TaskResultStatus.READY and self.failures:
            return "等待重试"
        return STATUS_LABELS.get(self.status, self.status or "未知")

    @property
    def finished(self) -> bool:
        return self.status in (TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED)

    @property
    def title(self) -> str:
        if self.progress and self.progress.title:
            return self.progress.title
        return self.row.task_path.rsplit(".", 1)[-1] if self.row else self.id

    @property
    def attempts(self) -> int:
        return len(self.row.worker_ids) if self.row else (1 if self.finished else 0)

    @property
    def reason(self) -> str:
        """Why it failed, in words a person can act on."""
        if self.status != TaskResultStatus.FAILED:
            return ""
        if self.progress and self.progress.message:
            return self.progress.message
        if self.failures:
            return self.failures[-1].reason
        name = (self.row.exception_class_path.rsplit(".", 1)[-1] if self.row else "") or "未知错误"
        return f"系统错误（{name}），请联系系统管理员查看日志"

    @property
    def percent(self) -> int | None:
        p = self.progress
        if self.status == TaskResultStatus.SUCCESSFUL:
            return 100
        if p and p.total:
            return min(100, round(100 * p.done / p.total))
        return None


def state(task_id: str) -> TaskState | None:
    from django_tasks_db.models import DBTaskResult

    try:
        row = DBTaskResult.objects.filter(pk=task_id).first()
    except ValidationError:  # not a UUID: an id of the immediate backend
        row = None
    progress = Progress.objects.filter(task_id=task_id).first()
    if row is None and progress is None:
        return None
    status = row.status if row else progress.status
    failures = list(TaskFailure.objects.filter(task_id=task_id))
    return TaskState(task_id, status, progress, row, failures)


def retry(task_id: str) -> bool:
    """Put a failed task back on the queue (the same task, so its pages follow it); False if it is not failed.
    The failed attempt's reason is kept as a TaskFailure."""
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    with transaction.atomic():
        row = DBTaskResult.objects.select_for_update().filter(pk=task_id, status=TaskResultStatus.FAILED).first()
        if row is None:
            return False
        found = state(task_id)
        TaskFailure.objects.create(
            task_id=task_id,
            attempt=len(row.worker_ids),
            worker_id=(row.worker_ids or [""])[-1],
            reason=found.reason[:1000],
            retried=True,
        )
        row.status, row.started_at, row.finished_at = TaskResultStatus.READY, None, None
        row.save(update_fields=["status", "started_at", "finished_at"])
        Progress.objects.filter(task_id=task_id).update(stage="已重新排队", message="", updated_at=timezone.now())
    return True
