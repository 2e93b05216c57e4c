"""Running an import as a job: in a background thread for the web UI, with progress in a small file."""

from __future__ import annotations

import json
import logging
import threading
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections
from django.utils import timezone

from .importing import ImportRefused, run_import
from .models import ImportJob

log = logging.getLogger(__name__)


def job_dir() -> Path:
    path = Path(settings.WORK_DIR) / "var" / "imports"
    path.mkdir(parents=True, exist_ok=True)
    return path


def progress_of(job: ImportJob) -> int:
    try:
        return json.loads((job_dir() / f"{job.pk}.progress").read_text())["rows"]
    except (OSError, ValueError, KeyError):
        return 0


def execute(job: ImportJob, spec, path: Path) -> ImportJob:
    progress_file = job_dir() / f"{job.pk}.progress"

    def report(rows: int):
        tmp = progress_file.with_suffix(".tmp")
        tmp.write_text(json.dumps({"rows": rows}))
        tmp.replace(progress_file)

    try:
        result = run_import(spec, path, job.user, progress=report)
    except ImportRefused as refused:
        job.status, job.summary = ImportJob.Status.REFUSED, refused.summary
        job.problems = [str(p) for p in refused.problems]
    except Exception:
        log.exception("import job %s failed", job.pk)
        job.status, job.summary = ImportJob.Status.FAILED, "导入时发生系统错误，未导入任何数据，请联系管理员。"
    else:
        job.status, job.rows_imported = ImportJob.Status.SUCCEEDED, result.rows
        job.summary = f"导入成功：共导入{result.rows}行。"
    finally:
        path.unlink(missing_ok=True)
    job.finished_at = timezone.now()
    job.save()
    return job


def start(job: ImportJob, spec, path: Path, inline: bool = False) -> None:
    if inline or getattr(settings, "FAZHI_IMPORTS_INLINE", False):
        execute(job, spec, path)
        return

    def work():
        try:
            execute(job, spec, path)
        finally:
            close_old_connections()

    threading.Thread(target=work, name=f"import-{job.pk}", daemon=True).start()
