"""Published reports read in the browser: an uploaded report, what the reader found in it, and the office's
decision on each figure (confirmed, corrected, rejected), with history.

Imported at the bottom of models.py. The steps that write these rows are in reading.py.
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from fazhi.metrics.catalogue import catalogue
from fazhi.org.scope import ScopedQuerySet

SCOPE_NAMES = {"self": "本级合计", "sub": "其中部分", "other": "其他主体"}


class ReportReading(models.Model):
    """One uploaded published report and the reader's findings, for the unit and year the user chose."""

    class Status(models.TextChoices):
        QUEUED = "queued", "排队读取"
        READ = "read", "已读取"
        FAILED = "failed", "读取失败"

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    year = models.PositiveIntegerField("报告年度", null=True, blank=True)
    file = models.CharField("存储文件", max_length=300, blank=True)  # the storage name (fazhi.jobs.files)
    original_name = models.CharField("文件名", max_length=255)
    size = models.PositiveIntegerField("文件大小", default=0)
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.QUEUED)
    error = models.CharField("读取失败原因", max_length=1000, blank=True)
    title = models.CharField("报告标题", max_length=300, blank=True)
    region = models.CharField("识别的地区", max_length=100, blank=True)
    level = models.CharField("识别的层级", max_length=40, blank=True)
    detected_unit = models.CharField("识别的单位", max_length=200, blank=True)
    result = models.JSONField("读取结果", default=dict, blank=True)  # ReportReading.to_dict() of the reader
    text = models.TextField("正文", blank=True)  # the prepared text the figures' spans point into
    boilerplate = models.FloatField("套话比例", null=True, blank=True)
    compared_with = models.PositiveIntegerField("比较的报告数", default=0)
    task_id = models.CharField("后台任务", max_length=64, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="上传人"
    )
    created_at = models.DateTimeField("上传时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    objects = ScopedQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "已公开报告读取"
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return self.title or self.original_name

    @property
    def required_sections(self) -> dict:
        return self.result.get("required_sections", {})

    @property
    def similar(self) -> list:
        return self.result.get("similar_readings", [])


class ReadFigureQuerySet(ScopedQuerySet):
    unit_lookup = "reading__unit"


class ReadFigure(models.Model):
    """A figure the reader found in a report's text, and the decision on it: the office's annotation."""

    class Decision(models.TextChoices):
        PENDING = "pending", "待确认"
        CONFIRMED = "confirmed", "已确认"
        CORRECTED = "corrected", "已更正"
        REJECTED = "rejected", "已驳回"

    reading = models.ForeignKey(ReportReading, models.CASCADE, related_name="figures", verbose_name="报告读取")
    position = models.PositiveIntegerField("序号")
    start = models.PositiveIntegerField("起始位置")
    end = models.PositiveIntegerField("结束位置")
    mapped = models.BooleanField("目录指标", default=True)  # False: a figure outside the catalogue, with its label
    metric = models.CharField("指标", max_length=64, blank=True)
    value = models.FloatField("数值")
    value_max = models.FloatField("区间上限", null=True, blank=True)
    qualifier = models.CharField("限定", max_length=20, blank=True)
    scope = models.CharField("范围", max_length=10, default="self")
    raw = models.CharField("原文数字", max_length=300, blank=True)
    quote = models.TextField("原文", blank=True)
    label = models.CharField("所计内容", max_length=300, blank=True)
    section = models.CharField("所在部分", max_length=40, blank=True)
    year = models.PositiveIntegerField("所属年度", null=True, blank=True)
    note = models.CharField("说明", max_length=300, blank=True)
    decision = models.CharField("审核结果", max_length=10, choices=Decision.choices, default=Decision.PENDING)
    corrected_metric = models.CharField("更正指标", max_length=64, blank=True)
    corrected_value = models.FloatField("更正数值", null=True, blank=True)
    corrected_qualifier = models.CharField("更正限定", max_length=20, blank=True)
    corrected_scope = models.CharField("更正范围", max_length=10, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="审核人"
    )
    decided_at = models.DateTimeField("审核时间", null=True, blank=True)
    # The observation this figure stands for in the store, while it does.
    observation = models.ForeignKey(
        "metrics.Observation", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="观测值"
    )

    objects = ReadFigureQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        verbose_name = verbose_name_plural = "报告数字审核"
        ordering = ["reading", "position"]

    def __str__(self):
        return f"{self.reading}·{self.raw}"

    # The figure as it stands after the decision: the correction where there is one, else what was read.
    @property
    def final_metric(self) -> str:
        return self.corrected_metric if self.decision == self.Decision.CORRECTED else self.metric

    @property
    def final_value(self) -> float:
        if self.decision == self.Decision.CORRECTED and self.corrected_value is not None:
            return self.corrected_value
        return self.value

    @property
    def final_qualifier(self) -> str:
        return self.corrected_qualifier if self.decision == self.Decision.CORRECTED else self.qualifier

    @property
    def final_scope(self) -> str:
        return (self.corrected_scope or "self") if self.decision == self.Decision.CORRECTED else self.scope

    @property
    def accepted(self) -> bool:
        return self.decision in (self.Decision.CONFIRMED, self.Decision.CORRECTED) and bool(self.final_metric)

    @property
    def metric_name(self) -> str:
        metric = catalogue().metrics.get(self.final_metric)
        if metric:
            return metric.name
        return f"目录外：{self.label}" if self.label else "目录外数字"

    @property
    def read_metric_name(self) -> str:
        """The metric the reader gave the figure, before any correction."""
        metric = catalogue().metrics.get(self.metric)
        return metric.name if metric else "目录外数字"

    @property
    def display_value(self) -> str:
        metric = catalogue().metrics.get(self.final_metric)
        if metric is None:
            return self.raw or f"{self.final_value:g}"
        if metric.kind == "rate":
            return f"{self.final_value * 100:g}%"
        if metric.kind == "amount":
            return f"{self.final_value:g}万元"
        return f"{self.final_value:g}"

    @property
    def qualifier_name(self) -> str:
        from .reader.model import QUALIFIER_NAMES

        return QUALIFIER_NAMES.get(self.final_qualifier or None, self.final_qualifier) or "确数"

    @property
    def scope_name(self) -> str:
        return SCOPE_NAMES.get(self.final_scope, self.final_scope)
