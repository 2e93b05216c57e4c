"""Report reader speed: reports read per second on one core, beside a plain regex scan for numbers, and
the similarity (boilerplate) step at a quarter, a half and all of the corpus.

    python bench/reader.py [--scale S] [--seed N] [--repeat N]

--scale 1: 1,000 synthetic reports of 10–40 KB (fazhi.reports.reader.synthetic: own templates,
deterministic from the seed), and the same texts cut to 5,000 characters (issue 20: ≥ 100 reports/s on
one core). No database. Baseline, same texts, same run: re.findall of numbers over
every text. The similarity step is timed on 250, 500 and 1,000 reports (at scale 1): linear growth gives
an exponent near 1 (time × 4 for 4 × the reports), quadratic near 2.
"""

from __future__ import annotations

import math
import os
import re
import sys
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from _common import best_of, parse_args, peak_rss_mib, result, say, timed

NUMBERS = re.compile(r"\d+(?:\.\d+)?")


def main():
    args = parse_args(__doc__.splitlines()[0])
    try:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})  # one core, as the issue asks
        core = "pinned"
    except (AttributeError, OSError):
        core = "unpinned"
    from fazhi.reports.reader import read_text
    from fazhi.reports.reader.similarity import corpus_similarity
    from fazhi.reports.reader.synthetic import corpus

    n = max(4, round(1000 * args.scale))
    seconds, reports = timed(lambda: corpus(n, args.seed))
    texts = [r.text for r in reports]
    total_kb = sum(len(t.encode("utf-8")) for t in texts) / 1024
    say(
        f"{n} synthetic reports, {total_kb / n:.1f} KB mean ({min(len(t.encode()) for t in texts) / 1024:.1f}–"
        f"{max(len(t.encode()) for t in texts) / 1024:.1f} KB), generated in {seconds:.1f} s; core {core}"
    )

    regex_s, found = best_of(lambda: sum(len(NUMBERS.findall(t)) for t in texts), n=args.repeat)
    say(f"regex scan: {regex_s:.3f} s ({found} numbers)")
    read_runs = max(1, min(args.repeat, 3))
    read_s, readings = best_of(lambda: [read_text(t, r.name) for t, r in zip(texts, reports)], n=read_runs, warmup=0)
    say(f"reader: {read_s:.2f} s, {n / read_s:.1f} reports/s (best of {read_runs})")
    # The yardstick (issue 20): reports of 5,000 characters, the size of a county's report.
    short = [t[:5000] for t in texts]
    short_s, _ = best_of(lambda: [read_text(t) for t in short], n=read_runs, warmup=1)
    say(f"reader on 5,000-character reports: {n / short_s:.1f} reports/s (target ≥ 100)")

    tp = pred = gold = 0
    for report, reading in zip(reports, readings):
        g = Counter((p.metric, round(p.value, 6), p.qualifier) for p in report.facts)
        p = Counter((f.metric, round(f.value, 6), f.qualifier) for f in reading.facts)
        tp, pred, gold = tp + sum((g & p).values()), pred + sum(p.values()), gold + sum(g.values())
    precision, recall = tp / pred if pred else 0.0, tp / gold if gold else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    say(f"planted facts: precision {precision:.4f} recall {recall:.4f}")

    sizes = sorted({max(2, n // 4), max(2, n // 2), n})
    sim = {}
    for size in sizes:
        docs = [r.sentences for r in readings[:size]]
        sim[size], outcome = best_of(lambda: corpus_similarity(docs), n=max(1, min(args.repeat, 3)), warmup=0)
        sentences = sum(len(d) for d in docs)
        say(
            f"similarity on {size} reports ({sentences} sentences): {sim[size]:.2f} s, "
            f"boilerplate mean {sum(outcome.boilerplate) / size:.3f}, "
            f"top pair {outcome.pairs[0] if outcome.pairs else None}"
        )
    small, large = sizes[0], sizes[-1]
    exponent = math.log(sim[large] / sim[small]) / math.log(large / small) if large > small else float("nan")
    say(f"similarity growth exponent {exponent:.2f} (1 = linear, 2 = quadratic)")
    result(
        reports=n,
        kb_mean=total_kb / n,
        read_s=read_s,
        reports_per_s=n / read_s,
        reports_per_s_5k=n / short_s,
        regex_s=regex_s,
        regex_reports_per_s=n / regex_s,
        ratio=read_s / regex_s,
        **{f"sim_{size}_s": sim[size] for size in sizes},
        sim_exponent=exponent,
        boilerplate_mean=sum(outcome.boilerplate) / large,
        f1_planted=f1,
        peak_rss_mib=peak_rss_mib(),
    )


if __name__ == "__main__":
    main()
