"""The demo city's 2025 report, with staff-written passages, and a first assessment run on the data."""

import datetime as dt

from django.utils import timezone

from fazhi.assessment.framework import load_framework
from fazhi.assessment.models import SelfAssessment
from fazhi.assessment.rules import check_review as check_self_assessment
from fazhi.assessment.scoring import assessed_units, run_assessment
from fazhi.demo.generator import DEMO_YEAR, DemoBuilder, DemoCity, demo_step

from .models import AnnualReport, NarrativeBlock, Section
from .rules import check_approve, check_publish, check_review, check_submit

PASSAGES = {
    Section.MEASURES: [
        "{year}年，{city}坚持把法治政府建设作为全局性、基础性工作，围绕“放管服”改革、规范执法、化解矛盾三条主线推进各项任务，"
        "法治政府建设年度考核覆盖全部市直部门、县（市、区）和功能区。",
    ],
    Section.LEADER_DUTIES: [
        "政府主要负责人对法治建设重要工作亲自部署、重大问题亲自过问、重点环节亲自协调，年内专题研究法治政府建设工作，"
        "将述法纳入年度述职内容，带头参加集体学法。",
    ],
    Section.SHORTCOMINGS: [
        "一是部分乡镇（街道）执法力量和法制审核人员不足；二是个别部门规范性文件备案不够及时；"
        "三是行政复议纠错后的整改跟踪还需加强。原因主要在于基层法治人才储备薄弱、督促检查机制仍不完善。",
    ],
    Section.NEXT_YEAR: [
        "{next_year}年，将重点抓好三项工作：完善行政执法协调监督工作体系，推动乡镇综合执法规范化；"
        "健全规范性文件备案审查和清理机制；深化“一网通办”，进一步压缩办理时限。",
    ],
}


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def take_report_through(report: AnnualReport, reviewed: dt.date, *, approved=None, submitted=None, published=None):
    """Take a report through its steps on the given days, with the steps' own checks (the demo records no user)."""
    AnnualReport.objects.filter(pk=report.pk).update(created_at=_at(reviewed - dt.timedelta(days=20), 9))
    report.refresh_from_db(fields=["created_at"])
    check_review(report, 0, _at(reviewed))
    if approved:
        meeting = "政府常务会议" if report.unit.unit_type != "department" else "局党组（委）会议"
        check_approve(report, 0, meeting, approved, approved)
    if submitted:
        check_submit(report, report.display_recipient.rstrip("："), submitted, submitted)
    if published:
        check_publish(report, 0, _at(published, 15))
    report.save()


def build_unit_reports(city: DemoCity, builder: DemoBuilder) -> None:
    """The last year's reports of the departments and counties, as a city finds them in December: most published,
    a few late, some adopted but never published, some never written — what the 报送与公开 table is for."""
    next_year = DEMO_YEAR + 1
    for unit in city.departments + city.counties + city.zones:
        fate = builder.rng.random()
        if fate < 0.06:
            continue  # never written
        report = AnnualReport.objects.create(unit=unit, year=DEMO_YEAR)
        if fate < 0.12:
            continue  # still a draft
        start = dt.date(next_year, 2, 10) + dt.timedelta(days=builder.rng.randrange(0, 12))
        approved = start + dt.timedelta(days=builder.rng.randrange(2, 8))
        submitted = approved + dt.timedelta(days=builder.rng.randrange(1, 6))
        if fate < 0.18:
            take_report_through(report, start, approved=approved, submitted=submitted)
            continue  # adopted and submitted, never published
        late = fate > 0.93
        published = submitted + dt.timedelta(days=builder.rng.randrange(1, 10) + (40 if late else 0))
        take_report_through(report, start, approved=approved, submitted=submitted, published=published)


@demo_step("年度报告与考核", order=900)
def build_report(city: DemoCity, builder: DemoBuilder) -> None:
    build_unit_reports(city, builder)
    report = AnnualReport.objects.create(unit=city.government, year=DEMO_YEAR)
    names = {"year": DEMO_YEAR, "next_year": DEMO_YEAR + 1, "city": city.government.name.removesuffix("人民政府")}
    for section, passages in PASSAGES.items():
        for position, text in enumerate(passages, 1):
            NarrativeBlock.objects.create(
                unit=city.government,
                report=report,
                section=section,
                position=position,
                text=text.format(**names),
                approved=True,
            )
    next_year = DEMO_YEAR + 1
    take_report_through(
        report,
        dt.date(next_year, 3, 16),
        approved=dt.date(next_year, 3, 20),
        submitted=dt.date(next_year, 3, 23),
        published=dt.date(next_year, 3, 27),
    )
    framework = load_framework()
    qualitative = [item for item in framework.items if item.qualitative]
    for unit in assessed_units(framework):
        for item in qualitative:
            if not item.applies(unit.unit_type) or builder.rng.random() < 0.08:
                continue  # a few units have not submitted: they show as pending
            own = round(item.points * builder.rng.uniform(0.7, 1.0) * 2) / 2
            assessment = SelfAssessment(
                unit=unit, year=DEMO_YEAR, item=item.code, self_score=own, explanation=f"{unit.name}{item.name}自评说明"
            )
            # Reviewed through the review step's own check (by the 法治办; the demo records no reviewer).
            check_self_assessment(
                assessment,
                max(0, own - builder.rng.choice([0, 0, 0.5, 1])),
                "经审核，佐证材料齐全",
                False,
                maximum=item.points,
            )
            assessment.save()
    run = run_assessment(DEMO_YEAR)
    builder.log(f"{run}：{run.unit_results.count()} 个单位")
