from rest_framework.pagination import CursorPagination


class LedgerCursorPagination(CursorPagination):
    """Cursor pagination: constant cost at any depth of a million-row ledger."""

    ordering = "-id"
    page_size_query_param = "page_size"
    max_page_size = 500
