"""Metric observations: a value of one catalogue metric for one unit and period, and where it came from."""
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from fazhi.core.models import LedgerModel

from .catalogue import catalogue


class Source(models.TextChoices):
    LEDGER = "ledger", "台账计算"
    REPORT = "report", "年度报告"
    MANUAL = "manual", "人工填报"


class Qualifier(models.TextChoices):
    EXACT = "", "确数"
    APPROX = "approx", "约数"
    LOWER_BOUND = "lower_bound", "下限（以上）"
    PARTIAL_PERIOD = "partial_period", "非全年数据"
    YOY = "yoy", "同比变化"


class ObservationBatch(models.Model):
    """One computation from the ledgers, or one import of observations read from a report."""

    source = models.CharField("来源", max_length=10, choices=Source.choices)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    created_at = models.DateTimeField("时间", auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+")
    note = models.CharField("说明", max_length=300, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "指标数据批次"


def metric_choices():
    return [(m.code, f"{m.name}（{m.code}）") for m in catalogue().metrics.values() if not m.internal]


class Observation(LedgerModel):
    """A value is never overwritten: a newer computation or reading supersedes it and the old row stays."""

    metric = models.CharField("指标", max_length=64)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    value = models.FloatField("数值")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    qualifier = models.CharField("限定", max_length=20, choices=Qualifier.choices, blank=True, default="")
    evidence = models.TextField("依据", blank=True, help_text="报告原文、台账说明或佐证材料")
    batch = models.ForeignKey(ObservationBatch, models.PROTECT, null=True, blank=True, related_name="observations",
                              editable=False, db_index=False)
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "指标数据"
        # Few indexes on purpose: a computation writes a row per unit and metric, and each index costs every row.
        # The current values of a period (what assessments, dashboards and reports read) come from the unique
        # index, whose columns lead with the period; a unit's history from the unit's foreign-key index. Nothing
        # looks observations up by batch (batches are never deleted), so that foreign key has no index.
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "source", "metric", "unit"],
                condition=models.Q(superseded_at__isnull=True, deleted_at__isnull=True),
                name="one_current_observation",
            )
        ]

    def __str__(self):
        metric = catalogue().metrics.get(self.metric)
        return f"{self.unit}·{metric.name if metric else self.metric}"

    @property
    def metric_name(self):
        metric = catalogue().metrics.get(self.metric)
        return metric.name if metric else self.metric

    @property
    def display_value(self):
        metric = catalogue().metrics.get(self.metric)
        return metric.format(self.value) if metric else self.value

    def clean(self):
        if self.metric and self.metric not in catalogue().metrics:
            raise ValidationError({"metric": f"指标“{self.metric}”不在指标目录中"})
        if self.period_start and self.period_end and self.period_end < self.period_start:
            raise ValidationError({"period_end": "期间结束不能早于开始"})
        metric = catalogue().metrics.get(self.metric)
        if metric and metric.kind == "rate" and self.value is not None and self.qualifier != Qualifier.YOY and not 0 <= self.value <= 1:
            raise ValidationError({"value": "比率应填写0到1之间的小数（如 95% 填 0.95）"})
