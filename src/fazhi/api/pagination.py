from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination


class LedgerCursorPagination(CursorPagination):
    """Cursor pagination: constant cost at any depth of a million-row ledger."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500
    invalid_cursor_message = "分页游标无效，请使用上一页返回的 next 或 previous 链接"

    def get_page_size(self, request):
        """A page size that is not a positive integer is refused, not silently replaced by the default."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        try:
            size = int(raw)
        except ValueError:
            size = 0
        if size < 1:
            raise ValidationError({self.page_size_query_param: [f"每页条数应为正整数（最多 {self.max_page_size} 条）"]})
        return min(size, self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = (
                    f"每页条数（默认 {self.page_size}，超过 {self.max_page_size} 按 {self.max_page_size} 计）"
                )
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
