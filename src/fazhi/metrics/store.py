"""Writing and reading the observation store."""
from __future__ import annotations

from typing import NamedTuple

from django.db import transaction
from django.utils import timezone

from fazhi.core.bulk import insert, insert_values
from fazhi.org.models import Unit

from .catalogue import catalogue
from .models import Observation, ObservationBatch, Source
from .registry import Period, unit_metrics


@transaction.atomic
def compute_period(period: Period, user=None, families=None) -> dict[int, dict[str, float]]:
    """Compute every ledger metric for every unit (its subtree total) and store them as the current values.

    Only what changed is written: a value equal to the current one stays as it is (with its batch), a changed
    one supersedes it, a value the ledgers no longer give is superseded. Re-running an unchanged period
    therefore writes nothing but the batch record, and the store's history holds only real changes.
    Returns the values now current, {unit_id: {metric: value}}, so a caller need not read them back.
    """
    parent_of = dict(Unit.objects.values_list("id", "parent_id"))
    values = unit_metrics(period, parent_of, families=families, parent_of=parent_of)
    batch = ObservationBatch.objects.create(
        source=Source.LEDGER, period_start=period.start, period_end=period.end, created_by=user,
        note=f"由台账计算（{period.label}）",
    )
    metrics = catalogue().metrics
    stored = {
        unit_id: {code: float(value) for code, value in by_metric.items() if value is not None and not metrics[code].internal}
        for unit_id, by_metric in values.items()
    }
    current = Observation.objects.filter(
        source=Source.LEDGER, period_start=period.start, period_end=period.end, superseded_at__isnull=True,
    )
    if families:
        current = current.filter(metric__in=[m for m in metrics if metrics[m].family in families])
    # What is left in `pending` after the comparison is new or changed; no (unit, metric) tuples are built,
    # since allocating thousands of them is what set off the garbage collector in the middle of a run.
    pending = {unit_id: dict(by_metric) for unit_id, by_metric in stored.items()}
    stale = []
    for pk, unit_id, code, value in current.values_list("pk", "unit_id", "metric", "value"):
        left = pending.get(unit_id)
        if left is not None and left.get(code) == value:
            del left[code]
        else:
            stale.append(pk)
    now = timezone.now()
    for start in range(0, len(stale), 5000):
        Observation.objects.filter(pk__in=stale[start:start + 5000]).update(superseded_at=now)
    insert_values(
        Observation, ["unit_id", "metric", "value"],
        ((unit_id, code, value) for unit_id in sorted(pending) for code, value in sorted(pending[unit_id].items())),
        common={"period_start": period.start, "period_end": period.end, "source": Source.LEDGER, "batch_id": batch.pk,
                "created_at": now, "updated_at": now, "evidence": "台账计算"},
    )
    return stored


class Reading(NamedTuple):  # a tuple: a period's readings are thousands, built on every assessment
    value: float
    source: str
    qualifier: str


def current_values(period: Period, units=None, sources=(Source.LEDGER, Source.REPORT, Source.MANUAL), ledger=None,
                   metrics=None):
    """{unit_id: {metric: {source: Reading}}} of the current observations for exactly this period.

    `ledger`: the values `compute_period` has just stored ({unit_id: {metric: value}}), used as the current
    ledger observations instead of reading them back. `metrics`: only these (default all).
    """
    if ledger is not None:
        sources = [source for source in sources if source != Source.LEDGER]
    qs = Observation.objects.filter(
        period_start=period.start, period_end=period.end, superseded_at__isnull=True, source__in=sources,
    )
    wanted = None if units is None else {getattr(unit, "pk", unit) for unit in units}
    if wanted is not None:
        qs = qs.filter(unit_id__in=sorted(wanted))
    result: dict = {}
    for unit_id, by_metric in (ledger or {}).items():
        if wanted is None or unit_id in wanted:
            names = by_metric.keys() if metrics is None else metrics & by_metric.keys()
            result[unit_id] = {metric: {Source.LEDGER: Reading(by_metric[metric], Source.LEDGER, "")} for metric in names}
    # `metrics` is applied here, not in SQL: PostgreSQL (before 17) probes an index once per combination of
    # the IN lists it is given, and units × metrics × sources makes thousands of probes.
    for unit_id, metric, source, value, qualifier in qs.values_list("unit_id", "metric", "source", "value", "qualifier"):
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


QUALIFIERS = {None: "", "": "", "approx": "approx", "lower_bound": "lower_bound", "partial_period": "partial_period", "yoy": "yoy"}


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
        if code in metrics and not metrics[code].internal and fact.get("scope", "self") == "self" \
                and fact.get("qualifier") != "yoy" and code not in chosen:
            chosen[code] = fact
    batch = ObservationBatch.objects.create(
        source=Source.REPORT, period_start=period.start, period_end=period.end, created_by=user, note=note[:300],
    )
    now = timezone.now()
    Observation.objects.filter(
        unit=unit, source=Source.REPORT, period_start=period.start, period_end=period.end,
        metric__in=list(chosen), superseded_at__isnull=True,
    ).update(superseded_at=now)
    rows = [
        Observation(
            unit=unit, metric=code, period_start=period.start, period_end=period.end, value=float(fact["value"]),
            source=Source.REPORT, qualifier=QUALIFIERS.get(fact.get("qualifier"), ""), evidence=fact.get("quote", "")[:2000],
            batch=batch, created_at=now, updated_at=now,
        )
        for code, fact in sorted(chosen.items())
    ]
    insert(Observation, rows, returning_ids=False)
    return batch
