"""Real `fazhi worker` processes on a database of their own (a SQLite file, or a fresh PostgreSQL database): a
worker killed mid-task leaves no half-written rows and its task is failed and retried by another worker; an
Excel import started in the browser waits for a worker, then shows its result."""

import os
import signal
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import Workbook

from .factories import valid_id
from .test_durability import SETUP, database, fazhi, run  # noqa: F401 (database is a fixture)

ROOT = Path(__file__).resolve().parent.parent
QUICK = {"FAZHI_WORKER_BEAT_SECONDS": "0.5", "FAZHI_WORKER_TIMEOUT": "2", "FAZHI_WORKER_HOUSEKEEPING_SECONDS": "1"}

ENQUEUE = """
from fazhi.jobs.progress import enqueue
from tests.jobs_tasks import write_items
print(enqueue(write_items, 40, {marker!r}, title="写入事项"))
"""

STATE = """
from fazhi.jobs.progress import state
from fazhi.jobs.models import TaskFailure
from fazhi.services.models import ServiceItem
found = state({task_id!r})
failures = [(f.attempt, f.reason, f.retried) for f in TaskFailure.objects.filter(task_id={task_id!r})]
print(found.status, ServiceItem.all_objects.filter(code__startswith="JOB").count(), failures)
"""


def process(url, *args, env=None, **kwargs):
    os.environ.update(env or {})
    try:
        return fazhi(url, *args, cwd=ROOT, **kwargs)
    finally:
        for name in env or {}:
            os.environ.pop(name)


def shell(url, code: str) -> str:
    child = process(url, "shell", "-c", code, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = child.communicate(timeout=120)
    assert child.returncode == 0, err
    return out.strip().splitlines()[-1]


@pytest.fixture
def prepared(database):  # noqa: F811 (the fixture imported above)
    run(database, "migrate", "-v0")
    run(database, "shell", "-c", SETUP)
    return database


def test_a_worker_killed_mid_task_leaves_nothing_and_the_task_is_retried(prepared, tmp_path):
    marker = tmp_path / "half-way"
    task_id = shell(prepared, ENQUEUE.format(marker=str(marker)))
    first = process(prepared, "worker", "--no-scheduler", "--worker-id", "first", env=QUICK)
    try:
        for _ in range(600):
            if marker.exists() or first.poll() is not None:
                break
            time.sleep(0.1)
        assert marker.exists(), "the worker did not reach the middle of the task"
        # Half the rows are written in the task's open transaction: kill the worker there.
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
    finally:
        if first.poll() is None:
            first.kill()
    assert shell(prepared, STATE.format(task_id=task_id)) == "RUNNING 0 []"  # nothing half-written

    # Another worker's reaper finds the task's worker gone, fails the attempt and requeues it; the retry runs.
    second = process(prepared, "worker", "--batch", "--no-scheduler", "--worker-id", "second", env=QUICK)
    assert second.wait(timeout=120) == 0
    assert shell(prepared, STATE.format(task_id=task_id)) == "SUCCESSFUL 40 [(1, '执行任务的工作进程已中断', True)]"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


CLERK = """
from fazhi.org.models import Unit, User
user = User(username="web_clerk", role="clerk", unit=Unit.objects.get(code="U1"))
user.set_password("test-pass-2026"); user.save()
"""


@pytest.mark.browser
def test_an_import_started_in_the_browser_shows_its_result_after_the_worker_ran(prepared, page, tmp_path):
    from .browser import ARTIFACTS

    run(prepared, "shell", "-c", CLERK)
    book = Workbook()
    book.active.append(["办件编号", "事项编码", "申请人类型", "申请人", "证件号码", "申请渠道", "收件日期"])
    for n in range(300):
        book.active.append([f"B{n:07d}", "SVC", "自然人", "张三", valid_id(n), "网上办理", "2025-03-03"])
    path = tmp_path / "办件.xlsx"
    book.save(path)
    port = free_port()
    media = {"FAZHI_HOME": str(tmp_path)}  # uploads under its var/media, shared by the server and the worker
    server = process(prepared, "runserver", f"127.0.0.1:{port}", "--noreload", env=media, stderr=subprocess.DEVNULL)
    worker = None
    try:
        base = f"http://127.0.0.1:{port}"
        for _ in range(300):
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        page.goto(base + reverse("login"))
        page.fill("#id_username", "web_clerk")
        page.fill("#id_password", "test-pass-2026")
        page.click("button[type=submit]")
        page.wait_for_load_state()
        page.goto(base + reverse("ledger:applications-import"))
        page.set_input_files("input[type=file]", str(path))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_selector("#import-job")
        assert page.inner_text("#job-status") == "排队中" and "fazhi worker" in page.inner_text("#import-job")
        worker = process(prepared, "worker", "--no-scheduler", env={**QUICK, **media})
        page.wait_for_selector("text=导入成功：共导入300行。", timeout=60000)
        assert page.inner_text("#job-status") == "已完成" and page.inner_text("#job-rows") == "300"
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / "jobs-import-done.png"), full_page=True)
    finally:
        for child in (server, worker):
            if child is not None:
                child.terminate()
                child.wait(timeout=30)
