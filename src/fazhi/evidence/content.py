"""What may be kept as evidence: a file of an allowed type whose content is what its extension says.

The type is decided by the file's first bytes agreeing with its extension; what the browser claims is ignored.
A renamed executable, or a Word file named .pdf, is refused. Pure: no storage, no database.
"""

from __future__ import annotations

import hashlib
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97–2003, Excel 97–2003
ZIP = b"PK\x03\x04"  # docx, xlsx, ofd
# Programs and scripts, whatever they are called: Windows PE, ELF, Mach-O (both orders, fat), a script's #!.
EXECUTABLES = (b"MZ", b"\x7fELF", b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe")
EXECUTABLES += (b"\xca\xfe\xba\xbe", b"#!")


@dataclass(frozen=True)
class FileType:
    extension: str
    label: str
    mime_type: str


TYPES = {
    t.extension: t
    for t in [
        FileType("pdf", "PDF", "application/pdf"),
        FileType("ofd", "OFD", "application/ofd"),
        FileType("doc", "Word", "application/msword"),
        FileType("docx", "Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        FileType("xls", "Excel", "application/vnd.ms-excel"),
        FileType("xlsx", "Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        FileType("jpg", "JPEG 图片", "image/jpeg"),
        FileType("jpeg", "JPEG 图片", "image/jpeg"),
        FileType("png", "PNG 图片", "image/png"),
        FileType("txt", "文本", "text/plain; charset=utf-8"),
    ]
}
ACCEPT = ",".join(f".{extension}" for extension in TYPES)  # the file input's accept attribute
ALLOWED_TEXT = "PDF、OFD、Word（doc、docx）、Excel（xls、xlsx）、图片（jpg、png）和文本（txt）"
# The members that make a zip an office document or an OFD (GB/T 33190).
ZIP_MEMBERS = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}
HEAD = 8192


def max_bytes() -> int:
    return int(settings.FAZHI_EVIDENCE_MAX_MB) * 1024 * 1024


def extension_of(name: str) -> str:
    return PurePath(name or "").suffix.lower().lstrip(".")


@dataclass(frozen=True)
class Checked:
    name: str
    file_type: FileType
    size: int
    sha256: str


def check_upload(upload) -> Checked:
    """Refuse a file that may not be kept as evidence (ValidationError in Chinese); else its type, size and hash.

    `upload`: a Django UploadedFile (or any File with a name and chunks()).
    """
    name = PurePath((upload.name or "").replace("\\", "/")).name.strip()
    if not name:
        raise ValidationError("请选择要上传的文件", code="no_file")
    extension = extension_of(name)
    file_type = TYPES.get(extension)
    if file_type is None:
        shown = f"“.{extension}”" if extension else "（无扩展名）"
        raise ValidationError(f"不支持的文件类型{shown}：佐证材料可上传 {ALLOWED_TEXT} 文件", code="file_type")
    size = upload.size
    if size is None or size == 0:
        raise ValidationError(f"文件“{name}”是空文件", code="empty")
    if size > max_bytes():
        raise ValidationError(
            f"文件“{name}”过大（{size / 1024 / 1024:.1f} MB，最大 {settings.FAZHI_EVIDENCE_MAX_MB} MB）",
            code="file_too_large",
        )
    digest = hashlib.sha256()
    head = b""
    upload.seek(0)
    for chunk in upload.chunks():
        if len(head) < HEAD:
            head += chunk[: HEAD - len(head)]
        digest.update(chunk)
    upload.seek(0)
    problem = content_problem(file_type, head, upload)
    if problem:
        raise ValidationError(f"文件内容与扩展名不符：“{name}”{problem}", code="content_mismatch")
    return Checked(name=name[-255:], file_type=file_type, size=size, sha256=digest.hexdigest())


def content_problem(file_type: FileType, head: bytes, upload) -> str | None:
    """Why the file's content is not a file of `file_type` (None: it is)."""
    if head.startswith(EXECUTABLES):
        return "是可执行程序或脚本，不能作为佐证材料上传"
    extension = file_type.extension
    wrong = f"不是{file_type.label}文件"
    if extension == "pdf":
        return None if b"%PDF-" in head[:1024] else wrong
    if extension in ("doc", "xls"):
        return None if head.startswith(OLE2) else wrong
    if extension in ("jpg", "jpeg"):
        return None if head.startswith(b"\xff\xd8\xff") else wrong
    if extension == "png":
        return None if head.startswith(b"\x89PNG\r\n\x1a\n") else wrong
    if extension in ZIP_MEMBERS:
        return None if head.startswith(ZIP) and has_member(upload, ZIP_MEMBERS[extension]) else wrong
    if extension == "txt":
        return None if is_text(upload) else wrong
    return wrong


def has_member(upload, member: str) -> bool:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            return member in archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    finally:
        upload.seek(0)


def is_text(upload) -> bool:
    """Plain text in UTF-8 or GB18030, without control characters other than tabs and line ends."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        return not any(ord(c) < 32 and c not in "\t\r\n\f" for c in text)
    return False
