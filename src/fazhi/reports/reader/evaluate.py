"""Measuring the reader against annotated reports (a gold file), as `fazhi reports eval` does.

A gold file has one JSON object per report: file, region, level, year, required_sections and facts (metric,
value, qualifier, scope, quote) — the shape of `fazhi reports read --json`, so a reading corrected by hand is a
gold line. A fact is found when the reading has one of the same metric, value (to 6 decimals) and qualifier;
each gold fact is matched at most once (strict). Scores: overall, per family of the catalogue, per level of
the reports, per required section; the misses with their sentence, each given a kind:

- wrong_metric:    the value was read but given to another metric (a fact missed and a false one at once);
- wrong_qualifier: metric and value right, qualifier not;
- wrong_value:     the metric was read in the report, with another value;
- missed:          no trace of the gold fact in the reading;
- spurious:        a fact the gold does not have.
"""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path

import yaml

from .lexicon import DATA
from .model import REQUIRED_SECTIONS

SPLITS = ("develop", "measure")


@lru_cache(maxsize=1)
def corpus_split() -> dict:
    """The fixed split of the development corpus (data/corpus_split.yaml): ids of the develop and measure thirds."""
    data = yaml.safe_load((DATA / "corpus_split.yaml").read_text(encoding="utf-8"))
    by_level = {name: {level: set(ids) for level, ids in data[name].items()} for name in SPLITS}
    out = {name: set().union(*by_level[name].values()) for name in SPLITS}
    out["by_level"] = by_level
    return out


def fact_key(fact: dict) -> tuple:
    return (fact["metric"], round(float(fact["value"]), 6), fact.get("qualifier"))


def prf(tp: int, n_pred: int, n_gold: int) -> dict:
    p = tp / n_pred if n_pred else (1.0 if not n_gold else 0.0)
    r = tp / n_gold if n_gold else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    scores = {"precision": round(p, 4), "recall": round(r, 4), "f1": round(f, 4)}
    return {"tp": tp, "predicted": n_pred, "gold": n_gold, **scores}


def _error_kinds(missed: list[dict], wrong: list[dict]) -> None:
    """Pair a report's misses with its false facts to say what went wrong (see the module's docstring)."""
    used: set[int] = set()

    def pair(fn, test, kind):
        for j, fp in enumerate(wrong):
            if j not in used and test(fn["fact"], fp["fact"]):
                used.add(j)
                fn["kind"] = fp["kind"] = kind
                fn["paired"], fp["paired"] = fp["fact"], fn["fact"]
                return True
        return False

    for fn in missed:
        (
            pair(fn, lambda g, p: g[0] == p[0] and g[1] == p[1], "wrong_qualifier")
            or pair(fn, lambda g, p: g[0] != p[0] and g[1] == p[1], "wrong_metric")
            or pair(fn, lambda g, p: g[0] == p[0], "wrong_value")
        )


def evaluate(gold_lines: list[dict], readings: dict[str, dict], sentences: dict | None = None) -> dict:
    """Score readings (file → reading as `ReportReading.to_dict()`) against gold lines.

    `sentences` (file → function of a fact's offset giving its sentence) puts the whole sentence beside a
    false fact; without it the fact's quote is shown."""
    from fazhi.metrics.catalogue import catalogue

    families = catalogue().families
    family_of = {code: m.family for code, m in catalogue().metrics.items()}
    counts = defaultdict(lambda: [0, 0, 0])  # family → tp, predicted, gold
    levels = defaultdict(lambda: [0, 0, 0])
    section_counts = {key: Counter() for key in REQUIRED_SECTIONS}  # tp, fp, fn, right, total
    meta_right = Counter()
    scope_right = scope_total = 0
    per_report, errors = [], []
    for gold in gold_lines:
        reading = readings[gold["file"]]
        level = gold.get("level") or "?"
        g = Counter(fact_key(f) for f in gold["facts"])
        p = Counter(fact_key(f) for f in reading["facts"] if f.get("metric"))
        tp_keys = g & p
        for key, n in g.items():
            fam = family_of.get(key[0], "?")
            counts[fam][2] += n
            counts[fam][0] += tp_keys.get(key, 0)
        for key, n in p.items():
            counts[family_of.get(key[0], "?")][1] += n
        tp, n_pred, n_gold = sum(tp_keys.values()), sum(p.values()), sum(g.values())
        for i, n in enumerate((tp, n_pred, n_gold)):
            levels[level][i] += n
        scopes = defaultdict(list)
        for f in gold["facts"]:
            scopes[fact_key(f)].append(f.get("scope"))
        for f in reading["facts"]:
            if f.get("metric") and scopes.get(fact_key(f)):
                scope_total += 1
                scope_right += f.get("scope") == scopes[fact_key(f)].pop(0)
        sentence_of = (sentences or {}).get(gold["file"])
        missed = []
        for key, n in (g - p).items():
            quote = next(f["quote"] for f in gold["facts"] if fact_key(f) == key)
            missed += [{"file": gold["file"], "level": level, "kind": "missed", "fact": key, "sentence": quote}] * n
        wrong = []
        for key, n in (p - g).items():
            fact = next(f for f in reading["facts"] if f.get("metric") and fact_key(f) == key)
            sentence = sentence_of(fact.get("offset", 0)) if sentence_of else fact.get("quote", "")
            wrong += [{"file": gold["file"], "level": level, "kind": "spurious", "fact": key, "sentence": sentence}] * n
        missed = [dict(e) for e in missed]
        wrong = [dict(e) for e in wrong]
        _error_kinds(missed, wrong)
        errors += [{"side": "false_negative", **e} for e in missed] + [{"side": "false_positive", **e} for e in wrong]
        for name, value in gold.get("required_sections", {}).items():
            got = bool(reading["required_sections"].get(name))
            c = section_counts.setdefault(name, Counter())
            c["total"] += 1
            c["right"] += got == bool(value)
            c["tp"] += got and bool(value)
            c["fp"] += got and not value
            c["fn"] += bool(value) and not got
        for name in ("region", "level", "year"):
            meta_right[name] += reading.get(name) == gold.get(name)
        per_report.append({"file": gold["file"], "level": level, **prf(tp, n_pred, n_gold)})
    total = [sum(c[i] for c in counts.values()) for i in range(3)]
    right = sum(c["right"] for c in section_counts.values())
    judged = sum(c["total"] for c in section_counts.values())
    sections = {
        name: {
            "accuracy": round(c["right"] / c["total"], 4),
            **prf(c["tp"], c["tp"] + c["fp"], c["tp"] + c["fn"]),
        }
        for name, c in section_counts.items()
        if c["total"]
    }
    return {
        "reports_read": len(gold_lines),
        "overall": prf(*total),
        "families": {
            fam: {"name": families.get(fam, fam), **prf(*counts[fam])} for fam in [*families, "?"] if fam in counts
        },
        "levels": {level: prf(*levels[level]) for level in sorted(levels)},
        "reports": per_report,
        "required_sections_accuracy": round(right / judged, 4) if judged else None,
        "required_sections": sections,
        "meta_accuracy": {k: round(v / len(gold_lines), 4) for k, v in meta_right.items()} if gold_lines else {},
        "scope_accuracy": round(scope_right / scope_total, 4) if scope_total else None,
        "error_kinds": dict(Counter(e["kind"] for e in errors).most_common()),
        "errors": errors,
    }


def load_gold(path) -> list[dict]:
    lines = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
        if line.strip():
            try:
                lines.append(json.loads(line))
            except json.JSONDecodeError as exc:
                raise ValueError(f"{path} 第 {number} 行不是有效的 JSON：{exc}") from None
    return lines


def select(gold_lines: list[dict], split: str | None) -> list[dict]:
    """The gold lines of one third of the development corpus (by file id), or all of them."""
    if not split:
        return gold_lines
    ids = corpus_split()[split]
    return [g for g in gold_lines if Path(g["file"]).stem in ids]


def own_facts(gold_lines: list[dict], readings: dict[str, dict]) -> tuple[list[dict], dict[str, dict]]:
    """Gold and readings with only the unit's own figures of the report's year (scope `self`): the catalogue's
    rule ("only self figures are compared with a reader's output", metrics.md), where the plain score compares
    every fact whatever its scope."""
    gold_lines = [{**g, "facts": [f for f in g["facts"] if f.get("scope", "self") == "self"]} for g in gold_lines]
    readings = {
        name: {
            **r,
            "facts": [f for f in r["facts"] if f.get("scope") == "self" and f.get("year") in (None, r.get("year"))],
        }
        for name, r in readings.items()
    }
    return gold_lines, readings


def run(gold_lines: list[dict], paths, own_only: bool = False) -> dict:
    """Read the reports the gold lines name (found among `paths`, by file name) and score them; `own_only`: see
    `own_facts`."""
    from .core import expand, read_prepared
    from .loaders import file_text
    from .text import sentence_spans

    by_name = {p.name: p for p in expand(paths)}
    missing = [g["file"] for g in gold_lines if g["file"] not in by_name]
    if missing:
        raise FileNotFoundError("、".join(missing))
    readings, sentences = {}, {}
    for gold in gold_lines:
        path = by_name[gold["file"]]
        reading, norm = read_prepared(file_text(path), filename=path.name)
        readings[gold["file"]] = reading.to_dict(unmapped=False)
        spans = sentence_spans(norm)

        def sentence_of(offset, norm=norm, spans=spans):
            for a, b in spans:
                if a <= offset < b:
                    return norm[a:b]
            return ""

        sentences[gold["file"]] = sentence_of
    if own_only:
        gold_lines, readings = own_facts(gold_lines, readings)
    return evaluate(gold_lines, readings, sentences)


def render(result: dict, errors: bool = True) -> list[str]:
    """The result as lines of text for a terminal."""
    row = "{:<22} {:<14} {:>5} {:>5} {:>5}  P={:.3f} R={:.3f} F1={:.3f}"
    out = [f"报告 {result['reports_read']} 份；严格匹配（指标、数值、限定词）", ""]
    out.append("{:<22} {:<14} {:>5} {:>5} {:>5}".format("family / level", "", "tp", "pred", "gold"))
    for fam, s in result["families"].items():
        out.append(row.format(fam, s["name"], s["tp"], s["predicted"], s["gold"], s["precision"], s["recall"], s["f1"]))
    out.append("")
    for level, s in result["levels"].items():
        out.append(row.format(level, "", s["tp"], s["predicted"], s["gold"], s["precision"], s["recall"], s["f1"]))
    o = result["overall"]
    out.append("")
    out.append(row.format("overall", "合计", o["tp"], o["predicted"], o["gold"], o["precision"], o["recall"], o["f1"]))
    out.append("")
    out.append(f"required sections accuracy {result['required_sections_accuracy']}")
    for name, s in result["required_sections"].items():
        scores = f"P={s['precision']:.3f} R={s['recall']:.3f} F1={s['f1']:.3f}"
        out.append(f"  {name:<22} accuracy={s['accuracy']:.3f} {scores}")
    out.append(f"region/level/year accuracy {result['meta_accuracy']}")
    out.append(f"scope accuracy (facts found) {result['scope_accuracy']}")
    out.append(f"error kinds {result['error_kinds']}")
    if errors and result["errors"]:
        out.append("")
        out.append("misses (FN: in the gold, not read; FP: read, not in the gold):")
        for e in result["errors"]:
            side = "FN" if e["side"] == "false_negative" else "FP"
            metric, value, qualifier = e["fact"]
            paired = f" ↔ {e['paired'][0]} {e['paired'][1]:g} {e['paired'][2] or ''}" if e.get("paired") else ""
            out.append(
                f"{side} {e['kind']:<15} {e['file']:<14} {metric} {value:g} {qualifier or ''}{paired}｜{e['sentence']}"
            )
    out.append("")
    out.append(
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
    return out
