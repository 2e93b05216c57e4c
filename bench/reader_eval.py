"""Evaluate the report reader against a gold file: precision, recall and F1 of (metric, value, qualifier).

    python bench/reader_eval.py GOLD.jsonl REPORT_DIR [--split develop|measure] [--json] [--show-errors]

The same as `fazhi reports eval GOLD.jsonl REPORT_DIR` (fazhi.reports.reader.evaluate, where the terms are
defined), without Django's command machinery: overall, per family and per level, required sections, region/
level/year, scope, and the misses with their kind.
"""

from __future__ import annotations

import argparse
import json
import sys

from fazhi.reports.reader.evaluate import evaluate, load_gold, render, select
from fazhi.reports.reader.evaluate import run as run_gold

__all__ = ["evaluate", "run", "main"]


def run(gold_path, report_dir, split=None) -> dict:
    return run_gold(select(load_gold(gold_path), split), [report_dir])


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold")
    parser.add_argument("report_dir")
    parser.add_argument("--split", choices=["develop", "measure"])
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    parser.add_argument("--show-errors", action="store_true", help="list the facts missed and the wrong ones")
    args = parser.parse_args(argv)
    result = run(args.gold, args.report_dir, args.split)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    print("\n".join(render(result, errors=args.show_errors)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
