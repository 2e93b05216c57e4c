"""Metric observations: a value of one catalogue metric for one unit and period, and where it came from.

Two tables behind one store (`store.current_values` reads both): figures entered by hand or read from a
report are an `Observation` each, with their evidence and qualifier; what a computation from the ledgers gives
a unit is one `LedgerSnapshot`, all its metrics together. A computation produces the dense table of every unit
by every metric at once, and every reader (assessment, gaps, report writer) wants a unit's whole set: a row
per value would be ~80 rows a unit, each paying for its indexes and its foreign-key checks.
"""

import hashlib
import json

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
    return [(m.code, f"{m.name}（{m.code}）") for m in catalogue().metrics.values() if m.entered or not m.internal]


class LedgerSnapshot(models.Model):
    """A unit's metrics for a period as one computation from the ledgers left them: {metric: value}.

    Never overwritten: a computation that changes any of the unit's values writes a new snapshot and marks
    this one superseded, so the snapshots of a unit and period are the history of its ledger figures. A metric
    absent from the values is one the ledgers give no value for (a ratio over nothing), not a zero.
    """

    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    # {metric: value} as canonical JSON text, written once with its digest (snapshots are never edited): the
    # database keeps the text as it is, where jsonb would parse every number and print it again on each read,
    # and a re-run compares the digests, not the values.
    values_json = models.TextField("指标值（JSON）")
    digest = models.CharField("摘要", max_length=64)
    batch = models.ForeignKey(ObservationBatch, models.PROTECT, related_name="snapshots", db_index=False)
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "台账计算值"
        # The current snapshots of a period, what every reader wants, come from this index; nothing looks
        # snapshots up by batch, and a unit's history is a few rows a year.
        constraints = [
            models.UniqueConstraint(
                fields=["period_start", "period_end", "unit"],
                condition=models.Q(superseded_at__isnull=True),
                name="one_current_snapshot",
            )
        ]

    def __str__(self):
        return f"{self.unit}·{self.period_start:%Y-%m-%d}至{self.period_end:%Y-%m-%d}"

    @property
    def values(self) -> dict[str, float]:
        return json.loads(self.values_json)

    @staticmethod
    def encode(values: dict[str, float]) -> tuple[str, str]:
        """The canonical JSON text of a unit's values, and its digest."""
        text = json.dumps(values, sort_keys=True, separators=(",", ":"))
        return text, hashlib.sha256(text.encode()).hexdigest()


class Observation(LedgerModel):
    """A figure entered by hand or read from a report (computed values are `LedgerSnapshot`s).

    A value is never overwritten: a newer reading supersedes it and the old row stays. Rows of source
    "ledger" are from before computed values had their own table: history, all superseded.
    """

    metric = models.CharField("指标", max_length=64)
    period_start = models.DateField("期间开始")
    period_end = models.DateField("期间结束")
    value = models.FloatField("数值")
    source = models.CharField("来源", max_length=10, choices=Source.choices, default=Source.MANUAL)
    qualifier = models.CharField("限定", max_length=20, choices=Qualifier.choices, blank=True, default="")
    evidence = models.TextField("依据", blank=True, help_text="报告原文、台账说明或佐证材料")
    batch = models.ForeignKey(
        ObservationBatch,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="observations",
        editable=False,
        db_index=False,
    )
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "指标数据"
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
        if (
            metric
            and metric.kind == "rate"
            and self.value is not None
            and self.qualifier != Qualifier.YOY
            and not 0 <= self.value <= 1
        ):
            raise ValidationError({"value": "比率应填写0到1之间的小数（如 95% 填 0.95）"})
