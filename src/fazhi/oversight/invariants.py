"""What must hold of the 建议提案 and 依申请公开 ledgers, whatever road wrote them (see fazhi.core.invariants)."""

from collections import defaultdict

from django.db.models import Exists, F, OuterRef, Q

from fazhi.core.invariants import invariant, recomputed_differs
from fazhi.law.calendar import default_calendar
from fazhi.law.params import param

from .choices import DisclosureStatus, SuggestionStatus
from .deadlines import correction_notice_deadline, derive_disclosure, suggestion_due
from .models import DisclosureClockStop, DisclosureRequest, Suggestion, SuggestionCoHandler
from .rules import REASON_RULES

S, R = SuggestionStatus, DisclosureStatus


def _on_time_wrong(replied_on: str = "replied_on"):
    """Rows whose on-time flag does not say whether the reply came by the due date (or that have one unanswered)."""
    return (
        Q(**{f"{replied_on}__isnull": False}, due_on__isnull=False)
        & (
            Q(on_time__isnull=True)
            | Q(on_time=True, **{f"{replied_on}__gt": F("due_on")})
            | Q(on_time=False, **{f"{replied_on}__lte": F("due_on")})
        )
        | Q(**{f"{replied_on}__isnull": True}, on_time__isnull=False)
        | Q(due_on__isnull=True, on_time__isnull=False)
    )


def _flag(on_time) -> str:
    return "按期" if on_time else "未按期" if on_time is False else "未标记"


# -- 建议提案 ----------------------------------------------------------------------------------------------
@invariant(
    "suggestions",
    "建议提案状态与答复一致（办理中的没有答复日期、答复类别和代表（委员）意见；已答复的有答复日期和答复类别）；"
    "代表（委员）意见与反馈日期同时登记",
)
def suggestion_status_matches_reply():
    rows = Suggestion.all_objects.filter(
        Q(status=S.ASSIGNED) & (Q(replied_on__isnull=False) | ~Q(reply_category="") | ~Q(satisfaction=""))
        | Q(status=S.REPLIED) & (Q(replied_on__isnull=True) | Q(reply_category=""))
        | Q(satisfaction="", feedback_on__isnull=False)
        | ~Q(satisfaction="") & Q(feedback_on__isnull=True)
    )
    for s in rows.order_by("pk"):
        yield (
            s,
            (
                f"状态“{s.get_status_display()}”，答复日期{s.replied_on or '—'}，答复类别{s.reply_category or '—'}，"
                f"代表（委员）意见{s.satisfaction or '—'}，反馈日期{s.feedback_on or '—'}"
            ),
        )


@invariant("suggestions", "步骤日期顺序：答复不早于交办，代表（委员）反馈不早于答复，协办意见送达不早于交办")
def suggestion_dates_in_order():
    early_opinion = SuggestionCoHandler.objects.filter(
        suggestion=OuterRef("pk"), opinion_sent_on__lt=OuterRef("assigned_on")
    )
    rows = Suggestion.all_objects.filter(
        Q(replied_on__lt=F("assigned_on")) | Q(feedback_on__lt=F("replied_on")) | Exists(early_opinion)
    )
    for s in rows.order_by("pk"):
        yield s, f"交办{s.assigned_on}，答复{s.replied_on or '—'}，反馈{s.feedback_on or '—'}"


@invariant(
    "suggestions", "答复期限 = 交办日期起按类别（人大代表建议、政协提案）和是否延期答复计算的期限（代表法第五十一条等）"
)
def suggestion_due_date_recomputes():
    yield from recomputed_differs(
        Suggestion.all_objects, ["kind", "assigned_on", "difficult"], "due_on", suggestion_due
    )


@invariant(
    "suggestions", "已答复建议提案的“按期答复”与答复日期、答复期限一致（晚于期限答复的记为未按期）；未答复的没有该标志"
)
def suggestion_on_time_matches():
    for s in Suggestion.all_objects.filter(_on_time_wrong()).order_by("pk"):
        yield s, f"答复{s.replied_on or '—'}，答复期限{s.due_on}，记为{_flag(s.on_time)}"


@invariant("suggestions", "延期答复的建议提案都说明了涉及面广、处理难度大的情况；未延期的没有延期说明")
def difficult_has_reason():
    rows = Suggestion.all_objects.filter(
        Q(difficult=True, difficult_reason="") | Q(difficult=False) & ~Q(difficult_reason="")
    )
    yield from rows.order_by("pk")


@invariant("suggestions", "主办单位不同时作为本件的协办单位")
def co_handler_is_not_the_lead():
    ids = SuggestionCoHandler.objects.filter(unit_id=F("suggestion__unit_id")).values_list("suggestion_id", flat=True)
    yield from Suggestion.all_objects.filter(pk__in=ids).order_by("pk")


# -- 依申请公开 --------------------------------------------------------------------------------------------
@invariant(
    "disclosure-requests",
    "依申请公开状态与答复一致（办理中的没有答复日期和答复类型；已答复的有答复日期和答复类型，"
    "且不在待补正或征求意见中）；收到补正前须已告知补正",
)
def disclosure_status_matches_reply():
    open_stop = DisclosureClockStop.objects.filter(request=OuterRef("pk"), ended_on__isnull=True)
    rows = DisclosureRequest.all_objects.filter(
        Q(status=R.RECEIVED) & (Q(replied_on__isnull=False) | ~Q(reply_type=""))
        | Q(status=R.REPLIED)
        & (
            Q(replied_on__isnull=True)
            | Q(reply_type="")
            | Q(correction_requested_on__isnull=False, correction_received_on__isnull=True)
            | Exists(open_stop)
        )
        | Q(correction_requested_on__isnull=True, correction_received_on__isnull=False)
    )
    for r in rows.order_by("pk"):
        yield (
            r,
            (
                f"状态“{r.get_status_display()}”，答复日期{r.replied_on or '—'}，答复类型{r.reply_type or '—'}，"
                f"补正告知{r.correction_requested_on or '—'}，收到补正{r.correction_received_on or '—'}"
            ),
        )


@invariant(
    "disclosure-requests",
    "步骤日期顺序：补正告知不早于收到申请，收到补正不早于补正告知，同意延长和答复不早于收到申请"
    "（及收到补正），征求意见不早于收到申请、结束不早于开始",
)
def disclosure_dates_in_order():
    bad_stop = DisclosureClockStop.objects.filter(request=OuterRef("pk")).filter(
        Q(started_on__lt=OuterRef("received_on")) | Q(ended_on__lt=F("started_on"))
    )
    rows = DisclosureRequest.all_objects.filter(
        Q(correction_requested_on__lt=F("received_on"))
        | Q(correction_received_on__lt=F("correction_requested_on"))
        | Q(extended_on__lt=F("received_on"))
        | Q(extended_on__lt=F("correction_received_on"))
        | Q(replied_on__lt=F("received_on"))
        | Q(replied_on__lt=F("correction_received_on"))
        | Exists(bad_stop)
    )
    for r in rows.order_by("pk"):
        yield (
            r,
            (
                f"收到申请{r.received_on}，补正告知{r.correction_requested_on or '—'}，"
                f"收到补正{r.correction_received_on or '—'}，同意延长{r.extended_on or '—'}，答复{r.replied_on or '—'}"
            ),
        )


@invariant("disclosure-requests", "补正告知在收到申请之日起的法定期限内作出（政府信息公开条例第三十条）")
def correction_notice_in_time():
    limits = {}
    rows = (
        DisclosureRequest.all_objects.filter(correction_requested_on__isnull=False)
        .values_list("pk", "received_on", "correction_requested_on")
        .order_by("pk")
    )
    for pk, received_on, requested_on in rows:
        if received_on not in limits:
            limits[received_on] = correction_notice_deadline(received_on).due
        if requested_on > limits[received_on]:
            yield (
                DisclosureRequest.all_objects.get(pk=pk),
                f"收到申请{received_on}，{requested_on}才告知补正，期限为{limits[received_on]}",
            )


@invariant(
    "disclosure-requests",
    "答复期限 = 收到申请（或补正后的申请）之日起的法定答复期限（政府信息公开条例第三十三条），"
    "加征求意见天数和经批准延长的天数；待补正时没有答复期限；“征求意见中”与未结束的征求意见一致",
)
def disclosure_due_date_recomputes():
    calendar = default_calendar()
    stops = defaultdict(list)
    for stop in DisclosureClockStop.objects.order_by("started_on", "pk"):
        stops[stop.request_id].append(stop)
    fields = ("received_on", "correction_requested_on", "correction_received_on", "extension_days", "replied_on")
    rows = DisclosureRequest.all_objects.only("pk", "due_on", "stopped", "on_time", *fields).order_by("pk")
    for request in rows.iterator(chunk_size=5000):
        stored = (request.due_on, request.stopped)
        derive_disclosure(request, stops.get(request.pk, ()), calendar)
        if (request.due_on, request.stopped) != stored:
            yield (
                DisclosureRequest.all_objects.get(pk=request.pk),
                f"记录为期限{stored[0] or '—'}、{'征求意见中' if stored[1] else '未在征求意见'}，"
                f"按规则应为期限{request.due_on or '—'}、{'征求意见中' if request.stopped else '未在征求意见'}",
            )


@invariant(
    "disclosure-requests",
    "已答复申请的“按时答复”与答复日期、答复期限一致（晚于期限答复的记为超期）；未答复的没有该标志",
)
def disclosure_on_time_matches():
    for r in DisclosureRequest.all_objects.filter(_on_time_wrong()).order_by("pk"):
        yield r, f"答复{r.replied_on or '—'}，答复期限{r.due_on or '—'}，记为{_flag(r.on_time)}"


@invariant(
    "disclosure-requests",
    "延长答复期限经负责人同意，累计不超过法定上限（政府信息公开条例第三十三条第二款）；未延长的没有延长记录",
)
def extension_within_the_cap():
    rows = (
        DisclosureRequest.all_objects.filter(
            Q(extension_days__gt=0) | ~Q(extension_approver="") | Q(extended_on__isnull=False)
        )
        .values_list("pk", "received_on", "extension_days", "extension_approver", "extended_on")
        .order_by("pk")
    )
    for pk, received_on, days, approver, _extended_on in rows:
        if days == 0:
            problem = "未延长却有延长记录"
        elif not approver.strip():
            problem = "未记录同意延长的负责人"
        elif days > (cap := param("disclosure.reply_extension_max", received_on)).value:
            problem = f"累计延长{days}个工作日，超过{cap.display}"
        else:
            continue
        yield DisclosureRequest.all_objects.get(pk=pk), problem


@invariant("disclosure-requests", "不予公开、不属于本机关负责公开的答复都说明了理由（政府信息公开条例第三十六条）")
def refusal_has_a_reason():
    yield from DisclosureRequest.all_objects.filter(reply_type__in=list(REASON_RULES), reply_reason="").order_by("pk")
