"""The evidence panel of a ledger row's detail page (evidence/panel.html, included by core/ledger_detail.html)."""

from django import template

from ..choices import EvidenceKind
from ..content import ACCEPT, ALLOWED_TEXT, max_bytes
from ..models import EvidenceFile

register = template.Library()


@register.simple_tag
def evidence_of(record):
    """The row's files, live and in the recycle bin, with what the upload form offers."""
    files = list(EvidenceFile.all_objects.for_record(record).select_related("uploaded_by", "deleted_by"))
    return {
        "live": [f for f in files if not f.is_deleted],
        "deleted": [f for f in files if f.is_deleted],
        "kinds": EvidenceKind.choices,
        "accept": ACCEPT,
        "allowed": ALLOWED_TEXT,
        "max_mb": max_bytes() // 1024 // 1024,
    }


@register.filter
def file_size(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB"
    return f"{size / 1024 / 1024:.1f} MB"
