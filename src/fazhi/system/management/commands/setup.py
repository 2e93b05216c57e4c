"""`fazhi setup`: the first thing a new installation does after `fazhi migrate`.

On an empty database it creates the installation's region, its top unit and the first system administrator,
asked for interactively or read from a YAML/JSON file (--file). Everything else — the units below the top one,
the users — is imported in 系统管理 by that administrator. A database that already holds a region, a unit or a
user is refused: setup never touches a working installation.

File format (JSON works too):

    region: {code: "610100", name: 西安市}
    unit: {code: XA, name: 西安市人民政府, short_name: 西安市政府, type: government, level: city}
    admin: {username: admin, full_name: 张三, password: "…"}   # password left out: asked for

`type` and `level` take the code or the Chinese name (人民政府, 市级).
"""

from __future__ import annotations

import getpass
from pathlib import Path

import yaml
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor

from fazhi.org.choices import Role, UnitLevel, UnitType
from fazhi.org.models import REGION_CODE, Region, Unit, User, region_level_of


def _text(value, what: str, max_length: int, required: bool = True) -> str:
    value = str(value if value is not None else "").strip()
    if required and not value:
        raise ValidationError(f"请填写{what}")
    if len(value) > max_length:
        raise ValidationError(f"{what}不能超过{max_length}个字符")
    return value


def _choice(choices, what: str):
    def check(value) -> str:
        value = str(value or "").strip()
        for code, label in choices.choices:
            if value in (code, label):
                return code
        options = "、".join(f"{code}（{label}）" for code, label in choices.choices)
        raise ValidationError(f"{what}应为以下之一：{options}")

    return check


def region_code(value) -> str:
    value = _text(value, "行政区划代码", 6)
    if not REGION_CODE.match(value):
        raise ValidationError("行政区划代码应为6位数字（GB/T 2260），如 610100")
    return value


def username(value) -> str:
    value = _text(value, "用户名", User._meta.get_field("username").max_length)
    User.username_validator(value)
    return value


unit_type = _choice(UnitType, "单位类型")
unit_level = _choice(UnitLevel, "单位层级")

# (section, key, prompt, check, default from the answers so far)
QUESTIONS = [
    ("region", "code", "本级行政区划代码（6位，GB/T 2260）", region_code, None),
    ("region", "name", "行政区划名称（如 西安市）", lambda v: _text(v, "行政区划名称", 100), None),
    ("unit", "name", "顶层单位名称（如 西安市人民政府）", lambda v: _text(v, "单位名称", 100), None),
    ("unit", "short_name", "单位简称（可留空）", lambda v: _text(v, "简称", 50, required=False), None),
    ("unit", "code", "单位编码（导入下级单位时用它指明上级）", lambda v: _text(v, "单位编码", 32), "region.code"),
    ("unit", "type", "单位类型", unit_type, "=government"),
    ("unit", "level", "单位层级", unit_level, "region.level"),
    ("admin", "username", "系统管理员用户名", username, "=admin"),
    ("admin", "full_name", "系统管理员姓名", lambda v: _text(v, "姓名", 50), None),
]


class Command(BaseCommand):
    help = "新安装：在空数据库上建立本级行政区划、顶层单位和第一个系统管理员（交互式询问，或用 --file 读取文件）"

    def add_arguments(self, parser):
        parser.add_argument("--file", help="YAML 或 JSON 文件，含 region、unit、admin 三节（密码可不写，届时询问）")

    def handle(self, *args, **options):
        self.refuse_unless_empty()
        if options["file"]:
            answers = self.read_file(Path(options["file"]))
        else:
            self.stdout.write("建立新安装：本级行政区划、顶层单位、第一个系统管理员。按回车采用［］中的默认值。")
            answers = self.interview()
        region, unit, admin = self.create(answers)
        self.stdout.write(
            self.style.SUCCESS(
                f"已建立：行政区划 {region}；顶层单位 {unit.name}（{unit.code}）；系统管理员 {admin.username}。"
            )
        )
        self.stdout.write(
            "下一步：以该系统管理员登录网页界面，在“系统管理 → 单位管理”导入下级单位，在“系统管理 → 用户管理”导入用户。"
        )

    # -- the database must be new ---------------------------------------------------------------------------
    def refuse_unless_empty(self) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        executor = MigrationExecutor(connection)
        if executor.migration_plan(executor.loader.graph.leaf_nodes()):
            raise CommandError("数据库结构尚未建立或不是最新的：请先运行 fazhi migrate，再运行 fazhi setup。")
        counts = {"行政区划": Region.objects.count(), "单位": Unit.objects.count(), "用户": User.objects.count()}
        held = [f"{count} 个{what}" for what, count in counts.items() if count]
        if held:
            raise CommandError(
                f"数据库不是空的（已有{'、'.join(held)}）：fazhi setup 只用于新安装，不会改动已在使用的数据库。"
                "单位和用户请在“系统管理”中导入或修改。"
            )

    # -- answers ----------------------------------------------------------------------------------------------
    def read_file(self, path: Path) -> dict:
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))  # JSON is YAML too
        except OSError as error:
            raise CommandError(f"无法读取 {path}：{error.strerror}") from None
        except yaml.YAMLError as error:
            raise CommandError(f"{path} 不是有效的 YAML/JSON：{error}") from None
        if not isinstance(data, dict):
            raise CommandError(f"{path} 应包含 region、unit、admin 三节")
        answers, errors = {}, []
        for section, key, prompt, check, default in QUESTIONS:
            given = (data.get(section) or {}).get(key)
            if given in (None, "") and default:
                given = self.default(default, answers)
            try:
                answers[f"{section}.{key}"] = check(given)
            except ValidationError as error:
                errors.append(f"{section}.{key}（{prompt}）：{'；'.join(error.messages)}")
        if errors:
            raise CommandError(f"{path} 有错误，未建立任何数据：\n" + "\n".join(errors))
        password = (data.get("admin") or {}).get("password")
        if password:
            try:
                self.check_password(str(password), answers)
            except ValidationError as error:
                raise CommandError(f"admin.password：{'；'.join(error.messages)}；未建立任何数据") from None
            answers["admin.password"] = str(password)
        else:
            answers["admin.password"] = self.ask_password(answers)
        return answers

    def interview(self) -> dict:
        answers = {}
        for section, key, prompt, check, default in QUESTIONS:
            shown_default = self.default(default, answers) if default else ""
            if check in (unit_type, unit_level):
                choices = UnitType if check is unit_type else UnitLevel
                prompt += "：" + "、".join(f"{code}={label}" for code, label in choices.choices)
            while True:
                raw = self.read(f"{prompt}{f'［{shown_default}］' if shown_default else ''}：")
                try:
                    answers[f"{section}.{key}"] = check(raw.strip() or shown_default)
                    break
                except ValidationError as error:
                    self.stderr.write("；".join(error.messages))
        answers["admin.password"] = self.ask_password(answers)
        return answers

    @staticmethod
    def default(default: str, answers: dict) -> str:
        if default.startswith("="):
            return default[1:]
        if default == "region.level":
            return region_level_of(answers["region.code"]) if "region.code" in answers else ""
        return answers.get(default, "")

    def read(self, prompt: str, secret: bool = False) -> str:
        try:
            return getpass.getpass(prompt) if secret else input(prompt)
        except (EOFError, KeyboardInterrupt):
            raise CommandError("已取消，未建立任何数据。") from None

    def ask_password(self, answers: dict) -> str:
        while True:
            password = self.read("系统管理员密码：", secret=True)
            if password != self.read("再次输入密码：", secret=True):
                self.stderr.write("两次输入的密码不一致，请重新输入")
                continue
            try:
                self.check_password(password, answers)
            except ValidationError as error:
                self.stderr.write("；".join(error.messages))
                continue
            return password

    @staticmethod
    def check_password(password: str, answers: dict) -> None:
        """settings.AUTH_PASSWORD_VALIDATORS, against the administrator about to be created."""
        validate_password(password, User(username=answers["admin.username"], full_name=answers["admin.full_name"]))

    # -- creation ---------------------------------------------------------------------------------------------
    def create(self, answers: dict) -> tuple[Region, Unit, User]:
        with transaction.atomic():
            self.refuse_unless_empty()  # again, inside the transaction: no second setup racing this one
            region = Region.objects.create(code=answers["region.code"], name=answers["region.name"])
            unit = Unit.objects.create(
                code=answers["unit.code"],
                name=answers["unit.name"],
                short_name=answers["unit.short_name"],
                unit_type=answers["unit.type"],
                level=answers["unit.level"],
                region=region,
            )
            admin = User(
                username=answers["admin.username"],
                full_name=answers["admin.full_name"],
                role=Role.SYSADMIN,
                is_staff=True,
                is_superuser=True,
            )
            admin.set_password(answers["admin.password"])
            try:
                admin.full_clean(exclude=["password"])
            except ValidationError as error:
                raise CommandError("；".join(error.messages)) from None
            admin.save()
        return region, unit, admin
