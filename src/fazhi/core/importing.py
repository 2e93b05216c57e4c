"""Excel import that is all or nothing: every row is checked, and one bad row means no row is imported.

The file is read once, streaming (openpyxl read-only mode), inside one database transaction: valid rows are
written in batches as they come, problems are collected with their row, column and reason, and at the end
either everything commits or, if there was any problem, everything rolls back. Memory does not grow with
the file: duplicates inside it are found by the database, batch by batch.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from functools import cached_property
from typing import Any, ClassVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .bulk import insert_with_history
from .maintenance import LARGE_IMPORT_ROWS, refresh_statistics
from .models import check_unit_in_force, unit_limits

MAX_PROBLEMS = 200
TRUE_WORDS = {"是", "有", "y", "yes", "true", "1", "√"}
FALSE_WORDS = {"否", "无", "n", "no", "false", "0", ""}


class CellError(ValueError):
    """A cell that cannot be read as what its column needs; the message is shown to the clerk."""


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self):
        where = f"第{self.row}行" + (f"“{self.column}”列" if self.column else "")
        return f"{where}：{self.message}"


class ImportRefused(Exception):
    def __init__(self, problems: list[Problem], truncated: bool = False):
        self.problems = problems
        self.truncated = truncated
        super().__init__("；".join(str(p) for p in problems[:5]))

    @property
    def summary(self) -> str:
        more = f"（仅列出前{len(self.problems)}条）" if self.truncated else ""
        return f"导入未执行：发现{len(self.problems)}处问题{more}，未导入任何数据。请修改后重新导入。"


# -- cell parsers ----------------------------------------------------------------------------------------
def text(max_length: int | None = None) -> Callable[[Any], str]:
    def parse(value):
        value = (
            ""
            if value is None
            else (str(int(value)) if isinstance(value, float) and value.is_integer() else str(value)).strip()
        )
        if max_length and len(value) > max_length:
            raise CellError(f"内容过长（最多{max_length}个字符）")
        return value

    return parse


def integer(minimum: int | None = 0, maximum: int | None = None) -> Callable[[Any], int]:
    def parse(value):
        if isinstance(value, bool):
            raise CellError("应为整数")
        try:
            number = float(str(value).strip()) if not isinstance(value, (int, float)) else value
        except ValueError:
            raise CellError(f"“{value}”不是整数") from None
        if number != int(number):
            raise CellError(f"“{value}”不是整数")
        number = int(number)
        if minimum is not None and number < minimum:
            raise CellError(f"不能小于{minimum}")
        if maximum is not None and number > maximum:
            raise CellError(f"不能大于{maximum}")
        return number

    return parse


def date() -> Callable[[Any], dt.date]:
    def parse(value):
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        raw = str(value).strip().replace("/", "-").replace(".", "-")
        for fmt in ("%Y-%m-%d", "%Y年%m月%d日", "%Y%m%d"):
            try:
                return dt.datetime.strptime(raw, fmt).date()
            except ValueError:
                pass
        raise CellError(f"“{value}”不是有效日期（应为 2025-01-31 格式）")

    return parse


def boolean() -> Callable[[Any], bool]:
    def parse(value):
        word = str(value if value is not None else "").strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        raise CellError(f"“{value}”应填“是”或“否”")

    return parse


def choice(choices) -> Callable[[Any], str]:
    """Accepts the Chinese label (as in the template) or the stored value."""
    by_label = {str(label): value for value, label in choices}
    values = {str(value): value for value, _ in choices}

    def parse(value):
        word = str(value).strip()
        if word in by_label:
            return by_label[word]
        if word in values:
            return values[word]
        raise CellError(f"“{word}”不是可选值（可选：{'、'.join(by_label)}）")

    return parse


def money() -> Callable[[Any], Decimal]:
    def parse(value):
        try:
            amount = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise CellError(f"“{value}”不是有效金额") from None
        if amount < 0:
            raise CellError("金额不能为负数")
        return amount.quantize(Decimal("0.01"))

    return parse


def look_up(found: dict, key, message: str):
    """The record a row names by its code (looked up in `prepare`), or the row's refusal."""
    record = found.get(key)
    if record is None:
        raise CellError(message)
    return record


@dataclass
class Column:
    header: str
    key: str  # the name the row's value goes by in `values` (a model field's name, where it is one)
    parse: Callable[[Any], Any]
    required: bool = True
    example: Any = None
    note: str = ""


class Importer:
    """One ledger's Excel import. A ledger declares what differs and the base does the rest:

    - `slug`, `title`, `model`, `columns` (header, key, parser);
    - `natural_key`: the fields unique in the ledger (checked within the file and against the database,
      batch by batch); empty when every row is a new record;
    - `prepare(user)`: lookups made once per import (units in the user's scope, the calendar …);
    - `build(values, context)`: the row's record, not yet saved; raises CellError or ValidationError;
    - `check(record, values, context)`: the rule checks, the steps' own `check_*` through `check_for_field`;
    - `save(records, user)`: bulk insert with history rows; override to write related rows too.

    A refusal's ValidationError names a field; the problem names the column whose key is that field.
    """

    slug: ClassVar[str]
    title: ClassVar[str]
    model: ClassVar[type[models.Model]]
    columns: ClassVar[list[Column]]
    natural_key: ClassVar[tuple[str, ...]] = ()
    batch_size: ClassVar[int] = 2000
    reason: ClassVar[str] = "Excel导入"

    @cached_property
    def field_headers(self) -> dict[str, str]:
        return {c.key: c.header for c in self.columns}

    @cached_property
    def key_header(self) -> str:
        """The column a clash of natural keys is reported in: the last field of the key names it."""
        return self.field_headers.get(self.natural_key[-1], "") if self.natural_key else ""

    # -- hooks ---------------------------------------------------------------------------------------
    def prepare(self, user) -> dict:
        return {}

    def build(self, values: dict, context: dict) -> models.Model:
        raise NotImplementedError

    def check(self, record, values: dict, context: dict) -> None:
        """The row's rule checks; none by default."""

    def save(self, records: list, user) -> None:
        insert_with_history(self.model, records, user=user, reason=self.reason)

    # -- natural key ---------------------------------------------------------------------------------
    def key(self, record) -> tuple | None:
        return tuple(getattr(record, name) for name in self.natural_key) or None

    def existing_keys(self, keys: list[tuple]) -> dict[tuple, int]:
        """{key: pk} of the rows that already hold one of these keys (this import's own rows included)."""
        if not keys:
            return {}
        last = self.natural_key[-1]
        rows = self.model.all_objects.filter(**{f"{last}__in": {key[-1] for key in keys}})
        found = {values[:-1]: values[-1] for values in rows.values_list(*self.natural_key, "pk")}
        return {key: found[key] for key in keys if key in found}

    def last_pk(self) -> int:
        """The highest pk before the import: rows above it were written by this import."""
        return self.model.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # -- template ------------------------------------------------------------------------------------
    def template(self) -> Workbook:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = self.title[:31]
        required_fill = PatternFill("solid", fgColor="FDE9E7")
        for index, column in enumerate(self.columns, 1):
            cell = sheet.cell(row=1, column=index, value=column.header)
            cell.font = Font(bold=True)
            if column.required:
                cell.fill = required_fill
            sheet.cell(row=2, column=index, value=column.example)
            sheet.column_dimensions[get_column_letter(index)].width = max(12, len(column.header) * 2 + 4)
        notes = workbook.create_sheet("填写说明")
        notes.append(["列名", "是否必填", "说明"])
        for column in self.columns:
            notes.append([column.header, "必填" if column.required else "选填", column.note])
        notes.append([])
        notes.append(
            ["第2行为示例，导入前请删除或替换。任何一行有错误时，整个文件都不会导入，并会列出错误所在的行和列。"]
        )
        return workbook


@dataclass
class ImportResult:
    rows: int


def check_archive(path) -> None:
    """An .xlsx is a zip: refuse one that is not, or that would expand to far more than any ledger (a zip bomb)."""
    from django.conf import settings

    limit = getattr(settings, "FAZHI_IMPORT_MAX_EXPANDED_BYTES", 512 * 1024 * 1024)
    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as error:
        raise ImportRefused([Problem(0, "", "文件不是有效的 Excel（.xlsx）文件，无法读取")]) from error
    if expanded > limit:
        raise ImportRefused(
            [Problem(0, "", f"文件解压后超过 {limit // 1024 // 1024} MB，可能是异常文件，已拒绝导入；请分批导入")]
        )


def run_import(spec: Importer, path, user, progress: Callable[[int], None] | None = None) -> ImportResult:
    """Import the file at `path`, or raise ImportRefused listing every problem; never a partial import."""
    check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused([Problem(0, "", "文件不是有效的 Excel（.xlsx）文件，无法读取")]) from error
    try:
        with transaction.atomic():
            result = _import_rows(spec, workbook.worksheets[0], user, progress)
    finally:
        workbook.close()
    if result.rows >= LARGE_IMPORT_ROWS:
        refresh_statistics()
    return result


@dataclass
class _Rows:
    """What one run holds: the problems so far and the batch of built records not yet written."""

    importer: Importer
    user: Any
    first_new_pk: int
    problems: list[Problem] = field(default_factory=list)
    batch: list = field(default_factory=list)
    batch_keys: dict = field(default_factory=dict)  # key -> sheet row, for the batch's own duplicates
    imported: int = 0
    limits: dict = field(default_factory=dict)  # core.models.unit_limits(): units set up or dissolved on a date

    def problem(self, row: int, column: str, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(row, column, message))


def _import_rows(importer: Importer, sheet, user, progress) -> ImportResult:
    rows = sheet.iter_rows(values_only=True)
    position = _header_positions(importer, next(rows, None))
    context = importer.prepare(user)
    # Duplicates are found by the database, not by a set of every key in the file: earlier batches are
    # already written in this transaction, so memory stays flat however long the file is.
    state = _Rows(importer, user, first_new_pk=importer.last_pk() + 1, limits=unit_limits())
    count = 0
    for row_number, raw in enumerate(rows, start=2):
        if _blank(raw):
            continue
        count += 1
        values = _parse_row(state, position, raw, row_number)
        record = None if values is None else _build_row(state, values, context, row_number)
        if record is not None and _add(state, record, row_number) >= importer.batch_size:
            _flush(state)
            if progress:
                progress(count)
    _flush(state)
    if progress:
        progress(count)
    if count == 0:
        state.problems.append(Problem(2, "", "文件中没有数据行"))
    if state.problems:
        raise ImportRefused(state.problems, truncated=len(state.problems) >= MAX_PROBLEMS)
    return ImportResult(rows=state.imported)


def _header_positions(importer: Importer, header_row) -> dict[str, int]:
    headers = [str(h).strip() if h is not None else "" for h in (header_row or ())]
    position = {h: i for i, h in enumerate(headers) if h}
    missing = [c.header for c in importer.columns if c.required and c.header not in position]
    if missing:
        raise ImportRefused([Problem(1, header, "缺少必填列") for header in missing])
    return position


def _blank(raw) -> bool:
    return raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw)


def _parse_row(state: _Rows, position: dict[str, int], raw, row_number: int) -> dict | None:
    """The row's cells read by their columns' parsers, or None if any cell is refused (each one reported)."""
    values, row_ok = {}, True
    for column in state.importer.columns:
        index = position.get(column.header)
        value = raw[index] if index is not None and index < len(raw) else None
        if isinstance(value, str) and value.startswith("="):
            state.problem(row_number, column.header, "单元格含公式，请改为直接填写数值")
            row_ok = False
        elif value is None or (isinstance(value, str) and not value.strip()):
            if column.required:
                state.problem(row_number, column.header, "必填项为空")
                row_ok = False
            values[column.key] = None
        else:
            try:
                values[column.key] = column.parse(value)
            except CellError as error:
                state.problem(row_number, column.header, str(error))
                row_ok = False
    return values if row_ok else None


def _build_row(state: _Rows, values: dict, context: dict, row_number: int):
    """The row's record after its rule checks, or None with the refusal reported against its column."""
    importer = state.importer
    try:
        record = importer.build(values, context)
        importer.check(record, values, context)
        if state.limits and hasattr(record, "in_force_span"):
            check_unit_in_force(record, state.limits)
    except CellError as error:
        state.problem(row_number, "", str(error))
        return None
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            for name, messages in error.message_dict.items():
                for message in messages:
                    state.problem(row_number, importer.field_headers.get(name, ""), message)
        else:
            for message in error.messages:
                state.problem(row_number, "", message)
        return None
    return record


def _add(state: _Rows, record, row_number: int) -> int:
    """Put the record in the batch unless its key is already there; the batch's size."""
    key = state.importer.key(record)
    if key is not None:
        if key in state.batch_keys:
            state.problem(row_number, state.importer.key_header, f"“{_shown(key)}”在文件中重复出现")
            return len(state.batch)
        state.batch_keys[key] = row_number
    state.batch.append(record)
    return len(state.batch)


def _flush(state: _Rows) -> None:
    """Check the batch's keys against the database (earlier batches included) and write it if all is well."""
    if not state.batch:
        return
    importer = state.importer
    clash = importer.existing_keys(list(state.batch_keys))
    for key, row_number in state.batch_keys.items():
        if key in clash:
            earlier = "在文件中重复出现" if clash[key] >= state.first_new_pk else "已存在于台账中"
            state.problem(row_number, importer.key_header, f"“{_shown(key)}”{earlier}")
    if not state.problems:
        importer.save(state.batch, state.user)
        state.imported += len(state.batch)
    state.batch.clear()
    state.batch_keys.clear()


def _shown(key: tuple) -> str:
    return "|".join(str(part) for part in key)
