"""Workflow steps: the only writers of a ledger row's state.

A step is a plain function `step_function(record, …)` decorated with `@step("受理")`. The decorator opens a
transaction, re-reads the row with `select_for_update()` (so two people acting on one row at once are served one
after the other, the second against the state the first left), refuses a row in the recycle bin, runs the
function on the locked copy, labels the history record with the step, and copies the new state back onto the
caller's object. The web action, the API action route and the importers call the same function.

A step that the row's current state does not allow raises `StateConflict` (HTTP 409 in the API): typically the
row moved on since the caller looked at it. Any other refusal is a ValidationError naming the rule (HTTP 400).
"""

from __future__ import annotations

import functools

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from fazhi.law.errors import StateConflict

__all__ = ["StateConflict", "check_for_field", "copy_state", "lock", "step"]


def lock(record):
    """The row as stored now, locked until the end of the transaction (SQLite serialises writers instead)."""
    if record.pk is None:
        raise ValueError("a step acts on a saved row")
    return type(record)._base_manager.select_for_update().get(pk=record.pk)


def copy_state(target, source) -> None:
    """Give `target` the stored state of `source` (the same row), dropping caches that may now be stale."""
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))
    target._state.fields_cache = dict(source._state.fields_cache)
    target.__dict__.pop("_prefetched_objects_cache", None)


def step(label: str, *, parent: str | None = None, allow_deleted: bool = False):
    """Make `function(record, …)` a locked workflow step labelled `label` in the row's history.

    `parent`: for a step on a child row (a 容缺材料 of a 办件), the name of the foreign key whose ledger row
    is locked first, so that steps on the parent and on its children are serialised too.
    `allow_deleted`: the step may act on a row in the recycle bin (restoring it).
    """

    def decorate(function):
        @functools.wraps(function)
        def run(record, *args, **kwargs):
            try:
                with transaction.atomic():
                    if parent is not None:
                        holder = lock(getattr(record, parent))
                        refuse_deleted(holder, label)
                    locked = lock(record)
                    if not allow_deleted:
                        refuse_deleted(locked, label)
                    locked._change_reason = label
                    result = function(locked, *args, **kwargs)
            except IntegrityError as error:
                # A database constraint that restates a rule ("at most one open …") caught a race the check
                # before it could not see.
                raise StateConflict(f"{label}未执行：该记录刚被他人修改，请刷新后重试") from error
            copy_state(record, locked)
            return locked if result is None else result

        run.step_label = label
        return run

    return decorate


def refuse_deleted(record, label: str) -> None:
    if getattr(record, "deleted_at", None) is not None:
        raise StateConflict(f"该记录已在回收站中，不能{label}")


def check_for_field(field, check, *args, by_code: dict[str, str] | None = None, **kwargs) -> None:
    """Run a step's pure check for a row that an import or a sync builds; a refusal is attributed to the column
    that asked for the step: `field` (or `field(error)` when it is a function), or by the refusal's rule code
    through `by_code`. A refusal that names its own field keeps it."""
    try:
        check(*args, **kwargs)
    except ValidationError as error:
        if hasattr(error, "error_dict"):
            raise
        name = (by_code or {}).get(error.code) or (field(error) if callable(field) else field)
        raise ValidationError({name: error.error_list}) from None
