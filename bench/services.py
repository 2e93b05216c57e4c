"""政务服务 at a city's volume: all metrics for all units, and a 100,000-row Excel import.

    python bench/services.py [--scale S] [--db sqlite|postgres] [--import-rows N]

--scale 1: the demo city (78 service units, ~3,000 items, 1,000,000 applications, 200,000 ratings) and an
import file of 100,000 applications. Baselines, measured in the same run on the same data:
- metrics: one plain `SELECT unit_id, COUNT(*) FROM services_application GROUP BY unit_id`;
- import:  openpyxl reading the same file in read-only mode and nothing else.
Targets: metrics ≤ 3× the scan; import ≤ 3× the read; import memory flat in the file's size (the peak at
half the rows is printed beside the peak at all of them).
--scale 10 (a province: 10,000,000 applications, bench/_common.py) times the metrics the same way; its import would
be 1,000,000 rows, which is not what a city uploads at once: `--import-rows 0` leaves the import out, N sets its size.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import (
    best_of,
    commit_time_checks,
    interleaved,
    paired_median,
    parse_args,
    result,
    say,
    setup,
    timed,
    traced_peak_mib,
)

IMPORT_ROWS = 100_000


def make_import_file(path: Path, rows: int, items, seed: int) -> None:
    from openpyxl import Workbook

    from fazhi.core.identifiers import id_check_char
    from fazhi.law.calendar import default_calendar
    from fazhi.services.importers import ApplicationImport

    rng, calendar = random.Random(seed), default_calendar()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("办件")
    sheet.append([c.header for c in ApplicationImport().columns])
    for n in range(rows):
        item = items[n % len(items)]
        received = calendar.add_workdays(dt.date(2026, 1, 5), rng.randrange(200))
        body = (
            f"990102{1960 + rng.randrange(40)}0{1 + rng.randrange(9)}{10 + rng.randrange(18)}{rng.randrange(1000):03d}"
        )
        decided = calendar.add_workdays(received, rng.randint(0, item.promised_limit or 1))
        sheet.append(
            [
                f"IMPORT{n:09d}",
                item.code,
                "自然人",
                "导入测试",
                body + id_check_char(body),
                "网上办理",
                received,
                received,
                decided,
                "准予",
            ]
        )
    workbook.save(path)


def extra_options(parser) -> None:
    parser.add_argument(
        "--import-rows",
        type=int,
        default=None,
        help=f"rows of the Excel import (default {IMPORT_ROWS:,} × scale, at least 1,000; 0: no import)",
    )


def main():
    args = parse_args(__doc__.splitlines()[0], extra=extra_options)
    info = setup(args, "services", dataset="demo_city")
    from django.db import connection

    from fazhi.metrics.registry import Period, unit_metrics
    from fazhi.org.models import Unit
    from fazhi.services.models import Application, Rating, ServiceItem

    units = list(Unit.objects.all())
    counts = {
        "units": len(units),
        "items": ServiceItem.objects.count(),
        "applications": Application.objects.count(),
        "ratings": Rating.objects.count(),
    }
    say(f"{info['vendor']}: {counts}")
    period = Period.year(2025)

    def plain_scan():
        with connection.cursor() as cursor:
            cursor.execute("SELECT unit_id, COUNT(*) FROM services_application GROUP BY unit_id")
            return cursor.fetchall()

    def all_metrics():
        return unit_metrics(period, units, families=["services"])

    def every_family():
        return unit_metrics(period, units)

    values = all_metrics()
    rounds = interleaved(
        {
            "scan": lambda: timed(plain_scan)[0],
            "metrics": lambda: timed(all_metrics)[0],
            "families": lambda: timed(every_family)[0],
        },
        n=args.repeat,
    )
    scan_s, metrics_s, families_s = (min(rounds[name]) for name in ("scan", "metrics", "families"))
    top = min(units, key=lambda u: u.depth)
    say(
        f"plain GROUP BY scan: {scan_s:.3f}s; all 政务服务 metrics for {len(units)} units: {metrics_s:.3f}s "
        f"(ratio {metrics_s / scan_s:.2f}, median of rounds {paired_median(rounds['metrics'], rounds['scan']):.2f}); "
        f"every metric of every family: {families_s:.3f}s (ratio {families_s / scan_s:.2f}); "
        f"city received {values[top.pk]['applications_received']:.0f}, "
        f"on-time rate {values[top.pk]['applications_on_time_rate']:.4f}"
    )
    figures = {
        "db": info["vendor"],
        "scale": args.scale,
        "units": counts["units"],
        "items": counts["items"],
        "applications": counts["applications"],
        "ratings": counts["ratings"],
        "scan_s": scan_s,
        "metrics_s": metrics_s,
        "metrics_ratio": metrics_s / scan_s,
        "metrics_ratio_median": paired_median(rounds["metrics"], rounds["scan"]),
        "all_families_s": families_s,
        "all_families_ratio": families_s / scan_s,
    }
    if info["build_s"] is not None:
        figures["build_s"] = info["build_s"]
    rows = max(1000, round(IMPORT_ROWS * args.scale)) if args.import_rows is None else args.import_rows
    if rows > 0:
        figures.update(measure_import(args, rows))
    result(**figures)


def measure_import(args, rows: int) -> dict:
    from django.db import transaction

    from fazhi.core.importing import run_import
    from fazhi.org.models import User
    from fazhi.services.importers import ApplicationImport
    from fazhi.services.models import ServiceItem

    items = list(ServiceItem.objects.order_by("id")[:500])
    user = User.objects.get(username="fzb")
    spec = ApplicationImport()
    with tempfile.TemporaryDirectory() as folder:
        full, half = Path(folder) / "full.xlsx", Path(folder) / "half.xlsx"
        make_import_file(full, rows, items, args.seed)
        make_import_file(half, rows // 2, items, args.seed)

        def read_only():
            from openpyxl import load_workbook

            workbook = load_workbook(full, read_only=True)
            count = sum(1 for _ in workbook.worksheets[0].iter_rows(values_only=True))
            workbook.close()
            return count

        def import_rolled_back(path):
            def run():
                with transaction.atomic():
                    imported = run_import(spec, path, user).rows
                    commit_time_checks()
                    transaction.set_rollback(True)  # keep the benchmark database as built
                return imported

            return run

        read_s, read_rows = best_of(read_only, n=max(1, args.repeat // 2))
        import_s, imported = timed(import_rolled_back(full))
        assert imported == rows == read_rows - 1, (imported, rows, read_rows)
        peak_half, _ = traced_peak_mib(import_rolled_back(half))
        peak_full, _ = traced_peak_mib(import_rolled_back(full))
        read_peak_full, _ = traced_peak_mib(read_only)
    # openpyxl keeps an .xlsx file's shared-string table in memory to read it at all: that part grows with
    # the file for the baseline too; what the import adds on top of it is what must stay flat.
    say(
        f"import {rows} rows: {import_s:.2f}s; openpyxl read only: {read_s:.2f}s (ratio {import_s / read_s:.2f}); "
        f"peak Python heap {peak_half:.1f} MiB at {rows // 2} rows, {peak_full:.1f} MiB at {rows} rows; "
        f"reading alone peaks at {read_peak_full:.1f} MiB, so the import adds {peak_full - read_peak_full:.1f} MiB"
    )
    return {
        "import_rows": rows,
        "read_s": read_s,
        "import_s": import_s,
        "import_ratio": import_s / read_s,
        "import_peak_mib_half": peak_half,
        "import_peak_mib": peak_full,
        "read_peak_mib": read_peak_full,
        "import_extra_mib": peak_full - read_peak_full,
    }


if __name__ == "__main__":
    main()
