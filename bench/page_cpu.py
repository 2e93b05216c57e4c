"""CPU per request by page kind: what one page costs the app server, in-process, on the demo city.

    python bench/page_cpu.py [--scale S] [--db sqlite|postgres] [--seed N] [--requests 40] [--profile KIND]

Data: the shared demo city (`fazhi.demo.generator.DemoBuilder`, dataset `demo_city`, the one bench/load.py
serves; scale 1 = 1,000,000 applications), built once and reused. The pages only read; the logins add a
session each (deleted at the end) and set the demo users' last_login.

Settings as in production (FAZHI_ENV=production, DEBUG off, a random secret, the HTTPS redirect on: requests
are sent as https), so Django's cached template loader is in force (its class is printed), and the process first
imports fazhi.wsgi as a gunicorn worker does (which freezes the loaded objects for the GC). Through Django's
test Client, in this process, logged in (force_login) as the demo users fzb (依法治市办, whole city),
county_admin (a county), clerk (one department) and leader (read-only, a county), round robin, it requests
each page kind of bench/load.py's mix:
  list_first   first page of a ledger list (applications, cases, ratings, service items)
  list_filter  the applications list with a filter (status, channel, overdue, another sort, a unit)
  list_next    a page reached by 下一页 (keyset `after=` cursor), 1 to NEXT_HOPS pages deep
  detail       a record's detail page (application, case, rating) in the user's scope
  dashboard    the home dashboard (工作台)
  figures      an area's figures page (services, enforcement, disputes, rulemaking, assessment)
  healthz      GET /healthz (one `SELECT 1`): the baseline, the least a request costs
--requests requests of each kind (untimed warm-up round first), the kinds taking turns request by request so
a machine that slows down for a while slows every kind alike. Every response must be 200.

CPU: time.process_time() around each request, i.e. this process's user + system CPU: URL routing,
middleware, session and user, view, queries, template rendering, and the test Client's own small overhead,
which /healthz pays as well. Of it, "in SQL" is the CPU spent inside the database driver's calls (execute and
the fetches): on SQLite the database engine itself, which runs in this process; on PostgreSQL only the
driver's share, the server's CPU being outside this process and not counted at all. "app" = CPU - in SQL: what
the app server spends on a page apart from the database's work, comparable between the two backends.
Printed per kind: mean and median ms, the ratio of the mean CPU to /healthz's, statements per page.

--profile KIND runs that kind's requests once more under cProfile and prints the functions by total and
cumulative time (a starting point for cutting a page's cost).
"""

from __future__ import annotations

import cProfile
import html
import io
import os
import pstats
import random
import re
import secrets
import statistics
import time

from _common import parse_args, result, say, setup

ROLES = ["fzb", "county_admin", "clerk", "leader"]
KINDS = ["list_first", "list_filter", "list_next", "detail", "dashboard", "figures", "healthz"]
LIST_LEDGERS = ["applications", "cases", "ratings", "service-items"]
FILTERS = [
    "?status=accepted",
    "?channel=window",
    "?overdue=true",
    "?sort=received_on",
    "?status=decided&channel=online",
]
FIGURE_PAGES = ["/services/figures/", "/enforcement/figures/", "/disputes/figures/", "/rulemaking/", "/assessment/"]
DETAIL_LEDGERS = ["applications", "cases", "ratings"]
DETAILS_PER_LEDGER = 20
NEXT_HOPS = 5
NEXT_LINK = re.compile(r'id="next-page" href="([^"]+)"')


def extra_options(parser) -> None:
    parser.add_argument("--requests", type=int, default=40, help="timed requests of each kind (default 40)")
    parser.add_argument("--profile", choices=KINDS, help="also profile this kind's requests (cProfile)")
    parser.add_argument("--profile-lines", type=int, default=40, help="functions listed per profile order")


def production_environment() -> None:
    """What gunicorn gets in bench/load.py, less what only a socket needs; set before django.setup()."""
    os.environ["FAZHI_ENV"] = "production"
    os.environ["FAZHI_DEBUG"] = "0"
    os.environ["FAZHI_SECRET_KEY"] = secrets.token_urlsafe(50)
    os.environ["FAZHI_ALLOWED_HOSTS"] = "testserver"
    os.environ["FAZHI_CONN_MAX_AGE"] = "600"


def prepare(rng: random.Random) -> dict:
    """Per demo user: its logged-in test Client and, per kind, the URLs it requests in turn."""
    from django.test import Client

    from fazhi.enforcement.models import Case
    from fazhi.org.models import Unit, User
    from fazhi.services.models import Application, Rating

    models = {"applications": Application, "cases": Case, "ratings": Rating}
    plan = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        details = []
        for slug in DETAIL_LEDGERS:
            ids = list(models[slug].objects.visible_to(user).order_by("pk").values_list("pk", flat=True))
            details += [f"/ledgers/{slug}/{pk}/" for pk in rng.sample(ids, min(len(ids), DETAILS_PER_LEDGER))]
        units = list(Unit.objects.visible_to(user).values_list("pk", flat=True))
        filters = [f"/ledgers/applications/{q}" for q in FILTERS]
        filters += [f"/ledgers/applications/?unit={rng.choice(units)}" for _ in range(3)]
        urls = {
            "list_first": [f"/ledgers/{slug}/" for slug in LIST_LEDGERS],
            "list_filter": filters,
            "list_next": [],
            "detail": details,
            "dashboard": ["/"],
            "figures": FIGURE_PAGES,
            "healthz": ["/healthz"],
        }
        for start in ("/ledgers/applications/", "/ledgers/applications/?status=accepted", "/ledgers/cases/"):
            url = start
            for _ in range(NEXT_HOPS):  # untimed: walk 下一页 and keep each page's link
                link = NEXT_LINK.search(fetch(client, url).content.decode())
                if not link:
                    break
                url = start.split("?")[0] + html.unescape(link.group(1))
                urls["list_next"].append(url)
        for kind, found in urls.items():
            if not found:
                raise SystemExit(f"{username}: no URL to request for {kind}")
        plan[username] = {"client": client, "urls": urls, "role": user.get_role_display()}
    return plan


def fetch(client, url):
    response = client.get(url, secure=True)
    if response.status_code != 200:
        raise SystemExit(f"GET {url}: HTTP {response.status_code} (expected 200)")
    return response


def schedule(plan: dict, n: int) -> dict[str, list[tuple[object, str]]]:
    """Per kind, n (client, url) pairs: users round robin, each user's URLs in turn."""
    out = {}
    for kind in KINDS:
        pairs, cursor = [], dict.fromkeys(ROLES, 0)
        for i in range(n):
            username = ROLES[i % len(ROLES)]
            urls = plan[username]["urls"][kind]
            pairs.append((plan[username]["client"], urls[cursor[username] % len(urls)]))
            cursor[username] += 1
        out[kind] = pairs
    return out


class SqlClock:
    """CPU this process spends inside the database driver, and the statements it runs.

    Statements through `connection.execute_wrapper`; the fetches (where SQLite steps through most of a query's
    rows) by timing Django's CursorWrapper.fetchone/fetchmany/fetchall, patched for this run only."""

    def __init__(self):
        self.cpu = 0.0
        self.queries = 0

    def __call__(self, execute, sql, params, many, context):
        start = time.process_time()
        try:
            return execute(sql, params, many, context)
        finally:
            self.cpu += time.process_time() - start
            self.queries += 1

    def patch_fetches(self) -> None:
        from django.db.backends import utils

        clock = self

        def timed(name):
            def fetch(self, *args):
                start = time.process_time()
                try:
                    with self.db.wrap_database_errors:
                        return getattr(self.cursor, name)(*args)
                finally:
                    clock.cpu += time.process_time() - start

            return fetch

        for name in ("fetchone", "fetchmany", "fetchall"):
            setattr(utils.CursorWrapper, name, timed(name))


def measure(requests: dict[str, list], clock: SqlClock) -> dict[str, dict[str, list]]:
    """Per kind and request: CPU seconds, of them in the database driver, statements. The kinds take turns, one
    request each per turn."""
    from django.db import connection

    spent = {kind: {"cpu": [], "sql": [], "queries": []} for kind in requests}
    with connection.execute_wrapper(clock):
        for i in range(max(len(pairs) for pairs in requests.values())):
            for kind, pairs in requests.items():
                if i >= len(pairs):
                    continue
                client, url = pairs[i]
                clock.cpu, clock.queries = 0.0, 0
                start = time.process_time()
                response = client.get(url, secure=True)
                spent[kind]["cpu"].append(time.process_time() - start)
                spent[kind]["sql"].append(clock.cpu)
                spent[kind]["queries"].append(clock.queries)
                if response.status_code != 200:
                    raise SystemExit(f"GET {url}: HTTP {response.status_code} (expected 200)")
    return spent


def profile(kind: str, pairs: list, lines: int) -> None:
    profiler = cProfile.Profile(time.process_time)  # CPU, as the figures: not the waits on the database
    profiler.enable()
    for client, url in pairs:
        fetch(client, url)
    profiler.disable()
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).strip_dirs().sort_stats(order).print_stats(lines)
        say(f"\n== profile of {kind} ({len(pairs)} requests), by {order} ==")
        say(out.getvalue())


def main() -> None:
    production_environment()
    args = parse_args(__doc__.splitlines()[0], extra=extra_options)
    if args.requests < 1:
        raise SystemExit("--requests must be at least 1")
    info = setup(args, "page_cpu", dataset="demo_city")
    from django.conf import settings
    from django.contrib.sessions.models import Session
    from django.template import engines

    import fazhi.wsgi  # noqa: F401 - what a gunicorn worker runs first (it freezes the loaded objects for the GC)

    loaders = engines["django"].engine.template_loaders
    say(
        f"DEBUG={settings.DEBUG}; template loaders: "
        + ", ".join(f"{type(x).__module__}.{type(x).__name__}" for x in loaders)
    )
    rng = random.Random(args.seed)
    before = set(Session.objects.values_list("session_key", flat=True))
    try:
        plan = prepare(rng)
        for username, p in plan.items():
            sizes = ", ".join(f"{k} {len(v)}" for k, v in p["urls"].items() if k != "healthz")
            say(f"  {username:12s} ({p['role']}): URLs {sizes}")
        requests = schedule(plan, args.requests)
        clock = SqlClock()
        clock.patch_fetches()
        measure({kind: pairs[: len(ROLES) * 2] for kind, pairs in requests.items()}, clock)  # warm-up, untimed
        spent = measure(requests, clock)
        if args.profile:
            profile(args.profile, requests[args.profile], args.profile_lines)
    finally:
        Session.objects.exclude(session_key__in=before).delete()

    mean, median = statistics.mean, statistics.median
    base = mean(spent["healthz"]["cpu"])
    say(f"\nms CPU per request ({args.requests} requests per kind, {info['vendor']}, scale {args.scale:g})")
    say(
        f"  {'kind':12s} {'CPU':>7s} {'median':>7s} {'in SQL':>7s} {'app':>7s} {'median':>7s} {'× healthz':>9s} "
        f"{'queries':>7s}"
    )
    figures = {"db": info["vendor"], "scale": args.scale, "seed": args.seed, "requests": args.requests}
    for kind in KINDS:
        cpu, sql = spent[kind]["cpu"], spent[kind]["sql"]
        app = [c - s for c, s in zip(cpu, sql, strict=True)]
        queries = mean(spent[kind]["queries"])
        say(
            f"  {kind:12s} {mean(cpu) * 1000:7.2f} {median(cpu) * 1000:7.2f} {mean(sql) * 1000:7.2f} "
            f"{mean(app) * 1000:7.2f} {median(app) * 1000:7.2f} {mean(cpu) / base:9.1f} {queries:7.1f}"
        )
        figures[f"{kind}_cpu_ms"] = mean(cpu) * 1000
        figures[f"{kind}_app_ms"] = mean(app) * 1000
        figures[f"{kind}_ratio"] = mean(cpu) / base
        figures[f"{kind}_queries"] = queries
    if info["build_s"] is not None:
        figures["build_s"] = info["build_s"]
    say("")
    result(**figures)


if __name__ == "__main__":
    main()
