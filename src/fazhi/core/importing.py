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
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter

from .maintenance import LARGE_IMPORT_ROWS, refresh_statistics

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


@dataclass
class Column:
    header: str
    key: str
    parse: Callable[[Any], Any]
    required: bool = True
    example: Any = None
    note: str = ""


@dataclass
class ImportSpec:
    """What a ledger needs to be imported. Subclasses build one model instance per row."""

    slug: str
    title: str
    columns: list[Column]
    batch_size: int = 2000
    key_header: str = ""  # the column holding each row's unique key
    field_headers: dict[str, str] = field(default_factory=dict)  # model field -> column header, for error messages

    def prepare(self, user) -> dict:
        return {}

    def build(self, values: dict, context: dict):
        raise NotImplementedError

    def key(self, instance) -> str | None:
        return None

    def existing_keys(self, keys: list[str]) -> dict[str, int]:
        """{key: pk} of the rows that already hold one of these keys (this import's own rows included)."""
        return {}

    def last_pk(self) -> int:
        """The highest pk before the import: rows above it were written by this import."""
        return 0

    def save_batch(self, instances: list, user) -> None:
        raise NotImplementedError

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


def run_import(spec: ImportSpec, path, user, progress: Callable[[int], None] | None = None) -> ImportResult:
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


def _import_rows(spec, sheet, user, progress):
    rows = sheet.iter_rows(values_only=True)
    header_row = next(rows, None)
    headers = [str(h).strip() if h is not None else "" for h in (header_row or ())]
    position = {h: i for i, h in enumerate(headers) if h}
    missing = [c.header for c in spec.columns if c.required and c.header not in position]
    if missing:
        raise ImportRefused([Problem(1, header, "缺少必填列") for header in missing])
    context = spec.prepare(user)
    problems: list[Problem] = []
    # Duplicates are found by the database, not by a set of every key in the file: earlier batches are
    # already written in this transaction, so memory stays flat however long the file is.
    first_new_pk = spec.last_pk() + 1
    batch_keys: dict[str, int] = {}
    batch, batch_rows, imported, count = [], [], 0, 0

    def problem(row, column, message):
        if len(problems) < MAX_PROBLEMS:
            problems.append(Problem(row, column, message))

    def flush():
        nonlocal imported
        if not batch:
            return
        keys = [spec.key(obj) for obj in batch]
        clash = spec.existing_keys([k for k in keys if k])
        for row_number, key in zip(batch_rows, keys):
            if key in clash:
                earlier = "在文件中重复出现" if clash[key] >= first_new_pk else "已存在于台账中"
                problem(row_number, spec.key_header, f"“{key}”{earlier}")
        if not problems:
            spec.save_batch(batch, user)
            imported += len(batch)
        batch.clear()
        batch_rows.clear()
        batch_keys.clear()

    for row_number, raw in enumerate(rows, start=2):
        if raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        count += 1
        values, row_ok = {}, True
        for column in spec.columns:
            index = position.get(column.header)
            value = raw[index] if index is not None and index < len(raw) else None
            if isinstance(value, str) and value.startswith("="):
                problem(row_number, column.header, "单元格含公式，请改为直接填写数值")
                row_ok = False
                continue
            if value is None or (isinstance(value, str) and not value.strip()):
                if column.required:
                    problem(row_number, column.header, "必填项为空")
                    row_ok = False
                values[column.key] = None
                continue
            try:
                values[column.key] = column.parse(value)
            except CellError as error:
                problem(row_number, column.header, str(error))
                row_ok = False
        if not row_ok:
            continue
        try:
            instance = spec.build(values, context)
        except CellError as error:
            problem(row_number, "", str(error))
            continue
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for name, messages in error.message_dict.items():
                    for message in messages:
                        problem(row_number, spec.field_headers.get(name, ""), message)
            else:
                for message in error.messages:
                    problem(row_number, "", message)
            continue
        key = spec.key(instance)
        if key is not None:
            if key in batch_keys:
                problem(row_number, spec.key_header, f"“{key}”在文件中重复出现")
                continue
            batch_keys[key] = row_number
        batch.append(instance)
        batch_rows.append(row_number)
        if len(batch) >= spec.batch_size:
            flush()
            if progress:
                progress(count)
    flush()
    if progress:
        progress(count)
    if count == 0:
        problems.append(Problem(2, "", "文件中没有数据行"))
    if problems:
        raise ImportRefused(problems, truncated=len(problems) >= MAX_PROBLEMS)
    return ImportResult(rows=imported)
