"""Rendering a report in each output format; shared by the staff pages, the portal and the CLI."""

from django.http import HttpResponse
from django.template.loader import render_to_string

from .writer import chinese_date, draft_report, render_docx, render_pdf

CONTENT_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pdf": "application/pdf",
    "html": "text/html; charset=utf-8",
}


def render(report, fmt: str) -> bytes | None:
    draft = draft_report(report)
    if fmt == "html":
        return render_to_string(
            "reports/document.html", {"draft": draft, "issue_date": chinese_date(draft.issue_date)}
        ).encode()
    docx = render_docx(draft)
    if fmt == "docx":
        return docx
    if fmt == "pdf":
        return render_pdf(docx)
    raise ValueError(fmt)


def response(report, fmt: str) -> HttpResponse:
    fmt = fmt if fmt in CONTENT_TYPES else "html"
    body = render(report, fmt)
    if body is None:
        return HttpResponse(
            "本机未安装 LibreOffice，无法生成 PDF；请下载 Word 版本。",
            status=501,
            content_type="text/plain; charset=utf-8",
        )
    result = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    if fmt != "html":
        result["Content-Disposition"] = (
            f"attachment; filename*=UTF-8''annual-report-{report.unit.code}-{report.year}.{fmt}"
        )
    return result
