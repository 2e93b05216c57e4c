"""How ledgers provide metrics: set-based computations, grouped by unit, registered once per metric family.

A computation takes a period and returns {metric code: {unit id: value}} for the unit's own rows. The layer
adds subtree totals (additive quantities summed up the unit tree) and derives every ratio from its two
additive parts, so a county's rate is its own numerator over its own denominator, never an average of rates.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q

from .catalogue import ADDITIVE_KINDS, catalogue

Table = dict[str, dict[int, float]]


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date  # inclusive

    @classmethod
    def year(cls, year: int) -> Period:
        return cls(dt.date(year, 1, 1), dt.date(year, 12, 31))

    @classmethod
    def month(cls, year: int, month: int) -> Period:
        return cls(dt.date(year, month, 1), dt.date(year, month, _calendar.monthrange(year, month)[1]))

    @property
    def label(self) -> str:
        if self.start.month == 1 and self.start.day == 1 and self.end == dt.date(self.start.year, 12, 31):
            return f"{self.start.year}年"
        return f"{self.start:%Y年%m月%d日}至{self.end:%Y年%m月%d日}"


@dataclass(frozen=True)
class Computation:
    name: str
    provides: frozenset[str]
    function: Callable[[Period], Table]


class MetricRegistry:
    def __init__(self):
        self.computations: list[Computation] = []

    def provides(self, *codes: str):
        known = catalogue().metrics
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise ValueError(f"not in the metric catalogue: {unknown}")
        ratios = [code for code in codes if known[code].is_ratio]
        if ratios:
            raise ValueError(f"ratios are derived, not computed: {ratios}")

        def register(function):
            taken = {code for c in self.computations for code in c.provides} & set(codes)
            if taken:
                raise ValueError(f"metrics provided twice: {sorted(taken)}")
            self.computations.append(Computation(function.__qualname__, frozenset(codes), function))
            function.codes = codes
            return function

        return register

    @property
    def computable(self) -> set[str]:
        base = {code for c in self.computations for code in c.provides}
        derived = {
            m.code for m in catalogue().metrics.values() if m.is_ratio and m.numerator in base and m.denominator in base
        }
        return base | derived

    def compute_own(self, period: Period, families: Iterable[str] | None = None) -> Table:
        """Every registered quantity for every unit's own rows: one set-based query per computation."""
        table: Table = {}
        wanted = set(families) if families else None
        for computation in self.computations:
            if wanted and not {catalogue()[code].family for code in computation.provides} & wanted:
                continue
            result = computation.function(period)
            for code in computation.provides:
                table[code] = {unit_id: value for unit_id, value in result.get(code, {}).items() if value is not None}
        return table


registry = MetricRegistry()


def within(field: str, period: Period) -> Q:
    """Rows whose date `field` falls in the period."""
    return Q(**{f"{field}__range": (period.start, period.end)})


def by_unit(rows, codes, key: str = "unit_id") -> Table:
    """{code: {unit_id: value}} from grouped aggregate rows (dicts holding `key` and one entry per code)."""
    table = {code: {} for code in codes}
    for row in rows:
        for code in codes:
            table[code][row[key]] = row[code]
    return table


def rollup(own: Table, parent_of: dict[int, int | None]) -> Table:
    """Subtree totals for additive quantities: each unit's value plus all its descendants'.

    `parent_of`: every unit's parent, {unit_id: parent_id}, the whole tree.
    """
    # Each unit with its ancestors, once: a value is then added along its chain, for the units that have one.
    chains = {}
    for unit_id in parent_of:
        chain, node = [], unit_id
        while node in parent_of:
            chain.append(node)
            node = parent_of[node]
        chains[unit_id] = chain
    metrics = catalogue().metrics
    totals: Table = {}
    for code, values in own.items():
        if metrics[code].kind not in ADDITIVE_KINDS:
            continue
        acc = dict.fromkeys(parent_of, 0.0)
        for unit_id in sorted(values):  # a fixed order of additions: the same sums on every run
            value = values[unit_id]
            for node in chains.get(unit_id, ()):
                acc[node] += value
        totals[code] = acc
    return totals


def derive(table: Table, unit_ids: Iterable[int], shown_only: bool = False) -> dict[int, dict[str, float | None]]:
    """Per unit: every quantity in the table plus every ratio whose parts are there (None when 0/0).

    `shown_only`: leave out the internal quantities and the ratios over nothing, and give every value as a
    float: what is stored and shown.
    """
    metrics = catalogue().metrics
    ratios = [
        (m.code, m.numerator, m.denominator)
        for m in metrics.values()
        if m.is_ratio and m.numerator in table and m.denominator in table
    ]
    internal = {code for code, metric in metrics.items() if metric.internal}
    result = {}
    for unit_id in unit_ids:
        values: dict[str, float | None] = {code: by_unit.get(unit_id, 0) for code, by_unit in table.items()}
        for code, numerator, denominator in ratios:
            values[code] = values[numerator] / values[denominator] if values[denominator] else None
        if shown_only:
            values = {
                code: float(value) for code, value in values.items() if value is not None and code not in internal
            }
        result[unit_id] = values
    return result


def unit_metrics(
    period: Period,
    units,
    *,
    subtree: bool = True,
    families=None,
    shown_only: bool = False,
    parent_of: dict[int, int | None] | None = None,
) -> dict[int, dict[str, float | None]]:
    """The metrics of each unit (a Unit or its id) for a period, over its subtree (default) or its own rows only.

    `parent_of`: the unit tree as {unit_id: parent_id}, for a caller that has it already; by default the tree as
    it stood at the end of the period (`Unit.objects.tree_at`: a unit moved later is totalled under its parent of
    then). `shown_only`: as for `derive`.
    """
    from fazhi.org.models import Unit

    wanted = [getattr(u, "pk", u) for u in units]
    own = registry.compute_own(period, families)
    if not subtree:
        return derive(own, wanted, shown_only)
    if parent_of is None:
        parent_of = Unit.objects.tree_at(period.end)
    return derive(rollup(own, parent_of), wanted, shown_only)
