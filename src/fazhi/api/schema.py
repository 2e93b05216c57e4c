"""OpenAPI schema: document the refusals too, so clients (and the fuzz test) know every answer they can get."""

from drf_spectacular.openapi import AutoSchema
from drf_spectacular.utils import OpenApiParameter

DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string", "description": "错误说明"}},
    "required": ["detail"],
}
MESSAGES = {"type": "array", "items": {"type": "string"}}
# A DRF validation error: field name (or non_field_errors / detail) → messages; nested for list and nested fields.
VALIDATION = {
    "type": "object",
    "additionalProperties": {"anyOf": [{"type": "string"}, MESSAGES, {"type": "object"}]},
    "description": "字段名 → 错误信息列表（non_field_errors 为整体错误）；与字段无关的错误为 detail",
}
DESCRIPTIONS = {
    "400": "请求有误：参数或数据未通过校验",
    "401": "未登录或令牌无效",
    "403": "没有执行该操作的权限",
    "404": "记录不存在或不在您的数据范围内",
    "415": "请求体须为 JSON（Content-Type: application/json）",
}


class FazhiAutoSchema(AutoSchema):
    def get_override_parameters(self):
        parameters = list(super().get_override_parameters())
        if self.method == "DELETE" and self._is_ledger_view():
            parameters.append(
                OpenApiParameter(
                    "reason",
                    str,
                    OpenApiParameter.QUERY,
                    required=False,
                    description="删除原因（必填；也可放在请求体的 reason 字段）",
                )
            )
        return parameters

    def _get_filter_parameters(self):
        # An empty filter value means "not filtered" (the browsable API's filter form sends every field).
        parameters = super()._get_filter_parameters()
        for parameter in parameters:
            schema = parameter.get("schema", {})
            if schema.get("type") == "string" and "enum" in schema:
                if "" not in schema["enum"]:
                    schema["enum"] = [*schema["enum"], ""]
            elif schema:
                parameter["schema"] = {"anyOf": [schema, {"type": "string", "maxLength": 0}]}
            parameter["description"] = (parameter.get("description", "") + "\n\n留空表示不按此项筛选").strip()
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response":
            return responses
        # 400 everywhere: an unknown query parameter, a filter value of the wrong type, a refused write.
        errors = {"400": VALIDATION, "401": DETAIL, "403": DETAIL}
        if "{" in self.path or self._is_list_view():
            errors["404"] = DETAIL  # no such row in the user's scope; for a list, an invalid cursor
        if self.method in ("POST", "PUT", "PATCH"):
            errors["415"] = DETAIL
        for code, schema in errors.items():
            responses.setdefault(
                code,
                {
                    "content": {"application/json": {"schema": schema}},
                    "description": DESCRIPTIONS[code],
                },
            )
        return responses

    def _is_ledger_view(self):
        return getattr(self.view, "ledger", None) is not None
