"""The password policy beyond Django's validators: the demo's published password is refused, and a password
must be changed after an administrator set it (a new account, a reset) or once it is older than
settings.FAZHI_PASSWORD_MAX_AGE_DAYS (0: never)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.demo.generator import DEMO_PASSWORD


class DemoPasswordValidator:
    """Refuses the password every demo account shares: it is printed in the README and by `make demo`."""

    def validate(self, password, user=None):
        if DEMO_PASSWORD.casefold() in password.casefold():
            raise ValidationError("不能使用演示系统的公开密码（或包含它的密码）", code="demo_password")

    def get_help_text(self):
        return "密码不能是演示系统的公开密码。"


def max_age_days() -> int:
    return int(getattr(settings, "FAZHI_PASSWORD_MAX_AGE_DAYS", 0) or 0)


def expires_at(user) -> dt.datetime | None:
    """When the user's password expires, or None when passwords do not expire."""
    days = max_age_days()
    if days <= 0:
        return None
    changed = user.password_changed_at or user.date_joined
    return changed + dt.timedelta(days=days)


def change_due(user) -> str | None:
    """Why the user must change their password before going on, or None."""
    if user.must_change_password:
        return "您的密码由管理员设置，请先修改密码后再使用系统。"
    expiry = expires_at(user)
    if expiry is not None and expiry <= timezone.now():
        return f"您的密码已超过{max_age_days()}天未修改，请修改密码后再使用系统。"
    return None
