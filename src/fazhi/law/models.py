"""This installation's own versions of the parameters the law leaves to local rules (`confidence: local`).

The packaged YAML says what the national texts set; a row here says what the local rule (地方规定) sets from its
date of effect. `fazhi.law.params` merges them into the parameter book: a local version from day D closes the
packaged one on D − 1, so a matter is governed by the version in force on the day it arose, wherever it comes from.
Rows are written only through `fazhi.law.local` (which refuses parameters that are not `local`).
"""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords


class LocalParameterVersion(models.Model):
    code = models.CharField("参数代码", max_length=100)
    value = models.CharField(
        "取值", max_length=20, help_text="按参数单位书写：期间、人数为整数，比例为小数，日期为“月-日”"
    )
    unit = models.CharField("单位", max_length=20, editable=False)
    law = models.CharField("本地规定名称", max_length=200)
    article = models.CharField("条款", max_length=100)
    effective_from = models.DateField("施行日期")
    created_at = models.DateTimeField("录入时间", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["code", "effective_from"]
        verbose_name = verbose_name_plural = "本地法律参数"
        constraints = [
            models.UniqueConstraint(fields=["code", "effective_from"], name="local_parameter_one_version_a_day")
        ]

    def __str__(self):
        return f"{self.code}：{self.value}（《{self.law}》{self.article}，{self.effective_from}起）"


class HolidayArrangement(models.Model):
    """A year's holidays and 调休 make-up working days as the State Council's notice sets them.

    It replaces the chinesecalendar package's data (and the provisional calendar) for its year. Rows are written
    only through `fazhi.law.arrangements`; `holidays` is a list of {"name", "from", "to"} (ISO dates, both ends
    included), `workdays` a list of ISO dates."""

    year = models.PositiveSmallIntegerField("年份", unique=True)
    title = models.CharField("通知标题", max_length=200)
    number = models.CharField("文号", max_length=100)
    published_on = models.DateField("发布日期")
    holidays = models.JSONField("放假安排", default=list)
    workdays = models.JSONField("调休上班日期", default=list)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="录入人"
    )
    created_at = models.DateTimeField("录入时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        verbose_name = verbose_name_plural = "节假日安排"

    def __str__(self):
        return f"{self.year}年节假日安排（{self.number}）"
