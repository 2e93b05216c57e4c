"""Statutory parameters as dated, cited data, looked up by the day a matter arose.

The packaged YAML (settings.FAZHI_LAW_PARAMETERS) holds what the national texts set. Parameters marked
`confidence: local` may also have versions set by this installation's own rules (`fazhi.law.models`, written
through `fazhi.law.local`); the book merges them in, so `param(code, on=day)` answers alike for both.

The book is cached per process. Local versions live in the database, shared by every process, so the cache
re-reads them (one small query) at the first lookup after a request starts and, outside requests, once it is
older than RECHECK_SECONDS; it rebuilds the book only when they differ from what it was built with.
"""

from __future__ import annotations

import datetime as dt
import re
import time
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple

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
CONFIDENCE = {"ok": "已核对法条", "local": "由本地规定", "unconfirmed": "依据待确认"}
ONE_DAY = dt.timedelta(days=1)
MONTH_DAY = re.compile(r"^(\d{2})-(\d{2})$")


def parse_value(unit: str, text: str) -> Any:
    """A value typed as text, in the form the unit's versions hold it; ValueError (in Chinese) when it is not one."""
    text = (text or "").strip()
    if unit in PERIOD_UNITS or unit == "count":
        if not text.isdigit() or int(text) < 1:
            raise ValueError("应为正整数")
        return int(text)
    if unit in ("yuan", "share"):
        try:
            number = float(text)
        except ValueError:
            raise ValueError("应为数字") from None
        if unit == "share" and not 0 < number <= 1:
            raise ValueError("比例应为大于0、不大于1的小数（如 0.05 表示 5%）")
        if unit == "yuan" and not 0 <= number < 1e12:
            raise ValueError("金额应为不小于0的数")
        return int(number) if number.is_integer() and unit == "yuan" else number
    if unit in ("annual_date", "annual_date_before"):
        match = MONTH_DAY.match(text)
        try:
            dt.date(2001, int(match[1]), int(match[2]))  # a common year: 02-29 would not come every year
        except (TypeError, ValueError):
            raise ValueError("应为“月-日”，如 03-01（2月29日不是每年都有）") from None
        return text
    raise ValueError(f"未知的单位：{unit}")


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
    local: bool = False  # set by this installation's own rule, not packaged

    @property
    def confidence_display(self) -> str:
        return CONFIDENCE.get(self.confidence, self.confidence)

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


class LocalRow(NamedTuple):
    """A local version as the database holds it (fazhi.law.models.LocalParameterVersion)."""

    pk: int
    code: str
    value: str
    unit: str
    law: str
    article: str
    effective_from: dt.date


class ParameterBook:
    def __init__(self, data: dict, local: tuple[LocalRow, ...] = ()):
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
        self.packaged = dict(self.versions)
        self.rules = {code: Rule(code=code, **spec) for code, spec in (data.get("rules") or {}).items()}
        self._merge_local(local)

    def _merge_local(self, rows: tuple[LocalRow, ...]) -> None:
        """A local version from day D closes the version in force before it on D − 1 and hides the packaged ones
        from D on; each local version lasts until the next one. Rows of a parameter that is not (or no longer)
        `local` in the package are left out: only the law's own gaps may be filled locally."""
        by_code: dict[str, list[LocalRow]] = {}
        for row in rows:
            packaged = self.packaged.get(row.code)
            if packaged and packaged[-1].confidence == "local":
                by_code.setdefault(row.code, []).append(row)
        for code, local in by_code.items():
            local.sort(key=lambda row: row.effective_from)
            template = self.packaged[code][-1]
            start = local[0].effective_from
            merged = []
            for version in self.packaged[code]:
                if version.effective_from >= start:
                    break
                if version.effective_to is None or version.effective_to >= start:
                    version = replace(version, effective_to=start - ONE_DAY)
                merged.append(version)
            for row, following in zip(local, [*local[1:], None]):
                merged.append(
                    replace(
                        template,
                        value=parse_value(row.unit, row.value),
                        unit=row.unit,
                        law=row.law,
                        article=row.article,
                        effective_from=row.effective_from,
                        effective_to=following.effective_from - ONE_DAY if following else None,
                        local=True,
                    )
                )
            self.versions[code] = merged

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
def packaged_data() -> dict:
    return load_parameter_data(settings.FAZHI_LAW_PARAMETERS)


# Outside requests (a command, a worker thread) the cached book is trusted for RECHECK_SECONDS; the clock is read
# once every RECHECK_CALLS lookups, so that a lookup costs little more than the dictionary access it is.
RECHECK_SECONDS = 2.0
RECHECK_CALLS = 1000


class _Cached(NamedTuple):
    book: ParameterBook
    local: tuple[LocalRow, ...] | None  # None: the database could not be read (the packaged law only)
    expires: float


_cached: _Cached | None = None  # None: read the local versions at the next lookup
_last: _Cached | None = None  # what they were when last read: the book is rebuilt only when they changed
_countdown = RECHECK_CALLS


def request_started(**kwargs) -> None:
    """Connected to Django's request_started: the next lookup (the request's first) reads the local versions again.

    At most one read per request, whichever thread looks first."""
    global _cached
    _cached = None


def forget_cached_book() -> None:
    """Drop the cached book: the next lookup reads the local versions again and rebuilds it (after a change, or a
    rolled-back test transaction)."""
    global _cached, _last
    _cached = _last = None


def parameter_book() -> ParameterBook:
    global _countdown
    cached = _cached
    _countdown -= 1
    if cached is None or _countdown <= 0:
        cached = _refresh(cached)
    return cached.book


def _refresh(cached: _Cached | None) -> _Cached:
    global _cached, _last, _countdown
    _countdown = RECHECK_CALLS
    now = time.monotonic()
    if cached is not None and now < cached.expires:
        return cached
    from .local import stored_rows  # it reads the database: imported once the apps are ready

    local = stored_rows()
    last = _last
    book = last.book if last is not None and local == last.local else ParameterBook(packaged_data(), local or ())
    _cached = _last = _Cached(book, local, now + RECHECK_SECONDS)
    return _cached


def param(code: str, on: dt.date) -> ParameterVersion:
    return parameter_book().get(code, on)


def rule(code: str) -> Rule:
    return parameter_book().rule(code)
