"""考核方案 pages: the schemes by year, a scheme and its editor, Excel export and import, the preview of the scores
a scheme would give, publication, and the page on which a unit sees the items it is assessed on.

The 法治办 (and the system administrator) keeps the schemes; everyone else sees only published ones. Every
change is a step of rules.py: the views only read forms and show what the step refused.
"""

from __future__ import annotations

from collections import defaultdict

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Sum
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from fazhi.core.importing import ImportRefused
from fazhi.core.routes import serves
from fazhi.core.steps import StateConflict
from fazhi.metrics.catalogue import catalogue
from fazhi.org.choices import UnitType

from . import rules
from .forms import AreaForm, CopyForm, ImportForm, IndicatorForm, ItemForm, SchemeForm
from .framework import FrameworkError, check_formula, load_framework
from .models import AssessmentRun, Scheme, SchemeArea, SchemeIndicator, SchemeItem
from .schemes import (
    DEFAULT_LABEL,
    framework_for,
    on_missing_text,
    scheme_data,
    scheme_framework,
    types_text,
    unit_weights,
)
from .scoring import preview
from .views import chosen_unit
from .workbook import COLUMNS, INFO_FIELDS, RULE_HELP, export_scheme, read_scheme, rule_text

TYPE_NAMES = dict(UnitType.choices)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def require_office(request) -> None:
    if not rules.can_manage_schemes(request.user):
        raise PermissionDenied("只有法治办可以维护考核方案")


def visible_scheme(request, pk) -> Scheme:
    """A scheme the user may see: the 法治办 every one, others only a published (or locked) one."""
    scheme = get_object_or_404(Scheme, pk=pk)
    if not scheme.in_force and not rules.can_manage_schemes(request.user):
        raise Http404("没有这个考核方案")
    return scheme


def refused(form, error, fields: dict | None = None) -> None:
    """Show a step's refusal on the form: on the field it names, else above the form."""
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            name = (fields or {}).get(field, field)
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, "；".join(getattr(error, "messages", None) or [str(error)]))


@login_required
def scheme_list(request):
    manage = rules.can_manage_schemes(request.user)
    schemes = Scheme.objects.annotate(item_count=Count("items"), points=Sum("items__points")).order_by("-year")
    if not manage:
        schemes = schemes.exclude(status=Scheme.Status.DRAFT)
    latest = Scheme.objects.order_by("-year").first()
    form = CopyForm(
        initial={
            "year": max(latest.year + 1 if latest else 0, timezone.localdate().year),
            "source": str(latest.pk) if latest else "default",
        }
    )
    return render(
        request,
        "assessment/schemes.html",
        {
            "schemes": schemes,
            "manage": manage,
            "form": form,
            "default": load_framework(),
            "default_label": DEFAULT_LABEL,
            "active_area": "assessment",
        },
    )


@login_required
@require_POST
def scheme_new(request):
    require_office(request)
    form = CopyForm(request.POST)
    if not form.is_valid():
        messages.error(request, "；".join(e for errors in form.errors.values() for e in errors))
        return redirect("assessment:schemes")
    try:
        scheme = rules.create_scheme(form.cleaned_data["year"], form.source_scheme(), user=request.user)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect("assessment:schemes")
    messages.success(request, f"已建立{scheme}（草稿），{scheme.copied_from and '复制自' + scheme.copied_from}")
    return redirect("assessment:scheme", pk=scheme.pk)


def scheme_tree(scheme: Scheme):
    """[(area, [(indicator, [item…])…])…] in order, with each item's rule as a sentence."""
    indicators = defaultdict(list)
    for indicator in SchemeIndicator.objects.filter(area__scheme=scheme).order_by("order", "pk"):
        indicators[indicator.area_id].append(indicator)
    items = defaultdict(list)
    for item in SchemeItem.objects.filter(scheme=scheme).order_by("order", "pk"):
        item.rule_text = rule_text(item.rule)
        item.types_text = types_text(item.applies_to)
        item.on_missing_text = on_missing_text(item.on_missing)
        items[item.indicator_id].append(item)
    return [
        (area, [(indicator, items[indicator.pk]) for indicator in indicators[area.pk]])
        for area in SchemeArea.objects.filter(scheme=scheme).order_by("order", "pk")
    ]


@serves(Scheme)
@login_required
def scheme_detail(request, pk):
    scheme = visible_scheme(request, pk)
    manage = rules.can_manage_schemes(request.user)
    problem = ""
    totals = []
    try:
        framework = scheme_framework(scheme)
        for value, label in UnitType.choices:
            items = [item for item in framework.items if item.applies(value)]
            if items:
                totals.append((label, len(items), sum(item.points for item in items)))
    except FrameworkError as error:
        problem = str(error)
    return render(
        request,
        "assessment/scheme.html",
        {
            "scheme": scheme,
            "tree": scheme_tree(scheme),
            "manage": manage,
            "totals": totals,
            "problem": problem,
            "history": scheme.history.select_related("history_user")[:30] if manage else [],
            "runs": AssessmentRun.objects.filter(scheme=scheme)[:10],
            "default_types": types_text(scheme.applies_to) or "全部类型",
            "default_missing": on_missing_text(scheme.on_missing),
            "active_area": "assessment",
        },
    )


def edit_page(request, scheme, form, title, *, obj=None, delete_label="", formula=False):
    return render(
        request,
        "assessment/scheme_edit.html",
        {
            "scheme": scheme,
            "form": form,
            "title": title,
            "obj": obj,
            "delete_label": delete_label,
            "formula_check": formula,
            "active_area": "assessment",
        },
    )


def child_of(request, model, **scope):
    """The area, indicator or item named by ?id= (or the form's id), which must belong to the scheme."""
    ident = request.POST.get("id") or request.GET.get("id")
    if not ident:
        return None
    try:
        return get_object_or_404(model, pk=int(ident), **scope)
    except ValueError:
        raise Http404("没有这一项") from None


@serves(Scheme)
@login_required
def scheme_settings(request, pk):
    require_office(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    initial = {key: getattr(scheme, key) for key in rules.SCHEME_FIELDS}
    form = SchemeForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            rules.edit_scheme(scheme, form.cleaned_data, user=request.user)
        except (ValidationError, StateConflict) as error:
            refused(form, error)
        else:
            messages.success(request, "方案信息已保存")
            return redirect("assessment:scheme", pk=scheme.pk)
    return edit_page(request, scheme, form, "修改方案信息")


@serves(Scheme)
@login_required
def scheme_area(request, pk):
    require_office(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    area = child_of(request, SchemeArea, scheme=scheme)
    if request.method == "POST" and request.POST.get("delete") and area is not None:
        try:
            rules.delete_area(scheme, area, user=request.user)
            messages.success(request, f"已删除一级指标“{area.name}”")
        except (ValidationError, StateConflict) as error:
            messages.error(request, "；".join(getattr(error, "messages", None) or [str(error)]))
        return redirect("assessment:scheme", pk=scheme.pk)
    form = AreaForm(request.POST or None, initial={"name": area.name, "order": area.order} if area else None)
    if request.method == "POST" and form.is_valid():
        try:
            rules.save_area(scheme, area, form.cleaned_data["name"], form.cleaned_data["order"], user=request.user)
        except (ValidationError, StateConflict) as error:
            refused(form, error)
        else:
            messages.success(request, "一级指标已保存")
            return redirect("assessment:scheme", pk=scheme.pk)
    return edit_page(
        request, scheme, form, "修改一级指标" if area else "新增一级指标", obj=area, delete_label="删除一级指标"
    )


@serves(Scheme)
@login_required
def scheme_indicator(request, pk):
    require_office(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    indicator = child_of(request, SchemeIndicator, area__scheme=scheme)
    if request.method == "POST" and request.POST.get("delete") and indicator is not None:
        try:
            rules.delete_indicator(scheme, indicator, user=request.user)
            messages.success(request, f"已删除二级指标“{indicator.name}”")
        except (ValidationError, StateConflict) as error:
            messages.error(request, "；".join(getattr(error, "messages", None) or [str(error)]))
        return redirect("assessment:scheme", pk=scheme.pk)
    initial = {"area": indicator.area_id, "name": indicator.name, "order": indicator.order} if indicator else None
    if indicator is None and request.GET.get("area"):
        initial = {"area": request.GET["area"]}
    form = IndicatorForm(request.POST or None, initial=initial, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rules.save_indicator(scheme, indicator, data["area"], data["name"], data["order"], user=request.user)
        except (ValidationError, StateConflict) as error:
            refused(form, error)
        else:
            messages.success(request, "二级指标已保存")
            return redirect("assessment:scheme", pk=scheme.pk)
    title = "修改二级指标" if indicator else "新增二级指标"
    return edit_page(request, scheme, form, title, obj=indicator, delete_label="删除二级指标")


@serves(Scheme)
@login_required
def scheme_item(request, pk):
    require_office(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    item = child_of(request, SchemeItem, scheme=scheme)
    if request.method == "POST" and request.POST.get("delete") and item is not None:
        try:
            rules.delete_item(scheme, item, user=request.user)
            messages.success(request, f"已删除指标项“{item.name}”")
        except (ValidationError, StateConflict) as error:
            messages.error(request, "；".join(getattr(error, "messages", None) or [str(error)]))
        return redirect("assessment:scheme", pk=scheme.pk)
    initial = None
    if item is not None:
        initial = {key: getattr(item, key) for key in rules.ITEM_FIELDS if key != "rule"}
        initial.update(indicator=item.indicator_id, rule_text=rule_text(item.rule))
    elif request.GET.get("indicator"):
        initial = {"indicator": request.GET["indicator"]}
    form = ItemForm(request.POST or None, initial=initial, scheme=scheme)
    if request.method == "POST" and form.is_valid():
        try:
            saved = rules.save_item(scheme, item, form.fields_for_step(), user=request.user)
        except (ValidationError, StateConflict) as error:
            refused(form, error, {"rule": "rule_text"})
        else:
            messages.success(request, f"指标项“{saved.name}”已保存")
            return redirect(reverse("assessment:scheme", args=[scheme.pk]) + f"#item-{saved.pk}")
    title = f"修改指标项：{item.name}" if item else "新增指标项"
    return edit_page(request, scheme, form, title, obj=item, delete_label="删除指标项", formula=True)


@login_required
def formula_check(request):
    """The live check of the item form: is the formula well formed, and does the catalogue have its metrics?"""
    text = (request.GET.get("formula") or "").strip()
    if not text:
        return JsonResponse({"ok": True, "message": "定性指标不填计算公式；其余指标须填写", "metrics": []})
    try:
        formula = check_formula(text)
    except FrameworkError as error:
        return JsonResponse({"ok": False, "message": str(error), "metrics": []})
    metrics = catalogue().metrics
    named = [{"code": code, "name": metrics[code].name} for code in sorted(formula.names)]
    return JsonResponse(
        {
            "ok": True,
            "message": "公式有效：" + "、".join(f"{m['code']}（{m['name']}）" for m in named),
            "metrics": named,
        }
    )


@serves(Scheme)
@login_required
def scheme_export(request, pk):
    scheme = visible_scheme(request, pk)
    content = export_scheme(scheme_data(scheme), f"{scheme}：{scheme.name}（{scheme.version}）")
    response = HttpResponse(content, content_type=XLSX)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''scheme-{scheme.year}.xlsx"
    return response


@serves(Scheme)
@login_required
def scheme_import(request, pk):
    require_office(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    problems, summary = [], ""
    if request.method == "POST" and form.is_valid():
        try:
            data = read_scheme(form.cleaned_data["file"], scheme_data(scheme))
            rules.replace_content(scheme, data, user=request.user)
        except ImportRefused as error:
            problems, summary = error.problems, error.summary
        except (ValidationError, StateConflict) as error:
            summary = "导入未执行：" + "；".join(getattr(error, "messages", None) or [str(error)])
        else:
            count = SchemeItem.objects.filter(scheme=scheme).count()
            messages.success(request, f"已导入{count}个指标项，{scheme}的原有内容已替换（变更记录可查）")
            return redirect("assessment:scheme", pk=scheme.pk)
    return render(
        request,
        "assessment/scheme_import.html",
        {
            "scheme": scheme,
            "form": form,
            "problems": problems,
            "summary": summary,
            "columns": COLUMNS,
            "rules_help": RULE_HELP,
            "info_fields": [label for label, _ in INFO_FIELDS],
            "unit_types": "、".join(UnitType.labels),
            "active_area": "assessment",
        },
        status=400 if summary else 200,
    )


@serves(Scheme)
@login_required
def scheme_preview(request, pk):
    """The ranks the scheme would give on a year's data (last year's by default), stored nowhere."""
    require_office(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    try:
        year = int(request.GET.get("year") or scheme.year - 1)
    except ValueError:
        year = scheme.year - 1
    error, groups = "", []
    try:
        framework = scheme_framework(scheme)
    except FrameworkError as problem:
        error, framework = str(problem), None
    if framework is not None:
        rows = preview(framework, year)
        last = AssessmentRun.objects.filter(year=year).first()
        before = {}
        if last is not None:
            before = {r.unit_id: r for r in last.unit_results.all()}
        by_type = defaultdict(list)
        for unit, unit_type, total, maximum, share, rank, rank_of, light, *_ in rows:
            old = before.get(unit.pk)
            by_type[unit_type].append(
                {
                    "unit": unit,
                    "score": total,
                    "max": maximum,
                    "share": share * 100,
                    "rank": rank,
                    "rank_of": rank_of,
                    "light": light,
                    "old": old,
                    "change": None if old is None else round(total - old.score, 2),
                }
            )
        groups = [
            (TYPE_NAMES.get(t, t), sorted(r, key=lambda x: (x["rank"], x["unit"].code))) for t, r in by_type.items()
        ]
        groups.sort(key=lambda group: group[0])
    else:
        last = None
    return render(
        request,
        "assessment/scheme_preview.html",
        {
            "scheme": scheme,
            "year": year,
            "groups": groups,
            "error": error,
            "last": last,
            "active_area": "assessment",
        },
    )


@serves(Scheme)
@login_required
@require_POST
def scheme_publish(request, pk):
    require_office(request)
    scheme = get_object_or_404(Scheme, pk=pk)
    try:
        rules.publish_scheme(scheme, user=request.user)
    except (ValidationError, StateConflict) as error:
        messages.error(request, "；".join(getattr(error, "messages", None) or [str(error)]))
    else:
        messages.success(request, f"{scheme}已发布：各单位可查看本单位的考核指标，{scheme.year}年度考核将按它计分")
    return redirect("assessment:scheme", pk=scheme.pk)


@login_required
def unit_items(request):
    """What a unit is assessed on in a year and with what weight: the year's published scheme, else the default."""
    unit = chosen_unit(request)
    published = list(
        Scheme.objects.exclude(status=Scheme.Status.DRAFT).order_by("-year").values_list("year", flat=True)
    )
    try:
        year = int(request.GET.get("year") or (published[0] if published else timezone.localdate().year))
    except ValueError:
        year = published[0] if published else timezone.localdate().year
    framework, scheme = framework_for(year)
    draft = scheme is None and Scheme.objects.filter(year=year, status=Scheme.Status.DRAFT).exists()
    rows, total, assessed = [], 0.0, False
    if unit is not None and not draft:
        weighted, total = unit_weights(framework, unit.unit_type)
        assessed = bool(weighted) and unit.is_active
        areas = {area.code: area.name for area in framework.areas}
        indicators = {code: name for area in framework.areas for code, name in area.indicators}
        metrics = catalogue().metrics
        for item, weight in weighted:
            names = []
            if item.formula is not None:
                names = [metrics[code].name for code in sorted(item.formula.names) if code in metrics]
            rows.append(
                {
                    "area": areas.get(item.area, item.area),
                    "indicator": indicators.get(item.indicator, item.indicator),
                    "item": item,
                    "weight": weight * 100,
                    "rule": rule_text(item.rule),
                    "metrics": "、".join(names),
                    "on_missing": on_missing_text(item.on_missing) if item.on_missing == "exclude" else "",
                }
            )
    return render(
        request,
        "assessment/unit_items.html",
        {
            "unit": unit,
            "year": year,
            "years": sorted(set(published) | {year}, reverse=True),
            "framework": framework,
            "scheme": scheme,
            "draft": draft,
            "rows": rows,
            "total": total,
            "assessed": assessed,
            "type_name": TYPE_NAMES.get(unit.unit_type, "") if unit else "",
            "active_area": "assessment",
        },
    )
