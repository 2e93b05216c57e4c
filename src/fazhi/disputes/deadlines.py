"""The dispute ledgers' derived values, as pure functions of a row's own fields (no database access).

One function per model computes everything derived (due dates, the deemed acceptance, the suspended and on-time
flags): the model's save, the workflow steps, the Excel import, the demo generator and `fazhi check` all call it,
so a deadline means the same thing on every road.

A 行政复议 case is governed by the law in force on the day it was received: every limit is looked up with
`on=case.received_on`, so a case received on 2023-12-20 keeps the 1999/2017 行政复议法 for its whole life and
one received on 2024-01-02 gets the 2023 revision (with its simplified procedure).
"""

from __future__ import annotations

import datetime as dt

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.deadlines import Deadline, add_period, deadline
from fazhi.law.errors import CalendarDataMissing
from fazhi.law.params import ParameterVersion, param
from fazhi.law.steps import optional_param, paused

from .choices import PetitionStatus, Procedure


# -- 行政复议 ----------------------------------------------------------------------------------------------
def application_deadlines(case, calendar: WorkCalendar | None = None) -> list[Deadline]:
    """Every limit on when the application could be made, by the law in force on the day it was received."""
    calendar = calendar or default_calendar()
    on = case.received_on
    limits = []
    cap = optional_param("reconsideration.application_period_uninformed_cap", on)
    if case.rights_informed or cap is None:
        start = case.known_on if case.rights_informed else (case.rights_known_on or case.known_on)
        limits.append(deadline("reconsideration.application_period", start, on=on, calendar=calendar))
    else:
        # Not told of the right (第二十条第三款): 60 days from learning of it, never past a year from the act.
        if case.rights_known_on:
            limits.append(
                deadline("reconsideration.application_period", case.rights_known_on, on=on, calendar=calendar)
            )
        limits.append(Deadline(_long_period(case.known_on, cap, calendar), cap))
    if case.act_on:
        code = "reconsideration.absolute_cap_real_estate" if case.real_estate else "reconsideration.absolute_cap_other"
        absolute = optional_param(code, on)
        if absolute is not None:
            limits.append(Deadline(_long_period(case.act_on, absolute, calendar), absolute))
    return limits


def _long_period(start: dt.date, version: ParameterVersion, calendar: WorkCalendar) -> dt.date:
    """A cap of years may end in a year whose holidays are not yet announced. Rolling over rest days only moves
    an end later, and such an end lies after any receipt date we can check, so the unrolled end decides alike."""
    try:
        return add_period(start, version.value, version.unit, calendar)
    except CalendarDataMissing:
        plain = WorkCalendar(overrides=calendar.overrides, roll_end_over_rest_days=False)
        return add_period(start, version.value, version.unit, plain)


def acceptance_deadline(case, calendar: WorkCalendar | None = None) -> Deadline:
    """The review of an application runs from its receipt, or from the receipt of the corrected materials."""
    start = case.correction_received_on or case.received_on
    return deadline("reconsideration.acceptance_review", start, on=case.received_on, calendar=calendar)


def is_deemed_accepted(case, calendar: WorkCalendar | None = None) -> bool:
    """Accepted after the review period: the application counts as accepted when that period ended (第三十条)."""
    return case.accepted_on is not None and case.accepted_on > acceptance_deadline(case, calendar).due


def clock_start(case, calendar: WorkCalendar | None = None) -> dt.date:
    """The day the decision limit runs from: acceptance, or the end of the review period if deemed accepted."""
    if case.deemed_accepted:
        return acceptance_deadline(case, calendar).due
    return case.accepted_on


def decision_limit_code(case) -> str:
    if case.procedure == Procedure.SIMPLIFIED:
        return "reconsideration.simplified_decision_limit"
    return "reconsideration.decision_limit"


def decision_deadline(case, suspensions=(), calendar: WorkCalendar | None = None) -> Deadline:
    """The decision limit from the clock start, plus the days suspended (中止) and the recorded extension."""
    calendar = calendar or default_calendar()
    limit = param(decision_limit_code(case), case.received_on)
    extra = paused(suspensions, limit.unit, calendar)
    if case.extension_days:
        extension = param("reconsideration.decision_extension_max", case.received_on)
        if extension.unit != limit.unit:
            raise ValueError("延长期限与审理期限的计量单位不一致")
        extra += case.extension_days
    return Deadline(add_period(clock_start(case, calendar), limit.value + extra, limit.unit, calendar), limit)


def copy_sent_under_simplified_procedure(case) -> bool:
    """The procedure the copy went out under: a case converted to the ordinary procedure (转为普通程序) on or after
    the day the copy was sent was still simplified then, and its respondent's answer keeps that limit."""
    if case.procedure == Procedure.SIMPLIFIED:
        return True
    return case.converted_on is not None and case.copy_sent_on is not None and case.copy_sent_on <= case.converted_on


def answer_deadline(case, calendar: WorkCalendar | None = None) -> Deadline:
    """The respondent answers within the limit of the case's procedure and law, from the day the copy was sent."""
    code = (
        "reconsideration.simplified_respondent_answer"
        if copy_sent_under_simplified_procedure(case)
        else "reconsideration.respondent_answer"
    )
    return deadline(code, case.copy_sent_on, on=case.received_on, calendar=calendar)


def derive_reconsideration(case, suspensions=(), calendar: WorkCalendar | None = None) -> None:
    """Set every derived value of a case from its dates, procedure, extension and `suspensions` (its 中止 rows).

    `deemed_accepted`, `answer_due_on`, `suspended` (a 中止 still open), `due_on` (the decision limit) and
    `on_time` (closed by it). A case never accepted has no decision limit.
    """
    calendar = calendar or default_calendar()
    suspensions = list(suspensions)
    case.answer_due_on = answer_deadline(case, calendar).due if case.copy_sent_on else None
    if case.accepted_on is None:
        case.deemed_accepted, case.suspended, case.due_on, case.on_time = False, False, None, None
        return
    case.deemed_accepted = is_deemed_accepted(case, calendar)
    case.suspended = any(s.ended_on is None for s in suspensions)
    case.due_on = decision_deadline(case, suspensions, calendar).due
    case.on_time = None if case.closed_on is None else case.closed_on <= case.due_on


# -- 行政应诉 ----------------------------------------------------------------------------------------------
def defence_due(served_on: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    return deadline("litigation.defence_submission", served_on, calendar=calendar).due


def derive_lawsuit(lawsuit, calendar: WorkCalendar | None = None) -> None:
    """The defence (答辩状) is due within the period from service of the complaint; not served, nothing is due."""
    lawsuit.defence_due_on = defence_due(lawsuit.served_on, calendar) if lawsuit.served_on else None


# -- 人民调解 ----------------------------------------------------------------------------------------------
def confirmation_deadline(closed_on: dt.date, calendar: WorkCalendar | None = None) -> Deadline:
    """司法确认 may be applied for within the period after the agreement takes effect (人民调解法第三十三条)."""
    return deadline("mediation.judicial_confirmation", closed_on, calendar=calendar)


# -- 信访 --------------------------------------------------------------------------------------------------
def petition_registration_due(received_on: dt.date, calendar: WorkCalendar | None = None) -> dt.date:
    return deadline("petition.registration", received_on, calendar=calendar).due


def petition_due(accepted_on: dt.date, extension_days: int = 0, calendar: WorkCalendar | None = None) -> dt.date:
    limit = param("petition.handling", accepted_on)
    return add_period(accepted_on, limit.value + extension_days, limit.unit, calendar)


HANDLED = (PetitionStatus.ACCEPTED, PetitionStatus.CONCLUDED)


def derive_petition(petition, calendar: WorkCalendar | None = None) -> None:
    """The registration limit from receipt; the handling limit (with its extension) from acceptance, and whether
    it was met. A petition not accepted has a 告知 date in `accepted_on` but nothing to handle."""
    petition.registration_due_on = (
        petition_registration_due(petition.received_on, calendar) if petition.received_on else None
    )
    if petition.status in HANDLED and petition.accepted_on is not None:
        petition.due_on = petition_due(petition.accepted_on, petition.extension_days, calendar)
    else:
        petition.due_on = None
    petition.on_time = (
        None if petition.concluded_on is None or petition.due_on is None else petition.concluded_on <= petition.due_on
    )
