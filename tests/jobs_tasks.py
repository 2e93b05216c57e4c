"""Tasks for the task-queue tests, importable by a worker process started from the repository root."""

import time
from pathlib import Path

from django.db import transaction
from django_tasks import task

from fazhi.jobs.progress import job


@task()
def add(a: int, b: int) -> int:
    return a + b


@job()
def fail(reporter) -> None:
    raise RuntimeError("boom")


@task(takes_context=True)
def write_items(context, count: int, marker: str) -> int:
    """Write `count` service items in one transaction; on the first attempt, stop half-way (after touching
    `marker`) and sleep, so that the test can kill the worker with half the rows written but not committed."""
    import datetime as dt

    from fazhi.org.models import Unit
    from fazhi.services.models import ServiceItem

    unit = Unit.objects.get(code="U1")
    with transaction.atomic():
        for n in range(count):
            ServiceItem.objects.create(
                unit=unit,
                code=f"JOB{n}",
                name=f"任务写入{n}",
                item_type="licensing",
                statutory_limit=20,
                promised_limit=5,
                effective_from=dt.date(2024, 1, 1),
            )
            if n == count // 2 and context.attempt == 1:
                Path(marker).touch()
                time.sleep(120)
    return count
