"""The steps of 建议提案 and 依申请公开: limits from law/, steps that refuse what the law forbids.

Each step is split in two, as in the 政务服务 ledgers: a pure `check_*` that validates a move against a row's fields
and makes it in memory, and the locked step (`@step`) that loads what the check needs, calls it and saves. The
Excel import replays the same checks on rows it has not written yet. Derived values (due dates, on-time flags)
come from `deadlines`, through the models' save.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError

from fazhi.core.steps import StateConflict, step
from fazhi.law.params import param, rule
from fazhi.law.steps import end_pause, not_before, over_limit, require_status, require_text
from fazhi.org.models import Unit

from .choices import DisclosureReply, DisclosureStatus, ReplyCategory, Satisfaction, SuggestionStatus
from .deadlines import awaiting_correction, correction_notice_deadline, suggestion_deadline
from .models import DisclosureClockStop, DisclosureRequest, Suggestion, SuggestionCoHandler


# -- 建议提案: pure checks ----------------------------------------------------------------------------------
def check_difficult(suggestion: Suggestion, on: dt.date | None, reason: str) -> None:
    """延期答复 for a suggestion 涉及面广、处理难度大: said, with the reason, before the ordinary reply limit runs out.

    `on` None: the Excel 台账 records the 延期 without the day it was said, so only the reason is checked.
    """
    require_status(suggestion, "延期答复", SuggestionStatus.ASSIGNED)
    if suggestion.difficult:
        raise StateConflict("已按涉及面广、处理难度大延期答复")
    reason = require_text(reason, ValidationError("请说明涉及面广、处理难度大的情况"))
    if on is not None:
        not_before(on, suggestion.assigned_on, "说明日期", "交办日期")
        ordinary = suggestion_deadline(suggestion.kind, suggestion.assigned_on)
        if on > ordinary.due:
            raise rule("suggestions.difficult_before_due").violation(ordinary.explanation)
    suggestion.difficult, suggestion.difficult_reason = True, reason


def check_co_handler(suggestion: Suggestion, unit_id: int, present: set[int], unit_name: str = "该单位") -> None:
    """A co-handling unit is added while the suggestion is handled, once, and never the lead unit itself."""
    require_status(suggestion, "添加协办单位", SuggestionStatus.ASSIGNED)
    if unit_id == suggestion.unit_id:
        raise ValidationError("主办单位不能同时作为协办单位")
    if unit_id in present:
        raise ValidationError(f"{unit_name}已是协办单位")


def check_reply(suggestion: Suggestion, on: dt.date, category: str) -> None:
    require_status(suggestion, "答复", SuggestionStatus.ASSIGNED)
    not_before(on, suggestion.assigned_on, "答复日期", "交办日期")
    if category not in ReplyCategory.values:
        raise ValidationError("答复类别无效（应为A类、B类或C类）")
    suggestion.replied_on, suggestion.reply_category, suggestion.status = on, category, SuggestionStatus.REPLIED


def check_feedback(suggestion: Suggestion, on: dt.date, satisfaction: str) -> None:
    require_status(suggestion, "登记代表（委员）意见", SuggestionStatus.REPLIED)
    if suggestion.satisfaction:
        raise StateConflict(f"已登记代表（委员）意见（{suggestion.get_satisfaction_display()}）")
    not_before(on, suggestion.replied_on, "反馈日期", "答复日期")
    if satisfaction not in Satisfaction.values:
        raise ValidationError("代表（委员）意见无效")
    suggestion.satisfaction, suggestion.feedback_on = satisfaction, on


# -- 建议提案: locked steps ---------------------------------------------------------------------------------
@step("延期答复")
def mark_difficult(suggestion: Suggestion, on: dt.date, reason: str) -> Suggestion:
    check_difficult(suggestion, on, reason)
    suggestion.save()  # the due date becomes the longer one
    return suggestion


@step("添加协办单位")
def add_co_handler(suggestion: Suggestion, unit_code: str) -> SuggestionCoHandler:
    unit = Unit.objects.filter(code=(unit_code or "").strip()).first()
    if unit is None:
        raise ValidationError(f"单位编码“{unit_code}”不存在")
    present = set(suggestion.co_handlers.values_list("unit_id", flat=True))
    check_co_handler(suggestion, unit.pk, present, unit.name)
    suggestion.save()  # the history records the step
    return SuggestionCoHandler.objects.create(suggestion=suggestion, unit=unit)


@step("协办意见送达", parent="suggestion")
def co_handler_opinion(co_handler: SuggestionCoHandler, on: dt.date) -> SuggestionCoHandler:
    if co_handler.opinion_sent_on:
        raise StateConflict(f"已登记协办意见（{co_handler.opinion_sent_on:%Y年%m月%d日}送达）")
    not_before(on, co_handler.suggestion.assigned_on, "协办意见送达日期", "交办日期")
    co_handler.opinion_sent_on = on
    co_handler.save()
    return co_handler


@step("答复")
def reply_suggestion(suggestion: Suggestion, on: dt.date, category: str) -> Suggestion:
    check_reply(suggestion, on, category)
    suggestion.save()  # on_time against the due date
    return suggestion


@step("登记代表（委员）意见")
def record_feedback(suggestion: Suggestion, on: dt.date, satisfaction: str) -> Suggestion:
    check_feedback(suggestion, on, satisfaction)
    suggestion.save()
    return suggestion


# -- 依申请公开: pure checks --------------------------------------------------------------------------------
REASON_RULES = {
    DisclosureReply.REFUSED: "disclosure.refusal_needs_reason",
    DisclosureReply.NOT_RESPONSIBLE: "disclosure.not_responsible_needs_reason",
}


def _require_open(request: DisclosureRequest, what: str) -> None:
    require_status(request, what, DisclosureStatus.RECEIVED)


def check_request_correction(request: DisclosureRequest, on: dt.date) -> None:
    _require_open(request, "告知补正")
    if request.correction_requested_on:
        raise StateConflict("已告知补正：补正告知应当一次性说明需要作出补正的事项")
    not_before(on, request.received_on, "补正告知日期", "收到申请日期")
    limit = correction_notice_deadline(request.received_on)
    if on > limit.due:
        raise over_limit("disclosure.correction_notice", f"收到申请后至{on:%Y年%m月%d日}才告知补正", limit.basis)
    request.correction_requested_on = on


def check_receive_correction(request: DisclosureRequest, on: dt.date) -> None:
    _require_open(request, "登记收到补正申请")
    if not awaiting_correction(request):
        raise StateConflict("没有待补正的事项" if not request.correction_requested_on else "已收到补正申请")
    not_before(on, request.correction_requested_on, "收到补正申请日期", "补正告知日期")
    request.correction_received_on = on


def check_stop_clock(request: DisclosureRequest, on: dt.date, *, stopped: bool) -> None:
    _require_open(request, "征求意见")
    if awaiting_correction(request):
        raise StateConflict("待申请人补正期间不能开始征求意见（答复期限自收到补正后的申请之日起计算）")
    if stopped:
        raise StateConflict("已有未结束的征求意见环节")
    not_before(on, request.correction_received_on or request.received_on, "征求意见开始日期", "收到申请日期")


def check_extend(request: DisclosureRequest, days: int, on: dt.date, approver: str) -> None:
    """延长答复期限 (第三十三条第二款): approved by the head of the office before the limit runs out, capped."""
    _require_open(request, "延长答复期限")
    if awaiting_correction(request) or request.due_on is None:
        raise StateConflict("待申请人补正期间答复期限尚未起算，不能延长")
    if days is None or days < 1:
        raise ValidationError("延长天数应为正整数")
    approver = require_text(approver, rule("disclosure.extension_before_due").violation("未填写同意延长的负责人"))
    not_before(on, request.correction_received_on or request.received_on, "同意延长日期", "收到申请日期")
    if on > request.due_on:
        raise rule("disclosure.extension_before_due").violation(f"答复期限已于{request.due_on:%Y年%m月%d日}届满")
    check_extension_days(request, request.extension_days + days)
    request.extension_days, request.extended_on, request.extension_approver = (
        request.extension_days + days,
        on,
        approver,
    )


def check_extension_days(request: DisclosureRequest, total: int) -> None:
    cap = param("disclosure.reply_extension_max", request.received_on)
    if total > cap.value:
        raise over_limit("disclosure.reply_extension_max", f"累计延长{total}个工作日", cap)


def check_reply_disclosure(
    request: DisclosureRequest, reply_type: str, on: dt.date, reason: str = "", *, stopped: bool = False
) -> None:
    _require_open(request, "答复")
    if awaiting_correction(request):
        raise StateConflict("已告知补正，尚未收到补正后的申请")
    if stopped:
        raise StateConflict("征求意见尚未结束，请先登记结束日期")
    if reply_type not in DisclosureReply.values:
        raise ValidationError("答复类型无效")
    if reply_type in REASON_RULES:
        reason = require_text(reason, rule(REASON_RULES[reply_type]).violation())
    not_before(on, request.received_on, "答复日期", "收到申请日期")
    not_before(on, request.correction_received_on, "答复日期", "收到补正申请日期")
    request.reply_type, request.reply_reason, request.replied_on = reply_type, (reason or "").strip(), on
    request.status = DisclosureStatus.REPLIED


# -- 依申请公开: locked steps -------------------------------------------------------------------------------
def _has_open_stop(request: DisclosureRequest) -> bool:
    return request.clock_stops.filter(ended_on__isnull=True).exists()


@step("告知补正")
def request_disclosure_correction(request: DisclosureRequest, on: dt.date) -> DisclosureRequest:
    check_request_correction(request, on)
    request.save()  # no due date while the corrected request is awaited
    return request


@step("收到补正申请")
def receive_disclosure_correction(request: DisclosureRequest, on: dt.date) -> DisclosureRequest:
    check_receive_correction(request, on)
    request.save()  # the limit runs from the corrected request
    return request


@step("征求意见")
def stop_disclosure_clock(request: DisclosureRequest, reason: str, on: dt.date) -> DisclosureClockStop:
    check_stop_clock(request, on, stopped=_has_open_stop(request))
    stop = DisclosureClockStop.objects.create(request=request, reason=reason, started_on=on)
    request.save()
    return stop


@step("征求意见结束")
def resume_disclosure_clock(request: DisclosureRequest, on: dt.date) -> DisclosureRequest:
    _require_open(request, "登记征求意见结束")
    end_pause(
        request.clock_stops, on, none_open="没有正在进行的征求意见环节", resumed="征求意见结束日期", started="开始日期"
    )
    request.save()  # the days consulted no longer count
    return request


@step("延长答复期限")
def extend_disclosure(request: DisclosureRequest, days: int, on: dt.date, approver: str) -> DisclosureRequest:
    check_extend(request, days, on, approver)
    request.save()
    return request


@step("答复")
def reply_disclosure(request: DisclosureRequest, reply_type: str, on: dt.date, reason: str = "") -> DisclosureRequest:
    check_reply_disclosure(request, reply_type, on, reason, stopped=_has_open_stop(request))
    request.save()  # on_time against the due date
    return request
