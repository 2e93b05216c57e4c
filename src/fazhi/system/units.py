"""单位管理 (system administrators only): the unit tree, searched; a unit created or corrected; the tree imported
from Excel and exported; 机构改革 recorded (merge, rename, split, move) through the steps of org.changes."""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from fazhi.core.importing import ImportRefused
from fazhi.core.routes import serves
from fazhi.org.choices import Role, UnitChangeKind
from fazhi.org.models import Unit, UnitChange

from .unit_forms import CHANGE_FORMS, UnitForm
from .unit_import import UnitImporter, export_response, import_units
from .views import SECTIONS

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

SECTIONS.append(
    (
        (
            "单位管理",
            "system:units",
            "单位树的查看与检索，新建和修改单位，Excel 导入导出；机构改革（合并、更名、分设、调整隶属关系）的登记",
        ),
        {Role.SYSADMIN},
    )
)


def sysadmin_only(view):
    @login_required
    @functools.wraps(view)
    def guarded(request, *args, **kwargs):
        if request.user.role != Role.SYSADMIN:
            raise PermissionDenied("只有系统管理员可以管理单位")
        return view(request, *args, **kwargs)

    return guarded


def search(units, q: str):
    q = q.strip()
    if not q:
        return units
    return units.filter(
        Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q) | Q(credit_code__icontains=q)
    )


@sysadmin_only
def unit_list(request):
    q = request.GET.get("q", "")
    units = search(Unit.objects.select_related("region", "parent"), q).order_by("path")
    shown = list(units[:2000])
    if q:
        # A match is shown with the units above it, greyed, so that it is read in its place in the tree.
        above = {int(pk) for unit in shown for pk in unit.path.strip("/").split("/")[:-1]}
        matched = {unit.pk for unit in shown}
        context_units = Unit.objects.filter(pk__in=above - matched).select_related("region", "parent")
        shown = sorted([*shown, *context_units], key=lambda unit: unit.path)
        for unit in shown:
            unit.context_only = unit.pk not in matched
    top = min((unit.depth for unit in shown), default=0)
    for unit in shown:
        unit.indent = unit.depth - top
    return render(
        request,
        "system/units/list.html",
        {
            "units": shown,
            "q": q,
            "count": units.count(),
            "total": Unit.objects.count(),
            "kinds": UnitChangeKind.choices,
        },
    )


@sysadmin_only
@serves(Unit)
def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.select_related("region", "parent"), pk=pk)
    history = []
    records = list(unit.history.select_related("history_user").order_by("-history_date", "-history_id")[:50])
    for record, previous in zip(records, records[1:] + [None]):
        changes = []
        if previous is not None:
            delta = record.diff_against(previous, excluded_fields=["path", "depth"])
            changes = [(str(Unit._meta.get_field(c.field).verbose_name), c.old, c.new) for c in delta.changes]
        history.append({"record": record, "changes": changes})
    fields = [
        ("单位名称", unit.name),
        ("简称", unit.short_name),
        ("单位编码", unit.code),
        ("统一社会信用代码", unit.credit_code),
        ("单位类型", unit.get_unit_type_display()),
        ("层级", unit.get_level_display()),
        ("行政区划", unit.region),
        ("上级单位", unit.parent or "（顶层单位）"),
        ("上级单位链", " / ".join(u.name for u in unit.ancestors())),
        ("存续期间", unit.validity_label or "设立于系统记录之前，现存续"),
        ("在用", "是" if unit.is_active else "否"),
        ("用户数", unit.users.count()),
    ]
    return render(
        request,
        "system/units/detail.html",
        {
            "unit": unit,
            "fields": fields,
            "children": unit.children.order_by("sort_order", "path"),
            "changes": unit.changes(),
            "history": history,
        },
    )


@sysadmin_only
@require_http_methods(["GET", "POST"])
def unit_create(request):
    return unit_form(request, Unit())


@sysadmin_only
@serves(Unit)
@require_http_methods(["GET", "POST"])
def unit_edit(request, pk):
    return unit_form(request, get_object_or_404(Unit, pk=pk))


def unit_form(request, unit: Unit):
    form = UnitForm(request.POST or None, instance=unit)
    if request.method == "POST" and form.is_valid():
        unit = form.save(commit=False)
        unit._change_reason = "修改单位信息" if unit.pk else "新建单位"
        unit._history_user = request.user
        unit.save()
        messages.success(request, f"已保存：{unit.name}")
        return redirect("system:unit-detail", pk=unit.pk)
    return render(request, "system/units/form.html", {"form": form, "unit": unit})


@sysadmin_only
@require_http_methods(["GET", "POST"])
def unit_import(request):
    context = {"columns": UnitImporter.columns}
    if request.method == "GET":
        return render(request, "system/units/import.html", context)
    upload = request.FILES.get("file")
    error = None
    if upload is None:
        error = "请选择要导入的 Excel 文件"
    elif not upload.name.lower().endswith(".xlsx"):
        error = "只能导入 .xlsx 格式的 Excel 文件（可先用 Excel 另存为 .xlsx）"
    elif upload.size > MAX_UPLOAD_BYTES:
        error = f"文件过大（最大 {MAX_UPLOAD_BYTES // 1024 // 1024} MB）"
    if error:
        return render(request, "system/units/import.html", {**context, "error": error}, status=400)
    # At most MAX_ROWS units, imported while the administrator waits: read from a temporary file of this
    # request, not queued (ledger imports, of any size, go through the task queue).
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "units.xlsx"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            count = import_units(path, request.user)
        except ImportRefused as refused:
            return render(
                request,
                "system/units/import.html",
                {**context, "error": refused.summary, "problems": [str(p) for p in refused.problems]},
                status=400,
            )
    messages.success(request, f"导入成功：共导入{count}个单位。")
    return redirect("system:units")


@sysadmin_only
def unit_template(request):
    response = HttpResponse(content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="units-template.xlsx"'
    UnitImporter().template().save(response)
    return response


@sysadmin_only
def unit_export(request):
    units = search(Unit.objects.select_related("region", "parent"), request.GET.get("q", "")).order_by("path")
    return export_response(units, f"units-{timezone.localdate():%Y%m%d}.xlsx")


@sysadmin_only
def change_list(request):
    changes = UnitChange.objects.select_related("created_by").prefetch_related("predecessors", "successors")
    return render(request, "system/units/changes.html", {"changes": changes[:500], "kinds": UnitChangeKind.choices})


@sysadmin_only
@require_http_methods(["GET", "POST"])
def change_new(request):
    kind = request.GET.get("kind") or request.POST.get("kind") or UnitChangeKind.MERGE
    form_class = CHANGE_FORMS.get(kind)
    if form_class is None:
        raise Http404("没有这种机构改革类型")
    form = form_class(request.POST or None)
    if request.method == "POST" and form.is_valid():
        change = form.apply(request.user)
        if change is not None:
            messages.success(request, f"已登记机构改革：{change}")
            return redirect(reverse("system:unit-changes"))
    return render(
        request,
        "system/units/change_form.html",
        {"form": form, "kind": kind, "kind_label": UnitChangeKind(kind).label, "kinds": UnitChangeKind.choices},
    )
