"""Per unit and day totals of the 政务服务 ledgers that grow with the population.

- 办件 (`services_applicationday`): live applications accepted, decided, and decided on time that day;
- 好差评 (`services_ratingday`): live ratings given that day, good ones, bad ones, bad ones rectified;
- 电子监察 (`services_supervisioncardday`): yellow and red cards issued that day.

The 政务服务 metrics and the figures page's monthly charts read these totals (at most units × days rows) instead of
scanning a province's ten million 办件, two million ratings and a million cards on every view. Database triggers
keep them in the same transaction as every write to the counted table — ORM saves, bulk inserts, COPY, queryset
updates, soft deletes and restores alike — so no write path of today or tomorrow can forget them. On PostgreSQL
the triggers are per statement over its transition tables (one grouped upsert per COPY of 100,000 rows); SQLite
has only per-row triggers.

What a row contributes is written once per table, in its `Totals`; the triggers and `rebuild()` are both made
from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection, transaction


@dataclass(frozen=True)
class Totals:
    """The per unit and day totals of one table."""

    source: str  # the table counted
    table: str  # the totals, unique on (unit_id, day)
    counts: tuple[str, ...]
    # (the date column a row is counted on, {count: SQL expression over the row}, extra condition); a row counts
    # only where that date is set, and only while live when the table has a recycle bin (`soft_deleted`).
    contributions: tuple[tuple[str, dict[str, str], str], ...]
    watched: tuple[str, ...]  # a change to any other column leaves the totals as they are
    soft_deleted: bool = True

    def rows_of(self, row: str, sign: int, source: str = "") -> list[str]:
        """SELECTs giving the signed contributions of the rows named by `row` (`NEW.`, `n.` …) from `source`."""
        selects = []
        live = f"{row}deleted_at IS NULL AND " if self.soft_deleted else ""
        for date_column, counts, condition in self.contributions:
            values = ", ".join(
                f"{sign} * ({counts[name].format(row=row)}) AS {name}" if name in counts else f"0 AS {name}"
                for name in self.counts
            )
            selects.append(
                f"SELECT {row}unit_id AS unit_id, {row}{date_column} AS day, {values} {source} "
                f"WHERE {live}{row}{date_column} IS NOT NULL{condition.format(row=row)}"
            )
        return selects

    def upsert(self, selects: list[str]) -> str:
        """Add the grouped sum of the contributions to the totals, creating a (unit, day) row where there is none."""
        sums = ", ".join(f"SUM({name})" for name in self.counts)
        nonzero = " OR ".join(f"SUM({name}) <> 0" for name in self.counts)
        updates = ", ".join(f"{name} = {self.table}.{name} + excluded.{name}" for name in self.counts)
        return (
            f"INSERT INTO {self.table} (unit_id, day, {', '.join(self.counts)}) "
            f"SELECT unit_id, day, {sums} FROM ({' UNION ALL '.join(selects)}) AS delta "
            f"GROUP BY unit_id, day HAVING {nonzero} "
            f"ON CONFLICT (unit_id, day) DO UPDATE SET {updates}"
        )

    def triggers(self, vendor: str) -> list[Trigger]:
        events = {"insert": (False, True), "update": (True, True), "delete": (True, False)}  # (old rows, new rows)
        triggers = []
        for event, (has_old, has_new) in events.items():
            name = f"{self.table}_on_{event}"
            if vendor == "postgresql":
                selects = (self.rows_of("o.", -1, "FROM old_rows o") if has_old else []) + (
                    self.rows_of("n.", 1, "FROM new_rows n") if has_new else []
                )
                tables = " ".join(
                    part
                    for part in ("OLD TABLE AS old_rows" if has_old else "", "NEW TABLE AS new_rows" if has_new else "")
                    if part
                )
                body = f"BEGIN {self.upsert(selects)}; RETURN NULL; END"
                triggers.append(
                    Trigger(
                        name,
                        (
                            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ {body} $$",
                            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {self.source} REFERENCING {tables} "
                            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
                        ),
                        body,
                    )
                )
            elif vendor == "sqlite":
                selects = (self.rows_of("OLD.", -1) if has_old else []) + (self.rows_of("NEW.", 1) if has_new else [])
                when = (
                    "WHEN " + " OR ".join(f"OLD.{c} IS NOT NEW.{c}" for c in self.watched) + " "
                    if event == "update"
                    else ""
                )
                sql = (
                    f"CREATE TRIGGER {name} AFTER {event.upper()} ON {self.source} FOR EACH ROW "
                    f"{when}BEGIN {self.upsert(selects)}; END"
                )
                triggers.append(Trigger(name, (sql,), sql))
            else:
                raise NotImplementedError(f"no daily totals for database {vendor}")
        return triggers

    def installed(self, cursor, vendor: str) -> dict[str, str]:
        """{name: stored form} of the triggers on the counted table that this module made for these totals."""
        if vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE t.tgrelid = to_regclass(%s) AND t.tgname LIKE %s",
                [self.source, f"{self.table}_on_%"],
            )
            return {name: body.strip() for name, body in cursor.fetchall()}
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = %s AND name LIKE %s",
            [self.source, f"{self.table}_on_%"],
        )
        return dict(cursor.fetchall())

    def rebuild(self, using=None) -> None:
        """Recompute every total from the counted table."""
        conn = using or connection
        with conn.cursor() as cursor:
            cursor.execute(f"DELETE FROM {self.table}")
            cursor.execute(self.upsert(self.rows_of("a.", 1, f"FROM {self.source} a")))

    def count_rows(self, cursor, source: str, sign: int) -> None:
        """Add (sign 1) or take away (-1) the contributions of the rows of `source`: a year's partition of the
        counted table coming back or leaving (fazhi.core.partitions), which no trigger on the table sees."""
        cursor.execute(self.upsert(self.rows_of("a.", sign, f"FROM {source} a")))


@dataclass(frozen=True)
class Trigger:
    name: str
    statements: tuple[str, ...]  # what creates it
    stored: (
        str  # what the database's catalogue gives back for it: SQLite's CREATE statement, PostgreSQL's function body
    )


# A refusal of acceptance (不予受理) is dated in decided_on but was never accepted: it is no 办结 and has no deadline
# to meet.
APPLICATIONS = Totals(
    source="services_application",
    table="services_applicationday",
    counts=("accepted", "decided", "decided_on_time"),
    contributions=(
        ("accepted_on", {"accepted": "1"}, ""),
        (
            "decided_on",
            {"decided": "1", "decided_on_time": "CASE WHEN {row}on_time THEN 1 ELSE 0 END"},
            " AND {row}accepted_on IS NOT NULL",
        ),
    ),
    watched=("unit_id", "deleted_at", "accepted_on", "decided_on", "on_time"),
)
# Good: 3 stars or more; bad (差评, to be rectified): 1–2 stars (Rating.is_bad).
RATINGS = Totals(
    source="services_rating",
    table="services_ratingday",
    counts=("rated", "good", "bad", "bad_rectified"),
    contributions=(
        (
            "rated_on",
            {
                "rated": "1",
                "good": "CASE WHEN {row}stars >= 3 THEN 1 ELSE 0 END",
                "bad": "CASE WHEN {row}stars <= 2 THEN 1 ELSE 0 END",
                "bad_rectified": "CASE WHEN {row}stars <= 2 AND {row}rectified_on IS NOT NULL THEN 1 ELSE 0 END",
            },
            "",
        ),
    ),
    watched=("unit_id", "deleted_at", "rated_on", "stars", "rectified_on"),
)
# Cards are history, never deleted to a recycle bin (fazhi.services.cards).
CARDS = Totals(
    source="services_supervisioncard",
    table="services_supervisioncardday",
    counts=("yellow", "red"),
    contributions=(
        (
            "issued_on",
            {
                "yellow": "CASE WHEN {row}colour = 'yellow' THEN 1 ELSE 0 END",
                "red": "CASE WHEN {row}colour = 'red' THEN 1 ELSE 0 END",
            },
            "",
        ),
    ),
    watched=("unit_id", "issued_on", "colour"),
    soft_deleted=False,
)
ALL = (APPLICATIONS, RATINGS, CARDS)


def ensure_triggers(using=None) -> bool:
    """Create or replace the triggers where the database's differ from this module's, then rebuild those totals.

    Run after every migrate: it installs them on a new database, replaces them when this module changes, and
    puts them back where SQLite rebuilt a counted table for a schema change (which drops its triggers).
    Returns whether anything had to change.
    """
    conn = using or connection
    vendor = conn.vendor
    changed = False
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        tables = conn.introspection.table_names(cursor)
        for totals in ALL:
            if totals.source not in tables or totals.table not in tables:
                continue
            wanted = totals.triggers(vendor)
            installed = totals.installed(cursor, vendor)
            if installed == {t.name: t.stored for t in wanted}:
                continue
            for name in set(installed) | {t.name for t in wanted}:
                if vendor == "postgresql":
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {totals.source}")
                    cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
                else:
                    cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
            for trigger in wanted:
                for statement in trigger.statements:
                    cursor.execute(statement)
            totals.rebuild(conn)
            changed = True
    return changed
