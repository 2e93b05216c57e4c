"""The 政务服务 workflow steps: 受理, 不予受理, 中止/恢复计时, 容缺, 办结, 差评整改.

Each step is split in two: a pure `check_*` that validates a move against a row's fields and makes it in memory,
and the locked step that loads what the check needs from the database, calls it and saves. The Excel import and
the bulk sync replay the same checks on rows they have not written yet.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.steps import StateConflict, step
from fazhi.law.params import rule
from fazhi.law.steps import end_pause, not_before, require_status

from .choices import ApplicationStatus
from .models import Application, ClockStop, MissingDocument, Rating


# -- pure checks (no database) ---------------------------------------------------------------------------
def check_accept(application: Application, on: dt.date) -> None:
    require_status(application, "受理", ApplicationStatus.RECEIVED)
    not_before(on, application.received_on, "受理日期", "收件日期")
    application.accepted_on = on
    application.status = ApplicationStatus.ACCEPTED


def check_refuse(application: Application, on: dt.date) -> None:
    require_status(application, "作出不予受理决定", ApplicationStatus.RECEIVED)
    not_before(on, application.received_on, "不予受理决定日期", "收件日期")
    application.status = ApplicationStatus.NOT_ACCEPTED
    application.decided_on = on


def check_decide(application: Application, on: dt.date, outcome: str, *, missing=(), clock_stopped=False) -> None:
    """An accepted application is decided; refused while a 容缺 document is missing or the clock stands still."""
    require_status(application, "作出办理决定", ApplicationStatus.ACCEPTED)
    if missing:
        raise rule("services.decision_needs_missing_documents").violation(f"尚缺材料：{'、'.join(missing)}")
    not_before(on, application.accepted_on, "办结日期", "受理日期")
    if clock_stopped:
        raise ValidationError("仍有未结束的不计时环节，请先恢复计时")
    if not outcome:
        raise ValidationError("办结须填写办理结果")
    application.decided_on = on
    application.outcome = outcome
    application.status = ApplicationStatus.DECIDED


def _require_accepted(application: Application, what: str) -> None:
    require_status(application, what, ApplicationStatus.ACCEPTED)


# -- locked steps ----------------------------------------------------------------------------------------
@step("受理")
def accept(application: Application, on: dt.date) -> Application:
    check_accept(application, on)
    application.save()
    return application


@step("不予受理")
def refuse_acceptance(application: Application, on: dt.date) -> Application:
    check_refuse(application, on)
    application.save()
    return application


@step("中止计时")
def stop_clock(application: Application, reason: str, on: dt.date, note: str = "") -> ClockStop:
    """Stop the clock for a period the law excludes from the limit (行政许可法第四十五条 and the like)."""
    _require_accepted(application, "中止计时")
    if application.clock_stops.filter(ended_on__isnull=True).exists():
        raise StateConflict("已有未结束的不计时环节，请先恢复计时")
    not_before(on, application.accepted_on, "不计时环节开始日期", "受理日期")
    stop = ClockStop.objects.create(application=application, reason=reason, started_on=on, note=note)
    application.save()  # the history records the step
    return stop


@step("恢复计时")
def resume_clock(application: Application, on: dt.date) -> Application:
    _require_accepted(application, "恢复计时")
    end_pause(
        application.clock_stops, on, none_open="没有正在进行的不计时环节", resumed="恢复计时日期", started="中止日期"
    )
    application.save()  # recomputes the due date with the closed stop
    return application


@step("登记容缺材料")
def add_missing_document(application: Application, name: str, due_on: dt.date) -> MissingDocument:
    _require_accepted(application, "登记容缺材料")
    if not application.item.tolerance_allowed:
        raise rule("services.tolerance_needs_allowance").violation(f"事项“{application.item.name}”")
    not_before(due_on, application.accepted_on, "补齐期限", "受理日期")
    application.tolerance_acceptance = True
    application.save()
    return MissingDocument.objects.create(application=application, name=name, due_on=due_on)


@step("材料已补齐", parent="application")
def supply_document(document: MissingDocument, on: dt.date) -> MissingDocument:
    if document.supplied_on is not None:
        raise StateConflict("该材料已补齐")
    document.supplied_on = on
    document.save()
    return document


@step("办结")
def decide(application: Application, on: dt.date, outcome: str) -> Application:
    missing = [doc.name for doc in application.missing_documents.all() if doc.supplied_on is None]
    clock_stopped = application.clock_stops.filter(ended_on__isnull=True).exists()
    check_decide(application, on, outcome, missing=missing, clock_stopped=clock_stopped)
    application.save()
    return application


@step("整改完成")
def rectify(rating: Rating, on: dt.date) -> Rating:
    if not rating.is_bad:
        raise ValidationError("只有差评（1至2星）需要整改")
    if rating.rectified_on:
        raise StateConflict("该差评已整改")
    rating.rectified_on = on
    rating.full_clean()
    rating.save()
    return rating
