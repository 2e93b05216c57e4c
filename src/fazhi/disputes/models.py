"""Models of 行政争议与矛盾纠纷化解: 行政复议, 行政应诉, 人民调解 and 信访.

Deadlines are never typed in: they are derived (deadlines.py, pure functions of a row's fields) from the dates
recorded here and the law in force on the day a matter was received, and stored only so that lists can filter
and sort on them. Status and step dates are written by the workflow steps only.
"""

from django.core.exceptions import ValidationError
from django.db import models

from fazhi.core.models import ENTERED, LedgerModel

from .choices import (
    LAWSUIT_LOST,
    AbsenceReason,
    ActType,
    AgreementForm,
    DisputeType,
    HeadAppearance,
    Instance,
    LawsuitOutcome,
    LawsuitStatus,
    MediationOrgType,
    MediationStatus,
    PartyType,
    PetitionChannel,
    PetitionStatus,
    Procedure,
    ReconsiderationOutcome,
    ReconsiderationStatus,
    SimplifiedGround,
    SuspensionReason,
)
from .deadlines import derive_lawsuit, derive_petition, derive_reconsideration


def _order(errors, field, earlier, later, message):
    if earlier and later and later < earlier:
        errors[field] = ValidationError(message)


# -- 行政复议 ----------------------------------------------------------------------------------------------
class ReconsiderationCase(LedgerModel):
    """An application for 行政复议, kept by the reconsideration body (`unit`).

    The clock is stored as events (receipt, 补正, acceptance, suspensions, extension) like the xzfy ledger's
    dated intervals; `due_on` and the other derived values follow from them (deadlines.derive_reconsideration).
    """

    dated_by = "received_on"  # the day the body received it, not the day the act became known

    number = models.CharField("案号", max_length=60, unique=True)
    applicant_type = models.CharField("申请人类型", max_length=10, choices=PartyType.choices, default=PartyType.PERSON)
    applicant_name = models.CharField("申请人", max_length=200)
    third_party = models.CharField("第三人", max_length=200, blank=True)
    respondent_name = models.CharField("被申请人", max_length=200)
    respondent_unit = models.ForeignKey(
        "org.Unit",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="被申请人（本系统单位）",
    )
    act_type = models.CharField("行政行为类别", max_length=20, choices=ActType.choices)
    act_description = models.CharField("被申请复议的行政行为", max_length=300, blank=True)
    act_on = models.DateField("行政行为作出日期", null=True, blank=True)
    known_on = models.DateField("知道或应当知道行政行为之日")
    rights_informed = models.BooleanField("已告知复议权利、机关和期限", default=True)
    rights_known_on = models.DateField("知道复议权利之日", null=True, blank=True, help_text="未告知复议权利时填写")
    real_estate = models.BooleanField("涉及不动产", default=False)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    received_on = models.DateField("收到申请日期")
    correction_requested_on = models.DateField("补正通知日期", null=True, blank=True, editable=False)
    correction_received_on = models.DateField("收到补正材料日期", null=True, blank=True, editable=False)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=ReconsiderationStatus.choices,
        default=ReconsiderationStatus.RECEIVED,
        editable=False,
    )
    procedure = models.CharField("审理程序", max_length=12, choices=Procedure.choices, blank=True, editable=False)
    simplified_ground = models.CharField(
        "适用简易程序情形", max_length=16, choices=SimplifiedGround.choices, blank=True, editable=False
    )
    accepted_on = models.DateField("受理日期", null=True, blank=True, editable=False)
    deemed_accepted = models.BooleanField("视为受理", default=False, editable=False)
    not_accepted_on = models.DateField("不予受理决定日期", null=True, blank=True, editable=False)
    not_accepted_reason = models.CharField("不予受理理由", max_length=300, blank=True, editable=False)
    copy_sent_on = models.DateField("发送申请书副本日期", null=True, blank=True, editable=False)
    answer_due_on = models.DateField("被申请人答复期限", null=True, blank=True, editable=False)
    answer_received_on = models.DateField("收到答复日期", null=True, blank=True, editable=False)
    converted_on = models.DateField("转为普通程序日期", null=True, blank=True, editable=False)
    extension_days = models.PositiveSmallIntegerField("延长审理期限（日）", default=0, editable=False)
    extended_on = models.DateField("批准延长日期", null=True, blank=True, editable=False)
    extension_reason = models.CharField("延长理由", max_length=300, blank=True, editable=False)
    suspended = models.BooleanField("中止中", default=False, editable=False)
    due_on = models.DateField("审理期限届满日", null=True, blank=True, editable=False)
    outcome = models.CharField(
        "结案方式", max_length=24, choices=ReconsiderationOutcome.choices, blank=True, editable=False
    )
    closed_on = models.DateField("结案日期", null=True, blank=True, editable=False)
    on_time = models.BooleanField("按期审结", null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政复议案件"
        indexes = [
            models.Index(fields=["unit", "received_on"]),
            models.Index(fields=["unit", "closed_on"]),
            models.Index(fields=["status", "due_on"]),
        ]

    def __str__(self):
        return f"{self.number}（{self.applicant_name}诉{self.respondent_name}）"

    def refresh_derived(self, calendar=None) -> None:
        """Recompute the deadlines and flags from this row's dates and its suspensions."""
        suspensions = list(self.suspensions.all()) if self.pk and self.accepted_on else []
        derive_reconsideration(self, suspensions, calendar)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        _order(errors, "received_on", self.known_on, self.received_on, "收到申请日期不能早于知道行政行为之日")
        _order(errors, "known_on", self.act_on, self.known_on, "知道行政行为之日不能早于行政行为作出日期")
        _order(
            errors, "rights_known_on", self.known_on, self.rights_known_on, "知道复议权利之日不能早于知道行政行为之日"
        )
        if self.rights_informed and self.rights_known_on:
            errors["rights_known_on"] = ValidationError("已告知复议权利的，无需填写知道复议权利之日")
        if self.amount is not None and self.amount < 0:
            errors["amount"] = ValidationError("涉及金额不能为负数")
        # The steps dated their acts after the receipt: a corrected receipt date may not overtake them.
        _order(
            errors,
            "correction_requested_on",
            self.received_on,
            self.correction_requested_on,
            "补正通知日期不能早于收到申请日期",
        )
        _order(errors, "accepted_on", self.received_on, self.accepted_on, "受理日期不能早于收到申请日期")
        _order(
            errors, "not_accepted_on", self.received_on, self.not_accepted_on, "不予受理决定日期不能早于收到申请日期"
        )
        if errors:
            raise ValidationError(errors)

    def detail_sections(self):
        return [
            (
                "中止",
                ["事由", "中止日期", "恢复日期", "说明"],
                [(s.get_reason_display(), s.started_on, s.ended_on, s.note) for s in self.suspensions.all()],
            ),
            (
                "听证",
                ["通知日期", "听证日期", "被申请人负责人出席", "出席人员", "说明"],
                [
                    (h.notified_on, h.held_on, "是" if h.respondent_head_attended else "否", h.attendee, h.note)
                    for h in self.hearings.all()
                ],
            ),
        ]


class ReconsiderationSuspension(models.Model):
    """A 中止 of a case (行政复议法第三十九条): the days between stop and resumption do not count."""

    case = models.ForeignKey(ReconsiderationCase, models.CASCADE, related_name="suspensions", verbose_name="案件")
    reason = models.CharField("中止事由", max_length=20, choices=SuspensionReason.choices)
    started_on = models.DateField("中止日期")
    ended_on = models.DateField("恢复审理日期", null=True, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政复议中止"
        ordering = ["started_on", "id"]
        constraints = [
            # 中止审理 refuses a second open suspension; the database says it too, for two clerks acting at once.
            models.UniqueConstraint(
                fields=["case"], condition=models.Q(ended_on__isnull=True), name="reconsideration_suspension_one_open"
            ),
        ]


class ReconsiderationHearing(models.Model):
    """A 听证 (行政复议法第五十条、第五十一条), and whether the respondent's head attended."""

    case = models.ForeignKey(ReconsiderationCase, models.CASCADE, related_name="hearings", verbose_name="案件")
    notified_on = models.DateField("通知日期")
    held_on = models.DateField("听证日期")
    respondent_head_attended = models.BooleanField("被申请人负责人出席", default=False)
    attendee = models.CharField("被申请人出席人员及职务", max_length=200, blank=True)
    note = models.CharField("说明", max_length=200, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政复议听证"
        ordering = ["held_on", "id"]


# -- 行政应诉 ----------------------------------------------------------------------------------------------
class Lawsuit(LedgerModel):
    """An administrative lawsuit against a unit (the defendant, `unit`), one row per instance."""

    number = models.CharField("案号", max_length=80, unique=True)
    court = models.CharField("审理法院", max_length=100)
    trial_level = models.CharField("审级", max_length=10, choices=Instance.choices, default=Instance.FIRST)
    previous_instance = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="next_instances",
        verbose_name="前审案件",
    )
    plaintiff = models.CharField("原告（上诉人）", max_length=200)
    act_type = models.CharField("被诉行政行为类别", max_length=20, choices=ActType.choices)
    cause = models.CharField("案由", max_length=200, blank=True)
    reconsideration_case = models.ForeignKey(
        ReconsiderationCase,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="lawsuits",
        verbose_name="经复议的复议案件",
    )
    filed_on = models.DateField("立案日期")
    served_on = models.DateField("收到起诉状副本日期", null=True, blank=True)
    defence_due_on = models.DateField("答辩期限", null=True, blank=True, editable=False)
    defence_submitted_on = models.DateField("提交答辩状日期", null=True, blank=True)
    status = models.CharField(
        "状态", max_length=10, choices=LawsuitStatus.choices, default=LawsuitStatus.PENDING, editable=False
    )
    outcome = models.CharField("裁判结果", max_length=30, choices=LawsuitOutcome.choices, blank=True, editable=False)
    closed_on = models.DateField("结案日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政应诉案件"
        indexes = [models.Index(fields=["unit", "filed_on"]), models.Index(fields=["unit", "closed_on"])]

    def __str__(self):
        return f"{self.number}（{self.get_trial_level_display()}）"

    def save(self, *args, **kwargs):
        derive_lawsuit(self)
        super().save(*args, **kwargs)

    @property
    def lost(self) -> bool:
        return self.outcome in LAWSUIT_LOST

    def clean(self):
        errors = {}
        _order(errors, "served_on", self.filed_on, self.served_on, "收到起诉状副本日期不能早于立案日期")
        _order(
            errors,
            "defence_submitted_on",
            self.served_on,
            self.defence_submitted_on,
            "提交答辩状日期不能早于收到起诉状副本日期",
        )
        _order(errors, "closed_on", self.filed_on, self.closed_on, "结案日期不能早于立案日期")
        if self.defence_submitted_on and not self.served_on:
            errors["served_on"] = ValidationError("已提交答辩状的，应填写收到起诉状副本日期")
        previous = self.previous_instance if self.previous_instance_id else None
        if self.trial_level == Instance.FIRST and previous is not None:
            errors["previous_instance"] = ValidationError("一审案件没有前审案件")
        elif self.trial_level in (Instance.SECOND, Instance.RETRIAL):
            if previous is None:
                errors["previous_instance"] = ValidationError(f"{self.get_trial_level_display()}案件须关联前审案件")
            elif self.pk and previous.pk == self.pk:
                errors["previous_instance"] = ValidationError("前审案件不能是本案")
            else:
                if self.trial_level == Instance.SECOND and previous.trial_level != Instance.FIRST:
                    errors["previous_instance"] = ValidationError("二审案件的前审案件应为一审案件")
                if previous.status != LawsuitStatus.CLOSED:
                    errors["previous_instance"] = ValidationError("前审案件尚未审结")
                elif self.filed_on and previous.closed_on and self.filed_on < previous.closed_on:
                    errors["filed_on"] = ValidationError("立案日期不能早于前审结案日期")
                if self.unit_id and previous.unit_id != self.unit_id:
                    errors["previous_instance"] = ValidationError("前审案件的被告单位应与本案一致")
        if errors:
            raise ValidationError(errors)

    def detail_sections(self):
        return [
            (
                "开庭与出庭应诉",
                ["开庭日期", "负责人出庭", "出庭负责人", "工作人员出庭", "律师出庭", "负责人未出庭理由", "司法建议"],
                [
                    (
                        h.held_on,
                        h.get_head_appearance_display(),
                        h.head_name,
                        "是" if h.staff_appeared else "否",
                        "是" if h.lawyer_appeared else "否",
                        h.get_absence_reason_display(),
                        "是" if h.judicial_suggestion else "否",
                    )
                    for h in self.hearings.all()
                ],
            ),
            (
                "后续审级",
                ["案号", "审级", "结果"],
                [(n.number, n.get_trial_level_display(), n.get_outcome_display()) for n in self.next_instances.all()],
            ),
        ]


class CourtHearing(models.Model):
    """One court session of a lawsuit and who appeared for the defendant (行政诉讼法第三条第三款)."""

    lawsuit = models.ForeignKey(Lawsuit, models.CASCADE, related_name="hearings", verbose_name="案件")
    held_on = models.DateField("开庭日期")
    head_appearance = models.CharField("负责人出庭", max_length=12, choices=HeadAppearance.choices)
    head_name = models.CharField("出庭负责人姓名职务", max_length=100, blank=True)
    staff_appeared = models.BooleanField("工作人员出庭", default=False)
    lawyer_appeared = models.BooleanField("律师出庭", default=False)
    absence_reason = models.CharField("负责人未出庭理由", max_length=16, choices=AbsenceReason.choices, blank=True)
    judicial_suggestion = models.BooleanField("收到司法建议", default=False)

    class Meta:
        verbose_name = verbose_name_plural = "开庭记录"
        ordering = ["held_on", "id"]


# -- 人民调解 ----------------------------------------------------------------------------------------------
class MediationOrganisation(LedgerModel):
    dated_by = ENTERED  # a register: checked on the day a row is entered

    name = models.CharField("组织名称", max_length=200)
    org_type = models.CharField("组织类型", max_length=16, choices=MediationOrgType.choices)
    established_on = models.DateField("成立日期")
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人民调解组织"
        indexes = [models.Index(fields=["unit", "org_type"])]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        _order(errors, "dissolved_on", self.established_on, self.dissolved_on, "撤销日期不能早于成立日期")
        if errors:
            raise ValidationError(errors)


class Mediator(LedgerModel):
    dated_by = ENTERED  # a register: checked on the day a row is entered

    organisation = models.ForeignKey(
        MediationOrganisation, models.PROTECT, related_name="mediators", verbose_name="所属调解组织"
    )
    name = models.CharField("姓名", max_length=50)
    full_time = models.BooleanField("专职", default=False)
    started_on = models.DateField("聘任日期")
    ended_on = models.DateField("解聘日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "人民调解员"

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        _order(errors, "ended_on", self.started_on, self.ended_on, "解聘日期不能早于聘任日期")
        if self.organisation_id and self.unit_id and self.organisation.unit_id != self.unit_id:
            errors["organisation"] = ValidationError("调解员所属单位必须与调解组织的单位一致")
        if errors:
            raise ValidationError(errors)


class MediatedDispute(LedgerModel):
    number = models.CharField("纠纷编号", max_length=60, unique=True)
    organisation = models.ForeignKey(
        MediationOrganisation, models.PROTECT, related_name="disputes", verbose_name="调解组织"
    )
    dispute_type = models.CharField("纠纷类型", max_length=24, choices=DisputeType.choices)
    parties = models.CharField("当事人", max_length=300)
    summary = models.CharField("纠纷简要情况", max_length=500, blank=True)
    amount = models.DecimalField("涉及金额（元）", max_digits=14, decimal_places=2, null=True, blank=True)
    received_on = models.DateField("受理日期")
    status = models.CharField(
        "调解结果", max_length=12, choices=MediationStatus.choices, default=MediationStatus.IN_PROGRESS, editable=False
    )
    agreement_form = models.CharField(
        "协议形式", max_length=10, choices=AgreementForm.choices, blank=True, editable=False
    )
    closed_on = models.DateField("结案日期", null=True, blank=True, editable=False)
    confirmation_requested_on = models.DateField("申请司法确认日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "人民调解案件"
        indexes = [models.Index(fields=["unit", "received_on"])]

    def __str__(self):
        return f"{self.number}（{self.get_dispute_type_display()}）"

    def clean(self):
        errors = {}
        if self.organisation_id and self.unit_id and self.organisation.unit_id != self.unit_id:
            errors["organisation"] = ValidationError("纠纷所属单位必须与调解组织的单位一致")
        if self.amount is not None and self.amount < 0:
            errors["amount"] = ValidationError("涉及金额不能为负数")
        _order(errors, "closed_on", self.received_on, self.closed_on, "结案日期不能早于受理日期")
        if errors:
            raise ValidationError(errors)


# -- 信访 --------------------------------------------------------------------------------------------------
class Petition(LedgerModel):
    """A 信访事项 under 信访工作条例: registered, accepted (or not), handled within the limit, concluded."""

    number = models.CharField("信访编号", max_length=60, unique=True)
    petitioner = models.CharField("信访人", max_length=200)
    channel = models.CharField("信访形式", max_length=10, choices=PetitionChannel.choices)
    subject = models.CharField("信访事项", max_length=300)
    received_on = models.DateField("收到日期")
    repeated = models.BooleanField("重复信访", default=False)
    repeat_of = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="repeats",
        verbose_name="此前的同一事项",
    )
    status = models.CharField(
        "状态", max_length=14, choices=PetitionStatus.choices, default=PetitionStatus.REGISTERED, editable=False
    )
    registration_due_on = models.DateField("登记告知期限", null=True, blank=True, editable=False)
    accepted_on = models.DateField("受理（告知）日期", null=True, blank=True, editable=False)
    not_accepted_reason = models.CharField("不予受理理由", max_length=300, blank=True, editable=False)
    extension_days = models.PositiveSmallIntegerField("延长办理期限（日）", default=0, editable=False)
    extended_on = models.DateField("批准延长日期", null=True, blank=True, editable=False)
    due_on = models.DateField("办理期限", null=True, blank=True, editable=False)
    concluded_on = models.DateField("办结日期", null=True, blank=True, editable=False)
    on_time = models.BooleanField("按期办结", null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "信访事项"
        indexes = [models.Index(fields=["unit", "received_on"]), models.Index(fields=["unit", "concluded_on"])]

    def __str__(self):
        return f"{self.number}（{self.petitioner}）"

    def save(self, *args, **kwargs):
        derive_petition(self)
        super().save(*args, **kwargs)

    def clean(self):
        errors = {}
        if self.repeat_of_id:
            if self.pk and self.repeat_of_id == self.pk:
                errors["repeat_of"] = ValidationError("不能关联本件")
            elif self.received_on and self.repeat_of.received_on > self.received_on:
                errors["repeat_of"] = ValidationError("此前的同一事项应早于本件收到")
            if not self.repeated:
                errors["repeated"] = ValidationError("关联了此前同一事项的，应标为重复信访")
        _order(errors, "accepted_on", self.received_on, self.accepted_on, "受理（告知）日期不能早于收到日期")
        if errors:
            raise ValidationError(errors)
