from django.conf import settings
from django.db import models


class Notification(models.Model):
    """One message to one user. `key` names what it is about (e.g. "overdue:cases.case:17:2026-12-05"), so a job
    that runs twice sends nothing twice: (user, key) is unique."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notifications", verbose_name="接收人"
    )
    key = models.CharField("标识", max_length=200)
    kind = models.CharField("类别", max_length=30, blank=True)
    title = models.CharField("标题", max_length=300)
    body = models.TextField("内容", blank=True)
    url = models.CharField("链接", max_length=500, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True)
    read_at = models.DateTimeField("已读时间", null=True, blank=True)
    emailed_at = models.DateTimeField("邮件发送时间", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "消息"
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notice_once_per_user")]
        # by key: the nightly scan asks which of tonight's warnings were already sent, to anyone
        indexes = [models.Index(fields=["user", "read_at"]), models.Index(fields=["key"], name="notice_key")]

    def __str__(self):
        return self.title


class Preference(models.Model):
    """What a user wants to receive besides the in-app inbox."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, models.CASCADE, related_name="notice_preference", verbose_name="用户"
    )
    daily_digest = models.BooleanField("接收每日待办邮件", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "通知设置"


class DigestSent(models.Model):
    """A digest e-mail sent to a user for a day: the scan and the sender may run again without mailing twice."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, models.CASCADE, related_name="+")
    day = models.DateField("日期")
    sent_at = models.DateTimeField(auto_now_add=True)
    notices = models.PositiveIntegerField("条数", default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "day"], name="digest_once_per_day")]
