"""The 政务服务 ledger's derived values, as pure functions of a row's own fields (no database access).

One function per model computes everything derived: the model's save, the workflow steps, the Excel import, the
bulk sync and `fazhi check` all call it, so a due date or an on-time flag means the same thing on every road.
"""

from __future__ import annotations

import datetime as dt

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.deadlines import deadline


def stopped_workdays(stops, calendar: WorkCalendar, until: dt.date | None = None) -> int:
    """Working days the clock stood still: each stop excludes the working days in (start, end]."""
    total = 0
    for stop in stops:
        end = stop.ended_on or until
        if end is not None:
            total += calendar.workdays_between(stop.started_on, end)
    return total


def due_date(accepted_on: dt.date, promised_limit: int, stops=(), calendar: WorkCalendar | None = None) -> dt.date:
    """The promised limit in working days from acceptance (the acceptance day not counted), plus clock stops."""
    calendar = calendar or default_calendar()
    return calendar.add_workdays(accepted_on, promised_limit + stopped_workdays(stops, calendar))


def is_on_time(decided_on: dt.date, due_on: dt.date) -> bool:
    return decided_on <= due_on


def derive_application(application, promised_limit: int, stops=(), calendar: WorkCalendar | None = None) -> None:
    """Set `due_on` (from acceptance, the item's promised limit and the clock stops) and `on_time` (decided by it).

    A refusal of acceptance (不予受理) has a decision date but no acceptance: it has no deadline to meet.
    """
    if application.accepted_on is None:
        application.due_on = None
        application.on_time = None
        return
    application.due_on = due_date(application.accepted_on, promised_limit, stops, calendar)
    application.on_time = (
        None if application.decided_on is None else is_on_time(application.decided_on, application.due_on)
    )


def derive_rating(rating) -> None:
    """A bad rating (1–2 stars) is to be rectified within the period the 好差评 rules set, from the rating day."""
    bad = rating.stars is not None and rating.stars <= 2
    rating.rectification_due_on = (
        deadline("services.bad_rating_rectification", rating.rated_on).due if bad and rating.rated_on else None
    )
