"""The nightly deadline scan over the demo city, beside reading the open records' ids and due dates alone.

    python bench/deadline_scan.py [--scale S] [--db sqlite|postgres] [--repeat N]

--scale 1: the demo city at 1,000,000 applications. Every unit gets one clerk (created once, committed), so the
scan has someone to warn in every unit, and the scan day is 15 December of the demo year (a working day with
rows due before, on and after it).
Baseline, measured in the same run on the same data: for every duty of every ledger, the ids and due dates of
the rows that still owe the step (`Duty.pending`), all of them — the least any scan must read.
Measured, each inside a transaction rolled back afterwards:
- `steady`: `fazhi.todo.scan.scan` on a night after a night already scanned (its warnings and cards are there):
  the red/yellow card queries, the rows in the warning window, the check that each was already warned about,
  the office's summary; what the scheduled job costs every night. Target: ≤ 3× the baseline.
- `first`: the same scan on a database that has never been scanned (no notification, no card, no scan run):
  every open row in the window becomes a warning for each clerk of its unit, with its label.
The cases take turns round by round; reported: the best of --repeat rounds of each and the ratios of the bests.
"""

from __future__ import annotations

import datetime as dt
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import commit_time_checks, interleaved, parse_args, result, say, setup


class Rollback(Exception):
    pass


def main():
    args = parse_args(__doc__.splitlines()[0])
    setup(args, "deadline_scan", dataset="demo_city")
    from django.db import transaction

    from fazhi.demo.generator import DEMO_YEAR
    from fazhi.notices.models import Notification
    from fazhi.org.choices import Role
    from fazhi.org.models import Unit, User
    from fazhi.services.models import SupervisionCard
    from fazhi.todo.items import sources
    from fazhi.todo.models import ScanRun
    from fazhi.todo.scan import scan

    day = dt.date(DEMO_YEAR, 12, 15)
    with transaction.atomic():
        for unit in Unit.objects.filter(users__isnull=True):
            User.objects.get_or_create(username=f"bench-clerk-{unit.code}", defaults={"role": Role.CLERK, "unit": unit})
    clerks = User.objects.filter(role=Role.CLERK).count()
    if not ScanRun.objects.filter(day=day - dt.timedelta(days=3), finished_at__isnull=False).exists():
        say("scanning the night before once (committed), for the steady case …")
        scan(day - dt.timedelta(days=3))

    def baseline() -> float:
        start = time.perf_counter()
        rows = 0
        for source in sources():
            model = source.ledger.model
            for _ in (
                model.objects.filter(source.duty.pending)
                .values_list("pk", source.duty.due_field)
                .iterator(chunk_size=5000)
            ):
                rows += 1
        baseline.rows = rows
        return time.perf_counter() - start

    def rolled_back(prepare):
        def case() -> float:
            elapsed = 0.0
            try:
                with transaction.atomic():
                    prepare()
                    start = time.perf_counter()
                    case.result = scan(day)
                    commit_time_checks()
                    elapsed = time.perf_counter() - start
                    raise Rollback
            except Rollback:
                pass
            return elapsed

        return case

    def never_scanned():
        Notification.objects.all().delete()
        SupervisionCard.objects.all().delete()
        ScanRun.objects.all().delete()

    steady = rolled_back(lambda: None)
    first = rolled_back(never_scanned)
    seconds = interleaved({"baseline": baseline, "steady": steady, "first": first}, n=args.repeat)
    best = {name: min(values) for name, values in seconds.items()}
    say(
        f"open rows {baseline.rows}, clerks {clerks}; steady scan: {steady.result.rows} rows in the window, "
        f"{steady.result.notices} new notices; first scan: {first.result.notices} notices, "
        f"{first.result.yellow_cards} yellow / {first.result.red_cards} red cards"
    )
    say(f"baseline {best['baseline']:.3f} s, steady {best['steady']:.3f} s, first {best['first']:.3f} s")
    result(
        open_rows=baseline.rows,
        window_rows=steady.result.rows,
        baseline_s=best["baseline"],
        steady_s=best["steady"],
        first_s=best["first"],
        steady_ratio=best["steady"] / best["baseline"],
        first_ratio=best["first"] / best["baseline"],
        first_notices=first.result.notices,
    )


if __name__ == "__main__":
    main()
