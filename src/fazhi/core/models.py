"""The ledger base: every ledger row belongs to a unit, keeps its history and is never lost on delete."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from fazhi.law.errors import StateConflict
from fazhi.org.scope import ScopedQuerySet

from .steps import step


class LedgerQuerySet(ScopedQuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def deleted(self):
        return self.filter(deleted_at__isnull=False)


class LiveManager(models.Manager.from_queryset(LedgerQuerySet)):
    """Default manager: rows in the recycle bin are invisible unless asked for through `all_objects`."""

    def get_queryset(self):
        return super().get_queryset().live()


AllManager = models.Manager.from_queryset(LedgerQuerySet)


class LedgerModel(models.Model):
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="单位", related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, editable=False)
    # No index: nothing looks rows up by who deleted them, and every ledger insert would pay for one.
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name="删除人",
        db_index=False,
    )
    deletion_reason = models.CharField("删除原因", max_length=500, blank=True, editable=False)

    objects = LiveManager()
    all_objects = AllManager()
    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        base_manager_name = "all_objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None

    def soft_delete(self, user, reason: str):
        """Move the row to the recycle bin. The reason is required: a ledger row is evidence."""
        reason = (reason or "").strip()
        if not reason:
            raise ValidationError("删除台账记录必须填写删除原因")
        move_to_recycle_bin(self, user, reason)

    def restore(self, user):
        restore_from_recycle_bin(self, user)

    def delete(self, *args, **kwargs):
        raise ValidationError("台账记录不能物理删除，请使用“删除”移入回收站")


BIN_FIELDS = ["deleted_at", "deleted_by", "deletion_reason", "updated_at"]


@step("删除", allow_deleted=True)
def move_to_recycle_bin(row, user, reason: str) -> None:
    if row.is_deleted:
        raise StateConflict("该记录已在回收站中")
    row.deleted_at = timezone.now()
    row.deleted_by = user if getattr(user, "is_authenticated", False) else None
    row.deletion_reason = reason
    row._change_reason = f"删除：{reason}"
    row.save(update_fields=BIN_FIELDS)


@step("从回收站恢复", allow_deleted=True)
def restore_from_recycle_bin(row, user) -> None:
    if not row.is_deleted:
        raise StateConflict("该记录未被删除，无需恢复")
    row.deleted_at = None
    row.deleted_by = None
    row.deletion_reason = ""
    row.save(update_fields=BIN_FIELDS)


class ImportJob(models.Model):
    """One Excel import: who, what file, how far it got, and the outcome (rows imported or the problems)."""

    class Status(models.TextChoices):
        RUNNING = "running", "导入中"
        SUCCEEDED = "succeeded", "已完成"
        REFUSED = "refused", "未导入（有错误）"
        FAILED = "failed", "系统错误"

    ledger = models.CharField("台账", max_length=50)
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="单位")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="导入人")
    filename = models.CharField("文件名", max_length=255)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.RUNNING)
    rows_imported = models.PositiveIntegerField("导入行数", default=0)
    problems = models.JSONField("问题", default=list, blank=True)
    summary = models.CharField("结果", max_length=500, blank=True)
    created_at = models.DateTimeField("开始时间", auto_now_add=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = verbose_name_plural = "导入记录"

    def __str__(self):
        return f"{self.filename}（{self.get_status_display()}）"
