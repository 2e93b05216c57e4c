"""The ledger registry: each ledger app declares its ledgers once, and gets list, detail, form, recycle bin,
Excel export and REST API from the same declaration (like NetBox's per-model views, with less ceremony)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

AREAS = [
    ("services", "政务服务"),
    ("enforcement", "行政执法"),
    ("inspections", "双随机"),
    ("rulemaking", "制度建设"),
    ("decisions", "依法决策"),
    ("disputes", "争议化解"),
    ("oversight", "监督"),
    ("publicity", "普法"),
    ("assessment", "考核"),
    ("reports", "年度报告"),
]
AREA_NAMES = dict(AREAS)
BOOKKEEPING = ("created_at", "updated_at", "deleted_at", "deleted_by", "deletion_reason")


@dataclass
class Ledger:
    model: type[models.Model]
    area: str
    slug: str
    columns: list[str]
    sort_fields: list[str] = field(default_factory=lambda: ["id"])
    default_sort: str = "-id"
    filter_fields: list[str] = field(default_factory=list)
    search_fields: list[str] = field(default_factory=list)
    form_fields: list[str] | None = None
    form_class: type | None = None
    select_related: list[str] = field(default_factory=lambda: ["unit"])
    export_fields: list[str] | None = None
    serializer_class: type | None = None
    importer: object | None = None  # a fazhi.core.importing.Importer
    actions: list = field(default_factory=list)  # workflow steps shown on the detail page (Action)
    extra_filters: dict = field(default_factory=dict)  # name -> django_filters.Filter beyond filter_fields
    # Fields only the workflow steps write (status, step dates, …); with the non-editable derived fields (due
    # dates, on-time flags) they are read-only in the generic form and the API.
    state_fields: list[str] = field(default_factory=list)
    duties: list = field(default_factory=list)  # fazhi.core.duties.Duty: steps owed by a date (the to-do centre)
    # A page of the record's own where the work on it is done (a report's 编写页), as (button label, url name
    # taking the pk); the detail page links to it.
    work_page: tuple[str, str] | None = None
    # Evidence files (fazhi.evidence: case files, decisions, minutes, …) may be attached to each row: uploaded,
    # listed and downloaded on its detail page and under its API route, scoped exactly like the row.
    evidence: bool = False

    def __post_init__(self):
        if self.area not in AREA_NAMES:
            raise ValueError(f"unknown area {self.area}")
        for name in self.sort_fields:
            if self.model._meta.get_field(name).null:
                raise ValueError(f"{self.slug}: sort field {name} must not be nullable (keyset pagination)")
        for name in self.state_fields:
            self.model._meta.get_field(name)
        for duty in self.duties:
            self.model._meta.get_field(duty.due_field)
            if duty.step and duty.step not in {action.name for action in self.actions}:
                raise ValueError(f"{self.slug}: duty {duty.name} names an unknown step {duty.step}")
        editable_state = set(self.form_fields or ()) & set(self.step_fields)
        if editable_state:
            raise ValueError(f"{self.slug}: form fields {sorted(editable_state)} are written by workflow steps only")

    @property
    def title(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    @property
    def step_fields(self) -> list[str]:
        """Every field the generic form and the API may not write: declared state and derived (editable=False)."""
        derived = [
            f.name
            for f in self.model._meta.concrete_fields
            if not f.editable and f.name not in BOOKKEEPING and not f.primary_key
        ]
        return list(dict.fromkeys([*self.state_fields, *derived]))

    @property
    def fields_for_export(self) -> list[str]:
        return self.export_fields or self.columns

    def label(self, name: str) -> str:
        return str(self.model._meta.get_field(name).verbose_name)

    def url_name(self, action: str) -> str:
        return f"ledger:{self.slug}-{action}"

    def action(self, name: str) -> Action | None:
        return next((action for action in self.actions if action.name == name), None)


@dataclass
class Action:
    """A step of a ledger's workflow (受理, 办结, …): a small form and the domain function it calls."""

    name: str
    label: str
    form: type
    run: Callable  # run(obj, cleaned_data, user) -> None; raises ValidationError to refuse
    available: Callable = lambda obj: True

    def form_for(self, obj, data=None):
        from .forms import localize_form

        try:
            form = self.form(data, obj=obj)
        except TypeError:
            form = self.form(data)
        localize_form(form)
        return form


class LedgerRegistry:
    def __init__(self):
        self._by_slug: dict[str, Ledger] = {}

    def register(self, ledger: Ledger) -> Ledger:
        if ledger.slug in self._by_slug:
            raise ValueError(f"ledger {ledger.slug} registered twice")
        self._by_slug[ledger.slug] = ledger
        return ledger

    def __iter__(self):
        return iter(self._by_slug.values())

    def get(self, slug: str) -> Ledger:
        return self._by_slug[slug]

    def in_area(self, area: str) -> list[Ledger]:
        return [ledger for ledger in self if ledger.area == area]

    def for_model(self, model) -> Ledger | None:
        return next((ledger for ledger in self if ledger.model is model), None)


registry = LedgerRegistry()
