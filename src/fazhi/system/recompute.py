"""Stored due dates recomputed after a change of the law parameters (系统管理 → 法律参数 → 重新计算期限).

A ledger row's due dates and on-time flags are derived by the step that set their inputs, with the law in force
then, and stored. Setting a local parameter does not move them. When the system administrator asks, each
ledger's stored values are derived again through the app's pure `deadlines.derive_*` function — the comparison
`fazhi check` makes with `core.invariants.recomputed_differs` — and the rows whose stored values differ are
exactly the rows that move. Each is saved through a step labelled RECOMPUTE_REASON, so its history says why it
changed and who asked.

Each derivation names the parameters it reads: a recompute after a change of local parameters walks only the
ledgers that read one (tests/test_system_params.py checks the lists against what the derivations look up).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from fazhi.core.ledgers import registry
from fazhi.core.steps import step
from fazhi.disputes.deadlines import derive_lawsuit, derive_petition, derive_reconsideration
from fazhi.disputes.models import Lawsuit, Petition, ReconsiderationCase
from fazhi.enforcement.deadlines import derive_case
from fazhi.enforcement.models import Case
from fazhi.inspections.deadlines import derive_target
from fazhi.inspections.models import TaskEntity
from fazhi.law.params import parameter_book
from fazhi.oversight.deadlines import derive_disclosure, derive_suggestion
from fazhi.oversight.models import DisclosureRequest, Suggestion
from fazhi.reports.deadlines import derive_report
from fazhi.reports.models import AnnualReport
from fazhi.rulemaking.deadlines import derive_document
from fazhi.rulemaking.models import NormativeDocument
from fazhi.services.deadlines import derive_rating
from fazhi.services.models import Rating

RECOMPUTE_REASON = "按现行法律参数重新计算期限"


@dataclass(frozen=True)
class Derivation:
    model: type
    fields: tuple[str, ...]  # the stored values `derive` sets
    codes: frozenset[str]  # the parameters it reads
    derive: Callable  # derive(row): sets `fields` on the row in memory, from its own fields (and `prefetch`)
    related: tuple[str, ...] = ()
    prefetch: tuple[str, ...] = ()

    @property
    def ledger(self):
        return registry.for_model(self.model)


def _case(case):
    if case.matter_id:
        derive_case(case, case.matter.matter_type, case.matter.is_major)


DERIVATIONS = [
    Derivation(
        Case,
        ("due_on", "decided_late", "publicity_due_on", "published_on_time"),
        frozenset(
            {
                "penalty.decision_limit",
                "penalty.decision_extension",
                "enforcement.publicity_penalty_licensing",
                "enforcement.publicity_other",
            }
        ),
        _case,
        related=("matter",),
    ),
    Derivation(
        NormativeDocument,
        ("filing_due_on", "evaluation_due_on", "filed_on_time"),
        frozenset({"normative.filing_deadline", "normative.expiry_evaluation_before"}),
        derive_document,
    ),
    Derivation(
        Suggestion,
        ("due_on", "on_time"),
        frozenset(
            {
                "suggestions.npc_reply",
                "suggestions.npc_reply_max",
                "suggestions.cppcc_reply",
                "suggestions.cppcc_reply_max",
            }
        ),
        derive_suggestion,
    ),
    Derivation(
        AnnualReport,
        ("due_on", "submission_due_on"),
        frozenset({"annual_report.publication", "annual_report.department_submission"}),
        derive_report,
        related=("unit",),
    ),
    Derivation(
        TaskEntity,
        ("result_due_on", "published_on_time"),
        frozenset({"inspection.result_publication"}),
        derive_target,
    ),
    Derivation(
        DisclosureRequest,
        ("due_on", "on_time"),
        frozenset({"disclosure.reply"}),
        lambda request: derive_disclosure(request, request.clock_stops.all()),
        prefetch=("clock_stops",),
    ),
    Derivation(
        ReconsiderationCase,
        ("deemed_accepted", "answer_due_on", "due_on", "on_time"),
        frozenset(
            {
                "reconsideration.acceptance_review",
                "reconsideration.decision_limit",
                "reconsideration.simplified_decision_limit",
                "reconsideration.decision_extension_max",
                "reconsideration.respondent_answer",
                "reconsideration.simplified_respondent_answer",
            }
        ),
        lambda case: derive_reconsideration(case, case.suspensions.all()),
        prefetch=("suspensions",),
    ),
    Derivation(Lawsuit, ("defence_due_on",), frozenset({"litigation.defence_submission"}), derive_lawsuit),
    Derivation(
        Petition,
        ("registration_due_on", "due_on", "on_time"),
        frozenset({"petition.registration", "petition.handling"}),
        derive_petition,
    ),
    Derivation(Rating, ("rectification_due_on",), frozenset({"services.bad_rating_rectification"}), derive_rating),
]


def local_codes() -> frozenset[str]:
    """The parameters an installation may set itself: those a recompute after a local change must cover."""
    book = parameter_book()
    return frozenset(code for code, versions in book.packaged.items() if versions[-1].confidence == "local")


@dataclass
class Move:
    """One row whose stored values differ from the law in force: `changes` is (label, stored, recomputed)."""

    derivation: Derivation
    pk: int
    label: str
    deleted: bool
    changes: list[tuple[str, object, object]] = field(default_factory=list)
    error: str = ""  # the derivation was refused (a year the 工作日 calendar lacks, …): nothing is written

    @property
    def shown_changes(self) -> list[tuple[str, str, str]]:
        return [(label, shown(old), shown(new)) for label, old, new in self.changes]

    @property
    def ledger_title(self) -> str:
        return self.derivation.ledger.title

    @property
    def url(self) -> str:
        return reverse(self.derivation.ledger.url_name("detail"), args=[self.pk])


def shown(value) -> str:
    if value is None:
        return "无"
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def derivations_for(codes: Iterable[str] | None) -> list[Derivation]:
    """The derivations reading any of `codes` (None: all of them)."""
    if codes is None:
        return list(DERIVATIONS)
    codes = set(codes)
    return [derivation for derivation in DERIVATIONS if derivation.codes & codes]


def _values(row, fields) -> tuple:
    return tuple(getattr(row, name) for name in fields)


def _changes(derivation: Derivation, before: tuple, after: tuple) -> list[tuple[str, object, object]]:
    return [
        (derivation.ledger.label(name), old, new)
        for name, old, new in zip(derivation.fields, before, after)
        if old != new
    ]


def find_moves(codes: Iterable[str] | None = None) -> list[Move]:
    """Every row whose stored derived values differ from what the parameters in force now give, and the rows
    whose recomputation is refused; nothing is written."""
    moves = []
    for derivation in derivations_for(codes):
        rows = derivation.model.all_objects.select_related(*derivation.related).order_by("pk")
        if derivation.prefetch:
            rows = rows.prefetch_related(*derivation.prefetch)
        for row in rows.iterator(chunk_size=2000):
            before = _values(row, derivation.fields)
            move = Move(derivation, row.pk, str(row), row.deleted_at is not None)
            try:
                derivation.derive(row)
            except ValidationError as error:
                move.error = "；".join(error.messages)
                moves.append(move)
                continue
            except (ValueError, OverflowError) as error:
                move.error = str(error)
                moves.append(move)
                continue
            move.changes = _changes(derivation, before, _values(row, derivation.fields))
            if move.changes:
                moves.append(move)
    return moves


@step(RECOMPUTE_REASON, allow_deleted=True)
def rederive(row, fields):
    """Save the row, whose save derives its stored values again, and return them (before, after)."""
    before = _values(row, fields)
    row.save()
    return before, _values(row, fields)


def recompute(codes: Iterable[str] | None = None) -> list[Move]:
    """Save every row that `find_moves` finds (in one transaction) and return what moved, as stored before and
    after; rows whose recomputation is refused are returned with their error and left as they are."""
    done = []
    with transaction.atomic():
        for move in find_moves(codes):
            if move.error:
                done.append(move)
                continue
            row = move.derivation.model.all_objects.get(pk=move.pk)
            try:
                before, after = rederive(row, move.derivation.fields)
            except ValidationError as error:  # its own savepoint rolled back: the row is left as it was
                move.error, move.changes = "；".join(error.messages), []
                done.append(move)
                continue
            move.changes = _changes(move.derivation, before, after)
            if move.changes:
                done.append(move)
    return done
