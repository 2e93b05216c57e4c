"""行政执法 metrics as database aggregates: one grouped query per table, conditional counts within it.

enforcement_complaints (执法投诉举报数) has no ledger here: it is entered by hand as an observation."""

from django.db.models import Count, DecimalField, F, Q, Sum, Value
from django.db.models.functions import Coalesce

from fazhi.metrics.registry import Period, by_unit, registry

from .choices import CertificateKind, Outcome
from .deadlines import valid_certificate_q
from .models import Case, CaseFileReview, Certificate, EnforcementBody


@registry.provides("enforcement_bodies")
def body_metrics(period: Period):
    rows = (
        EnforcementBody.objects.filter(is_active=True)
        .values("unit_id")
        .order_by()
        .annotate(enforcement_bodies=Count("id"))
    )
    return by_unit(rows, body_metrics.codes)


@registry.provides("enforcement_officers", "certificates_issued", "certificates_revoked")
def certificate_metrics(period: Period):
    issued = Q(issued_on__range=(period.start, period.end))
    revoked = Q(revoked_on__range=(period.start, period.end))
    holding = valid_certificate_q(period.end) & Q(
        kind=CertificateKind.ENFORCEMENT, officer__is_active=True, officer__deleted_at__isnull=True
    )
    rows = (
        Certificate.objects.filter(issued_on__lte=period.end)
        .values("unit_id")
        .order_by()
        .annotate(
            enforcement_officers=Count("officer_id", filter=holding, distinct=True),
            certificates_issued=Count("id", filter=issued),
            certificates_revoked=Count("id", filter=revoked),
        )
    )
    return by_unit(rows, certificate_metrics.codes)


@registry.provides(
    "enforcement_cases",
    "penalty_cases",
    "penalty_amount",
    "coercive_measures",
    "major_decisions_reviewed",
    "decisions_to_publish",
    "decisions_published_on_time",
)
def case_metrics(period: Period):
    opened = Q(opened_on__range=(period.start, period.end))
    decided = Q(decided_on__range=(period.start, period.end))
    penalty = decided & Q(outcome=Outcome.PENALTY)
    money = DecimalField(max_digits=16, decimal_places=2)
    zero = Value(0, output_field=money)
    rows = (
        Case.objects.filter(opened | decided)
        .values("unit_id")
        .order_by()
        .annotate(
            enforcement_cases=Count("id", filter=opened),
            penalty_cases=Count("id", filter=penalty),
            penalty_amount=Sum(
                Coalesce("fine_amount", zero) + Coalesce("confiscation_amount", zero),
                filter=penalty,
                output_field=money,
            ),
            coercive_measures=Count("id", filter=decided & Q(outcome=Outcome.COERCION)),
            major_decisions_reviewed=Count(
                "id", filter=decided & Q(is_major=True, legal_review_passed_on__lte=F("decided_on"))
            ),
            decisions_to_publish=Count("id", filter=decided),
            decisions_published_on_time=Count("id", filter=decided & Q(published_on_time=True)),
        )
    )
    table = by_unit(rows, case_metrics.codes)
    # 元 to 万元, as the catalogue counts amounts
    table["penalty_amount"] = {unit: float(v) / 10000 for unit, v in table["penalty_amount"].items() if v is not None}
    return table


@registry.provides("case_files_reviewed")
def file_review_metrics(period: Period):
    rows = (
        CaseFileReview.objects.filter(reviewed_on__range=(period.start, period.end), case__deleted_at__isnull=True)
        .values("case__unit_id")
        .order_by()
        .annotate(case_files_reviewed=Count("id"))
    )
    return by_unit(rows, file_review_metrics.codes, key="case__unit_id")
