"""Excel downloads of 系统管理's lists (users, login log, operation log), written row by row."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile
from collections.abc import Iterable

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def cell_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if isinstance(value, (int, float, dt.date)):
        return value
    return str(value)


def as_cell(sheet, value):
    """Text that starts with "=" stays text: a user agent or a name must never become a formula in Excel."""
    if isinstance(value, str) and value.startswith("="):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value


def xlsx_response(title: str, headers: list[str], rows: Iterable[list], filename: str, note: str = "") -> FileResponse:
    """A one-sheet workbook: a bold header row, then the rows; `note` (if any) in a row after them."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title[:31])
    header = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in rows:
        sheet.append([as_cell(sheet, cell_value(value)) for value in row])
    if note:
        sheet.append([])
        sheet.append([note])
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(tempfile.TemporaryFile())
        workbook.save(handle)
        handle.seek(0)
        stack.pop_all()  # written: FileResponse closes it once sent
    return FileResponse(handle, as_attachment=True, filename=filename, content_type=XLSX)


def stamped(name: str) -> str:
    return f"{name}-{timezone.localtime().strftime('%Y%m%d%H%M')}.xlsx"
