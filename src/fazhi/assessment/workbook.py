"""A 考核方案 as an Excel workbook in the layout offices use, and back, all or nothing.

Sheet “考核方案”: one row per item, under a header row (found among the first ten rows, so a title row above it
is fine; columns are found by their header, in any order; other columns are ignored):

  一级指标 | 二级指标 | 考核内容 | 分值 | 计算公式 | 评分规则 | 适用单位类型 | 备注 | 缺数据时 | 指标项编码

An empty 一级指标 or 二级指标 cell continues the one above (merged cells read so). Sheet “方案信息” (optional on
import): 名称/值 rows for the scheme's name, code, version, document, default unit types, default on-missing
and the light thresholds. Sheets “填写说明” and “指标目录” are help for whoever fills the file in; the import
ignores them. RULE_HELP and COLUMNS below are the help text, shown on the import page too.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from fazhi.core.importing import ImportRefused, Problem
from fazhi.metrics.catalogue import catalogue
from fazhi.org.choices import UnitType

from .framework import FrameworkError, _rule, build_framework, check_formula
from .models import OnMissing
from .schemes import types_text

ITEMS_SHEET, INFO_SHEET, HELP_SHEET, CATALOGUE_SHEET = "考核方案", "方案信息", "填写说明", "指标目录"
# (header, required, note): the item sheet's columns, in the order written
COLUMNS = [
    ("一级指标", True, "如“一、政府职能依法全面履行”；空白表示与上一行相同（合并单元格亦可）"),
    ("二级指标", True, "如“（一）深化‘放管服’改革”；空白表示与上一行相同"),
    ("考核内容", True, "指标项名称，如“政务服务事项网上可办率”"),
    ("分值", True, "该项满分，正数，可带小数"),
    ("计算公式", False, "由“指标目录”中的指标编码和 + - * / ( ) min max 组成，如 online_rate；定性指标不填"),
    ("评分规则", True, "见下方评分规则的写法"),
    ("适用单位类型", False, "用顿号分隔，如“政府工作部门、县（市、区）”；空白：按方案信息中的默认适用单位类型"),
    ("备注", False, "佐证材料要求、口径说明等，向各单位展示"),
    ("缺数据时", False, "“按0分计”或“不计入满分”；空白：按方案默认"),
    ("指标项编码", False, "字母开头，字母、数字、下划线；空白时沿用同名指标项的编码或自动生成。自评按编码对应指标项"),
]
RULE_HELP = [
    ("线性", "线性：下限0.6，上限0.95", "数值达到上限得满分，不高于下限得0分，之间按比例；下限大于上限表示越低越好"),
    ("分档", "分档：≥0.99得100%；≥0.97得70%；≥0.9得40%", "取数值达到的最高一档；“得”后可写比例（70%）或分数（2.8分）"),
    ("达标", "达标：≥1", "数值达到阈值得满分，否则0分"),
    ("定性", "定性", "不由数据计算：单位自评并上传佐证材料，法治办审核定分；不填计算公式"),
]
INFO_FIELDS = [
    ("方案名称", "name"),
    ("方案编码", "code"),
    ("版本", "version"),
    ("依据文件", "document"),
    ("默认适用单位类型", "applies_to"),
    ("缺数据时（默认）", "on_missing"),
    ("绿灯线（得分率）", "green"),
    ("黄灯线（得分率）", "yellow"),
]
CODE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,63}$")  # an item's
SCHEME_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
NUMBER = r"(-?\d+(?:\.\d+)?)\s*(%|％)?"
TYPE_BY_WORD = {**{label: value for value, label in UnitType.choices}, **{value: value for value in UnitType.values}}
ON_MISSING_BY_WORD = {
    "": "",
    "按0分计": "zero",
    "计0分": "zero",
    "0分": "zero",
    "zero": "zero",
    "不计入满分": "exclude",
    "不计分": "exclude",
    "exclude": "exclude",
}


class CellError(ValueError):
    """A cell that cannot be read as its column needs; the message is shown with its row and column."""


@dataclass(frozen=True)
class FileProblem(Problem):
    """A problem of the whole file or sheet, not of one row."""

    def __str__(self):
        return f"“{self.column}”表：{self.message}" if self.column else self.message


def number_text(value: float) -> str:
    return f"{round(float(value), 6):g}"


# -- 评分规则: the file's rule as a sentence and back -------------------------------------------------------
def rule_text(rule: dict) -> str:
    kind = rule["type"]
    if kind == "linear":
        return f"线性：下限{number_text(rule['lower'])}，上限{number_text(rule['upper'])}"
    if kind == "bands":
        bands = sorted(rule["bands"], key=lambda band: -band["min"])
        return "分档：" + "；".join(
            f"≥{number_text(band['min'])}得{number_text(float(band['share']) * 100)}%" for band in bands
        )
    if kind == "boolean":
        return f"达标：≥{number_text(rule.get('threshold', 1))}"
    return "定性"


def _number(text: str, percent: str | None) -> float:
    return float(text) / 100 if percent else float(text)


def parse_rule(text, points: float | None = None) -> dict:
    """A 评分规则 sentence (see RULE_HELP) as the file's rule; a CellError says what is wrong with it."""
    text = re.sub(r"\s+", "", str(text or "")).replace("＞＝", "≥").replace(">=", "≥").replace("不低于", "≥")
    if not text:
        raise CellError("请填写评分规则（线性、分档、达标或定性）")
    if text.startswith("定性"):
        return {"type": "qualitative"}
    if text.startswith("线性"):
        lower = re.search(r"下限[:：=＝]?" + NUMBER, text)
        upper = re.search(r"上限[:：=＝]?" + NUMBER, text)
        if not lower or not upper:
            raise CellError("线性规则应写作“线性：下限0.6，上限0.95”")
        rule = {"type": "linear", "lower": _number(*lower.groups()), "upper": _number(*upper.groups())}
        if rule["lower"] == rule["upper"]:
            raise CellError("线性规则的下限和上限不能相同")
        return rule
    if text.startswith("分档"):
        bands = []
        for part in filter(None, re.split(r"[;；,，、]", re.sub(r"^分档[:：]?", "", text))):
            found = re.fullmatch(r"≥?" + NUMBER + r"得" + r"(\d+(?:\.\d+)?)\s*(%|％|分)?", part)
            if not found:
                raise CellError(f"分档“{part}”应写作“≥0.99得100%”或“≥0.99得4分”")
            low, low_percent, got, unit = found.groups()
            if unit == "分":
                if not points:
                    raise CellError("按分数写的分档须先填写分值")
                share = float(got) / points
            else:
                share = _number(got, unit)
            if not 0 <= share <= 1:
                raise CellError(f"分档“{part}”所得超过该项分值")
            bands.append({"min": _number(low, low_percent), "share": round(share, 6)})
        if not bands:
            raise CellError("分档规则至少要有一档，如“分档：≥0.99得100%”")
        return {"type": "bands", "bands": sorted(bands, key=lambda band: -band["min"])}
    if text.startswith("达标"):
        found = re.fullmatch(r"达标[:：]?≥?" + NUMBER, text)
        if not found:
            raise CellError("达标规则应写作“达标：≥1”")
        return {"type": "boolean", "threshold": _number(*found.groups())}
    raise CellError("评分规则应以“线性”“分档”“达标”或“定性”开头")


# -- 适用单位类型 -----------------------------------------------------------------------------------------
def split_words(text: str) -> list[str]:
    """Words separated by 、，,；; / or spaces, except inside brackets: “县（市、区）” stays one word."""
    words, current, depth = [], "", 0
    for char in str(text or ""):
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(0, depth - 1)
        if depth == 0 and char in "、，,；;/ \n":
            words.append(current)
            current = ""
        else:
            current += char
    words.append(current)
    return [word.strip() for word in words if word.strip()]


def parse_types(text) -> list[str]:
    types = []
    for word in split_words(text):
        if word not in TYPE_BY_WORD:
            raise CellError(f"没有“{word}”这种单位类型（可填：{'、'.join(UnitType.labels)}）")
        if TYPE_BY_WORD[word] not in types:
            types.append(TYPE_BY_WORD[word])
    return types


# -- export ---------------------------------------------------------------------------------------------
HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", fgColor="F2DCDB")
WIDTHS = [26, 30, 30, 8, 34, 40, 26, 36, 12, 18]


def export_scheme(data: dict, title: str) -> bytes:
    """The scheme (file-format data) as a workbook: the item sheet, the scheme's information, help, catalogue."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = ITEMS_SHEET
    sheet.append([header for header, _, _ in COLUMNS])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    for area in data["areas"]:
        for indicator in area["indicators"]:
            for spec in indicator["items"]:
                sheet.append(
                    [
                        area["name"],
                        indicator["name"],
                        spec["name"],
                        spec["points"],
                        spec.get("formula", ""),
                        rule_text(spec["rule"]),
                        types_text(spec.get("applies_to") or []),
                        spec.get("guidance", ""),
                        OnMissing(spec["on_missing"]).label if spec.get("on_missing") else "",
                        spec["code"],
                    ]
                )
    for index, width in enumerate(WIDTHS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A2"

    info = workbook.create_sheet(INFO_SHEET)
    info.append(["名称", "值"])
    values = {
        "applies_to": types_text(data.get("applies_to") or []),
        "on_missing": OnMissing(data.get("on_missing") or "zero").label,
        "green": data["lights"]["green"],
        "yellow": data["lights"]["yellow"],
    }
    for label, key in INFO_FIELDS:
        info.append([label, values.get(key, data.get(key, ""))])
    info.column_dimensions["A"].width, info.column_dimensions["B"].width = 20, 80

    help_sheet = workbook.create_sheet(HELP_SHEET)
    help_sheet.append([title])
    help_sheet.append(
        ["“考核方案”表每行一个指标项；导入时逐行检查，任何一处有误则整个文件不导入，并列出行号、列名和原因。"]
    )
    help_sheet.append([])
    help_sheet.append(["列名", "必填", "说明"])
    for header, required, note in COLUMNS:
        help_sheet.append([header, "是" if required else "", note])
    help_sheet.append([])
    help_sheet.append(["评分规则", "写法", "含义"])
    for name, example, meaning in RULE_HELP:
        help_sheet.append([name, example, meaning])
    help_sheet.column_dimensions["A"].width, help_sheet.column_dimensions["B"].width = 16, 44
    help_sheet.column_dimensions["C"].width = 90

    metrics = workbook.create_sheet(CATALOGUE_SHEET)
    metrics.append(["指标编码", "指标名称", "口径"])
    for metric in catalogue().metrics.values():
        if not metric.internal:
            metrics.append([metric.code, metric.name, metric.definition])
    metrics.column_dimensions["A"].width, metrics.column_dimensions["B"].width = 36, 30
    metrics.column_dimensions["C"].width = 90
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- import ---------------------------------------------------------------------------------------------
def cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def parse_points(value) -> float:
    text = cell_text(value).removesuffix("分").strip()
    try:
        points = float(text)
    except ValueError:
        raise CellError("应为正数，如 4 或 2.5") from None
    if points <= 0:
        raise CellError("应为正数")
    return points


def parse_share(value) -> float:
    text = cell_text(value)
    try:
        share = float(text.rstrip("%％")) / (100 if text.endswith(("%", "％")) else 1)
    except ValueError:
        raise CellError("应为0到1之间的得分率，如 0.85 或 85%") from None
    if not 0 < share <= 1:
        raise CellError("应为0到1之间的得分率，如 0.85 或 85%")
    return share


def read_scheme(file, base: dict) -> dict:
    """The workbook's scheme as file-format data, or ImportRefused listing every problem with row and column.

    `base`: the scheme being replaced (file-format data). Its information stands where the workbook has no
    “方案信息” sheet; area, indicator and item codes are kept for rows whose names match.
    """
    try:
        workbook = load_workbook(file, read_only=True, data_only=True)
    except Exception:  # whatever openpyxl raises, the file is not a workbook it can read
        raise ImportRefused([FileProblem(0, "", "无法读取文件：请上传 .xlsx 格式的 Excel 文件")]) from None
    if ITEMS_SHEET not in workbook.sheetnames:
        raise ImportRefused([FileProblem(0, "", f"文件中没有名为“{ITEMS_SHEET}”的工作表")])
    problems: list[Problem] = []
    data = {key: base.get(key) for key in ("code", "name", "version", "document", "applies_to", "on_missing")}
    data["source_priority"] = base.get("source_priority") or ["ledger", "report", "manual"]
    data["lights"] = dict(base.get("lights") or {"green": 0.85, "yellow": 0.7})
    if INFO_SHEET in workbook.sheetnames:
        read_info(workbook[INFO_SHEET], data, problems)
    data["areas"] = read_items(workbook[ITEMS_SHEET], base, problems)
    workbook.close()
    if not problems:
        if not any(indicator["items"] for area in data["areas"] for indicator in area["indicators"]):
            problems.append(FileProblem(0, "", "“考核方案”表中没有指标项"))
        else:
            try:
                build_framework(data, "")
            except (FrameworkError, KeyError) as error:
                problems.append(FileProblem(0, "", str(error)))
    if problems:
        raise ImportRefused(problems)
    return data


def read_info(sheet, data: dict, problems: list[Problem]) -> None:
    keys = dict(INFO_FIELDS)
    for number, row in enumerate(sheet.iter_rows(values_only=True), 1):
        label = cell_text(row[0] if row else None)
        if label not in keys:
            continue
        value, key = row[1] if len(row) > 1 else None, keys[label]
        try:
            if key == "applies_to":
                data[key] = parse_types(value)
            elif key == "on_missing":
                word = cell_text(value)
                if ON_MISSING_BY_WORD.get(word) in (None, ""):
                    raise CellError("应为“按0分计”或“不计入满分”")
                data[key] = ON_MISSING_BY_WORD[word]
            elif key in ("green", "yellow"):
                data["lights"][key] = parse_share(value)
            elif key in ("name", "code", "version") and not cell_text(value):
                raise CellError("不能为空")
            elif key == "code" and not SCHEME_CODE.match(cell_text(value)):
                raise CellError("方案编码由字母、数字、下划线、连字符和点组成")
            else:
                data[key] = cell_text(value)
        except CellError as error:
            problems.append(Problem(number, f"{INFO_SHEET}·{label}", str(error)))
    if not problems and data["lights"]["yellow"] >= data["lights"]["green"]:
        problems.append(FileProblem(0, INFO_SHEET, "黄灯线应低于绿灯线"))


def find_header(rows: list[tuple]) -> tuple[int, dict[str, int]] | None:
    for number, row in enumerate(rows[:10], 1):
        headers = {cell_text(value): index for index, value in enumerate(row) if cell_text(value)}
        if "一级指标" in headers and "考核内容" in headers:
            return number, headers
    return None


def read_items(sheet, base: dict, problems: list[Problem]) -> list[dict]:
    rows = list(sheet.iter_rows(values_only=True))
    found = find_header(rows)
    if found is None:
        problems.append(Problem(1, "", "找不到表头：应有“一级指标”“二级指标”“考核内容”“分值”“评分规则”等列"))
        return []
    header_row, headers = found
    missing = [header for header, required, _ in COLUMNS if required and header not in headers]
    if missing:
        problems.append(Problem(header_row, "", f"表头缺少“{'”“'.join(missing)}”列"))
        return []
    codes = Codes(base)
    areas: list[dict] = []
    area = indicator = None
    seen_items: dict[str, int] = {}
    for number, row in enumerate(rows[header_row:], header_row + 1):

        def get(header, row=row):
            index = headers.get(header)
            return row[index] if index is not None and index < len(row) else None

        if all(cell_text(value) == "" for value in row):
            continue
        area_name, indicator_name = cell_text(get("一级指标")), cell_text(get("二级指标"))
        if area_name and (area is None or area_name != area["name"]):
            area = next((a for a in areas if a["name"] == area_name), None)
            if area is None:
                area = {"code": codes.area(area_name), "name": area_name, "indicators": []}
                areas.append(area)
            indicator = None
        if area is None:
            problems.append(Problem(number, "一级指标", "第一个指标项须填写一级指标"))
            continue
        if indicator_name and (indicator is None or indicator_name != indicator["name"]):
            indicator = next((i for i in area["indicators"] if i["name"] == indicator_name), None)
            if indicator is None:
                indicator = {"code": codes.indicator(indicator_name), "name": indicator_name, "items": []}
                area["indicators"].append(indicator)
        if indicator is None:
            problems.append(Problem(number, "二级指标", "请填写二级指标（新的一级指标下第一行不能空白）"))
            continue
        spec = read_item(number, get, codes, seen_items, problems)
        if spec is not None:
            indicator["items"].append(spec)
    return areas


def read_item(number: int, get, codes: Codes, seen: dict[str, int], problems: list[Problem]) -> dict | None:
    errors_before = len(problems)

    def column(header, parse):
        try:
            return parse(get(header))
        except CellError as error:
            problems.append(Problem(number, header, str(error)))
            return None

    name = cell_text(get("考核内容"))
    if not name:
        problems.append(Problem(number, "考核内容", "请填写考核内容（指标项名称）"))
    points = column("分值", parse_points)
    rule = column("评分规则", lambda value: parse_rule(value, points))
    if rule is not None:
        try:
            _rule(rule, name)
        except FrameworkError as error:
            problems.append(Problem(number, "评分规则", str(error).split("：", 1)[-1]))
    formula = cell_text(get("计算公式"))
    if rule is not None and rule["type"] == "qualitative":
        if formula:
            problems.append(Problem(number, "计算公式", "定性指标不由数据计算，不填计算公式"))
    elif rule is not None:
        try:
            check_formula(formula)
        except FrameworkError as error:
            problems.append(Problem(number, "计算公式", str(error)))
    applies_to = column("适用单位类型", parse_types)
    on_missing_word = cell_text(get("缺数据时"))
    on_missing = ON_MISSING_BY_WORD.get(on_missing_word)
    if on_missing is None:
        problems.append(Problem(number, "缺数据时", "应为“按0分计”“不计入满分”或空白"))
    code = cell_text(get("指标项编码")) or codes.item(name)
    if not CODE.match(code):
        problems.append(Problem(number, "指标项编码", "应以字母开头，由字母、数字、下划线组成（至多64个字符）"))
    elif code in seen:
        problems.append(Problem(number, "指标项编码", f"编码“{code}”与第{seen[code]}行重复"))
    else:
        seen[code] = number
        codes.taken_items.add(code)
    if len(problems) > errors_before:
        return None
    spec = {"code": code, "name": name}
    if rule["type"] != "qualitative":
        spec["formula"] = formula
    spec.update(rule=rule, points=points)
    if applies_to:
        spec["applies_to"] = applies_to
    if on_missing:
        spec["on_missing"] = on_missing
    guidance = cell_text(get("备注"))
    if guidance:
        spec["guidance"] = guidance
    return spec


class Codes:
    """Codes for what a workbook names only by name: the replaced scheme's code for the same name, else new."""

    def __init__(self, base: dict):
        self.areas = {a["name"]: a["code"] for a in base.get("areas", [])}
        indicators = [i for a in base.get("areas", []) for i in a["indicators"]]
        self.indicators = {i["name"]: i["code"] for i in indicators}
        self.items = {s["name"]: s["code"] for i in indicators for s in i["items"]}
        self.taken_areas: set[str] = set()
        self.taken_indicators: set[str] = set()
        self.taken_items: set[str] = set()

    @staticmethod
    def _new(prefix: str, taken: set[str], known: dict) -> str:
        number = 1
        while f"{prefix}{number}" in taken or f"{prefix}{number}" in known.values():
            number += 1
        return f"{prefix}{number}"

    def area(self, name: str) -> str:
        code = self.areas.get(name)
        if code is None or code in self.taken_areas:
            code = self._new("area", self.taken_areas, self.areas)
        self.taken_areas.add(code)
        return code

    def indicator(self, name: str) -> str:
        code = self.indicators.get(name)
        if code is None or code in self.taken_indicators:
            code = self._new("ind", self.taken_indicators, self.indicators)
        self.taken_indicators.add(code)
        return code

    def item(self, name: str) -> str:
        code = self.items.get(name)
        if code is None or code in self.taken_items:
            code = self._new("item", self.taken_items, self.items)
        return code
