"""Per unit and day: how many live applications were accepted, decided, and decided on time.

The 政务服务 metrics and the monthly charts read these totals (at most units × days rows) instead of scanning a
city's million 办件. Database triggers keep them in the same transaction as every write to the applications
table — ORM saves, bulk inserts, COPY, queryset updates, soft deletes and restores alike — so no write path of
today or tomorrow can forget them. On PostgreSQL the triggers are per statement over its transition tables
(one grouped upsert per COPY of 100,000 rows); SQLite has only per-row triggers.

What a row contributes is written once, in `CONTRIBUTIONS`; the triggers and `rebuild()` are both made from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction

SOURCE = "services_application"
TABLE = "services_applicationday"
COUNTS = ("accepted", "decided", "decided_on_time")

# (the date column a row is counted on, {count: SQL expression over the row}, extra condition); a row counts only
# while live and only where that date is set. A refusal of acceptance (不予受理) is dated in decided_on but was never
# accepted: it is no 办结 and has no deadline to meet.
CONTRIBUTIONS = (
    ("accepted_on", {"accepted": "1"}, ""),
    (
        "decided_on",
        {"decided": "1", "decided_on_time": "CASE WHEN {row}on_time THEN 1 ELSE 0 END"},
        " AND {row}accepted_on IS NOT NULL",
    ),
)
# A change to any other column leaves the totals as they are.
WATCHED = ("unit_id", "deleted_at", "accepted_on", "decided_on", "on_time")


def _rows_of(row: str, sign: int, source: str = "") -> list[str]:
    """SELECTs giving the signed contributions of the rows named by `row` (`NEW.`, `n.` …) from `source`."""
    selects = []
    for date_column, counts, condition in CONTRIBUTIONS:
        values = ", ".join(
            f"{sign} * ({counts[name].format(row=row)}) AS {name}" if name in counts else f"0 AS {name}"
            for name in COUNTS
        )
        selects.append(
            f"SELECT {row}unit_id AS unit_id, {row}{date_column} AS day, {values} {source} "
            f"WHERE {row}deleted_at IS NULL AND {row}{date_column} IS NOT NULL{condition.format(row=row)}"
        )
    return selects


def _upsert(selects: list[str]) -> str:
    """Add the grouped sum of the contributions to the totals, creating a (unit, day) row where there is none."""
    sums = ", ".join(f"SUM({name})" for name in COUNTS)
    nonzero = " OR ".join(f"SUM({name}) <> 0" for name in COUNTS)
    updates = ", ".join(f"{name} = {TABLE}.{name} + excluded.{name}" for name in COUNTS)
    return (
        f"INSERT INTO {TABLE} (unit_id, day, {', '.join(COUNTS)}) "
        f"SELECT unit_id, day, {sums} FROM ({' UNION ALL '.join(selects)}) AS delta "
        f"GROUP BY unit_id, day HAVING {nonzero} "
        f"ON CONFLICT (unit_id, day) DO UPDATE SET {updates}"
    )


@dataclass(frozen=True)
class Trigger:
    name: str
    statements: tuple[str, ...]  # what creates it
    stored: (
        str  # what the database's catalogue gives back for it: SQLite's CREATE statement, PostgreSQL's function body
    )


def _triggers(vendor: str) -> list[Trigger]:
    events = {"insert": (False, True), "update": (True, True), "delete": (True, False)}  # (old rows, new rows)
    triggers = []
    for event, (has_old, has_new) in events.items():
        name = f"{TABLE}_on_{event}"
        if vendor == "postgresql":
            selects = (_rows_of("o.", -1, "FROM old_rows o") if has_old else []) + (
                _rows_of("n.", 1, "FROM new_rows n") if has_new else []
            )
            tables = " ".join(
                part
                for part in ("OLD TABLE AS old_rows" if has_old else "", "NEW TABLE AS new_rows" if has_new else "")
                if part
            )
            body = f"BEGIN {_upsert(selects)}; RETURN NULL; END"
            triggers.append(
                Trigger(
                    name,
                    (
                        f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
                        f"CREATE TRIGGER {name} AFTER {event.upper()} ON {SOURCE} REFERENCING {tables} "
                        f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                    ),
                    body,
                )
            )
        elif vendor == "sqlite":
            selects = (_rows_of("OLD.", -1) if has_old else []) + (_rows_of("NEW.", 1) if has_new else [])
            when = "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in WATCHED) + " " if event == "update" else ""
            sql = (
                f"CREATE TRIGGER {name} AFTER {event.upper()} ON {SOURCE} FOR EACH ROW "
                f"{when}BEGIN {_upsert(selects)}; END"
            )
            triggers.append(Trigger(name, (sql,), sql))
        else:
            raise NotImplementedError(f"no daily application totals for database {vendor}")
    return triggers


def _installed(cursor, vendor: str) -> dict[str, str]:
    """{name: stored form} of the triggers on the applications table that this module made."""
    if vendor == "postgresql":
        cursor.execute(
            "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
            "WHERE t.tgrelid = to_regclass(%s) AND t.tgname LIKE %s",
            [SOURCE, f"{TABLE}_on_%"],
        )
        return {name: body.strip() for name, body in cursor.fetchall()}
    cursor.execute(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
        [SOURCE, f"{TABLE}_on_%"],
    )
    return dict(cursor.fetchall())


def ensure_triggers(using=None) -> bool:
    """Create or replace the triggers where the database's differ from this module's, then rebuild the totals.

    Run after every migrate: it installs them on a new database, replaces them when this module changes, and
    puts them back where SQLite rebuilt the applications table for a schema change (which drops its triggers).
    Returns whether anything had to change.
    """
    conn = using or connection
    vendor = conn.vendor
    wanted = _triggers(vendor)
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        if SOURCE not in tables or TABLE not in tables:
            return False
        installed = _installed(cursor, vendor)
        if installed == {t.name: t.stored for t in wanted}:
            return False
        for name in set(installed) | {t.name for t in wanted}:
            if vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {SOURCE}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
            else:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
        for trigger in wanted:
            for statement in trigger.statements:
                cursor.execute(statement)
        rebuild(conn)
    return True


def rebuild(using=None) -> None:
    """Recompute every total from the applications table."""
    conn = using or connection
    with conn.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(_upsert(_rows_of("a.", 1, f"FROM {SOURCE} a")))


def count_rows(cursor, source: str, sign: int) -> None:
    """Add (sign 1) or take away (-1) the contributions of the rows of `source`: a year's partition of the
    applications coming back or leaving (fazhi.core.partitions), which no trigger on the table sees."""
    cursor.execute(_upsert(_rows_of("a.", sign, f"FROM {source} a")))
