"""Regions, the unit tree and the people who work in it."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from simple_history.models import HistoricalRecords

from .choices import RegionLevel, Role, UnitChangeKind, UnitLevel, UnitType
from .scope import ScopedQuerySet

REGION_CODE = re.compile(r"^\d{6}$")


def region_level_of(code: str) -> str:
    """GB/T 2260: xx0000 is a province, xxxx00 a prefecture-level city, anything else a county."""
    if code.endswith("0000"):
        return RegionLevel.PROVINCE
    if code.endswith("00"):
        return RegionLevel.CITY
    return RegionLevel.COUNTY


class Region(models.Model):
    """An administrative division with its GB/T 2260 code."""

    code = models.CharField("行政区划代码", max_length=6, unique=True)
    name = models.CharField("名称", max_length=100)
    level = models.CharField("层级", max_length=16, choices=RegionLevel.choices, editable=False)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "行政区划"

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def save(self, *args, **kwargs):
        self.level = region_level_of(self.code)
        super().save(*args, **kwargs)

    def clean(self):
        if not REGION_CODE.match(self.code or ""):
            raise ValidationError({"code": "行政区划代码应为6位数字（GB/T 2260）"})


class UnitQuerySet(ScopedQuerySet):
    def scope_filter(self, root_paths):
        q = models.Q()
        for path in root_paths:
            q |= models.Q(path__startswith=path)
        return q

    def own_filter(self, unit_id):
        return models.Q(pk=unit_id)

    def units_filter(self, unit_ids):
        return models.Q(pk__in=sorted(unit_ids))

    def in_force(self, day: dt.date):
        """Units in force on the day: set up on or before it, not dissolved before it."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=day),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=day),
        )

    def existing_in(self, start: dt.date, end: dt.date):
        """Units in force on at least one day from `start` to `end`: the tree of that period (a year's units)."""
        return self.filter(
            models.Q(valid_from__isnull=True) | models.Q(valid_from__lte=end),
            models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=start),
        )

    def tree_at(self, day: dt.date) -> dict[int, int | None]:
        """Every unit's parent as the tree stood on the day, {unit_id: parent_id}: the present tree with the moves of
        later 机构改革 undone. Units not yet set up or already dissolved keep their place, so that none of their
        rows is lost from a total; which units are listed for a period is `existing_in`'s."""
        parent_of = dict(Unit.objects.values_list("id", "parent_id"))
        later = UnitChange.objects.filter(effective_on__gt=day).order_by("-effective_on", "-pk")
        for details in later.values_list("details", flat=True):
            for move in reversed((details or {}).get("moves", [])):
                if move["unit"] in parent_of:
                    parent_of[move["unit"]] = move["from"]
        return parent_of


class Unit(models.Model):
    """A body in the tree: the government, its departments, counties, towns, 功能区 and other bodies.

    `path` is a materialised path ("/1/7/42/") so a subtree is one indexed prefix match. `valid_from`/`valid_to`
    are the first and last day the unit is in force (empty: since before the records, still in force); only a
    机构改革 (`UnitChange`, applied by `org.changes`) sets `valid_to`, and a ledger row dated outside them is
    refused (`core.models.check_unit_in_force`).
    """

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    unit_type = models.CharField("单位类型", max_length=16, choices=UnitType.choices)
    level = models.CharField("层级", max_length=16, choices=UnitLevel.choices)
    region = models.ForeignKey(Region, models.PROTECT, verbose_name="行政区划", related_name="units")
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name="上级单位"
    )
    path = models.CharField(max_length=255, db_index=True, editable=False, default="")
    depth = models.PositiveSmallIntegerField(editable=False, default=0)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("在用", default=True)
    valid_from = models.DateField("设立日期", null=True, blank=True, help_text="留空表示设立于系统记录之前")
    valid_to = models.DateField(
        "存续至", null=True, blank=True, help_text="撤销（合并、分设）前的最后一日，由机构改革记录设定"
    )

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "单位"
        constraints = [
            models.UniqueConstraint(
                fields=["credit_code"], condition=~models.Q(credit_code=""), name="unit_credit_code_unique"
            )
        ]

    # What __str__ reads: a list page of another ledger loads only these of a related row (core.views.list_fields).
    label_fields = ("name",)

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        old_path = self.path
        with transaction.atomic():
            if not self.pk:
                super().save(*args, **kwargs)
            self.depth = self.parent.depth + 1 if self.parent_id else 0
            self.path = f"{self.parent.path if self.parent_id else '/'}{self.pk}/"
            kwargs.pop("force_insert", None)
            super().save(*args, **kwargs)
            if old_path and old_path != self.path:
                for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=self.pk).order_by("depth"):
                    child.save()

    def clean(self):
        if self.parent_id and self.pk and self.parent.path.startswith(self.path):
            raise ValidationError({"parent": "上级单位不能是本单位或其下级单位"})
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "存续截止日期不能早于设立日期"})

    def in_force_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (self.valid_to is None or self.valid_to >= day)

    def existed_between(self, start: dt.date, end: dt.date) -> bool:
        return (self.valid_from is None or self.valid_from <= end) and (self.valid_to is None or self.valid_to >= start)

    @property
    def is_dissolved(self) -> bool:
        return self.valid_to is not None

    @property
    def validity_label(self) -> str:
        """“2025年7月1日设立”, “存续至2025年6月30日”, or empty for a unit in force throughout."""
        parts = []
        if self.valid_from:
            parts.append(f"{chinese_date(self.valid_from)}设立")
        if self.valid_to:
            parts.append(f"存续至{chinese_date(self.valid_to)}")
        return "，".join(parts)

    def changes(self):
        """The 机构改革 this unit took part in, oldest first."""
        return (
            UnitChange.objects.filter(models.Q(predecessors=self) | models.Q(successors=self))
            .distinct()
            .order_by("effective_on", "pk")
            .prefetch_related("predecessors", "successors")
        )

    def subtree(self):
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1]]
        return Unit.objects.filter(pk__in=ids).order_by("depth")

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)


def chinese_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


class UnitChange(models.Model):
    """A 机构改革 as it was decided: units merged, renamed, split or moved under another parent on a day.

    Written by the steps of `org.changes` only, never edited in place of a new change. Ledger rows stay with the
    unit they were entered for: predecessors are dissolved (`valid_to`, the day before `effective_on`), new
    successors set up (`valid_from`), and the successors' users see the predecessors' rows (`org.scope`).
    `details` keeps what the change altered besides the units' dates: the old and new names of a rename, and every
    move of a unit to another parent ({"unit", "from", "to"}), which `tree_at` undoes for earlier periods.
    """

    kind = models.CharField("类型", max_length=16, choices=UnitChangeKind.choices)
    effective_on = models.DateField("生效日期")
    predecessors = models.ManyToManyField(Unit, related_name="changes_as_predecessor", verbose_name="原单位")
    successors = models.ManyToManyField(Unit, related_name="changes_as_successor", verbose_name="现单位")
    document = models.CharField("文件依据", max_length=200, blank=True, help_text="批准机构改革的文件名称和文号")
    note = models.TextField("说明", blank=True)
    details = models.JSONField("变更内容", default=dict, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="登记人"
    )
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    history = HistoricalRecords(m2m_fields=[predecessors, successors])

    class Meta:
        ordering = ["-effective_on", "-pk"]
        verbose_name = verbose_name_plural = "机构改革"

    def __str__(self):
        return f"{chinese_date(self.effective_on)}{self.get_kind_display()}：{self.summary}"

    @property
    def summary(self) -> str:
        """What happened, in a sentence: “甲局、乙局合并为丙局”."""
        before = "、".join(u.name for u in self.predecessors.all())
        # New units in the order they were named (made), not by tree path: a path's ids sort as text ("/100/" < "/99/")
        after = "、".join(u.name for u in self.successors.order_by("pk"))
        details = self.details or {}
        if self.kind == UnitChangeKind.MERGE:
            return f"{before}合并为{after}"
        if self.kind == UnitChangeKind.SPLIT:
            return f"{before}分设为{after}"
        if self.kind == UnitChangeKind.RENAME:
            return f"{details.get('old_name', before)}更名为{details.get('new_name', after)}"
        moved = details.get("moves", [])
        names = dict(Unit.objects.filter(pk__in=[m["to"] for m in moved[:1]]).values_list("pk", "name"))
        target = names.get(moved[0]["to"], "") if moved else ""
        return f"{before}调整隶属关系，划归{target or '顶层'}"


class User(AbstractUser):
    """A member of staff: one unit, one role. The role decides which part of the tree they see and edit."""

    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="users", verbose_name="所在单位")
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField("姓名", max_length=50, blank=True)
    # The password policy of 系统管理 (fazhi.system.passwords): set by an administrator, it must be changed.
    must_change_password = models.BooleanField("须修改密码", default=False)
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        if self.role != Role.SYSADMIN and not self.unit_id:
            raise ValidationError({"unit": "除系统管理员外，每个用户都必须属于一个单位"})
