"""The steps that write evidence files: attach (upload), move to the recycle bin, restore, and log a download.

Every road (the detail page's panel, the API) calls these; the caller has already resolved the ledger row through
its ledger's scoped queryset and checked that the user may write.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.ledgers import registry
from fazhi.core.models import move_to_recycle_bin, restore_from_recycle_bin
from fazhi.law.errors import StateConflict

from . import store
from .choices import DownloadChannel, EvidenceKind
from .content import check_upload
from .models import EvidenceDownload, EvidenceFile


def takes_evidence(record) -> bool:
    ledger = registry.for_model(type(record))
    return ledger is not None and ledger.evidence


def owning_unit_id(record) -> int:
    """The unit the row belongs to, by its queryset's `unit_lookup` (a child row's parent's unit)."""
    lookup = type(record)._default_manager.all().unit_lookup.split("__")
    holder = record
    for name in lookup[:-1]:
        holder = getattr(holder, name)
    return getattr(holder, f"{lookup[-1]}_id")


def attach(record, upload, *, kind: str, user, note: str = "") -> EvidenceFile:
    """Keep an uploaded file as evidence of the row. A refused file stores nothing."""
    if not takes_evidence(record):
        raise ValidationError("该台账不能上传佐证材料")
    if getattr(record, "deleted_at", None) is not None:
        raise StateConflict("该记录已在回收站中，不能上传佐证材料")
    if kind not in EvidenceKind.values:
        raise ValidationError({"kind": "请选择材料类型"})
    note = (note or "").strip()
    if len(note) > 200:
        raise ValidationError({"note": "说明最多200字"})
    if upload is None:
        raise ValidationError({"file": "请选择要上传的文件"})
    try:
        checked = check_upload(upload)
    except ValidationError as error:
        raise ValidationError({"file": error.messages}) from None
    same = EvidenceFile.objects.for_record(record).filter(sha256=checked.sha256).first()
    if same is not None:
        raise ValidationError({"file": f"相同内容的文件已上传：“{same.name}”"})
    name = store.save(upload, checked.file_type.extension)
    try:
        with transaction.atomic():
            evidence = EvidenceFile(
                content_type=ContentType.objects.get_for_model(type(record)),
                object_id=record.pk,
                unit_id=owning_unit_id(record),
                kind=kind,
                name=checked.name,
                note=note,
                size=checked.size,
                mime_type=checked.file_type.mime_type,
                sha256=checked.sha256,
                storage_name=name,
                uploaded_by=user,
            )
            evidence._change_reason = "上传"
            evidence.save()
    except BaseException:
        store.delete(name)
        raise
    return evidence


def remove(evidence: EvidenceFile, user, reason: str) -> None:
    """To the recycle bin, with the reason; the bytes stay so that it can be restored."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("删除佐证材料必须填写删除原因")
    move_to_recycle_bin(evidence, user, reason[:500])


def restore(evidence: EvidenceFile, user) -> None:
    restore_from_recycle_bin(evidence, user)


def log_download(evidence: EvidenceFile, user, ip_address: str | None, channel=DownloadChannel.WEB) -> None:
    EvidenceDownload.objects.create(file=evidence, user=user, ip_address=ip_address or None, channel=channel)
