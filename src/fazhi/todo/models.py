from django.db import models


class ScanRun(models.Model):
    """One run of the nightly deadline scan: the next run warns about what changed since the last finished one."""

    day = models.DateField("扫描日期")
    started_at = models.DateTimeField("开始时间")
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    rows_scanned = models.PositiveIntegerField("扫描记录数", default=0)
    notices = models.PositiveIntegerField("新消息数", default=0)
    yellow_cards = models.PositiveIntegerField("黄牌", default=0)
    red_cards = models.PositiveIntegerField("红牌", default=0)
    digests = models.PositiveIntegerField("邮件数", default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = verbose_name_plural = "期限扫描记录"

    def __str__(self):
        return f"{self.day} 期限扫描"
