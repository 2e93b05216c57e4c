"""Ledger invariants: what must hold of the stored rows whatever road wrote them, checked by `fazhi check`.

Each ledger app declares its invariants in `<app>/invariants.py` with `@invariant(slug, text)`: a function that
yields the offending rows (or (row, detail) pairs). Each invariant has a test that breaks it on purpose.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from importlib import import_module

from django.apps import apps
from django.db.models import F, Q
from django.urls import reverse


@dataclass(frozen=True)
class Invariant:
    code: str  # "<app>.<name>"
    ledger: str  # the ledger slug its rows belong to (for the link)
    text: str  # what must hold, in Chinese
    find: Callable[[], Iterable]


@dataclass(frozen=True)
class Violation:
    invariant: Invariant
    pk: int
    label: str
    detail: str

    @property
    def path(self) -> str:
        return reverse(f"ledger:{self.invariant.ledger}-detail", args=[self.pk])

    def __str__(self):
        detail = f"：{self.detail}" if self.detail else ""
        return f"[{self.invariant.code}] {self.label}{detail}（{self.path}）"


INVARIANTS: dict[str, Invariant] = {}


def invariant(ledger: str, text: str):
    """Register `find()` (yielding rows or (row, detail)) as the invariant `<app>.<function name>`."""

    def register(find):
        app = find.__module__.split(".")[1]
        code = f"{app}.{find.__name__}"
        INVARIANTS[code] = Invariant(code, ledger, text, find)
        return find

    return register


def load() -> dict[str, Invariant]:
    """Import every installed fazhi app's invariants module."""
    for config in apps.get_app_configs():
        if config.name.startswith("fazhi."):
            try:
                import_module(f"{config.name}.invariants")
            except ModuleNotFoundError as error:
                if error.name != f"{config.name}.invariants":
                    raise
    return INVARIANTS


def violations(codes: Iterable[str] | None = None, limit: int | None = None) -> Iterable[Violation]:
    """Every violation of the chosen invariants (all by default), at most `limit` per invariant."""
    known = load()
    for code in codes or sorted(known):
        found = known[code]
        for count, hit in enumerate(found.find()):
            if limit is not None and count >= limit:
                break
            row, detail = hit if isinstance(hit, tuple) else (hit, "")
            yield Violation(found, row.pk, str(row), detail)


def flag_disagrees(flag: str, done: str, due: str) -> Q:
    """Rows whose on-time `flag` disagrees with its dates: set while `done` or `due` is missing, missing while both
    are there, or saying the opposite of `done` ≤ `due`."""
    both = Q(**{f"{done}__isnull": False, f"{due}__isnull": False})
    wrong = (
        Q(**{f"{flag}__isnull": True})
        | Q(**{flag: True, f"{done}__gt": F(due)})
        | Q(**{flag: False, f"{done}__lte": F(due)})
    )
    return both & wrong | ~both & Q(**{f"{flag}__isnull": False})


def recomputed_differs(queryset, inputs: list[str], stored: str, compute):
    """Rows whose stored derived value differs from `compute(*inputs)`, computed once per distinct combination of
    inputs (a city's rows share few): yields (row, "记录为…，按规定应为…")."""
    expected = {}
    rows = queryset.values_list("pk", *inputs, stored).order_by("pk").iterator(chunk_size=5000)
    for pk, *key, value in rows:
        key = tuple(key)
        if key not in expected:
            expected[key] = compute(*key)
        if expected[key] != value:
            yield queryset.get(pk=pk), f"记录为{_shown(value)}，按规定应为{_shown(expected[key])}"


def _shown(value) -> str:
    return "无" if value is None else str(value)
