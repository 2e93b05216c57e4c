from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from fazhi.core.routes import serves

from . import render as rendering
from .models import AnnualReport

FORMATS = {"docx": "Word", "pdf": "PDF"}


@serves(AnnualReport)
@login_required
def document(request, pk):
    report = get_object_or_404(AnnualReport.objects.visible_to(request.user), pk=pk)
    return rendering.response(report, request.GET.get("format", "html"))


@serves(AnnualReport)
@login_required
def files(request, pk):
    """The report's files: read it on the page, download it at once, or have it generated in the background."""
    report = get_object_or_404(AnnualReport.objects.visible_to(request.user), pk=pk)
    return render(request, "reports/files.html", {"report": report, "formats": FORMATS})


@serves(AnnualReport)
@login_required
@require_POST
def generate(request, pk):
    from fazhi.jobs.progress import enqueue

    from .tasks import render_report

    report = get_object_or_404(AnnualReport.objects.visible_to(request.user), pk=pk)
    fmt = request.POST.get("format") if request.POST.get("format") in FORMATS else "docx"
    task_id = enqueue(render_report, report.pk, fmt, title=f"生成{report}（{FORMATS[fmt]}）", user=request.user)
    return redirect("jobs:task", task_id=task_id)
