"""The whole app under load: gunicorn on the demo city, many logged-in users at once.

    python bench/load.py [--scale S] [--db sqlite|postgres] [--clients 50] [--duration 60] [--baseline-duration 20]
                         [--replica] [--servers 1|2]

Server: gunicorn (`fazhi.wsgi:application`, sync workers, 2 × cores + 1 by default) on 127.0.0.1, with the
production settings (FAZHI_ENV=production, DEBUG off, a random secret, persistent database connections via
FAZHI_CONN_MAX_AGE). The HTTPS redirect stays on: the clients send `X-Forwarded-Proto: https` as the TLS
proxy in front of a real deployment does, so secure cookies, HSTS and the CSRF origin check are the
production ones. It serves a copy of the demo city (`fazhi.demo.generator.DemoBuilder`, shared dataset
`demo_city`; scale 1 = 1,000,000 applications): the benchmark writes, so each run works on a fresh copy
(PostgreSQL: CREATE DATABASE … TEMPLATE; SQLite: a file copy) that is dropped afterwards.

Clients: --clients asyncio clients (aiohttp) in this process, a closed loop without think time, logged in
through the real login form as the demo users fzb (依法治市办, whole city), county_admin (a county),
clerk (one department) and leader (read-only, a county), round robin, so data scope filtering is on every
request. Each client draws its next request from this mix (weights in MIX):
  list_first   first page of a ledger list (applications, cases, ratings, service items)
  list_filter  first page with a filter (status, channel, unit, overdue) or another sort
  list_next    the client's last list page's 下一页 link (keyset `after=` cursor), up to MAX_HOPS deep
  detail       a record's detail page (application, case, rating) in the user's scope
  dashboard    the home dashboard (bounded counts of every ledger)
  figures      an area's figures page (services, enforcement, disputes, rulemaking, assessment)
  api_list     GET /api/applications/ with a filter, token auth
  api_create   POST /api/applications/ (a new 办件, token auth)                      } writes, by the
  accept       form POST 受理 on the client's new 办件 (session + CSRF), 302 expected  } roles that may
  decide       form POST 办结 on it                                                    } write
Every response must have the status its kind expects (200; 201 for api_create; 302 to the detail page for
the form posts); anything else, a timeout or a dropped connection is an error. Afterwards the database
must hold exactly the 办件 the clients were told were created, accepted and decided, and django-axes no
failed login. Latency is measured from send to the last byte of the body.

--servers 2: instead of one gunicorn, scripts/two-servers.sh: two gunicorns (--workers split between them) behind
nginx on loopback, which sets X-Forwarded-Proto as the TLS proxy would; the clients talk to nginx only.
--replica (PostgreSQL): the servers get FAZHI_REPLICA_URL, a streaming hot standby of the copy: the one in
FAZHI_REPLICA_URL if set (its database name is replaced by the copy's), else scripts/pg-replica.sh's standby of
the local server, started when not running and left running for the next run (`scripts/pg-replica.sh stop`).
The copy is made before the run and the run starts when the standby has replayed it. Every 0.5 s during the
mix the replica's lag is sampled: pg_stat_replication.replay_lag on the primary (the time from a commit's WAL
being written to its being replayed) and the WAL bytes between the primary's current position and the
standby's replay position; and how many transactions the copy's database ran on each server.
At --scale 10 (10,000,000 applications, bench/_common.py) the copy is a file copy of a few GB, and so is its
replay on the standby: minutes, untimed.

Baseline, same run, same server, same clients: GET /healthz (one `SELECT 1`) for --baseline-duration
seconds. Ratios: rps_mix / rps_baseline and p99_mix / p99_baseline.

CPU: the clients share the machine with gunicorn and the database; on a 2-core machine they take a visible
part of it. For each phase the output splits the machine's busy time into this process (the clients), the
gunicorn masters and workers, nginx, the PostgreSQL primary and the replica (each server's postmaster and every
process under it, all its databases: found from a backend's parent, so only a server on this machine is
counted) and other processes (anything else that ran, e.g. someone's test suite), and prints the load average
before and after: figures taken while other processes hold the CPU are lower than the machine can do. CPU per
request: the CPU seconds of gunicorn, nginx and the databases in the phase over the requests answered in it.
"""

from __future__ import annotations

import asyncio
import html
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from urllib.parse import urlsplit

from _common import DATA_DIR, ROOT, _safe_url, _with_db, parse_args, result, say, setup

ROLES = ["fzb", "county_admin", "clerk", "leader"]
PASSWORD = "fazhi-demo-2026"  # fazhi.demo.generator.DEMO_PASSWORD
MIX = {
    "list_first": 12,
    "list_filter": 12,
    "list_next": 18,
    "detail": 22,
    "dashboard": 5,
    "figures": 8,
    "api_list": 8,
    "write": 15,
}
WRITE_KINDS = ("api_create", "accept", "decide")
MAX_HOPS = 25
DETAIL_SAMPLE = 300
REQUEST_TIMEOUT_S = 120
NEXT_LINK = re.compile(r'id="next-page" href="([^"]+)"')
LIST_LEDGERS = ["applications", "applications", "applications", "cases", "ratings", "service-items"]
FIGURE_PAGES = ["/services/figures/", "/enforcement/figures/", "/disputes/figures/", "/rulemaking/", "/assessment/"]


def extra_options(parser) -> None:
    parser.add_argument("--clients", type=int, default=50, help="concurrent clients (default 50)")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of the mixed load (default 60)")
    parser.add_argument(
        "--baseline-duration", type=float, default=20.0, help="seconds of the /healthz baseline (default 20)"
    )
    parser.add_argument("--warmup", type=float, default=5.0, help="untimed seconds of the mix first (default 5)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1) + 1,
        help="gunicorn sync workers in all (default 2 × cores + 1; with --servers 2, half each, rounded up)",
    )
    parser.add_argument(
        "--servers",
        type=int,
        choices=[1, 2],
        default=1,
        help="1: one gunicorn (default); 2: two behind nginx (scripts/two-servers.sh)",
    )
    parser.add_argument(
        "--replica",
        action="store_true",
        help="serve the opted-in reads from a streaming replica and sample its lag (PostgreSQL only)",
    )


# -- the database copy ---------------------------------------------------------------------------------


def clone_database(info) -> tuple[str, object]:
    """A writable copy of the built dataset; returns (DATABASE_URL of the copy, a function that drops it)."""
    from django.db import connection

    url = os.environ["DATABASE_URL"]
    connection.close()
    if connection.vendor == "sqlite":
        source = Path(connection.settings_dict["NAME"])
        target = DATA_DIR / f"load-run-{os.getpid()}.sqlite3"
        for suffix in ("", "-wal"):
            if Path(f"{source}{suffix}").exists():
                shutil.copyfile(f"{source}{suffix}", f"{target}{suffix}")
        connection.settings_dict["NAME"] = str(target)

        def drop():
            connection.close()
            for suffix in ("", "-wal", "-shm"):
                Path(f"{target}{suffix}").unlink(missing_ok=True)

        return f"sqlite:///{target}", drop

    import psycopg

    source = connection.settings_dict["NAME"]
    target = f"{source[:40]}_load_{os.getpid()}"
    admin = _with_db(url, "postgres")
    with psycopg.connect(admin, autocommit=True) as conn:
        version = conn.info.server_version
        strategy = " STRATEGY FILE_COPY" if version >= 150000 else ""
        for attempt in range(30):  # the template must have no other session (another benchmark on it)
            try:
                conn.execute(f'CREATE DATABASE "{target}" TEMPLATE "{source}"{strategy}')
                break
            except psycopg.errors.ObjectInUse as err:
                if attempt == 29:
                    raise SystemExit(f"database {source} stays in use by another session; cannot copy it") from err
                time.sleep(2)
    connection.settings_dict["NAME"] = target

    def drop():
        connection.close()
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{target}" WITH (FORCE)')

    return _with_db(url, target), drop


# -- what the clients request --------------------------------------------------------------------------


def sample_ids(rows, rng: random.Random) -> list[int]:
    """DETAIL_SAMPLE ids of `rows` at random: all of them drawn from when they are few, else the first id at or
    after a random point of their id range (a province's 10,000,000 ids are not read into memory)."""
    from django.db.models import Max, Min

    if rows.count() <= 20 * DETAIL_SAMPLE:
        ids = list(rows.order_by("pk").values_list("pk", flat=True))
        return rng.sample(ids, min(len(ids), DETAIL_SAMPLE))
    bounds = rows.aggregate(low=Min("pk"), high=Max("pk"))
    found = set()
    while len(found) < DETAIL_SAMPLE:
        point = rng.randint(bounds["low"], bounds["high"])
        found.add(rows.filter(pk__gte=point).order_by("pk").values_list("pk", flat=True).first())
    return sorted(found)


def prepare(rng: random.Random) -> dict:
    """Per demo user: URLs in its scope, record ids to open, an item to file 办件 under, an API token."""
    from django.utils import timezone
    from rest_framework.authtoken.models import Token

    from fazhi.enforcement.models import Case
    from fazhi.org.models import Unit, User
    from fazhi.org.scope import can_write
    from fazhi.services.models import Application, Rating, ServiceItem

    plan = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        details = []
        for model, slug in ((Application, "applications"), (Case, "cases"), (Rating, "ratings")):
            details += [f"/ledgers/{slug}/{pk}/" for pk in sample_ids(model.objects.visible_to(user), rng)]
        units = list(Unit.objects.visible_to(user).values_list("pk", flat=True))
        filters = [
            "?status=accepted",
            "?channel=window",
            "?overdue=true",
            "?sort=received_on",
            "?status=decided&channel=online",
        ]
        filters += [f"?unit={rng.choice(units)}" for _ in range(3)]
        writer = None
        if can_write(user):
            item = ServiceItem.objects.visible_to(user).order_by("pk").first()
            writer = {"unit": item.unit_id, "item": item.pk, "today": timezone.localdate().isoformat()}
        plan[username] = {
            "role": user.role,
            "details": details or ["/"],
            "filters": filters,
            "writer": writer,
            "token": Token.objects.get_or_create(user=user)[0].key,
            "visible_applications": Application.objects.visible_to(user).count(),
        }
    return plan


class Stats:
    def __init__(self):
        self.samples: dict[str, list[float]] = defaultdict(list)
        self.errors: dict[str, int] = defaultdict(int)
        self.error_examples: list[str] = []
        self.recording = False

    def add(self, kind: str, seconds: float, problem: str | None):
        if not self.recording:
            return
        self.samples[kind].append(seconds)
        if problem:
            self.errors[kind] += 1
            if len(self.error_examples) < 12:
                self.error_examples.append(f"{kind}: {problem}")


class Client:
    """One logged-in user agent: its own cookies (a browser's), list cursor and 办件 in progress."""

    def __init__(self, n, session, base, username, plan, stats, tag):
        self.n, self.session, self.base, self.username, self.plan, self.stats = n, session, base, username, plan, stats
        self.rng = random.Random(1000 + n)
        self.cookies: dict[str, str] = {}
        self.next_url, self.hops, self.list_path = None, 0, ""
        self.pending: list[tuple[str, int]] = []  # (step still to do, application id)
        self.tag, self.made = tag, 0
        self.done = {"api_create": 0, "accept": 0, "decide": 0}
        self.expected: dict[int, str] = {}  # application id -> the status the server confirmed
        self.headers = {"X-Forwarded-Proto": "https"}  # as the TLS proxy in front of production sets it
        self.origin = base.replace("http://", "https://")

    async def request(self, kind, method, path, *, expect=200, data=None, json_body=None, token=None, location=None):
        headers = dict(self.headers)
        if token:
            headers["Authorization"] = f"Token {token}"  # an integration: token only, no cookies
        else:
            if self.cookies:
                headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
            if method == "POST":
                headers["Origin"] = self.origin
        start = time.perf_counter()
        problem, body, status = None, "", None
        try:
            async with self.session.request(
                method,
                self.base + path,
                headers=headers,
                data=data,
                json=json_body,
                allow_redirects=False,
            ) as response:
                raw = await response.read()
                status = response.status
                if not token:
                    for name, morsel in response.cookies.items():
                        if morsel.value and morsel["max-age"] != "0":
                            self.cookies[name] = morsel.value
                        else:
                            self.cookies.pop(name, None)
                body = raw.decode("utf-8", errors="replace")
                if status != expect:
                    snippet = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body))[:160]
                    problem = f"{method} {path} as {self.username}: HTTP {status} (expected {expect}) {snippet}"
                elif location and not response.headers.get("Location", "").endswith(location):
                    problem = f"{method} {path} as {self.username}: redirected to {response.headers.get('Location')}"
        except Exception as error:
            problem = f"{method} {path} as {self.username}: {type(error).__name__} {error}"
        self.stats.add(kind, time.perf_counter() - start, problem)
        return status, body, problem

    async def login(self):
        await self.request("login", "GET", "/login/")
        status, _, problem = await self.request(
            "login",
            "POST",
            "/login/",
            expect=302,
            location="/",
            data={
                "csrfmiddlewaretoken": self.cookies.get("csrftoken", ""),
                "username": self.username,
                "password": PASSWORD,
            },
        )
        if problem:
            raise SystemExit(f"login failed: {problem}")

    def remember_next(self, body):
        link = NEXT_LINK.search(body)
        self.next_url = None
        if link and self.hops < MAX_HOPS:
            self.next_url = self.list_path + html.unescape(link.group(1))
        else:
            self.hops = 0

    async def list_page(self, kind, path):
        self.list_path = path.split("?")[0]
        status, body, problem = await self.request(kind, "GET", path)
        if not problem:
            self.remember_next(body)

    async def step(self, kind):
        rng, plan = self.rng, self.plan
        if kind == "write" and not plan["writer"]:
            kind = "detail"  # a read-only role (领导) opens a record instead
        if kind == "list_next" and not self.next_url:
            kind = "list_first"
        if kind == "list_first":
            self.hops = 0
            await self.list_page(kind, f"/ledgers/{rng.choice(LIST_LEDGERS)}/")
        elif kind == "list_filter":
            self.hops = 0
            await self.list_page(kind, "/ledgers/applications/" + rng.choice(plan["filters"]))
        elif kind == "list_next":
            self.hops += 1
            await self.list_page(kind, self.next_url)
        elif kind == "detail":
            await self.request(kind, "GET", rng.choice(plan["details"]))
        elif kind == "dashboard":
            await self.request(kind, "GET", "/")
        elif kind == "figures":
            await self.request(kind, "GET", rng.choice(FIGURE_PAGES))
        elif kind == "api_list":
            query = rng.choice(["?status=accepted", "?channel=window", "?status=received", ""])
            await self.request(kind, "GET", f"/api/applications/{query}", token=plan["token"])
        elif kind == "write":
            await self.write()

    async def write(self):
        writer = self.plan["writer"]
        if self.pending:
            step, pk = self.pending.pop(0)
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", "")}
            if step == "accept":  # the step forms of fazhi.services.actions
                data["accepted_on"] = writer["today"]
            else:
                data.update(decided_on=writer["today"], outcome="approved")
            detail = f"/ledgers/applications/{pk}/"
            _, _, problem = await self.request(
                step, "POST", f"{detail}do/{step}/", expect=302, data=data, location=detail
            )
            if not problem:
                self.done[step] += 1
                self.expected[pk] = "accepted" if step == "accept" else "decided"
                if step == "accept":
                    self.pending.append(("decide", pk))
            return
        from fazhi.core.identifiers import uscc_check_char

        self.made += 1
        number = f"LOAD{self.tag}-{self.n}-{self.made}"
        uscc = f"91990000MA{(self.n * 100000 + self.made) % 10**7:07d}"  # a valid 统一社会信用代码 per 办件
        status, body, problem = await self.request(
            "api_create",
            "POST",
            "/api/applications/",
            expect=201,
            token=self.plan["token"],
            json_body={
                "unit": writer["unit"],
                "item": writer["item"],
                "number": number,
                "applicant_type": "entity",
                "applicant_name": f"压测申请人{self.n}",
                "applicant_id_number": uscc + uscc_check_char(uscc),
                "channel": "online",
                "received_on": writer["today"],
            },
        )
        if not problem:
            self.done["api_create"] += 1
            pk = json.loads(body)["id"]
            self.expected[pk] = "received"
            self.pending.append(("accept", pk))

    async def run(self, until, weights):
        kinds, cum = list(weights), list(weights.values())
        while time.perf_counter() < until:
            await self.step(self.rng.choices(kinds, cum)[0])


async def phase(clients, seconds, body):
    until = time.perf_counter() + seconds
    await asyncio.gather(*(body(client, until) for client in clients))


async def healthz_loop(client, until):
    while time.perf_counter() < until:
        await client.request("healthz", "GET", "/healthz")


# -- measuring the machine -----------------------------------------------------------------------------


def machine_cpu() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine since boot, from /proc/stat."""
    fields = [float(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    tick = os.sysconf("SC_CLK_TCK")
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields) - idle) / tick, sum(fields) / tick


def _stat(pid) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (field 3 on), or None when it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def process_cpu(pids, exited_children=False) -> float:
    """CPU seconds of the processes; with `exited_children`, also what their exited children left them."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        fields = _stat(pid)
        if fields:
            total += int(fields[11]) + int(fields[12])
            if exited_children:
                total += int(fields[13]) + int(fields[14])
    return total / tick


def children_of(pid) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def tree_cpu(roots) -> float:
    """CPU seconds of each root process, of the children it has, and of those it had (a postmaster's exited
    backends and parallel workers, a gunicorn master's recycled workers)."""
    roots = [pid for pid in roots if pid]
    return process_cpu(roots, exited_children=True) + process_cpu([c for r in roots for c in children_of(r)])


def postmaster_of(url) -> int | None:
    """The pid of the postmaster serving `url`, when it runs on this machine: a backend's parent."""
    import psycopg

    try:
        with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
            backend = conn.execute("SELECT pg_backend_pid()").fetchone()[0]
            fields = _stat(backend)
            parent = int(fields[1]) if fields else None
        if parent and "postgres" in Path(f"/proc/{parent}/comm").read_text():
            return parent
    except (OSError, psycopg.Error):
        pass
    return None


def pid_file(path: Path) -> int | None:
    try:
        return int(path.read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return None


class CpuMeter:
    """Who used the machine during a phase: the clients (this process), and each of `groups` ({name: a function
    giving the group's CPU seconds so far}); the rest of the machine's busy time is other processes."""

    def __init__(self, groups: dict):
        self.groups = groups

    def snapshot(self):
        busy, total = machine_cpu()
        return (
            time.perf_counter(),
            busy,
            total,
            sum(os.times()[:2]),
            {name: measure() for name, measure in self.groups.items()},
        )

    @staticmethod
    def delta(a, b, ncpu):
        capacity = (b[0] - a[0]) * ncpu
        out = {"machine_busy": (b[1] - a[1]) / capacity, "client_cpu_s": b[3] - a[3]}
        out["client_share"] = out["client_cpu_s"] / capacity
        for name in a[4]:
            out[f"{name}_cpu_s"] = b[4][name] - a[4][name]
            out[f"{name}_share"] = out[f"{name}_cpu_s"] / capacity
        out["other_share"] = max(
            0.0, out["machine_busy"] - out["client_share"] - sum(out[f"{name}_share"] for name in a[4])
        )
        return out


# -- the replica ---------------------------------------------------------------------------------------------


def replica_url(info) -> str:
    """The standby's URL (any database name): FAZHI_REPLICA_URL, else scripts/pg-replica.sh's, started if need be."""
    given = os.environ.get("FAZHI_REPLICA_URL")
    if given:
        return given
    if not info["own"]:
        raise SystemExit("--replica on a DATABASE_URL of your own: set FAZHI_REPLICA_URL to its streaming replica")
    say("starting (or reusing) the streaming replica of scripts/pg-replica.sh …")
    done = subprocess.run(["bash", str(ROOT / "scripts" / "pg-replica.sh"), "start"], capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"scripts/pg-replica.sh failed:\n{done.stderr}")
    return [line for line in done.stdout.splitlines() if line.strip()][-1].strip()


def wait_for_replay(primary_url, standby_url, seconds=1800) -> float:
    """Wait until the standby has replayed everything the primary has written so far; the seconds it took."""
    import psycopg

    start = time.perf_counter()
    with psycopg.connect(_with_db(primary_url, "postgres"), autocommit=True) as primary:
        target = primary.execute("SELECT pg_current_wal_lsn()").fetchone()[0]
    with psycopg.connect(_with_db(standby_url, "postgres"), autocommit=True) as standby:
        while True:
            done = standby.execute("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target]).fetchone()[0]
            if done:
                return time.perf_counter() - start
            if time.perf_counter() - start > seconds:
                raise SystemExit(f"the replica has not replayed the copy after {seconds} s")
            time.sleep(0.5)


def transactions(url, database) -> int | None:
    """Transactions (committed and rolled back) of `database` on the server at `url` so far."""
    import psycopg

    with psycopg.connect(_with_db(url, "postgres"), autocommit=True) as conn:
        row = conn.execute(
            "SELECT xact_commit + xact_rollback FROM pg_stat_database WHERE datname = %s", [database]
        ).fetchone()
    return row[0] if row else 0


class LagSampler(threading.Thread):
    """Samples the standby's lag every `every` seconds while running: (replay_lag s or None, WAL bytes behind)."""

    def __init__(self, primary_url, standby_url, every=0.5):
        super().__init__(daemon=True)
        self.primary_url, self.standby_url = _with_db(primary_url, "postgres"), _with_db(standby_url, "postgres")
        self.every, self.samples, self.recording, self.halt = every, [], False, threading.Event()
        self.error = None

    def run(self):
        import psycopg

        try:
            with (
                psycopg.connect(self.primary_url, autocommit=True) as primary,
                psycopg.connect(self.standby_url, autocommit=True) as standby,
            ):
                while not self.halt.is_set():
                    position, lag = primary.execute(
                        "SELECT pg_current_wal_lsn(), "
                        "(SELECT extract(epoch FROM max(replay_lag)) FROM pg_stat_replication)"
                    ).fetchone()
                    replayed = standby.execute("SELECT pg_last_wal_replay_lsn()").fetchone()[0]
                    behind = primary.execute("SELECT pg_wal_lsn_diff(%s, %s)", [position, replayed]).fetchone()[0]
                    if self.recording:
                        self.samples.append((None if lag is None else float(lag), max(0, int(behind))))
                    self.halt.wait(self.every)
        except psycopg.Error as error:
            self.error = error

    def summary(self) -> dict:
        lags = sorted(lag for lag, _ in self.samples if lag is not None)
        behind = sorted(b for _, b in self.samples)

        def q(values, p):
            return values[min(len(values) - 1, round(p * (len(values) - 1)))] if values else None

        return {
            "samples": len(self.samples),
            "replay_lag_p50_s": q(lags, 0.5),
            "replay_lag_p95_s": q(lags, 0.95),
            "replay_lag_max_s": lags[-1] if lags else None,
            "wal_behind_p95_bytes": q(behind, 0.95),
            "wal_behind_max_bytes": behind[-1] if behind else None,
        }


# -- the run ---------------------------------------------------------------------------------------------


def free_port(consecutive: int = 1) -> int:
    """A free port on loopback, and the `consecutive` - 1 after it free too."""
    for _ in range(100):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        if port + consecutive > 65535:
            continue
        try:
            for extra in range(1, consecutive):
                with socket.socket() as sock:
                    sock.bind(("127.0.0.1", port + extra))
        except OSError:
            continue
        return port
    raise SystemExit("no free ports on loopback")


def server_env(database_url, standby_url) -> dict:
    """The servers' environment: production settings, a random secret, persistent connections."""
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "FAZHI_ENV": "production",
        "FAZHI_DEBUG": "0",
        "FAZHI_SECRET_KEY": secrets.token_urlsafe(50),
        "FAZHI_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "FAZHI_CONN_MAX_AGE": "600",
        "FAZHI_LOG_LEVEL": "WARNING",
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
        "PYTHONPATH": str(ROOT / "src"),
    }
    env.pop("FAZHI_SSL_REDIRECT", None)
    env.pop("FAZHI_REPLICA_URL", None)
    if standby_url:
        env["FAZHI_REPLICA_URL"] = standby_url
    return env


class OneServer:
    """One gunicorn, started here."""

    def __init__(self, env, workers):
        self.port, self.log_path = free_port(), DATA_DIR / f"load-gunicorn-{os.getpid()}.log"
        self.base = f"http://127.0.0.1:{self.port}"
        gunicorn = Path(sys.executable).with_name("gunicorn")
        command = [
            str(gunicorn) if gunicorn.exists() else "gunicorn",
            "fazhi.wsgi:application",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(workers),
            "--worker-class",
            "sync",
            "--backlog",
            "2048",
            "--timeout",
            "30",
            "--error-logfile",
            str(self.log_path),
            "--log-level",
            "warning",
        ]
        self.process = subprocess.Popen(
            command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self.description = f"gunicorn: {workers} sync workers on 127.0.0.1:{self.port}"

    def check(self):
        if self.process.poll() is not None:
            raise SystemExit(f"gunicorn exited with {self.process.returncode} before answering")

    def groups(self) -> dict:
        return {"server": lambda: tree_cpu([self.process.pid])}

    def logs(self) -> list[Path]:
        return [self.log_path]

    def clean(self):
        self.log_path.unlink(missing_ok=True)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()


class TwoServers:
    """scripts/two-servers.sh: two gunicorns behind nginx, on three free ports; the clients talk to nginx."""

    def __init__(self, env, workers):
        self.port = free_port(consecutive=3)
        self.dir = DATA_DIR / f"load-servers-{os.getpid()}"
        self.env = {
            **env,
            "FAZHI_SERVERS_PORT": str(self.port),
            "FAZHI_SERVERS_DIR": str(self.dir),
            "FAZHI_SERVER_WORKERS": str(workers),
            "FAZHI_FORWARDED_PROTO": "https",  # as the TLS proxy in front of nginx would say
        }
        self.script = ROOT / "scripts" / "two-servers.sh"
        done = subprocess.run(["bash", str(self.script), "start"], env=self.env, capture_output=True, text=True)
        if done.returncode != 0:
            self.stop()
            raise SystemExit(f"scripts/two-servers.sh failed:\n{done.stdout}\n{done.stderr}")
        self.base = [line for line in done.stdout.splitlines() if line.strip()][-1].strip()
        self.description = (
            f"two gunicorns × {workers} sync workers (127.0.0.1:{self.port + 1}, :{self.port + 2}) behind nginx on "
            f"{self.base} (scripts/two-servers.sh)"
        )

    def check(self):
        pass

    def groups(self) -> dict:
        masters = [self.dir / "server-1.pid", self.dir / "server-2.pid"]
        return {
            "server": lambda: tree_cpu([pid_file(p) for p in masters]),
            "balancer": lambda: tree_cpu([pid_file(self.dir / "nginx.pid")]),
        }

    def logs(self) -> list[Path]:
        return [self.dir / "server-1.log", self.dir / "server-2.log", self.dir / "nginx-error.log"]

    def clean(self):
        shutil.rmtree(self.dir, ignore_errors=True)

    def stop(self):
        subprocess.run(["bash", str(self.script), "stop"], env=self.env, capture_output=True, text=True)


async def wait_until_up(session, base, server, seconds=60):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        server.check()
        try:
            async with session.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise SystemExit("the server did not answer /healthz in time")


def summarize(stats: Stats, seconds: float) -> dict:
    out = {}
    for kind, values in stats.samples.items():
        ordered = sorted(values)

        def q(p):
            return ordered[min(len(ordered) - 1, int(round(p * (len(ordered) - 1))))]

        out[kind] = {
            "n": len(ordered),
            "rps": len(ordered) / seconds,
            "p50": q(0.50),
            "p95": q(0.95),
            "p99": q(0.99),
            "max": ordered[-1],
            "errors": stats.errors.get(kind, 0),
        }
    every = sorted(v for values in stats.samples.values() for v in values)
    if every:

        def q(p):
            return every[min(len(every) - 1, int(round(p * (len(every) - 1))))]

        out["all"] = {
            "n": len(every),
            "rps": len(every) / seconds,
            "p50": q(0.50),
            "p95": q(0.95),
            "p99": q(0.99),
            "max": every[-1],
            "errors": sum(stats.errors.values()),
        }
    return out


def print_table(title, table):
    say(f"\n{title}")
    say(
        f"  {'kind':12s} {'requests':>8s} {'req/s':>8s} {'p50 ms':>9s} {'p95 ms':>9s} {'p99 ms':>9s} "
        f"{'max ms':>9s} {'errors':>6s}"
    )
    for kind, row in sorted(table.items(), key=lambda kv: (kv[0] == "all", kv[0])):
        say(
            f"  {kind:12s} {row['n']:8d} {row['rps']:8.1f} {row['p50'] * 1000:9.1f} {row['p95'] * 1000:9.1f} "
            f"{row['p99'] * 1000:9.1f} {row['max'] * 1000:9.1f} {row['errors']:6d}"
        )


async def drive(args, server, plan, tag, meter, sampler):
    import aiohttp

    ncpu, base = os.cpu_count() or 1, server.base
    connector = aiohttp.TCPConnector(limit=args.clients + 5, force_close=True)  # gunicorn sync workers close anyway
    timeout = aiohttp.ClientTimeout(total=REQUEST_TIMEOUT_S)
    async with aiohttp.ClientSession(
        connector=connector, timeout=timeout, cookie_jar=aiohttp.DummyCookieJar()
    ) as session:
        await wait_until_up(session, base, server)
        stats = Stats()
        clients = [
            Client(n, session, base, ROLES[n % len(ROLES)], plan[ROLES[n % len(ROLES)]], stats, tag)
            for n in range(args.clients)
        ]
        for client in clients:  # one by one: logins are part of setup, not of the load
            await client.login()
        per_role = ", ".join(f"{r}×{sum(c.username == r for c in clients)}" for r in ROLES)
        say(f"{len(clients)} clients logged in ({per_role})")

        figures = {}

        async def mix(client, until):
            await client.run(until, MIX)

        if args.warmup > 0:
            await phase(clients, args.warmup, mix)
        # Writes begun in the warm-up finish in the timed mix; count only what the timed mix did.
        for client in clients:
            client.done = dict.fromkeys(client.done, 0)

        figures["load_before_baseline"] = os.getloadavg()[0]
        stats.recording, a = True, meter.snapshot()
        await phase(clients, args.baseline_duration, healthz_loop)
        b, stats.recording = meter.snapshot(), False
        baseline = summarize(stats, b[0] - a[0])
        baseline_cpu = CpuMeter.delta(a, b, ncpu)

        mix_stats = Stats()
        for client in clients:
            client.stats = mix_stats
        figures["load_before_mix"] = os.getloadavg()[0]
        if sampler:
            sampler.recording = True
        mix_stats.recording, a = True, meter.snapshot()
        await phase(clients, args.duration, mix)
        b, mix_stats.recording = meter.snapshot(), False
        if sampler:
            sampler.recording = False
        figures["load_after_mix"] = os.getloadavg()[0]
        mixed = summarize(mix_stats, args.duration)  # requests begun in the window, over the window
        mix_cpu = CpuMeter.delta(a, b, ncpu)
        done = {k: sum(c.done[k] for c in clients) for k in WRITE_KINDS}
        expected = {pk: state for c in clients for pk, state in c.expected.items()}
        return stats, baseline, baseline_cpu, mix_stats, mixed, mix_cpu, done, expected, figures


def verify_writes(tag, expected) -> list[str]:
    """The database holds what the clients were told: every 201 a row, every 302 its status; no lockouts."""
    from axes.models import AccessAttempt
    from django.db import connection

    from fazhi.services.models import Application

    connection.close()
    found = dict(Application.objects.filter(number__startswith=f"LOAD{tag}-").values_list("pk", "status"))
    problems = []
    wrong = {pk: (state, found.get(pk)) for pk, state in expected.items() if found.get(pk) != state}
    if wrong:
        problems.append(f"{len(wrong)} 办件 not in the status the server confirmed, e.g. {list(wrong.items())[:5]}")
    if len(found) != len(expected):
        problems.append(f"{len(found)} 办件 of this run in the database, {len(expected)} confirmed as created")
    counts = {state: sum(1 for s in found.values() if s == state) for state in ("received", "accepted", "decided")}
    failures = AccessAttempt.objects.count()
    if failures:
        problems.append(f"django-axes recorded {failures} failed login(s)")
    return problems, counts


# The parts of the machine a phase's CPU is split into: (key in CpuMeter.delta, label).
CPU_GROUPS = (
    ("server", "gunicorn"),
    ("balancer", "nginx"),
    ("database", "PostgreSQL primary"),
    ("replica", "PostgreSQL replica"),
)


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], extra=extra_options)
    try:
        import aiohttp  # noqa: F401
    except ImportError as err:
        raise SystemExit("bench/load.py needs aiohttp: pip install -e '.[bench]'") from err
    if args.replica and args.db != "postgres":
        raise SystemExit("--replica needs --db postgres")
    load_start = os.getloadavg()
    given_replica = os.environ.pop("FAZHI_REPLICA_URL", None)  # this process reads the primary only
    info = setup(args, "load", dataset="demo_city")
    primary_url = os.environ["DATABASE_URL"]
    standby = None
    if args.replica:
        if given_replica:
            os.environ["FAZHI_REPLICA_URL"] = given_replica
        standby = replica_url(info)  # before the copy: a new standby's base backup need not hold it
        os.environ.pop("FAZHI_REPLICA_URL", None)
    copy_start = time.perf_counter()
    database_url, drop = clone_database(info)
    say(f"serving a copy: {_safe_url(database_url)} (made in {time.perf_counter() - copy_start:.0f} s)")
    server = sampler = standby_url = None
    copy_name = urlsplit(database_url).path.lstrip("/")
    finished = False
    try:
        if standby:
            standby_url = _with_db(standby, copy_name)
            waited = wait_for_replay(primary_url, standby_url)
            say(f"replica: {_safe_url(standby_url)}, the copy replayed in {waited:.0f} s")
        rng = random.Random(args.seed)
        plan = prepare(rng)
        for username, p in plan.items():
            say(
                f"  {username:12s} ({p['role']}): {p['visible_applications']:,} visible 办件, "
                f"{len(p['details'])} records to open, {'writes' if p['writer'] else 'read-only'}"
            )
        from django.db import connection

        connection.close()  # the server's connections only, during the run
        env = server_env(database_url, standby_url)
        two = args.servers == 2
        server = TwoServers(env, max(1, -(-args.workers // 2))) if two else OneServer(env, args.workers)
        groups = server.groups()
        if info["vendor"] == "postgresql":  # SQLite runs inside gunicorn
            primary_pid = postmaster_of(primary_url)
            groups["database"] = lambda: tree_cpu([primary_pid])
            if standby_url:
                replica_pid = postmaster_of(standby_url)
                groups["replica"] = lambda: tree_cpu([replica_pid])
        if standby_url:
            sampler = LagSampler(primary_url, standby_url)
            sampler.start()
            xacts_before = transactions(primary_url, copy_name), transactions(standby_url, copy_name)
        say(
            f"{server.description}; {args.clients} clients; {os.cpu_count()} CPU cores shared by clients, "
            f"servers and databases; load average before: {' '.join(f'{x:.2f}' for x in load_start)}"
        )
        tag = f"{os.getpid()}"
        stats, baseline, baseline_cpu, mix_stats, mixed, mix_cpu, done, expected, figures = asyncio.run(
            drive(args, server, plan, tag, CpuMeter(groups), sampler)
        )
        finished = True
    finally:
        if sampler is not None:
            sampler.halt.set()
            sampler.join(timeout=10)
        if server is not None:
            server.stop()
        if not finished:
            drop()
    if standby_url:
        time.sleep(1)  # the servers' backends have exited: their counts are in the statistics
        xacts_after = transactions(primary_url, copy_name), transactions(standby_url, copy_name)
        # the whole run (logins, warm-up, baseline, mix): how many of the copy's transactions each server ran
        figures["primary_xacts"] = xacts_after[0] - xacts_before[0]
        figures["replica_xacts"] = xacts_after[1] - xacts_before[1]
    server_log = "\n".join(path.read_text(errors="replace") for path in server.logs() if path.exists())
    try:
        problems, counts = verify_writes(tag, expected)
    finally:
        drop()

    print_table(f"baseline: GET /healthz, {args.clients} clients, {args.baseline_duration:g} s", baseline)
    print_table(f"mix: {args.clients} clients, {args.duration:g} s", mixed)
    shown = [(key, label) for key, label in CPU_GROUPS if f"{key}_share" in mix_cpu]
    for name, cpu, table in (("baseline", baseline_cpu, baseline), ("mix", mix_cpu, mixed)):
        parts = " + ".join(f"{label} {cpu[f'{key}_share']:.0%}" for key, label in shown)
        answered = table["all"]["n"] if "all" in table else 0
        per_request = " + ".join(f"{label} {cpu[f'{key}_cpu_s'] / max(answered, 1) * 1000:.1f}" for key, label in shown)
        say(
            f"CPU during {name} (share of {os.cpu_count()} cores): machine {cpu['machine_busy']:.0%} busy = "
            f"clients (this process) {cpu['client_share']:.0%} + {parts} + other processes {cpu['other_share']:.0%}"
            f"\n  CPU per request (ms): {per_request} = "
            f"{sum(cpu[f'{key}_cpu_s'] for key, _ in shown) / max(answered, 1) * 1000:.1f}"
        )
    lag = None
    if sampler is not None:
        lag = sampler.summary()
        if sampler.error:
            say(f"replica lag sampling stopped: {sampler.error}")

        def ms(v):
            return "—" if v is None else f"{v * 1000:.0f} ms"

        say(
            f"replica lag during the mix ({lag['samples']} samples, every 0.5 s): replay_lag p50 "
            f"{ms(lag['replay_lag_p50_s'])}, p95 {ms(lag['replay_lag_p95_s'])}, max {ms(lag['replay_lag_max_s'])}; "
            f"WAL not yet replayed p95 {lag['wal_behind_p95_bytes'] or 0:,} bytes, max "
            f"{lag['wal_behind_max_bytes'] or 0:,} bytes; transactions of the copy's database over the whole run: "
            f"primary {figures.get('primary_xacts', 0):,}, replica {figures.get('replica_xacts', 0):,}"
        )
    say(
        f"writes confirmed to clients in the timed mix: {done}; this run's 办件 in the database by status "
        f"(warm-up included), all as confirmed: {counts}"
    )
    examples = mix_stats.error_examples + stats.error_examples
    if examples:
        say("errors (first ones):\n  " + "\n  ".join(examples))
    tracebacks = [
        line
        for line in server_log.splitlines()
        if any(mark in line for mark in ("Traceback", "WORKER TIMEOUT", "Error", "[error]", "[crit]", "[alert]"))
    ]
    if tracebacks:
        say(
            f"server error logs {', '.join(str(p) for p in server.logs())} ({len(tracebacks)} lines of errors), "
            "first ones:\n  " + "\n  ".join(tracebacks[:10])
        )
    else:
        server.clean()
    for problem in problems:
        say(f"write check: {problem}")

    all_mix, all_base = mixed.get("all"), baseline.get("all")
    errors = (all_mix["errors"] if all_mix else 0) + (all_base["errors"] if all_base else 0) + len(problems)
    figures_out = {
        "db": info["vendor"],
        "scale": args.scale,
        "seed": args.seed,
        "servers": args.servers,
        "replica": args.replica,
        "clients": args.clients,
        "duration_s": args.duration,
        "baseline_duration_s": args.baseline_duration,
        "workers": args.workers,
        "cores": os.cpu_count(),
        "rps": all_mix["rps"],
        "p50_s": all_mix["p50"],
        "p95_s": all_mix["p95"],
        "p99_s": all_mix["p99"],
        "errors": errors,
        "baseline_rps": all_base["rps"],
        "baseline_p50_s": all_base["p50"],
        "baseline_p99_s": all_base["p99"],
        "rps_ratio": all_mix["rps"] / all_base["rps"],
        "p99_ratio": all_mix["p99"] / all_base["p99"],
    }
    for kind, row in sorted(mixed.items()):
        if kind == "all":
            continue
        figures_out.update(
            {
                f"{kind}_n": row["n"],
                f"{kind}_p50_s": row["p50"],
                f"{kind}_p95_s": row["p95"],
                f"{kind}_p99_s": row["p99"],
                f"{kind}_errors": row["errors"],
            }
        )
    names = {"server": "server", "balancer": "balancer", "database": "db", "replica": "replica"}
    for key, _ in shown:
        figures_out[f"{names[key]}_cpu_share"] = mix_cpu[f"{key}_share"]
        figures_out[f"{names[key]}_cpu_ms_per_request"] = mix_cpu[f"{key}_cpu_s"] / all_mix["n"] * 1000
        figures_out[f"baseline_{names[key]}_cpu_ms_per_request"] = baseline_cpu[f"{key}_cpu_s"] / all_base["n"] * 1000
    figures_out.update(
        {
            "client_cpu_share": mix_cpu["client_share"],
            "other_cpu_share": mix_cpu["other_share"],
            "machine_busy": mix_cpu["machine_busy"],
            "baseline_other_cpu_share": baseline_cpu["other_share"],
            "load1_start": load_start[0],
            **figures,
        }
    )
    if lag:
        figures_out.update({k: v for k, v in lag.items() if v is not None})
    if info["build_s"] is not None:
        figures_out["build_s"] = info["build_s"]
    say("")
    result(**figures_out)


if __name__ == "__main__":
    main()
