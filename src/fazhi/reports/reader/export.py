"""Readings out: JSON (one object per report, the keys of a gold.jsonl line first) and an Excel workbook."""

from __future__ import annotations

import json

from fazhi.metrics.catalogue import catalogue

from .model import QUALIFIER_NAMES, REQUIRED_SECTIONS, SECTION_NAMES, ReportReading

LEVEL_NAMES = {
    "province": "省级",
    "city": "市级",
    "district": "区级",
    "county": "县级",
    "township": "乡镇级",
    "department": "部门",
    "street": "街道",
    "province_department": "省级部门",
    "city_department": "市级部门",
    "county_department": "县级部门",
    "township_department": "乡镇部门",
}
SCOPE_NAMES = {"self": "本级合计", "sub": "其中部分", "other": "其他主体"}


def json_lines(readings: list[ReportReading], unmapped: bool = True):
    for reading in readings:
        yield json.dumps(reading.to_dict(unmapped=unmapped), ensure_ascii=False)


def write_xlsx(readings: list[ReportReading], path, pairs=None) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    metrics = catalogue().metrics
    families = catalogue().families
    book = Workbook()
    sheet = book.active
    sheet.title = "报告"
    sheet.append(
        [
            "文件",
            "标题",
            "地区",
            "层级",
            "单位",
            "年度",
            *(SECTION_NAMES[k] for k in REQUIRED_SECTIONS),
            "缺少的内容",
            "映射指标数",
            "未映射数字",
            "套话比例",
            "最相似的报告",
        ]
    )
    for r in readings:
        sheet.append(
            [
                r.file,
                r.title,
                r.region,
                LEVEL_NAMES.get(r.level, r.level),
                r.unit,
                r.year,
                *("有" if r.required_sections.get(k) else "缺" for k in REQUIRED_SECTIONS),
                "、".join(SECTION_NAMES[k] for k in r.missing_sections),
                len(r.facts),
                len(r.unmapped),
                r.boilerplate,
                "；".join(f"{s['file']}（{s['similarity']:.0%}）" for s in r.similar),
            ]
        )
    facts = book.create_sheet("指标数据")
    facts.append(
        [
            "文件",
            "地区",
            "年度",
            "指标代码",
            "指标名称",
            "领域",
            "数值",
            "限定",
            "口径",
            "原文数字",
            "所属部分",
            "原文",
            "说明",
        ]
    )
    for r in readings:
        for f in r.facts:
            m = metrics.get(f.metric)
            facts.append(
                [
                    r.file,
                    r.region,
                    f.year or r.year,
                    f.metric,
                    m.name if m else "",
                    families.get(m.family, "") if m else "",
                    f.value,
                    QUALIFIER_NAMES.get(f.qualifier, f.qualifier or ""),
                    SCOPE_NAMES.get(f.scope, f.scope),
                    f.raw,
                    SECTION_NAMES.get(f.section, ""),
                    f.quote,
                    f.note,
                ]
            )
    other = book.create_sheet("未映射数字")
    # Figures outside the catalogue (other_figures), each with the words it counts.
    other.append(["文件", "所计事项", "数值", "单位", "限定", "原文数字", "所属部分", "原文", "说明"])
    for r in readings:
        for f in r.unmapped:
            other.append(
                [
                    r.file,
                    f.label,
                    f.value,
                    f.unit,
                    QUALIFIER_NAMES.get(f.qualifier, f.qualifier or ""),
                    f.raw,
                    SECTION_NAMES.get(f.section, ""),
                    f.quote,
                    f.note,
                ]
            )
    if pairs:
        similar = book.create_sheet("相似报告")
        similar.append(["报告甲", "报告乙", "相似度（估计）"])
        for a, b, value in pairs:
            similar.append([readings[a].file, readings[b].file, value])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
        ws.freeze_panes = "A2"
    book.save(path)
