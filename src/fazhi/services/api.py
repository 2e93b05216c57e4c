"""POST /api/applications/sync/: a batch of 办件 from the provincial platform, through the same steps as the UI."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, inline_serializer
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .sync import MAX_BATCH, RECORD_FIELDS, SyncRefused, sync_batch

KINDS = {
    "text": lambda f: serializers.CharField(max_length=f.max_length),
    "date": lambda f: serializers.DateField(allow_null=True),
    "choice": lambda f: serializers.ChoiceField(choices=f.choices, allow_blank=not f.required),
    "bool": lambda f: serializers.BooleanField(default=False),
}


def _record_serializer():
    fields = {}
    for spec in RECORD_FIELDS:
        field = KINDS[spec.kind](spec)
        field.required, field.label = spec.required, spec.label
        fields[spec.name] = field
    return inline_serializer("ApplicationSyncRecord", fields)


SYNC_REQUEST = inline_serializer(
    "ApplicationSyncBatch",
    {
        "records": serializers.ListField(child=_record_serializer(), min_length=1, max_length=MAX_BATCH),
    },
)
SYNC_RESULT = inline_serializer(
    "ApplicationSyncResult",
    {
        "created": serializers.IntegerField(help_text="新增办件数"),
        "advanced": serializers.IntegerField(help_text="已有办件补办后续步骤（受理、办结）数"),
        "unchanged": serializers.IntegerField(help_text="与台账一致、未作改动的办件数"),
    },
)
SYNC_ERRORS = inline_serializer(
    "ApplicationSyncErrors",
    {
        "detail": serializers.CharField(),
        # absent when the body itself could not be read (not JSON, not an object)
        "errors": serializers.ListField(
            required=False,
            child=inline_serializer(
                "ApplicationSyncError",
                {
                    "record": serializers.IntegerField(help_text="第几件（从1开始）"),
                    "field": serializers.CharField(),
                    "message": serializers.CharField(),
                },
            ),
        ),
    },
)


class ApplicationSyncView(APIView):
    @extend_schema(
        operation_id="applications_sync",
        summary="批量同步办件",
        description=(
            f"一批至多{MAX_BATCH}件办件（如一体化政务服务平台导出的数据），每件带已办理步骤的日期。"
            "每件都经过与逐件办理相同的规则校验；整批要么全部写入，要么一件不写并列出错误（第几件、字段、规则）。"
            "按办件编号幂等：重复发送同一批不作任何改动；已有办件的后续步骤（受理、办结）按步骤办理；"
            "与台账已记录的步骤日期矛盾的记录被拒绝。"
        ),
        request=SYNC_REQUEST,
        responses={200: SYNC_RESULT, 400: OpenApiResponse(SYNC_ERRORS, description="本批未写入：错误列表")},
        tags=["applications"],
    )
    def post(self, request):
        records = request.data.get("records") if hasattr(request.data, "get") else None
        try:
            result = sync_batch(records, request.user)
        except SyncRefused as refused:
            return Response(
                {"detail": str(refused), "errors": [e.as_dict() for e in refused.errors[:500]]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        return Response(result.as_dict())
