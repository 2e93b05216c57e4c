"""Statutory parameters as dated, cited data, looked up by the day a matter arose."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from django.conf import settings

from .errors import ParameterNotInForce, RuleViolation

UNITS = {
    "calendar_days": "日",
    "working_days": "个工作日",
    "months": "个月",
    "years": "年",
    "yuan": "元",
    "share": "",
    "count": "",
    "annual_date": "",
    "annual_date_before": "",
}
PERIOD_UNITS = {"calendar_days", "working_days", "months", "years"}


@dataclass(frozen=True)
class ParameterVersion:
    code: str
    name: str
    value: Any
    unit: str
    law: str
    article: str
    effective_from: dt.date
    effective_to: dt.date | None
    confidence: str = "ok"

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.article}"

    @property
    def display(self) -> str:
        return f"{self.value}{UNITS[self.unit]}"

    def in_force_on(self, day: dt.date) -> bool:
        return self.effective_from <= day and (self.effective_to is None or day <= self.effective_to)


@dataclass(frozen=True)
class Rule:
    code: str
    text: str
    law: str
    article: str

    @property
    def citation(self) -> str:
        return f"《{self.law}》{self.article}"

    def violation(self, detail: str = "") -> RuleViolation:
        lead = f"{detail}：" if detail else ""
        return RuleViolation(f"{lead}{self.text}（{self.citation}）", code=self.code)


class ParameterBook:
    def __init__(self, data: dict):
        self.calendar_policy: dict = data.get("calendar_policy") or {}
        self.versions: dict[str, list[ParameterVersion]] = {}
        for code, spec in (data.get("parameters") or {}).items():
            versions = []
            for v in spec["versions"]:
                if v["unit"] not in UNITS:
                    raise ValueError(f"{code}: unknown unit {v['unit']}")
                versions.append(
                    ParameterVersion(
                        code=code,
                        name=spec["name"],
                        value=v["value"],
                        unit=v["unit"],
                        law=v["law"],
                        article=v["article"],
                        effective_from=v["from"],
                        effective_to=v.get("to"),
                        confidence=spec.get("confidence", "ok"),
                    )
                )
            versions.sort(key=lambda version: version.effective_from)
            for earlier, later in zip(versions, versions[1:]):
                if earlier.effective_to is None or earlier.effective_to >= later.effective_from:
                    raise ValueError(f"{code}: versions overlap")
            self.versions[code] = versions
        self.rules = {code: Rule(code=code, **spec) for code, spec in (data.get("rules") or {}).items()}

    def get(self, code: str, on: dt.date) -> ParameterVersion:
        try:
            versions = self.versions[code]
        except KeyError:
            raise KeyError(f"未定义的法律参数：{code}") from None
        for version in versions:
            if version.in_force_on(on):
                return version
        first = versions[0]
        raise ParameterNotInForce(
            f"“{first.name}”在{on:%Y年%m月%d日}没有有效的法律规定"
            f"（现有规定自{first.effective_from:%Y年%m月%d日}起施行，见{first.citation}）",
            code="parameter_not_in_force",
        )

    def rule(self, code: str) -> Rule:
        return self.rules[code]


def load_parameter_data(path: str | Path) -> dict:
    """One YAML file, or every *.yaml in a folder merged; a code defined twice is an error, not an override."""
    path = Path(path)
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    merged: dict = {"calendar_policy": {}, "parameters": {}, "rules": {}}
    for file in files:
        data = yaml.safe_load(file.read_text(encoding="utf-8")) or {}
        for section in ("parameters", "rules"):
            for code, spec in (data.get(section) or {}).items():
                if code in merged[section]:
                    raise ValueError(f"{file.name}: {code} is already defined in another file")
                merged[section][code] = spec
        if data.get("calendar_policy"):
            if merged["calendar_policy"]:
                raise ValueError(f"{file.name}: calendar_policy is already defined in another file")
            merged["calendar_policy"] = data["calendar_policy"]
    return merged


@lru_cache(maxsize=1)
def parameter_book() -> ParameterBook:
    return ParameterBook(load_parameter_data(settings.FAZHI_LAW_PARAMETERS))


def param(code: str, on: dt.date) -> ParameterVersion:
    return parameter_book().get(code, on)


def rule(code: str) -> Rule:
    return parameter_book().rule(code)
