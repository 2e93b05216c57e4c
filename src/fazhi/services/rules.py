"""Rules of the 政务服务 ledger as plain functions: deadlines, clock stops, 容缺 and decisions."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.params import rule
from fazhi.law.steps import end_pause

from .choices import ApplicationStatus
from .models import Application, ClockStop, MissingDocument, Rating


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
def refuse_acceptance(application: Application, on: dt.date) -> Application:
    if application.status != ApplicationStatus.RECEIVED:
        raise ValidationError(f"当前状态为“{application.get_status_display()}”，不能作出不予受理决定")
    application.status = ApplicationStatus.NOT_ACCEPTED
    application.decided_on = on
    application.save()
    return application


def _require_accepted(application: Application, what: str) -> None:
    if application.status != ApplicationStatus.ACCEPTED:
        raise ValidationError(f"当前状态为“{application.get_status_display()}”，不能{what}")


@transaction.atomic
def stop_clock(application: Application, reason: str, on: dt.date, note: str = "") -> ClockStop:
    """Stop the clock for a period the law excludes from the limit (行政许可法第四十五条 and the like)."""
    _require_accepted(application, "中止计时")
    if application.clock_stops.filter(ended_on__isnull=True).exists():
        raise ValidationError("已有未结束的不计时环节，请先恢复计时")
    if on < application.accepted_on:
        raise ValidationError("不计时环节不能早于受理日期")
    return ClockStop.objects.create(application=application, reason=reason, started_on=on, note=note)


@transaction.atomic
def resume_clock(application: Application, on: dt.date) -> Application:
    _require_accepted(application, "恢复计时")
    end_pause(application.clock_stops, on, none_open="没有正在进行的不计时环节", resumed="恢复计时日期", started="中止日期")
    refresh_deadline(application)
    application.save()
    return application


@transaction.atomic
def add_missing_document(application: Application, name: str, due_on: dt.date) -> MissingDocument:
    _require_accepted(application, "登记容缺材料")
    if not application.item.tolerance_allowed:
        raise rule("services.tolerance_needs_allowance").violation(f"事项“{application.item.name}”")
    if due_on < application.accepted_on:
        raise ValidationError("补齐期限不能早于受理日期")
    if not application.tolerance_acceptance:
        application.tolerance_acceptance = True
        application.save()
    return MissingDocument.objects.create(application=application, name=name, due_on=due_on)


@transaction.atomic
def supply_document(document: MissingDocument, on: dt.date) -> MissingDocument:
    if document.supplied_on is not None:
        raise ValidationError("该材料已补齐")
    document.supplied_on = on
    document.save()
    return document


@transaction.atomic
def rectify(rating: Rating, on: dt.date) -> Rating:
    if not rating.is_bad:
        raise ValidationError("只有差评（1至2星）需要整改")
    if rating.rectified_on:
        raise ValidationError("该差评已整改")
    rating.rectified_on = on
    rating.full_clean()
    rating.save()
    return rating


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
    if application.clock_stops.filter(ended_on__isnull=True).exists():
        raise ValidationError("仍有未结束的不计时环节，请先恢复计时")
    refresh_deadline(application)
    application.decided_on = on
    application.outcome = outcome
    application.status = ApplicationStatus.DECIDED
    application.on_time = is_on_time(on, application.due_on)
    application.save()
    return application
