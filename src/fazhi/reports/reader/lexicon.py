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
