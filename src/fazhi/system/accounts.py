"""User accounts: who may create, change, disable and reset whom. Every page and the Excel import go through here.

- A system administrator manages every account, a unit administrator the accounts of the units in their
  subtree (org.scope decides the subtree); no other role manages accounts.
- Nobody grants a role ranked above their own, nor manages an account whose role ranks above their own
  (the order is org.choices.ROLE_RANK).
- Nobody changes their own role or unit, disables their own account or resets their own password here.
- Accounts are disabled, never deleted: the ledgers' history names the people who made each change.

A refusal is a ValidationError naming the field it concerns (role, unit, username, password), so that a form
shows it by the field and an import by the column; managing an account outside one's reach is PermissionDenied.
"""

from __future__ import annotations

import secrets
import string

from django.apps import apps
from django.conf import settings
from django.contrib.auth import password_validation
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from fazhi.org.choices import ROLE_RANK, Role
from fazhi.org.scope import scope_of

from .models import CHANGE_TYPE, AccountAction, AccountEvent

MANAGER_ROLES = frozenset({Role.SYSADMIN, Role.UNIT_ADMIN})
# Letters and digits that cannot be mistaken for one another when read off a screen or a sheet of paper.
PASSWORD_ALPHABET = "".join(c for c in string.ascii_letters + string.digits if c not in "0O1lIo")


def role_of(user) -> str:
    """The role a user acts with: a Django superuser (createsuperuser) is a system administrator."""
    return Role.SYSADMIN if getattr(user, "is_superuser", False) else user.role


def rank(role: str) -> int:
    return ROLE_RANK[role]


def is_manager(user) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and user.is_active and role_of(user) in MANAGER_ROLES


def require_manager(user) -> None:
    if not is_manager(user):
        raise PermissionDenied("只有系统管理员和单位管理员可以管理用户")


def grantable_roles(actor) -> list[tuple[str, str]]:
    """(value, label) of the roles the actor may grant: those ranked at or below their own."""
    own = rank(role_of(actor))
    return [(value, label) for value, label in Role.choices if rank(value) <= own]


def managed_users(actor):
    """The accounts the actor may see in 用户管理: all of them, or those of the units in the actor's scope."""
    user_model = apps.get_model("org", "User")
    if not is_manager(actor):
        return user_model.objects.none()
    if scope_of(actor).everything:
        return user_model.objects.all()
    return user_model.objects.filter(unit__in=managed_units(actor).values("pk"))


def managed_units(actor):
    """The units the actor may put an account in."""
    return apps.get_model("org", "Unit").objects.visible_to(actor) if is_manager(actor) else None


def check_manage(actor, target) -> None:
    """Refuse unless the actor may change this account."""
    require_manager(actor)
    scope = scope_of(actor)
    in_scope = scope.everything or (target.unit_id is not None and scope.allows(target.unit))
    if not in_scope:
        raise PermissionDenied(f"用户“{target.username}”不在您的管理范围内")
    if rank(role_of(target)) > rank(role_of(actor)):
        raise PermissionDenied(f"不能管理角色高于本人的用户：“{target.username}”的角色为{Role(role_of(target)).label}")


def check_assignment(actor, role: str, unit, target=None) -> None:
    """Refuse a role or unit the actor may not give (to `target`, or to a new account when None)."""
    require_manager(actor)
    errors = {}
    if role not in ROLE_RANK:
        errors["role"] = f"“{role}”不是可选的角色"
    elif rank(role) > rank(role_of(actor)):
        errors["role"] = f"不能授予高于本人角色的角色：{Role(role).label}（您的角色为{Role(role_of(actor)).label}）"
    if unit is None:
        if role != Role.SYSADMIN:
            errors["unit"] = "除系统管理员外，每个用户都必须属于一个单位"
    elif not scope_of(actor).allows(unit):
        errors["unit"] = f"单位“{unit.name}”不在您的管理范围内"
    elif not unit.is_active and (target is None or target.unit_id != unit.pk):
        errors["unit"] = f"单位“{unit.name}”已停用，不能再分配用户"
    if target is not None and target.pk == actor.pk:
        if role != target.role:
            errors["role"] = "不能修改自己的角色，请由其他管理员修改"
        if (unit.pk if unit else None) != target.unit_id:
            errors["unit"] = "不能修改自己的所在单位，请由其他管理员修改"
    if errors:
        raise ValidationError(errors)


def check_username(username: str, exclude_pk=None) -> None:
    """A new user name: the characters Django allows, and no account already holds it (in any letter case)."""
    user_model = apps.get_model("org", "User")
    if not username:
        raise ValidationError({"username": "用户名不能为空"})
    try:
        UnicodeUsernameValidator()(username)
    except ValidationError:
        raise ValidationError({"username": "用户名只能包含字母、数字和 @ . + - _ 字符"}) from None
    taken = user_model.objects.filter(username__iexact=username)
    if exclude_pk is not None:
        taken = taken.exclude(pk=exclude_pk)
    if taken.exists():
        raise ValidationError({"username": f"用户名“{username}”已被使用"})


def check_password(password: str, user) -> None:
    """The password policy (settings.AUTH_PASSWORD_VALIDATORS), refused under the password field."""
    try:
        password_validation.validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password": error.messages}) from None


def one_time_password() -> str:
    """A random password with lower and upper case letters and digits, long enough for the policy."""
    length = max(12, getattr(settings, "FAZHI_PASSWORD_MIN_LENGTH", 8))
    while True:
        password = "".join(secrets.choice(PASSWORD_ALPHABET) for _ in range(length))
        if (
            any(c.islower() for c in password)
            and any(c.isupper() for c in password)
            and any(c.isdigit() for c in password)
        ):
            return password


def apply_role(user, role: str) -> None:
    """The role and the Django flags that go with it: only system administrators reach the admin site."""
    user.role = role
    user.is_staff = user.is_superuser = role == Role.SYSADMIN


def record(actor, target, action: str, detail: str = "") -> AccountEvent:
    return AccountEvent.objects.create(
        at=timezone.now(),
        actor=actor,
        target=target,
        action=action,
        change_type=CHANGE_TYPE.get(action, "~"),
        detail=detail[:500],
    )


def describe(user) -> str:
    unit = user.unit.name if user.unit_id else "（无）"
    return f"角色：{Role(user.role).label}；所在单位：{unit}"


# -- steps -------------------------------------------------------------------------------------------------
def create_user(actor, *, username: str, full_name: str, unit, role: str, password: str = ""):
    """A new account; returns (user, the one-time password when none was given, else None).

    The new user must change the password at first login."""
    user_model = apps.get_model("org", "User")
    check_assignment(actor, role, unit)
    check_username(username)
    user = user_model(username=username, full_name=full_name, unit=unit, must_change_password=True)
    apply_role(user, role)
    generated = None
    if password:
        check_password(password, user)
    else:
        password = generated = one_time_password()
    user.set_password(password)
    with transaction.atomic():
        user.save()
        record(actor, user, AccountAction.CREATE, describe(user))
    return user, generated


def update_user(actor, target, *, full_name: str, unit, role: str):
    """Change an account's name, unit and role."""
    with transaction.atomic():
        user = type(target)._base_manager.select_for_update(of=("self",)).select_related("unit").get(pk=target.pk)
        check_manage(actor, user)
        check_assignment(actor, role, unit, target=user)
        changes = []
        if user.full_name != full_name:
            changes.append(f"姓名：{user.full_name or '（空）'} → {full_name or '（空）'}")
        if user.role != role:
            changes.append(f"角色：{Role(user.role).label} → {Role(role).label}")
        if user.unit_id != (unit.pk if unit else None):
            before = user.unit.name if user.unit_id else "（无）"
            changes.append(f"所在单位：{before} → {unit.name if unit else '（无）'}")
        if not changes:
            return user
        user.full_name, user.unit = full_name, unit
        apply_role(user, role)
        user.save()
        record(actor, user, AccountAction.UPDATE, "；".join(changes))
    return user


def set_active(actor, target, active: bool):
    """Disable an account (it can no longer log in; its history stays) or enable it again."""
    with transaction.atomic():
        user = type(target)._base_manager.select_for_update(of=("self",)).select_related("unit").get(pk=target.pk)
        check_manage(actor, user)
        if user.pk == actor.pk and not active:
            raise ValidationError("不能停用自己的账号")
        if user.is_active == active:
            return user
        user.is_active = active
        user.save(update_fields=["is_active"])
        record(actor, user, AccountAction.ENABLE if active else AccountAction.DISABLE)
    return user


def reset_password(actor, target) -> str:
    """Give the account a new one-time password (returned, to be shown once); its owner must change it at the
    next login. Sessions logged in with the old password end, and a lockout for too many failures is lifted."""
    with transaction.atomic():
        user = type(target)._base_manager.select_for_update(of=("self",)).select_related("unit").get(pk=target.pk)
        check_manage(actor, user)
        if user.pk == actor.pk:
            raise ValidationError("不能重置自己的密码，请在“修改密码”页面修改")
        password = one_time_password()
        user.set_password(password)
        user.must_change_password = True
        user.save(update_fields=["password", "must_change_password"])
        record(actor, user, AccountAction.RESET_PASSWORD)
    from axes.utils import reset as reset_lockouts

    reset_lockouts(username=user.username)
    return password


def change_own_password(user, old_password: str, new_password: str) -> None:
    """The user's own change: the old password, a new one the policy accepts and that differs from the old."""
    if not user.check_password(old_password):
        raise ValidationError({"old_password": "原密码不正确"})
    if old_password == new_password:
        raise ValidationError({"new_password1": "新密码不能与原密码相同"})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as error:
        raise ValidationError({"new_password1": error.messages}) from None
    with transaction.atomic():
        user.set_password(new_password)
        user.must_change_password = False
        user.password_changed_at = timezone.now()
        user.save(update_fields=["password", "must_change_password", "password_changed_at"])
        record(user, user, AccountAction.CHANGE_PASSWORD)
