"""Database upkeep the application does itself, so a deployment needs no DBA to stay fast."""

from django.db import connection

# An import this large changes table sizes enough that the planner's statistics are worth refreshing.
LARGE_IMPORT_ROWS = 10_000


def refresh_statistics() -> None:
    """Refresh the query planner's statistics after a bulk load.

    PostgreSQL's autovacuum would get there on its own, later; SQLite never does, and without statistics
    it picks a range index over a covering one (the 好差评 metrics: 0.35 s instead of 0.05 s at 200,000 ratings).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
