"""Evidence files attached to ledger rows (case files, decisions, minutes, …), and the log of their downloads.

A file belongs to one ledger row through a generic relation (content type + id) and keeps the row's unit at the
time of upload; who may reach it is decided by the row (`views.py` and the API resolve the row through its
ledger's scoped queryset first), never by the file alone. The bytes are kept through Django's storage API
(`STORAGES["evidence"]`: local disk, or an S3-compatible object store); a deleted file goes to the recycle bin with
its bytes, and restoring it brings it back.
"""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from simple_history.models import HistoricalRecords

from fazhi.core.models import LedgerQuerySet, step_user

from .choices import DownloadChannel, EvidenceKind


class EvidenceQuerySet(LedgerQuerySet):
    def for_record(self, record):
        return self.filter(content_type=ContentType.objects.get_for_model(type(record)), object_id=record.pk)


class LiveEvidenceManager(models.Manager.from_queryset(EvidenceQuerySet)):
    """Files in the recycle bin are invisible unless asked for through `all_objects`."""

    def get_queryset(self):
        return super().get_queryset().live()


AllEvidenceManager = models.Manager.from_queryset(EvidenceQuerySet)


class EvidenceFile(models.Model):
    content_type = models.ForeignKey(ContentType, models.PROTECT, related_name="+", verbose_name="台账")
    object_id = models.PositiveBigIntegerField("记录编号")
    record = GenericForeignKey("content_type", "object_id")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    kind = models.CharField("材料类型", max_length=32, choices=EvidenceKind.choices)
    name = models.CharField("文件名", max_length=255)
    note = models.CharField("说明", max_length=200, blank=True)
    size = models.PositiveBigIntegerField("大小（字节）")
    mime_type = models.CharField("文件格式", max_length=100)
    sha256 = models.CharField("SHA-256", max_length=64)
    storage_name = models.CharField("存储位置", max_length=500, unique=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="上传人", db_index=False
    )
    uploaded_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, editable=False)
    deleted_by = step_user("删除人", db_index=False)
    deletion_reason = models.CharField("删除原因", max_length=500, blank=True, editable=False)

    objects = LiveEvidenceManager()
    all_objects = AllEvidenceManager()
    history = HistoricalRecords()

    class Meta:
        base_manager_name = "all_objects"
        ordering = ["uploaded_at", "id"]
        verbose_name = verbose_name_plural = "佐证材料"
        indexes = [models.Index(fields=["content_type", "object_id"], name="evidence_record")]

    def __str__(self):
        return self.name

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class EvidenceDownload(models.Model):
    """One download of one evidence file: who, when, from where, through the web page or the API."""

    file = models.ForeignKey(EvidenceFile, models.PROTECT, related_name="downloads", verbose_name="文件")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="下载人", db_index=False
    )
    at = models.DateTimeField("时间", auto_now_add=True, db_index=True)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    channel = models.CharField("方式", max_length=8, choices=DownloadChannel.choices, default=DownloadChannel.WEB)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "佐证材料下载记录"

    def __str__(self):
        return f"{self.user} {self.file}"
