"""用户管理: the list, new user, edit, disable and enable, password reset, Excel import and export.

Every write goes through fazhi.system.accounts, which refuses what the administrator may not do; these views
only show the accounts the administrator manages (accounts.managed_users) and offer the roles and units they
may give.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from fazhi.core.current import current_unit
from fazhi.core.forms import fast_select
from fazhi.core.importing import ImportRefused, run_import
from fazhi.core.pagination import keyset_page
from fazhi.core.routes import serves
from fazhi.org.choices import Role
from fazhi.org.models import User

from . import accounts
from .importers import UserImporter
from .sheets import stamped, xlsx_response

PAGE_SIZE = 50
MAX_UPLOAD_BYTES = 5 * 1024 * 1024
EXPORT_HEADERS = [
    "用户名",
    "姓名",
    "所在单位",
    "单位编码",
    "角色",
    "状态",
    "须修改密码",
    "密码修改时间",
    "最近登录",
    "创建时间",
]


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, unit):
        return "\u3000" * unit.depth + unit.name


class UserForm(forms.Form):
    """New user or edit: the unit and role choices are those the administrator may give."""

    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=50, required=False)
    unit = UnitChoiceField(label="所在单位", queryset=None, required=False, empty_label="（无：仅系统管理员）")
    role = forms.ChoiceField(label="角色")
    password = forms.CharField(
        label="初始密码",
        required=False,
        strip=False,
        widget=forms.PasswordInput(render_value=False),
        help_text="不填则由系统生成并只显示一次；用户首次登录时须修改密码。",
    )

    def __init__(self, actor, *args, instance=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance = instance
        units = accounts.managed_units(actor).filter(Q(is_active=True) | Q(pk=getattr(instance, "unit_id", None)))
        self.fields["unit"].queryset = units.order_by("path")
        self.fields["unit"].widget = fast_select(self.fields["unit"].widget)
        self.fields["role"].choices = accounts.grantable_roles(actor)
        if accounts.role_of(actor) != Role.SYSADMIN:  # only a system administrator may have (and give) no unit
            self.fields["unit"].required = True
            self.fields["unit"].empty_label = "（请选择）"
        if instance is not None:
            del self.fields["username"], self.fields["password"]
            self.initial.update(full_name=instance.full_name, unit=instance.unit_id, role=instance.role)
            if instance.pk == actor.pk:  # one's own role and unit are changed by another administrator
                self.fields["unit"].disabled = self.fields["role"].disabled = True
                self.fields["role"].choices = Role.choices

    def refuse(self, error: ValidationError) -> None:
        """Show a step's refusal by the field it names, or over the form."""
        if not hasattr(error, "error_dict"):
            self.add_error(None, error)
            return
        for name, errors in error.error_dict.items():
            self.add_error(name if name in self.fields else None, errors)


def managed_or_404(request, pk):
    accounts.require_manager(request.user)
    return get_object_or_404(accounts.managed_users(request.user).select_related("unit"), pk=pk)


def listed(request):
    """The users the list and the export show: the managed ones, narrowed by the unit switcher and the filters."""
    accounts.require_manager(request.user)
    qs = accounts.managed_users(request.user).select_related("unit")
    unit = current_unit(request)
    if unit is not None:
        qs = qs.filter(unit__path__startswith=unit.path)
    term = request.GET.get("q", "").strip()
    if term:
        qs = qs.filter(Q(username__icontains=term) | Q(full_name__icontains=term) | Q(unit__name__icontains=term))
    role = request.GET.get("role", "")
    if role in Role.values:
        qs = qs.filter(role=role)
    state = request.GET.get("state", "")
    if state == "active":
        qs = qs.filter(is_active=True)
    elif state == "disabled":
        qs = qs.filter(is_active=False)
    elif state == "must_change":
        qs = qs.filter(must_change_password=True)
    return qs


@login_required
def user_list(request):
    qs = listed(request)
    page = keyset_page(qs, "username", after=request.GET.get("after"), before=request.GET.get("before"), size=PAGE_SIZE)
    params = request.GET.copy()
    for key in ("after", "before"):
        params.pop(key, None)
    return render(
        request,
        "system/users/list.html",
        {
            "page": page,
            "query": params.urlencode(),
            "roles": Role.choices,
            "states": [("active", "在用"), ("disabled", "已停用"), ("must_change", "须修改密码")],
        },
    )


@login_required
def user_export(request):
    qs = listed(request).order_by("unit__path", "username")
    rows = (
        [
            user.username,
            user.full_name,
            user.unit.name if user.unit_id else "",
            user.unit.code if user.unit_id else "",
            user.get_role_display(),
            "在用" if user.is_active else "已停用",
            user.must_change_password,
            user.password_changed_at,
            user.last_login,
            user.date_joined,
        ]
        for user in qs.iterator(chunk_size=2000)
    )
    return xlsx_response("用户", EXPORT_HEADERS, rows, stamped("用户"))


@login_required
@never_cache
def user_add(request):
    accounts.require_manager(request.user)
    form = UserForm(request.user, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, generated = accounts.create_user(
                request.user,
                username=data["username"].strip(),
                full_name=data["full_name"].strip(),
                unit=data["unit"],
                role=data["role"],
                password=data["password"],
            )
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, f"已新建用户：{user.username}")
            if generated:
                return password_shown(request, user, generated, "新建用户")
            return redirect(reverse("system:user-edit", args=[user.pk]))
    status = 400 if request.method == "POST" else 200
    return render(request, "system/users/form.html", {"form": form, "obj": None}, status=status)


@login_required
@serves(User)
def user_edit(request, pk):
    target = managed_or_404(request, pk)
    form = UserForm(request.user, request.POST or None, instance=target)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            accounts.update_user(
                request.user, target, full_name=data["full_name"].strip(), unit=data["unit"], role=data["role"]
            )
        except ValidationError as error:
            form.refuse(error)
        else:
            messages.success(request, f"已保存：{target.username}")
            return redirect(reverse("system:user-edit", args=[target.pk]))
    events = target.account_events.select_related("actor").order_by("-at", "-id")[:30]
    try:
        accounts.check_manage(request.user, target)
    except PermissionDenied as refusal:
        refused = str(refusal)
    else:
        refused = ""
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "system/users/form.html",
        {"form": form, "obj": target, "events": events, "is_self": target.pk == request.user.pk, "refused": refused},
        status=status,
    )


def _set_active(request, pk, active: bool):
    target = managed_or_404(request, pk)
    try:
        accounts.set_active(request.user, target, active)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
    else:
        messages.success(request, f"{'已启用' if active else '已停用'}用户：{target.username}")
    return redirect(reverse("system:user-edit", args=[target.pk]))


@login_required
@require_POST
@serves(User)
def user_disable(request, pk):
    return _set_active(request, pk, False)


@login_required
@require_POST
@serves(User)
def user_enable(request, pk):
    return _set_active(request, pk, True)


@login_required
@require_POST
@never_cache
@serves(User)
def user_reset_password(request, pk):
    target = managed_or_404(request, pk)
    try:
        password = accounts.reset_password(request.user, target)
    except ValidationError as error:
        messages.error(request, "；".join(error.messages))
        return redirect(reverse("system:user-edit", args=[target.pk]))
    return password_shown(request, target, password, "重置密码")


def password_shown(request, user, password: str, title: str):
    """The one-time password, shown on this response only: it is stored nowhere but as its hash."""
    response = render(request, "system/users/password.html", {"target": user, "password": password, "title": title})
    response["Cache-Control"] = "no-store"
    return response


@login_required
@never_cache
def user_import(request):
    accounts.require_manager(request.user)
    context = {"spec": UserImporter(request.user)}
    if request.method != "POST":
        return render(request, "system/users/import.html", context)
    upload = request.FILES.get("file")
    error = None
    if upload is None:
        error = "请选择要导入的 Excel 文件"
    elif not upload.name.lower().endswith(".xlsx"):
        error = "只能导入 .xlsx 格式的 Excel 文件（可先用 Excel 另存为 .xlsx）"
    elif upload.size > MAX_UPLOAD_BYTES:
        error = f"文件过大（最大 {MAX_UPLOAD_BYTES // 1024 // 1024} MB），请分批导入"
    if error:
        return render(request, "system/users/import.html", {**context, "error": error}, status=400)
    importer = UserImporter(request.user)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "users.xlsx"
        with path.open("wb") as handle:
            for chunk in upload.chunks():
                handle.write(chunk)
        try:
            run_import(importer, path, request.user)
        except ImportRefused as refused:
            return render(
                request,
                "system/users/import.html",
                {**context, "refused": refused, "filename": upload.name},
                status=400,
            )
    response = render(
        request,
        "system/users/imported.html",
        {"created": importer.created, "filename": upload.name, "generated": any(p for _, p in importer.created)},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def user_import_template(request):
    accounts.require_manager(request.user)
    response = HttpResponse(content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    UserImporter(request.user).template().save(response)
    response["Content-Disposition"] = "attachment; filename*=UTF-8''users-template.xlsx"
    return response
