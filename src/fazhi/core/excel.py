"""Excel export of any filtered ledger list, streamed row by row (openpyxl write-only mode)."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile

from django.http import FileResponse
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from fazhi.privacy.masking import mask, personal_fields


def display_value(obj, name: str, reveal: bool = False):
    """`obj.name` as a person reads it; personal information masked unless `reveal` (fazhi.privacy)."""
    field = obj._meta.get_field(name)
    if field.choices:
        return getattr(obj, f"get_{name}_display")()
    value = getattr(obj, name)
    if field.is_relation:
        return str(value) if value is not None else ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        # shown and exported in the office's time zone (Asia/Shanghai), as every other time on the site
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if not reveal and name in personal_fields(type(obj)):
        return mask(value)
    return value


def export_response(ledger, queryset, filename: str, reveal: bool = False) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(ledger.title[:31])
    header = []
    for name in ledger.fields_for_export:
        cell = WriteOnlyCell(sheet, value=ledger.label(name))
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for obj in queryset.iterator(chunk_size=2000):
        sheet.append([display_value(obj, name, reveal) for name in ledger.fields_for_export])
    with contextlib.ExitStack() as stack:
        handle = stack.enter_context(tempfile.TemporaryFile())
        workbook.save(handle)
        handle.seek(0)
        stack.pop_all()  # written: FileResponse closes it once sent
    return FileResponse(
        handle,
        as_attachment=True,
        filename=filename,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
