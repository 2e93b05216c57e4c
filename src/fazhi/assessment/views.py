"""Assessment pages: runs, the ranking of a run, a unit's scorecard, trends, ledger-versus-report gaps."""

import io

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from openpyxl import Workbook

from fazhi.core.current import current_unit, session_year, year_of
from fazhi.core.replica import reads_from_replica
from fazhi.core.routes import serves
from fazhi.metrics.catalogue import catalogue
from fazhi.metrics.models import LedgerSnapshot, Qualifier, Source
from fazhi.metrics.registry import Period
from fazhi.metrics.store import current_values
from fazhi.org.choices import UnitType
from fazhi.org.models import Unit
from fazhi.org.scope import WHOLE_TREE_ROLES

from .models import AssessmentRun, Scheme, SelfAssessment, UnitResult
from .schemes import framework_for
from .scorecard import scorecard_docx
from .scoring import costly_items, refuse_draft_year, run_framework

TYPE_NAMES = dict(UnitType.choices)
SOURCE_LABELS = {"ledger": "台账", "report": "年度报告", "manual": "人工填报", "self": "自评（已审核）"}


def display_item_value(item, value):
    """A value as its metric is shown (rates in per cent) when the formula is one metric, else plainly."""
    if value is None:
        return "—"
    if item is not None and item.formula is not None and item.formula.text in catalogue().metrics:
        return catalogue()[item.formula.text].format(value)
    return f"{value:g}"


def can_run(user) -> bool:
    return user.is_superuser or user.role in WHOLE_TREE_ROLES


@login_required
def index(request):
    runs = AssessmentRun.objects.select_related("scheme")[:30]
    year = session_year(request)
    framework, scheme = framework_for(year)
    return render(
        request,
        "assessment/index.html",
        {
            "runs": runs,
            "can_run": can_run(request.user),
            "default_year": year,
            "framework": framework,
            "scheme": scheme,
            "draft": Scheme.objects.filter(year=year, status=Scheme.Status.DRAFT).first(),
            "active_area": "assessment",
        },
    )


@login_required
@require_POST
def start_run(request):
    if not can_run(request.user):
        raise PermissionDenied("只有法治办可以发起考核")
    try:
        year = int(request.POST.get("year", ""))
    except ValueError:
        messages.error(request, "请填写考核年度")
        return redirect("assessment:index")
    try:
        refuse_draft_year(year)  # the refusal known before any work is shown here; the task checks again
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("assessment:index")
    from fazhi.jobs.progress import enqueue

    from .tasks import assess

    task_id = enqueue(assess, year, request.user.pk, title=f"{year}年度考核", user=request.user)
    return redirect("jobs:task", task_id=task_id)


def visible_results(request, run):
    results = UnitResult.objects.visible_to(request.user, within=current_unit(request)).filter(run=run)
    return results.select_related("unit")


@serves(AssessmentRun)
@login_required
def run_detail(request, pk):
    run = get_object_or_404(AssessmentRun, pk=pk)
    results = visible_results(request, run)
    unit_type = request.GET.get("type", "")
    types = sorted({r.unit_type for r in results})
    if unit_type not in types:
        unit_type = types[0] if types else ""
    shown = [r for r in results if r.unit_type == unit_type]
    shown.sort(key=lambda r: (r.rank, r.unit.code))
    chart = {
        "units": [r.unit.short_name or r.unit.name for r in shown],
        "shares": [round(r.share * 100, 2) for r in shown],
        "lights": [r.light for r in shown],
    }
    return render(
        request,
        "assessment/run.html",
        {
            "run": run,
            "results": shown,
            "types": [(t, TYPE_NAMES.get(t, t)) for t in types],
            "unit_type": unit_type,
            "chart": chart,
            "active_area": "assessment",
        },
    )


@serves(AssessmentRun)
@login_required
@reads_from_replica()
def run_export(request, pk):
    run = get_object_or_404(AssessmentRun, pk=pk)
    framework = run_framework(run)
    item_names = {item.code: item.name for item in framework.items}
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("考核结果")
    sheet.append(["单位", "单位类型", "得分", "满分", "得分率", "同类排名", "同类单位数", "等次", "缺数据项"])
    results = list(visible_results(request, run).order_by("unit_type", "rank", "unit__code"))
    for r in results:
        sheet.append(
            [
                r.unit.name,
                TYPE_NAMES.get(r.unit_type, r.unit_type),
                r.score,
                r.max_score,
                round(r.share, 4),
                r.rank,
                r.rank_of,
                r.get_light_display(),
                r.missing_items,
            ]
        )
    detail = workbook.create_sheet("各项得分")
    detail.append(["单位", "指标项", "数值", "数据来源", "得分", "分值", "状态"])
    for r in sorted(results, key=lambda r: r.unit.code):
        for score in sorted(r.item_scores, key=lambda s: s.item):
            detail.append(
                [
                    r.unit.name,
                    item_names.get(score.item, score.item),
                    score.value,
                    score.source,
                    score.points,
                    score.max_points,
                    score.get_status_display(),
                ]
            )
    buffer = io.BytesIO()
    workbook.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''assessment-{run.year}-{run.pk}.xlsx"
    return response


def chosen_unit(request):
    unit = None
    if request.GET.get("unit"):
        if not request.GET["unit"].isdigit():
            raise Http404("没有这个单位")
        unit = get_object_or_404(Unit.objects.visible_to(request.user), pk=request.GET["unit"])
    return unit or current_unit(request) or request.user.unit


@serves(AssessmentRun)
@login_required
def scorecard(request, pk):
    run = get_object_or_404(AssessmentRun, pk=pk)
    unit = chosen_unit(request)
    result = get_object_or_404(visible_results(request, run), unit=unit) if unit else None
    framework = run_framework(run)
    items = {item.code: item for item in framework.items}
    rows = []
    if result:
        # (framework item, its score, the value as shown, where the value came from), in the framework's order
        rows = [
            (
                items.get(s.item),
                s,
                display_item_value(items.get(s.item), s.value),
                SOURCE_LABELS.get(s.source, s.source),
            )
            for s in result.item_scores
        ]
        rows.sort(key=lambda row: framework.items.index(row[0]) if row[0] else len(framework.items))
    radar = {
        "indicators": [{"name": area.name.split("、", 1)[-1], "max": 100} for area in framework.areas],
        "values": [
            round(100 * result.area_scores[area.code][0] / result.area_scores[area.code][1], 1)
            if result and area.code in result.area_scores and result.area_scores[area.code][1]
            else 0
            for area in framework.areas
        ],
    }
    costly = [(items.get(c.item), c) for c in costly_items(result)] if result else []
    if request.GET.get("format") == "docx" and result:
        response = HttpResponse(
            scorecard_docx(run, result, rows, costly, framework),
            content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        )
        response["Content-Disposition"] = f"attachment; filename*=UTF-8''scorecard-{run.year}-{unit.code}.docx"
        return response
    return render(
        request,
        "assessment/scorecard.html",
        {
            "run": run,
            "unit": unit,
            "result": result,
            "rows": rows,
            "costly": costly,
            "radar": radar,
            "active_area": "assessment",
        },
    )


@login_required
def trend(request):
    unit = chosen_unit(request)
    points = []
    if unit:
        latest = {}
        for run in AssessmentRun.objects.order_by("year", "created_at"):
            latest[run.year] = run
        for year, run in sorted(latest.items()):
            result = UnitResult.objects.visible_to(request.user).filter(run=run, unit=unit).first()
            if result:
                points.append((year, round(result.share * 100, 2), result.rank, result.rank_of))
    chart = {"years": [p[0] for p in points], "shares": [p[1] for p in points]}
    return render(
        request, "assessment/trend.html", {"unit": unit, "points": points, "chart": chart, "active_area": "assessment"}
    )


def qualifier_label(code: str) -> str:
    return Qualifier(code).label if code in Qualifier.values else code


@login_required
def gaps(request):
    """Where a ledger and a published report disagree for the same unit and period: both values and the gap."""
    year = year_of(request)
    unit = chosen_unit(request)
    rows = []
    if unit:
        readings = current_values(Period.year(year), units=[unit]).get(unit.pk, {})
        for code, by_source in sorted(readings.items()):
            metric = catalogue().metrics.get(code)
            if metric is None or metric.internal:
                continue
            ledger, report = by_source.get(Source.LEDGER), by_source.get(Source.REPORT)
            if report is None:
                continue
            # A figure the report states that no ledger computes is listed too: the office sees what it cannot check.
            gap = report.value - ledger.value if ledger else None
            rows.append(
                (
                    metric,
                    metric.format(ledger.value) if ledger else "台账未统计",
                    metric.format(report.value),
                    qualifier_label(report.qualifier),
                    metric.format(abs(gap)) if gap else "—",
                    bool(gap),
                )
            )
    return render(
        request, "assessment/gaps.html", {"unit": unit, "year": year, "rows": rows, "active_area": "assessment"}
    )


@login_required
def ledger_values(request):
    """What the ledgers give a unit for a year, metric by metric and family by family, with when it was computed."""
    year = year_of(request)
    unit = chosen_unit(request)
    period = Period.year(year)
    snapshots = (
        LedgerSnapshot.objects.filter(unit=unit, period_start=period.start, period_end=period.end)
        if unit
        else LedgerSnapshot.objects.none()
    )
    current = snapshots.filter(superseded_at__isnull=True).select_related("batch").first()
    families = []
    if current:
        values = current.values
        for family, name in catalogue().families.items():
            shown = [
                (metric, metric.format(values[metric.code]))
                for metric in catalogue().in_family(family)
                if metric.code in values
            ]
            if shown:
                families.append((name, shown))
    return render(
        request,
        "assessment/ledger_values.html",
        {
            "unit": unit,
            "year": year,
            "snapshot": current,
            "families": families,
            "versions": snapshots.count(),
            "active_area": "assessment",
        },
    )


@serves(SelfAssessment)
@login_required
def evidence(request, pk):
    assessment = get_object_or_404(SelfAssessment.objects.visible_to(request.user), pk=pk)
    if not assessment.evidence:
        raise Http404("没有上传佐证材料")
    return FileResponse(
        assessment.evidence.open("rb"), as_attachment=True, filename=assessment.evidence.name.rsplit("/", 1)[-1]
    )
