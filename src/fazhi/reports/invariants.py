"""What must hold of the annual reports and their passages, whatever road wrote them (see fazhi.core.invariants)."""

from django.db.models import Exists, F, OuterRef, Q

from fazhi.core.invariants import invariant, recomputed_differs

from .deadlines import publication_due, submission_due
from .models import AnnualReport, NarrativeBlock

Status = AnnualReport.Status


@invariant(
    "annual-reports",
    "年度报告状态与各步骤一致：起草中的未审核、未审定、未公开；已审核的有审核时间、未审定；已审定的有审定会议和日期、"
    "未公开；已公开的先经审核、审定（审核不晚于公开，审定日期不晚于公开日期）",
)
def report_status_matches_steps():
    approved = Q(approved_on__isnull=False) & ~Q(approval_meeting="")
    rows = AnnualReport.all_objects.filter(
        Q(status=Status.DRAFT)
        & (Q(reviewed_at__isnull=False) | Q(approved_on__isnull=False) | Q(published_at__isnull=False))
        | Q(status=Status.REVIEWED)
        & (Q(reviewed_at__isnull=True) | Q(approved_on__isnull=False) | Q(published_at__isnull=False))
        | Q(status=Status.APPROVED) & (Q(reviewed_at__isnull=True) | ~approved | Q(published_at__isnull=False))
        | Q(status=Status.PUBLISHED)
        & (
            Q(reviewed_at__isnull=True)
            | ~approved
            | Q(published_at__isnull=True)
            | Q(reviewed_at__gt=F("published_at"))
            | Q(approved_on__gt=F("published_at__date"))
        )
    ).select_related("unit")
    for report in rows.order_by("pk"):
        yield (
            report,
            (
                f"状态“{report.get_status_display()}”，审核时间{report.reviewed_at or '—'}，"
                f"审定日期{report.approved_on or '—'}，公开时间{report.published_at or '—'}"
            ),
        )


@invariant("annual-reports", "报送只在审定之后：有报送日期的报告已审定或已公开，报送日期不早于审定日期，且有报送对象")
def report_submitted_after_approval():
    rows = AnnualReport.all_objects.filter(submitted_on__isnull=False).filter(
        Q(status__in=[Status.DRAFT, Status.REVIEWED])
        | Q(approved_on__isnull=True)
        | Q(submitted_on__lt=F("approved_on"))
        | Q(submitted_to="")
    )
    yield from rows.select_related("unit").order_by("pk")


@invariant(
    "annual-reports", "公开截止日期 = 报告年度次年的法定公开截止日（法治政府建设与责任落实督察工作规定第二十四条）"
)
def report_due_date_recomputes():
    yield from recomputed_differs(AnnualReport.all_objects.select_related("unit"), ["year"], "due_on", publication_due)


@invariant("annual-reports", "报送截止日期：政府部门为报告年度次年的报送截止日（3月1日前），其他单位为空")
def report_submission_due_recomputes():
    yield from recomputed_differs(
        AnnualReport.all_objects.select_related("unit"),
        ["unit__unit_type", "year"],
        "submission_due_on",
        submission_due,
    )


@invariant("annual-reports", "已公开报告的段落都已审核（审核后修改过的段落须重新审核后才能公开）")
def published_report_has_approved_blocks():
    pending = NarrativeBlock.objects.filter(report=OuterRef("pk"), approved=False)
    rows = AnnualReport.all_objects.filter(Q(status=Status.PUBLISHED) & Exists(pending)).select_related("unit")
    yield from rows.order_by("pk")


@invariant("report-blocks", "报告段落的单位与所属报告的单位一致")
def block_unit_matches_report():
    yield from NarrativeBlock.all_objects.exclude(unit_id=F("report__unit_id")).select_related("report").order_by("pk")
