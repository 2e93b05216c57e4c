"""Rules of the 政务服务 ledger as plain functions: deadlines, clock stops, 容缺 and decisions."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.params import rule

from .choices import ApplicationStatus
from .models import Application


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


def refresh_deadline(application: Application, calendar: WorkCalendar | None = None) -> None:
    if application.accepted_on is None:
        application.due_on = None
        return
    application.due_on = due_date(
        application.accepted_on, application.item.promised_limit, application.clock_stops.all(), calendar
    )


@transaction.atomic
def accept(application: Application, on: dt.date) -> Application:
    if application.status != ApplicationStatus.RECEIVED:
        raise ValidationError(f"当前状态为“{application.get_status_display()}”，不能受理")
    if on < application.received_on:
        raise ValidationError("受理日期不能早于收件日期")
    application.accepted_on = on
    application.status = ApplicationStatus.ACCEPTED
    refresh_deadline(application)
    application.save()
    return application


@transaction.atomic
def decide(application: Application, on: dt.date, outcome: str) -> Application:
    """Decide an accepted application; refused while a 容缺 document is still missing."""
    if application.status != ApplicationStatus.ACCEPTED:
        raise ValidationError(f"当前状态为“{application.get_status_display()}”，不能作出办理决定")
    missing = [doc.name for doc in application.missing_documents.all() if doc.supplied_on is None]
    if missing:
        raise rule("services.decision_needs_missing_documents").violation(f"尚缺材料：{'、'.join(missing)}")
    if on < application.accepted_on:
        raise ValidationError("办结日期不能早于受理日期")
    refresh_deadline(application)
    application.decided_on = on
    application.outcome = outcome
    application.status = ApplicationStatus.DECIDED
    application.on_time = is_on_time(on, application.due_on)
    application.save()
    return application
