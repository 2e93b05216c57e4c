"""The evidence panel's roads on the web: upload, download, delete to the recycle bin, restore.

Each view first resolves the ledger row exactly as the row's own detail page does (`LedgerViewMixin.get_object`:
the ledger's scoped queryset, within the current unit, rows in the recycle bin included), so a row out of scope is
a 404 here as there; the file is then looked up among that row's files only. Downloads stream through the view and
are logged; a storage URL is never shown.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import View

from fazhi.core.views import LedgerViewMixin

from . import rules, store
from .choices import DownloadChannel
from .models import EvidenceFile


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR") or None


def file_response(evidence: EvidenceFile) -> FileResponse:
    try:
        handle = store.open_file(evidence.storage_name)
    except (FileNotFoundError, OSError) as error:
        raise Http404("文件已不在存储中，请联系系统管理员") from error
    response = FileResponse(handle, as_attachment=True, filename=evidence.name, content_type=evidence.mime_type)
    response["Content-Length"] = str(evidence.size)
    response["Cache-Control"] = "private, no-store"
    return response


class EvidenceViewMixin(LedgerViewMixin):
    include_deleted = True  # the detail page of a row in the recycle bin still lists and serves its files

    def back(self, record):
        return redirect(reverse(self.ledger.url_name("detail"), args=[record.pk]) + "#evidence")

    def get_file(self, record, file_id, *, deleted: bool | None = False) -> EvidenceFile:
        files = EvidenceFile.all_objects.for_record(record)
        if deleted is not None:
            files = files.filter(deleted_at__isnull=not deleted)
        return get_object_or_404(files, pk=file_id)


class UploadView(EvidenceViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk):
        self.require_write()
        record = self.get_object(pk)
        try:
            evidence = rules.attach(
                record,
                request.FILES.get("file"),
                kind=request.POST.get("kind", ""),
                user=request.user,
                note=request.POST.get("note", ""),
            )
        except ValidationError as error:
            messages.error(request, "佐证材料未上传：" + "；".join(error.messages))
        else:
            messages.success(request, f"已上传佐证材料：{evidence.name}")
        return self.back(record)


class DownloadView(EvidenceViewMixin, View):
    http_method_names = ["get"]

    def get(self, request, pk, file_id):
        record = self.get_object(pk)
        evidence = self.get_file(record, file_id, deleted=None)
        response = file_response(evidence)
        rules.log_download(evidence, request.user, client_ip(request), DownloadChannel.WEB)
        return response


class DeleteView(EvidenceViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, file_id):
        self.require_write()
        record = self.get_object(pk)
        evidence = self.get_file(record, file_id)
        try:
            rules.remove(evidence, request.user, request.POST.get("reason", ""))
        except ValidationError as error:
            messages.error(request, "佐证材料未删除：" + "；".join(error.messages))
        else:
            messages.success(request, f"已将佐证材料移入回收站：{evidence.name}（可在本页“回收站”中恢复）")
        return self.back(record)


class RestoreView(EvidenceViewMixin, View):
    http_method_names = ["post"]

    def post(self, request, pk, file_id):
        self.require_write()
        record = self.get_object(pk)
        evidence = self.get_file(record, file_id, deleted=True)
        try:
            rules.restore(evidence, request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, f"已恢复佐证材料：{evidence.name}")
        return self.back(record)


def evidence_urlpatterns(registry):
    """Under each ledger that takes evidence: <slug>/<pk>/evidence/…, named evidence:<slug>-upload, -download, …"""
    from django.urls import path

    patterns = []
    for ledger in registry:
        if not ledger.evidence:
            continue
        base = f"{ledger.slug}/<int:pk>/evidence/"
        kw = {"ledger": ledger}
        patterns += [
            path(base, UploadView.as_view(**kw), name=f"{ledger.slug}-upload"),
            path(f"{base}<int:file_id>/", DownloadView.as_view(**kw), name=f"{ledger.slug}-download"),
            path(f"{base}<int:file_id>/delete/", DeleteView.as_view(**kw), name=f"{ledger.slug}-delete"),
            path(f"{base}<int:file_id>/restore/", RestoreView.as_view(**kw), name=f"{ledger.slug}-restore"),
        ]
    return patterns
