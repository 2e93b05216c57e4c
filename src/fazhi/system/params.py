"""系统管理 → 法律参数: every parameter with its law, article and versions; local values for the parameters the
law leaves to local rules; recomputing stored due dates after a change.

Only the system administrator opens these pages. Only parameters marked `confidence: local` take a local value
(fazhi.law.local refuses the others, with the reason). A local value applies to matters arising from its date;
it moves no stored due date until the administrator recomputes (fazhi.system.recompute).
"""

from __future__ import annotations

import functools

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from fazhi.law.local import refusal, set_local_value, withdraw_local_value
from fazhi.law.models import LocalParameterVersion
from fazhi.law.params import CONFIDENCE, UNITS, parameter_book
from fazhi.org.choices import Role

from .recompute import RECOMPUTE_REASON, find_moves, local_codes, recompute
from .views import SECTIONS

SECTIONS.append(
    (
        ("法律参数", "system:params", "法定期限等参数及其法律依据；为本地规定设定的参数录入本地取值，并重新计算期限"),
        {Role.SYSADMIN},
    )
)

UNIT_HINTS = {
    "calendar_days": "日（自然日）",
    "working_days": "个工作日",
    "months": "个月",
    "years": "年",
    "yuan": "元",
    "share": "比例（0 到 1 之间的小数，如 0.05 表示 5%）",
    "count": "人（个）",
    "annual_date": "每年的日期（月-日，当日截止）",
    "annual_date_before": "每年的日期（月-日，截止于其前一日）",
}


def sysadmin_only(view):
    @login_required
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        if request.user.role != Role.SYSADMIN:
            raise PermissionDenied("只有系统管理员可以管理法律参数")
        return view(request, *args, **kwargs)

    return wrapped


def parameter_rows(only_local: bool = False) -> list[dict]:
    book = parameter_book()
    rows = []
    for code in sorted(book.versions):
        latest = book.packaged[code][-1]
        if only_local and latest.confidence != "local":
            continue
        rows.append(
            {
                "code": code,
                "name": latest.name,
                "confidence": latest.confidence,
                "confidence_display": CONFIDENCE.get(latest.confidence, latest.confidence),
                "versions": book.versions[code],
                "has_local": any(version.local for version in book.versions[code]),
            }
        )
    return rows


@sysadmin_only
def parameters(request):
    only_local = request.GET.get("local") == "1"
    rows = parameter_rows(only_local)
    return render(
        request,
        "system/params/list.html",
        {"rows": rows, "only_local": only_local, "local_count": len(local_codes()), "units": UNITS},
    )


class LocalValueForm(forms.Form):
    value = forms.CharField(label="取值", max_length=20)
    law = forms.CharField(label="本地规定名称", max_length=200, help_text="如：某省行政规范性文件管理办法")
    article = forms.CharField(label="条款", max_length=100, help_text="如：第十二条")
    effective_from = forms.DateField(
        label="施行日期",
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text="自该日起发生的事项适用此取值；此前的事项仍适用原规定",
    )


def _parameter(request):
    code = request.GET.get("code") or request.POST.get("code") or ""
    book = parameter_book()
    if code not in book.packaged:
        raise Http404("未定义的法律参数")
    return code, book


@sysadmin_only
def local_value(request):
    """One parameter: its versions, the local versions set here (with 撤销), and the form for a new one."""
    code, book = _parameter(request)
    latest = book.packaged[code][-1]
    reason = refusal(code)
    form = LocalValueForm(request.POST) if request.method == "POST" else LocalValueForm()
    status = 200
    if request.method == "POST":
        if reason:
            form.add_error(None, reason)
            status = 400
        elif request.POST.get("withdraw"):
            try:
                withdrawn = withdraw_local_value(int(request.POST["withdraw"]), code)
            except (ValueError, ValidationError) as error:
                messages.error(request, getattr(error, "messages", ["该本地取值不存在"])[0])
            else:
                messages.success(
                    request,
                    f"已撤销自{withdrawn.effective_from:%Y年%m月%d日}起施行的本地取值。已经计算的期限不会自动改变，"
                    "如需按现行规定重新计算，请使用“重新计算期限”。",
                )
            return redirect(f"{reverse('system:param-local')}?code={code}")
        elif form.is_valid():
            data = form.cleaned_data
            try:
                version = set_local_value(code, data["value"], data["law"], data["article"], data["effective_from"])
            except ValidationError as error:
                _attach(form, error)
                status = 400
            else:
                messages.success(
                    request,
                    f"已设置：{latest.name}自{version.effective_from:%Y年%m月%d日}起为{version.value}"
                    f"{UNITS[version.unit]}（《{version.law}》{version.article}）。已经计算的期限不会自动改变，"
                    "如需按新取值重新计算，请使用“重新计算期限”。",
                )
                return redirect(f"{reverse('system:param-local')}?code={code}")
        else:
            status = 400
    local = LocalParameterVersion.objects.filter(code=code).order_by("effective_from")
    return render(
        request,
        "system/params/local.html",
        {
            "code": code,
            "parameter": latest,
            "versions": book.versions[code],
            "local_rows": local,
            "refusal": reason,
            "form": form,
            "unit_hint": UNIT_HINTS.get(latest.unit, ""),
        },
        status=status,
    )


def _attach(form: forms.Form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@sysadmin_only
def recompute_deadlines(request):
    """GET: the rows whose stored due dates differ from the parameters in force (nothing written).
    POST: recompute them, each saved with its history, and list what moved."""
    codes = local_codes()
    if request.method == "POST":
        moves = recompute(codes)
        done = True
    else:
        moves = find_moves(codes)
        done = False
    moved = [move for move in moves if not move.error]
    refused = [move for move in moves if move.error]
    return render(
        request,
        "system/params/recompute.html",
        {"moved": moved, "refused": refused, "done": done, "reason": RECOMPUTE_REASON},
    )
