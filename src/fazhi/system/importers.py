"""Import of user accounts from Excel: all or nothing, each refusal with its row and column (core.importing).

Every row passes the same checks as the 新建用户 page (accounts.check_assignment, check_username, the password
policy). Rows without an 初始密码 get a one-time password, listed once on the page that reports the import.
Every imported user must change the password at first login.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

from django.contrib.auth.hashers import make_password
from django.core.exceptions import ValidationError
from django.utils import timezone

from fazhi.core.importing import CellError, Column, Importer, choice, text
from fazhi.org.choices import Role
from fazhi.org.models import User

from . import accounts
from .models import CHANGE_TYPE, AccountAction, AccountEvent

MAX_ROWS = 5000


class UserImporter(Importer):
    slug = "users"
    title = "用户"
    model = User
    natural_key = ("username",)
    reason = "Excel导入"
    columns = [
        Column(
            "用户名",
            "username",
            text(150),
            example="zhangsan",
            note="登录用的名字：字母、数字和 @ . + - _；不能与已有用户重复（不分大小写）",
        ),
        Column("姓名", "full_name", text(50), required=False, example="张三"),
        Column(
            "所在单位",
            "unit",
            text(100),
            required=False,
            example="云川市司法局",
            note="单位名称或单位编码（名称重复时请填编码）；须在您的管理范围内。仅系统管理员可不填",
        ),
        Column(
            "角色",
            "role",
            choice(Role.choices),
            example=Role.CLERK.label,
            note="系统管理员、法治办、单位管理员、经办人或领导；不能高于您本人的角色",
        ),
        Column(
            "初始密码",
            "password",
            text(128),
            required=False,
            note="不填则由系统生成，导入完成后只显示一次；用户首次登录时须修改密码",
        ),
    ]

    def __init__(self, actor):
        self.actor = actor
        self.created: list[tuple[User, str | None]] = []  # (user, the generated password or None)

    def prepare(self, user) -> dict:
        by_code, by_name = {}, {}
        for unit in accounts.managed_units(user) or ():
            by_code[unit.code] = unit
            by_name.setdefault(unit.name, []).append(unit)
        return {"by_code": by_code, "by_name": by_name, "rows": 0}

    def key(self, record):
        return (record.username.casefold(),)

    def existing_keys(self, keys):
        return {}  # a name already taken is refused by check(), in any letter case

    def last_pk(self) -> int:
        return User.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def build(self, values: dict, context: dict) -> User:
        context["rows"] += 1
        if context["rows"] > MAX_ROWS:
            raise CellError(f"一次最多导入{MAX_ROWS}个用户，请分批导入")
        unit = self.unit_of(values["unit"], context)
        user = User(
            username=values["username"],
            full_name=values["full_name"] or "",
            unit=unit,
            must_change_password=True,
        )
        accounts.apply_role(user, values["role"])
        user.initial_password = values["password"] or ""
        return user

    @staticmethod
    def unit_of(name_or_code: str | None, context: dict):
        if not name_or_code:
            return None
        unit = context["by_code"].get(name_or_code)
        if unit is not None:
            return unit
        named = context["by_name"].get(name_or_code, [])
        if len(named) > 1:
            raise ValidationError({"unit": f"单位名称“{name_or_code}”对应多个单位，请改填单位编码"})
        if not named:
            raise ValidationError({"unit": f"单位“{name_or_code}”不存在或不在您的管理范围内"})
        return named[0]

    def check(self, record, values: dict, context: dict) -> None:
        errors = {}
        for check in (
            lambda: accounts.check_assignment(self.actor, record.role, record.unit),
            lambda: accounts.check_username(record.username),
            lambda: record.initial_password and accounts.check_password(record.initial_password, record),
        ):
            try:
                check()
            except ValidationError as error:
                for name, messages in error.message_dict.items():
                    errors.setdefault(name, []).extend(messages)
        if errors:
            raise ValidationError(errors)

    def save(self, records: list, user) -> None:
        generated = [None if r.initial_password else accounts.one_time_password() for r in records]
        passwords = [r.initial_password or g for r, g in zip(records, generated)]
        # The production hasher spends most of a second on each password by design; hashlib releases the GIL.
        with ThreadPoolExecutor(max_workers=min(8, os.cpu_count() or 1)) as pool:
            hashed = list(pool.map(make_password, passwords))
        for record, password in zip(records, hashed):
            record.password = password
        User.objects.bulk_create(records)
        now = timezone.now()
        AccountEvent.objects.bulk_create(
            AccountEvent(
                at=now,
                actor=self.actor,
                target=record,
                action=AccountAction.IMPORT,
                change_type=CHANGE_TYPE[AccountAction.IMPORT],
                detail=accounts.describe(record),
            )
            for record in records
        )
        self.created.extend(zip(records, generated))
