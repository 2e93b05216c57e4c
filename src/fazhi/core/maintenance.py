"""Database upkeep the application does itself, so a deployment needs no DBA to stay fast."""

from django.db import connection, connections

# An import this large changes table sizes enough that the planner's statistics are worth refreshing.
LARGE_IMPORT_ROWS = 10_000


def refresh_statistics() -> None:
    """Refresh the query planner's statistics after a bulk load.

    PostgreSQL's autovacuum would get there on its own, later; SQLite never does, and without statistics
    it picks a range index over a covering one (the 好差评 metrics: 0.35 s instead of 0.05 s at 200,000 ratings).
    """
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def measure_new_indexes(using: str = "default") -> list[str]:
    """Give SQLite statistics for the indexes added since its last ANALYZE; return their names.

    Once a database has statistics, SQLite's planner trusts them and takes an index without any for a very
    selective one: the 办件 filter index of services 0014 turned a list's query from 15 ms into 140-265 ms
    until it was measured. PostgreSQL keeps statistics per column, so a new index needs nothing there.
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if cursor.fetchone() is None:
            return []  # never measured: the planner treats every index alike, as it should
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
            "AND name NOT IN (SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL)"
        )
        names = [row[0] for row in cursor.fetchall()]
        for name in names:
            cursor.execute(f'ANALYZE "{name}"')
    return names
