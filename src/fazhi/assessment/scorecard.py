"""A unit's scorecard as a Word document."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt


def _font(run, name="仿宋_GB2312", size=12, bold=False):
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # python-docx leaves the East Asian font unset; Chinese text needs it named explicitly.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def scorecard_docx(run, result, rows, costly, framework) -> bytes:
    document = Document()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(f"{result.unit.name}{run.year}年度法治政府建设考核得分卡"), "方正小标宋简体", 18, True)
    summary = document.add_paragraph()
    _font(
        summary.add_run(
            f"得分 {result.score:g} 分（满分 {result.max_score:g} 分，得分率 {result.share * 100:.1f}%），"
            f"在同类 {result.rank_of} 个单位中排名第 {result.rank} 位，等次：{result.get_light_display()}。"
            f"指标体系：{framework.label}。"
        )
    )
    table = document.add_table(rows=1, cols=5)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ["指标项", "数值", "得分", "分值", "状态"]):
        _font(cell.paragraphs[0].add_run(text), "黑体", 11)
    for item, row, _shown, _source in rows:
        cells = table.add_row().cells
        for cell, text in zip(
            cells,
            [
                item.name if item else row.item,
                "" if row.value is None else f"{row.value:g}",
                f"{row.points:g}",
                f"{row.max_points:g}",
                row.get_status_display(),
            ],
        ):
            _font(cell.paragraphs[0].add_run(text), size=10.5)
    if costly:
        heading = document.add_paragraph()
        _font(heading.add_run("失分较多的指标项"), "黑体", 14)
        for item, row in costly:
            paragraph = document.add_paragraph()
            lost = row.max_points - row.points
            _font(paragraph.add_run(f"{item.name if item else row.item}：失 {lost:g} 分（{row.get_status_display()}）"))
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
