"""Models of 监督与政务公开: 人大代表建议 and 政协提案 handled by a unit, and requests for government information."""

from django.core.exceptions import ValidationError
from django.db import models

from fazhi.core.models import LedgerModel
from fazhi.law.steps import over_limit

from .choices import (
    ApplicantType,
    DisclosureChannel,
    DisclosureReply,
    DisclosureStatus,
    DisclosureStopReason,
    ReplyCategory,
    Satisfaction,
    SuggestionKind,
    SuggestionStatus,
)
from .deadlines import awaiting_correction, correction_notice_deadline, derive_disclosure, derive_suggestion


class Suggestion(LedgerModel):
    """A deputy's suggestion or a member's proposal assigned to its lead handling unit (`unit`)."""

    kind = models.CharField("类别", max_length=8, choices=SuggestionKind.choices)
    session = models.CharField("届次会议", max_length=60, help_text="如：十五届人大三次会议")
    number = models.CharField("建议（提案）号", max_length=40)
    title = models.CharField("标题", max_length=300)
    proposer = models.CharField("领衔代表（委员）", max_length=100)
    assigned_on = models.DateField("交办日期")
    difficult = models.BooleanField("涉及面广、处理难度大", default=False, editable=False)
    difficult_reason = models.CharField("延期答复说明", max_length=300, blank=True, editable=False)
    due_on = models.DateField("答复期限", null=True, blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=SuggestionStatus.choices, default=SuggestionStatus.ASSIGNED, editable=False
    )
    replied_on = models.DateField("答复日期", null=True, blank=True, editable=False)
    reply_category = models.CharField(
        "答复类别", max_length=2, choices=ReplyCategory.choices, blank=True, editable=False
    )
    on_time = models.BooleanField("按期答复", null=True, editable=False)
    satisfaction = models.CharField(
        "代表（委员）意见", max_length=14, choices=Satisfaction.choices, blank=True, editable=False
    )
    feedback_on = models.DateField("反馈日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "建议提案"
        constraints = [models.UniqueConstraint(fields=["kind", "session", "number"], name="suggestion_unique_number")]
        indexes = [models.Index(fields=["unit", "assigned_on"])]

    def __str__(self):
        return f"{self.session}第{self.number}号{self.get_kind_display()}"

    def refresh_derived(self) -> None:
        """Recompute the reply due date and the on-time flag from this row's own fields."""
        derive_suggestion(self)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def clean(self):
        # The fields a clerk may still edit must not contradict the steps already taken.
        errors = {}
        if self.assigned_on:
            if self.replied_on and self.replied_on < self.assigned_on:
                errors["assigned_on"] = "交办日期不能晚于答复日期"
            elif self.pk and self.co_handlers.filter(opinion_sent_on__lt=self.assigned_on).exists():
                errors["assigned_on"] = "交办日期不能晚于协办意见送达日期"
        if self.pk and self.unit_id and self.co_handlers.filter(unit_id=self.unit_id).exists():
            errors["unit"] = "主办单位不能同时作为协办单位"
        if errors:
            raise ValidationError(errors)

    def detail_sections(self):
        return [
            (
                "协办单位",
                ["单位", "协办意见送达日期"],
                [(c.unit.name, c.opinion_sent_on) for c in self.co_handlers.select_related("unit")],
            )
        ]


class SuggestionCoHandler(models.Model):
    suggestion = models.ForeignKey(Suggestion, models.CASCADE, related_name="co_handlers", verbose_name="建议提案")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="协办单位")
    opinion_sent_on = models.DateField("协办意见送达日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "协办单位"
        constraints = [models.UniqueConstraint(fields=["suggestion", "unit"], name="co_handler_once")]


class DisclosureRequest(LedgerModel):
    """A request for government information (依申请公开) to the unit that holds it."""

    number = models.CharField("申请编号", max_length=60, unique=True)
    applicant_type = models.CharField(
        "申请人类型", max_length=10, choices=ApplicantType.choices, default=ApplicantType.PERSON
    )
    applicant_name = models.CharField("申请人", max_length=200)
    channel = models.CharField("申请方式", max_length=10, choices=DisclosureChannel.choices)
    content = models.CharField("申请公开的信息", max_length=500)
    received_on = models.DateField("收到申请日期")
    correction_requested_on = models.DateField("补正告知日期", null=True, blank=True, editable=False)
    correction_received_on = models.DateField("收到补正申请日期", null=True, blank=True, editable=False)
    status = models.CharField(
        "状态", max_length=10, choices=DisclosureStatus.choices, default=DisclosureStatus.RECEIVED, editable=False
    )
    extension_days = models.PositiveSmallIntegerField("延长答复期限（工作日）", default=0, editable=False)
    extended_on = models.DateField("同意延长日期", null=True, blank=True, editable=False)
    extension_approver = models.CharField("同意延长的负责人", max_length=50, blank=True, editable=False)
    stopped = models.BooleanField("征求意见中", default=False, editable=False)
    due_on = models.DateField("答复期限", null=True, blank=True, editable=False)
    reply_type = models.CharField(
        "答复类型", max_length=16, choices=DisclosureReply.choices, blank=True, editable=False
    )
    reply_reason = models.CharField("答复理由或说明", max_length=500, blank=True, editable=False)
    replied_on = models.DateField("答复日期", null=True, blank=True, editable=False)
    on_time = models.BooleanField("按时答复", null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "依申请公开"
        indexes = [models.Index(fields=["unit", "received_on"]), models.Index(fields=["unit", "replied_on"])]

    def __str__(self):
        return f"{self.number}（{self.applicant_name}）"

    @property
    def awaiting_correction(self) -> bool:
        return awaiting_correction(self)

    def refresh_derived(self, calendar=None) -> None:
        """Recompute the consultation flag, the due date and the on-time flag from this row and its clock stops."""
        stops = list(self.clock_stops.all()) if self.pk else []
        derive_disclosure(self, stops, calendar)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def clean(self):
        # The received date a clerk may still edit must not contradict the steps already taken.
        if not self.received_on:
            return
        later = [
            (self.replied_on, "答复日期"),
            (self.correction_requested_on, "补正告知日期"),
            (self.extended_on, "同意延长日期"),
        ]
        if self.pk:
            first_stop = self.clock_stops.order_by("started_on").values_list("started_on", flat=True).first()
            later.append((first_stop, "征求意见开始日期"))
        for day, what in later:
            if day and day < self.received_on:
                raise ValidationError({"received_on": f"收到申请日期不能晚于{what}"})
        if self.correction_requested_on:
            limit = correction_notice_deadline(self.received_on)
            if self.correction_requested_on > limit.due:
                raise ValidationError(
                    {
                        "received_on": over_limit(
                            "disclosure.correction_notice",
                            f"收到申请后至{self.correction_requested_on:%Y年%m月%d日}才告知补正",
                            limit.basis,
                        )
                    }
                )

    def detail_sections(self):
        return [
            (
                "不计入答复期限的环节",
                ["事由", "开始", "结束"],
                [(s.get_reason_display(), s.started_on, s.ended_on) for s in self.clock_stops.all()],
            )
        ]


class DisclosureClockStop(models.Model):
    request = models.ForeignKey(DisclosureRequest, models.CASCADE, related_name="clock_stops", verbose_name="申请")
    reason = models.CharField("事由", max_length=16, choices=DisclosureStopReason.choices)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "征求意见期间"
        ordering = ["started_on", "id"]
        constraints = [
            # 征求意见 refuses a second open consultation; the database says it too, for two clerks acting at once.
            models.UniqueConstraint(
                fields=["request"], condition=models.Q(ended_on__isnull=True), name="disclosure_stop_one_open"
            ),
        ]
