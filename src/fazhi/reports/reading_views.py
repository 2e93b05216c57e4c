"""Reading published reports in the browser (/reports/read/): upload, the text with its figures marked, the
office's decision on each figure, the export of the decisions as gold.jsonl. The writes are reading.py's."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.http import content_disposition_header
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from fazhi.core.current import current_unit
from fazhi.core.routes import serves
from fazhi.org.scope import can_write

from . import reading as steps
from .reader import ReaderError
from .reader.model import REQUIRED_SECTIONS, SECTION_NAMES
from .reading_forms import QUALIFIER_OPTIONS, SCOPE_OPTIONS, CorrectForm, SettingsForm, UploadForm, metric_options
from .reading_models import ReadFigure, ReportReading

SYNC_MAX_BYTES = 2 * 1024 * 1024  # one file up to this size is read at once; more files, or larger, on the queue
AREA = "reports"


def _visible(request):
    return ReportReading.objects.visible_to(request.user)


def _writable(request):
    if not can_write(request.user):
        raise PermissionDenied("只读角色可以查看，不能上传或审核报告数字")


def _counts(queryset):
    pending = Q(figures__decision=ReadFigure.Decision.PENDING, figures__mapped=True)
    return queryset.annotate(
        n_figures=Count("figures", filter=Q(figures__mapped=True), distinct=True),
        n_pending=Count("figures", filter=pending, distinct=True),
    )


@login_required
def reading_list(request):
    request.active_area = AREA
    form = UploadForm(user=request.user, initial={"unit": current_unit(request) or request.user.unit})
    if request.method == "POST":
        _writable(request)
        form = UploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            done = _upload(request, form)
            if done is not None:
                return done
    readings = _counts(_visible(request).select_related("unit", "created_by")).order_by("-created_at", "-pk")
    page = Paginator(readings, 50).get_page(request.GET.get("page"))
    queued = [r for r in page if r.status == ReportReading.Status.QUEUED]
    progress = {}
    if queued:
        from fazhi.jobs.progress import state

        progress = {r.pk: state(r.task_id) for r in queued if r.task_id}
    for reading in page:
        reading.task = progress.get(reading.pk)
    return render(
        request,
        "reports/reading_list.html",
        {
            "form": form,
            "page": page,
            "can_edit": can_write(request.user),
            "any_queued": bool(queued),
            "active_area": AREA,
        },
    )


def _upload(request, form):
    uploads, unit, year = form.cleaned_data["files"], form.cleaned_data["unit"], form.cleaned_data["year"]
    if len(uploads) == 1 and uploads[0].size <= SYNC_MAX_BYTES:
        try:
            reading = steps.create_reading(uploads[0], unit, year, request.user)
        except ReaderError as error:
            form.add_error("files", str(error))
            return None
        messages.success(request, f"已读取“{reading.original_name}”：请逐项确认、更正或驳回读出的数字")
        return redirect("reports:reading", pk=reading.pk)
    from fazhi.jobs.progress import enqueue

    from .reading_tasks import read_upload

    for upload in uploads:
        reading = steps.queue_reading(upload, unit, year, request.user)
        task_id = enqueue(read_upload, reading.pk, title=f"读取报告：{upload.name}", user=request.user)
        ReportReading.objects.filter(pk=reading.pk).update(task_id=task_id)
    messages.info(request, f"已上传 {len(uploads)} 份报告，正在后台逐份读取；本页显示进度")
    return redirect("reports:reading_list")


def marked_text(text: str, figures) -> str:
    """The report's text with each figure in a <mark> labelled with its metric, value, qualifier and scope;
    figures whose spans overlap share one mark. Each label links to the figure's row."""
    groups: list[list] = []
    for figure in sorted(figures, key=lambda f: (f.start, f.end, f.position)):
        if figure.end <= figure.start:
            continue
        if groups and figure.start < groups[-1][1]:
            groups[-1][1] = max(groups[-1][1], figure.end)
            groups[-1][2].append(figure)
        else:
            groups.append([figure.start, figure.end, [figure]])
    out, pos = [], 0
    for start, end, members in groups:
        out.append(escape(text[pos:start]))
        labels = mark_safe(
            "".join(
                format_html(
                    '<a class="rf-label" id="m-{}" href="#f-{}" title="{}">{}</a>',
                    f.pk,
                    f.pk,
                    f"{f.get_decision_display()}：{f.quote[:120]}",
                    label_of(f),
                )
                for f in members
            )
        )
        first = members[0]
        kind = "rf-other" if not first.mapped and first.decision != ReadFigure.Decision.CORRECTED else ""
        out.append(
            format_html(
                '<mark class="rf rf-{} {}" data-figure="{}"><a class="rf-num" href="#f-{}">{}</a>{}</mark>',
                first.decision,
                kind,
                first.pk,
                first.pk,
                text[start:end],
                labels,
            )
        )
        pos = end
    out.append(escape(text[pos:]))
    return mark_safe("".join(str(part) for part in out))


def label_of(figure: ReadFigure) -> str:
    if not figure.mapped and figure.decision != ReadFigure.Decision.CORRECTED:
        return figure.metric_name
    return f"{figure.metric_name}｜{figure.display_value}｜{figure.qualifier_name}｜{figure.scope_name}"


@serves(ReportReading)
@login_required
def reading_detail(request, pk):
    request.active_area = AREA
    reading = get_object_or_404(_visible(request).select_related("unit", "created_by"), pk=pk)
    figures = list(reading.figures.select_related("decided_by").order_by("position"))
    for figure in figures:
        figure.input_value = steps.input_value(figure.final_metric, figure.final_value)
    visible_ids = set(_visible(request).values_list("pk", flat=True))
    similar = []
    for entry in reading.similar:
        if entry.get("reading") in visible_ids:
            other = ReportReading.objects.filter(pk=entry["reading"]).only("pk", "title", "original_name").first()
            if other:
                similar.append((other, entry["similarity"]))
    sections = [(SECTION_NAMES[key], bool(reading.required_sections.get(key))) for key in REQUIRED_SECTIONS]
    catalogue_figures = [f for f in figures if f.mapped]
    other_figures = [f for f in figures if not f.mapped]
    pending = sum(1 for f in catalogue_figures if f.decision == ReadFigure.Decision.PENDING)
    gaps = None
    if reading.year:
        gaps = reverse("assessment:gaps") + f"?unit={reading.unit_id}&year={reading.year}"
    return render(
        request,
        "reports/reading_detail.html",
        {
            "reading": reading,
            "marked": marked_text(reading.text, figures) if reading.text else "",
            "catalogue_figures": catalogue_figures,
            "other_figures": other_figures,
            "stored": sum(1 for f in figures if f.observation_id),
            "pending": pending,
            "sections": sections,
            "similar": similar,
            "gaps_url": gaps,
            "can_edit": can_write(request.user),
            "metric_options": metric_options(),
            "qualifier_options": QUALIFIER_OPTIONS,
            "scope_options": SCOPE_OPTIONS,
            "settings_form": SettingsForm(user=request.user, initial={"unit": reading.unit, "year": reading.year}),
            "active_area": AREA,
        },
    )


@serves(ReportReading)
@login_required
@require_POST
def reading_decide(request, pk):
    """确认 / 更正 / 驳回 one figure of the reading (the figure's id in the form)."""
    _writable(request)
    reading = get_object_or_404(_visible(request), pk=pk)
    figure_id = request.POST.get("figure", "")
    figure = get_object_or_404(ReadFigure, reading=reading, pk=int(figure_id) if figure_id.isdigit() else 0)
    action = request.POST.get("action")
    try:
        if action == "confirm":
            steps.confirm(figure, request.user)
            messages.success(request, f"已确认：{label_of(figure)}")
        elif action == "reject":
            steps.reject(figure, request.user)
            messages.success(request, f"已驳回：{figure.raw}")
        elif action == "correct":
            form = CorrectForm(request.POST)
            if not form.is_valid():
                errors = "；".join(f"{form.fields[k].label}：{'，'.join(v)}" for k, v in form.errors.items())
                raise ValidationError(f"更正未保存：{errors}")
            data = form.cleaned_data
            value = steps.parse_value(data["value"], data["metric"])
            steps.correct(figure, request.user, data["metric"], value, data["qualifier"], data["scope"])
            messages.success(request, f"已更正：{label_of(figure)}")
        else:
            raise ValidationError("未知的操作")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect(reverse("reports:reading", args=[reading.pk]) + f"#f-{figure.pk}")


@serves(ReportReading)
@login_required
@require_POST
def reading_confirm_all(request, pk):
    _writable(request)
    reading = get_object_or_404(_visible(request), pk=pk)
    try:
        count = steps.confirm_all(reading, request.user)
        messages.success(request, f"已确认 {count} 个待确认的数字")
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    return redirect("reports:reading", pk=reading.pk)


@serves(ReportReading)
@login_required
@require_POST
def reading_settings(request, pk):
    _writable(request)
    reading = get_object_or_404(_visible(request), pk=pk)
    form = SettingsForm(request.POST, user=request.user)
    if form.is_valid():
        steps.set_unit_and_year(reading, form.cleaned_data["unit"], form.cleaned_data["year"], request.user)
        messages.success(request, "已更改报告单位和年度；已确认的数字随之更改")
    else:
        messages.error(request, "请选择有效的单位和年度")
    return redirect("reports:reading", pk=reading.pk)


@serves(ReportReading)
@login_required
@require_POST
def reading_delete(request, pk):
    _writable(request)
    reading = get_object_or_404(_visible(request), pk=pk)
    name = reading.original_name
    steps.delete_reading(reading)
    messages.success(request, f"已删除“{name}”的读取结果；由它写入的报告数据已撤回")
    return redirect("reports:reading_list")


def _jsonl(readings) -> HttpResponse:
    response = HttpResponse(steps.gold_jsonl(readings), content_type="application/x-ndjson; charset=utf-8")
    response["Content-Disposition"] = content_disposition_header(True, steps.export_name(readings))
    return response


@serves(ReportReading)
@login_required
def reading_export(request, pk):
    """The reading's decisions as one line of gold.jsonl."""
    reading = get_object_or_404(_visible(request), pk=pk)
    return _jsonl([reading])


@login_required
def reading_export_all(request):
    """Every reading the user may see whose figures are all decided, as gold.jsonl."""
    readings = _counts(_visible(request).filter(status=ReportReading.Status.READ)).filter(n_pending=0)
    readings = [r for r in readings.order_by("pk") if r.year]
    return _jsonl(readings)
