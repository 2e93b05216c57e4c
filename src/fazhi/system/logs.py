"""登录日志, 操作日志 and 个人信息查看记录: searched and exported by the system administrator only (every unit)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.apps import apps
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q
from django.shortcuts import render
from django.utils import timezone

from fazhi.core.pagination import keyset_page
from fazhi.org.models import User
from fazhi.privacy.models import Reveal

from . import oplog
from .accounts import role_of
from .models import LoginEvent, LoginLog
from .sheets import stamped, xlsx_response

PAGE_SIZE = 50
EXPORT_LIMIT = 200_000  # rows of one download; narrow the filters for more
MATCHED_USERS_LIMIT = 500


def require_sysadmin(user) -> None:
    if not (user.is_authenticated and role_of(user) == "sysadmin"):
        raise PermissionDenied("只有系统管理员可以查看日志")


def day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PeriodForm(forms.Form):
    since = forms.DateField(label="开始日期", required=False, widget=DATE_WIDGET)
    until = forms.DateField(label="结束日期", required=False, widget=DATE_WIDGET)

    def valid_data(self) -> dict:
        """The filters that are valid: a mistyped date drops that filter only."""
        if not self.is_bound:
            return {}
        self.is_valid()  # cleaned_data keeps the fields that passed
        return self.cleaned_data

    def period(self) -> tuple[dt.datetime | None, dt.datetime | None]:
        """[since 00:00, the day after until 00:00) in local time."""
        data = self.valid_data()
        since, until = data.get("since"), data.get("until")
        return (
            day_start(since) if since else None,
            day_start(until + dt.timedelta(days=1)) if until else None,
        )

    def in_period(self, qs, field: str = "at"):
        """`qs` narrowed to the chosen days, by its timestamp `field`."""
        since, until = self.period()
        if since:
            qs = qs.filter(**{f"{field}__gte": since})
        if until:
            qs = qs.filter(**{f"{field}__lt": until})
        return qs


class LoginLogFilter(PeriodForm):
    username = forms.CharField(label="用户名", required=False)
    event = forms.ChoiceField(label="结果", required=False, choices=[("", "全部"), *LoginEvent.choices])
    ip_address = forms.GenericIPAddressField(label="IP地址", required=False)

    def apply(self, qs):
        data = self.valid_data()
        qs = self.in_period(qs)
        if data.get("username", "").strip():
            qs = qs.filter(username__startswith=data["username"].strip())
        if data.get("event"):
            qs = qs.filter(event=data["event"])
        if data.get("ip_address"):
            qs = qs.filter(ip_address=data["ip_address"])
        return qs


def login_rows(request):
    require_sysadmin(request.user)
    form = LoginLogFilter(request.GET or None)
    return form, form.apply(LoginLog.objects.all())


@login_required
def login_log(request):
    form, qs = login_rows(request)
    page = keyset_page(qs, "-at", after=request.GET.get("after"), before=request.GET.get("before"), size=PAGE_SIZE)
    return render(request, "system/logs/logins.html", {"form": form, "page": page, "query": query_of(request)})


@login_required
def login_log_export(request):
    _, qs = login_rows(request)
    rows = (
        [row.at, row.get_event_display(), row.username, row.ip_address, row.reason, row.user_agent]
        for row in qs.order_by("-at", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    return xlsx_response(
        "登录日志", ["时间", "结果", "用户名", "IP地址", "说明", "浏览器"], rows, stamped("登录日志"), note=limit_note()
    )


class OperationLogFilter(PeriodForm):
    user = forms.CharField(label="操作人", required=False, help_text="用户名或姓名")
    source = forms.ChoiceField(label="台账", required=False)
    change_type = forms.ChoiceField(label="变更类型", required=False, choices=[("", "全部"), *oplog.CHANGE_TYPES])

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["source"].choices = [("", "全部"), *oplog.source_choices()]

    def filters(self) -> oplog.Filters:
        since, until = self.period()
        data = self.valid_data()
        term = data.get("user", "").strip()
        user_ids = None
        if term:
            matched = User.objects.filter(Q(username__iexact=term) | Q(full_name__icontains=term))
            user_ids = list(matched.values_list("pk", flat=True)[:MATCHED_USERS_LIMIT])
        return oplog.Filters(
            user_ids=user_ids,
            since=since,
            until=until,
            source_key=data.get("source") or None,
            change_type=data.get("change_type") or None,
        )


@login_required
def operation_log(request):
    require_sysadmin(request.user)
    form = OperationLogFilter(request.GET or None)
    page = oplog.page(form.filters(), after=request.GET.get("after"), before=request.GET.get("before"), size=PAGE_SIZE)
    return render(request, "system/logs/operations.html", {"form": form, "page": page, "query": query_of(request)})


@login_required
def operation_log_export(request):
    require_sysadmin(request.user)
    form = OperationLogFilter(request.GET or None)
    rows = (
        [
            entry.at,
            display_name(entry.user),
            entry.source.title,
            entry.label,
            entry.object_id,
            entry.change_type_name,
            entry.reason,
        ]
        for entry in oplog.walk(form.filters(), EXPORT_LIMIT)
    )
    return xlsx_response(
        "操作日志",
        ["时间", "操作人", "台账", "记录", "记录编号", "变更类型", "原因"],
        rows,
        stamped("操作日志"),
        note=limit_note(),
    )


def display_name(user) -> str:
    if user is None:
        return "（系统）"
    return f"{user.full_name}（{user.username}）" if user.full_name else user.username


def limit_note() -> str:
    return f"每次最多导出{EXPORT_LIMIT}条（最新的在前）；需要更多时请缩小日期范围分次导出。"


def query_of(request) -> str:
    params = request.GET.copy()
    for key in ("after", "before"):
        params.pop(key, None)
    return params.urlencode()


class RevealLogFilter(PeriodForm):
    username = forms.CharField(label="查看人用户名", required=False)

    def apply(self, qs):
        data = self.valid_data()
        qs = self.in_period(qs)
        if data.get("username", "").strip():
            qs = qs.filter(user__username__startswith=data["username"].strip())
        return qs


def reveal_rows(request):
    require_sysadmin(request.user)
    form = RevealLogFilter(request.GET or None)
    return form, form.apply(Reveal.objects.select_related("user", "user__unit"))


def reveal_label(row) -> tuple[str, str]:
    """The ledger and the field of a reveal in Chinese."""
    try:
        model = apps.get_model(row.model)
    except LookupError:
        return row.model, row.field
    try:
        field = str(model._meta.get_field(row.field).verbose_name)
    except FieldDoesNotExist:
        field = row.field
    return str(model._meta.verbose_name), field


@login_required
def reveal_log(request):
    form, qs = reveal_rows(request)
    page = keyset_page(qs, "-at", after=request.GET.get("after"), before=request.GET.get("before"), size=PAGE_SIZE)
    rows = [(row, *reveal_label(row)) for row in page.rows]
    return render(
        request, "system/logs/reveals.html", {"form": form, "page": page, "rows": rows, "query": query_of(request)}
    )


@login_required
def reveal_log_export(request):
    _, qs = reveal_rows(request)
    rows = (
        [row.at, display_name(row.user), *reveal_label(row), row.object_id, row.ip_address]
        for row in qs.order_by("-at", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    return xlsx_response(
        "个人信息查看记录",
        ["时间", "查看人", "台账", "字段", "记录编号", "IP地址"],
        rows,
        stamped("个人信息查看记录"),
        note=limit_note(),
    )
