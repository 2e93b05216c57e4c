"""The whole app under load: gunicorn on the demo city, many logged-in users at once.

    python bench/load.py [--scale S] [--db sqlite|postgres] [--clients 50] [--duration 60] [--baseline-duration 20]

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

Baseline, same run, same server, same clients: GET /healthz (one `SELECT 1`) for --baseline-duration
seconds. Ratios: rps_mix / rps_baseline and p99_mix / p99_baseline.

CPU: the clients share the machine with gunicorn and the database; on a 2-core machine they take a visible
part of it. For each phase the output splits the machine's busy time into this process (the clients), the
gunicorn workers, the local PostgreSQL server (all its databases) and other processes (anything else that
ran, e.g. someone's test suite), and prints the load average before and after: figures taken while other
processes hold the CPU are lower than the machine can do.
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
import time
from collections import defaultdict
from pathlib import Path

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
        help="gunicorn sync workers (default 2 × cores + 1)",
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
            ids = list(model.objects.visible_to(user).order_by("pk").values_list("pk", flat=True))
            details += [f"/ledgers/{slug}/{pk}/" for pk in rng.sample(ids, min(len(ids), DETAIL_SAMPLE))]
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
            data = {"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), "on": writer["today"]}
            if step == "decide":
                data["outcome"] = "approved"
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


def process_cpu(pids) -> float:
    tick, total = os.sysconf("SC_CLK_TCK"), 0.0
    for pid in pids:
        try:
            parts = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(parts[11]) + int(parts[12])) / tick
        except (OSError, IndexError, ValueError):
            pass
    return total


def postgres_cpu() -> float:
    """CPU seconds of the local PostgreSQL server: its live processes, plus what its exited children (parallel
    workers) left in the postmaster's cutime/cstime. Every database of that server counts."""
    tick, rows = os.sysconf("SC_CLK_TCK"), {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            text = (entry / "stat").read_text()
        except OSError:
            continue
        comm, rest = text[text.index("(") + 1 : text.rindex(")")], text[text.rindex(")") + 2 :].split()
        if comm == "postgres":
            rows[int(entry.name)] = (int(rest[1]), *(int(x) for x in rest[11:15]))
    total = 0
    for _pid, (ppid, utime, stime, cutime, cstime) in rows.items():
        total += utime + stime + (cutime + cstime if ppid not in rows else 0)
    return total / tick


def children_of(pid) -> list[int]:
    try:
        return [int(x) for x in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


class CpuMeter:
    """Who used the machine during a phase: clients, gunicorn, PostgreSQL, and everything else."""

    def __init__(self, server_pid, vendor):
        self.server_pid, self.vendor = server_pid, vendor

    def snapshot(self):
        busy, total = machine_cpu()
        own = sum(os.times()[:2])
        pids = [self.server_pid, *children_of(self.server_pid)]
        database = postgres_cpu() if self.vendor == "postgresql" else 0.0  # SQLite runs inside gunicorn
        return time.perf_counter(), busy, total, own, process_cpu(pids), database

    @staticmethod
    def delta(a, b, ncpu):
        capacity = (b[0] - a[0]) * ncpu
        out = {"machine_busy": (b[1] - a[1]) / capacity}
        for name, i in (("client", 3), ("server", 4), ("database", 5)):
            out[f"{name}_cpu_s"], out[f"{name}_share"] = b[i] - a[i], (b[i] - a[i]) / capacity
        out["other_share"] = max(
            0.0, out["machine_busy"] - out["client_share"] - out["server_share"] - out["database_share"]
        )
        return out


# -- the run ---------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(database_url, port, workers, log_path):
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
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [
        str(gunicorn) if gunicorn.exists() else "gunicorn",
        "fazhi.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--backlog",
        "2048",
        "--timeout",
        "30",
        "--error-logfile",
        str(log_path),
        "--log-level",
        "warning",
    ]
    return subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


async def wait_until_up(session, base, server, seconds=60):
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"gunicorn exited with {server.returncode} before answering")
        try:
            async with session.get(base + "/healthz") as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        await asyncio.sleep(0.3)
    raise SystemExit("gunicorn did not answer /healthz in time")


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


async def drive(args, base, server, plan, tag, vendor):
    import aiohttp

    ncpu = os.cpu_count() or 1
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

        meter, figures = CpuMeter(server.pid, vendor), {}

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
        mix_stats.recording, a = True, meter.snapshot()
        await phase(clients, args.duration, mix)
        b, mix_stats.recording = meter.snapshot(), False
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


def main() -> None:
    args = parse_args(__doc__.splitlines()[0], extra=extra_options)
    try:
        import aiohttp  # noqa: F401
    except ImportError as err:
        raise SystemExit("bench/load.py needs aiohttp: pip install -e '.[bench]'") from err
    load_start = os.getloadavg()
    info = setup(args, "load", dataset="demo_city")
    database_url, drop = clone_database(info)
    say(f"serving a copy: {_safe_url(database_url)}")
    server = None
    try:
        rng = random.Random(args.seed)
        plan = prepare(rng)
        for username, p in plan.items():
            say(
                f"  {username:12s} ({p['role']}): {p['visible_applications']:,} visible 办件, "
                f"{len(p['details'])} records to open, {'writes' if p['writer'] else 'read-only'}"
            )
        from django.db import connection

        connection.close()  # the server's connections only, during the run
        port, log_path = free_port(), DATA_DIR / f"load-gunicorn-{os.getpid()}.log"
        server = start_gunicorn(database_url, port, args.workers, log_path)
        say(
            f"gunicorn: {args.workers} sync workers on 127.0.0.1:{port}; {args.clients} clients; "
            f"{os.cpu_count()} CPU cores shared by clients, server and database; load average before: "
            f"{' '.join(f'{x:.2f}' for x in load_start)}"
        )
        tag = f"{os.getpid()}"
        stats, baseline, baseline_cpu, mix_stats, mixed, mix_cpu, done, expected, figures = asyncio.run(
            drive(args, f"http://127.0.0.1:{port}", server, plan, tag, info["vendor"])
        )
    finally:
        if server is not None:
            server.send_signal(signal.SIGTERM)
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
    server_log = log_path.read_text(errors="replace") if log_path.exists() else ""
    try:
        problems, counts = verify_writes(tag, expected)
    finally:
        drop()

    print_table(f"baseline: GET /healthz, {args.clients} clients, {args.baseline_duration:g} s", baseline)
    print_table(f"mix: {args.clients} clients, {args.duration:g} s", mixed)
    for name, cpu in (("baseline", baseline_cpu), ("mix", mix_cpu)):
        say(
            f"CPU during {name} (share of {os.cpu_count()} cores): machine {cpu['machine_busy']:.0%} busy = "
            f"clients (this process) {cpu['client_share']:.0%} + gunicorn {cpu['server_share']:.0%} + "
            f"PostgreSQL server {cpu['database_share']:.0%} + other processes {cpu['other_share']:.0%}"
        )
    say(
        f"writes confirmed to clients in the timed mix: {done}; this run's 办件 in the database by status "
        f"(warm-up included), all as confirmed: {counts}"
    )
    examples = mix_stats.error_examples + stats.error_examples
    if examples:
        say("errors (first ones):\n  " + "\n  ".join(examples))
    tracebacks = [
        line for line in server_log.splitlines() if "Traceback" in line or "WORKER TIMEOUT" in line or "Error" in line
    ]
    if tracebacks:
        say(
            f"gunicorn error log {log_path} ({len(tracebacks)} lines of errors), first ones:\n  "
            + "\n  ".join(tracebacks[:10])
        )
    else:
        log_path.unlink(missing_ok=True)
    for problem in problems:
        say(f"write check: {problem}")

    all_mix, all_base = mixed.get("all"), baseline.get("all")
    errors = (all_mix["errors"] if all_mix else 0) + (all_base["errors"] if all_base else 0) + len(problems)
    figures_out = {
        "db": info["vendor"],
        "scale": args.scale,
        "seed": args.seed,
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
    figures_out.update(
        {
            "client_cpu_share": mix_cpu["client_share"],
            "server_cpu_share": mix_cpu["server_share"],
            "db_cpu_share": mix_cpu["database_share"],
            "other_cpu_share": mix_cpu["other_share"],
            "machine_busy": mix_cpu["machine_busy"],
            "baseline_other_cpu_share": baseline_cpu["other_share"],
            "load1_start": load_start[0],
            **figures,
        }
    )
    if info["build_s"] is not None:
        figures_out["build_s"] = info["build_s"]
    say("")
    result(**figures_out)


if __name__ == "__main__":
    main()
