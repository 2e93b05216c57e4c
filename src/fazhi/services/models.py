"""政务服务 ledgers: the implementation catalogue (实施清单), applications (办件) and ratings (好差评)."""

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.identifiers import validate_party_id
from fazhi.core.models import ENTERED, LedgerModel
from fazhi.law.params import rule
from fazhi.org.scope import ScopedQuerySet

from .choices import (
    ApplicantType,
    ApplicationStatus,
    Channel,
    ClockStopReason,
    ItemType,
    OnlineDepth,
    Outcome,
    RatingChannel,
)
from .deadlines import derive_application, derive_rating


class ServiceItem(LedgerModel):
    """One item of a unit's implementation catalogue, with its statutory and promised time limits."""

    dated_by = ENTERED  # a register: checked on the day a row is entered

    code = models.CharField("事项编码", max_length=64, unique=True)
    name = models.CharField("事项名称", max_length=200)
    item_type = models.CharField("事项类型", max_length=20, choices=ItemType.choices, db_index=True)
    legal_basis = models.TextField("设定依据", blank=True)
    statutory_limit = models.PositiveSmallIntegerField(
        "法定时限（工作日）", help_text="法律法规规定的办理时限，0表示即办"
    )
    promised_limit = models.PositiveSmallIntegerField("承诺时限（工作日）", help_text="对外承诺的办理时限，0表示即办件")
    online_depth = models.PositiveSmallIntegerField(
        "网上办理深度", choices=OnlineDepth.choices, default=OnlineDepth.DOWNLOAD
    )
    visits_required = models.PositiveSmallIntegerField("到现场次数", default=1)
    tolerance_allowed = models.BooleanField("可容缺受理", default=False)
    tolerance_documents = models.TextField("可容缺的次要材料", blank=True)
    commitment_allowed = models.BooleanField("可告知承诺", default=False)
    cross_province = models.BooleanField("跨省通办", default=False)
    effective_from = models.DateField("生效日期")
    effective_to = models.DateField("失效日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "政务服务事项"
        indexes = [models.Index(fields=["unit", "item_type"])]

    # What __str__ reads: a list page of another ledger loads only these of a related row (core.views.list_fields).
    label_fields = ("name", "code")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        errors = {}
        if (
            self.promised_limit is not None
            and self.statutory_limit is not None
            and self.promised_limit > self.statutory_limit
        ):
            errors["promised_limit"] = rule("services.promised_within_statutory").violation(
                f"承诺时限{self.promised_limit}个工作日超过法定时限{self.statutory_limit}个工作日"
            )
        if self.effective_to and self.effective_from and self.effective_to < self.effective_from:
            errors["effective_to"] = ValidationError("失效日期不能早于生效日期")
        if self.tolerance_allowed and not self.tolerance_documents.strip():
            errors["tolerance_documents"] = ValidationError("可容缺受理的事项须列明可容缺的次要材料")
        if errors:
            raise ValidationError(errors)

    @property
    def compression_rate(self):
        if not self.statutory_limit:
            return None
        return (self.statutory_limit - self.promised_limit) / self.statutory_limit


class Application(LedgerModel):
    """An application (办件). Its deadline is derived from the promised limit and the recorded clock stops."""

    number = models.CharField("办件编号", max_length=40, unique=True)
    item = models.ForeignKey(ServiceItem, models.PROTECT, verbose_name="事项", related_name="applications")
    applicant_type = models.CharField("申请人类型", max_length=10, choices=ApplicantType.choices)
    applicant_name = models.CharField("申请人", max_length=200)
    applicant_id_number = models.CharField(
        "证件号码", max_length=18, help_text="自然人填身份证号，法人填统一社会信用代码"
    )
    channel = models.CharField("申请渠道", max_length=16, choices=Channel.choices)
    received_on = models.DateField("收件日期")
    accepted_on = models.DateField("受理日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ApplicationStatus.choices, default=ApplicationStatus.RECEIVED
    )
    tolerance_acceptance = models.BooleanField("容缺受理", default=False)
    commitment_acceptance = models.BooleanField("告知承诺", default=False)
    due_on = models.DateField("承诺办结日期", null=True, blank=True, editable=False)
    decided_on = models.DateField("办结日期", null=True, blank=True)
    outcome = models.CharField("办理结果", max_length=16, choices=Outcome.choices, blank=True)
    on_time = models.BooleanField("按时办结", null=True, editable=False)

    personal_fields = ("applicant_id_number",)  # masked for roles that do not handle the record (fazhi.privacy)

    class Meta:
        verbose_name = verbose_name_plural = "办件"
        indexes = [
            # Partial indexes on live rows: SQLite, which keeps no statistics, otherwise picks a worse index.
            models.Index(
                fields=["unit", "received_on", "id"],
                condition=models.Q(deleted_at__isnull=True),
                name="application_unit_received",
            ),
            models.Index(
                fields=["status", "received_on", "id"],
                condition=models.Q(deleted_at__isnull=True),
                name="application_status_received",
            ),
            models.Index(fields=["received_on", "id"]),
            # A unit's (or a subtree's) list filtered by the list's filters (status, channel, on time, overdue): its
            # bounded count from the index alone, where the received-on order would read every row of the unit
            # (0.5 s for a county's channel filter at --scale 10; 0.03 s with it).
            models.Index(
                fields=["unit", "status", "channel"],
                include=["on_time", "due_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="application_unit_filters",
            ),
            # Covers the 政务服务 metric query: one index-only pass per unit, no table lookups.
            models.Index(
                fields=["unit", "accepted_on", "decided_on", "on_time"],
                condition=models.Q(deleted_at__isnull=True),
                name="application_metrics",
            ),
            models.Index(fields=["due_on"]),
            # The open ones by due date: the to-do lists (their first rows by due date and id, their counts per
            # unit), the nightly scan and its red cards read only these, from the index alone (a province's
            # 200,000 open 办件 are counted in 0.05 s, not in 1 s of table reads).
            models.Index(
                fields=["due_on", "id", "unit"],
                condition=models.Q(status="accepted", deleted_at__isnull=True),
                name="application_open_due",
            ),
        ]

    # What __str__ reads: a list page of another ledger loads only these of a related row (core.views.list_fields).
    label_fields = ("number",)

    def __str__(self):
        return self.number

    def clean(self):
        errors = {}
        self.applicant_id_number = (self.applicant_id_number or "").strip().upper()
        if self.applicant_type and self.applicant_id_number:
            try:
                validate_party_id(self.applicant_type, self.applicant_id_number)
            except ValidationError as error:
                errors["applicant_id_number"] = error
        if self.item_id and self.unit_id and self.item.unit_id != self.unit_id:
            errors["item"] = ValidationError("办件所属单位必须与事项的实施单位一致")
        if self.accepted_on and self.received_on and self.accepted_on < self.received_on:
            errors["accepted_on"] = ValidationError("受理日期不能早于收件日期")
        if self.decided_on and self.accepted_on and self.decided_on < self.accepted_on:
            errors["decided_on"] = ValidationError("办结日期不能早于受理日期")
        if errors:
            raise ValidationError(errors)

    def refresh_derived(self, calendar=None) -> None:
        """Recompute the due date and the on-time flag from this row's dates, item and clock stops."""
        stops = list(self.clock_stops.all()) if self.pk and self.accepted_on else []
        derive_application(self, self.item.promised_limit if self.item_id else 0, stops, calendar)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def detail_sections(self):
        return [
            (
                "不计时环节",
                ["原因", "开始", "结束", "说明"],
                [(s.get_reason_display(), s.started_on, s.ended_on, s.note) for s in self.clock_stops.all()],
            ),
            (
                "容缺材料",
                ["材料", "补齐期限", "补齐日期"],
                [(d.name, d.due_on, d.supplied_on) for d in self.missing_documents.all()],
            ),
        ]


class ClockStop(models.Model):
    """A period the law excludes from the time limit (补正, 听证, 检验检测, 专家评审 …)."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="clock_stops", verbose_name="办件")
    reason = models.CharField("原因", max_length=20, choices=ClockStopReason.choices)
    started_on = models.DateField("开始日期")
    ended_on = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "不计时环节"
        constraints = [
            # 中止计时 refuses a second open stop; the database says it too, for two clerks acting at once.
            models.UniqueConstraint(
                fields=["application"], condition=models.Q(ended_on__isnull=True), name="clock_stop_one_open"
            ),
        ]


class MissingDocument(models.Model):
    """A secondary document missing at 容缺受理, due by its own date."""

    application = models.ForeignKey(Application, models.CASCADE, related_name="missing_documents", verbose_name="办件")
    name = models.CharField("材料名称", max_length=200)
    due_on = models.DateField("补齐期限")
    supplied_on = models.DateField("补齐日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "容缺材料"


class Rating(LedgerModel):
    """A 好差评 rating of a completed application; a bad one (1–2 stars) opens a rectification."""

    application = models.OneToOneField(Application, models.PROTECT, related_name="rating", verbose_name="办件")
    stars = models.PositiveSmallIntegerField("评价星级", validators=[MinValueValidator(1), MaxValueValidator(5)])
    channel = models.CharField("评价渠道", max_length=16, choices=RatingChannel.choices)
    comment = models.TextField("评价内容", blank=True)
    rated_on = models.DateField("评价日期")
    rectification_due_on = models.DateField("整改期限", null=True, blank=True, editable=False)
    rectified_on = models.DateField("整改完成日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "好差评"
        indexes = [
            models.Index(
                fields=["unit", "rated_on", "stars", "rectified_on"],
                condition=models.Q(deleted_at__isnull=True),
                name="rating_metrics",
            ),
            # The list's default order (-rated_on, keyset on id): without it the whole-city first page sorts
            # every live rating (bench/load.py).
            models.Index(fields=["rated_on", "id"], condition=models.Q(deleted_at__isnull=True), name="rating_rated"),
            # The 差评整改 duty (the to-do lists): the bad ratings not yet rectified, by due date, from the index alone.
            models.Index(
                fields=["rectification_due_on", "id", "unit"],
                condition=models.Q(
                    rectified_on__isnull=True, rectification_due_on__isnull=False, deleted_at__isnull=True
                ),
                name="rating_open_rectification",
            ),
        ]

    def __str__(self):
        return f"{self.application.number}：{self.stars}星"

    @property
    def is_bad(self) -> bool:
        return self.stars <= 2

    def save(self, *args, **kwargs):
        derive_rating(self)
        super().save(*args, **kwargs)

    def clean(self):
        if self.rectified_on and self.rated_on and self.rectified_on < self.rated_on:
            raise ValidationError({"rectified_on": "整改完成日期不能早于评价日期"})
        if self.rectified_on and not self.is_bad:
            raise ValidationError({"rectified_on": "只有差评（1至2星）需要整改"})
        if self.application_id and self.application.status != ApplicationStatus.DECIDED:
            raise ValidationError({"application": rule("services.rating_needs_completion").violation()})
        if self.application_id and self.unit_id and self.application.unit_id != self.unit_id:
            raise ValidationError({"unit": "评价所属单位必须与办件的办理单位一致"})


class DayTotals(models.Model):
    """A ledger's counts per unit and day. Derived data, kept by database triggers in the same transaction as every
    write to the ledger's table (fazhi.services.daily); nothing in the application writes it, and backups leave it
    out."""

    unit = models.ForeignKey("org.Unit", models.CASCADE, related_name="+", verbose_name="单位")
    day = models.DateField("日期")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        abstract = True

    def __str__(self):
        return f"{self.unit_id} {self.day}"


class ApplicationDay(DayTotals):
    """Per unit and day: live applications accepted, decided and decided on time that day."""

    accepted = models.IntegerField("受理件数", default=0)
    decided = models.IntegerField("办结件数", default=0)
    decided_on_time = models.IntegerField("按时办结件数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "办件日汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="application_day_unique")]
        indexes = [models.Index(fields=["day", "unit"], name="application_day_day")]


class RatingDay(DayTotals):
    """Per unit and day of rating: live ratings, good ones (3 stars or more), bad ones (1–2) and bad ones rectified."""

    rated = models.IntegerField("评价数", default=0)
    good = models.IntegerField("好评数", default=0)
    bad = models.IntegerField("差评数", default=0)
    bad_rectified = models.IntegerField("已整改差评数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "好差评日汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="rating_day_unique")]
        indexes = [models.Index(fields=["day", "unit"], name="rating_day_day")]


class SupervisionCard(models.Model):
    """电子监察: a yellow card when an application reaches its last working day undecided, a red card when it is
    overdue. Cards are history: issued once per application and colour by the nightly scan (fazhi.services.cards)
    and never withdrawn when the application is later decided or its deadline moves."""

    class Colour(models.TextChoices):
        YELLOW = "yellow", "黄牌（预警）"
        RED = "red", "红牌（超期）"

    application = models.ForeignKey(Application, models.CASCADE, related_name="supervision_cards", verbose_name="办件")
    unit = models.ForeignKey("org.Unit", models.PROTECT, related_name="+", verbose_name="单位")
    colour = models.CharField("类别", max_length=8, choices=Colour.choices)
    issued_on = models.DateField("发牌日期")
    due_on = models.DateField("发牌时的承诺办结日期")

    objects = ScopedQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "电子监察红黄牌"
        constraints = [models.UniqueConstraint(fields=["application", "colour"], name="supervision_card_once")]
        indexes = [models.Index(fields=["issued_on", "unit"], name="supervision_card_day")]

    def __str__(self):
        return f"{self.get_colour_display()} {self.application_id} {self.issued_on}"


class SupervisionCardDay(DayTotals):
    """Per unit and day of issue: the yellow and red cards issued."""

    yellow = models.IntegerField("黄牌数", default=0)
    red = models.IntegerField("红牌数", default=0)

    class Meta:
        verbose_name = verbose_name_plural = "电子监察红黄牌日汇总"
        constraints = [models.UniqueConstraint(fields=["unit", "day"], name="supervision_cardday_unique")]
        indexes = [models.Index(fields=["day", "unit"], name="supervision_cardday_day")]
