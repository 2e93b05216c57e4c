"""What a user may upload as evidence: office documents, PDFs and pictures of reasonable size."""

from django.core.exceptions import ValidationError
from django.core.validators import FileExtensionValidator

EVIDENCE_EXTENSIONS = ["pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png"]
# A scanned set of minutes or a signed PDF fits easily; video and archives belong in the document system.
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024

evidence_type = FileExtensionValidator(
    allowed_extensions=EVIDENCE_EXTENSIONS,
    message="不支持的文件类型“%(extension)s”：佐证材料可上传 %(allowed_extensions)s 文件",
)


def evidence_size(file) -> None:
    if file.size > MAX_EVIDENCE_BYTES:
        raise ValidationError(f"文件过大（最大 {MAX_EVIDENCE_BYTES // 1024 // 1024} MB）", code="file_too_large")
