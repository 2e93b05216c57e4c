"""The ledger base: every ledger row belongs to a unit, keeps its history and is never lost on delete."""

import datetime as dt
import functools

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
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


def step_user(verbose_name: str, **options) -> models.ForeignKey:
    """Who took a step on a row (deleted it, reviewed it, …): written by the step only, never a form; users are
    deactivated rather than deleted, so the reference is protected."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
        verbose_name=verbose_name,
        **options,
    )


class LedgerModel(models.Model):
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="单位", related_name="+")
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    deleted_at = models.DateTimeField("删除时间", null=True, blank=True, editable=False)
    # No index: nothing looks rows up by who deleted them, and every ledger insert would pay for one.
    deleted_by = step_user("删除人", db_index=False)
    deletion_reason = models.CharField("删除原因", max_length=500, blank=True, editable=False)

    objects = LiveManager()
    all_objects = AllManager()
    history = HistoricalRecords(inherit=True)

    # The date of the row that its unit must have been in force on (`in_force_span`): None, found from the fields;
    # a date field's name; or ENTERED, the day the row is entered (registers: an item, a certificate or a contract
    # taken over by a new unit keeps the date it began, which may be older than the unit).
    dated_by = None

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

    def full_clean(self, exclude=None, validate_unique=True, validate_constraints=True):
        """Django's checks and the model's clean(), then whether the unit was in force (the web form, the API and
        the steps that create rows come through here; Excel imports and the bulk sync call the check themselves)."""
        errors = {}
        try:
            super().full_clean(
                exclude=exclude, validate_unique=validate_unique, validate_constraints=validate_constraints
            )
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        try:
            check_unit_in_force(self)
        except ValidationError as error:
            if exclude and "unit" in exclude:
                error = ValidationError({NON_FIELD_ERRORS: error.error_dict["unit"]})
            errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def in_force_span(self) -> tuple[dt.date, dt.date] | None:
        """The days the row speaks of, which must fall in its unit's time in force (None: nothing to check).

        By `dated_by`, else: a period (period_start, period_end); a year (`year`); else the first date the row must
        have (a received, opened or held date, declared first in every ledger); else the day it is entered. A
        ledger whose date is elsewhere overrides this.
        """
        kind, names = _span_fields(type(self))
        if kind == "period":
            start, end = (getattr(self, name) for name in names)
            return (start, end or start) if start else None
        if kind == "year":
            year = getattr(self, names[0])
            return (dt.date(year, 1, 1), dt.date(year, 12, 31)) if year else None
        if kind == "day":
            day = getattr(self, names[0])
            return (day, day) if day else None
        today = timezone.localdate()
        return today, today


ENTERED = "entered"


@functools.cache
def _span_fields(model) -> tuple[str, tuple[str, ...]]:
    if model.dated_by == ENTERED:
        return ENTERED, ()
    if model.dated_by:
        return "day", (model.dated_by,)
    fields = {f.name: f for f in model._meta.concrete_fields}
    if "period_start" in fields and "period_end" in fields:
        return "period", ("period_start", "period_end")
    if isinstance(fields.get("year"), models.IntegerField):
        return "year", ("year",)
    for field in model._meta.concrete_fields:
        if (
            isinstance(field, models.DateField)
            and not isinstance(field, models.DateTimeField)
            and field.editable
            and not field.null
        ):
            return "day", (field.name,)
    return ENTERED, ()


def span_label(row) -> str:
    """The row's date as the refusal states it: “收件日期2025年8月1日”, “2026年度”, “录入日期…”."""
    start, end = row.in_force_span()
    if start != end:
        if (start.month, start.day, end.month, end.day) == (1, 1, 12, 31) and start.year == end.year:
            return f"{start.year}年度"
        return f"期间{chinese_date(start)}至{chinese_date(end)}"
    kind, names = _span_fields(type(row))
    label = row._meta.get_field(names[0]).verbose_name if kind == "day" else "录入日期"
    return f"{label}{chinese_date(start)}"


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def unit_limits() -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """{unit_id: (valid_from, valid_to)} of the units that have either: the few a check must look at."""
    unit_model = apps.get_model("org", "Unit")
    limited = unit_model.objects.filter(models.Q(valid_from__isnull=False) | models.Q(valid_to__isnull=False))
    return {pk: (start, end) for pk, start, end in limited.values_list("pk", "valid_from", "valid_to")}


def check_unit_in_force(row, limits: dict | None = None) -> None:
    """Refuse a ledger row dated outside its unit's time in force: after a 机构改革 dissolved the unit (its
    successor takes the row), or before a new unit was set up (its predecessor does). The one statement of the
    rule; every road that writes a ledger row calls it (`LedgerModel.full_clean`, the Excel importer, the sync).

    `limits`: `unit_limits()` read once by a caller checking many rows; without it the row's unit is read.
    A row kept as it was (an edit that moves neither its unit nor its date) is never refused: rows entered before
    a change was recorded stay where they are.
    """
    if not row.unit_id:
        return
    if limits is not None:
        if row.unit_id not in limits:
            return
        valid_from, valid_to = limits[row.unit_id]
    else:
        unit = row.unit
        valid_from, valid_to = unit.valid_from, unit.valid_to
    if valid_from is None and valid_to is None:
        return
    span = row.in_force_span()
    if span is None:
        return
    start, end = span
    late = valid_to is not None and start > valid_to
    early = valid_from is not None and end < valid_from
    if not (late or early):
        return
    if row.pk is not None:
        stored = type(row)._base_manager.filter(pk=row.pk).first()
        if stored is not None and stored.unit_id == row.unit_id and stored.in_force_span() == span:
            return
    raise ValidationError({"unit": _refusal(row, late)})


def _refusal(row, late: bool) -> str:
    unit = row.unit
    change_model = apps.get_model("org", "UnitChange")
    if late:
        changes = change_model.objects.filter(predecessors=unit).order_by("-effective_on")
        change = changes.prefetch_related("successors").first()
        others = "、".join(u.name for u in change.successors.all() if u.pk != unit.pk) if change else ""
        cause = f"（{chinese_date(change.effective_on)}{change.get_kind_display()}）" if change else ""
        where = f"，请录入“{others}”名下" if others else ""
        return (
            f"“{unit.name}”已于{chinese_date(unit.valid_to)}后撤销{cause}，"
            f"{span_label(row)}的记录不能再录入该单位{where}"
        )
    changes = change_model.objects.filter(successors=unit).exclude(predecessors=unit).order_by("effective_on")
    change = changes.prefetch_related("predecessors").first()
    others = "、".join(u.name for u in change.predecessors.all()) if change else ""
    where = f"，请录入原单位“{others}”名下" if others else ""
    return f"“{unit.name}”自{chinese_date(unit.valid_from)}起设立，{span_label(row)}的记录不能录入该单位{where}"


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
        QUEUED = "queued", "排队中"
        RUNNING = "running", "导入中"
        SUCCEEDED = "succeeded", "已完成"
        REFUSED = "refused", "未导入（有错误）"
        FAILED = "failed", "系统错误"

    ledger = models.CharField("台账", max_length=50)
    unit = models.ForeignKey("org.Unit", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="单位")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="导入人")
    filename = models.CharField("文件名", max_length=255)
    status = models.CharField("状态", max_length=16, choices=Status.choices, default=Status.QUEUED)
    # The task that runs the import (fazhi.jobs), and the uploaded file in default_storage until it has run.
    task_id = models.CharField("后台任务", max_length=64, blank=True)
    stored_file = models.CharField("上传文件", max_length=255, blank=True)
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
