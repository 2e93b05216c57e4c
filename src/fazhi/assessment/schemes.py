"""Reading the 考核方案 of the database: a scheme as framework data (the file format), the framework it builds,
and the framework a year is assessed under.

A year is assessed under its published (or, once assessed, locked) scheme; a year without one falls back to
the packaged framework file (framework.load_framework), and the pages say so. Writes are steps in rules.py.
"""

from __future__ import annotations

import hashlib
import json
from collections import OrderedDict

from fazhi.org.choices import UnitType

from .framework import Framework, build_framework, load_framework
from .models import OnMissing, Scheme, SchemeArea, SchemeIndicator, SchemeItem

TYPE_NAMES = dict(UnitType.choices)
DEFAULT_LABEL = "内置默认指标体系"
_BUILT: OrderedDict = OrderedDict()  # (scheme pk, created, revision) → Framework, the few most recent
_BUILT_SIZE = 16


def scheme_data(scheme: Scheme) -> dict:
    """The scheme as the data of a framework file (see data/frameworks/default.yaml): three queries."""
    indicators: dict[int, list] = {}
    for indicator in SchemeIndicator.objects.filter(area__scheme=scheme).order_by("order", "pk"):
        indicators.setdefault(indicator.area_id, []).append(indicator)
    items: dict[int, list] = {}
    for item in SchemeItem.objects.filter(scheme=scheme).order_by("order", "pk"):
        items.setdefault(item.indicator_id, []).append(item_spec(item))
    return {
        "code": scheme.code,
        "name": scheme.name,
        "version": scheme.version,
        "document": scheme.document,
        "applies_to": list(scheme.applies_to),
        "on_missing": scheme.on_missing,
        "source_priority": list(scheme.source_priority),
        "lights": {"green": scheme.green, "yellow": scheme.yellow},
        "areas": [
            {
                "code": area.code,
                "name": area.name,
                "indicators": [
                    {"code": indicator.code, "name": indicator.name, "items": items.get(indicator.pk, [])}
                    for indicator in indicators.get(area.pk, [])
                ],
            }
            for area in SchemeArea.objects.filter(scheme=scheme).order_by("order", "pk")
        ],
    }


def item_spec(item: SchemeItem) -> dict:
    """One item as the file writes it: what is left at the scheme's default is left out."""
    spec = {"code": item.code, "name": item.name}
    if item.rule.get("type") != "qualitative":
        spec["formula"] = item.formula
    spec["rule"] = item.rule
    spec["points"] = item.points
    for key in ("applies_to", "on_missing", "guidance"):
        if getattr(item, key):
            spec[key] = getattr(item, key)
    if item.target is not None:
        spec["target"] = item.target
    return spec


def data_digest(data: dict) -> str:
    return hashlib.sha256(json.dumps(data, sort_keys=True, ensure_ascii=False).encode()).hexdigest()[:16]


def scheme_framework(scheme: Scheme) -> Framework:
    """The framework the scheme builds, as it stands (cached until a step changes it)."""
    key = (scheme.pk, scheme.created_at, scheme.revision)  # created_at: a rolled-back row's pk may come again
    if key in _BUILT:
        _BUILT.move_to_end(key)
        return _BUILT[key]
    data = scheme_data(scheme)
    framework = build_framework(data, data_digest(data))
    _BUILT[key] = framework
    while len(_BUILT) > _BUILT_SIZE:
        _BUILT.popitem(last=False)
    return framework


def scheme_in_force(year: int | None) -> Scheme | None:
    """The year's published or locked scheme, if it has one."""
    if not year:
        return None
    return Scheme.objects.filter(year=year).exclude(status=Scheme.Status.DRAFT).first()


def framework_for(year: int | None) -> tuple[Framework, Scheme | None]:
    """The framework a year is assessed under: its published scheme's, else the packaged one (scheme None)."""
    scheme = scheme_in_force(year)
    return (scheme_framework(scheme), scheme) if scheme else (load_framework(), None)


def types_text(types) -> str:
    return "、".join(TYPE_NAMES.get(t, t) for t in types)


def on_missing_text(value: str) -> str:
    return OnMissing(value).label if value else ""


def unit_weights(framework: Framework, unit_type: str) -> tuple[list, float]:
    """The items a unit of the type is assessed on, each with its share of the unit's full score."""
    items = [item for item in framework.items if item.applies(unit_type)]
    total = sum(item.points for item in items)
    return [(item, item.points / total if total else 0.0) for item in items], total
