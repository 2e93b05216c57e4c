"""考核方案 (the indicator framework of a year, kept in the database), assessment runs and their results, and
self-assessments of qualitative items."""

import json
from typing import NamedTuple

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from fazhi.core.models import LedgerModel, step_user
from fazhi.core.uploads import evidence_size, evidence_type
from fazhi.org.scope import ScopedQuerySet


class Light(models.TextChoices):
    GREEN = "green", "绿灯"
    YELLOW = "yellow", "黄灯"
    RED = "red", "红灯"


class ItemStatus(models.TextChoices):
    SCORED = "scored", "已计分"
    MISSING = "missing", "缺少数据（按0分计）"
    EXCLUDED = "excluded", "缺少数据（不计入满分）"
    PENDING = "pending", "自评未审核（按0分计）"


class ItemScore(NamedTuple):  # a tuple: a run scores every item of every unit, and stores them as lists
    item: str
    value: float | None
    source: str
    points: float
    max_points: float
    status: str

    def get_status_display(self) -> str:
        return ItemStatus(self.status).label


class OnMissing(models.TextChoices):
    ZERO = "zero", "按0分计"
    EXCLUDE = "exclude", "不计入满分"


class Scheme(models.Model):
    """A year's 考核方案: areas → indicators → items, as data the 法治办 keeps in the browser.

    The shape is the framework file's (data/frameworks/default.yaml), which stays the exchange and test format:
    schemes.scheme_data gives a scheme as that data. A draft is edited freely; a published scheme is the one
    the year's assessment uses and the one units see; the first assessment run locks it, and its steps
    (rules.py) then refuse every edit. Every change goes through a step and is recorded in the history.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "草稿"
        PUBLISHED = "published", "已发布"
        LOCKED = "locked", "已锁定（已考核）"

    year = models.PositiveIntegerField("年度", unique=True)
    code = models.CharField("方案编码", max_length=64)
    name = models.CharField("方案名称", max_length=200)
    version = models.CharField("版本", max_length=32)
    document = models.TextField("依据文件", blank=True)
    applies_to = models.JSONField("默认适用单位类型", default=list, blank=True)
    on_missing = models.CharField("缺数据时（默认）", max_length=8, choices=OnMissing.choices, default=OnMissing.ZERO)
    source_priority = models.JSONField("数据来源优先级", default=list)
    green = models.FloatField("绿灯线（得分率）", default=0.85)
    yellow = models.FloatField("黄灯线（得分率）", default=0.7)
    copied_from = models.CharField("来源", max_length=200, blank=True, editable=False)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    # Bumped by every step that changes the content: the built framework is cached by it (schemes.scheme_framework).
    revision = models.PositiveIntegerField("修订次数", default=0, editable=False)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True, editable=False)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, editable=False, related_name="+"
    )
    locked_at = models.DateTimeField("锁定时间", null=True, blank=True, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "考核方案"

    def __str__(self):
        return f"{self.year}年度考核方案"

    @property
    def editable(self) -> bool:
        return self.status != self.Status.LOCKED

    @property
    def in_force(self) -> bool:
        return self.status != self.Status.DRAFT


class SchemeArea(models.Model):
    """一级指标 (an area of work)."""

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="areas")
    code = models.CharField("编码", max_length=64)
    name = models.CharField("一级指标", max_length=200)
    order = models.PositiveIntegerField("序号", default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="one_area_code_per_scheme")]

    def __str__(self):
        return self.name


class SchemeIndicator(models.Model):
    """二级指标, under an area."""

    area = models.ForeignKey(SchemeArea, models.CASCADE, related_name="indicators", verbose_name="一级指标")
    code = models.CharField("编码", max_length=64)
    name = models.CharField("二级指标", max_length=200)
    order = models.PositiveIntegerField("序号", default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["area", "code"], name="one_indicator_code_per_area")]

    def __str__(self):
        return f"{self.area.name} / {self.name}"


class SchemeItem(models.Model):
    """An assessed item (考核内容): a formula over catalogue metrics, a scoring rule and its points.

    `rule` is the file format's rule ({type: linear, lower, upper} …); `applies_to` and `on_missing` left empty
    follow the scheme's defaults, as in the file. `code` is what self-assessments and results refer to.
    """

    scheme = models.ForeignKey(Scheme, models.CASCADE, related_name="items")
    indicator = models.ForeignKey(SchemeIndicator, models.CASCADE, related_name="items", verbose_name="二级指标")
    code = models.CharField("指标项编码", max_length=64)
    name = models.CharField("考核内容", max_length=200)
    points = models.FloatField("分值")
    formula = models.CharField("计算公式", max_length=500, blank=True)
    rule = models.JSONField("评分规则")
    target = models.FloatField("目标值", null=True, blank=True)
    applies_to = models.JSONField("适用单位类型", default=list, blank=True)
    on_missing = models.CharField("缺数据时", max_length=8, choices=OnMissing.choices, blank=True)
    guidance = models.TextField("备注", blank=True)
    order = models.PositiveIntegerField("序号", default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["order", "pk"]
        constraints = [models.UniqueConstraint(fields=["scheme", "code"], name="one_item_code_per_scheme")]

    def __str__(self):
        return self.name


class AssessmentRun(models.Model):
    """One assessment of every unit for a period under one framework version; results are immutable."""

    year = models.PositiveIntegerField("年度")
    framework_code = models.CharField("指标体系", max_length=64)
    framework_name = models.CharField("指标体系名称", max_length=200)
    framework_version = models.CharField("版本", max_length=32)
    framework_digest = models.CharField("指标体系文件摘要", max_length=32)
    inputs_digest = models.CharField("输入数据摘要", max_length=64)
    created_at = models.DateTimeField("考核时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    # The year's published scheme the run scored under; none: the packaged framework (or one given explicitly).
    scheme = models.ForeignKey(
        Scheme, models.PROTECT, null=True, blank=True, related_name="runs", verbose_name="考核方案"
    )

    class Meta:
        ordering = ["-year", "-created_at"]
        verbose_name = verbose_name_plural = "考核"

    def __str__(self):
        return f"{self.year}年度考核（{self.framework_name}）"


class UnitResult(models.Model):
    run = models.ForeignKey(AssessmentRun, models.CASCADE, related_name="unit_results")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    unit_type = models.CharField("单位类型", max_length=16)
    score = models.FloatField("得分")
    max_score = models.FloatField("满分")
    share = models.FloatField("得分率")
    rank = models.PositiveIntegerField("同类排名")
    rank_of = models.PositiveIntegerField("同类单位数")
    light = models.CharField("等次", max_length=8, choices=Light.choices)
    missing_items = models.PositiveIntegerField("缺数据项")
    area_scores = models.JSONField("各领域得分", default=dict)
    # Every applicable item's score in the framework's order, as JSON text: a list of [item, value, source,
    # points, max_points, status] (see ItemScore). A run is written once and read a unit at a time (scorecard)
    # or whole (export): a row per unit and item, ~2,000 a run, cost more to write than the rest of the run,
    # and jsonb would parse every number of it again.
    items_json = models.TextField("各项得分", default="[]")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        ordering = ["unit_type", "rank", "unit_id"]
        constraints = [models.UniqueConstraint(fields=["run", "unit"], name="one_result_per_unit")]

    @property
    def item_scores(self) -> list[ItemScore]:
        return [ItemScore(*item) for item in json.loads(self.items_json)]


class SelfAssessment(LedgerModel):
    """A unit's self-score on a qualitative item, with evidence; the 法治办 reviews and fixes the score."""

    class Status(models.TextChoices):
        SUBMITTED = "submitted", "已提交"
        REVIEWED = "reviewed", "已审核"
        RETURNED = "returned", "退回修改"

    year = models.PositiveIntegerField("年度")
    item = models.CharField("指标项", max_length=64)
    self_score = models.FloatField("自评分")
    explanation = models.TextField("自评说明")
    evidence = models.FileField(
        "佐证材料", upload_to="evidence/%Y/", blank=True, validators=[evidence_type, evidence_size]
    )
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.SUBMITTED, editable=False)
    reviewed_score = models.FloatField("审核得分", null=True, blank=True, editable=False)
    review_comment = models.TextField("审核意见", blank=True, editable=False)
    reviewed_by = step_user("审核人")
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "自评"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year", "item"], condition=models.Q(deleted_at__isnull=True), name="one_self_assessment"
            )
        ]

    def __str__(self):
        return f"{self.unit}·{self.year}·{self.item_name}"

    @property
    def item_name(self):
        from .schemes import framework_for

        try:
            return framework_for(self.year)[0].item(self.item).name
        except StopIteration:
            return self.item

    def detail_sections(self):
        if not self.evidence:
            return []
        from django.urls import reverse

        return [
            (
                "佐证材料",
                ["文件", "下载"],
                [(self.evidence.name.rsplit("/", 1)[-1], reverse("assessment:evidence", args=[self.pk]))],
            )
        ]

    def clean(self):
        from .schemes import framework_for

        framework = framework_for(self.year)[0]
        try:
            item = framework.item(self.item)
        except StopIteration:
            raise ValidationError({"item": f"指标项“{self.item}”不在该年度的考核方案中"}) from None
        if not item.qualitative:
            raise ValidationError({"item": "该指标项由数据计算，不需要自评"})
        if self.self_score is not None and not 0 <= self.self_score <= item.points:
            raise ValidationError({"self_score": f"自评分应在0到{item.points:g}分之间"})
        # one_self_assessment holds only outside the recycle bin, a condition the form's own check skips
        if (
            self.unit_id
            and self.year
            and SelfAssessment.objects.filter(unit_id=self.unit_id, year=self.year, item=self.item)
            .exclude(pk=self.pk)
            .exists()
        ):
            raise ValidationError({"item": f"本单位{self.year}年度已提交该指标项的自评"})
