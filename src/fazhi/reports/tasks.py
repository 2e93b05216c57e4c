"""Reports as background tasks: rendering a report into a stored file, and reading a stored published report."""

from pathlib import Path

from fazhi.jobs import files
from fazhi.jobs.progress import job

from .models import AnnualReport


class NoPdf(Exception):
    reason = "本机未安装 LibreOffice，无法生成 PDF；请生成 Word 版本。"


@job()
def render_report(reporter, report_id: int, fmt: str) -> dict:
    from .render import render

    report = AnnualReport.all_objects.select_related("unit").get(pk=report_id)
    reporter(stage="正在生成" + {"docx": "Word", "pdf": "PDF"}.get(fmt, "网页") + "文件")
    body = render(report, fmt)
    if body is None:
        raise NoPdf()
    name = files.save_bytes(body, "reports", f"annual-report-{report.unit.code}-{report.year}.{fmt}")
    reporter.result(message=f"已生成：{report}（{fmt.upper()}）", file=name)
    return {"file": name}


@job()
def read_report(reporter, name: str, year: int | None = None) -> dict:
    """Read a published report stored under `name` (default_storage): the reader's findings, as JSON."""
    from .reader import ReaderError, read_file

    reporter(stage="正在读取报告")
    with files.local_path(name) as path:
        try:
            reading = read_file(path, year=year)
        except ReaderError as error:
            error.reason = f"无法读取：{error}"
            raise
    result = reading.to_dict(unmapped=False)
    result["file"] = Path(name).name
    reporter.result(message=f"已读取：{reading.title or Path(name).name}")
    return result
