"""Excel export of any filtered ledger list, streamed row by row (openpyxl write-only mode)."""

from __future__ import annotations

import contextlib
import datetime as dt
import tempfile

from django.http import FileResponse
from django.utils import timezone
from django.utils.encoding import force_str
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from fazhi.privacy.masking import mask, personal_fields


def field_value(field, value, reveal: bool = False):
    """A stored value of `field` as a person reads it: the choice's label, 是/否, the office's local time (naive, as
    Excel wants it), personal information masked unless `reveal` (fazhi.privacy)."""
    if field.choices:
        return force_str(dict(field.flatchoices).get(value, value), strings_only=True)  # as get_FOO_display
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.datetime):
        # shown and exported in the office's time zone (Asia/Shanghai), as every other time on the site
        return timezone.localtime(value).replace(tzinfo=None) if timezone.is_aware(value) else value
    if not reveal and field.name in personal_fields(field.model):
        return mask(value)
    return value


def display_value(obj, name: str, reveal: bool = False):
    """`obj.name` as a person reads it (see `field_value`); a related row by its name."""
    field = obj._meta.get_field(name)
    value = getattr(obj, name)
    if field.is_relation:
        return str(value) if value is not None else ""
    return field_value(field, value, reveal)


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
