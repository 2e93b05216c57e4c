"""What must hold of the 行政执法 ledgers, whatever road wrote them (see fazhi.core.invariants)."""

from django.db.models import Count, Exists, F, OuterRef, Q

from fazhi.core.invariants import flag_disagrees, invariant, recomputed_differs
from fazhi.law.params import parameter_book
from fazhi.law.steps import optional_param

from .choices import CaseStatus, CertificateKind, Outcome, ReviewResult
from .deadlines import handling_due, publicity_due
from .models import Case, CaseFileReview, Certificate, DiscretionStandard, LegalReview

S = CaseStatus


def _cases(rows):
    """Rows of a queryset of cases, in order, as (case, detail) pairs of their step dates."""
    for case in rows.order_by("pk"):
        yield (
            case,
            (
                f"状态“{case.get_status_display()}”，立案{case.opened_on}，决定{case.decided_on or '—'}，"
                f"公示{case.published_on or '—'}，结案{case.closed_on or '—'}"
            ),
        )


@invariant(
    "cases",
    "案件状态与各步骤一致（办理中无决定、公示、结案；已作出决定有决定日期和处理决定、无结案日期；"
    "已结案有决定日期、处理决定和结案日期）",
)
def case_status_matches_dates():
    yield from _cases(
        Case.all_objects.filter(
            Q(status=S.OPEN)
            & (
                Q(decided_on__isnull=False)
                | ~Q(outcome="")
                | Q(published_on__isnull=False)
                | Q(closed_on__isnull=False)
            )
            | Q(status=S.DECIDED) & (Q(decided_on__isnull=True) | Q(outcome="") | Q(closed_on__isnull=False))
            | Q(status=S.CLOSED) & (Q(decided_on__isnull=True) | Q(outcome="") | Q(closed_on__isnull=True))
        )
    )


@invariant("cases", "步骤日期顺序：法制审核、延期、决定不早于立案，公示、结案不早于决定")
def case_dates_in_order():
    yield from _cases(
        Case.all_objects.filter(
            Q(legal_review_passed_on__lt=F("opened_on"))
            | Q(extended_on__lt=F("opened_on"))
            | Q(decided_on__lt=F("opened_on"))
            | Q(published_on__lt=F("decided_on"))
            | Q(closed_on__lt=F("decided_on"))
        )
    )


@invariant("cases", "重大执法决定须经法制审核：已作出决定的重大案件都有不晚于决定日期的法制审核通过日期")
def major_decided_after_legal_review():
    rows = Case.all_objects.filter(is_major=True, decided_on__isnull=False).filter(
        Q(legal_review_passed_on__isnull=True) | Q(legal_review_passed_on__gt=F("decided_on"))
    )
    for case in rows.order_by("pk"):
        yield case, f"决定{case.decided_on}，法制审核通过{case.legal_review_passed_on or '无'}"


@invariant("cases", "法制审核通过日期都有对应的审核通过记录，审核人员不是本案执法人员")
def legal_review_on_record():
    passed = LegalReview.objects.filter(
        case=OuterRef("pk"), result=ReviewResult.PASSED, reviewed_on=OuterRef("legal_review_passed_on")
    )
    missing = Case.all_objects.filter(legal_review_passed_on__isnull=False).exclude(Exists(passed))
    for case in missing.order_by("pk"):
        yield case, f"法制审核通过日期{case.legal_review_passed_on}没有审核通过记录"
    handlers = LegalReview.objects.filter(case__officers=F("reviewer")).values_list("case_id", flat=True)
    for case in Case.all_objects.filter(pk__in=handlers).order_by("pk"):
        yield case, "法制审核人员同时是本案执法人员"


@invariant("cases", "立案和作出决定之日，本案持有效执法证件的执法人员不少于法定人数（处罚法第四十二条）")
def handled_by_certified_officers():
    def valid_on(day):
        held = {
            f"officers__certificates__{name}": value
            for name, value in (
                ("kind", CertificateKind.ENFORCEMENT),
                ("deleted_at__isnull", True),
                ("issued_on__lte", F(day)),
                ("expires_on__gte", F(day)),
            )
        }
        return Q(**held) & (
            Q(officers__certificates__revoked_on__isnull=True) | Q(officers__certificates__revoked_on__gt=F(day))
        )

    most = max(version.value for version in parameter_book().versions["penalty.min_officers"])
    rows = Case.all_objects.annotate(
        at_opening=Count("officers", filter=valid_on("opened_on"), distinct=True),
        at_decision=Count("officers", filter=valid_on("decided_on"), distinct=True),
    ).filter(Q(at_opening__lt=most) | Q(decided_on__isnull=False, at_decision__lt=most))
    for case in rows.order_by("pk"):
        for day, count, what in (
            (case.opened_on, case.at_opening, "立案"),
            (case.decided_on, case.at_decision, "决定"),
        ):
            minimum = optional_param("penalty.min_officers", day) if day else None
            if minimum is not None and count < minimum.value:
                yield case, f"{what}日{day}持有效执法证件的执法人员{count}人（至少{minimum.value}人）"
                break


@invariant(
    "cases", "办案期限 = 立案日期起按法定办案期限（经批准延期的加上延长期间）计算的日期；非行政处罚案件没有办案期限"
)
def handling_due_follows_the_law():
    yield from recomputed_differs(
        Case.all_objects, ["matter__matter_type", "opened_on", "extended_on"], "due_on", handling_due
    )


@invariant("cases", "“超期作出决定”与决定日期、办案期限一致（未作出决定的没有该标志）")
def decided_late_matches_dates():
    rows = Case.all_objects.filter(
        Q(decided_on__isnull=True, decided_late__isnull=False)
        | Q(decided_on__isnull=False)
        & (
            Q(decided_late__isnull=True)
            | Q(decided_late=True) & (Q(due_on__isnull=True) | Q(decided_on__lte=F("due_on")))
            | Q(decided_late=False, decided_on__gt=F("due_on"))
        )
    )
    for case in rows.order_by("pk"):
        yield case, f"决定{case.decided_on or '—'}，办案期限{case.due_on or '无'}，记为{case.decided_late}"


@invariant("cases", "公示期限 = 决定日期起按决定类型的公示期限（工作日）计算的日期；未作出决定的没有公示期限")
def publicity_due_follows_the_law():
    yield from recomputed_differs(
        Case.all_objects,
        ["matter__matter_type", "decided_on"],
        "publicity_due_on",
        lambda matter_type, decided_on: publicity_due(matter_type, decided_on) if decided_on else None,
    )


@invariant("cases", "“按时公示”与公示日期、公示期限一致（未公示的没有该标志）")
def published_on_time_matches_dates():
    rows = Case.all_objects.filter(
        flag_disagrees("published_on_time", "published_on", "publicity_due_on")
        | Q(published_on__isnull=False, publicity_due_on__isnull=True)
    )
    for case in rows.order_by("pk"):
        yield (
            case,
            f"公示{case.published_on or '—'}，公示期限{case.publicity_due_on or '无'}，记为{case.published_on_time}",
        )


@invariant(
    "cases",
    "延长办案期限的案件有延期理由和办案期限；罚没金额只见于给予行政处罚的决定；罚款超出所选裁量档次的载明了理由",
)
def decision_terms_follow_the_rules():
    outside = DiscretionStandard.objects.filter(matter=OuterRef("matter"), grade=OuterRef("discretion_grade")).filter(
        Q(fine_min__gt=OuterRef("fine_amount")) | Q(fine_max__lt=OuterRef("fine_amount"))
    )
    rows = Case.all_objects.filter(
        Q(extended_on__isnull=False) & (Q(extension_reason="") | Q(due_on__isnull=True))
        | ~Q(outcome=Outcome.PENALTY) & (Q(fine_amount__gt=0) | Q(confiscation_amount__gt=0))
        | Q(Exists(outside), fine_amount__isnull=False, deviation_reason="")
    )
    for case in rows.order_by("pk"):
        yield (
            case,
            (
                f"延期{case.extended_on or '—'}，处理决定“{case.get_outcome_display() or '—'}”，"
                f"罚款{case.fine_amount}元（{case.get_discretion_grade_display() or '未选档次'}）"
            ),
        )


@invariant("cases", "案卷评查只针对已结案的案件，评查日期不早于结案日期")
def file_reviews_after_closing():
    reviews = CaseFileReview.objects.filter(case=OuterRef("pk")).filter(
        Q(case__closed_on__isnull=True) | Q(reviewed_on__lt=OuterRef("closed_on"))
    )
    for case in Case.all_objects.filter(Exists(reviews)).order_by("pk"):
        yield case, f"结案{case.closed_on or '未结案'}"


@invariant(
    "certificates", "证件有效期至晚于发证日期；注销的证件有注销原因，注销日期不早于发证日期；未注销的没有注销原因"
)
def certificate_dates_and_revocation():
    rows = Certificate.all_objects.filter(
        Q(expires_on__lte=F("issued_on"))
        | Q(revoked_on__isnull=False) & (Q(revocation_reason="") | Q(revoked_on__lt=F("issued_on")))
        | Q(revoked_on__isnull=True) & ~Q(revocation_reason="")
    )
    for certificate in rows.order_by("pk"):
        yield (
            certificate,
            f"发证{certificate.issued_on}，有效期至{certificate.expires_on}，注销{certificate.revoked_on or '—'}",
        )
