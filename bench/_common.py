"""Shared helpers for the benchmarks in bench/ (see docs/architecture.md, "Benchmarks").

Every benchmark has the same face:

    python bench/NAME.py [--scale S] [--db sqlite|postgres] [--seed N] [--repeat N]

and uses this module in four steps:

    args = parse_args("what this benchmark measures")
    setup(args, "NAME")               # env vars, django.setup(), migrate, build the demo city once
    best, value = best_of(fn, n=args.repeat)
    result(page_s=best, ratio=best / baseline, rows=...)   # the last line: RESULT key=value ...

Data: the demo city of `fazhi.demo.generator.DemoBuilder(seed, scale)` (scale 1 = 1,000,000 applications),
built once into a database of its own and reused on every later run:
- sqlite:   bench/.data/<dataset>-s<scale>-seed<seed>.sqlite3
- postgres: the database in DATABASE_URL if set (it must be empty or hold this very dataset), else the
            local throwaway server of scripts/pg-local.sh with a database bench_<dataset>_s<scale>_<seed>
            (created when missing).
A finished build writes a row in the marker table `bench_dataset`; a database without the marker is an
unfinished build: one of ours is wiped and rebuilt, a user-given one is refused rather than overwritten.

Above scale 1 (a province: `--scale 10` is 10,000,000 applications) the Python builder would take hours, so the
demo city is built with every ledger at a city's volume except 政务服务, which DemoBuilder makes at a tenth of a city
(SERVICES_BASE_SCALE), and its 办件 — with their 好差评, 红黄牌, clock stops, missing documents and history rows —
are then copied in SQL (`_multiply_services`) until the scale is reached, before the later demo steps run (the
assessment of the demo year sees every copy). Each copy is the base rows again with new ids (past the sequence,
which is moved on), its own 办件编号 (the demo's counter continued: YC2025 + 8 digits) and the same dates, units
and items, so every ledger invariant that holds of a base row holds of its copies, and the per-day totals are kept
by the table's own triggers. The copies stay in the demo year: a province's year of 办件 in one year partition.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import os
import re
import resource
import sqlite3
import statistics
import subprocess
import sys
import time
import tracemalloc
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BENCH_DIR = Path(__file__).resolve().parent
ROOT = BENCH_DIR.parent
DATA_DIR = BENCH_DIR / ".data"
MARKER_TABLE = "bench_dataset"
DEFAULT_SEED = 2026
# Above this scale the 办件 are copied in SQL (see the module's docstring), from a base of SERVICES_BASE_SCALE
# made by DemoBuilder; the other ledgers keep a city's volume (OTHER_LEDGERS_SCALE).
PROVINCE_ABOVE_SCALE = 1.0
SERVICES_BASE_SCALE = 0.1
OTHER_LEDGERS_SCALE = 1.0
COPIES_PER_STATEMENT = 10  # one INSERT … SELECT per this many copies: the triggers' transition tables stay small

# -- output --------------------------------------------------------------------------------------------


def say(*parts) -> None:
    """A human-readable line, flushed at once so progress shows while a long build runs."""
    print(*parts, flush=True)


def _format(value) -> str:
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return f"{value:.6g}"
    return re.sub(r"\s+", "_", str(value))


def result(**figures) -> None:
    """Print the last line of a benchmark: `RESULT key=value key=value …` (floats to 6 significant digits)."""
    print("RESULT " + " ".join(f"{key}={_format(value)}" for key, value in figures.items()), flush=True)


# -- arguments -----------------------------------------------------------------------------------------


def parse_args(description: str = "", extra=None, argv=None) -> argparse.Namespace:
    """The common face: --scale (1 = the volume the issue names), --db, --seed, --repeat.

    `extra(parser)` may add a benchmark's own options.
    """
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--scale", type=float, default=1.0, help="data volume; 1 = 1,000,000 applications (default 1)")
    parser.add_argument(
        "--db", choices=["sqlite", "postgres"], default="sqlite", help="database backend (default sqlite)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help=f"demo data seed (default {DEFAULT_SEED})")
    parser.add_argument("--repeat", type=int, default=5, help="timings are the best of this many runs (default 5)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args(argv)
    if args.scale <= 0:
        parser.error("--scale must be positive")
    if args.repeat < 1:
        parser.error("--repeat must be at least 1")
    return args


# -- timing and memory ---------------------------------------------------------------------------------


def best_of(fn, n: int = 5, warmup: int = 1):
    """Run `fn` `warmup` times untimed, then `n` times; return (best seconds, the last return value)."""
    value = None
    for _ in range(warmup):
        value = fn()
    best = float("inf")
    for _ in range(n):
        start = time.perf_counter()
        value = fn()
        best = min(best, time.perf_counter() - start)
    return best, value


def interleaved(cases: dict, n: int = 5, warmup: int = 1) -> dict[str, list[float]]:
    """{name: [seconds of each round]} of cases that take turns, one run of each per round, `warmup` rounds untimed.

    Each case is a callable returning the seconds it measured (untimed preparation stays out of them). Taking
    turns puts the cases that a ratio compares under the same conditions: a machine that slows down for a
    while slows all of them, where running one case n times and then the other would charge it to one side.
    The rounds line up, so a ratio can also be taken round by round (see `paired_median`).
    """
    seconds = {name: [] for name in cases}
    for round_ in range(warmup + n):
        for name, case in cases.items():
            elapsed = case()
            if round_ >= warmup:
                seconds[name].append(elapsed)
    return seconds


def paired_median(measured: list[float], baseline: list[float]) -> float:
    """The median over rounds of measured / baseline, each pair taken in the same round."""
    return statistics.median(m / b for m, b in zip(measured, baseline))


def commit_time_checks():
    """Run now the foreign-key checks PostgreSQL defers to COMMIT, which a rolled-back timed run never reaches."""
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def timed(fn):
    """One run: (seconds, return value)."""
    start = time.perf_counter()
    value = fn()
    return time.perf_counter() - start, value


@contextlib.contextmanager
def stopwatch():
    """`with stopwatch() as t: ...` then `t()` is the elapsed seconds (frozen at exit)."""
    start = time.perf_counter()
    end = None

    def elapsed():
        return (end if end is not None else time.perf_counter()) - start

    try:
        yield elapsed
    finally:
        end = time.perf_counter()


def peak_rss_mib() -> float:
    """Peak resident memory of this process so far, in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def traced_peak_mib(fn):
    """Python-heap peak (tracemalloc) while `fn` runs: (peak MiB, return value). Slows `fn`; don't time it."""
    already = tracemalloc.is_tracing()
    if not already:
        tracemalloc.start()
    tracemalloc.reset_peak()
    base = tracemalloc.get_traced_memory()[0]
    try:
        value = fn()
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        if not already:
            tracemalloc.stop()
    return (peak - base) / (1024 * 1024), value


class QueryTimer:
    """Counts and times the SQL a block of code executes (django.db.connection.execute_wrapper)."""

    def __init__(self, connection=None):
        if connection is None:
            from django.db import connection
        self.connection = connection
        self.seconds = 0.0
        self.queries = 0
        self.detailed: list[tuple[float, str, object]] = []  # (seconds, sql, params) per statement

    def __call__(self, execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent = time.perf_counter() - start
            self.seconds += spent
            self.queries += 1
            self.detailed.append((spent, sql, params))

    def __enter__(self):
        self._cm = self.connection.execute_wrapper(self)
        self._cm.__enter__()
        return self

    def __exit__(self, *exc):
        return self._cm.__exit__(*exc)


# -- database ------------------------------------------------------------------------------------------


def _scale_tag(scale: float) -> str:
    return f"{scale:g}".replace(".", "p").replace("-", "m")


def dataset_key(dataset: str, scale: float, seed: int) -> str:
    return f"{dataset}-s{_scale_tag(scale)}-seed{seed}"


def _pg_name(dataset: str, scale: float, seed: int) -> str:
    name = re.sub(r"[^a-z0-9_]", "_", f"bench_{dataset}_s{_scale_tag(scale)}_{seed}".lower())
    return name[:63]


def _with_db(url: str, dbname: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, "/" + dbname, parts.query, parts.fragment))


def local_postgres_url() -> str:
    """Start (or reuse) the throwaway server of scripts/pg-local.sh; its DATABASE_URL is its last line."""
    done = subprocess.run(["bash", str(ROOT / "scripts" / "pg-local.sh"), "start"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"scripts/pg-local.sh failed:\n{done.stderr}")
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    return lines[-1].strip()


def _pg_connect(url: str):
    import psycopg

    return psycopg.connect(url, autocommit=True)


def _pg_has_marker(url: str, key: str) -> tuple[bool, bool]:
    """(marker for `key` present, database has any tables of ours)."""
    with _pg_connect(url) as conn:
        tables = {row[0] for row in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")}
        if MARKER_TABLE in tables:
            found = conn.execute(f"SELECT 1 FROM {MARKER_TABLE} WHERE key = %s", [key]).fetchone()
            if found:
                return True, True
        populated = False
        if "org_unit" in tables:
            populated = conn.execute("SELECT EXISTS (SELECT 1 FROM org_unit)").fetchone()[0]
        return False, populated


def _pg_recreate(server_url: str, dbname: str, drop: bool) -> None:
    with _pg_connect(_with_db(server_url, "postgres")) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [dbname]).fetchone()
        if exists and drop:
            conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
            exists = None
        if not exists:
            conn.execute(f'CREATE DATABASE "{dbname}"')


def _sqlite_has_marker(path: Path, key: str) -> bool:
    if not path.exists():
        return False
    conn = sqlite3.connect(path)
    try:
        row = conn.execute(f"SELECT 1 FROM {MARKER_TABLE} WHERE key = ?", [key]).fetchone()
        return row is not None
    except sqlite3.Error:
        return False
    finally:
        conn.close()


def _sqlite_remove(path: Path) -> None:
    for suffix in ("", "-wal", "-shm", "-journal"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


@contextlib.contextmanager
def _lock(key: str):
    """Two benchmarks started together must not build the same database twice."""
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    with open(DATA_DIR / f"{key}.lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _throttled_log(every: float = 15.0):
    """DemoBuilder logs every 5,000 rows; at scale 1 print progress at most every `every` seconds."""
    start = time.perf_counter()
    last = [-every]

    def log(message: str) -> None:
        now = time.perf_counter() - start
        progress = re.match(r"^办件：(\d+)/(\d+)$", message)
        if progress and progress.group(1) != progress.group(2) and now - last[0] < every:
            return
        last[0] = now
        say(f"  [{now:7.1f}s] {message}")

    return log


def setup(args: argparse.Namespace, benchmark: str, *, dataset: str | None = None, build=None) -> dict:
    """Point Django at the benchmark database, set it up, and build the data there once.

    `dataset` names the data (default: the benchmark's name); benchmarks that want the very same demo city
    may share one by passing the same name. `build(args)` replaces the default builder (DemoBuilder).
    Returns facts about the database: vendor, url (password-free), key, build_s (None when reused).
    """
    dataset = dataset or benchmark
    key = dataset_key(dataset, args.scale, args.seed)
    own = True
    with _lock(f"{key}-{args.db}"):  # a SQLite build does not hold up a PostgreSQL one of the same data
        if args.db == "sqlite":
            path = DATA_DIR / f"{key}.sqlite3"
            built = _sqlite_has_marker(path, key)
            if not built:
                _sqlite_remove(path)  # ours, unfinished or absent: start clean
            url = f"sqlite:///{path}"
        else:
            given = os.environ.get("DATABASE_URL", "")
            if given and not given.startswith("postgres"):
                raise SystemExit(f"--db postgres but DATABASE_URL is not a PostgreSQL URL: {given}")
            if given:
                own = False
                url = given
                built, populated = _pg_has_marker(url, key)
                if not built and populated:
                    raise SystemExit(
                        "DATABASE_URL points at a database that already holds other data; give the benchmark an "
                        "empty database (or unset DATABASE_URL to use a local throwaway server)."
                    )
            else:
                server = local_postgres_url()
                dbname = _pg_name(dataset, args.scale, args.seed)
                url = _with_db(server, dbname)
                _pg_recreate(server, dbname, drop=False)
                built, _ = _pg_has_marker(url, key)
                if not built:
                    _pg_recreate(server, dbname, drop=True)  # ours, unfinished: start clean

        # Everything the settings read must be in the environment before django.setup().
        os.environ["DJANGO_SETTINGS_MODULE"] = "fazhi.settings"
        os.environ["DATABASE_URL"] = url
        os.environ["FAZHI_DEBUG"] = "0"  # DEBUG would record every query and slow every request
        os.environ.setdefault("FAZHI_HOME", str(DATA_DIR))
        os.environ.setdefault("FAZHI_LOG_LEVEL", "ERROR")
        src = str(ROOT / "src")
        if src not in sys.path:
            sys.path.insert(0, src)
        import warnings

        # WhiteNoise warns once per process that STATIC_ROOT does not exist; a benchmark serves no static files.
        warnings.filterwarnings("ignore", message="No directory at")
        import django

        django.setup()
        from django.core.management import call_command
        from django.db import connection

        say(f"database: {connection.vendor} {_safe_url(url)} (dataset {key})")
        call_command("migrate", interactive=False, verbosity=0)
        build_s = None
        if not built:
            say(f"building dataset {key} (once; later runs reuse it) …")
            with stopwatch() as elapsed:
                _build(args, key, build)
            build_s = elapsed()
            say(f"built in {build_s:.1f} s")
        else:
            say("dataset already built: reusing it")
            if connection.vendor == "sqlite" and not _has_sqlite_statistics(connection):
                # built before the demo builder refreshed statistics: do what it does now
                from fazhi.core.maintenance import refresh_statistics

                refresh_statistics()
        if connection.vendor == "postgresql":
            # What autovacuum does in production: indexes added by later migrations get statistics and a
            # visibility map, so the planner can use index-only scans.
            with connection.cursor() as cursor:
                cursor.execute("VACUUM ANALYZE")
    return {"vendor": connection.vendor, "url": _safe_url(url), "key": key, "build_s": build_s, "own": own}


def _has_sqlite_statistics(connection) -> bool:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        return cursor.fetchone() is not None


def _safe_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
        return urlunsplit((parts.scheme, netloc, parts.path, parts.query, parts.fragment))
    return url


def _build(args, key: str, build) -> None:
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} "
            "(key varchar(200) PRIMARY KEY, scale double precision, seed integer, "
            "build_seconds double precision, built_at varchar(40))"
        )
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=OFF")  # a lost build is rebuilt; no need to sync each page
    start = time.perf_counter()
    with transaction.atomic():  # all or nothing: the marker is written with the data
        if build is not None:
            build(args)
        elif args.scale > PROVINCE_ABOVE_SCALE:
            _province_build(args)
        else:
            from fazhi.demo.generator import DemoBuilder

            DemoBuilder(seed=args.seed, scale=args.scale, log=_throttled_log()).build()
        seconds = time.perf_counter() - start
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {MARKER_TABLE} (key, scale, seed, build_seconds, built_at) VALUES (%s, %s, %s, %s, %s)",
                [key, args.scale, args.seed, seconds, time.strftime("%Y-%m-%dT%H:%M:%S")],
            )
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA synchronous=NORMAL")
        elif connection.vendor == "postgresql":
            # What autovacuum would do soon after a bulk load in production; without it the planner guesses.
            say("  VACUUM ANALYZE …")
            cursor.execute("VACUUM ANALYZE")
    # SQLite gets its statistics from the demo builder itself (fazhi.core.maintenance.refresh_statistics),
    # as `fazhi demo-data` and large imports give them to a real deployment.


def _province_build(args) -> None:
    """The demo city with SERVICES_BASE_SCALE of 政务服务 copied up to `args.scale` (see the module's docstring)."""
    import math

    from django.db import transaction

    from fazhi.core.maintenance import refresh_statistics
    from fazhi.demo.generator import DEMO_STEPS, DemoBuilder
    from fazhi.services.demo import build_services

    copies = math.ceil(args.scale / SERVICES_BASE_SCALE - 1e-9)
    log = _throttled_log()
    builder = DemoBuilder(seed=args.seed, scale=OTHER_LEDGERS_SCALE, log=log)
    log(
        f"province scale: 政务服务 built at scale {args.scale / copies:g}, then copied to {copies} copies in SQL; "
        f"the other ledgers at scale {OTHER_LEDGERS_SCALE:g}"
    )
    city = builder.build_org()
    for step in sorted(DEMO_STEPS, key=lambda s: s.order):  # DemoBuilder.build(), the services step scaled apart
        log(f"生成{step.title}…")
        with transaction.atomic():
            if step.function is build_services:
                builder.scale = args.scale / copies
                step.function(city, builder)
                builder.scale = OTHER_LEDGERS_SCALE
                _multiply_services(copies, log)
            else:
                step.function(city, builder)
    refresh_statistics()


# The demo's 办件编号: YC, the year, an 8-digit counter from 1 (fazhi.services.demo).
DEMO_NUMBER = re.compile(r"^YC(\d{4})(\d{8})$")


def _multiply_services(copies: int, log) -> None:
    """Copy the 办件 and what hangs on them until there are `copies` of each, in SQL, through the (partitioned)
    tables themselves, so that their triggers keep the key tables and the per-day totals."""
    from django.db import connection

    from fazhi.services.models import Application, ClockStop, MissingDocument, Rating, SupervisionCard

    if copies <= 1:
        return
    postgres = connection.vendor == "postgresql"
    with connection.cursor() as cursor:

        def one(sql):
            cursor.execute(sql)
            return cursor.fetchone()

        applications, ratings = Application._meta.db_table, Rating._meta.db_table
        n, span = one(f"SELECT count(*), max(id) FROM {applications}")
        rating_span = one(f"SELECT coalesce(max(id), 0) FROM {ratings}")[0]
        low, high = one(f"SELECT min(number), max(number) FROM {applications}")
        year = DEMO_NUMBER.match(low or "")
        if not year or (low, high) != (f"YC{year[1]}{1:08d}", f"YC{year[1]}{n:08d}"):
            raise SystemExit(f"the demo's 办件编号 are not YC<year>00000001 … {n:08d}: {low} … {high}")
        width = max(8, len(str(n * copies)))
        counter = f"c.k * {n} + CAST(substr(a.number, 7) AS {'bigint' if postgres else 'integer'})"
        if postgres:
            number = f"'YC{year[1]}' || lpad(CAST({counter} AS text), {width}, '0')"
        else:
            number = f"'YC{year[1]}' || printf('%0{width}d', {counter})"
        shift_app = f"a.application_id + c.k * {span}"
        # (model, its history table?, {column: SQL over the base row `a` and the copy's number `c.k`}); a primary
        # key not named here is left to its sequence.
        plans = [
            (Application, False, {"id": f"a.id + c.k * {span}", "number": number}),
            (Application, True, {"id": f"a.id + c.k * {span}", "number": number}),
            (Rating, False, {"id": f"a.id + c.k * {rating_span}", "application_id": shift_app}),
            (Rating, True, {"id": f"a.id + c.k * {rating_span}", "application_id": shift_app}),
            (SupervisionCard, False, {"application_id": shift_app}),
            (ClockStop, False, {"application_id": shift_app}),
            (MissingDocument, False, {"application_id": shift_app}),
        ]
        statements = []
        for model, history, overrides in plans:
            meta = (model.history.model if history else model)._meta
            table, base = meta.db_table, f"bench_base_{meta.db_table}"
            columns = [f.column for f in meta.concrete_fields if not f.primary_key or f.column in overrides]
            cursor.execute(f"CREATE TEMP TABLE {base} AS SELECT * FROM {table}")
            if one(f"SELECT count(*) FROM {base}")[0]:
                select = ", ".join(overrides.get(c, f"a.{c}") for c in columns)
                statements.append(
                    (
                        table,
                        f"INSERT INTO {table} ({', '.join(columns)}) SELECT {select} FROM {base} a "
                        f"CROSS JOIN bench_copy c ORDER BY c.k, a.{meta.pk.column}",
                    )
                )
        cursor.execute("CREATE TEMP TABLE bench_copy (k integer PRIMARY KEY)")
        # As PostgreSQL's manual says of a bulk load: the foreign keys are checked once at the end, not row by row
        # at COMMIT (38 million deferred checks at scale 10), and the indexes that back no constraint are built
        # once, by a sort, rather than kept row by row: both are dropped here and made again below, under their
        # names and definitions (and so validated). Primary keys and unique constraints stay.
        foreign_keys, indexes = [], []
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the base rows' pending checks first: no ALTER before
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            for table in dict.fromkeys(table for table, _ in statements):
                cursor.execute(
                    "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint "
                    "WHERE conrelid = %s::regclass AND contype = 'f' AND conparentid = 0",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    foreign_keys.append((table, name, definition))
                    cursor.execute(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"')
                cursor.execute(
                    "SELECT c.relname, pg_get_indexdef(i.indexrelid) FROM pg_index i "
                    "JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = %s::regclass "
                    "AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid "
                    "AND con.conrelid = i.indrelid)",
                    [table],
                )
                for name, definition in cursor.fetchall():
                    # a partitioned table's index is made on every partition (not "ON ONLY" the parent)
                    indexes.append(definition.replace(" ON ONLY ", " ON ", 1))
                    cursor.execute(f'DROP INDEX "{name}"')
        for first in range(1, copies, COPIES_PER_STATEMENT):
            batch = range(first, min(copies, first + COPIES_PER_STATEMENT))
            cursor.execute("DELETE FROM bench_copy")
            cursor.execute("INSERT INTO bench_copy (k) VALUES " + ", ".join(f"({k})" for k in batch))
            for _table, sql in statements:
                cursor.execute(sql)
            log(f"copies of 办件: {batch[-1] + 1}/{copies} ({n * (batch[-1] + 1):,} rows)")
        for model, history, _ in plans:
            cursor.execute(f"DROP TABLE bench_base_{(model.history.model if history else model)._meta.db_table}")
        cursor.execute("DROP TABLE bench_copy")
        for definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f'ALTER TABLE {table} ADD CONSTRAINT "{name}" {definition}')
        if postgres:
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")  # as Django declares them all, for the later steps
            log(f"{len(indexes)} indexes and {len(foreign_keys)} foreign keys of the copied tables made again")
        if postgres:  # the ids were given: move the sequences past them
            for table in (applications, ratings):
                cursor.execute(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT max(id) FROM {table}))")
        # The later demo steps (the year's assessment) query the copies: give the planner their statistics.
        for model in (Application, Rating, SupervisionCard):
            cursor.execute(f"ANALYZE {model._meta.db_table}")


def explain(sql: str, params=()) -> str:
    """The plan of one statement on the current database, as text."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())
