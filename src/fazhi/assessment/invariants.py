"""What must hold of the self-assessments, whatever road wrote them (see fazhi.core.invariants)."""

from django.db.models import Q

from fazhi.core.invariants import invariant

from .models import SelfAssessment
from .schemes import framework_for

Status = SelfAssessment.Status


@invariant(
    "self-assessments",
    "自评状态与审核一致：已审核的有审核得分、审核意见和审核时间；退回修改的有审核意见和审核时间、"
    "没有审核得分；已提交（待审核）的没有审核得分",
)
def self_assessment_status_matches_review():
    rows = SelfAssessment.all_objects.filter(
        Q(status=Status.REVIEWED)
        & (Q(reviewed_score__isnull=True) | Q(review_comment="") | Q(reviewed_at__isnull=True))
        | Q(status=Status.RETURNED)
        & (Q(reviewed_score__isnull=False) | Q(review_comment="") | Q(reviewed_at__isnull=True))
        | Q(status=Status.SUBMITTED, reviewed_score__isnull=False)
    ).select_related("unit")
    for row in rows.order_by("pk"):
        yield (
            row,
            (
                f"状态“{row.get_status_display()}”，"
                f"审核得分{'—' if row.reviewed_score is None else f'{row.reviewed_score:g}'}，"
                f"审核时间{row.reviewed_at or '—'}"
            ),
        )


@invariant("self-assessments", "自评的指标项是该年度考核方案中的定性（自评）项，自评分和审核得分都在该项分值范围内")
def scores_within_the_item_points():
    by_year: dict = {}
    rows = SelfAssessment.all_objects.values_list("pk", "year", "item", "self_score", "reviewed_score").order_by("pk")
    for pk, year, code, own, reviewed in rows.iterator(chunk_size=5000):
        if year not in by_year:
            by_year[year] = {item.code: item for item in framework_for(year)[0].items}
        item = by_year[year].get(code)
        if item is None or not item.qualitative:
            problem = f"指标项“{code}”不是{year}年度考核方案中的自评项"
        elif not 0 <= own <= item.points:
            problem = f"自评分{own:g}不在0到{item.points:g}分之间"
        elif reviewed is not None and not 0 <= reviewed <= item.points:
            problem = f"审核得分{reviewed:g}不在0到{item.points:g}分之间"
        else:
            continue
        yield SelfAssessment.all_objects.select_related("unit").get(pk=pk), problem
