"""The indicator framework as data: areas → indicators → items, each item with a formula, a rule and points.

A framework file (YAML) names the document that sets it and its version; see data/frameworks/default.yaml for
the format. The running framework of a year is the 考核方案 the 法治办 keeps in the database (models.Scheme,
schemes.py), in the same shape; the file is the packaged default, the exchange and the test format.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml
from django.conf import settings

from fazhi.metrics.catalogue import catalogue

from .formula import Formula, FormulaError

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


def check_formula(text: str) -> Formula:
    """The formula, checked against the metric catalogue: a refusal names the metric it does not know."""
    if not str(text).strip():
        raise FrameworkError("请填写计算公式（定性指标除外）")
    try:
        formula = Formula(str(text).strip())
    except FormulaError as error:
        raise FrameworkError(str(error)) from None
    unknown = formula.names - set(catalogue().metrics)
    if unknown:
        raise FrameworkError(f"公式引用了指标目录中没有的指标：{'、'.join(sorted(unknown))}")
    return formula


def framework_path(path: str | Path | None = None) -> Path:
    """The framework file: the one given, else the setting's, else the shipped default."""
    return Path(path or getattr(settings, "FAZHI_ASSESSMENT_FRAMEWORK", "") or DEFAULT_FRAMEWORK)


def load_framework(path: str | Path | None = None) -> Framework:
    """The framework in the file (default: the setting, else the shipped one), as the file reads now.

    This is the packaged framework: a year with a published 考核方案 in the database is assessed under that
    instead (see schemes.framework_for).
    """
    return _parse(framework_path(path).read_bytes())


def framework_data(path: str | Path | None = None) -> dict:
    """The file's framework as the data it holds (the format of default.yaml): what a new scheme copies."""
    return yaml.load(framework_path(path).read_bytes(), Loader=SAFE_LOADER)


@lru_cache(maxsize=8)  # keyed by the file's bytes: an edited file is parsed afresh, an unchanged one once
def _parse(raw: bytes) -> Framework:
    return build_framework(yaml.load(raw, Loader=SAFE_LOADER), hashlib.sha256(raw).hexdigest()[:16])


def build_framework(data: dict, digest: str) -> Framework:
    """The framework that data in the file format describes (a YAML file's or a scheme's of the database)."""
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
                    try:
                        formula = check_formula(spec.get("formula") or "")
                    except FrameworkError as error:
                        raise FrameworkError(f"{where}：{error}") from None
                on_missing = spec.get("on_missing") or data.get("on_missing") or "zero"
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
        document=data.get("document", ""),
        lights=lights,
        source_priority=data.get("source_priority", ["ledger", "report", "manual"]),
        areas=areas,
        items=items,
        digest=digest,
    )
