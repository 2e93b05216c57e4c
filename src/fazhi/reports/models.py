"""The annual 法治政府建设 report of a unit: its settings, narrative blocks written by staff, publication."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from fazhi.core.models import LedgerModel, step_user
from fazhi.org.scope import ScopedQuerySet

from . import heading
from .deadlines import derive_report, is_late


class Section(models.TextChoices):
    MEASURES = "measures_and_results", "主要举措和成效"
    LEADER_DUTIES = "leader_duties", "党政主要负责人履行第一责任人职责情况"
    SHORTCOMINGS = "shortcomings", "存在的不足和原因"
    NEXT_YEAR = "next_year_plan", "下一年度主要安排"
    OTHER = "other", "其他需要报告的情况"


class AnnualReport(LedgerModel):
    class Status(models.TextChoices):
        DRAFT = "draft", "起草中"
        REVIEWED = "reviewed", "已审核"
        APPROVED = "approved", "已审定"
        PUBLISHED = "published", "已公开"

    year = models.PositiveIntegerField("报告年度")
    title = models.CharField(
        "标题", max_length=200, blank=True, help_text="留空则按“××关于××年度法治政府建设情况的报告”生成"
    )
    recipient = models.CharField("主送", max_length=200, blank=True, help_text="留空则按上级单位生成")
    issuer = models.CharField("落款", max_length=200, blank=True, help_text="留空则为本单位名称")
    issue_date = models.DateField("成文日期", null=True, blank=True, help_text="留空则按报送、公开期限前拟定")
    status = models.CharField("状态", max_length=10, choices=Status.choices, default=Status.DRAFT, editable=False)
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True, editable=False)
    reviewed_by = step_user("审核人")
    approval_meeting = models.CharField("审定会议", max_length=200, blank=True, editable=False)
    approved_on = models.DateField("审定日期", null=True, blank=True, editable=False)
    approved_by = step_user("审定登记人")
    submitted_to = models.CharField("报送对象", max_length=200, blank=True, editable=False)
    submitted_on = models.DateField("报送日期", null=True, blank=True, editable=False)
    submitted_by = step_user("报送登记人")
    submission_due_on = models.DateField(
        "报送截止日期", null=True, blank=True, editable=False, help_text="县级以上政府部门须在次年3月1日前报送"
    )
    published_at = models.DateTimeField("公开时间", null=True, blank=True, editable=False)
    published_by = step_user("公开人")
    due_on = models.DateField("公开截止日期", editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "年度报告"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], condition=models.Q(deleted_at__isnull=True), name="one_report_per_unit_year"
            )
        ]

    def __str__(self):
        return self.display_title

    @property
    def display_title(self):
        return self.title or heading.default_title(self.unit, self.year)

    @property
    def display_recipient(self):
        return self.recipient or heading.default_recipient(self.unit)

    @property
    def display_issuer(self):
        return self.issuer or heading.default_issuer(self.unit)

    @property
    def published_on(self):
        return timezone.localdate(self.published_at) if self.published_at else None

    @property
    def is_overdue(self):
        return is_late(self.published_on, self.due_on, timezone.localdate())

    @property
    def passages_editable(self) -> bool:
        """The text adopted (审定) is the text published: passages change only before 审定."""
        return self.status in (self.Status.DRAFT, self.Status.REVIEWED)

    @property
    def is_submission_overdue(self):
        return self.submission_due_on is not None and is_late(
            self.submitted_on, self.submission_due_on, timezone.localdate()
        )

    def refresh_derived(self) -> None:
        """Recompute the due dates from the year and the unit, and fill a blank heading from the rules."""
        derive_report(self)
        if self.unit_id and self.year:
            heading.fill_blank_heading(self)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def clean(self):
        if self.year and not 2019 <= self.year <= 2100:
            # The duty (and its due date) comes from the 2019 督察工作规定, in force from 2019-04-15.
            raise ValidationError(
                {
                    "year": "年度报告的年度应为2019年及以后"
                    "（《法治政府建设与责任落实督察工作规定》自2019年4月15日起施行）"
                }
            )
        # one_report_per_unit_year holds only outside the recycle bin, a condition the form's own check skips
        if (
            self.year
            and self.unit_id
            and AnnualReport.objects.filter(unit_id=self.unit_id, year=self.year).exclude(pk=self.pk).exists()
        ):
            raise ValidationError({"year": f"本单位{self.year}年度的报告已存在"})

    def detail_sections(self):
        blocks = self.blocks.order_by("section", "position", "pk")
        return [
            (
                "报告正文（人工撰写部分）",
                ["部分", "序号", "内容", "已审核"],
                [(b.get_section_display(), b.position, b.text[:80], "是" if b.approved else "否") for b in blocks],
            )
        ]


class NarrativeBlockQuerySet(ScopedQuerySet):
    unit_lookup = "report__unit"


class NarrativeBlock(LedgerModel):
    """A paragraph written by staff for one section of a report; versioned, and reviewed before publication."""

    report = models.ForeignKey(AnnualReport, models.PROTECT, related_name="blocks", verbose_name="年度报告")
    section = models.CharField("部分", max_length=24, choices=Section.choices)
    position = models.PositiveSmallIntegerField("序号", default=1)
    text = models.TextField("内容")
    approved = models.BooleanField("已审核", default=False, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "报告段落"
        ordering = ["report", "section", "position", "pk"]

    def __str__(self):
        return f"{self.report.year}·{self.get_section_display()}·{self.position}"

    @classmethod
    def from_db(cls, db, field_names, values):
        block = super().from_db(db, field_names, values)
        block._approved_text = block._reviewed_content()
        return block

    def _reviewed_content(self):
        return self.__dict__.get("section"), self.__dict__.get("position"), self.__dict__.get("text")

    def save(self, *args, **kwargs):
        # An approval is of the text as it read: a passage edited after it was approved is to be approved again
        # (审核段落) before its report is reviewed or published.
        if self.approved and getattr(self, "_approved_text", None) not in (None, self._reviewed_content()):
            self.approved = False
        super().save(*args, **kwargs)
        self._approved_text = self._reviewed_content()

    def in_force_span(self):
        """A passage belongs to its report's year: a unit dissolved since may still complete the report of a year
        it existed in."""
        return self.report.in_force_span() if self.report_id else None

    def clean(self):
        if self.report_id and self.unit_id and self.report.unit_id != self.unit_id:
            raise ValidationError({"report": "段落所属单位必须与报告的单位一致"})
        if self.report_id and not self.report.passages_editable:
            raise ValidationError(f"报告{self.report.get_status_display()}，不能再修改段落")


from .reading_models import ReadFigure, ReportReading  # noqa: E402, F401  (published reports read in the browser)
