"""What must hold of the 政务服务 ledgers, whatever road wrote them (see fazhi.core.invariants)."""

from django.db.models import F, Q

from fazhi.core.invariants import flag_disagrees, invariant, recomputed_differs
from fazhi.law.calendar import default_calendar

from .choices import ApplicationStatus
from .deadlines import derive_application, due_date
from .models import Application, ClockStop, MissingDocument, Rating

S = ApplicationStatus


@invariant(
    "applications",
    "办件状态与各步骤日期一致（已收件无受理/办结日期；已受理有受理日期、无办结日期；已办结有受理、办结日期和办理结果；不予受理有决定日期、无受理日期）",
)
def status_matches_dates():
    rows = Application.all_objects.filter(
        Q(status=S.RECEIVED) & (Q(accepted_on__isnull=False) | Q(decided_on__isnull=False))
        | Q(status=S.ACCEPTED) & (Q(accepted_on__isnull=True) | Q(decided_on__isnull=False))
        | Q(status=S.DECIDED) & (Q(accepted_on__isnull=True) | Q(decided_on__isnull=True) | Q(outcome=""))
        | Q(status=S.NOT_ACCEPTED) & (Q(accepted_on__isnull=False) | Q(decided_on__isnull=True))
    )
    for app in rows.order_by("pk"):
        yield (
            app,
            f"状态“{app.get_status_display()}”，受理日期{app.accepted_on or '—'}，办结日期{app.decided_on or '—'}",
        )


@invariant("applications", "步骤日期顺序：受理不早于收件，办结不早于受理")
def dates_in_order():
    rows = Application.all_objects.filter(Q(accepted_on__lt=F("received_on")) | Q(decided_on__lt=F("accepted_on")))
    for app in rows.order_by("pk"):
        yield app, f"收件{app.received_on}，受理{app.accepted_on}，办结{app.decided_on}"


@invariant("applications", "已受理的办件都有承诺办结日期")
def accepted_has_due_date():
    yield from Application.all_objects.filter(accepted_on__isnull=False, due_on__isnull=True).order_by("pk")


@invariant("applications", "已办结办件的“按时办结”与办结日期、承诺办结日期一致（未受理的办件没有该标志）")
def on_time_matches_dates():
    rows = Application.all_objects.filter(
        flag_disagrees("on_time", "decided_on", "due_on") | Q(accepted_on__isnull=True, on_time__isnull=False)
    )
    for app in rows.order_by("pk"):
        yield (
            app,
            (
                f"办结{app.decided_on}，承诺办结{app.due_on}，"
                f"记为{'按时' if app.on_time else '超时' if app.on_time is False else '未标记'}"
            ),
        )


@invariant("applications", "承诺办结日期 = 受理日期起按事项承诺时限（工作日）加不计时天数计算的日期")
def due_date_follows_the_promise():
    calendar = default_calendar()
    accepted = Application.all_objects.filter(accepted_on__isnull=False)
    stopped = ClockStop.objects.values("application_id")
    # Without clock stops the date depends on the acceptance day and the promise only: once per combination.
    yield from recomputed_differs(
        accepted.exclude(pk__in=stopped),
        ["accepted_on", "item__promised_limit"],
        "due_on",
        lambda accepted_on, limit: due_date(accepted_on, limit, (), calendar),
    )
    for app in accepted.filter(pk__in=stopped).select_related("item").prefetch_related("clock_stops").order_by("pk"):
        recorded = app.due_on
        derive_application(app, app.item.promised_limit, list(app.clock_stops.all()), calendar)
        if app.due_on != recorded:
            yield app, f"记录为{recorded}，按规定应为{app.due_on}"


@invariant("applications", "有未补齐容缺材料的办件不得办结")
def decided_without_missing_documents():
    ids = MissingDocument.objects.filter(supplied_on__isnull=True, application__status=S.DECIDED).values_list(
        "application_id", flat=True
    )
    yield from Application.all_objects.filter(pk__in=ids).order_by("pk")


@invariant("ratings", "好差评只针对已办结的办件；差评都有整改期限，整改完成日期不早于评价日期")
def ratings_follow_the_rules():
    rows = Rating.all_objects.filter(
        ~Q(application__status=S.DECIDED)
        | Q(stars__lte=2, rectification_due_on__isnull=True)
        | Q(stars__gt=2, rectified_on__isnull=False)
        | Q(rectified_on__lt=F("rated_on"))
    ).select_related("application")
    yield from rows.order_by("pk")
