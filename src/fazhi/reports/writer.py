"""The report writer: a draft in the structure the rules require, figures from the observation store.

Draft first (plain data: sections of paragraphs), then render: .docx laid out as an official document
(GB/T 9704: A4, margins, fonts named for East Asian text, page numbers, 落款 and date), HTML, and PDF
through LibreOffice where it is installed.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.registry import Period
from fazhi.metrics.store import choose_values, current_values

SENTENCES = Path(__file__).with_name("data") / "sentences.yaml"
PLACEHOLDER = re.compile(r"\{(\w+)\}")
SOURCE_PRIORITY = ("ledger", "report", "manual")

# GB/T 9704-2012: 版心 156 mm × 225 mm on A4; 天头 37 mm, 订口 28 mm.
PAGE = {"width": Mm(210), "height": Mm(297), "top": Mm(37), "bottom": Mm(35), "left": Mm(28), "right": Mm(26)}
FONTS = {"title": ("方正小标宋简体", 22), "h1": ("黑体", 16), "h2": ("楷体_GB2312", 16), "body": ("仿宋_GB2312", 16)}


@dataclass
class Paragraph:
    text: str
    style: str = "body"  # title | recipient | h1 | h2 | body | signature | date
    figures: dict = field(default_factory=dict)  # metric code → value stated in this paragraph


@dataclass
class Draft:
    title: str
    recipient: str
    paragraphs: list[Paragraph]
    issuer: str
    issue_date: dt.date

    def figures(self) -> dict:
        stated = {}
        for paragraph in self.paragraphs:
            stated.update(paragraph.figures)
        return stated

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


@lru_cache(maxsize=1)
def sentence_book() -> dict:
    return yaml.safe_load(SENTENCES.read_text(encoding="utf-8"))


def format_figure(code: str, value: float) -> str:
    """A figure the way reports state it: whole counts, rates in per cent, amounts to two decimals."""
    kind = catalogue()[code].kind
    if kind == "rate":
        text = f"{value * 100:.2f}".rstrip("0").rstrip(".")
        return f"{text}%"
    if kind in ("amount", "avg"):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(int(round(value)))


def unit_values(unit, year: int) -> tuple[dict[str, float], dict[str, str]]:
    """The unit's figures of the year, one per metric, and the source each came from (ledger, report, manual)."""
    readings = current_values(Period.year(year), units=[unit]).get(unit.pk, {})
    return choose_values(readings, SOURCE_PRIORITY)


def draft_sentence(template: str, values: dict) -> Paragraph | None:
    codes = PLACEHOLDER.findall(template)
    if any(code not in values for code in codes):
        return None
    text = PLACEHOLDER.sub(lambda m: format_figure(m.group(1), values[m.group(1)]), template)
    return Paragraph(text, "body", {code: values[code] for code in codes})


@dataclass
class DraftSection:
    """One required section: its heading, the staff's passages, and the passages drafted from the figures."""

    key: str
    title: str
    blocks: list  # the staff's NarrativeBlock rows, in order
    parts: list[tuple[str, Paragraph]]  # (part heading or "", drafted passage)
    placeholder: str

    def paragraphs(self) -> list[Paragraph]:
        paragraphs = [Paragraph(self.title, "h1"), *(Paragraph(block.text) for block in self.blocks)]
        for heading, passage in self.parts:
            if heading:
                paragraphs.append(Paragraph(heading, "h2"))
            paragraphs.append(passage)
        if len(paragraphs) == 1:
            paragraphs.append(Paragraph(self.placeholder))
        return paragraphs


def draft_sections(report, values: dict) -> list[DraftSection]:
    book = sentence_book()
    blocks: dict[str, list] = {}
    for block in report.blocks.order_by("position", "pk"):
        blocks.setdefault(block.section, []).append(block)
    names = {"year": report.year, "next_year": report.year + 1}
    sections = []
    for section in book["sections"]:
        parts = []
        for part in section["parts"]:
            drafted = [p for p in (draft_sentence(t, values) for t in part["sentences"]) if p]
            if not drafted:
                continue
            # One paragraph per part: the sentences read as a passage, as in a real report.
            merged = Paragraph("".join(p.text for p in drafted), "body")
            for p in drafted:
                merged.figures.update(p.figures)
            parts.append((part["title"], merged))
        sections.append(
            DraftSection(
                key=section["key"],
                title=section["title"].format(**names),
                blocks=blocks.get(section["key"], []),
                parts=parts,
                placeholder=book["placeholders"].get(section["key"], "无。"),
            )
        )
    return sections


def draft_report(report, values: dict | None = None) -> Draft:
    """The report's draft: each required section with drafted sentences and the staff's narrative blocks."""
    values = unit_values(report.unit, report.year)[0] if values is None else values
    return Draft(
        title=report.display_title,
        recipient=report.display_recipient,
        paragraphs=[p for section in draft_sections(report, values) for p in section.paragraphs()],
        issuer=report.display_issuer,
        issue_date=report.issue_date or dt.date(report.year + 1, 3, 20),
    )


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


# -- .docx ---------------------------------------------------------------------------------------------
def _set_font(run, style: str, bold: bool = False):
    name, size = FONTS[style]
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    # python-docx sets only the Latin font; Chinese text needs w:eastAsia named explicitly.
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


def _page_number_footer(section):
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _set_font(paragraph.add_run("— "), "body")
    run = paragraph.add_run()
    _set_font(run, "body")
    for kind, text in (("begin", None), (None, "PAGE"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._element.append(element)
    _set_font(paragraph.add_run(" —"), "body")


def render_docx(draft: Draft) -> bytes:
    document = Document()
    section = document.sections[0]
    section.page_width, section.page_height = PAGE["width"], PAGE["height"]
    section.top_margin, section.bottom_margin = PAGE["top"], PAGE["bottom"]
    section.left_margin, section.right_margin = PAGE["left"], PAGE["right"]
    _page_number_footer(section)
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONTS["body"][0], Pt(FONTS["body"][1])
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), FONTS["body"][0])

    def add(text, style, align=None, indent=True, space_after=0):
        paragraph = document.add_paragraph()
        fmt = paragraph.paragraph_format
        fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
        fmt.space_after = Pt(space_after)
        if indent:
            fmt.first_line_indent = Pt(32)
        if align is not None:
            paragraph.alignment = align
        _set_font(paragraph.add_run(text), style)
        return paragraph

    add(draft.title, "title", WD_ALIGN_PARAGRAPH.CENTER, indent=False, space_after=28)
    add(draft.recipient, "body", indent=False)
    last_body = None
    for paragraph in draft.paragraphs:
        last_body = add(paragraph.text, paragraph.style if paragraph.style in FONTS else "body")
    # GB/T 9704 keeps the 落款 off a page of its own: the last passage travels with it to the next page.
    closing = [last_body] if last_body is not None else []
    closing.append(add("", "body"))
    closing.append(add(draft.issuer, "body", WD_ALIGN_PARAGRAPH.RIGHT, indent=False))
    for paragraph in closing:
        paragraph.paragraph_format.keep_with_next = True
    add(chinese_date(draft.issue_date), "body", WD_ALIGN_PARAGRAPH.RIGHT, indent=False)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def render_pdf(docx: bytes) -> bytes | None:
    """PDF through LibreOffice, or None where it is not installed."""
    office = shutil.which("soffice") or shutil.which("libreoffice")
    if office is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "report.docx"
        source.write_bytes(docx)
        subprocess.run(
            [
                office,
                "--headless",
                f"-env:UserInstallation=file://{folder}/profile",
                "--convert-to",
                "pdf",
                "--outdir",
                folder,
                str(source),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        return (Path(folder) / "report.pdf").read_bytes()
