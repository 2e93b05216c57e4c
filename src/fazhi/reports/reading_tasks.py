"""Reading uploaded published reports on the task queue: one task per file of a batch (/reports/read/)."""

from django.urls import reverse

from fazhi.jobs.progress import job

from .reader import ReaderError


@job()
def read_upload(reporter, reading_id: int) -> dict:
    """Read one queued `ReportReading`; a file that cannot be read leaves it failed, with the reason."""
    from .reading import fill_reading
    from .reading_models import ReportReading

    reading = ReportReading.objects.get(pk=reading_id)
    try:
        reading = fill_reading(reading, reporter)
    except ReaderError as error:
        error.reason = f"无法读取：{error}"
        raise
    figures = reading.figures.filter(mapped=True).count()
    reporter.result(
        message=f"已读取：{reading.title or reading.original_name}（指标数字 {figures} 个）",
        url=reverse("reports:reading", args=[reading.pk]),
    )
    return {"reading": reading.pk, "figures": figures}
