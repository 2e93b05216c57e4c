"""The reader's data files (data/lexicon.yaml, data/rules.yaml), loaded once and compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).with_name("data")


class ReaderError(Exception):
    """A file the reader cannot read; the message is for the user, in Chinese."""


@lru_cache(maxsize=1)
def lexicon() -> dict:
    return yaml.safe_load((DATA / "lexicon.yaml").read_text(encoding="utf-8"))


def alternation(words) -> str:
    """A regex alternation of literal words, longest first so that 人次 wins over 人."""
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@dataclass(frozen=True)
class Rule:
    metric: str
    units: frozenset
    near: re.Pattern | None
    clause: re.Pattern | None
    topic: re.Pattern | None
    exclude: re.Pattern | None
    exclude_topic: re.Pattern | None
    exclude_clause: re.Pattern | None
    scope: str | None
    order: int


@dataclass(frozen=True)
class RuleBook:
    rules: tuple[Rule, ...]
    by_unit: dict  # unit word → rules admitting it, in file order
    phrases: tuple  # (pattern, metric, value)
    part_names: re.Pattern


def _compile(pattern):
    return re.compile(pattern) if pattern else None


@lru_cache(maxsize=1)
def rulebook() -> RuleBook:
    from fazhi.metrics.catalogue import catalogue

    data = yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8"))
    groups = data.get("unit_groups", {})
    known = catalogue().metrics
    rules = []
    for order, spec in enumerate(data["rules"]):
        if spec["metric"] not in known:
            raise ValueError(f"rules.yaml: unknown metric {spec['metric']}")
        units = spec["units"]
        units = groups[units] if isinstance(units, str) else units
        if not (spec.get("near") or spec.get("clause")):
            raise ValueError(f"rules.yaml: rule {order} for {spec['metric']} needs near or clause")
        rules.append(
            Rule(
                metric=spec["metric"],
                units=frozenset(units),
                near=_compile(spec.get("near")),
                clause=_compile(spec.get("clause")),
                topic=_compile(spec.get("topic")),
                exclude=_compile(spec.get("not")),
                exclude_topic=_compile(spec.get("not_topic")),
                exclude_clause=_compile(spec.get("not_clause")),
                scope=spec.get("scope"),
                order=order,
            )
        )
    by_unit: dict[str, list[Rule]] = {}
    for rule in rules:
        for unit in rule.units:
            by_unit.setdefault(unit, []).append(rule)
    phrases = []
    for spec in data.get("phrases", []):
        if spec["metric"] not in known:
            raise ValueError(f"rules.yaml: unknown metric {spec['metric']}")
        phrases.append((re.compile(spec["pattern"]), spec["metric"], float(spec["value"])))
    return RuleBook(
        tuple(rules), {u: tuple(r) for u, r in by_unit.items()}, tuple(phrases), re.compile(data["part_names"])
    )


@dataclass(frozen=True)
class LexiconEntry:
    metric: str
    cues: re.Pattern  # one alternation; each match weighs its length
    require: re.Pattern | None  # somewhere in the sentence
    exclude: re.Pattern | None
    units: frozenset
    overrides: frozenset  # metrics of the rule table this entry takes a figure from when it matches
    counts_bodies: bool = False  # counts townships, villages, departments (138个乡镇), not things
    require_local: re.Pattern | None = None  # in the figure's clause or the clause before it
    average: bool = False  # the metric is a mean (平均…)


@dataclass(frozen=True)
class MetricLexicon:
    entries: dict  # unit word → entries admitting it
    min_score: float
    margin: float
    overridden: frozenset = frozenset()  # metrics some entry may take a figure from


_COUNT_WORD = re.compile(r"(?:人次|人数|次数|场次|件数|户次|项数|条数|个数|批次|数|量|率|占比)$")


def _default_units(metric, groups: dict) -> list[str]:
    if metric.kind == "rate":
        return groups["percent"]
    if metric.kind == "amount":
        return groups["money"]
    if metric.name.endswith(("人次", "人数")):
        return groups["persons"]
    if metric.name.endswith(("次数", "场次")):
        return groups["times"]
    return groups["things"]


@lru_cache(maxsize=1)
def metric_lexicon() -> MetricLexicon:
    """data/metric_lexicon.yaml over the catalogue: every shown metric with its name as a cue and the unit
    words its kind admits, and what the file adds (see its header)."""
    from fazhi.metrics.catalogue import catalogue

    data = yaml.safe_load((DATA / "metric_lexicon.yaml").read_text(encoding="utf-8"))
    groups = yaml.safe_load((DATA / "rules.yaml").read_text(encoding="utf-8"))["unit_groups"]
    known = catalogue().metrics
    by_unit: dict[str, list[LexiconEntry]] = {}
    for code, metric in known.items():
        if metric.internal:
            continue
        spec = data["metrics"].get(code) or {}
        name = re.sub(r"[（(].*?[)）]|“|”", "", _COUNT_WORD.sub("", metric.name))
        cues = [re.escape(part) for part in re.split(r"[/、]", name) if len(part) >= 3]
        cues += [str(c) for c in spec.get("cues", [])]
        units = spec.get("units")
        units = groups[units] if isinstance(units, str) else units or _default_units(metric, groups)
        entry = LexiconEntry(
            metric=code,
            cues=re.compile("|".join(f"(?:{c})" for c in sorted(set(cues), key=len, reverse=True))),
            require=_compile(spec.get("require")),
            exclude=_compile(spec.get("not")),
            units=frozenset(units),
            overrides=frozenset(spec.get("overrides", [])),
            counts_bodies=bool(spec.get("counts_bodies")),
            require_local=_compile(spec.get("require_local")),
            average=metric.kind == "avg",
        )
        for unknown in entry.overrides - set(known):
            raise ValueError(f"metric_lexicon.yaml: unknown metric {unknown}")
        for unit in entry.units:
            by_unit.setdefault(unit, []).append(entry)
    unknown = set(data["metrics"]) - set(known)
    if unknown:
        raise ValueError(f"metric_lexicon.yaml: unknown metrics {sorted(unknown)}")
    overridden = frozenset(m for entries in by_unit.values() for e in entries for m in e.overrides)
    return MetricLexicon(
        {u: tuple(e) for u, e in by_unit.items()},
        float(data.get("min_score", 3)),
        float(data.get("margin", 1)),
        overridden,
    )
