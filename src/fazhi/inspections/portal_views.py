"""Public pages of 双随机、一公开: the published list of matters, plans, tasks with their draw, and results.

Only published rows appear: a task before its 公示, a result before its publication, never."""

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from .models import InspectionMatter, InspectionPlan, InspectionTask, TaskEntity

PAGE = 50


def page_of(request, queryset):
    return Paginator(queryset, PAGE).get_page(request.GET.get("page"))


def published_tasks():
    return InspectionTask.objects.filter(published_on__isnull=False)


def published_results():
    return TaskEntity.objects.filter(current=True, published_on__isnull=False, task__published_on__isnull=False)


def index(request):
    return render(
        request,
        "inspections/portal_index.html",
        {
            "matters": InspectionMatter.objects.filter(published_on__isnull=False)
            .select_related("body")
            .order_by("code"),
            "plans": InspectionPlan.objects.filter(published_on__isnull=False)
            .select_related("unit")
            .order_by("-year", "code"),
            "tasks": published_tasks().select_related("unit").order_by("-published_on", "-id")[:100],
        },
    )


def task(request, pk):
    task = get_object_or_404(published_tasks().select_related("unit", "plan"), pk=pk)
    runs = list(task.runs.order_by("number"))
    current = next((r for r in runs if r.superseded_at is None), None)
    targets = TaskEntity.objects.filter(run=current).select_related("entity").order_by("position")
    return render(
        request,
        "inspections/portal_task.html",
        {
            "task": task,
            "runs": runs,
            "current": current,
            "matters": task.matters.order_by("code"),
            "page": page_of(request, targets),
        },
    )


def results(request):
    rows = published_results().select_related("entity", "task").order_by("-published_on", "-id")
    return render(request, "inspections/portal_results.html", {"page": page_of(request, rows)})
