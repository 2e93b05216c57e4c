"""The login log: every login, failed login and logout, written as Django's auth signals report them."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.core.exceptions import ValidationError
from django.core.validators import validate_ipv46_address
from django.dispatch import receiver
from django.utils import timezone

from .models import LoginEvent, LoginLog


def client_of(request) -> tuple[str | None, str]:
    """(IP address, user agent) of the request, the address as django-axes reads it (proxy settings included)."""
    if request is None:
        return None, ""
    address = getattr(request, "axes_ip_address", None)
    if address is None:
        from axes.helpers import get_client_ip_address

        address = get_client_ip_address(request)
    try:
        validate_ipv46_address(address or "")
    except ValidationError:
        address = None
    meta = getattr(request, "META", {}) or {}
    return address, str(meta.get("HTTP_USER_AGENT", ""))[:500]


def write(event: str, username: str, user, request, reason: str = "") -> None:
    address, agent = client_of(request)
    LoginLog.objects.create(
        at=timezone.now(),
        event=event,
        username=(username or "")[:150],
        user=user,
        ip_address=address,
        user_agent=agent,
        reason=reason,
    )


@receiver(user_logged_in, dispatch_uid="fazhi.system.login_log.success")
def logged_in(sender, request, user, **kwargs):
    write(LoginEvent.SUCCESS, user.get_username(), user, request)


@receiver(user_logged_out, dispatch_uid="fazhi.system.login_log.logout")
def logged_out(sender, request, user, **kwargs):
    if user is not None:
        write(LoginEvent.LOGOUT, user.get_username(), user, request)


@receiver(user_login_failed, dispatch_uid="fazhi.system.login_log.failure")
def login_failed(sender, credentials, request=None, **kwargs):
    username = str(credentials.get("username") or "")
    user = apps.get_model("org", "User").objects.filter(username=username).first() if username else None
    if getattr(request, "axes_locked_out", False):
        reason = "失败次数过多，已被暂时锁定"
    elif user is None:
        reason = "用户名不存在"
    elif not user.is_active:
        reason = "账号已停用"
    else:
        reason = "密码错误"
    write(LoginEvent.FAILURE, username, user, request, reason)
