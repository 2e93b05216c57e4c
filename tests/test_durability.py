"""Nothing lost: an import killed half-way leaves no row behind; a backup taken while writes run restores whole.

These tests drive separate `fazhi` processes against a database of their own (a SQLite file, or a fresh
PostgreSQL database on the server the suite runs on), because a test transaction cannot be killed.
"""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
from openpyxl import Workbook

from .factories import valid_id

SETUP = """
import datetime as dt
from fazhi.org.models import Region, Unit, User
from fazhi.services.models import ServiceItem
region = Region.objects.create(code="990100", name="测市")
unit = Unit.objects.create(code="U1", name="测试单位", unit_type="department", level="city", region=region)
user = User(username="loader", role="office", unit=unit); user.set_password("x-pass-2026"); user.save()
ServiceItem.objects.create(unit=unit, code="SVC", name="事项", item_type="licensing", statutory_limit=20,
                           promised_limit=5, effective_from=dt.date(2024, 1, 1))
"""

WRITER = """
import datetime as dt, itertools
from django.db import transaction
from fazhi.org.models import Unit
from fazhi.services.models import ServiceItem
unit = Unit.objects.get(code="U1")
for n in itertools.count():
    with transaction.atomic():
        item = ServiceItem.objects.create(unit=unit, code=f"W{n}", name=f"写入{n}", item_type="licensing",
                                          statutory_limit=20, promised_limit=5, effective_from=dt.date(2024, 1, 1))
        item.promised_limit = 4
        item.save()
"""

COUNTS = """
from fazhi.services.models import Application, ServiceItem
items = list(ServiceItem.all_objects.values_list("pk", "promised_limit"))
history = ServiceItem.history.count()
stale = sum(1 for _, p in items if p not in (4, 5))
print(Application.all_objects.count(), Application.history.count(), len(items), history, stale)
"""


@pytest.fixture
def database(tmp_path):
    """A database for child processes: a fresh SQLite file, or a fresh database on the PostgreSQL under test."""
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        import psycopg

        name = f"fazhi_durability_{uuid.uuid4().hex[:8]}"
        server = url.rsplit("/", 1)[0]
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        yield f"{server}/{name}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    else:
        yield f"sqlite:///{tmp_path / 'durability.sqlite3'}"


def fazhi(database, *args, **kwargs):
    env = {
        **os.environ,
        "DATABASE_URL": database,
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
        "FAZHI_CONN_MAX_AGE": "0",
    }
    return subprocess.Popen([sys.executable, "-m", "fazhi", *args], env=env, text=True, **kwargs)


def run(database, *args):
    process = fazhi(database, *args, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = process.communicate(timeout=300)
    assert process.returncode == 0, err
    return out


@pytest.fixture
def prepared(database):
    run(database, "migrate", "-v0")
    run(database, "shell", "-c", SETUP)
    return database


def test_an_import_killed_half_way_leaves_nothing(prepared, tmp_path):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(["办件编号", "事项编码", "申请人类型", "申请人", "证件号码", "申请渠道", "收件日期"])
    for n in range(30000):
        sheet.append([f"K{n:07d}", "SVC", "自然人", "张三", valid_id(n), "网上办理", "2025-03-03"])
    path = tmp_path / "big.xlsx"
    workbook.save(path)
    process = fazhi(
        prepared,
        "import-excel",
        "applications",
        str(path),
        "--user",
        "loader",
        "-v",
        "2",
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    for line in process.stderr:  # batches are being written inside the import's transaction
        if line.startswith("已检查 6000"):
            break
    else:
        pytest.fail("the import ended before it could be killed")
    process.send_signal(signal.SIGKILL)
    process.wait(timeout=30)
    applications, history, *_ = map(int, run(prepared, "shell", "-c", COUNTS).split("\n")[-2].split())
    assert (applications, history) == (0, 0)


def test_a_backup_taken_while_writes_run_restores_consistently(prepared, tmp_path, database):
    writer = fazhi(prepared, "shell", "-c", WRITER, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        time.sleep(3)
        run(prepared, "backup", str(tmp_path / "live"))
        time.sleep(1)
    finally:
        writer.kill()
        writer.wait(timeout=30)
    archive = tmp_path / "live.jsonl.gz"
    assert archive.exists()
    run(prepared, "restore", str(archive), "--replace")
    _, _, items, history, torn = map(int, run(prepared, "shell", "-c", COUNTS).split("\n")[-2].split())
    # Each write made an item and changed it in one transaction: every item restored with both its history
    # records and its final value, never half of a transaction.
    assert items > 1 and history == 2 * (items - 1) + 1 and torn == 0
