from django.conf import settings
from django.db import models


class Reveal(models.Model):
    """One look at one masked value: who, when, which record and field, from where (个人信息保护法第五十一条)."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.PROTECT, related_name="+", verbose_name="查看人")
    at = models.DateTimeField("时间", auto_now_add=True)
    model = models.CharField("台账", max_length=100)
    object_id = models.BigIntegerField("记录")
    field = models.CharField("字段", max_length=100)
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = verbose_name_plural = "个人信息查看记录"
        indexes = [models.Index(fields=["model", "object_id"])]

    def __str__(self):
        return f"{self.user} {self.model}#{self.object_id}.{self.field}"
