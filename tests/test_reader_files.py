"""The reader's inputs (.txt .docx .html .pdf) and the `fazhi reports read` command (JSON, Excel, import)."""

import json
import shutil
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from fazhi.reports.reader import ReaderError, read_file

LINES = [
    "青崖县人民政府关于2023年度法治政府建设情况的报告",
    "一、2023年推进法治政府建设的主要举措和成效",
    "全年共收到行政复议申请86件，审结80件，负责人出庭应诉率达到95%。",
    "二、党政主要负责人履行推进法治建设第一责任人职责情况",
    "县政府主要负责人主持召开法治建设专题会议4次。",
    "三、存在的不足和原因",
    "基层执法力量薄弱。",
    "四、2024年推进法治政府建设的主要安排",
    "健全督察机制。",
    "青崖县人民政府",
    "2024年3月15日",
]
TEXT = "\n".join(LINES)
EXPECTED = [
    ("reconsideration_received", 86),
    ("reconsideration_closed", 80),
    ("head_appearance_rate", 0.95),
    ("rule_of_law_meetings", 4),
]


def check(reading):
    assert [(f.metric, f.value) for f in reading.facts] == EXPECTED
    assert (reading.region, reading.level, reading.unit, reading.year) == ("青崖县", "county", "青崖县人民政府", 2023)
    assert reading.missing_sections == []


def test_txt_utf8_and_gb18030(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_bytes(TEXT.encode("gb18030"))
    check(read_file(tmp_path / "a.txt"))
    check(read_file(tmp_path / "b.txt"))


def test_docx(tmp_path):
    from docx import Document

    document = Document()
    for line in LINES:
        document.add_paragraph(line)
    document.save(tmp_path / "r.docx")
    check(read_file(tmp_path / "r.docx"))


def test_html_skips_scripts_and_styles(tmp_path):
    body = "".join(f"<p>{line}</p>" for line in LINES[1:])
    page = (
        f"<html><head><title>{LINES[0]}</title><style>p {{margin: 12px}}</style></head><body>"
        "<script>var n = 99; // 共收到行政复议申请99件</script>"
        f"<div class='nav'>首页 &gt; 政务公开</div>{body}</body></html>"
    )
    (tmp_path / "r.html").write_text(page, encoding="utf-8")
    check(read_file(tmp_path / "r.html"))


def make_pdf(lines) -> bytes:
    """A one-page PDF whose text is Unicode through a ToUnicode map (no font file needed to extract it)."""
    chars = sorted({ch for line in lines for ch in line})
    cmap = "\n".join(f"<{ord(c):04X}> <{ord(c):04X}>" for c in chars)
    tounicode = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{cmap}\nendbfchar\nendcmap CMapName currentdict /CMap defineresource pop end end"
    )
    ops = ["BT", "/F1 10 Tf"]
    for i, line in enumerate(lines):
        ops.append(f"1 0 0 1 40 {800 - 16 * i} Tm <{''.join(f'{ord(c):04X}' for c in line)}> Tj")
    content = "\n".join(ops + ["ET"])
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        "/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H "
        "/DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        f"<< /Length {len(content.encode())} >>\nstream\n{content}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 >>",
        f"<< /Length {len(tounicode.encode())} >>\nstream\n{tounicode}\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += f"{i} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += (
        f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
        + "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    )
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_pdf_with_a_paragraph_wrapped_across_lines(tmp_path):
    wrapped = LINES[:2] + ["全年共收到行政复议申请86件，审结80件，负责人出庭", "应诉率达到95%。"] + LINES[3:]
    (tmp_path / "r.pdf").write_bytes(make_pdf(wrapped))
    check(read_file(tmp_path / "r.pdf"))


def test_pdf_without_pdftotext_is_refused_in_chinese(tmp_path, monkeypatch):
    (tmp_path / "r.pdf").write_bytes(make_pdf(LINES))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(ReaderError, match="poppler-utils"):
        read_file(tmp_path / "r.pdf")


def test_unsupported_format_and_missing_file_are_refused(tmp_path):
    (tmp_path / "r.xls").write_bytes(b"x")
    with pytest.raises(ReaderError, match="不支持的文件格式"):
        read_file(tmp_path / "r.xls")
    with pytest.raises(ReaderError, match="文件不存在"):
        read_file(tmp_path / "none.txt")


def test_empty_binary_huge_and_bomb_files_are_refused_in_chinese(tmp_path, monkeypatch):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "blank.html").write_text("<html><body>  </body></html>", encoding="utf-8")
    (tmp_path / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" * 50)
    (tmp_path / "huge.txt").write_bytes(b"a" * 2048)
    with pytest.raises(ReaderError, match="是空文件"):
        read_file(tmp_path / "empty.txt")
    with pytest.raises(ReaderError, match="没有可读取的文字"):
        read_file(tmp_path / "blank.html")
    with pytest.raises(ReaderError, match="不是文本文件"):
        read_file(tmp_path / "binary.txt")
    monkeypatch.setattr("fazhi.reports.reader.loaders.MAX_FILE_BYTES", 1024)
    with pytest.raises(ReaderError, match="超过 0 MB"):
        read_file(tmp_path / "huge.txt")
    monkeypatch.setattr("fazhi.reports.reader.loaders.MAX_DOCX_EXPANDED_BYTES", 1024)
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>" + " " * 100_000)
    with pytest.raises(ReaderError, match="解压后超过"):
        read_file(bomb)


def test_broken_docx_is_refused(tmp_path):
    (tmp_path / "r.docx").write_bytes(b"not a zip")
    with pytest.raises(ReaderError, match="无法打开 Word 文件"):
        read_file(tmp_path / "r.docx")


# -- the command -------------------------------------------------------------------------------------------
@pytest.fixture
def folder(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "b.txt").write_text(TEXT.replace("青崖县", "白鹭县").replace("86件", "40件"), encoding="utf-8")
    (tmp_path / "notes.md").write_text("不是报告", encoding="utf-8")
    return tmp_path


def test_command_json_prints_one_object_per_report(folder, capsys):
    call_command("reports", "read", "--json", str(folder))
    lines = capsys.readouterr().out.strip().splitlines()
    data = [json.loads(line) for line in lines]
    assert [d["file"] for d in data] == ["a.txt", "b.txt"]
    assert list(data[0])[:6] == ["file", "region", "level", "year", "required_sections", "facts"]
    assert data[1]["region"] == "白鹭县" and data[1]["facts"][0]["value"] == 40
    assert data[0]["similar"][0]["file"] == "b.txt" and data[0]["boilerplate"] > 0.5


def test_command_xlsx(folder, tmp_path, capsys):
    out = tmp_path / "out.xlsx"
    call_command("reports", "read", "--xlsx", str(out), str(folder / "a.txt"), str(folder / "b.txt"))
    book = load_workbook(out)
    assert book.sheetnames == ["报告", "指标数据", "未映射数字", "相似报告"]
    facts = list(book["指标数据"].iter_rows(values_only=True))
    assert facts[0][:5] == ("文件", "地区", "年度", "指标代码", "指标名称")
    assert facts[1][:5] == ("a.txt", "青崖县", 2023, "reconsideration_received", "行政复议收案数")
    assert len(facts) == 1 + 2 * len(EXPECTED)


def test_command_summary_and_errors(folder, capsys):
    call_command("reports", "read", str(folder / "a.txt"), "--no-similarity")
    out = capsys.readouterr().out
    assert "青崖县" in out and "行政复议收案数 = 86" in out and "负责人出庭应诉率 = 95%" in out
    with pytest.raises(CommandError, match="1 个文件无法读取"):
        call_command("reports", "read", str(folder / "a.txt"), str(folder / "missing.txt"))
    (folder / "empty").mkdir()
    with pytest.raises(CommandError, match="没有找到可读取的报告文件"):
        call_command("reports", "read", str(folder / "empty"))


def test_command_imports_own_totals_as_report_observations(folder, tree):
    from fazhi.metrics.models import Observation

    call_command("reports", "read", str(folder / "a.txt"), "--import-to", "C1", "--no-similarity")
    rows = {o.metric: o for o in Observation.objects.filter(unit=tree["county"], source="report")}
    assert set(rows) == {m for m, _ in EXPECTED}
    assert rows["reconsideration_received"].value == 86 and rows["reconsideration_received"].period_start.year == 2023
    assert "86件" in rows["reconsideration_received"].evidence
    with pytest.raises(CommandError, match="单位编码“NOPE”不存在"):
        call_command("reports", "read", str(folder / "a.txt"), "--import-to", "NOPE")


def test_import_leaves_out_figures_of_other_years(tmp_path, tree):
    from fazhi.metrics.models import Observation

    text = TEXT.replace("全年共收到行政复议申请86件", "2022年收到行政复议申请70件，今年共收到行政复议申请86件")
    (tmp_path / "c.txt").write_text(text, encoding="utf-8")
    call_command("reports", "read", str(tmp_path / "c.txt"), "--import-to", "C1")
    assert Observation.objects.get(unit=tree["county"], metric="reconsideration_received", source="report").value == 86
