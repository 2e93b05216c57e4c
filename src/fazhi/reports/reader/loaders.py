"""The text of a report file: .txt, .docx, .html and .pdf."""

from __future__ import annotations

import shutil
import subprocess
import zipfile
from html.parser import HTMLParser
from pathlib import Path

from .lexicon import ReaderError
from .text import join_wrapped_lines

FORMATS = (".txt", ".docx", ".html", ".htm", ".pdf")
# A published report is a few hundred KB of text, a few MB with pictures; anything far larger is not one,
# and reading it whole would only tie up the machine.
MAX_FILE_BYTES = 50 * 1024 * 1024
MAX_DOCX_EXPANDED_BYTES = 200 * 1024 * 1024


def _decode(data: bytes, name: str) -> str:
    if b"\x00" in data:
        raise ReaderError(f"文件“{name}”含有二进制内容，不是文本文件")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ReaderError(f"无法识别文件“{name}”的文字编码（应为 UTF-8 或 GB18030）")


class _HTMLText(HTMLParser):
    BLOCKS = {
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "table",
        "section",
        "article",
        "title",
        "td",
    }
    SKIP = {"script", "style", "noscript", "head"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.skipping = 0
        self.title: list[str] = []
        self.in_title = False

    def handle_starttag(self, tag, attrs):
        if tag == "title":
            self.in_title = True
        if tag in self.SKIP:
            self.skipping += 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if tag == "title":
            self.in_title = False
        if tag in self.SKIP and self.skipping:
            self.skipping -= 1
        if tag in self.BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data):
        if self.in_title:
            self.title.append(data)
        if not self.skipping:
            self.parts.append(data.replace("\n", " "))


def html_text(markup: str) -> str:
    parser = _HTMLText()
    parser.feed(markup)
    parser.close()
    lines = [line.strip() for line in "".join(parser.parts).split("\n")]
    body = "\n".join(line for line in lines if line)
    title = "".join(parser.title).strip()
    # Pages often carry the report's title only in <title>; keep it as the first line if the body lacks it.
    if title and title not in body:
        body = title + "\n" + body
    return body


def docx_text(path: Path) -> str:
    from docx import Document

    try:
        with zipfile.ZipFile(path) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise ReaderError(f"无法打开 Word 文件“{path.name}”：不是有效的 .docx 文件") from None
    if expanded > MAX_DOCX_EXPANDED_BYTES:
        raise ReaderError(
            f"Word 文件“{path.name}”解压后超过 {MAX_DOCX_EXPANDED_BYTES // 1024 // 1024} MB，可能是异常文件，已拒绝读取"
        )
    try:
        document = Document(str(path))
    except Exception as exc:  # python-docx raises several kinds for a broken package
        raise ReaderError(f"无法打开 Word 文件“{path.name}”：{exc}") from None
    lines = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            lines.append("，".join(cell.text.strip() for cell in row.cells))
    return "\n".join(lines)


def pdf_text(path: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        raise ReaderError(
            "读取 PDF 需要 pdftotext（poppler-utils），本机未安装；请安装 poppler-utils 或改用 .docx/.txt 文件"
        )
    done = subprocess.run([tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, timeout=120)
    if done.returncode != 0:
        raise ReaderError(f"无法读取 PDF 文件“{path.name}”：{done.stderr.decode('utf-8', 'replace').strip()}")
    return join_wrapped_lines(done.stdout.decode("utf-8", "replace").replace("\f", "\n"))


def file_text(path) -> str:
    path = Path(path)
    if not path.is_file():
        raise ReaderError(f"文件不存在：{path}")
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise ReaderError(f"不支持的文件格式“{suffix or path.name}”：可读取 .txt、.docx、.html、.pdf")
    size = path.stat().st_size
    if size == 0:
        raise ReaderError(f"文件“{path.name}”是空文件")
    if size > MAX_FILE_BYTES:
        raise ReaderError(f"文件“{path.name}”超过 {MAX_FILE_BYTES // 1024 // 1024} MB，不像一份年度报告，已拒绝读取")
    if suffix == ".txt":
        text = _decode(path.read_bytes(), path.name)
    elif suffix in (".html", ".htm"):
        text = html_text(_decode(path.read_bytes(), path.name))
    elif suffix == ".docx":
        text = docx_text(path)
    else:
        text = pdf_text(path)
    if not text.strip():
        raise ReaderError(f"文件“{path.name}”中没有可读取的文字（扫描件请先进行文字识别）")
    return text
