"""Year partitions of the ledgers that grow with the population, on PostgreSQL (SQLite keeps plain tables).

办件, 好差评 and their history rows are range-partitioned by a date, one partition per year (`<table>_y2026`),
plus a default partition (`<table>_default`) that takes a row of a year that has none yet, so that no write ever
fails for want of a partition. The scheduled job `fazhi.core.tasks.ensure_partitions` creates this year's and
next year's partitions ahead; creating a year moves the rows the default partition holds for it. Which tables are
partitioned, and by what, is read from the database's catalogue (the migrations that partition them use
`fazhi.core.schema.PartitionByYear`); a history row's year is that of its time in settings.TIME_ZONE.

PostgreSQL wants the partition key in every primary key and unique constraint, and a foreign key may only refer
to one of those. A partitioned ledger's primary key is therefore (id, date), and what used to be unique on its
own (the 办件编号; one rating per 办件) and the target of other tables' foreign keys move to the ledger's key
table `<table>_key`: the id as primary key and the once-unique columns under their original constraints, written
by statement triggers on every insert, update, delete and truncate of the ledger, in the same statement. Foreign
keys that referred to the ledger refer to its key table. Django's model state is unchanged: the application
never reads a key table and sees the same IntegrityError as before on a duplicate.

A year is taken out with `detach()` (optionally archived first, in the same transaction: a zip of the
partitions' rows in COPY text format with a manifest), and put back with `attach()`. The key rows of detached
rows stay: their numbers are never reused, and rows elsewhere that point at them (a rating of the next year, a
clock stop) stay valid. Data derived from a ledger's rows by triggers (the per-day 办件 totals) registers with
`register_derived()` and is told when a year's rows leave or come back.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

ARCHIVE_FORMAT = "fazhi-partitions/1"
MANIFEST = "manifest.json"
# Whatever changes partitions takes this lock first: the scheduled job and a command run by hand never race.
LOCK_KEY = 0x6661_7A68  # "fazh"
COPY_CHUNK = 1 << 20


class PartitionError(Exception):
    """A request about partitions that cannot be carried out; the message says why, in Chinese."""


@dataclass(frozen=True)
class Partitioned:
    """A table range-partitioned by year on one date or timestamp column."""

    table: str
    column: str
    timestamp: bool  # timestamp with time zone (a year in settings.TIME_ZONE) rather than date

    def partition(self, year: int) -> str:
        return f"{self.table}_y{year}"

    @property
    def default(self) -> str:
        return f"{self.table}_default"

    @property
    def key(self) -> str:
        return key_table(self.table)

    def start_of(self, year: int) -> str:
        """The SQL literal of the first moment of the year in the partition column's type."""
        if not self.timestamp:
            return f"'{year:04d}-01-01'"
        return "'" + dt.datetime(year, 1, 1, tzinfo=ZoneInfo(settings.TIME_ZONE)).isoformat(" ") + "'"

    def in_year(self, year: int) -> str:
        column = _q(self.column)
        return f"{column} >= {self.start_of(year)} AND {column} < {self.start_of(year + 1)}"

    def bounds(self, year: int) -> str:
        return f"FOR VALUES FROM ({self.start_of(year)}) TO ({self.start_of(year + 1)})"


def key_table(table: str) -> str:
    return f"{table}_key"


_derived: dict[str, list] = {}


def register_derived(table: str, apply) -> None:
    """`apply(cursor, source, sign)` adds (sign 1) or takes away (-1) what the rows of `source`, a year's
    partition of `table`, contribute to data derived from the table by triggers: called before a year is
    detached and after its rows are back, when no trigger on the table sees them go or come."""
    if apply not in _derived.setdefault(table, []):
        _derived[table].append(apply)


def _q(name: str) -> str:
    if not re.fullmatch(r"[a-z_][a-z0-9_]*", name):
        raise PartitionError(f"无效的表名或列名：{name}")
    return f'"{name}"'


def _connection(using):
    return connections[using or DEFAULT_DB_ALIAS]


def is_supported(using=None) -> bool:
    return _connection(using).vendor == "postgresql"


def require_postgresql(using=None):
    if not is_supported(using):
        raise PartitionError("只有 PostgreSQL 数据库按年度分区；SQLite 数据库没有分区")


def _lock(cursor) -> None:
    cursor.execute("SELECT pg_advisory_xact_lock(%s)", [LOCK_KEY])


# -- the catalogue -------------------------------------------------------------------------------------------


def partitioned(cursor) -> list[Partitioned]:
    """The tables partitioned by range on one date or timestamptz column, by name."""
    cursor.execute(
        "SELECT c.relname, a.attname, t.typname = 'timestamptz' "
        "FROM pg_partitioned_table p JOIN pg_class c ON c.oid = p.partrelid "
        "JOIN pg_attribute a ON a.attrelid = p.partrelid AND a.attnum = p.partattrs[0] "
        "JOIN pg_type t ON t.oid = a.atttypid "
        "WHERE p.partstrat = 'r' AND p.partnatts = 1 AND t.typname IN ('date', 'timestamptz') "
        "AND NOT c.relispartition AND pg_table_is_visible(c.oid) ORDER BY c.relname"
    )
    return [Partitioned(*row) for row in cursor.fetchall()]


def _relation(cursor, name: str) -> tuple[bool, str | None] | None:
    """(is a partition, its parent) of a table, or None when there is no such table."""
    cursor.execute(
        "SELECT c.relispartition, (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = c.oid) "
        "FROM pg_class c WHERE c.oid = to_regclass(%s)",
        [name],
    )
    return cursor.fetchone()


def _columns(cursor, table: str) -> list[str]:
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped "
        "ORDER BY attnum",
        [table],
    )
    return [name for (name,) in cursor.fetchall()]


def _column_list(columns: list[str]) -> str:
    return ", ".join(_q(c) for c in columns)


def _constraints(cursor, table: str) -> list[tuple[str, str, str, list[str]]]:
    """(name, kind p/u/f/c/x, definition, columns) of a table's own constraints."""
    cursor.execute(
        "SELECT con.conname, con.contype, pg_get_constraintdef(con.oid), "
        "ARRAY(SELECT a.attname FROM unnest(con.conkey) WITH ORDINALITY k(n, i) "
        "JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.n ORDER BY k.i) "
        "FROM pg_constraint con WHERE con.conrelid = %s::regclass AND con.conparentid = 0 ORDER BY con.conname",
        [table],
    )
    return [(name, kind, definition, list(columns)) for name, kind, definition, columns in cursor.fetchall()]


def _free_indexes(cursor, table: str) -> list[tuple[str, str]]:
    """(name, CREATE INDEX statement) of the table's indexes that back no constraint of its own."""
    cursor.execute(
        "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
        "WHERE i.indrelid = %s::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint con "
        "WHERE con.conindid = i.indexrelid AND con.conrelid = i.indrelid) ORDER BY c.relname",
        [table],
    )
    return cursor.fetchall()


def _incoming(cursor, table: str) -> list[tuple[str, str, str]]:
    """(referring table, constraint name, definition) of the foreign keys that refer to the table."""
    cursor.execute(
        "SELECT con.conrelid::regclass::text, con.conname, pg_get_constraintdef(con.oid) FROM pg_constraint con "
        "WHERE con.contype = 'f' AND con.confrelid = %s::regclass AND con.conparentid = 0 ORDER BY 1, 2",
        [table],
    )
    return cursor.fetchall()


def _retarget(definition: str, old: str, new: str) -> str:
    changed, count = re.subn(rf"REFERENCES (?:public\.)?{re.escape(old)}\(", f"REFERENCES {new}(", definition)
    if count != 1:
        raise PartitionError(f"无法改写外键定义：{definition}")
    return changed


def _sequence_state(cursor, table: str, column: str) -> tuple[str, int, bool] | None:
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    (sequence,) = cursor.fetchone()
    if sequence is None:
        return None
    cursor.execute(f"SELECT last_value, is_called FROM {sequence}")
    last_value, is_called = cursor.fetchone()
    return sequence.removeprefix("public."), last_value, is_called


def _restore_sequence(execute, cursor, table: str, column: str, state) -> None:
    """Give the rebuilt table's identity the old sequence's name and position."""
    if state is None:
        return
    name, last_value, is_called = state
    cursor.execute("SELECT pg_get_serial_sequence(%s, %s)", [table, column])
    (sequence,) = cursor.fetchone()
    if sequence.removeprefix("public.") != name:
        execute(f"ALTER SEQUENCE {sequence} RENAME TO {_q(name)}")
    execute(f"SELECT setval('{name}', {int(last_value)}, {'true' if is_called else 'false'})")


# -- key tables ----------------------------------------------------------------------------------------------

EVENTS = ("insert", "update", "delete", "truncate")


def _key_trigger_sql(table: str, key: str, columns: list[str]) -> list[str]:
    """The statement triggers that keep `key` (columns: id first, then the once-unique ones) equal to the
    projection of `table` onto those columns. An update that moves no key value (every step) leaves it alone."""
    names = _column_list(columns)
    same = " AND ".join(f"o.{_q(c)} = n.{_q(c)}" for c in columns)
    pk = _q(columns[0])
    inserted = f"INSERT INTO {key} ({names}) SELECT {', '.join(f'n.{_q(c)}' for c in columns)} FROM new_rows n"
    removed = f"DELETE FROM {key} k USING old_rows o WHERE k.{pk} = o.{pk}"
    bodies = {
        "insert": ("REFERENCING NEW TABLE AS new_rows", f"{inserted};"),
        "delete": ("REFERENCING OLD TABLE AS old_rows", f"{removed};"),
        "update": (
            "REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows",
            f"{removed} AND NOT EXISTS (SELECT FROM new_rows n WHERE {same}); "
            f"{inserted} WHERE NOT EXISTS (SELECT FROM old_rows o WHERE {same});",
        ),
        # Deleted rather than truncated: the foreign keys to the key table are checked at commit, so emptying
        # the ledger alone still fails while other rows point at it; Django's flush empties them all at once.
        "truncate": ("", f"DELETE FROM {key};"),
    }
    statements = []
    for event, (referencing, body) in bodies.items():
        name = f"{key}_on_{event}"
        statements += [
            f"CREATE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body} RETURN NULL; END $$",
            f"CREATE TRIGGER {name} AFTER {event.upper()} ON {table} {referencing} "
            f"FOR EACH STATEMENT EXECUTE FUNCTION {name}()",
        ]
    return statements


def _key_columns(cursor, key: str) -> list[str] | None:
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [key])
    return _columns(cursor, key) if cursor.fetchone()[0] else None


# -- the migration: a plain table becomes partitioned, and back ----------------------------------------------

LIKE = "INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING IDENTITY INCLUDING GENERATED INCLUDING STORAGE"


def partition_table(schema_editor, table: str, column: str) -> None:
    """Rebuild a plain table as one range-partitioned by year on `column`, rows, names and sequence kept.

    Primary key (id, column); the indexes and foreign keys as they were, under their names (the indexes become
    partitioned ones); unique constraints without the column and the targets of other tables' foreign keys move
    to the key table. A partition for every year the rows have, this year and next, and the default.
    """
    execute = schema_editor.execute
    with schema_editor.connection.cursor() as cursor:
        constraints = _constraints(cursor, table)
        indexes = _free_indexes(cursor, table)
        incoming = _incoming(cursor, table)
        if any(definition.startswith("CREATE UNIQUE") for _, definition in indexes):
            raise PartitionError(f"{table}：唯一索引须先改为唯一约束才能分区")
        if any(kind == "x" for _, kind, _, _ in constraints):
            raise PartitionError(f"{table}：排除约束不能随表分区")
        [(pk_name, _, _, [pk])] = [c for c in constraints if c[1] == "p"]
        uniques = [c for c in constraints if c[1] == "u" and column not in c[3]]
        foreign = [c for c in constraints if c[1] == "f"]
        key_columns = [pk] + list(dict.fromkeys(name for c in uniques for name in c[3]))
        cursor.execute(
            "SELECT attname, format_type(atttypid, atttypmod), attnotnull FROM pg_attribute "
            "WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped",
            [table],
        )
        types = {name: (kind, not_null) for name, kind, not_null in cursor.fetchall()}
        sequence = _sequence_state(cursor, table, pk)
        spec = Partitioned(table, column, types[column][0] == "timestamp with time zone")
        year = f"{_q(column)} AT TIME ZONE '{settings.TIME_ZONE}'" if spec.timestamp else _q(column)
        cursor.execute(f"SELECT DISTINCT extract(year FROM {year})::int FROM {table}")
        today = timezone.localdate()
        years = sorted({y for (y,) in cursor.fetchall() if y is not None} | {today.year, today.year + 1})

    new = f"{table}__partitioned"
    for referring, name, _ in incoming:
        execute(f"ALTER TABLE {referring} DROP CONSTRAINT {_q(name)}")
    execute(f"CREATE TABLE {new} (LIKE {table} {LIKE}) PARTITION BY RANGE ({_q(column)})")
    for y in years:
        execute(f"CREATE TABLE {spec.partition(y)} PARTITION OF {new} {spec.bounds(y)}")
    execute(f"CREATE TABLE {spec.default} PARTITION OF {new} DEFAULT")
    execute(f"INSERT INTO {new} SELECT * FROM {table}")
    keyed = len(key_columns) > 1 or bool(incoming)
    if keyed:
        definitions = ", ".join(f"{_q(c)} {types[c][0]}{' NOT NULL' if types[c][1] else ''}" for c in key_columns)
        execute(f"CREATE TABLE {spec.key} ({definitions})")
        execute(f"INSERT INTO {spec.key} SELECT {_column_list(key_columns)} FROM {table}")
    execute(f"DROP TABLE {table}")
    execute(f"ALTER TABLE {new} RENAME TO {table}")
    with schema_editor.connection.cursor() as cursor:
        _restore_sequence(execute, cursor, table, pk, sequence)
    execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(pk_name)} PRIMARY KEY ({_q(pk)}, {_q(column)})")
    for _, definition in indexes:
        execute(definition)
    for name, _, definition, _ in foreign:
        execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
    if keyed:
        execute(f"ALTER TABLE {spec.key} ADD CONSTRAINT {_q(spec.key + '_pkey')} PRIMARY KEY ({_q(pk)})")
        for name, _, definition, _ in uniques:
            execute(f"ALTER TABLE {spec.key} ADD CONSTRAINT {_q(name)} {definition}")
        for statement in _key_trigger_sql(table, spec.key, key_columns):
            execute(statement)
        for referring, name, definition in incoming:
            execute(f"ALTER TABLE {referring} ADD CONSTRAINT {_q(name)} {_retarget(definition, table, spec.key)}")
    execute(f"ANALYZE {table}")


def unpartition_table(schema_editor, table: str) -> None:
    """The reverse of `partition_table`: the plain table again, with every row of its attached partitions, its
    key table's unique constraints and the foreign keys to it. Detached years stay as tables of their own."""
    execute = schema_editor.execute
    key = key_table(table)
    with schema_editor.connection.cursor() as cursor:
        constraints = _constraints(cursor, table)
        indexes = _free_indexes(cursor, table)
        [(pk_name, _, _, [pk, _column])] = [c for c in constraints if c[1] == "p"]
        foreign = [c for c in constraints if c[1] == "f"]
        key_columns = _key_columns(cursor, key)
        uniques = [c for c in _constraints(cursor, key) if c[1] == "u"] if key_columns else []
        incoming = _incoming(cursor, key) if key_columns else []
        sequence = _sequence_state(cursor, table, pk)

    new = f"{table}__plain"
    for referring, name, _ in incoming:
        execute(f"ALTER TABLE {referring} DROP CONSTRAINT {_q(name)}")
    execute(f"CREATE TABLE {new} (LIKE {table} {LIKE})")
    execute(f"INSERT INTO {new} SELECT * FROM {table}")
    execute(f"DROP TABLE {table}")
    if key_columns:
        execute(f"DROP TABLE {key}")
        for event in EVENTS:
            execute(f"DROP FUNCTION IF EXISTS {key}_on_{event}()")
    execute(f"ALTER TABLE {new} RENAME TO {table}")
    with schema_editor.connection.cursor() as cursor:
        _restore_sequence(execute, cursor, table, pk, sequence)
    execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(pk_name)} PRIMARY KEY ({_q(pk)})")
    for name, _, definition, _ in uniques:
        execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
    for _, definition in indexes:
        execute(definition.replace(" ON ONLY ", " ON ", 1))
    for name, _, definition, _ in foreign:
        execute(f"ALTER TABLE {table} ADD CONSTRAINT {_q(name)} {definition}")
    for referring, name, definition in incoming:
        execute(f"ALTER TABLE {referring} ADD CONSTRAINT {_q(name)} {_retarget(definition, key, table)}")
    execute(f"ANALYZE {table}")


# -- years: create ahead, list, detach, attach ---------------------------------------------------------------


def _move_from_default(cursor, spec: Partitioned, year: int, target: str) -> int:
    """Move the default partition's rows of `year` into `target`, a table not yet attached. Rows move between
    partitions, never through the partitioned table: its triggers (key table, derived totals) see nothing,
    which is right, since the rows stay in the ledger."""
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [spec.default])
    if not cursor.fetchone()[0]:
        return 0
    columns = _column_list(_columns(cursor, spec.table))
    cursor.execute(
        f"WITH moved AS (DELETE FROM {spec.default} WHERE {spec.in_year(year)} RETURNING {columns}) "
        f"INSERT INTO {target} ({columns}) SELECT {columns} FROM moved"
    )
    return cursor.rowcount


def _create_year(cursor, spec: Partitioned, year: int) -> bool:
    name = spec.partition(year)
    found = _relation(cursor, name)
    if found is not None:
        if found[0]:
            return False
        raise PartitionError(f"表 {name} 已存在但已从 {spec.table} 分离；请先挂回（attach）或删除它")
    cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [spec.default])
    stray = False
    if cursor.fetchone()[0]:
        cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {spec.default} WHERE {spec.in_year(year)})")
        stray = cursor.fetchone()[0]
    if not stray:
        cursor.execute(f"CREATE TABLE {name} PARTITION OF {spec.table} {spec.bounds(year)}")
        return True
    cursor.execute(f"CREATE TABLE {name} (LIKE {spec.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
    _move_from_default(cursor, spec, year, name)
    cursor.execute(f"ALTER TABLE {spec.table} ATTACH PARTITION {name} {spec.bounds(year)}")
    return True


def ensure(years=None, using=None) -> list[str]:
    """Create the partitions of `years` (default: this year and next) and the default partitions that are missing,
    for every partitioned table; the names created. Nothing on SQLite."""
    if not is_supported(using):
        return []
    today = timezone.localdate()
    years = sorted(set(years or (today.year, today.year + 1)))
    conn = _connection(using)
    created = []
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        _lock(cursor)
        for spec in partitioned(cursor):
            if _relation(cursor, spec.default) is None:
                cursor.execute(f"CREATE TABLE {spec.default} PARTITION OF {spec.table} DEFAULT")
                created.append(spec.default)
            created += [spec.partition(y) for y in years if _create_year(cursor, spec, y)]
    return created


def analyze(using=None) -> None:
    """ANALYZE every partitioned table: autovacuum analyzes the partitions but never the partitioned table as a
    whole, whose statistics the planner uses for estimates across partitions (groups, joins)."""
    if not is_supported(using):
        return
    with _connection(using).cursor() as cursor:
        for spec in partitioned(cursor):
            cursor.execute(f"ANALYZE {spec.table}")


@dataclass
class PartitionInfo:
    table: str
    name: str
    bounds: str  # as PostgreSQL states them; "已分离" for a detached year
    rows: int | None  # the planner's estimate (None: never analyzed)
    bytes: int


def overview(using=None) -> list[PartitionInfo]:
    """Every partition of every partitioned table, and the detached years still in the database."""
    require_postgresql(using)
    rows = []
    with _connection(using).cursor() as cursor:
        for spec in partitioned(cursor):
            cursor.execute(
                "SELECT c.relname, pg_get_expr(c.relpartbound, c.oid), c.reltuples, pg_total_relation_size(c.oid) "
                "FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = %s::regclass "
                "UNION ALL SELECT c.relname, '已分离', c.reltuples, pg_total_relation_size(c.oid) FROM pg_class c "
                "WHERE c.relname ~ %s AND c.relkind = 'r' AND NOT c.relispartition AND pg_table_is_visible(c.oid) "
                "ORDER BY 1",
                [spec.table, f"^{re.escape(spec.table)}_y[0-9]{{4}}$"],
            )
            rows += [
                PartitionInfo(spec.table, name, bounds, None if estimate < 0 else int(estimate), size)
                for name, bounds, estimate, size in cursor.fetchall()
            ]
    return rows


def _year_partitions(cursor, year: int, attached: bool) -> list[tuple[Partitioned, str]]:
    found = []
    for spec in partitioned(cursor):
        relation = _relation(cursor, spec.partition(year))
        if relation is not None and relation[0] == attached and (not attached or relation[1] == spec.table):
            found.append((spec, spec.partition(year)))
    return found


@dataclass
class Detached:
    partitions: dict[str, int]  # {partition: rows}
    pointing: dict[str, int]  # {table: rows elsewhere that point at the detached rows through a key table}
    archive: Path | None
    dropped: bool


def detach(year: int, archive=None, drop: bool = False, using=None) -> Detached:
    """Take a year's partitions out of every partitioned table, in one transaction: their writes wait meanwhile.

    `archive`: first write the rows to this file (a zip: manifest.json and one COPY text file per partition);
    the file is complete before anything is detached. `drop`: drop the detached tables (only with an archive);
    without it they stay in the database as tables of their own, to be attached again or dropped later.
    """
    require_postgresql(using)
    if drop and archive is None:
        raise PartitionError("删除分离的分区前必须先归档（--archive）")
    conn = _connection(using)
    written = None
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        _lock(cursor)
        found = _year_partitions(cursor, year, attached=True)
        if not found:
            raise PartitionError(f"没有 {year} 年的分区")
        # Writes to these partitions wait until the commit: no row can come in after it was copied.
        cursor.execute(f"LOCK TABLE {', '.join(name for _, name in found)} IN SHARE MODE")
        counts = {}
        for _, name in found:
            cursor.execute(f"SELECT count(*) FROM {name}")
            counts[name] = cursor.fetchone()[0]
        if archive is not None:
            written = _write_archive(cursor, year, found, Path(archive), counts)
        pointing = {}
        for spec, name in found:
            for apply in _derived.get(spec.table, ()):
                apply(cursor, name, -1)
            cursor.execute(f"ALTER TABLE {spec.table} DETACH PARTITION {name}")
        for spec, name in found:
            if _key_columns(cursor, spec.key) is None:
                continue
            pk = _columns(cursor, spec.key)[0]
            for referring, _, definition in _incoming(cursor, spec.key):
                [column] = re.findall(r"FOREIGN KEY \((\w+)\)", definition)
                cursor.execute(f"SELECT count(*) FROM {referring} WHERE {_q(column)} IN (SELECT {_q(pk)} FROM {name})")
                if left := cursor.fetchone()[0]:
                    pointing[referring] = pointing.get(referring, 0) + left
        if drop:
            conn.check_constraints()  # a table with foreign key checks still pending cannot be dropped
            cursor.execute(f"DROP TABLE {', '.join(name for _, name in found)}")
    return Detached(counts, pointing, written, drop)


def _write_archive(cursor, year: int, found, target: Path, counts: dict) -> Path:
    if target.suffix != ".zip":
        target = target.with_name(target.name + ".zip")
    handle, partial = tempfile.mkstemp(dir=target.parent, suffix=".zip")
    os.close(handle)
    try:
        entries = []
        with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
            for spec, name in found:
                columns = _columns(cursor, spec.table)
                rows = 0
                with (
                    archive.open(f"{name}.copy", "w", force_zip64=True) as out,
                    cursor.cursor.copy(f"COPY {name} ({_column_list(columns)}) TO STDOUT") as copy,
                ):
                    for data in copy:
                        chunk = bytes(data)
                        rows += chunk.count(b"\n")  # COPY's text format escapes newlines inside values
                        out.write(chunk)
                if rows != counts[name]:
                    raise PartitionError(f"{name}：归档 {rows} 行，表中 {counts[name]} 行")
                entries.append(
                    {"table": spec.table, "column": spec.column, "partition": name, "columns": columns, "rows": rows}
                )
            manifest = {
                "format": ARCHIVE_FORMAT,
                "year": year,
                "written_at": timezone.now().isoformat(),
                "time_zone": settings.TIME_ZONE,
                "partitions": entries,
            }
            archive.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=1))
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)
    return target


def read_manifest(path) -> dict:
    try:
        with zipfile.ZipFile(path) as archive:
            manifest = json.loads(archive.read(MANIFEST))
    except (OSError, KeyError, ValueError, zipfile.BadZipFile) as error:
        raise PartitionError(f"不是分区归档文件：{path}（{error}）") from None
    if manifest.get("format") != ARCHIVE_FORMAT:
        raise PartitionError(f"不认识的归档格式：{manifest.get('format')}")
    return manifest


def attach(year: int, archive=None, using=None) -> dict[str, int]:
    """Put a detached year back: the tables still in the database, or first loaded from an archive written by
    `detach`. Rows the default partition took for that year meanwhile join them. {partition: rows}."""
    require_postgresql(using)
    conn = _connection(using)
    with transaction.atomic(using=conn.alias), conn.cursor() as cursor:
        _lock(cursor)
        if archive is not None:
            _load_archive(cursor, year, Path(archive))
        found = _year_partitions(cursor, year, attached=False)
        if not found:
            raise PartitionError(f"没有已分离的 {year} 年分区")
        counts = {}
        for spec, name in found:
            cursor.execute(f"SELECT count(*) FROM {name}")
            counts[name] = cursor.fetchone()[0]
            key_columns = _key_columns(cursor, spec.key)
            if key_columns:
                # Back in the ledger: their key rows, unless kept since they were detached.
                names = _column_list(key_columns)
                pk = _q(key_columns[0])
                cursor.execute(
                    f"INSERT INTO {spec.key} ({names}) SELECT {names} FROM {name} r "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {spec.key} k WHERE k.{pk} = r.{pk})"
                )
            for apply in _derived.get(spec.table, ()):
                apply(cursor, name, 1)
            _move_from_default(cursor, spec, year, name)
            cursor.execute(f"ALTER TABLE {spec.table} ATTACH PARTITION {name} {spec.bounds(year)}")
    return counts


def _load_archive(cursor, year: int, path: Path) -> None:
    manifest = read_manifest(path)
    if manifest["year"] != year:
        raise PartitionError(f"归档文件是 {manifest['year']} 年的，不是 {year} 年的")
    tables = {spec.table: spec for spec in partitioned(cursor)}
    with zipfile.ZipFile(path) as archive:
        for entry in manifest["partitions"]:
            spec = tables.get(entry["table"])
            if spec is None or spec.partition(year) != entry["partition"]:
                raise PartitionError(f"数据库中没有按年度分区的表 {entry['table']}")
            if _relation(cursor, entry["partition"]) is not None:
                raise PartitionError(f"表 {entry['partition']} 已存在，不能从归档恢复")
            columns = _columns(cursor, spec.table)
            if entry["columns"] != columns:
                raise PartitionError(f"{spec.table} 的列与归档时不同，不能直接恢复")
            name = entry["partition"]
            cursor.execute(f"CREATE TABLE {name} (LIKE {spec.table} INCLUDING DEFAULTS INCLUDING CONSTRAINTS)")
            with (
                archive.open(f"{name}.copy") as source,
                cursor.cursor.copy(f"COPY {name} ({_column_list(columns)}) FROM STDIN") as copy,
            ):
                while chunk := source.read(COPY_CHUNK):
                    copy.write(chunk)
            cursor.execute(f"SELECT count(*) FROM {name}")
            if cursor.fetchone()[0] != entry["rows"]:
                raise PartitionError(f"{name}：归档记载 {entry['rows']} 行，读出的行数不同")
