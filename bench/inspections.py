"""双随机 at a city's volume: one stratified draw over the register, timed against only reading its candidates.

    python bench/inspections.py [--scale S] [--db sqlite|postgres]

--scale 1: 1,000,000 market entities (credit-risk classes A–E), 5,000 certified inspectors of two departments,
20,000 declared conflicts, and an earlier task on the same matter whose 3% draw the new one must skip.
The task draws A 2%, B 3%, C 4%, D 6%, E 10% (about 3% overall) with two inspectors per entity.
Baseline, measured in the same run on the same data: executing the draw's own candidate statement (ids and
risk classes of the eligible entities, the anti-join included; on PostgreSQL grouped by class into id arrays,
which is cheaper than a row per entity) and fetching its result, nothing else.
Target: draw ≤ 2× the read. Peak memory of the draw is reported (Python heap by tracemalloc, and process RSS).
Each timed draw runs in a transaction that is rolled back, so the dataset stays as built; the foreign-key
checks PostgreSQL defers to COMMIT are forced inside the timing (SET CONSTRAINTS ALL IMMEDIATE).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, commit_time_checks, parse_args, peak_rss_mib, result, say, setup, timed, traced_peak_mib

ENTITIES = 1_000_000
INSPECTORS = 5_000
CONFLICTS = 20_000
CHUNK = 50_000
RISK_WEIGHTS = {"A": 38, "B": 36, "C": 16, "D": 7, "E": 3}
RATIOS = {"ratio_a": 2, "ratio_b": 3, "ratio_c": 4, "ratio_d": 6, "ratio_e": 10}
PREVIOUS_DRAW = dt.date(2025, 3, 3)
DRAW_DAY = dt.date(2025, 6, 2)
TASK_CODE = "BENCH-RW-2"


def build(args) -> None:
    """The register, the roster and the two tasks, written with the fast insert path (no per-row ORM save)."""
    from django.utils import timezone

    from fazhi.core.bulk import insert
    from fazhi.core.identifiers import uscc_check_char
    from fazhi.demo.generator import DemoBuilder, person_id
    from fazhi.enforcement.models import Certificate, EnforcementBody, Officer
    from fazhi.inspections import rules
    from fazhi.inspections.models import Conflict, InspectionMatter, InspectionTask, MarketEntity
    from fazhi.org.models import Region

    rng = random.Random(args.seed)
    city = DemoBuilder(seed=args.seed, scale=args.scale, log=say).build_org()
    now = timezone.now()
    stamp = {"created_at": now, "updated_at": now}
    units = [u for u in city.departments if u.short_name in ("市场监督管理局", "市场监管综合行政执法支队")]
    bodies = [
        EnforcementBody.objects.create(
            unit=u, code=f"{u.code}-B1", name=u.name, legal_basis="《中华人民共和国市场主体登记管理条例》"
        )
        for u in units
    ]

    officers, seen = [], set()
    while len(officers) < max(10, round(INSPECTORS * args.scale)):
        number = person_id(rng, "990100")
        if number in seen:
            continue
        seen.add(number)
        body = bodies[len(officers) % len(bodies)]
        officers.append(
            Officer(
                unit_id=body.unit_id,
                body_id=body.pk,
                name=f"检查员{len(officers) + 1}",
                id_number=number,
                law_category="市场监管",
                **stamp,
            )
        )
    insert(Officer, officers)
    insert(
        Certificate,
        [
            Certificate(
                unit_id=o.unit_id,
                officer_id=o.pk,
                kind="enforcement",
                number=f"ZF{n:08d}",
                issued_on=dt.date(2024, 1, 1),
                expires_on=dt.date(2029, 12, 31),
                **stamp,
            )
            for n, o in enumerate(officers, 1)
        ],
        returning_ids=False,
    )
    say(f"  {len(officers)} inspectors with certificates")

    regions = list(Region.objects.filter(code__in=[c.region.code for c in city.counties]))
    county_of = {c.region_id: c.pk for c in city.counties}
    classes, weights = list(RISK_WEIGHTS), list(RISK_WEIGHTS.values())
    industries = list("FHOLCEGIMKAR")
    total = max(1000, round(ENTITIES * args.scale))
    for start in range(0, total, CHUNK):
        rows = []
        for n in range(start, min(total, start + CHUNK)):
            body = f"91990100{n:09d}"
            region = regions[n % len(regions)]
            rows.append(
                MarketEntity(
                    unit_id=county_of[region.pk],
                    uscc=body + uscc_check_char(body),
                    name=f"市场主体{n}",
                    entity_type="company",
                    industry=industries[n % len(industries)],
                    region_id=region.pk,
                    risk_class=rng.choices(classes, weights)[0],
                    is_active=True,
                    **stamp,
                )
            )
        insert(MarketEntity, rows, returning_ids=False)
        say(f"  entities {min(total, start + CHUNK)}/{total}")
    first_id = MarketEntity.objects.order_by("pk").values_list("pk", flat=True).first()
    pairs = set()
    while len(pairs) < round(CONFLICTS * args.scale):
        pairs.add((rng.choice(officers), first_id + rng.randrange(total)))
    insert(
        Conflict,
        [
            Conflict(
                unit_id=o.unit_id,
                officer_id=o.pk,
                entity_id=e,
                reason="亲属关系",
                declared_on=dt.date(2025, 1, 2),
                **stamp,
            )
            for o, e in sorted(pairs, key=lambda p: (p[0].pk, p[1]))
        ],
        returning_ids=False,
    )

    matter = InspectionMatter.objects.create(
        unit=units[0],
        body=bodies[0],
        code="BENCH-SC",
        name="企业公示信息情况检查",
        basis="《企业信息公示暂行条例》第十四条",
        objects_description="辖区企业",
        published_on=dt.date(2025, 1, 10),
    )
    for code, start, ratios in (
        ("BENCH-RW-1", dt.date(2025, 3, 10), dict.fromkeys(RATIOS, 3)),
        (TASK_CODE, dt.date(2025, 6, 9), RATIOS),
    ):
        task = InspectionTask.objects.create(
            unit=units[0],
            code=code,
            name=f"基准抽查任务{code}",
            start_on=start,
            end_on=start + dt.timedelta(days=80),
            **ratios,
        )
        task.matters.set([matter])
        task.bodies.set(bodies)
    rules.draw_task(InspectionTask.objects.get(code="BENCH-RW-1"), on=PREVIOUS_DRAW, seed=args.seed)
    say(f"  earlier task drew {InspectionTask.objects.get(code='BENCH-RW-1').drawn_total} entities")


def main():
    args = parse_args(__doc__.splitlines()[0])
    info = setup(args, "inspections", build=build)
    from django.db import connection, transaction
    from django.utils import timezone

    from fazhi.inspections import rules
    from fazhi.inspections.models import Conflict, InspectionTask, MarketEntity, TaskEntity

    task = InspectionTask.objects.get(code=TASK_CODE)
    counts = {
        "entities": MarketEntity.objects.count(),
        "conflicts": Conflict.objects.count(),
        "excluded": TaskEntity.objects.filter(task__code="BENCH-RW-1").count(),
    }
    say(f"{info['vendor']}: {counts}")
    window = rules.exclusion_window(task, DRAW_DAY)
    sql, params, grouped = rules.candidate_sql(rules.candidate_queryset(task, DRAW_DAY, window, timezone.now()))

    def read_only():
        """The draw's own candidate statement, every row fetched, nothing else."""
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            if grouped:
                return sum(len(ids) for _, ids in cursor.fetchall())
            rows = 0
            while chunk := cursor.fetchmany(20_000):
                rows += len(chunk)
            return rows

    def draw(seed=args.seed):
        with transaction.atomic():
            run = rules.draw_task(task, on=DRAW_DAY, seed=seed)
            commit_time_checks()
            transaction.set_rollback(True)  # keep the dataset as built
        return run.drawn_total, run.candidates_total

    def draw_and_verify():
        with transaction.atomic():
            run = rules.draw_task(task, on=DRAW_DAY, seed=args.seed)
            written = TaskEntity.objects.filter(run=run).count()
            seconds, report = timed(lambda: rules.verify(task))
            transaction.set_rollback(True)
        return seconds, report.identical, written, len(run.snapshot)

    read_s, candidates = best_of(read_only, n=args.repeat)
    draw_s, (drawn, pool) = best_of(draw, n=args.repeat)
    peak_mib, _ = traced_peak_mib(draw)
    verify_s, identical, written, snapshot = draw_and_verify()
    assert pool == candidates and written == drawn and identical, (pool, candidates, written, drawn, identical)
    say(
        f"read {candidates} eligible candidates: {read_s:.3f}s; stratified draw of {drawn} with 2 inspectors each: "
        f"{draw_s:.3f}s (ratio {draw_s / read_s:.2f}); verify {verify_s:.3f}s; snapshot {snapshot / 1024:.0f} KiB; "
        f"peak Python heap {peak_mib:.1f} MiB, peak RSS {peak_rss_mib():.0f} MiB"
    )
    result(
        db=info["vendor"],
        entities=counts["entities"],
        inspectors=round(INSPECTORS * args.scale),
        conflicts=counts["conflicts"],
        excluded=counts["excluded"],
        candidates=candidates,
        drawn=drawn,
        read_s=read_s,
        draw_s=draw_s,
        ratio=draw_s / read_s,
        verify_s=verify_s,
        snapshot_kib=snapshot / 1024,
        draw_peak_mib=peak_mib,
        peak_rss_mib=peak_rss_mib(),
    )


if __name__ == "__main__":
    main()
