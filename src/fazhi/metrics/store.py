"""Writing and reading the observation store."""

from __future__ import annotations

import json
from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from fazhi.core.bulk import insert, insert_values
from fazhi.org.models import Unit

from .catalogue import catalogue
from .models import LedgerSnapshot, Observation, ObservationBatch, Source
from .registry import Period, unit_metrics


@transaction.atomic
def compute_period(period: Period, user=None, families=None) -> dict[int, dict[str, float]]:
    """Compute every ledger metric for every unit (its subtree total) and store them as the current values.

    Only what changed is written: a unit whose values all equal its current snapshot keeps it (with its batch);
    a unit with any change gets a new snapshot, superseding the old one. Re-running an unchanged period
    therefore writes nothing but the batch record, and the snapshots hold only real changes. `families`: compute
    only these; the unit's other values are carried over from its current snapshot.
    Returns the values now current, {unit_id: {metric: value}}, so a caller need not read them back.

    The units are the tree in force in the period: a unit set up after it or dissolved before it (a 机构改革) has
    no values for it; totals are over the tree as it stood at the period's end (`Unit.objects.tree_at`).
    """
    parent_of = Unit.objects.tree_at(period.end)
    existing = Unit.objects.existing_in(period.start, period.end).values_list("id", flat=True)
    computed = unit_metrics(period, list(existing), families=families, parent_of=parent_of, shown_only=True)
    current = LedgerSnapshot.objects.filter(
        period_start=period.start, period_end=period.end, superseded_at__isnull=True
    )
    if families:
        metrics = catalogue().metrics
        kept = {
            unit_id: {code: value for code, value in json.loads(text).items() if metrics[code].family not in families}
            for unit_id, text in current.values_list("unit_id", "values_json")
        }
        stored = {unit_id: {**kept.get(unit_id, {}), **values} for unit_id, values in computed.items()}
    else:
        stored = computed
    previous = {unit_id: (pk, digest) for pk, unit_id, digest in current.values_list("pk", "unit_id", "digest")}
    encoded = {unit_id: LedgerSnapshot.encode(values) for unit_id, values in stored.items()}
    changed = sorted(
        unit_id for unit_id, (_, digest) in encoded.items() if previous.get(unit_id, (None, None))[1] != digest
    )
    gone = [pk for unit_id, (pk, digest) in previous.items() if encoded.get(unit_id, (None, None))[1] != digest]
    batch = ObservationBatch.objects.create(
        source=Source.LEDGER,
        period_start=period.start,
        period_end=period.end,
        created_by=user,
        note=f"由台账计算（{period.label}）",
    )
    LedgerSnapshot.objects.filter(pk__in=gone).update(superseded_at=timezone.now())
    insert_values(
        LedgerSnapshot,
        ["unit_id", "values_json", "digest"],
        ((unit_id, *encoded[unit_id]) for unit_id in changed),
        common={"period_start": period.start, "period_end": period.end, "batch_id": batch.pk},
    )
    return stored


class Reading(NamedTuple):  # a tuple: a period's readings are thousands, built on every assessment
    value: float
    source: str
    qualifier: str


def current_values(
    period: Period, units=None, sources=(Source.LEDGER, Source.REPORT, Source.MANUAL), ledger=None, metrics=None
):
    """{unit_id: {metric: {source: Reading}}} of the current values for exactly this period: the ledger
    snapshots' and the current observations'.

    `ledger`: the values `compute_period` has just stored ({unit_id: {metric: value}}), used as the current
    ledger values instead of reading them back. `metrics`: only these (default all).
    """
    wanted = None if units is None else {getattr(unit, "pk", unit) for unit in units}
    if ledger is None and Source.LEDGER in sources:
        snapshots = LedgerSnapshot.objects.filter(
            period_start=period.start, period_end=period.end, superseded_at__isnull=True
        )
        if wanted is not None:
            snapshots = snapshots.filter(unit_id__in=sorted(wanted))
        ledger = {unit_id: json.loads(text) for unit_id, text in snapshots.values_list("unit_id", "values_json")}
    result: dict = {}
    if Source.LEDGER in sources:
        for unit_id, by_metric in ledger.items():
            if wanted is None or unit_id in wanted:
                names = by_metric.keys() if metrics is None else metrics & by_metric.keys()
                result[unit_id] = {
                    metric: {Source.LEDGER: Reading(by_metric[metric], Source.LEDGER, "")} for metric in names
                }
    entered = [source for source in sources if source != Source.LEDGER]
    if not entered:
        return result
    qs = Observation.objects.filter(
        period_start=period.start,
        period_end=period.end,
        superseded_at__isnull=True,
        source__in=entered,
    )
    if wanted is not None:
        qs = qs.filter(unit_id__in=sorted(wanted))
    # `metrics` is applied here, not in SQL: PostgreSQL (before 17) probes an index once per combination of
    # the IN lists it is given, and units × metrics × sources makes thousands of probes.
    for unit_id, metric, source, value, qualifier in qs.values_list(
        "unit_id", "metric", "source", "value", "qualifier"
    ):
        if metrics is None or metric in metrics:
            result.setdefault(unit_id, {}).setdefault(metric, {})[source] = Reading(value, source, qualifier)
    return result


def choose_values(readings: dict, priority: list[str], names=None) -> tuple[dict, dict]:
    """One value per metric (of `names`, default all), from the first source in `priority` that has it."""
    values, sources = {}, {}
    for metric in readings if names is None else names & readings.keys():
        by_source = readings[metric]
        for source in priority:
            if source in by_source:
                values[metric], sources[metric] = by_source[source].value, source
                break
    return values, sources


QUALIFIERS = {
    None: "",
    "": "",
    "approx": "approx",
    "lower_bound": "lower_bound",
    "partial_period": "partial_period",
    "yoy": "yoy",
}


@transaction.atomic
def import_report_facts(unit, period: Period, facts, note: str = "", user=None) -> ObservationBatch:
    """Store figures read from a published report as observations of source "report".

    Only facts about the unit's own total (scope "self") become observations: a figure about a part of
    the unit ("sub") is evidence, not the unit's value. The first such fact of a metric wins, as in the
    text; a year-on-year change is not a level and is kept out. Earlier report values are superseded.
    """
    metrics = catalogue().metrics
    chosen: dict[str, dict] = {}
    for fact in facts:
        code = fact.get("metric")
        if (
            code in metrics
            and not metrics[code].internal
            and fact.get("scope", "self") == "self"
            and fact.get("qualifier") != "yoy"
            and code not in chosen
        ):
            chosen[code] = fact
    batch = ObservationBatch.objects.create(
        source=Source.REPORT,
        period_start=period.start,
        period_end=period.end,
        created_by=user,
        note=note[:300],
    )
    now = timezone.now()
    Observation.objects.filter(
        unit=unit,
        source=Source.REPORT,
        period_start=period.start,
        period_end=period.end,
        metric__in=list(chosen),
        superseded_at__isnull=True,
    ).update(superseded_at=now)
    rows = [
        Observation(
            unit=unit,
            metric=code,
            period_start=period.start,
            period_end=period.end,
            value=float(fact["value"]),
            source=Source.REPORT,
            qualifier=QUALIFIERS.get(fact.get("qualifier"), ""),
            evidence=fact.get("quote", "")[:2000],
            batch=batch,
            created_at=now,
            updated_at=now,
        )
        for code, fact in sorted(chosen.items())
    ]
    insert(Observation, rows, returning_ids=False)
    return batch


def withdraw_observations(observations) -> int:
    """Take current observations out of the store (a figure from a report rejected after it was confirmed). They
    are superseded, as a newer reading would supersede them, never deleted: the store keeps its history."""
    ids = sorted({getattr(o, "pk", o) for o in observations})
    if not ids:
        return 0
    return Observation.objects.filter(pk__in=ids, superseded_at__isnull=True).update(superseded_at=timezone.now())
