"""Models of 行政执法: bodies, officers and their certificates, the 权责清单 with 裁量基准, and cases under the
三项制度 (公示, 全过程记录, 重大执法决定法制审核)."""

import datetime as dt
import re

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.identifiers import validate_id_number, validate_party_id, validate_uscc
from fazhi.core.models import ENTERED, LedgerModel

from .choices import (
    BodyType,
    CaseStatus,
    CertificateKind,
    DiscretionGrade,
    FileGrade,
    MatterType,
    Outcome,
    PartyType,
    RecordKind,
    ReviewResult,
)
from .deadlines import certificate_valid_on, derive_case, valid_certificate_q

SHA256_PATTERN = re.compile(r"^[0-9a-f]{64}$")


def validate_sha256(value: str) -> None:
    if not SHA256_PATTERN.match(value or ""):
        raise ValidationError("文件哈希值应为64位十六进制SHA-256摘要（小写）", code="sha256")


class EnforcementBody(LedgerModel):
    """A body with enforcement power (行政执法主体) and the legal basis of that power."""

    code = models.CharField("主体编码", max_length=32, unique=True)
    name = models.CharField("执法主体名称", max_length=200)
    body_type = models.CharField("主体类型", max_length=16, choices=BodyType.choices, default=BodyType.AGENCY)
    credit_code = models.CharField("统一社会信用代码", max_length=18, blank=True)
    legal_basis = models.TextField("执法依据", help_text="设定该主体执法权的法律、法规、规章及条款")
    powers = models.TextField("职权范围", blank=True)
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "行政执法主体"

    def __str__(self):
        return self.name

    def clean(self):
        if self.credit_code:
            self.credit_code = self.credit_code.strip().upper()
            try:
                validate_uscc(self.credit_code)
            except ValidationError as error:
                raise ValidationError({"credit_code": error}) from None
        if not (self.legal_basis or "").strip():
            raise ValidationError({"legal_basis": "执法主体必须载明执法依据"})


class Officer(LedgerModel):
    """An enforcement officer (执法人员). May act only while holding a valid certificate (`certified_officer_ids`)."""

    name = models.CharField("姓名", max_length=50)
    id_number = models.CharField("身份证号", max_length=18, unique=True)
    body = models.ForeignKey(EnforcementBody, models.PROTECT, related_name="officers", verbose_name="所属执法主体")
    post = models.CharField("职务", max_length=100, blank=True)
    law_category = models.CharField("执法类别", max_length=100)
    is_legal_reviewer = models.BooleanField("法制审核人员", default=False)

    personal_fields = ("id_number",)  # masked for roles that do not handle the record (fazhi.privacy)
    is_active = models.BooleanField("在岗", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法人员"
        indexes = [models.Index(fields=["body", "is_active"])]

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if self.id_number:
            self.id_number = self.id_number.strip().upper()
            try:
                validate_id_number(self.id_number)
            except ValidationError as error:
                errors["id_number"] = error
        if self.body_id and self.unit_id and self.body.unit_id != self.unit_id:
            errors["body"] = ValidationError("执法人员所属单位必须与其执法主体的单位一致")
        if errors:
            raise ValidationError(errors)

    def certificate_on(self, day: dt.date, kind: str = CertificateKind.ENFORCEMENT):
        return valid_certificates(day, kind).filter(officer=self).order_by("-issued_on").first()

    def detail_sections(self):
        return [
            (
                "执法证件",
                ["证件类型", "证件编号", "发证日期", "有效期至", "注销日期", "注销原因"],
                [
                    (c.get_kind_display(), c.number, c.issued_on, c.expires_on, c.revoked_on, c.revocation_reason)
                    for c in self.certificates.order_by("-issued_on")
                ],
            ),
            (
                "培训与考试",
                ["培训名称", "日期", "学时", "考试成绩", "考试结果"],
                [
                    (t.title, t.held_on, t.hours, t.exam_score, {True: "合格", False: "不合格"}.get(t.passed, "未考试"))
                    for t in self.trainings.order_by("-held_on")
                ],
            ),
        ]


class Certificate(LedgerModel):
    """An enforcement (执法证) or supervision (监督证) certificate: valid from issue to expiry unless revoked."""

    dated_by = ENTERED  # a register: checked on the day a row is entered

    officer = models.ForeignKey(Officer, models.PROTECT, related_name="certificates", verbose_name="持证人")
    kind = models.CharField(
        "证件类型", max_length=16, choices=CertificateKind.choices, default=CertificateKind.ENFORCEMENT
    )
    number = models.CharField("证件编号", max_length=40, unique=True)
    issued_on = models.DateField("发证日期")
    expires_on = models.DateField("有效期至")
    revoked_on = models.DateField("注销日期", null=True, blank=True, editable=False)
    revocation_reason = models.CharField("注销原因", max_length=500, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "执法证件"
        indexes = [
            models.Index(fields=["officer", "kind", "issued_on"]),
            models.Index(fields=["unit", "issued_on"]),
            models.Index(fields=["unit", "revoked_on"]),
        ]

    def __str__(self):
        return f"{self.number}"

    def clean(self):
        errors = {}
        if self.issued_on and self.expires_on and self.expires_on <= self.issued_on:
            errors["expires_on"] = ValidationError("有效期至必须晚于发证日期")
        if self.officer_id and self.unit_id and self.officer.unit_id != self.unit_id:
            errors["officer"] = ValidationError("证件所属单位必须与持证人的单位一致")
        if errors:
            raise ValidationError(errors)

    def valid_on(self, day: dt.date) -> bool:
        return certificate_valid_on(self.issued_on, self.expires_on, self.revoked_on, day)


def valid_certificates(day: dt.date, kind: str = CertificateKind.ENFORCEMENT, until: dt.date | None = None):
    """Certificates (in use, not in the recycle bin) valid on `day`, and still on `until` when given."""
    return Certificate.objects.filter(valid_certificate_q(day, until), kind=kind)


def certified_officer_ids(officer_ids, day: dt.date, until: dt.date | None = None) -> set[int]:
    """Which of these officers hold a valid 执法证 on `day` (through `until`) and are in post."""
    return set(
        valid_certificates(day, until=until)
        .filter(officer_id__in=list(officer_ids), officer__is_active=True, officer__deleted_at__isnull=True)
        .values_list("officer_id", flat=True)
    )


class Training(models.Model):
    """A training an officer attended, with the exam result where there was one."""

    officer = models.ForeignKey(Officer, models.CASCADE, related_name="trainings", verbose_name="执法人员")
    title = models.CharField("培训名称", max_length=200)
    held_on = models.DateField("培训日期")
    hours = models.DecimalField("学时", max_digits=5, decimal_places=1, validators=[MinValueValidator(0)])
    exam_score = models.DecimalField(
        "考试成绩",
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    passed = models.BooleanField("考试合格", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "培训与考试"


class Matter(LedgerModel):
    """An item of the 权责清单: what a body may do, on what legal basis, and whether a decision is 重大."""

    code = models.CharField("事项编码", max_length=64, unique=True)
    name = models.CharField("事项名称", max_length=200)
    matter_type = models.CharField("事项类型", max_length=16, choices=MatterType.choices, db_index=True)
    body = models.ForeignKey(EnforcementBody, models.PROTECT, related_name="matters", verbose_name="实施主体")
    legal_basis = models.TextField("法律依据")
    is_major = models.BooleanField("重大执法决定（须法制审核）", default=False)
    fine_min = models.DecimalField(
        "法定罚款下限（元）", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    fine_max = models.DecimalField(
        "法定罚款上限（元）", max_digits=14, decimal_places=2, null=True, blank=True, validators=[MinValueValidator(0)]
    )
    is_active = models.BooleanField("在用", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "执法事项（权责清单）"

    # What __str__ reads: a list page of another ledger loads only these of a related row (core.views.list_fields).
    label_fields = ("name", "code")

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def clean(self):
        errors = {}
        if not (self.legal_basis or "").strip():
            errors["legal_basis"] = ValidationError("执法事项必须载明法律依据")
        if self.fine_min is not None and self.fine_max is not None and self.fine_min > self.fine_max:
            errors["fine_max"] = ValidationError("罚款上限不能低于下限")
        if self.body_id and self.unit_id and self.body.unit_id != self.unit_id:
            errors["body"] = ValidationError("事项所属单位必须与实施主体的单位一致")
        if errors:
            raise ValidationError(errors)

    def detail_sections(self):
        return [
            (
                "裁量基准",
                ["档次", "适用情形", "罚款下限（元）", "罚款上限（元）"],
                [
                    (s.get_grade_display(), s.circumstances, s.fine_min, s.fine_max)
                    for s in self.standards.order_by("fine_min")
                ],
            ),
        ]


class DiscretionStandard(models.Model):
    """One grade of a matter's 裁量基准: the circumstances and the range of the fine."""

    matter = models.ForeignKey(Matter, models.CASCADE, related_name="standards", verbose_name="执法事项")
    grade = models.CharField("档次", max_length=16, choices=DiscretionGrade.choices)
    circumstances = models.TextField("适用情形")
    fine_min = models.DecimalField("罚款下限（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])
    fine_max = models.DecimalField("罚款上限（元）", max_digits=14, decimal_places=2, validators=[MinValueValidator(0)])

    class Meta:
        verbose_name = verbose_name_plural = "裁量基准"
        constraints = [models.UniqueConstraint(fields=["matter", "grade"], name="discretion_one_per_grade")]

    def __str__(self):
        return f"{self.get_grade_display()}：{self.fine_min}—{self.fine_max}元"


class Case(LedgerModel):
    """An enforcement case (行政执法案件) from 立案 to 结案. Workflow fields are set by the workflow steps, not by
    forms; derived ones (limits, on-time flags) by `deadlines.derive_case` on every save."""

    number = models.CharField("案件编号", max_length=64, unique=True)
    matter = models.ForeignKey(Matter, models.PROTECT, related_name="cases", verbose_name="执法事项")
    party_type = models.CharField("当事人类型", max_length=10, choices=PartyType.choices)
    party_name = models.CharField("当事人", max_length=200)
    party_id_number = models.CharField(
        "当事人证件号码", max_length=18, help_text="自然人填身份证号，法人或其他组织填统一社会信用代码"
    )
    officers = models.ManyToManyField(Officer, related_name="cases", verbose_name="执法人员")
    opened_on = models.DateField("立案日期")
    facts = models.TextField("案情摘要", blank=True)
    is_major = models.BooleanField("重大执法决定", default=False, help_text="事项列为重大的，自动标记并须经法制审核")
    status = models.CharField(
        "状态", max_length=16, choices=CaseStatus.choices, default=CaseStatus.OPEN, editable=False
    )
    due_on = models.DateField("办案期限", null=True, blank=True, editable=False)
    personal_fields = ("party_id_number",)  # masked for roles that do not handle the record (fazhi.privacy)
    extended_on = models.DateField("延期批准日期", null=True, blank=True, editable=False)
    extension_reason = models.CharField("延期理由", max_length=500, blank=True, editable=False)
    legal_review_passed_on = models.DateField("法制审核通过日期", null=True, blank=True, editable=False)
    decided_on = models.DateField("决定日期", null=True, blank=True, editable=False)
    outcome = models.CharField("处理决定", max_length=16, choices=Outcome.choices, blank=True, editable=False)
    fine_amount = models.DecimalField(
        "罚款金额（元）", max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    confiscation_amount = models.DecimalField(
        "没收金额（元）", max_digits=14, decimal_places=2, null=True, blank=True, editable=False
    )
    discretion_grade = models.CharField(
        "适用裁量档次", max_length=16, choices=DiscretionGrade.choices, blank=True, editable=False
    )
    deviation_reason = models.TextField("超出裁量基准的理由", blank=True, editable=False)
    decided_late = models.BooleanField("超期作出决定", null=True, editable=False)
    publicity_due_on = models.DateField("公示期限", null=True, blank=True, editable=False)
    published_on = models.DateField("公示日期", null=True, blank=True, editable=False)
    published_on_time = models.BooleanField("按时公示", null=True, editable=False)
    closed_on = models.DateField("结案日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政执法案件"
        indexes = [
            models.Index(fields=["unit", "opened_on"]),
            models.Index(fields=["unit", "decided_on"]),
            models.Index(fields=["opened_on", "id"]),
            models.Index(fields=["publicity_due_on"]),
        ]

    def __str__(self):
        return self.number

    def clean(self):
        errors = {}
        if self.pk and self.status != CaseStatus.OPEN:
            raise ValidationError("案件已作出决定，立案信息不能再修改")
        if self.party_type and self.party_id_number:
            self.party_id_number = self.party_id_number.strip().upper()
            try:
                validate_party_id(self.party_type, self.party_id_number)
            except ValidationError as error:
                errors["party_id_number"] = error
        if self.matter_id:
            if self.unit_id and self.matter.unit_id != self.unit_id:
                errors["matter"] = ValidationError("案件所属单位必须与执法事项的实施单位一致")
            if self.matter.is_major:
                self.is_major = True
            if self.extended_on and self.matter.matter_type != MatterType.PENALTY:
                errors["matter"] = ValidationError("办案期限已延长的案件，执法事项只能是行政处罚事项")
        if self.opened_on:
            # 立案 information edited while the case is open may not move 立案 after a step already taken.
            for name in ("extended_on", "legal_review_passed_on"):
                taken = getattr(self, name)
                if taken and taken < self.opened_on:
                    label = self._meta.get_field(name).verbose_name
                    errors["opened_on"] = ValidationError(f"立案日期不能晚于已记录的{label}（{taken:%Y年%m月%d日}）")
        if errors:
            raise ValidationError(errors)

    def refresh_derived(self) -> None:
        """Recompute the 重大 flag, the handling and 公示 limits and the on-time flags from this row and its matter."""
        if self.matter_id:
            derive_case(self, self.matter.matter_type, self.matter.is_major)

    def save(self, *args, **kwargs):
        self.refresh_derived()
        super().save(*args, **kwargs)

    @property
    def is_penalty_matter(self) -> bool:
        return self.matter.matter_type == MatterType.PENALTY

    def detail_sections(self):
        officers = list(self.officers.order_by("name"))
        certified = certified_officer_ids([o.pk for o in officers], self.opened_on) if self.opened_on else set()
        return [
            (
                "执法人员",
                ["姓名", "执法类别", "立案日持有效执法证"],
                [(o.name, o.law_category, "是" if o.pk in certified else "否") for o in officers],
            ),
            (
                "全过程记录",
                ["类型", "名称", "日期", "记录人", "SHA-256", "存储位置"],
                [
                    (r.get_kind_display(), r.title, r.recorded_on, r.officer, r.sha256, r.reference)
                    for r in self.records.select_related("officer").order_by("recorded_on", "id")
                ],
            ),
            (
                "法制审核",
                ["审核日期", "审核人员", "结果", "意见"],
                [
                    (r.reviewed_on, r.reviewer, r.get_result_display(), r.opinion)
                    for r in self.reviews.select_related("reviewer").order_by("reviewed_on", "id")
                ],
            ),
            (
                "案卷评查",
                ["评查日期", "评查人", "得分", "等次", "发现的问题"],
                [
                    (r.reviewed_on, r.reviewer, r.score, r.get_grade_display(), r.findings)
                    for r in self.file_reviews.order_by("reviewed_on", "id")
                ],
            ),
        ]


class CaseRecord(models.Model):
    """An entry of the 全过程记录: a document, audio or video record, referenced by its SHA-256 hash."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="records", verbose_name="案件")
    kind = models.CharField("记录类型", max_length=16, choices=RecordKind.choices)
    title = models.CharField("名称", max_length=200)
    recorded_on = models.DateField("记录日期")
    officer = models.ForeignKey(Officer, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="记录人")
    sha256 = models.CharField("SHA-256", max_length=64, validators=[validate_sha256])
    reference = models.CharField("存储位置", max_length=500, blank=True, help_text="音视频或文书在存储系统中的位置")
    size_bytes = models.BigIntegerField("文件大小（字节）", null=True, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "全过程记录"
        constraints = [models.UniqueConstraint(fields=["case", "sha256"], name="case_record_unique_hash")]


class LegalReview(models.Model):
    """A 法制审核 of a case's proposed decision."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="reviews", verbose_name="案件")
    reviewer = models.ForeignKey(Officer, models.PROTECT, related_name="+", verbose_name="审核人员")
    reviewed_on = models.DateField("审核日期")
    result = models.CharField("审核结果", max_length=16, choices=ReviewResult.choices)
    opinion = models.TextField("审核意见", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "法制审核"


class CaseFileReview(models.Model):
    """A 案卷评查 of a closed case file, with its score."""

    case = models.ForeignKey(Case, models.CASCADE, related_name="file_reviews", verbose_name="案件")
    reviewed_on = models.DateField("评查日期")
    reviewer = models.CharField("评查人员", max_length=100)
    score = models.DecimalField(
        "得分", max_digits=5, decimal_places=1, validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    grade = models.CharField("等次", max_length=16, choices=FileGrade.choices)
    findings = models.TextField("发现的问题", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "案卷评查"
        indexes = [models.Index(fields=["reviewed_on"])]
