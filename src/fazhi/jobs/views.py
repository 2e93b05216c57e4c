"""A task's own page: its state, progress and outcome, polled while it runs; the file it wrote, to download."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render

from fazhi.org.choices import Role

from .progress import state


def visible_state(request, task_id):
    found = state(task_id)
    if found is None:
        raise Http404("没有这个后台任务")
    owner = found.progress.user_id if found.progress else None
    if request.user.role != Role.SYSADMIN and owner != request.user.pk:
        raise Http404("没有这个后台任务")
    return found


@login_required
def task_detail(request, task_id):
    found = visible_state(request, task_id)
    progress = found.progress
    if request.GET.get("format") == "json" or request.headers.get("Accept") == "application/json":
        return JsonResponse(
            {
                "status": found.status,
                "label": found.label,
                "finished": found.finished,
                "done": progress.done if progress else 0,
                "total": progress.total if progress else None,
                "percent": found.percent,
                "stage": progress.stage if progress else "",
                "reason": found.reason,
            }
        )
    if found.status == "SUCCESSFUL" and progress and progress.result_url and "stay" not in request.GET:
        if progress.message:
            messages.success(request, progress.message)
        return redirect(progress.result_url)
    return render(request, "jobs/task.html", {"task": found, "progress": progress})


@login_required
def task_file(request, task_id):
    found = visible_state(request, task_id)
    name = found.progress.result_file if found.progress else ""
    if found.status != "SUCCESSFUL" or not name or not default_storage.exists(name):
        raise Http404("文件不存在或已清理")
    download = request.GET.get("name") or name.rsplit("/", 1)[-1]
    return FileResponse(default_storage.open(name, "rb"), as_attachment=True, filename=download)
