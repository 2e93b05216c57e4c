"""Rules of 建议提案 and 依申请公开 as plain functions: limits from law/, steps that refuse what the law forbids."""
from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction

from fazhi.law.calendar import WorkCalendar, default_calendar
from fazhi.law.deadlines import Deadline, add_period, deadline
from fazhi.law.params import param, rule
from fazhi.law.steps import end_pause, not_before, over_limit, paused, require_status, require_text

from .choices import DisclosureReply, DisclosureStatus, SuggestionKind, SuggestionStatus


# -- 建议提案 ----------------------------------------------------------------------------------------------
def suggestion_limit_code(kind: str, difficult: bool) -> str:
    base = "suggestions.npc_reply" if kind == SuggestionKind.NPC else "suggestions.cppcc_reply"
    return f"{base}_max" if difficult else base


def suggestion_deadline(kind: str, assigned_on: dt.date, difficult: bool = False) -> Deadline:
    """Reply due within the limit from 交办 (代表法第五十一条; the local rule for 提案)."""
    return deadline(suggestion_limit_code(kind, difficult), assigned_on)


def suggestion_due(kind: str, assigned_on: dt.date, difficult: bool = False) -> dt.date:
    return suggestion_deadline(kind, assigned_on, difficult).due


@transaction.atomic
def mark_difficult(suggestion, on: dt.date, reason: str):
    require_status(suggestion, "延期答复", SuggestionStatus.ASSIGNED)
    if suggestion.difficult:
        raise ValidationError("已按涉及面广、处理难度大延期答复")
    reason = require_text(reason, ValidationError("请说明涉及面广、处理难度大的情况"))
    not_before(on, suggestion.assigned_on, "说明日期", "交办日期")
    ordinary = suggestion_deadline(suggestion.kind, suggestion.assigned_on)
    if on > ordinary.due:
        raise rule("suggestions.difficult_before_due").violation(ordinary.explanation)
    suggestion.difficult, suggestion.difficult_reason = True, reason
    suggestion.save()
    return suggestion


@transaction.atomic
def add_co_handler(suggestion, unit_code: str):
    from fazhi.org.models import Unit

    from .models import SuggestionCoHandler

    unit = Unit.objects.filter(code=(unit_code or "").strip()).first()
    if unit is None:
        raise ValidationError(f"单位编码“{unit_code}”不存在")
    if unit.pk == suggestion.unit_id:
        raise ValidationError("主办单位不能同时作为协办单位")
    if suggestion.co_handlers.filter(unit=unit).exists():
        raise ValidationError(f"{unit.name}已是协办单位")
    return SuggestionCoHandler.objects.create(suggestion=suggestion, unit=unit)


@transaction.atomic
def co_handler_opinion(co_handler, on: dt.date):
    if co_handler.opinion_sent_on:
        raise ValidationError("已登记协办意见")
    not_before(on, co_handler.suggestion.assigned_on, "协办意见送达日期", "交办日期")
    co_handler.opinion_sent_on = on
    co_handler.save()
    return co_handler


@transaction.atomic
def reply_suggestion(suggestion, on: dt.date, category: str):
    require_status(suggestion, "答复", SuggestionStatus.ASSIGNED)
    not_before(on, suggestion.assigned_on, "答复日期", "交办日期")
    suggestion.replied_on, suggestion.reply_category, suggestion.status = on, category, SuggestionStatus.REPLIED
    suggestion.on_time = on <= suggestion_due(suggestion.kind, suggestion.assigned_on, suggestion.difficult)
    suggestion.save()
    return suggestion


@transaction.atomic
def record_feedback(suggestion, on: dt.date, satisfaction: str):
    require_status(suggestion, "登记代表（委员）意见", SuggestionStatus.REPLIED)
    not_before(on, suggestion.replied_on, "反馈日期", "答复日期")
    suggestion.satisfaction, suggestion.feedback_on = satisfaction, on
    suggestion.save()
    return suggestion


# -- 依申请公开 --------------------------------------------------------------------------------------------
def disclosure_deadline(request, stops=(), calendar: WorkCalendar | None = None) -> Deadline | None:
    """20 working days from receipt (or from the corrected request, 第三十条), plus time spent consulting
    third parties and other agencies (第三十三条第三款) and the approved extension. None while awaiting 补正."""
    if request.awaiting_correction:
        return None
    calendar = calendar or default_calendar()
    limit = param("disclosure.reply", request.received_on)
    start = request.correction_received_on or request.received_on
    total = limit.value + paused(stops, limit.unit, calendar) + request.extension_days
    return Deadline(add_period(start, total, limit.unit, calendar), limit)


def refresh_disclosure_deadline(request, calendar: WorkCalendar | None = None) -> None:
    stops = list(request.clock_stops.all()) if request.pk else []
    request.stopped = any(s.ended_on is None for s in stops)
    limit = disclosure_deadline(request, stops, calendar)
    request.due_on = limit.due if limit else None


@transaction.atomic
def request_disclosure_correction(request, on: dt.date):
    require_status(request, "告知补正", DisclosureStatus.RECEIVED)
    if request.correction_requested_on:
        raise ValidationError("已告知补正：补正告知应当一次性说明需要作出补正的事项")
    not_before(on, request.received_on, "补正告知日期", "收到申请日期")
    limit = deadline("disclosure.correction_notice", request.received_on)
    if on > limit.due:
        raise over_limit("disclosure.correction_notice", f"收到申请后至{on:%Y年%m月%d日}才告知补正", limit.basis)
    request.correction_requested_on = on
    request.save()
    return request


@transaction.atomic
def receive_disclosure_correction(request, on: dt.date):
    if not request.awaiting_correction:
        raise ValidationError("没有待补正的事项")
    not_before(on, request.correction_requested_on, "收到补正申请日期", "补正告知日期")
    request.correction_received_on = on
    request.save()
    return request


@transaction.atomic
def stop_disclosure_clock(request, reason: str, on: dt.date):
    from .models import DisclosureClockStop

    require_status(request, "征求意见", DisclosureStatus.RECEIVED)
    if request.awaiting_correction:
        raise ValidationError("待申请人补正期间不能开始征求意见")
    if request.stopped:
        raise ValidationError("已有未结束的征求意见环节")
    not_before(on, request.correction_received_on or request.received_on, "征求意见开始日期", "收到申请日期")
    stop = DisclosureClockStop.objects.create(request=request, reason=reason, started_on=on)
    request.save()
    return stop


@transaction.atomic
def resume_disclosure_clock(request, on: dt.date):
    end_pause(request.clock_stops, on, none_open="没有正在进行的征求意见环节", resumed="征求意见结束日期", started="开始日期")
    request.save()
    return request


@transaction.atomic
def extend_disclosure(request, days: int, on: dt.date, approver: str):
    require_status(request, "延长答复期限", DisclosureStatus.RECEIVED)
    if request.due_on is None:
        raise ValidationError("待申请人补正期间答复期限尚未起算")
    if days < 1:
        raise ValidationError("延长天数应为正整数")
    approver = require_text(approver, rule("disclosure.extension_before_due").violation("未填写同意延长的负责人"))
    if on > request.due_on:
        raise rule("disclosure.extension_before_due").violation(f"答复期限已于{request.due_on:%Y年%m月%d日}届满")
    cap = param("disclosure.reply_extension_max", request.received_on)
    total = request.extension_days + days
    if total > cap.value:
        raise over_limit("disclosure.reply_extension_max", f"累计延长{total}个工作日", cap)
    request.extension_days, request.extended_on, request.extension_approver = total, on, approver
    request.save()
    return request


REASON_RULES = {
    DisclosureReply.REFUSED: "disclosure.refusal_needs_reason",
    DisclosureReply.NOT_RESPONSIBLE: "disclosure.not_responsible_needs_reason",
}


@transaction.atomic
def reply_disclosure(request, reply_type: str, on: dt.date, reason: str = ""):
    require_status(request, "答复", DisclosureStatus.RECEIVED)
    if request.awaiting_correction:
        raise ValidationError("已告知补正，尚未收到补正后的申请")
    if request.stopped:
        raise ValidationError("征求意见尚未结束，请先登记结束日期")
    if reply_type not in DisclosureReply.values:
        raise ValidationError("答复类型无效")
    if reply_type in REASON_RULES:
        reason = require_text(reason, rule(REASON_RULES[reply_type]).violation())
    not_before(on, request.received_on, "答复日期", "收到申请日期")
    refresh_disclosure_deadline(request)
    request.reply_type, request.reply_reason, request.replied_on = reply_type, (reason or "").strip(), on
    request.status = DisclosureStatus.REPLIED
    request.on_time = on <= request.due_on
    request.save()
    return request

