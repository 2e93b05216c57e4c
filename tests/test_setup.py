"""`fazhi setup`: a new installation's region, top unit and first administrator, on an empty database only."""

import io
import json

import pytest
import yaml
from django.core.management import call_command
from django.core.management.base import CommandError

from fazhi.org.choices import Role, UnitLevel, UnitType
from fazhi.org.models import Region, Unit, User

STRONG = "Qx7!vLm2#pR9-tz"
SPEC = {
    "region": {"code": "610100", "name": "西安市"},
    "unit": {"code": "XA", "name": "西安市人民政府", "short_name": "西安市政府", "type": "government", "level": "city"},
    "admin": {"username": "root", "full_name": "张三", "password": STRONG},
}


def setup(path, **kwargs) -> str:
    out = io.StringIO()
    call_command("setup", file=str(path), stdout=out, stderr=io.StringIO(), **kwargs)
    return out.getvalue()


def written(tmp_path, spec, name="setup.yaml"):
    path = tmp_path / name
    text = json.dumps(spec, ensure_ascii=False) if name.endswith(".json") else yaml.safe_dump(spec, allow_unicode=True)
    path.write_text(text, encoding="utf-8")
    return path


def counts():
    return Region.objects.count(), Unit.objects.count(), User.objects.count()


def test_setup_on_an_empty_database_creates_the_region_the_top_unit_and_the_administrator(db, tmp_path):
    out = setup(written(tmp_path, SPEC))
    region, unit, admin = Region.objects.get(), Unit.objects.get(), User.objects.get()
    assert (region.code, region.name, region.level, region.parent) == ("610100", "西安市", "city", None)
    assert (unit.code, unit.name, unit.short_name, unit.unit_type, unit.level) == (
        "XA",
        "西安市人民政府",
        "西安市政府",
        UnitType.GOVERNMENT,
        UnitLevel.CITY,
    )
    assert unit.region == region and unit.parent is None and unit.path == f"/{unit.pk}/"
    assert (admin.username, admin.full_name, admin.role) == ("root", "张三", Role.SYSADMIN)
    assert admin.is_staff and admin.is_superuser and admin.check_password(STRONG)
    assert "单位管理" in out and "用户管理" in out


def test_setup_reads_json_and_chinese_names_of_type_and_level(db, tmp_path):
    spec = {**SPEC, "unit": {**SPEC["unit"], "type": "人民政府", "level": "市级"}}
    setup(written(tmp_path, spec, "setup.json"))
    assert Unit.objects.get().unit_type == UnitType.GOVERNMENT and Unit.objects.get().level == UnitLevel.CITY


def test_setup_asks_for_what_it_needs_and_asks_again_after_a_wrong_answer(db, monkeypatch):
    answers = iter(
        [
            "6101",  # not six digits: asked again
            "610100",
            "西安市",
            "西安市人民政府",
            "",  # 简称 may be left out
            "",  # 单位编码: the region code by default
            "",  # 单位类型: government by default
            "",  # 单位层级: the region's level by default
            "",  # admin by default
            "张三",
        ]
    )
    passwords = iter(["12345678", "12345678", STRONG, "different", STRONG, STRONG])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    monkeypatch.setattr("getpass.getpass", lambda prompt="": next(passwords))
    errors = io.StringIO()
    call_command("setup", stdout=io.StringIO(), stderr=errors)
    unit, admin = Unit.objects.get(), User.objects.get()
    assert (unit.code, unit.unit_type, unit.level, unit.short_name) == ("610100", "government", "city", "")
    assert admin.username == "admin" and admin.check_password(STRONG)
    said = errors.getvalue()
    assert "6位数字" in said and "密码" in said and "两次输入的密码不一致" in said


def test_setup_refuses_a_database_that_is_not_empty(tree, tmp_path):
    before = counts()
    with pytest.raises(CommandError, match="数据库不是空的"):
        setup(written(tmp_path, SPEC))
    assert counts() == before


def test_setup_refuses_a_user_alone_too(db, tmp_path):
    User.objects.create(username="someone", role=Role.SYSADMIN)
    with pytest.raises(CommandError, match="1 个用户"):
        setup(written(tmp_path, SPEC))
    assert counts() == (0, 0, 1)


@pytest.mark.parametrize("password", ["1234", "password1", "12345678"])
def test_setup_refuses_a_weak_password_and_creates_nothing(db, tmp_path, password):
    spec = {**SPEC, "admin": {**SPEC["admin"], "password": password}}
    with pytest.raises(CommandError, match="admin.password") as refused:
        setup(written(tmp_path, spec))
    assert "未建立任何数据" in str(refused.value)
    assert counts() == (0, 0, 0)


def test_setup_reports_every_wrong_field_of_a_file_at_once(db, tmp_path):
    spec = {
        "region": {"code": "61", "name": ""},
        "unit": {"code": "XA", "name": "西安市人民政府", "type": "ministry"},
        "admin": {"username": "root", "full_name": "张三", "password": STRONG},
    }
    with pytest.raises(CommandError) as refused:
        setup(written(tmp_path, spec))
    message = str(refused.value)
    assert "region.code" in message and "region.name" in message and "unit.type" in message
    assert counts() == (0, 0, 0)
