"""Scoring every unit under a framework: pure functions over values, then one run stored as a whole."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.core.bulk import insert_values
from fazhi.metrics.registry import Period
from fazhi.metrics.store import choose_values, compute_period, current_values
from fazhi.org.models import Unit

from .framework import Framework, Item, load_framework
from .models import AssessmentRun, ItemScore, ItemStatus, Light, Scheme, SelfAssessment, UnitResult
from .rules import lock_scheme
from .schemes import scheme_framework, scheme_in_force


def rule_share(rule: dict, value: float) -> float:
    """The share (0..1) of an item's points that a value earns under its rule."""
    kind = rule["type"]
    if kind == "linear":
        lower, upper = float(rule["lower"]), float(rule["upper"])
        return min(1.0, max(0.0, (value - lower) / (upper - lower)))
    if kind == "bands":
        for band in sorted(rule["bands"], key=lambda b: -b["min"]):
            if value >= band["min"]:
                return float(band["share"])
        return 0.0
    if kind == "boolean":
        return 1.0 if value >= float(rule.get("threshold", 1)) else 0.0
    raise ValueError(f"not a computed rule: {kind}")


def score_item(item: Item, values: dict, sources: dict, reviewed: dict) -> ItemScore:
    if item.qualitative:
        score = reviewed.get(item.code)
        if score is None:
            return ItemScore(item.code, None, "", 0.0, item.points, ItemStatus.PENDING)
        return ItemScore(item.code, score, "self", round(min(score, item.points), 2), item.points, ItemStatus.SCORED)
    value = item.formula.evaluate(values)
    if value is None:
        if item.on_missing == "exclude":
            return ItemScore(item.code, None, "", 0.0, 0.0, ItemStatus.EXCLUDED)
        return ItemScore(item.code, None, "", 0.0, item.points, ItemStatus.MISSING)
    source = "/".join(sorted({sources[name] for name in item.formula.names if name in sources}))
    points = round(item.points * rule_share(item.rule, value), 2)
    return ItemScore(item.code, round(value, 6), source, points, item.points, ItemStatus.SCORED)


def light_of(share: float, lights: dict) -> str:
    if share >= lights["green"]:
        return Light.GREEN
    if share >= lights["yellow"]:
        return Light.YELLOW
    return Light.RED


def formula_metrics(framework: Framework) -> frozenset[str]:
    """The metrics the framework's formulas read: all that a unit's score can depend on."""
    return frozenset().union(*(item.formula.names for item in framework.items if not item.qualitative))


def assessed_units(framework: Framework, year: int | None = None):
    """The units the framework applies to; with `year`, those of the tree in force in that year (a unit dissolved or
    set up by a 机构改革 during the year is assessed on its part of the year; one not in force in it, not at all)."""
    types = set().union(*(item.applies_to for item in framework.items)) if framework.items else set()
    units = Unit.objects.filter(unit_type__in=types, is_active=True)
    if year is not None:
        units = units.existing_in(dt.date(year, 1, 1), dt.date(year, 12, 31))
    return list(units.order_by("unit_type", "code"))


def reviewed_scores(year: int) -> dict[int, dict[str, float]]:
    scores: dict = defaultdict(dict)
    rows = SelfAssessment.objects.filter(year=year, status=SelfAssessment.Status.REVIEWED)
    for unit_id, item, score in rows.values_list("unit_id", "item", "reviewed_score"):
        scores[unit_id][item] = score
    return scores


def score_units(framework: Framework, units, chosen: dict, reviewed: dict):
    """Scores for every unit from its chosen values: {unit_id: (total, max, [ItemScore…], {area: points})}."""
    results = {}
    applicable = {
        unit_type: [item for item in framework.items if item.applies(unit_type)]
        for unit_type in {u.unit_type for u in units}
    }
    for unit in units:
        values, sources = chosen[unit.pk]
        scored = [
            (item.area, score_item(item, values, sources, reviewed.get(unit.pk, {})))
            for item in applicable[unit.unit_type]
        ]
        items = [score for _, score in scored]
        areas: dict = defaultdict(lambda: [0.0, 0.0])
        for area_code, score in scored:
            area = areas[area_code]
            area[0] += score.points
            area[1] += score.max_points
        total = round(sum(s.points for s in items), 2)
        maximum = round(sum(s.max_points for s in items), 2)
        results[unit.pk] = (total, maximum, items, {k: [round(v[0], 2), round(v[1], 2)] for k, v in areas.items()})
    return results


def inputs_digest(framework: Framework, chosen: dict, reviewed: dict) -> str:
    """A fingerprint of everything a run scored from: the framework, each unit's chosen values and their
    sources, every reviewed score."""
    lines = [framework.digest]
    for unit_id in sorted(chosen):
        values, sources = chosen[unit_id]
        lines += (f"{unit_id}|{metric}|{sources[metric]}|{values[metric]!r}" for metric in sorted(values))
    lines += (
        f"{unit_id}|{item}|{score!r}"
        for unit_id in sorted(reviewed)
        for item, score in sorted(reviewed[unit_id].items())
    )
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def ranked(framework: Framework, units, scores: dict) -> list[tuple]:
    """Each unit's row, ranked within its unit type by share (ties share a rank; the code breaks the order):
    (unit, unit_type, total, maximum, share, rank, rank_of, light, areas, missing, items)."""
    by_type: dict = defaultdict(list)
    for unit in units:
        total, maximum, _, _ = scores[unit.pk]
        by_type[unit.unit_type].append((-(total / maximum if maximum else 0), unit.code, unit))
    rows = []
    for unit_type, entries in by_type.items():
        entries.sort(key=lambda e: (e[0], e[1]))
        rank, previous = 0, None
        for position, (negative_share, _, unit) in enumerate(entries, 1):
            if negative_share != previous:
                rank, previous = position, negative_share
            total, maximum, items, areas = scores[unit.pk]
            share = round(-negative_share, 6)
            missing = sum(1 for s in items if s.status != ItemStatus.SCORED)
            rows.append(
                (
                    unit,
                    unit_type,
                    total,
                    maximum,
                    share,
                    rank,
                    len(entries),
                    light_of(share, framework.lights),
                    areas,
                    missing,
                    items,
                )
            )
    return rows


def evaluate(framework: Framework, year: int, ledger: dict | None):
    """Everything a run scores from and what it gives, without writing: (units, chosen values, reviewed scores,
    ranked rows). `ledger`: the year's ledger values just computed ({unit_id: {metric: value}}), else the
    stored ones are read."""
    units = assessed_units(framework, year)
    names = formula_metrics(framework)
    readings = current_values(Period.year(year), units=units, ledger=ledger, metrics=names)
    chosen = {unit.pk: choose_values(readings.get(unit.pk, {}), framework.source_priority, names) for unit in units}
    reviewed = reviewed_scores(year)
    return units, chosen, reviewed, ranked(framework, units, score_units(framework, units, chosen, reviewed))


def refuse_draft_year(year: int) -> None:
    """A year whose scheme is still a draft is not assessed under the packaged framework behind its back."""
    if Scheme.objects.filter(year=year, status=Scheme.Status.DRAFT).exists():
        raise ValidationError(
            f"{year}年度考核方案尚未发布（草稿），不能开展考核：请先在“考核方案”中核对并发布，考核将按发布的方案计分。"
        )


def preview(framework: Framework, year: int) -> list[tuple]:
    """The ranked rows a run under the framework would store for the year, stored nowhere: the ledger values are
    computed by the run's own compute_period, in a transaction that is then rolled back."""
    with transaction.atomic():
        rows = evaluate(framework, year, compute_period(Period.year(year)))[3]
        transaction.set_rollback(True)
    return rows


@transaction.atomic
def run_assessment(year: int, user=None, framework: Framework | None = None, compute: bool = True) -> AssessmentRun:
    """Assess every unit for a year: refresh ledger observations, score, rank within unit type, light.

    Without `framework`, under the year's published scheme, which the run locks (rules.lock_scheme), or under the
    packaged framework where the year has none; a year whose scheme is still a draft is refused.
    """
    scheme = None
    if framework is None:
        scheme = scheme_in_force(year)
        if scheme is None:
            refuse_draft_year(year)
            framework = load_framework()
        else:
            if scheme.status == Scheme.Status.PUBLISHED:
                lock_scheme(scheme)  # first: locks the row, so that no edit comes between reading and scoring
            framework = scheme_framework(scheme)
    ledger = compute_period(Period.year(year), user) if compute else None
    units, chosen, reviewed, rows = evaluate(framework, year, ledger)
    run = AssessmentRun.objects.create(
        year=year,
        framework_code=framework.code,
        framework_name=framework.name,
        framework_version=framework.version,
        framework_digest=framework.digest,
        inputs_digest=inputs_digest(framework, chosen, reviewed),
        created_by=user,
        scheme=scheme,
    )
    insert_values(
        UnitResult,
        [
            "unit_id",
            "unit_type",
            "score",
            "max_score",
            "share",
            "rank",
            "rank_of",
            "light",
            "area_scores",
            "missing_items",
            "items_json",
        ],
        [(row[0].pk, *row[1:10], json.dumps(row[10])) for row in rows],
        common={"run_id": run.pk},
    )
    return run


def run_framework(run: AssessmentRun) -> Framework:
    """The framework a run scored under, for reading its results: its scheme's, else the packaged one."""
    return scheme_framework(run.scheme) if run.scheme_id else load_framework()


def costly_items(result: UnitResult, limit: int = 5) -> list[ItemScore]:
    """The items that cost a unit the most points, largest loss first."""
    scores = sorted(result.item_scores, key=lambda s: (-(s.max_points - s.points), s.item))
    return [s for s in scores if s.max_points - s.points > 0][:limit]
