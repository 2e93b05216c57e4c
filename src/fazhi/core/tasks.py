"""Background tasks of the ledger framework: an Excel import started from the web, and `fazhi check`."""

from __future__ import annotations

import io
import logging

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import transaction
from django.utils import timezone
from django_tasks import task
from openpyxl import load_workbook

from fazhi.jobs import files
from fazhi.jobs.progress import job

from .importing import ImportRefused, run_import
from .models import ImportJob

log = logging.getLogger(__name__)
FAILED_SUMMARY = "导入时发生系统错误，未导入任何数据，请联系管理员。"


def rows_in(path) -> int | None:
    """The data rows the sheet says it has (its dimension), for the progress bar; None when it does not say."""
    try:
        workbook = load_workbook(path, read_only=True)
        try:
            rows = workbook.worksheets[0].max_row
        finally:
            workbook.close()
    except Exception:  # run_import reports an unreadable file in its own words
        return None
    return max(rows - 1, 0) if rows else None


@job()
def import_excel(reporter, job_id: int) -> dict:
    """Run the import of an ImportJob. Its outcome is saved in the import's own transaction, so a worker killed
    at any point leaves either nothing or the whole import with its outcome; a retry of a finished job does
    nothing."""
    from .ledgers import registry

    import_job = ImportJob.objects.select_related("user").get(pk=job_id)
    if import_job.status in (ImportJob.Status.SUCCEEDED, ImportJob.Status.REFUSED):
        return {"status": import_job.status, "rows": import_job.rows_imported}
    ImportJob.objects.filter(pk=job_id).update(status=ImportJob.Status.RUNNING)
    spec = registry.get(import_job.ledger).importer
    with files.local_path(import_job.stored_file) as path:
        reporter(0, total=rows_in(path), stage="正在检查并写入")
        try:
            with transaction.atomic():
                result = run_import(spec, path, import_job.user, progress=reporter)
                import_job.status, import_job.rows_imported = ImportJob.Status.SUCCEEDED, result.rows
                import_job.summary = f"导入成功：共导入{result.rows}行。"
                import_job.finished_at = timezone.now()
                import_job.save()
        except ImportRefused as refused:
            import_job.status, import_job.summary = ImportJob.Status.REFUSED, refused.summary
            import_job.problems = [str(p) for p in refused.problems]
            import_job.finished_at = timezone.now()
            import_job.save()
        except Exception:
            log.exception("import job %s failed", job_id)
            import_job.status, import_job.summary = ImportJob.Status.FAILED, FAILED_SUMMARY
            import_job.finished_at = timezone.now()
            import_job.save()
            raise
    files.delete(import_job.stored_file)
    if import_job.status == ImportJob.Status.SUCCEEDED:
        reporter(import_job.rows_imported, force=True)
    reporter.result(message=import_job.summary)
    return {"status": import_job.status, "rows": import_job.rows_imported}


def settle(import_job: ImportJob) -> ImportJob:
    """An import whose task failed without writing its outcome (its worker lost on the last attempt) is shown
    as failed, with the task's reason."""
    from fazhi.jobs.progress import state

    if import_job.status not in (ImportJob.Status.QUEUED, ImportJob.Status.RUNNING) or not import_job.task_id:
        return import_job
    found = state(import_job.task_id)
    if found is not None and found.status == "FAILED":
        import_job.status = ImportJob.Status.FAILED
        import_job.summary = f"导入失败：{found.reason}。未导入任何数据，请重新导入。"[:500]
        import_job.finished_at = timezone.now()
        import_job.save(update_fields=["status", "summary", "finished_at"])
    return import_job


class CheckFailed(Exception):
    """`fazhi check` found rows that break an invariant; `reason` is its report, shown on the job page."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@job()
def check_database(reporter) -> dict:
    """`fazhi check` over the database: Django's system checks and every ledger invariant. Violations fail the
    task with the command's report as the reason, so they show on the job page."""
    out = io.StringIO()
    try:
        call_command("check", stdout=out, stderr=out)
    except CommandError as error:
        raise CheckFailed(f"{error}\n{out.getvalue()[-4000:]}") from None
    return {"report": out.getvalue()[-4000:]}


@task()
def ensure_partitions() -> dict:
    """This year's and next year's partitions of the ledgers partitioned by year, created before any row needs
    them, and the partitioned tables' statistics refreshed (PostgreSQL; nothing on SQLite)."""
    from . import partitions

    created = partitions.ensure()
    partitions.analyze()
    return {"created": created}
