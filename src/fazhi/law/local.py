"""Local versions of `local` parameters: the only writer of `LocalParameterVersion`, and its reader for the book.

Setting or withdrawing a local version changes what `param()` answers for matters from its date on; it never
touches a row already stored. Stored due dates move only when the system administrator asks for them to be
recomputed (系统管理 → 法律参数).
"""

from __future__ import annotations

import datetime as dt

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from .errors import RuleViolation
from .params import LocalRow, ParameterVersion, forget_cached_book, parameter_book, parse_value

_table_seen = False


def stored_rows() -> tuple[LocalRow, ...] | None:
    """Every stored local version, or None where the database cannot be read: before `migrate` has made the table,
    or in a process that may not touch the database (pytest-django's tests without the `db` fixture)."""
    global _table_seen
    if not apps.ready:
        return None
    from .models import LocalParameterVersion

    try:
        if not _table_seen:
            _table_seen = LocalParameterVersion._meta.db_table in connection.introspection.table_names()
            if not _table_seen:
                return None
        fields = ("pk", "code", "value", "unit", "law", "article", "effective_from")
        return tuple(LocalRow(*row) for row in LocalParameterVersion.objects.order_by("pk").values_list(*fields))
    except RuntimeError:  # database access blocked: the packaged law only
        return None


def packaged_versions(code: str) -> list[ParameterVersion]:
    try:
        return parameter_book().packaged[code]
    except KeyError:
        raise ValidationError(f"未定义的法律参数：{code}") from None


def refusal(code: str) -> str | None:
    """Why `code` may not be given a local value, or None when it may (only parameters marked `local` may)."""
    latest = packaged_versions(code)[-1]
    if latest.confidence == "local":
        return None
    if latest.confidence == "unconfirmed":
        return (
            f"“{latest.name}”的依据尚待核实（{latest.citation}），不能设置本地取值："
            "核实后应修订随软件发布的参数文件，而不是在本地另行设定"
        )
    return f"“{latest.name}”由{latest.citation}直接规定，本地规定不能改变，因此不能设置本地取值"


def set_local_value(code: str, value: str, law: str, article: str, effective_from: dt.date):
    """Record that the local rule `law`, `article` sets `code` to `value` from `effective_from` on.

    The unit is the packaged one; a second version of the same parameter from the same day is refused (withdraw
    the first to correct it). Raises ValidationError naming the field at fault."""
    from .models import LocalParameterVersion

    reason = refusal(code)
    if reason:
        raise RuleViolation(reason, code="parameter_not_local")
    unit = packaged_versions(code)[-1].unit
    errors = {}
    try:
        parse_value(unit, value)
    except ValueError as error:
        errors["value"] = str(error)
    law, article = (law or "").strip(), (article or "").strip()
    if not law:
        errors["law"] = "请填写设定该取值的本地规定名称"
    if not article:
        errors["article"] = "请填写条款"
    if effective_from is None:
        errors["effective_from"] = "请填写施行日期"
    elif LocalParameterVersion.objects.filter(code=code, effective_from=effective_from).exists():
        errors["effective_from"] = f"该参数已有自{effective_from:%Y年%m月%d日}起施行的本地取值；如需更正，请先撤销它"
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        version = LocalParameterVersion(
            code=code,
            value=value.strip(),
            unit=unit,
            law=law,
            article=article,
            effective_from=effective_from,
        )
        version._change_reason = "设置本地法律参数"
        version.save()
    forget_cached_book()
    return version


def withdraw_local_value(pk: int, code: str | None = None):
    """Withdraw a local version entered in error (of parameter `code`, when given): matters from its date fall back
    to the version before it."""
    from .models import LocalParameterVersion

    rows = LocalParameterVersion.objects.filter(pk=pk)
    version = (rows.filter(code=code) if code else rows).first()
    if version is None:
        raise ValidationError("该本地取值不存在或已撤销")
    with transaction.atomic():
        version._change_reason = "撤销本地法律参数"
        version.delete()
    forget_cached_book()
    return version
