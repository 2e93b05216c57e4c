"""The task queue in one process: enqueue, `fazhi worker --batch`, the reaper, the scheduler, the pages that
start tasks and show them. Killed worker processes are in tests/test_jobs_worker.py."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from openpyxl import Workbook

from fazhi.core.models import ImportJob
from fazhi.jobs import scheduler, worker
from fazhi.jobs.models import Progress, ScheduleSlot, TaskFailure, WorkerBeat
from fazhi.jobs.progress import WORKER_LOST, enqueue, retry, state

from . import jobs_tasks

DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.fixture
def queue(settings):
    settings.TASKS = DATABASE_QUEUE


def work():
    """`fazhi worker --batch` in this process, inside the test's transaction (which the worker loop's
    close_old_connections would close on PostgreSQL: it sees a connection out of autocommit)."""
    from unittest import mock

    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("worker", "--batch", "--no-scheduler", verbosity=0)


def test_a_task_waits_on_the_queue_until_a_worker_runs_it(queue, db):
    task_id = enqueue(jobs_tasks.add, 2, 3, title="加法")
    assert state(task_id).status == "READY" and state(task_id).label == "排队中"
    work()
    found = state(task_id)
    assert (found.status, found.label, found.row.return_value, found.attempts) == ("SUCCESSFUL", "完成", 5, 1)
    assert not WorkerBeat.objects.exists()  # the worker said goodbye


def test_a_failing_task_is_failed_with_a_reason_and_retried_by_hand(queue, db):
    task_id = enqueue(jobs_tasks.fail, title="会失败的任务")
    work()
    found = state(task_id)
    assert found.status == "FAILED" and found.reason == "系统错误（RuntimeError），请联系系统管理员查看日志"
    assert retry(task_id) and state(task_id).label == "等待重试"
    assert [f.reason for f in TaskFailure.objects.filter(task_id=task_id)] == [found.reason]
    assert not retry(task_id)  # only a failed task


def running_task(worker_id: str, attempts: int = 1) -> DBTaskResult:
    task_id = enqueue(jobs_tasks.add, 1, 1, title="运行中的任务")
    row = DBTaskResult.objects.get(pk=task_id)
    row.status, row.started_at = "RUNNING", timezone.now()
    row.worker_ids = [f"w{n}" for n in range(attempts - 1)] + [worker_id]
    row.save()
    return row


def beat(worker_id: str, host: str, seconds_ago: float, pid: int = 1) -> None:
    at = timezone.now() - dt.timedelta(seconds=seconds_ago)
    WorkerBeat.objects.create(worker_id=worker_id, host=host, pid=pid, started_at=at, beat_at=at)


def test_the_reaper_requeues_the_task_of_a_silent_worker_and_spares_a_live_one(queue, db, settings):
    settings.FAZHI_WORKER_TIMEOUT = 30
    silent, live, unknown = running_task("silent"), running_task("live"), running_task("never-beat")
    beat("silent", "other-host", seconds_ago=31)
    beat("live", "other-host", seconds_ago=5)
    assert sorted(worker.reap()) == sorted([str(silent.pk), str(unknown.pk)])
    silent.refresh_from_db()
    assert silent.status == "READY" and state(str(silent.pk)).label == "等待重试"
    failure = TaskFailure.objects.get(task_id=str(silent.pk))
    assert (failure.reason, failure.attempt, failure.worker_id, failure.retried) == (WORKER_LOST, 1, "silent", True)
    assert DBTaskResult.objects.get(pk=live.pk).status == "RUNNING"
    work()  # the requeued tasks run again and finish
    assert DBTaskResult.objects.get(pk=silent.pk).status == "SUCCESSFUL"


def test_the_last_attempt_of_a_lost_task_fails_it_with_the_reason(queue, db, settings):
    settings.FAZHI_TASK_MAX_ATTEMPTS = 3
    row = running_task("dead", attempts=3)
    beat("dead", worker.host_name(), seconds_ago=0, pid=2**22 + 12345)  # this host, no such process
    assert worker.reap() == [str(row.pk)]
    found = state(str(row.pk))
    assert found.status == "FAILED" and found.reason.startswith(WORKER_LOST) and "不再重试" in found.reason


def test_a_slot_is_enqueued_once_however_many_workers_tick(queue, db):
    job = scheduler.Scheduled("测试任务", "tests.jobs_tasks.add", daily="01:30")
    at = timezone.make_aware(dt.datetime(2026, 3, 2, 1, 30, 5))
    first, second = scheduler.tick(at, [job]), scheduler.tick(at + dt.timedelta(seconds=3), [job])
    assert len(first) == 1 and second == []
    slot = ScheduleSlot.objects.get()
    assert timezone.localtime(slot.slot) == timezone.make_aware(dt.datetime(2026, 3, 2, 1, 30))
    assert Progress.objects.get(task_id=first[0]).title == "测试任务（2026-03-02 01:30）"
    # Before the time: the day before's slot (already past the catch-up window) is not run.
    assert scheduler.tick(at - dt.timedelta(hours=12), [job]) == []
    assert len(scheduler.tick(at + dt.timedelta(days=1), [job])) == 1
    assert job.next_slot(at) == timezone.make_aware(dt.datetime(2026, 3, 3, 1, 30))
    every = scheduler.Scheduled("每15分钟", "tests.jobs_tasks.add", every=15)
    assert every.last_slot(at) == timezone.make_aware(dt.datetime(2026, 3, 2, 1, 30))


def test_a_slot_another_worker_claimed_meanwhile_is_not_enqueued_twice(queue, db, monkeypatch):
    job = scheduler.Scheduled("测试任务", "tests.jobs_tasks.add", daily="01:30")
    at = timezone.make_aware(dt.datetime(2026, 3, 2, 2, 0))
    # The other worker inserts its row after this one looked and before it inserted: the unique row decides.
    real_exists = ScheduleSlot.objects.filter(job=job.task).exists
    scheduler.tick(at, [job])
    monkeypatch.setattr("django.db.models.query.QuerySet.exists", lambda self: False)
    assert scheduler.tick(at, [job]) == []
    monkeypatch.undo()
    assert real_exists() and ScheduleSlot.objects.count() == DBTaskResult.objects.count() == 1


def test_the_declared_schedule_names_real_times():
    names = {job.task: job for job in scheduler.schedule()}
    assert names["fazhi.todo.tasks.nightly_scan"].daily == "01:30"
    assert names["fazhi.core.tasks.check_database"].daily == "03:00"
    assert "fazhi.jobs.tasks.prune" in names


def test_fazhi_check_runs_as_a_task(queue, db):
    task_id = enqueue(scheduler.import_string("fazhi.core.tasks.check_database"), title="系统检查")
    work()
    found = state(task_id)
    assert found.status == "SUCCESSFUL" and "全部通过" in found.row.return_value["report"]


def item_workbook(codes) -> io.BytesIO:
    from .test_import import ITEM_HEADERS, item_row

    book = Workbook()
    book.active.append(ITEM_HEADERS)
    for code in codes:
        book.active.append(item_row(code, "C1-T1"))
    out = io.BytesIO()
    book.save(out)
    out.seek(0)
    out.name = "事项.xlsx"
    return out


def test_an_import_from_the_web_waits_for_the_worker_and_its_file_is_stored(queue, users, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    client.force_login(users["clerk"])
    response = client.post(reverse("ledger:service-items-import"), {"file": item_workbook(["Q-1", "Q-2"])})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and job.status == "queued" and job.task_id
    assert (tmp_path / job.stored_file).exists()
    page = client.get(reverse("ledger:import-job", args=[job.pk])).content.decode()
    assert "排队中" in page and "fazhi worker" in page
    work()
    status = client.get(reverse("ledger:import-job", args=[job.pk]) + "?format=json").json()
    assert (status["status"], status["rows"], status["imported"]) == ("succeeded", 2, 2)
    assert not (tmp_path / job.stored_file).exists()
    # A retry of the finished task (a worker lost after the commit) does not import again.
    row = DBTaskResult.objects.get(pk=job.task_id)
    row.status = "READY"
    row.save()
    work()
    job.refresh_from_db()
    assert job.status == "succeeded" and job.rows_imported == 2


def test_an_import_whose_task_failed_for_good_is_shown_failed(queue, users, client, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.FAZHI_TASK_MAX_ATTEMPTS = 1
    client.force_login(users["clerk"])
    client.post(reverse("ledger:service-items-import"), {"file": item_workbook(["Q-1"])})
    job = ImportJob.objects.get()
    row = DBTaskResult.objects.get(pk=job.task_id)
    row.status, row.worker_ids = "RUNNING", ["gone"]
    row.save()
    worker.reap()
    status = client.get(reverse("ledger:import-job", args=[job.pk]) + "?format=json").json()
    assert status["status"] == "failed" and WORKER_LOST in status["summary"]


def test_an_assessment_started_on_the_page_runs_on_the_worker(queue, users, tree, client):
    from fazhi.assessment.models import AssessmentRun

    client.force_login(users["office"])
    response = client.post(reverse("assessment:start"), {"year": 2025})
    task_id = response.url.rstrip("/").rsplit("/", 1)[-1]
    assert response.url == reverse("jobs:task", args=[task_id])
    page = client.get(response.url).content.decode()
    assert "2025年度考核" in page and "排队中" in page and not AssessmentRun.objects.exists()
    client.force_login(users["clerk"])
    assert client.get(response.url).status_code == 404  # someone else's task
    client.force_login(users["office"])
    work()
    run = AssessmentRun.objects.get()
    done = client.get(response.url, follow=True)
    assert done.redirect_chain[-1][0] == reverse("assessment:run", args=[run.pk])
    assert "2025年度考核" in done.content.decode() and "已完成" in done.content.decode()


def test_a_refused_assessment_shows_the_reason_on_its_page(queue, users, tree, client, monkeypatch):
    from django.core.exceptions import ValidationError

    def refuse(year, user):
        raise ValidationError("该年度的指标数据不完整")

    monkeypatch.setattr("fazhi.assessment.tasks.run_assessment", refuse)
    client.force_login(users["office"])
    url = client.post(reverse("assessment:start"), {"year": 2025}).url
    work()
    page = client.get(url).content.decode()
    assert "失败" in page and "失败原因：该年度的指标数据不完整" in page


def test_a_report_is_generated_on_the_worker_and_downloaded(queue, users, tree, client, settings, tmp_path):
    from fazhi.reports.models import AnnualReport

    settings.MEDIA_ROOT = tmp_path
    report = AnnualReport.objects.create(unit=tree["county"], year=2025, title="测试县2025年法治政府建设年度报告")
    client.force_login(users["unit_admin"])
    assert "后台生成 Word" in client.get(reverse("reports:files", args=[report.pk])).content.decode()
    url = client.post(reverse("reports:generate", args=[report.pk]), {"format": "docx"}).url
    work()
    page = client.get(url).content.decode()
    assert "下载文件" in page
    download = client.get(reverse("jobs:task-file", args=[url.rstrip("/").rsplit("/", 1)[-1]]))
    body = b"".join(download.streaming_content)
    assert body[:2] == b"PK" and "annual-report-C1-2025.docx" in download["Content-Disposition"]


def test_a_published_report_is_read_by_a_task(queue, db, settings, tmp_path):
    from fazhi.jobs import files
    from fazhi.reports.tasks import read_report

    settings.MEDIA_ROOT = tmp_path
    text = (
        "测试县人民政府2025年法治政府建设年度报告\n"
        "一、2025年推进法治政府建设的主要举措和成效\n全年办理行政复议案件12件。"
    )
    name = files.save_bytes(text.encode(), "readings", "report.txt")
    task_id = enqueue(read_report, name, title="读取报告")
    work()
    found = state(task_id)
    assert found.status == "SUCCESSFUL" and found.row.return_value["file"] == "report.txt"


def test_the_job_page_lists_tasks_and_the_schedule_for_the_system_administrator(queue, users, client):
    enqueue(jobs_tasks.fail, title="会失败的任务", user=users["sysadmin"])
    work()
    client.force_login(users["sysadmin"])
    page = client.get(reverse("system:jobs")).content.decode()
    assert "会失败的任务" in page and "失败" in page and "重新执行" in page
    assert "每日期限扫描与提醒摘要" in page and "每天 01:30" in page and "没有运行中的工作进程" in page
    assert "后台任务" in client.get(reverse("system:index")).content.decode()
    task_id = DBTaskResult.objects.get().pk
    client.post(reverse("system:job-retry", args=[task_id]))
    assert DBTaskResult.objects.get().status == "READY"
    client.force_login(users["unit_admin"])
    assert client.get(reverse("system:jobs")).status_code == 403


def test_the_immediate_backend_runs_the_task_in_the_request(users, tree, client):
    """The test default (and FAZHI_TASKS_IMMEDIATE=1): no worker, the page shows the outcome at once."""
    client.force_login(users["office"])
    response = client.post(reverse("assessment:start"), {"year": 2025}, follow=True)
    assert "已完成" in response.content.decode()
