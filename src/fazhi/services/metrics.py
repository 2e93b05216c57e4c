"""政务服务 metrics as database aggregates: one grouped query per table, conditional counts within it.

Applications, ratings and cards are counted from their per-day totals (fazhi.services.daily), at most
units × days rows rather than a province's ten million 办件, two million ratings and a million cards. Counting
unit_id (never null) rather than id lets PostgreSQL answer the service items from a covering index alone.
"""

from django.db.models import Count, ExpressionWrapper, F, FloatField, Q, Sum

from fazhi.metrics.registry import Period, by_unit, registry

from .choices import ItemType, OnlineDepth
from .models import ApplicationDay, RatingDay, ServiceItem, SupervisionCardDay


@registry.provides(
    "service_items",
    "licensing_items",
    "service_items_online",
    "depth4_items",
    "compression_sum",
    "items_with_statutory_limit",
    "instant_items",
    "visits_sum",
    "zero_visit_items",
    "max_one_visit_items",
    "tolerance_items",
    "commitment_items",
    "cross_province_items",
)
def service_item_metrics(period: Period):
    in_force = Q(effective_from__lte=period.end) & (Q(effective_to__isnull=True) | Q(effective_to__gte=period.start))
    has_limit = Q(statutory_limit__gt=0)
    compression = ExpressionWrapper(
        (F("statutory_limit") - F("promised_limit")) * 1.0 / F("statutory_limit"), output_field=FloatField()
    )
    rows = (
        ServiceItem.objects.filter(in_force)
        .values("unit_id")
        .order_by()
        .annotate(
            service_items=Count("unit"),
            licensing_items=Count("unit", filter=Q(item_type=ItemType.LICENSING)),
            service_items_online=Count("unit", filter=Q(online_depth__gte=OnlineDepth.DOWNLOAD)),
            depth4_items=Count("unit", filter=Q(online_depth=OnlineDepth.FULLY_ONLINE)),
            compression_sum=Sum(compression, filter=has_limit),
            items_with_statutory_limit=Count("unit", filter=has_limit),
            instant_items=Count("unit", filter=Q(promised_limit=0)),
            visits_sum=Sum("visits_required"),
            zero_visit_items=Count("unit", filter=Q(visits_required=0)),
            max_one_visit_items=Count("unit", filter=Q(visits_required__lte=1)),
            tolerance_items=Count("unit", filter=Q(tolerance_allowed=True)),
            commitment_items=Count("unit", filter=Q(commitment_allowed=True)),
            cross_province_items=Count("unit", filter=Q(cross_province=True)),
        )
    )
    return by_unit(rows, service_item_metrics.codes)


@registry.provides("applications_received", "applications_completed", "applications_completed_on_time")
def application_metrics(period: Period):
    rows = (
        ApplicationDay.objects.filter(day__range=(period.start, period.end))
        .values("unit_id")
        .order_by()
        .annotate(
            applications_received=Sum("accepted"),
            applications_completed=Sum("decided"),
            applications_completed_on_time=Sum("decided_on_time"),
        )
    )
    return by_unit(rows, application_metrics.codes)


@registry.provides("ratings_total", "ratings_good", "ratings_bad", "bad_ratings_rectified")
def rating_metrics(period: Period):
    rows = (
        RatingDay.objects.filter(day__range=(period.start, period.end))
        .values("unit_id")
        .order_by()
        .annotate(
            ratings_total=Sum("rated"),
            ratings_good=Sum("good"),
            ratings_bad=Sum("bad"),
            bad_ratings_rectified=Sum("bad_rectified"),
        )
    )
    return by_unit(rows, rating_metrics.codes)


@registry.provides("supervision_yellow_cards", "supervision_red_cards")
def supervision_card_metrics(period: Period):
    rows = (
        SupervisionCardDay.objects.filter(day__range=(period.start, period.end))
        .values("unit_id")
        .order_by()
        .annotate(supervision_yellow_cards=Sum("yellow"), supervision_red_cards=Sum("red"))
    )
    return by_unit(rows, supervision_card_metrics.codes)
