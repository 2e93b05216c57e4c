"""Shared fixtures: a small unit tree with one user per role, and a unit outside every non-global scope."""

import datetime as dt

import pytest

from fazhi.org.choices import Role, UnitLevel, UnitType
from fazhi.org.models import Region, Unit, User

# The browser fixtures (browser, page) of the tests marked `browser`.
pytest_plugins = ["tests.browser"]

PASSWORD = "test-pass-2026"


def pytest_configure(config):
    # The production hasher spends ~0.6 s per password by design; tests create and check hundreds of them.
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Background tasks run inside the call that enqueues them, unless a test asks for the database queue and a
    # worker (tests/test_jobs.py, tests/test_jobs_worker.py).
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _fresh_todo_memo():
    """Each test starts with the empty memo of to-do counts a fresh process has (fazhi.todo.items.Memo), and none of
    the unit tree kept for scopes (fazhi.org.scope.kept)."""
    from fazhi.org.scope import clear_kept
    from fazhi.todo.items import clear_memo

    clear_memo()
    clear_kept()


@pytest.fixture
def tree(db):
    """云测市: government → 2 departments; a county → a town; and a second county nobody below office sees."""
    city = Region.objects.create(code="990100", name="云测市")
    county_region = Region.objects.create(code="990121", name="测试县", parent=city)
    gov = Unit.objects.create(
        code="G", name="云测市人民政府", unit_type=UnitType.GOVERNMENT, level=UnitLevel.CITY, region=city
    )
    dept = Unit.objects.create(
        code="D1", name="云测市司法局", unit_type=UnitType.DEPARTMENT, level=UnitLevel.CITY, region=city, parent=gov
    )
    dept2 = Unit.objects.create(
        code="D2",
        name="云测市市场监督管理局",
        unit_type=UnitType.DEPARTMENT,
        level=UnitLevel.CITY,
        region=city,
        parent=gov,
    )
    county = Unit.objects.create(
        code="C1",
        name="测试县人民政府",
        unit_type=UnitType.COUNTY,
        level=UnitLevel.COUNTY,
        region=county_region,
        parent=gov,
    )
    town = Unit.objects.create(
        code="C1-T1",
        name="测试县城关镇人民政府",
        unit_type=UnitType.TOWN,
        level=UnitLevel.TOWNSHIP,
        region=county_region,
        parent=county,
    )
    other_county = Unit.objects.create(
        code="C2",
        name="另一县人民政府",
        unit_type=UnitType.COUNTY,
        level=UnitLevel.COUNTY,
        region=county_region,
        parent=gov,
    )
    return {"gov": gov, "dept": dept, "dept2": dept2, "county": county, "town": town, "other_county": other_county}


@pytest.fixture
def users(tree):
    specs = {
        "sysadmin": (Role.SYSADMIN, None),
        "office": (Role.OFFICE, tree["dept"]),
        "unit_admin": (Role.UNIT_ADMIN, tree["county"]),
        "clerk": (Role.CLERK, tree["town"]),
        "leader": (Role.LEADER, tree["county"]),
    }
    made = {}
    for name, (role, unit) in specs.items():
        user = User(
            username=name, role=role, unit=unit, is_staff=role == Role.SYSADMIN, is_superuser=role == Role.SYSADMIN
        )
        user.set_password(PASSWORD)
        user.save()
        made[name] = user
    return made


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


@pytest.fixture
def today():
    return dt.date(2025, 6, 2)
