"""The indicator framework as data: areas → indicators → items, each item with a formula, a rule and points.

A framework file (YAML) names the document that sets it and its version; a city loads its own file instead
of the default one. See data/frameworks/default.yaml for the format.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

from fazhi.metrics.catalogue import catalogue

from .formula import Formula

DEFAULT_FRAMEWORK = Path(__file__).with_name("data") / "frameworks" / "default.yaml"
# libyaml's safe loader when present: the pure-Python one takes a tenth of a second per framework.
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
RULE_TYPES = {"linear", "bands", "boolean", "qualitative"}
ON_MISSING = {"zero", "exclude"}


class FrameworkError(ValueError):
    pass


@dataclass(frozen=True)
class Item:
    code: str
    name: str
    points: float
    rule: dict
    formula: Formula | None
    target: float | None
    applies_to: frozenset[str]
    on_missing: str
    area: str
    indicator: str
    guidance: str = ""

    @property
    def qualitative(self) -> bool:
        return self.rule["type"] == "qualitative"

    def applies(self, unit_type: str) -> bool:
        return not self.applies_to or unit_type in self.applies_to


@dataclass(frozen=True)
class Area:
    code: str
    name: str
    indicators: list[tuple[str, str]]


@dataclass
class Framework:
    code: str
    name: str
    version: str
    document: str
    lights: dict
    source_priority: list[str]
    areas: list[Area]
    items: list[Item]
    digest: str = ""
    unit_types: frozenset[str] = field(default_factory=frozenset)

    def item(self, code: str) -> Item:
        return next(item for item in self.items if item.code == code)

    @property
    def label(self) -> str:
        return f"{self.name}（{self.version}）"


def _rule(spec: dict, where: str) -> dict:
    kind = spec.get("type")
    if kind not in RULE_TYPES:
        raise FrameworkError(f"{where}：评分规则类型应为 {sorted(RULE_TYPES)} 之一")
    if kind == "linear" and not ("lower" in spec and "upper" in spec and spec["lower"] != spec["upper"]):
        raise FrameworkError(f"{where}：线性评分须给出不同的 lower 和 upper")
    if kind == "bands":
        bands = spec.get("bands") or []
        if not bands or any(not {"min", "share"} <= set(b) for b in bands):
            raise FrameworkError(f"{where}：分档评分的每一档须有 min 和 share")
    return spec


def load_framework(path: str | Path | None = None) -> Framework:
    """The framework in the file (default: the setting, else the shipped one), as the file reads now."""
    path = Path(path or getattr(settings, "FAZHI_ASSESSMENT_FRAMEWORK", "") or DEFAULT_FRAMEWORK)
    return _parse(path.read_bytes())


@lru_cache(maxsize=8)  # keyed by the file's bytes: an edited file is parsed afresh, an unchanged one once
def _parse(raw: bytes) -> Framework:
    data = yaml.load(raw, Loader=SAFE_LOADER)
    metrics = catalogue().metrics
    areas, items, seen = [], [], set()
    for area in data["areas"]:
        indicators = []
        for indicator in area["indicators"]:
            indicators.append((indicator["code"], indicator["name"]))
            for spec in indicator["items"]:
                where = f"{area['name']} / {indicator['name']} / {spec['name']}"
                if spec["code"] in seen:
                    raise FrameworkError(f"{where}：指标项编码 {spec['code']} 重复")
                seen.add(spec["code"])
                rule = _rule(spec["rule"], where)
                formula = None
                if rule["type"] != "qualitative":
                    formula = Formula(str(spec["formula"]))
                    unknown = formula.names - set(metrics)
                    if unknown:
                        raise FrameworkError(f"{where}：公式引用了指标目录中没有的指标 {sorted(unknown)}")
                on_missing = spec.get("on_missing", data.get("on_missing", "zero"))
                if on_missing not in ON_MISSING:
                    raise FrameworkError(f"{where}：on_missing 应为 zero 或 exclude")
                items.append(
                    Item(
                        code=spec["code"],
                        name=spec["name"],
                        points=float(spec["points"]),
                        rule=rule,
                        formula=formula,
                        target=spec.get("target"),
                        applies_to=frozenset(spec.get("applies_to") or data.get("applies_to") or []),
                        on_missing=on_missing,
                        area=area["code"],
                        indicator=indicator["code"],
                        guidance=spec.get("guidance", ""),
                    )
                )
        areas.append(Area(area["code"], area["name"], indicators))
    lights = data.get("lights", {"green": 0.85, "yellow": 0.7})
    return Framework(
        code=data["code"],
        name=data["name"],
        version=str(data["version"]),
        document=data["document"],
        lights=lights,
        source_priority=data.get("source_priority", ["ledger", "report", "manual"]),
        areas=areas,
        items=items,
        digest=hashlib.sha256(raw).hexdigest()[:16],
    )
