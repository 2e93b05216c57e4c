"""What 系统管理 records itself: every login attempt, and every change an administrator makes to an account.

Ledger changes are not copied here: the operation log reads them from the history tables the ledgers keep
(fazhi.system.oplog). Rows here are only ever added, never changed or deleted by the application.
"""

from django.conf import settings
from django.db import models


class LoginEvent(models.TextChoices):
    SUCCESS = "success", "登录成功"
    FAILURE = "failure", "登录失败"
    LOGOUT = "logout", "退出登录"


class LoginLog(models.Model):
    """One login, failed login or logout, as the server saw it."""

    at = models.DateTimeField("时间", db_index=True)
    event = models.CharField("结果", max_length=16, choices=LoginEvent.choices)
    username = models.CharField("用户名", max_length=150, db_index=True)
    # The account the name belongs to, when there is one (a failure may name no account at all).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="用户"
    )
    ip_address = models.GenericIPAddressField("IP地址", null=True, blank=True)
    user_agent = models.CharField("浏览器", max_length=500, blank=True)
    reason = models.CharField("说明", max_length=100, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "登录日志"

    def __str__(self):
        return f"{self.username} {self.get_event_display()}"


class AccountAction(models.TextChoices):
    CREATE = "create", "新建用户"
    IMPORT = "import", "导入用户"
    UPDATE = "update", "修改用户"
    DISABLE = "disable", "停用用户"
    ENABLE = "enable", "启用用户"
    RESET_PASSWORD = "reset_password", "重置密码"
    CHANGE_PASSWORD = "change_password", "修改密码"


# The history change type (+ created, ~ changed, - deleted) each action shows as in the operation log.
CHANGE_TYPE = {AccountAction.CREATE: "+", AccountAction.IMPORT: "+"}


class AccountEvent(models.Model):
    """A change to a user account: who made it, to whom, and what changed (never the password itself)."""

    at = models.DateTimeField("时间", db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, related_name="+", verbose_name="操作人"
    )
    target = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, related_name="account_events", verbose_name="用户"
    )
    action = models.CharField("操作", max_length=16, choices=AccountAction.choices)
    change_type = models.CharField("变更类型", max_length=1, default="~")
    detail = models.CharField("说明", max_length=500, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "账号变更记录"

    def __str__(self):
        return f"{self.get_action_display()}：{self.target}"
