"""Evaluate the report reader against a gold file: precision, recall and F1 of (metric, value, qualifier).

    python bench/reader_eval.py GOLD.jsonl REPORT_DIR [--json] [--show-errors]

GOLD.jsonl holds one object per report (keys: file, region, level, year, required_sections, facts with
metric, value, qualifier, scope, quote). Each report named there is read from REPORT_DIR. A fact counts
as found when the reading has a fact of the same metric, the same value (to 6 decimals) and the same
qualifier; each gold fact is matched at most once. Scores are given overall and per metric family
(families of the catalogue), with the accuracy of the required-content check (required_sections), of
region/level/year, and of the scope of the facts found.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path


def _key(fact: dict) -> tuple:
    return (fact["metric"], round(float(fact["value"]), 6), fact.get("qualifier"))


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return {
        "tp": tp,
        "predicted": n_pred,
        "gold": n_gold,
        "precision": round(p, 4),
        "recall": round(r, 4),
        "f1": round(f, 4),
    }


def evaluate(gold_lines: list[dict], readings: dict[str, dict]) -> dict:
    from fazhi.metrics.catalogue import catalogue

    families = catalogue().families
    family_of = {code: m.family for code, m in catalogue().metrics.items()}
    counts = defaultdict(lambda: [0, 0, 0])  # family → tp, predicted, gold
    sections_right = sections_total = 0
    meta_right = Counter()
    scope_right = scope_total = 0
    per_report = []
    errors = []
    for gold in gold_lines:
        reading = readings[gold["file"]]
        g = Counter(_key(f) for f in gold["facts"])
        p = Counter(_key(f) for f in reading["facts"] if f.get("metric"))
        tp_keys = g & p
        for key, n in g.items():
            fam = family_of.get(key[0], "?")
            counts[fam][2] += n
            counts[fam][0] += tp_keys.get(key, 0)
        for key, n in p.items():
            counts[family_of.get(key[0], "?")][1] += n
        scopes = defaultdict(list)
        for f in gold["facts"]:
            scopes[_key(f)].append(f.get("scope"))
        for f in reading["facts"]:
            if f.get("metric") and scopes.get(_key(f)):
                scope_total += 1
                scope_right += f.get("scope") == scopes[_key(f)].pop(0)
        for key in g - p:
            errors.append(
                {
                    "file": gold["file"],
                    "kind": "missed",
                    "fact": key,
                    "quote": next(f["quote"] for f in gold["facts"] if _key(f) == key),
                }
            )
        for key in p - g:
            errors.append(
                {
                    "file": gold["file"],
                    "kind": "wrong",
                    "fact": key,
                    "quote": next(f["quote"] for f in reading["facts"] if f.get("metric") and _key(f) == key),
                }
            )
        for name, value in gold.get("required_sections", {}).items():
            sections_total += 1
            sections_right += bool(reading["required_sections"].get(name)) == bool(value)
        for name in ("region", "level", "year"):
            meta_right[name] += reading.get(name) == gold.get(name)
        per_report.append({"file": gold["file"], **prf(sum(tp_keys.values()), sum(p.values()), sum(g.values()))})
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    return {
        "overall": prf(*total),
        "families": {
            fam: {"name": families.get(fam, fam), **prf(*counts[fam])} for fam in [*families, "?"] if fam in counts
        },
        "reports": per_report,
        "required_sections_accuracy": round(sections_right / sections_total, 4) if sections_total else None,
        "meta_accuracy": {k: round(v / len(gold_lines), 4) for k, v in meta_right.items()},
        "scope_accuracy": round(scope_right / scope_total, 4) if scope_total else None,
        "errors": errors,
    }


def run(gold_path, report_dir) -> dict:
    from fazhi.reports.reader import read_corpus

    gold_lines = [json.loads(line) for line in Path(gold_path).read_text(encoding="utf-8").splitlines() if line.strip()]
    files = [Path(report_dir) / g["file"] for g in gold_lines]
    readings = {r.file: r.to_dict(unmapped=False) for r in read_corpus(files, similarity=False)}
    return evaluate(gold_lines, readings)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("gold")
    parser.add_argument("report_dir")
    parser.add_argument("--json", action="store_true", help="print the whole result as JSON")
    parser.add_argument("--show-errors", action="store_true", help="list the facts missed and the wrong ones")
    args = parser.parse_args(argv)
    result = run(args.gold, args.report_dir)
    if args.json:
        print(json.dumps(result, ensure_ascii=False, indent=1))
        return 0
    line = "{:<14} {:<16} {:>5} {:>5} {:>5}  P={:.3f} R={:.3f} F1={:.3f}"
    print(
        "{:<14} {:<16} {:>5} {:>5} {:>5}  precision, recall, F1 of (metric, value, qualifier)".format(
            "family", "", "tp", "pred", "gold"
        )
    )
    for fam, s in result["families"].items():
        print(line.format(fam, s["name"], s["tp"], s["predicted"], s["gold"], s["precision"], s["recall"], s["f1"]))
    o = result["overall"]
    print(line.format("overall", "", o["tp"], o["predicted"], o["gold"], o["precision"], o["recall"], o["f1"]))
    for r in result["reports"]:
        print(line.format("", r["file"][:16], r["tp"], r["predicted"], r["gold"], r["precision"], r["recall"], r["f1"]))
    print(f"required_sections accuracy: {result['required_sections_accuracy']}")
    print(f"region/level/year accuracy: {result['meta_accuracy']}")
    print(f"scope accuracy (facts found): {result['scope_accuracy']}")
    if args.show_errors:
        for e in result["errors"]:
            print(f"{e['kind']:<7} {e['file'][:12]:<12} {e['fact']}  {e['quote']}")
    print(
        "RESULT "
        + " ".join(
            [
                f"f1={o['f1']}",
                f"precision={o['precision']}",
                f"recall={o['recall']}",
                *(f"f1_{fam}={s['f1']}" for fam, s in result["families"].items()),
                f"sections_accuracy={result['required_sections_accuracy']}",
            ]
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
