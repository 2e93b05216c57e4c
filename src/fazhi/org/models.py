"""Regions, the unit tree and the people who work in it."""

import re

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models, transaction
from simple_history.models import HistoricalRecords

from .choices import RegionLevel, Role, UnitLevel, UnitType
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


class Unit(models.Model):
    """A body in the tree: the government, its departments, counties, towns, 功能区 and other bodies.

    `path` is a materialised path ("/1/7/42/") so a subtree is one indexed prefix match.
    """

    code = models.CharField("单位编码", max_length=32, unique=True)
    name = models.CharField("单位名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
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

    objects = UnitQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["path"]
        verbose_name = verbose_name_plural = "单位"

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

    def subtree(self):
        return Unit.objects.filter(path__startswith=self.path)

    def ancestors(self):
        ids = [int(part) for part in self.path.strip("/").split("/")[:-1]]
        return Unit.objects.filter(pk__in=ids).order_by("depth")

    def contains(self, other: "Unit") -> bool:
        return other.path.startswith(self.path)


class User(AbstractUser):
    """A member of staff: one unit, one role. The role decides which part of the tree they see and edit."""

    unit = models.ForeignKey(Unit, models.PROTECT, null=True, blank=True, related_name="users", verbose_name="所在单位")
    role = models.CharField("角色", max_length=16, choices=Role.choices, default=Role.CLERK)
    full_name = models.CharField("姓名", max_length=50, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "用户"

    def __str__(self):
        return self.full_name or self.username

    def clean(self):
        if self.role != Role.SYSADMIN and not self.unit_id:
            raise ValidationError({"unit": "除系统管理员外，每个用户都必须属于一个单位"})
