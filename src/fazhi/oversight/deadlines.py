"""The derived values of 建议提案 and 依申请公开, as pure functions of a row's own fields (no database access).

One function per model computes everything derived: the model's save, the workflow steps, the Excel import, the
demo generator and `fazhi check` all call it, so a due date or an on-time flag means the same thing on every road.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.deadlines import Deadline, add_period, deadline
from fazhi.law.params import param
from fazhi.law.steps import paused

from .choices import SuggestionKind


# -- 建议提案 ----------------------------------------------------------------------------------------------
def suggestion_limit_code(kind: str, difficult: bool) -> str:
    base = "suggestions.npc_reply" if kind == SuggestionKind.NPC else "suggestions.cppcc_reply"
    return f"{base}_max" if difficult else base


def suggestion_deadline(kind: str, assigned_on: dt.date, difficult: bool = False) -> Deadline:
    """Reply due within the limit from 交办 (代表法第五十一条; the local rule for 提案)."""
    try:
        return deadline(suggestion_limit_code(kind, difficult), assigned_on)
    except (OverflowError, ValueError):  # months past the calendar's last year (9999)
        raise ValidationError({"assigned_on": f"交办日期{assigned_on}超出可计算答复期限的范围"}) from None


def suggestion_due(kind: str, assigned_on: dt.date, difficult: bool = False) -> dt.date:
    return suggestion_deadline(kind, assigned_on, difficult).due


def is_on_time(replied_on: dt.date, due_on: dt.date) -> bool:
    return replied_on <= due_on


def derive_suggestion(suggestion) -> None:
    """Set `due_on` (from 交办, the kind and the 延期 flag) and `on_time` (replied by it; None while unanswered)."""
    if not (suggestion.kind and suggestion.assigned_on):
        suggestion.due_on = suggestion.on_time = None
        return
    suggestion.due_on = suggestion_due(suggestion.kind, suggestion.assigned_on, suggestion.difficult)
    suggestion.on_time = None if suggestion.replied_on is None else is_on_time(suggestion.replied_on, suggestion.due_on)


# -- 依申请公开 --------------------------------------------------------------------------------------------
def awaiting_correction(request) -> bool:
    """补正 asked for (第三十条) and the corrected request not yet received: the reply clock has not started."""
    return bool(request.correction_requested_on) and not request.correction_received_on


def correction_notice_deadline(received_on: dt.date) -> Deadline:
    """补正 is asked for once, within the limit from receipt (第三十条)."""
    return deadline("disclosure.correction_notice", received_on)


def disclosure_deadline(request, stops=(), calendar: WorkCalendar | None = None) -> Deadline | None:
    """20 working days from receipt (or from the corrected request, 第三十条), plus time spent consulting
    third parties and other agencies (第三十三条第三款) and the approved extension. None while awaiting 补正."""
    if awaiting_correction(request) or request.received_on is None:
        return None
    calendar = calendar or default_calendar()
    limit = param("disclosure.reply", request.received_on)
    start = request.correction_received_on or request.received_on
    total = limit.value + paused(stops, limit.unit, calendar) + (request.extension_days or 0)
    return Deadline(add_period(start, total, limit.unit, calendar), limit)


def derive_disclosure(request, stops=(), calendar: WorkCalendar | None = None) -> None:
    """Set `stopped` (a consultation still open), `due_on` and `on_time` (replied by the due date)."""
    request.stopped = any(stop.ended_on is None for stop in stops)
    limit = disclosure_deadline(request, stops, calendar)
    request.due_on = limit.due if limit else None
    request.on_time = (
        None if request.replied_on is None or request.due_on is None else is_on_time(request.replied_on, request.due_on)
    )
