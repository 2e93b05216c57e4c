"""The annual report's pages: the report's own page (passages beside the figures, steps, preview, files), the
法治办's 报送与公开 table, and starting a year's report. The steps themselves live in rules.py."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from fazhi.core.current import current_unit, year_choices, year_of
from fazhi.core.ledgers import registry
from fazhi.core.replica import reads_from_replica
from fazhi.core.routes import serves
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.models import Source
from fazhi.org.models import Unit
from fazhi.org.scope import can_write

from . import progress, rules
from . import render as rendering
from .models import AnnualReport, Section
from .writer import draft_sections, format_figure, unit_values

FORMATS = {"docx": "Word", "pdf": "PDF"}


def visible_report(request, pk) -> AnnualReport:
    return get_object_or_404(AnnualReport.objects.visible_to(request.user).select_related("unit"), pk=pk)


@serves(AnnualReport)
@login_required
def workspace(request, pk):
    """The report's own page: each section's passages beside the figures drafted from the ledgers, the steps
    with who took them and when, the deadlines, the preview and the files."""
    report = visible_report(request, pk)
    request.active_area = "reports"
    values, sources = unit_values(report.unit, report.year)
    names = catalogue()
    editable = report.passages_editable
    sections = []
    for section in draft_sections(report, values):
        figures = [
            (names[code].name, format_figure(code, value), Source(sources[code]).label)
            for _, passage in section.parts
            for code, value in passage.figures.items()
        ]
        sections.append(
            {
                "draft": section,
                "label": Section(section.key).label,
                "figures": figures,
                "next_position": max((b.position for b in section.blocks), default=0) + 1,
            }
        )
    ledger = registry.for_model(AnnualReport)
    steps = [(action, action.form_for(report)) for action in ledger.actions if action.available(report)]
    return render(
        request,
        "reports/workspace.html",
        {
            "report": report,
            "sections": sections,
            "timeline": progress.timeline(report),
            "steps": steps if rules.may_take_steps(request.user) else [],
            "can_write": can_write(request.user),
            "editable": editable,
            "may_approve_blocks": rules.may_take_steps(request.user) and editable,
            "formats": FORMATS,
            "here": reverse("reports:workspace", args=[report.pk]),
        },
    )


@login_required
def status(request):
    """报送与公开: for every unit in the viewer's scope that owes the year's report, where its report stands."""
    year = year_of(request)
    request.active_area = "reports"
    types = list(progress.REPORTING_TYPES)
    with_towns = request.GET.get("towns") == "1"
    if with_towns:
        types.append("town")
    units = Unit.objects.visible_to(request.user, within=current_unit(request)).filter(unit_type__in=types)
    rows = progress.publication_table(units, year)
    shown = request.GET.get("show", "")
    filters = {
        "missing": lambda r: r.report is None,
        "unpublished": lambda r: r.report is None or r.report.published_at is None,
        "late": lambda r: r.publication_late or r.submission_late,
    }
    listed = [row for row in rows if filters[shown](row)] if shown in filters else rows
    return render(
        request,
        "reports/status.html",
        {
            "year": year,
            "years": year_choices(),
            "rows": listed,
            "summary": progress.summary(rows),
            "show": shown,
            "with_towns": with_towns,
            "can_write": can_write(request.user),
            "publication_due": progress.publication_due(year),
        },
    )


@login_required
@require_POST
def start(request):
    """Start a unit's report of a year, its heading filled from the unit and the rules, and open it."""
    if not can_write(request.user):
        raise PermissionDenied("您的角色为只读，不能新建报告")
    unit_id = request.POST.get("unit", "")
    unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=unit_id if unit_id.isdigit() else 0)
    try:
        year = int(request.POST.get("year", ""))
        report = rules.start_report(unit, year, request.user)
    except (ValueError, ValidationError) as error:
        reasons = error.messages if isinstance(error, ValidationError) else ["请选择报告年度"]
        messages.error(request, "未能新建报告：" + "；".join(reasons))
        return redirect("reports:status")
    messages.success(request, f"已新建：{report}")
    return redirect("reports:workspace", pk=report.pk)


@serves(AnnualReport)
@login_required
@reads_from_replica()
def document(request, pk):
    return rendering.response(visible_report(request, pk), request.GET.get("format", "html"))


@serves(AnnualReport)
@login_required
def files(request, pk):
    """The report's files: read it on the page, download it at once, or have it generated in the background."""
    return render(request, "reports/files.html", {"report": visible_report(request, pk), "formats": FORMATS})


@serves(AnnualReport)
@login_required
@require_POST
def generate(request, pk):
    from fazhi.jobs.progress import enqueue

    from .tasks import render_report

    report = visible_report(request, pk)
    fmt = request.POST.get("format") if request.POST.get("format") in FORMATS else "docx"
    task_id = enqueue(render_report, report.pk, fmt, title=f"生成{report}（{FORMATS[fmt]}）", user=request.user)
    return redirect("jobs:task", task_id=task_id)
