"""Evidence files under a ledger row: GET/POST /api/<ledger>/{id}/evidence/, GET /api/<ledger>/{id}/evidence/{file_id}/.

The row is resolved by the ledger's viewset (`get_object`: the user's scope, as GET /api/<ledger>/{id}/), so a row
out of scope is a 404 here too; a file is looked up among that row's files only. Uploads go through the same step
as the detail page's panel (`evidence.rules.attach`: type, size and content checked), downloads are logged.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from fazhi.core.serializers import StrictCharField, api_error
from fazhi.core.steps import StateConflict
from fazhi.evidence import rules
from fazhi.evidence.choices import DownloadChannel, EvidenceKind
from fazhi.evidence.content import ALLOWED_TEXT, TYPES
from fazhi.evidence.models import EvidenceFile
from fazhi.evidence.views import client_ip, file_response

from .schema import DETAIL


class EvidenceFileSerializer(serializers.ModelSerializer):
    kind_display = serializers.CharField(source="get_kind_display", read_only=True, help_text="材料类型（中文）")
    uploaded_by = serializers.CharField(source="uploaded_by.username", read_only=True, help_text="上传人用户名")

    class Meta:
        model = EvidenceFile
        fields = ("id", "kind", "kind_display", "name", "note", "size", "mime_type", "sha256", "uploaded_by")
        fields += ("uploaded_at",)
        read_only_fields = fields


class EvidenceUploadSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=EvidenceKind.choices, help_text="材料类型")
    file = serializers.FileField(help_text=f"文件：{ALLOWED_TEXT}；类型由文件内容判断，须与扩展名一致")
    note = StrictCharField(max_length=200, required=False, allow_blank=True, help_text="说明")


def evidence_routes(ledger) -> dict:
    """The viewset methods of a ledger that takes evidence (`Ledger.evidence`)."""

    def evidence_list(self, request, pk=None, **kwargs):
        record = self.get_object()
        files = EvidenceFile.objects.for_record(record).select_related("uploaded_by")
        return Response(EvidenceFileSerializer(files, many=True).data)

    def evidence_upload(self, request, pk=None, **kwargs):
        record = self.get_object()
        body = EvidenceUploadSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        data = body.validated_data
        try:
            evidence = rules.attach(
                record, data["file"], kind=data["kind"], user=request.user, note=data.get("note", "")
            )
        except StateConflict as error:
            return Response({"detail": "；".join(error.messages)}, status=status.HTTP_409_CONFLICT)
        except DjangoValidationError as error:
            raise api_error(error) from None
        return Response(EvidenceFileSerializer(evidence).data, status=status.HTTP_201_CREATED)

    def evidence_download(self, request, pk=None, file_id=None, **kwargs):
        record = self.get_object()
        evidence = EvidenceFile.objects.for_record(record).filter(pk=file_id).first()
        if evidence is None:
            raise Http404("佐证材料不存在")
        response = file_response(evidence)
        rules.log_download(evidence, request.user, client_ip(request), DownloadChannel.API)
        return response

    operation = ledger.slug.replace("-", "_")
    evidence_list = action(
        detail=True,
        methods=["get"],
        url_path="evidence",
        url_name="evidence",
        pagination_class=None,
        filter_backends=[],
        parser_classes=[MultiPartParser],  # the upload (POST) reads multipart; the rest of the API speaks JSON only
    )(evidence_list)
    evidence_list = extend_schema(
        operation_id=f"{operation}_evidence_list",
        summary="佐证材料列表",
        description="该记录的佐证材料（不含回收站中的）。",
        request=None,
        responses={200: EvidenceFileSerializer(many=True)},
    )(evidence_list)
    evidence_upload = evidence_list.mapping.post(evidence_upload)
    evidence_upload = extend_schema(
        operation_id=f"{operation}_evidence_upload",
        summary="上传佐证材料",
        description=(
            f"multipart/form-data 上传一个文件：{ALLOWED_TEXT}，大小不超过 FAZHI_EVIDENCE_MAX_MB（默认 50 MB）。"
            "文件内容须与扩展名一致（如改名的可执行程序被拒绝，返回 400）；只读角色返回 403。"
        ),
        request={"multipart/form-data": EvidenceUploadSerializer},
        responses={
            201: EvidenceFileSerializer,
            409: OpenApiResponse(DETAIL, description="该记录已在回收站中"),
        },
    )(evidence_upload)
    evidence_download = action(
        detail=True,
        methods=["get"],
        url_path=r"evidence/(?P<file_id>[0-9]+)",
        url_name="evidence-download",
        pagination_class=None,
        filter_backends=[],
    )(evidence_download)
    evidence_download = extend_schema(
        operation_id=f"{operation}_evidence_download",
        summary="下载佐证材料",
        description="文件内容（附件）；每次下载都记入“系统管理 → 佐证材料下载记录”。",
        parameters=[OpenApiParameter("file_id", int, OpenApiParameter.PATH, description="佐证材料编号")],
        request=None,
        responses={
            **{(200, mime): OpenApiTypes.BINARY for mime in sorted({t.mime_type for t in TYPES.values()})},
            404: OpenApiResponse(DETAIL, description="记录或文件不存在，或不在您的数据范围内"),
        },
    )(evidence_download)
    return {"evidence_list": evidence_list, "evidence_upload": evidence_upload, "evidence_download": evidence_download}
