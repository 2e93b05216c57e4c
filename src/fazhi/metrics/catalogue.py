"""The metric catalogue, read from data/catalogue.yaml."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

CATALOGUE_FILE = Path(__file__).with_name("data") / "catalogue.yaml"
ADDITIVE_KINDS = {"count", "amount", "sum"}
RATIO_KINDS = {"rate", "avg"}


@dataclass(frozen=True)
class Metric:
    code: str
    name: str
    kind: str
    family: str
    definition: str
    numerator: str | None = None
    denominator: str | None = None
    internal: bool = False
    entered: bool = False  # no ledger holds it: entered by hand or read from reports

    @property
    def is_ratio(self) -> bool:
        return self.kind in RATIO_KINDS

    def format(self, value) -> str:
        if value is None:
            return "—"
        if self.kind == "rate":
            return f"{value * 100:.2f}%"
        if self.kind in ("avg", "amount", "sum"):
            return f"{value:,.2f}"
        return f"{int(value):,}"


@dataclass(frozen=True)
class Catalogue:
    families: dict[str, str]
    metrics: dict[str, Metric]

    def __getitem__(self, code: str) -> Metric:
        return self.metrics[code]

    def in_family(self, family: str, include_internal: bool = False) -> list[Metric]:
        return [m for m in self.metrics.values() if m.family == family and (include_internal or not m.internal)]


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    data = yaml.safe_load(CATALOGUE_FILE.read_text(encoding="utf-8"))
    metrics = {code: Metric(code=code, **spec) for code, spec in data["metrics"].items()}
    for metric in metrics.values():
        if metric.family not in data["families"]:
            raise ValueError(f"{metric.code}: unknown family {metric.family}")
        if metric.is_ratio and not (metric.numerator in metrics and metric.denominator in metrics):
            raise ValueError(f"{metric.code}: a ratio needs a numerator and a denominator in the catalogue")
    return Catalogue(families=data["families"], metrics=metrics)
