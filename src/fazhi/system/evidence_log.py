"""佐证材料下载记录: every download of an evidence file (web page or API), searched and exported by the system
administrator, beside the other logs."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from fazhi.core.ledgers import registry
from fazhi.core.pagination import keyset_page
from fazhi.evidence.models import EvidenceDownload

from .logs import EXPORT_LIMIT, PAGE_SIZE, PeriodForm, display_name, limit_note, query_of, require_sysadmin
from .sheets import stamped, xlsx_response


class DownloadLogFilter(PeriodForm):
    username = forms.CharField(label="下载人用户名", required=False)
    name = forms.CharField(label="文件名", required=False)

    def apply(self, qs):
        data = self.valid_data()
        qs = self.in_period(qs)
        if data.get("username", "").strip():
            qs = qs.filter(user__username__startswith=data["username"].strip())
        if data.get("name", "").strip():
            qs = qs.filter(file__name__icontains=data["name"].strip())
        return qs


def download_rows(request):
    require_sysadmin(request.user)
    form = DownloadLogFilter(request.GET or None)
    qs = EvidenceDownload.objects.select_related("user", "user__unit", "file", "file__content_type", "file__unit")
    return form, form.apply(qs)


def record_of(row) -> tuple[str, str | None]:
    """The ledger of the downloaded file's row, and the row's page."""
    model = row.file.content_type.model_class()
    ledger = registry.for_model(model) if model else None
    if ledger is None:
        return (str(model._meta.verbose_name) if model else row.file.content_type.model), None
    try:
        return ledger.title, reverse(ledger.url_name("detail"), args=[row.file.object_id])
    except NoReverseMatch:
        return ledger.title, None


@login_required
def download_log(request):
    form, qs = download_rows(request)
    page = keyset_page(qs, "-at", after=request.GET.get("after"), before=request.GET.get("before"), size=PAGE_SIZE)
    rows = [(row, *record_of(row)) for row in page.rows]
    return render(
        request,
        "system/logs/evidence_downloads.html",
        {"form": form, "page": page, "rows": rows, "query": query_of(request)},
    )


@login_required
def download_log_export(request):
    _, qs = download_rows(request)
    rows = (
        [
            row.at,
            display_name(row.user),
            row.file.unit.name,
            record_of(row)[0],
            row.file.object_id,
            row.file.get_kind_display(),
            row.file.name,
            row.get_channel_display(),
            row.ip_address,
        ]
        for row in qs.order_by("-at", "-id")[:EXPORT_LIMIT].iterator(chunk_size=2000)
    )
    return xlsx_response(
        "佐证材料下载记录",
        ["时间", "下载人", "记录所属单位", "台账", "记录编号", "材料类型", "文件名", "方式", "IP地址"],
        rows,
        stamped("佐证材料下载记录"),
        note=limit_note(),
    )
