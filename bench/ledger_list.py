"""The applications ledger list (/ledgers/applications/) on a city-sized table (or a province's: --scale 10).

    python bench/ledger_list.py [--scale S] [--db sqlite|postgres] [--seed N] [--repeat N]

At --scale 1 the applications table holds 1,000,000 rows (the shared demo city of bench/_common.py; --scale 10:
10,000,000 in the demo year's partition). Through Django's test Client, logged in as the
demo users 'fzb' (依法治市办: the whole tree) and 'county_admin' (a county's subtree), it times full page
loads (request, middleware, queries, template) of:
  first    the first page, default sort (-received_on)
  deep     the page reached by following 下一页 DEEP_HOPS times (the keyset `after=` token)
  mid      a page whose `after=` token points at the middle of the visible rows (what a keyset must make
           as cheap as page 1; DEEP_HOPS only walks 1,000 rows in)
  sorted   ?sort=received_on
  filtered ?status=accepted
Each page's figure is the best of --repeat loads, and its p95 over them (one client, one after another: with
--repeat 20 the second slowest); the issue's target at --scale 10 is a p95 of first and deep ≤ 100 ms. Then
the bounded count (`fazhi.core.pagination.bounded_count`) the list shows ("超过 10000 条"), beside the
exact count for reference.

Baseline, same run, same data: one plain query any list page must run anyway,
    SELECT id, number, received_on FROM services_application ORDER BY received_on DESC, id DESC LIMIT 51
through django.db.connection.cursor(). Ratios are page/baseline. Each page is also split into its SQL time
(all statements it ran) and the rest (Python: middleware, filters, template); when a page's slowest
statement costs more than SLOW_RATIO baselines its plan is printed (EXPLAIN; EXPLAIN ANALYZE on PostgreSQL).
"""

from __future__ import annotations

import html
import re

from _common import QueryTimer, best_of, explain, parse_args, peak_rss_mib, result, say, setup, timed

DEEP_HOPS = 20
SLOW_RATIO = 20
BASELINE_SQL = "SELECT id, number, received_on FROM services_application ORDER BY received_on DESC, id DESC LIMIT 51"
NEXT_LINK = re.compile(r'id="next-page" href="([^"]+)"')
ROW_LINK = re.compile(r'<tr><td><a href="/ledgers/applications/\d+/"')
COUNT_TEXT = re.compile(r'id="ledger-count">([^<]*)<')


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])
    info = setup(args, "ledger_list", dataset="demo_city")  # the demo city the other benchmarks read

    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from fazhi.core.pagination import _encode, bounded_count
    from fazhi.services.models import Application

    list_url = reverse("ledger:applications-list")
    User = get_user_model()
    n = args.repeat

    def baseline():
        with connection.cursor() as cursor:
            cursor.execute(BASELINE_SQL)
            return cursor.fetchall()

    baseline_s, baseline_rows = best_of(baseline, n=max(n, 10))
    total = Application.objects.count()
    say(f"applications: {total:,} rows; baseline query ({len(baseline_rows)} rows): {baseline_s * 1000:.3f} ms")

    figures: dict = {"db": info["vendor"], "scale": args.scale, "seed": args.seed, "rows_total": total}
    if info["build_s"] is not None:
        figures["build_s"] = info["build_s"]
    figures["baseline_s"] = baseline_s
    slow: list[str] = []

    for tag, username in (("fzb", "fzb"), ("county", "county_admin")):
        user = User.objects.get(username=username)
        client = Client()
        client.force_login(user)
        visible = Application.objects.visible_to(user)
        visible_rows = visible.count()
        figures[f"{tag}_rows_visible"] = visible_rows
        say(f"\n== {username} ({user.get_role_display()}): {visible_rows:,} visible rows ==")

        def fetch(url):
            response = client.get(url)
            if response.status_code != 200:
                raise SystemExit(f"GET {url} as {username}: HTTP {response.status_code}")
            return response.content.decode()

        def measure(name, url):
            """Best and p95 of n full page loads; the SQL figures are those of the best run."""
            fetch(url)  # warm-up
            best, every = None, []
            for _ in range(n):
                with QueryTimer(connection) as queries:
                    seconds, page = timed(lambda: fetch(url))
                every.append(seconds)
                if best is None or seconds < best[0]:
                    best = (seconds, queries, page)
            seconds, queries, page = best
            p95 = sorted(every)[min(n - 1, round(0.95 * (n - 1)))]
            shown = len(ROW_LINK.findall(page))
            count_text = (COUNT_TEXT.search(page) or [None, "?"])[1].strip()
            slowest_s, slowest_sql, slowest_params = max(queries.detailed, key=lambda q: q[0])
            key = f"{tag}_{name}"
            figures.update(
                {
                    f"{key}_s": seconds,
                    f"{key}_p95_s": p95,
                    f"{key}_ratio": seconds / baseline_s,
                    f"{key}_sql_s": queries.seconds,
                    f"{key}_sql_ratio": queries.seconds / baseline_s,
                    f"{key}_queries": queries.queries,
                    f"{key}_slowest_sql_s": slowest_s,
                    f"{key}_rows": shown,
                }
            )
            say(
                f"  {name:9s} {seconds * 1000:9.2f} ms (p95 {p95 * 1000:7.2f}) = {seconds / baseline_s:8.1f} × "
                "baseline   "
                f"SQL {queries.seconds * 1000:8.2f} ms in {queries.queries} queries "
                f"(slowest {slowest_s * 1000:.2f} ms = {slowest_s / baseline_s:.1f} ×)   rows {shown}   [{count_text}]"
            )
            if slowest_s > SLOW_RATIO * baseline_s:
                slow.append(
                    f"--- {username} {name}: slowest statement {slowest_s * 1000:.2f} ms "
                    f"({slowest_s / baseline_s:.0f} × baseline)\n{_interpolated(slowest_sql, slowest_params)}\n"
                    f"{explain(slowest_sql, slowest_params)}"
                )
            return page

        first = measure("first", list_url)

        # Follow 下一页 DEEP_HOPS times, then time that page.
        page, url, hops = first, list_url, 0
        for _ in range(DEEP_HOPS):
            link = NEXT_LINK.search(page)
            if not link:
                break
            url = html.unescape(link.group(1))
            url = list_url + url if url.startswith("?") else url
            page = fetch(url)
            hops += 1
        figures[f"{tag}_deep_hops"] = hops
        if hops < DEEP_HOPS:
            say(f"  (only {hops} 下一页 links: fewer than {DEEP_HOPS * 50 + 1} visible rows)")
        measure("deep", url)

        # A token for the middle of the visible rows (what page visible_rows/100 would carry).
        middle = visible.order_by("-received_on", "-pk").values_list("received_on", "pk")[visible_rows // 2]
        measure("mid", f"{list_url}?after={_encode(middle[0].isoformat(), middle[1])}")

        measure("sorted", f"{list_url}?sort=received_on")
        measure("filtered", f"{list_url}?status=accepted")

        count_s, (count, capped) = best_of(lambda: bounded_count(visible), n=n)
        fcount_s, (fcount, fcapped) = best_of(lambda: bounded_count(visible.filter(status="accepted")), n=n)
        exact_s, _ = best_of(visible.count, n=min(n, 3))
        figures.update(
            {
                f"{tag}_count_s": count_s,
                f"{tag}_count_ratio": count_s / baseline_s,
                f"{tag}_count": count,
                f"{tag}_count_filtered_s": fcount_s,
                f"{tag}_count_filtered_ratio": fcount_s / baseline_s,
                f"{tag}_count_filtered": fcount,
                f"{tag}_count_exact_s": exact_s,
            }
        )
        say(
            f"  bounded count     {count_s * 1000:9.2f} ms = {count_s / baseline_s:8.1f} × baseline "
            f"({'> ' if capped else ''}{count})\n"
            f"  bounded count (status=accepted) {fcount_s * 1000:.2f} ms = {fcount_s / baseline_s:.1f} × "
            f"({'> ' if fcapped else ''}{fcount})\n"
            f"  exact count (reference) {exact_s * 1000:.2f} ms"
        )

    if slow:
        say(f"\nStatements slower than {SLOW_RATIO} × baseline, with their plans:")
        for text in slow:
            say(text)
    figures["slow_statements"] = len(slow)
    figures["peak_rss_mib"] = peak_rss_mib()
    say("")
    result(**figures)


def _interpolated(sql: str, params) -> str:
    """The statement with its parameters in place, for reading (not for running)."""
    if not params:
        return sql
    text = sql.replace("%s", "{}") if "%s" in sql else sql.replace("?", "{}")
    try:
        return text.format(
            *(
                str(p)
                if isinstance(p, (int, float)) and not isinstance(p, bool)
                else "'" + str(p).replace("'", "''") + "'"
                for p in params
            )
        )
    except (IndexError, KeyError, ValueError):
        return f"{sql}  -- params {list(params)!r}"


if __name__ == "__main__":
    main()
