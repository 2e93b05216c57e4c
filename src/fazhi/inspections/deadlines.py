"""The 双随机 ledgers' derived values, as pure functions of a row's own fields (no database access).

The model's save, the steps, the bulk publication, the demo generator and `fazhi check` all use them, so a
publication limit or an on-time flag means the same thing on every road. Nothing here imports the app's models.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fazhi.law.deadlines import deadline

from .choices import PROBLEM_RESULTS


def result_due(inspected_on: dt.date) -> dt.date:
    """The result of an inspection is to be published within 20 working days of it (国发〔2019〕5号)."""
    return deadline("inspection.result_publication", inspected_on).due


def is_problem(result: str) -> bool | None:
    return (result in PROBLEM_RESULTS) if result else None


def derive_target(target) -> None:
    """Set a drawn entity's `problem_found` (from its result), `result_due_on` (from the inspection day) and
    `published_on_time` (published by that limit); all None while there is nothing to derive them from."""
    target.problem_found = is_problem(target.result)
    target.result_due_on = result_due(target.inspected_on) if target.inspected_on else None
    target.published_on_time = (
        None
        if target.published_on is None or target.result_due_on is None
        else target.published_on <= target.result_due_on
    )


def result_overdue_q(today: dt.date) -> Q:
    """Results published after the limit, or still unpublished past it."""
    return Q(published_on_time=False) | Q(published_on__isnull=True, result_due_on__lt=today)
