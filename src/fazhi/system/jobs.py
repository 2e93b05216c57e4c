"""系统管理 → 后台任务: recent tasks with their state, progress and errors, retry of a failed one, the schedule."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST
from django_tasks_db.models import DBTaskResult

from fazhi.jobs import progress as job_progress
from fazhi.jobs.models import Progress, TaskFailure, WorkerBeat
from fazhi.jobs.scheduler import upcoming
from fazhi.jobs.worker import is_gone
from fazhi.org.choices import Role

from .units import sysadmin_only
from .views import SECTIONS

SECTIONS.append(
    (("后台任务", "system:jobs", "导入、考核、报告生成和定时任务的执行情况，失败原因，重新执行"), {Role.SYSADMIN})
)

STATUS_FILTERS = dict(job_progress.STATUS_LABELS)


@sysadmin_only
def job_list(request):
    rows = DBTaskResult.objects.order_by("-enqueued_at")
    status = request.GET.get("status", "")
    if status in STATUS_FILTERS:
        rows = rows.filter(status=status)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    ids = [str(row.pk) for row in page]
    progress = {p.task_id: p for p in Progress.objects.filter(task_id__in=ids).select_related("user")}
    failures: dict[str, list] = {}
    for failure in TaskFailure.objects.filter(task_id__in=ids):
        failures.setdefault(failure.task_id, []).append(failure)
    tasks = [
        job_progress.TaskState(str(row.pk), row.status, progress.get(str(row.pk)), row, failures.get(str(row.pk), []))
        for row in page
    ]
    now = timezone.now()
    beats = {beat.worker_id: beat for beat in WorkerBeat.objects.all()}
    workers = [(beat, not is_gone(worker_id, beats, now)) for worker_id, beat in beats.items()]
    return render(
        request,
        "system/jobs.html",
        {
            "tasks": tasks,
            "page": page,
            "status": status,
            "statuses": STATUS_FILTERS,
            "schedule": upcoming(now),
            "workers": workers,
        },
    )


@sysadmin_only
@require_POST
def job_retry(request, task_id):
    if job_progress.retry(str(task_id)):
        messages.success(request, "已重新排队，将由后台任务工作进程执行")
    else:
        messages.error(request, "只有失败的任务可以重新执行")
    return redirect("system:jobs")
