"""Bulk sync of 办件 from the provincial platform: one batch through the steps, against a plain bulk insert.

    python bench/sync.py [--scale S] [--db sqlite|postgres]

--scale 1: the demo city's units and ~3,000 service items, and a batch of 10,000 applications as the platform
exports them (dates of the steps taken: about 1.5% refused, 2% still open, the rest decided, some late).
Cases, taking turns, each in a transaction rolled back afterwards (PostgreSQL's commit-time foreign-key checks
forced inside the timing):
- sync:     `sync_batch` — parse and check each JSON record, replay 受理/办结 with the steps' checks, derive the
            due date and on-time flag, write the rows with their history (the POST /api/applications/sync/ path
            without HTTP);
- resend:   the same batch again once it is stored: every record compared, nothing written;
- baseline: Django's `bulk_create` of the same 10,000 rows, already built and computed (no checks, no history).
Target: sync ≤ 3× the baseline.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import commit_time_checks, interleaved, paired_median, parse_args, result, say, setup

BATCH = 10_000
ITEMS = 3_000


def build(args) -> None:
    """The demo city's organisation, its users and a service catalogue; no applications (the batch brings them)."""
    from fazhi.demo.generator import DemoBuilder
    from fazhi.services.choices import ItemType
    from fazhi.services.models import ServiceItem

    rng = random.Random(args.seed)
    builder = DemoBuilder(seed=args.seed, scale=args.scale, log=say)
    city = builder.build_org()
    units = city.service_units
    ServiceItem.objects.bulk_create(
        [
            ServiceItem(
                unit=units[i % len(units)],
                code=f"SYNC-{i:05d}",
                name=f"同步测试事项{i}",
                item_type=ItemType.LICENSING,
                statutory_limit=20,
                promised_limit=rng.choice([0, 1, 3, 5, 8, 10]),
                effective_from=dt.date(2023, 1, 1),
            )
            for i in range(max(len(units), round(ITEMS * min(args.scale, 1))))
        ]
    )


def make_batch(items, size: int, seed: int) -> list[dict]:
    from fazhi.core.identifiers import id_check_char
    from fazhi.law.calendar import default_calendar

    rng, calendar = random.Random(seed), default_calendar()
    records = []
    for n in range(size):
        item = items[rng.randrange(len(items))]
        received = calendar.add_workdays(dt.date(2025, 1, 2), rng.randrange(230))
        body = (
            f"990102{1960 + rng.randrange(40)}0{1 + rng.randrange(9)}{10 + rng.randrange(18)}{rng.randrange(1000):03d}"
        )
        record = {
            "number": f"SYNC2025{n:08d}",
            "item": item.code,
            "applicant_type": "person",
            "applicant_name": "同步测试",
            "applicant_id_number": body + id_check_char(body),
            "channel": "online",
            "received_on": received.isoformat(),
        }
        draw = rng.random()
        if draw < 0.015:
            record.update(refused=True, decided_on=calendar.add_workdays(received, 2).isoformat())
        else:
            record["accepted_on"] = received.isoformat()
            if draw > 0.035:
                spent = rng.randint(0, item.promised_limit + (3 if rng.random() < 0.03 else 0))
                record.update(decided_on=calendar.add_workdays(received, spent).isoformat(), outcome="approved")
        records.append(record)
    return records


def plain_rows(records, items_by_code) -> list:
    """The rows the batch makes, as the sync computes them, for the baseline's bulk_create."""
    from fazhi.law.calendar import default_calendar
    from fazhi.services.sync import build_new, parse_record

    calendar = default_calendar()
    return [
        build_new(parse_record(raw, n)[0], items_by_code[raw["item"]], calendar) for n, raw in enumerate(records, 1)
    ]


def main():
    args = parse_args(__doc__.splitlines()[0])
    info = setup(args, "sync", build=build)
    import copy
    import time

    from django.db import transaction

    from fazhi.org.models import User
    from fazhi.services.models import Application, ServiceItem
    from fazhi.services.sync import sync_batch

    class Rollback(Exception):
        pass

    user = User.objects.get(username="fzb")
    items = list(ServiceItem.objects.order_by("id"))
    size = max(100, round(BATCH * args.scale))
    records = make_batch(items, size, args.seed)
    rows = plain_rows(records, {item.code: item for item in items})
    say(f"{info['vendor']}: {len(items)} items, batch of {len(records)} applications")

    def rolled_back(work):
        def case():
            start = 0.0
            try:
                with transaction.atomic():
                    start = time.perf_counter()
                    work()
                    commit_time_checks()
                    elapsed = time.perf_counter() - start
                    raise Rollback
            except Rollback:
                return elapsed

        return case

    def sync():
        outcome = sync_batch(records, user)
        assert outcome.created == len(records), outcome

    def resend():
        outcome = sync_batch(records, user)
        assert outcome.unchanged == len(records), outcome

    def baseline():
        Application.objects.bulk_create([copy.copy(row) for row in rows], batch_size=2000)

    seconds = interleaved(
        {
            "baseline": rolled_back(baseline),
            "sync": rolled_back(sync),
            "resend": _resend_case(records, user, rolled_back(resend)),
        },
        n=args.repeat,
        warmup=1,
    )
    best = {name: min(values) for name, values in seconds.items()}
    say(
        f"bulk_create {best['baseline']:.3f}s; sync {best['sync']:.3f}s; "
        f"resend of the stored batch {best['resend']:.3f}s"
    )
    result(
        records=len(records),
        baseline_s=best["baseline"],
        sync_s=best["sync"],
        resend_s=best["resend"],
        ratio=best["sync"] / best["baseline"],
        ratio_median=paired_median(seconds["sync"], seconds["baseline"]),
        resend_ratio=best["resend"] / best["baseline"],
        target=3,
    )


def _resend_case(records, user, timed_resend):
    """Store the batch (untimed, in an outer transaction), time the resend, and roll both back."""
    from django.db import transaction

    from fazhi.services.sync import sync_batch

    class Undo(Exception):
        pass

    def case():
        elapsed = None
        try:
            with transaction.atomic():
                sync_batch(records, user)
                elapsed = timed_resend()
                raise Undo
        except Undo:
            return elapsed

    return case


if __name__ == "__main__":
    main()
