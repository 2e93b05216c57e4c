"""Excel import and export of units: the tree of a city set up from one workbook, all or nothing.

The columns are declared as a `core.importing.Importer` (its template, its cell parsers, its problems and refusal)
but the run is this module's: a row may name as its 上级单位 a unit that comes later in the file, so every row is
read before any is checked against the others, and the units are written parents first. One problem anywhere and
nothing is written; each problem names its row and column.

Layout (first sheet, first row the headers, in any order; unknown columns are ignored):
名称, 简称, 单位编码, 统一社会信用代码, 行政区划代码, 行政区划名称, 上级单位, 单位类型, 层级, 设立日期.
"""

from __future__ import annotations

import contextlib
import re
import tempfile
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.http import FileResponse
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from fazhi.core.identifiers import validate_uscc
from fazhi.core.importing import (
    MAX_PROBLEMS,
    CellError,
    Column,
    Importer,
    ImportRefused,
    Problem,
    check_archive,
    choice,
    date,
    text,
)
from fazhi.org.choices import UnitLevel, UnitType
from fazhi.org.models import REGION_CODE, Region, Unit, region_level_of

MAX_ROWS = 5000
REASON = "Excel导入"


def uscc():
    read = text(18)

    def parse(value):
        code = read(value).upper()
        try:
            validate_uscc(code)
        except ValidationError as error:
            raise CellError(error.messages[0]) from None
        return code

    return parse


def region_code():
    read = text(6)

    def parse(value):
        code = read(value)
        if not REGION_CODE.match(code):
            raise CellError(f"“{code}”不是6位行政区划代码（GB/T 2260）")
        return code

    return parse


class UnitImporter(Importer):
    slug = "units"
    title = "单位"
    model = Unit
    columns = [
        Column(
            "名称", "name", text(100), example="云测市司法局", note="单位全称，不能与已有的在用单位或本文件中其他行重名"
        ),
        Column("简称", "short_name", text(50), required=False, example="市司法局"),
        Column(
            "单位编码",
            "code",
            text(32),
            required=False,
            example="",
            note="本系统中的单位编码；留空则取统一社会信用代码。单位编码和统一社会信用代码至少填写一项",
        ),
        Column(
            "统一社会信用代码",
            "credit_code",
            uscc(),
            required=False,
            example="11990100MB0000001X",
            note="18位，按 GB 32100 核对校验位",
        ),
        Column("行政区划代码", "region", region_code(), example="990100", note="6位 GB/T 2260 代码"),
        Column(
            "行政区划名称",
            "region_name",
            text(100),
            required=False,
            example="云测市",
            note="行政区划代码尚未在系统中登记时必填，导入时一并登记",
        ),
        Column(
            "上级单位",
            "parent",
            text(100),
            required=False,
            example="云测市人民政府",
            note="上级单位的名称、单位编码或统一社会信用代码：可以是已有单位，也可以是本文件中的单位（先后不限）；"
            "留空为顶层单位",
        ),
        Column("单位类型", "unit_type", choice(UnitType.choices), example=UnitType.DEPARTMENT.label),
        Column("层级", "level", choice(UnitLevel.choices), example=UnitLevel.CITY.label),
        Column("设立日期", "valid_from", date(), required=False, note="留空表示设立于系统记录之前"),
    ]


@dataclass
class Row:
    number: int
    values: dict
    unit: Unit | None = None
    parent_row: Row | None = None
    parent_unit: Unit | None = None


@dataclass
class Run:
    importer: UnitImporter
    problems: list[Problem] = field(default_factory=list)

    def problem(self, row: int, column: str, message: str) -> None:
        problem = Problem(row, column, message)
        if len(self.problems) < MAX_PROBLEMS and problem not in self.problems:
            self.problems.append(problem)

    def refuse_if_any(self) -> None:
        if self.problems:
            raise ImportRefused(self.problems, truncated=len(self.problems) >= MAX_PROBLEMS)


def import_units(path, user) -> int:
    """Import the units of the workbook at `path`; the number imported, or ImportRefused listing every problem."""
    check_archive(path)
    try:
        workbook = load_workbook(path, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as error:
        raise ImportRefused([Problem(0, "", "文件不是有效的 Excel（.xlsx）文件，无法读取")]) from error
    try:
        run = Run(UnitImporter())
        rows = read_rows(run, workbook.worksheets[0])
    finally:
        workbook.close()
    with transaction.atomic():
        regions = check_rows(run, rows)
        run.refuse_if_any()
        save(rows, regions, user)
    return len(rows)


# -- reading -------------------------------------------------------------------------------------------------------
def read_rows(run: Run, sheet) -> list[Row]:
    cells = sheet.iter_rows(values_only=True)
    headers = [str(h).strip() if h is not None else "" for h in (next(cells, None) or ())]
    position = {header: index for index, header in enumerate(headers) if header}
    missing = [c.header for c in run.importer.columns if c.required and c.header not in position]
    if missing:
        raise ImportRefused([Problem(1, header, "缺少必填列") for header in missing])
    rows = []
    for number, raw in enumerate(cells, start=2):
        if raw is None or all(v is None or (isinstance(v, str) and not v.strip()) for v in raw):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportRefused([Problem(number, "", f"单位不能超过{MAX_ROWS}行，请分批导入")])
        values = read_cells(run, position, raw, number)
        if values is not None:
            rows.append(Row(number, values))
    if not rows and not run.problems:
        run.problem(2, "", "文件中没有数据行")
    return rows


def read_cells(run: Run, position: dict, raw, number: int) -> dict | None:
    values, ok = {}, True
    for column in run.importer.columns:
        index = position.get(column.header)
        value = raw[index] if index is not None and index < len(raw) else None
        if isinstance(value, str) and value.startswith("="):
            run.problem(number, column.header, "单元格含公式，请改为直接填写内容")
            ok = False
        elif value is None or (isinstance(value, str) and not value.strip()):
            if column.required:
                run.problem(number, column.header, "必填项为空")
                ok = False
            values[column.key] = None if column.key == "valid_from" else ""
        else:
            try:
                values[column.key] = column.parse(value)
            except CellError as error:
                run.problem(number, column.header, str(error))
                ok = False
    if ok and not values["code"]:
        if not values["credit_code"]:
            run.problem(number, "单位编码", "单位编码和统一社会信用代码至少填写一项")
            return None
        values["code"] = values["credit_code"]
    return values if ok else None


# -- checking ------------------------------------------------------------------------------------------------------
def check_rows(run: Run, rows: list[Row]) -> dict[str, Region]:
    """Every check that needs the other rows or the database; returns the regions, known and to be made, by code."""
    check_unique(run, rows)
    regions = check_regions(run, rows)
    resolve_parents(run, rows)
    check_cycles(run, rows)
    return regions


def check_unique(run: Run, rows: list[Row]) -> None:
    in_force = Unit.objects.filter(valid_to__isnull=True)
    taken = {
        "name": (
            "名称",
            set(in_force.filter(name__in=[r.values["name"] for r in rows]).values_list("name", flat=True)),
        ),
        "code": (
            "单位编码",
            set(Unit.objects.filter(code__in=[r.values["code"] for r in rows]).values_list("code", flat=True)),
        ),
        "credit_code": (
            "统一社会信用代码",
            set(
                Unit.objects.filter(
                    credit_code__in=[r.values["credit_code"] for r in rows if r.values["credit_code"]]
                ).values_list("credit_code", flat=True)
            ),
        ),
    }
    for key, (header, existing) in taken.items():
        first: dict[str, int] = {}
        for row in rows:
            value = row.values[key]
            if not value:
                continue
            shown = header if key != "code" or row.values["code"] != row.values["credit_code"] else "统一社会信用代码"
            if value in first:
                run.problem(row.number, shown, f"“{value}”与第{first[value]}行重复")
            elif value in existing:
                run.problem(row.number, shown, f"“{value}”已是系统中已有单位的{header}")
            first.setdefault(value, row.number)


def check_regions(run: Run, rows: list[Row]) -> dict[str, Region]:
    """A code not yet known is registered with the name given in any row of the file (in any row: the others may
    leave it blank); two different names for one code, or a name other than the registered one, are refused."""
    regions = {r.code: r for r in Region.objects.filter(code__in={row.values["region"] for row in rows})}
    named: dict[str, tuple[str, int]] = {}
    for row in rows:
        code, name = row.values["region"], row.values["region_name"]
        if not name:
            continue
        region = regions.get(code)
        if region is not None and name != region.name:
            run.problem(row.number, "行政区划名称", f"行政区划“{code}”已登记为“{region.name}”")
        elif code in named and named[code][0] != name:
            first, number = named[code]
            run.problem(row.number, "行政区划名称", f"行政区划代码“{code}”在第{number}行的名称为“{first}”")
        named.setdefault(code, (name, row.number))
    for row in rows:
        code = row.values["region"]
        if code in regions:
            continue
        if code in named:
            regions[code] = Region(code=code, name=named[code][0])
        else:
            run.problem(row.number, "行政区划代码", f"行政区划代码“{code}”尚未登记，请在“行政区划名称”列填写其名称")
    return regions


def resolve_parents(run: Run, rows: list[Row]) -> None:
    """Each row's parent: a row of the file (by name, 单位编码 or 统一社会信用代码) or a unit in force."""
    in_file: dict[str, list[Row]] = {}
    for row in rows:
        for key in {row.values["name"], row.values["code"], row.values["credit_code"]} - {""}:
            in_file.setdefault(key, []).append(row)
    refs = {row.values["parent"] for row in rows if row.values["parent"]}
    existing: dict[str, list[Unit]] = {}
    if refs:
        found = Unit.objects.filter(
            models.Q(name__in=refs) | models.Q(code__in=refs) | models.Q(credit_code__in=refs)
        ).filter(valid_to__isnull=True)
        for unit in found:
            for key in {unit.name, unit.code, unit.credit_code} & refs:
                existing.setdefault(key, []).append(unit)
    for row in rows:
        ref = row.values["parent"]
        if not ref:
            continue
        candidates = [("row", r) for r in in_file.get(ref, []) if r is not row] + [
            ("unit", u) for u in existing.get(ref, [])
        ]
        if ref in {row.values["name"], row.values["code"], row.values["credit_code"]} and not candidates:
            run.problem(row.number, "上级单位", "上级单位不能是本单位")
        elif not candidates:
            run.problem(row.number, "上级单位", f"“{ref}”既不是本文件中的单位，也不是系统中的在用单位")
        elif len(candidates) > 1:
            run.problem(row.number, "上级单位", f"“{ref}”对应多个单位，请改填上级单位的单位编码")
        elif candidates[0][0] == "row":
            row.parent_row = candidates[0][1]
        else:
            row.parent_unit = candidates[0][1]


def check_cycles(run: Run, rows: list[Row]) -> None:
    """Rows whose parents, followed up the file, come back to themselves."""
    reported = set()
    for row in rows:
        seen, node = [], row
        while node is not None and node.number not in reported:
            if node in seen:
                cycle = seen[seen.index(node) :]
                numbers = "、".join(str(r.number) for r in cycle)
                for member in cycle:
                    run.problem(member.number, "上级单位", f"上级单位关系形成循环（第{numbers}行）")
                    reported.add(member.number)
                break
            seen.append(node)
            node = node.parent_row


# -- writing -------------------------------------------------------------------------------------------------------
def save(rows: list[Row], regions: dict[str, Region], user) -> None:
    """Regions first (each under the city or province its code names, where known), then units parents first."""
    new_regions = sorted((r for r in regions.values() if r.pk is None), key=lambda r: (region_rank(r.code), r.code))
    for region in new_regions:
        region.parent = region_parent(region.code, regions)
        region.save()
    pending = list(rows)
    while pending:
        ready = [row for row in pending if row.parent_row is None or row.parent_row.unit is not None]
        for row in ready:
            values = row.values
            unit = Unit(
                name=values["name"],
                short_name=values["short_name"],
                code=values["code"],
                credit_code=values["credit_code"],
                unit_type=values["unit_type"],
                level=values["level"],
                region=regions[values["region"]],
                parent=row.parent_unit or (row.parent_row.unit if row.parent_row else None),
                valid_from=values["valid_from"],
                sort_order=row.number,
            )
            unit._change_reason = REASON
            unit._history_user = user if getattr(user, "is_authenticated", False) else None
            unit.save()
            row.unit = unit
        pending = [row for row in pending if row.unit is None]
        if not ready:  # cycles are refused before: never here
            raise RuntimeError("unit import: rows left without a parent")


def region_rank(code: str) -> int:
    return {"province": 0, "city": 1, "county": 2}[region_level_of(code)]


def region_parent(code: str, regions: dict[str, Region]) -> Region | None:
    candidates = [] if code.endswith("0000") else [code[:2] + "0000"] if code.endswith("00") else [code[:4] + "00"]
    if candidates and not code.endswith("00"):
        candidates.append(code[:2] + "0000")
    for candidate in candidates:
        region = regions.get(candidate) or Region.objects.filter(code=candidate).first()
        if region is not None and region.pk is not None:
            return region
    return None


# -- export ----------------------------------------------------------------------------------------------------------
EXPORT_HEADERS = [c.header for c in UnitImporter.columns] + ["存续至", "在用"]


def export_rows(units) -> list[list]:
    """The rows of the export, in the import's columns (so that an export can be imported elsewhere), with the
    date a unit ended and whether it is in use after them. A parent is named by its name, or by its code where
    another unit has the same name."""
    names = {}
    for name in Unit.objects.values_list("name", flat=True):
        names[name] = names.get(name, 0) + 1
    rows = []
    for unit in units:
        parent = unit.parent
        rows.append(
            [
                unit.name,
                unit.short_name,
                unit.code,
                unit.credit_code,
                unit.region.code,
                unit.region.name,
                "" if parent is None else parent.name if names.get(parent.name) == 1 else parent.code,
                unit.get_unit_type_display(),
                unit.get_level_display(),
                unit.valid_from,
                unit.valid_to,
                "是" if unit.is_active else "否",
            ]
        )
    return rows


def export_response(units, filename: str) -> FileResponse:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("单位")
    header = []
    for title in EXPORT_HEADERS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font = Font(bold=True)
        header.append(cell)
    sheet.append(header)
    for row in export_rows(units):
        sheet.append([text_cell(sheet, value) for value in row])
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


FORMULA = re.compile(r"^[=+\-@]")


def text_cell(sheet, value):
    """A name that starts like a formula stays text in Excel."""
    if isinstance(value, str) and FORMULA.match(value):
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return "" if value is None else value
