"""The 行政执法 ledgers' derived values, as pure functions of a row's own fields (no database access).

One function per model computes everything derived: the model's save, the workflow steps, the demo generator and
`fazhi check` all call it, so a handling limit or an on-time flag means the same thing on every road. Nothing here
imports the app's models: models.py calls in, never the other way round.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Q

from fazhi.law.deadlines import add_period, deadline
from fazhi.law.params import param

from .choices import SHORT_PUBLICITY_TYPES, MatterType


# -- certificates ------------------------------------------------------------------------------------------
def certificate_valid_on(issued_on: dt.date, expires_on: dt.date, revoked_on: dt.date | None, day: dt.date) -> bool:
    """A certificate is valid from its issue through its expiry, and no longer from the day it is revoked."""
    return issued_on <= day <= expires_on and (revoked_on is None or day < revoked_on)


def valid_certificate_q(day: dt.date, until: dt.date | None = None, prefix: str = "") -> Q:
    """Certificates valid on `day` (and still valid on `until`, when given): the same rule as a database filter."""
    last = max(day, until) if until else day
    return Q(**{f"{prefix}issued_on__lte": day, f"{prefix}expires_on__gte": last}) & (
        Q(**{f"{prefix}revoked_on__isnull": True}) | Q(**{f"{prefix}revoked_on__gt": last})
    )


# -- cases -------------------------------------------------------------------------------------------------
def handling_due(matter_type: str, opened_on: dt.date | None, extended_on: dt.date | None = None) -> dt.date | None:
    """The 行政处罚 handling limit from 立案 (处罚法第六十条), plus an approved extension; other cases have none."""
    if matter_type != MatterType.PENALTY or opened_on is None:
        return None
    due = deadline("penalty.decision_limit", opened_on).due
    if extended_on is not None:
        extension = param("penalty.decision_extension", extended_on)
        due = add_period(due, extension.value, extension.unit)
    return due


def publicity_due(matter_type: str, decided_on: dt.date) -> dt.date:
    """公示 of a decision is due within 7 working days for 处罚 and 许可, within 20 for others (国办发〔2018〕118号)."""
    code = (
        "enforcement.publicity_penalty_licensing"
        if matter_type in SHORT_PUBLICITY_TYPES
        else "enforcement.publicity_other"
    )
    return deadline(code, decided_on).due


def is_late(done_on: dt.date | None, due_on: dt.date | None) -> bool | None:
    """Done after the limit (no limit: never late); None while not done."""
    if done_on is None:
        return None
    return due_on is not None and done_on > due_on


def derive_case(case, matter_type: str, matter_is_major: bool) -> None:
    """Set a case's derived fields from its own dates and its matter's type and 重大 flag.

    `is_major`: a matter listed as 重大 makes every case of it 重大 (a case may be marked 重大 on its own too);
    `due_on`: the handling limit; `decided_late`: decided after it; `publicity_due_on`: the 公示 limit from the
    decision; `published_on_time`: published by it.
    """
    if matter_is_major:
        case.is_major = True
    case.due_on = handling_due(matter_type, case.opened_on, case.extended_on)
    case.decided_late = is_late(case.decided_on, case.due_on)
    case.publicity_due_on = publicity_due(matter_type, case.decided_on) if case.decided_on else None
    case.published_on_time = (
        None
        if case.published_on is None or case.publicity_due_on is None
        else case.published_on <= case.publicity_due_on
    )


def is_publicity_overdue(case, today: dt.date) -> bool:
    """Published after the limit, or still unpublished past it."""
    if case.publicity_due_on is None:
        return False
    if case.published_on is not None:
        return case.published_on > case.publicity_due_on
    return today > case.publicity_due_on
