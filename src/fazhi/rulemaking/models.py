"""Models of 制度建设与依法决策: 行政规范性文件 from drafting to clean-up, 重大行政决策 with their five procedures,
public consultations, 合法性审查 of other matters, 法律顾问 and 立法项目.

Workflow fields (review, deliberation, publication, filing …) are not editable in forms or the API: they are
set only by the app's workflow steps, which refuse illegal moves with the law they break. Derived values
(备案期限, 按时备案, 审查用时) come from the pure functions in deadlines.py, which `save()` calls.
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import timezone

from fazhi.core.models import ENTERED, LedgerModel
from fazhi.org.scope import ScopedQuerySet

from .choices import (
    ADOPTING_OUTCOMES,
    AdviserKind,
    CleanupKind,
    CleanupOutcomeKind,
    DecisionCategory,
    DecisionStatus,
    DiscussionOutcome,
    DocumentStatus,
    EvaluationConclusion,
    EvaluationKind,
    LegislationKind,
    LegislationStage,
    ReviewAdoption,
    ReviewConclusion,
    ReviewerKind,
    ReviewStatus,
    ReviewSubject,
    RiskLevel,
)
from .deadlines import check_comment_period, derive_document, derive_review


def in_force_q(day: dt.date, prefix: str = "") -> Q:
    """Documents in force on `day`: published, effective, within validity and not repealed or invalidated."""
    return Q(
        **{
            f"{prefix}status": DocumentStatus.PUBLISHED,
            f"{prefix}effective_from__lte": day,
            f"{prefix}valid_until__gte": day,
        }
    )


class NormativeDocument(LedgerModel):
    """A 行政规范性文件. `unit` is the issuing body (制定机关); the lifecycle is kept by the workflow steps."""

    title = models.CharField("文件名称", max_length=200)
    drafted_by = models.CharField("起草科室（单位）", max_length=100, blank=True)
    body = models.TextField("正文", blank=True)
    provisional = models.BooleanField(
        "暂行或试行", default=False, help_text="名称冠以“暂行”“试行”的文件，有效期上限较短"
    )
    affects_market = models.BooleanField(
        "与市场主体生产经营活动密切相关", default=False, help_text="此类文件除依法需要保密外，应当向社会公开征求意见"
    )
    consultation_exempt_reason = models.TextField("不公开征求意见的理由", blank=True, help_text="依法需要保密等情形")
    filing_required = models.BooleanField("须报送备案", default=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=DocumentStatus.choices,
        default=DocumentStatus.DRAFTING,
        editable=False,
        db_index=True,
    )
    # 合法性审核
    review_submitted_on = models.DateField("送审日期", null=True, blank=True, editable=False)
    reviewer = models.CharField("审核机构（人员）", max_length=100, blank=True, editable=False)
    review_opinion = models.TextField("审核意见", blank=True, editable=False)
    review_passed = models.BooleanField("审核通过", null=True, editable=False)
    reviewed_on = models.DateField("审核完成日期", null=True, blank=True, editable=False)
    # 集体审议
    deliberated_on = models.DateField("集体审议日期", null=True, blank=True, editable=False)
    meeting = models.CharField("审议会议", max_length=200, blank=True, editable=False)
    # 公布
    number = models.CharField("文号", max_length=60, blank=True, editable=False)
    published_on = models.DateField("公布日期", null=True, blank=True, editable=False)
    effective_from = models.DateField("施行日期", null=True, blank=True, editable=False)
    valid_until = models.DateField("有效期至", null=True, blank=True, editable=False)
    # 备案
    filing_due_on = models.DateField("备案期限", null=True, blank=True, editable=False)
    filing_body = models.CharField("备案机关", max_length=100, blank=True, editable=False)
    filed_on = models.DateField("报送备案日期", null=True, blank=True, editable=False)
    filed_on_time = models.BooleanField(
        "按时备案", null=True, editable=False, help_text="报送备案日期不晚于备案期限；未报送的为空"
    )
    # 评估
    evaluation_due_on = models.DateField("届满前评估提示日期", null=True, blank=True, editable=False)
    evaluated_on = models.DateField("评估日期", null=True, blank=True, editable=False)
    evaluation_kind = models.CharField(
        "评估类型", max_length=10, choices=EvaluationKind.choices, blank=True, editable=False
    )
    evaluation_conclusion = models.CharField(
        "评估结论", max_length=10, choices=EvaluationConclusion.choices, blank=True, editable=False
    )
    evaluation_report = models.TextField("评估情况", blank=True, editable=False)
    # 废止、宣布失效
    ended_on = models.DateField("废止（失效）日期", null=True, blank=True, editable=False)
    end_reason = models.TextField("废止（失效）理由", blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "行政规范性文件"
        constraints = [
            models.UniqueConstraint(
                fields=["number"], condition=~Q(number=""), name="normative_document_number_unique"
            ),
        ]
        indexes = [
            models.Index(fields=["unit", "published_on"], name="normative_unit_published"),
            models.Index(fields=["status", "valid_until"], name="normative_status_valid"),
        ]

    def __str__(self):
        return f"{self.title}（{self.number}）" if self.number else self.title

    LOCKED_AFTER_PUBLICATION = ("title", "body", "provisional", "filing_required", "unit")

    def clean(self):
        # A published document is amended by issuing a new one, never by editing the text the public relies on.
        if self.pk and self.published_on:
            columns = {self._meta.get_field(name).attname: name for name in self.LOCKED_AFTER_PUBLICATION}
            stored = NormativeDocument.all_objects.filter(pk=self.pk).values(*columns).first() or {}
            changed = [
                name for column, name in columns.items() if column in stored and stored[column] != getattr(self, column)
            ]
            if changed:
                raise ValidationError(
                    dict.fromkeys(changed, "文件已公布，不能修改；需要修改的，应当按程序制发修改文件")
                )

    def save(self, *args, **kwargs):
        derive_document(self)
        super().save(*args, **kwargs)

    def is_in_force(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.status == DocumentStatus.PUBLISHED
            and self.effective_from is not None
            and self.effective_from <= day <= self.valid_until
        )

    def filing_overdue(self, day: dt.date | None = None) -> bool:
        """Filed after the deadline, or still unfiled past it."""
        if not self.filing_required or self.filing_due_on is None:
            return False
        if self.filed_on:
            return self.filed_on > self.filing_due_on
        return (day or timezone.localdate()) > self.filing_due_on

    def needs_expiry_evaluation(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return (
            self.is_in_force(day)
            and self.evaluation_due_on is not None
            and day >= self.evaluation_due_on
            and self.evaluated_on is None
        )

    def detail_sections(self):
        return [
            (
                "征求意见",
                ["标题", "起止日期", "收到意见", "采纳情况反馈"],
                [
                    (
                        c.title,
                        f"{c.starts_on:%Y-%m-%d}至{c.ends_on:%Y-%m-%d}",
                        c.comments.count(),
                        c.feedback_published_on or "未反馈",
                    )
                    for c in self.consultations.all()
                ],
            ),
            (
                "清理结论",
                ["清理活动", "结论", "理由", "日期"],
                [
                    (item.campaign.title, item.get_outcome_display() or "待定", item.reason, item.decided_on)
                    for item in self.cleanup_items.select_related("campaign")
                ],
            ),
        ]


class DecisionCatalogue(LedgerModel):
    """The yearly 重大行政决策事项目录 of a deciding body, published after the Party committee agrees."""

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("目录名称", max_length=200)
    note = models.TextField("说明", blank=True)
    party_approved_on = models.DateField("同级党委同意日期", null=True, blank=True, editable=False)
    published_on = models.DateField("公布日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "重大行政决策事项目录"
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "year"], condition=Q(deleted_at__isnull=True), name="decision_catalogue_one_per_year"
            ),
        ]

    def __str__(self):
        return self.title

    def detail_sections(self):
        return [
            (
                "决策事项",
                ["事项", "承办单位", "状态"],
                [(d.title, d.sponsor, d.get_status_display()) for d in self.decisions.all()],
            )
        ]


class MajorDecision(LedgerModel):
    """A 重大行政决策 of the deciding body `unit`, with its five procedures (重大行政决策程序暂行条例)."""

    catalogue = models.ForeignKey(DecisionCatalogue, models.PROTECT, related_name="decisions", verbose_name="所属目录")
    title = models.CharField("决策事项", max_length=200)
    category = models.CharField("事项类别", max_length=20, choices=DecisionCategory.choices)
    sponsor = models.CharField("决策承办单位", max_length=100)
    proposed_by = models.CharField("决策建议提出人（单位）", max_length=100)
    proposed_on = models.DateField("启动（立项）日期")
    description = models.TextField("决策草案要点", blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=DecisionStatus.choices,
        default=DecisionStatus.PLANNED,
        editable=False,
        db_index=True,
    )
    # 公众参与
    participation_exempt_reason = models.TextField("不公开征求意见的理由", blank=True, editable=False)
    participation_completed_on = models.DateField(
        "公众参与完成日期", null=True, blank=True, editable=False, help_text="意见采纳情况反馈公布之日"
    )
    # 专家论证
    expert_review_on = models.DateField("专家论证日期", null=True, blank=True, editable=False)
    expert_names = models.CharField("论证专家", max_length=300, blank=True, editable=False)
    expert_opinion = models.TextField("专家论证意见", blank=True, editable=False)
    expert_exempt_reason = models.TextField("不进行专家论证的理由", blank=True, editable=False)
    # 风险评估
    risk_assessed_on = models.DateField("风险评估日期", null=True, blank=True, editable=False)
    risk_level = models.CharField("风险等级", max_length=10, choices=RiskLevel.choices, blank=True, editable=False)
    risk_summary = models.TextField("风险评估结论", blank=True, editable=False)
    risk_exempt_reason = models.TextField("不进行风险评估的理由", blank=True, editable=False)
    # 合法性审查
    legality_submitted_on = models.DateField("合法性审查送审日期", null=True, blank=True, editable=False)
    legality_reviewer = models.CharField("合法性审查机构（人员）", max_length=100, blank=True, editable=False)
    legality_opinion = models.TextField("合法性审查意见", blank=True, editable=False)
    legality_passed = models.BooleanField("合法性审查通过", null=True, editable=False)
    legality_reviewed_on = models.DateField("合法性审查完成日期", null=True, blank=True, editable=False)
    legality_short_reason = models.TextField("审查时间较短的理由", blank=True, editable=False)
    # 集体讨论决定
    discussed_on = models.DateField("集体讨论日期", null=True, blank=True, editable=False)
    meeting = models.CharField("讨论会议", max_length=200, blank=True, editable=False)
    decided_by = models.CharField("作出决定的行政首长", max_length=50, blank=True, editable=False)
    attendees = models.TextField("出席人员", blank=True, editable=False)
    discussion_outcome = models.CharField(
        "讨论结果", max_length=16, choices=DiscussionOutcome.choices, blank=True, editable=False
    )
    # 公布、后评估
    published_on = models.DateField("决策公布日期", null=True, blank=True, editable=False)
    publication_channel = models.CharField("公布渠道", max_length=200, blank=True, editable=False)
    evaluated_on = models.DateField("决策后评估日期", null=True, blank=True, editable=False)
    evaluator = models.CharField("评估机构", max_length=100, blank=True, editable=False)
    evaluation_summary = models.TextField("后评估结论", blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "重大行政决策"
        indexes = [models.Index(fields=["unit", "discussed_on"], name="decision_unit_discussed")]

    def __str__(self):
        return self.title

    STEP_DATES = (
        ("expert_review_on", "专家论证日期"),
        ("risk_assessed_on", "风险评估日期"),
        ("legality_submitted_on", "合法性审查送审日期"),
        ("discussed_on", "集体讨论日期"),
    )

    def clean(self):
        errors = {}
        if self.catalogue_id and self.unit_id and self.catalogue.unit_id != self.unit_id:
            errors["catalogue"] = ValidationError("决策事项只能列入本决策机关的事项目录")
        # The steps date every procedure from the start; an edited start may not come after one already done.
        if self.proposed_on:
            for name, label in self.STEP_DATES:
                day = getattr(self, name)
                if day is not None and day < self.proposed_on:
                    errors["proposed_on"] = ValidationError(f"启动（立项）日期不能晚于{label}（{day:%Y-%m-%d}）")
                    break
        if errors:
            raise ValidationError(errors)

    PROCEDURES = (
        ("公众参与", "participation_completed_on", "participation_exempt_reason"),
        ("专家论证", "expert_review_on", "expert_exempt_reason"),
        ("风险评估", "risk_assessed_on", "risk_exempt_reason"),
    )

    def missing_procedures(self) -> list[str]:
        """The procedures the law requires only in some cases that are neither done nor lawfully not applicable
        (with the reason recorded): a decision draft goes to collective discussion only when this is empty."""
        return [
            label
            for label, done, exempt in self.PROCEDURES
            if getattr(self, done) is None and not getattr(self, exempt).strip()
        ]

    # The five procedures: each is done, lawfully not applicable (with the reason recorded), or pending.
    def procedures(self):
        consultation = self.consultations.order_by("-starts_on").first()
        participation = (
            (
                "已完成",
                self.participation_completed_on,
                f"公开征求意见{consultation.starts_on:%Y-%m-%d}至{consultation.ends_on:%Y-%m-%d}，收到意见{consultation.comments.count()}条"
                if consultation
                else "",
            )
            if self.participation_completed_on
            else ("不适用", None, self.participation_exempt_reason)
            if self.participation_exempt_reason
            else ("进行中", None, f"征求意见至{consultation.ends_on:%Y-%m-%d}")
            if consultation
            else ("未开展", None, "")
        )
        expert = (
            ("已完成", self.expert_review_on, f"{self.expert_names}：{self.expert_opinion}")
            if self.expert_review_on
            else ("不适用", None, self.expert_exempt_reason)
            if self.expert_exempt_reason
            else ("未开展", None, "")
        )
        risk = (
            ("已完成", self.risk_assessed_on, f"{self.get_risk_level_display()}：{self.risk_summary}")
            if self.risk_assessed_on
            else ("不适用", None, self.risk_exempt_reason)
            if self.risk_exempt_reason
            else ("未开展", None, "")
        )
        legality = (
            (
                "通过" if self.legality_passed else "未通过",
                self.legality_reviewed_on,
                f"{self.legality_reviewer}：{self.legality_opinion}",
            )
            if self.legality_reviewed_on
            else ("审查中", self.legality_submitted_on, "")
            if self.legality_submitted_on
            else ("未送审", None, "")
        )
        discussion = (
            (self.get_discussion_outcome_display(), self.discussed_on, f"{self.meeting}，{self.decided_by}决定")
            if self.discussed_on
            else ("未讨论", None, "")
        )
        return [
            ("公众参与", *participation),
            ("专家论证", *expert),
            ("风险评估", *risk),
            ("合法性审查", *legality),
            ("集体讨论决定", *discussion),
        ]

    @property
    def full_procedure(self) -> bool:
        return bool(
            not self.missing_procedures() and self.legality_passed and self.discussion_outcome in ADOPTING_OUTCOMES
        )

    def accountability_record(self):
        """Who proposed, reviewed, decided and published, with dates: the record 终身责任追究 relies on.

        Taken from the procedure fields and, for who entered each step, from the change history."""
        entered_by = {}
        for record in self.history.select_related("history_user").order_by("history_date"):
            for field in ("proposed_on", "legality_reviewed_on", "discussed_on", "published_on", "evaluated_on"):
                if getattr(record, field) and field not in entered_by:
                    entered_by[field] = (
                        str(record.history_user) if record.history_user else "系统",
                        record.history_date,
                    )
        rows = []

        def add(role, who, day, field):
            if day:
                user, when = entered_by.get(field, ("", None))
                rows.append((role, who, day, user, timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""))

        add("决策启动（提出）", f"{self.proposed_by}（承办：{self.sponsor}）", self.proposed_on, "proposed_on")
        add(
            "合法性审查",
            f"{self.legality_reviewer}（{'通过' if self.legality_passed else '未通过'}）",
            self.legality_reviewed_on,
            "legality_reviewed_on",
        )
        add(
            "集体讨论决定",
            f"{self.meeting}；决定人：{self.decided_by}；出席：{self.attendees}",
            self.discussed_on,
            "discussed_on",
        )
        add("决策公布", self.publication_channel, self.published_on, "published_on")
        add("决策后评估", self.evaluator, self.evaluated_on, "evaluated_on")
        return rows

    def detail_sections(self):
        return [
            ("五项法定程序", ["程序", "状态", "日期", "依据与材料"], self.procedures()),
            (
                "终身责任追究记录",
                ["环节", "责任主体（人员）", "日期", "录入人", "录入时间"],
                self.accountability_record(),
            ),
        ]


class Consultation(LedgerModel):
    """A public comment period on a draft normative document or a draft major decision."""

    document = models.ForeignKey(
        NormativeDocument,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
        verbose_name="规范性文件",
    )
    decision = models.ForeignKey(
        MajorDecision, models.PROTECT, null=True, blank=True, related_name="consultations", verbose_name="重大行政决策"
    )
    title = models.CharField("征求意见标题", max_length=200)
    draft_text = models.TextField("征求意见稿")
    explanation = models.TextField("起草说明", blank=True)
    starts_on = models.DateField("开始日期")
    ends_on = models.DateField("截止日期")
    short_reason = models.TextField("期限少于规定期限的理由", blank=True)
    feedback = models.TextField("意见采纳情况", blank=True, editable=False)
    feedback_published_on = models.DateField("采纳情况公布日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "公开征求意见"
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="consultation_period")]
        constraints = [
            models.CheckConstraint(
                condition=Q(document__isnull=False, decision__isnull=True)
                | Q(document__isnull=True, decision__isnull=False),
                name="consultation_one_subject",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def subject(self):
        return self.document or self.decision

    def minimum_code(self) -> str | None:
        """The parameter setting the minimum period, or None where no minimum applies."""
        if self.decision_id:
            return "decision.public_comment_min"
        if self.document_id and self.document.affects_market:
            return "normative.public_comment_min"
        return None

    def is_open(self, day: dt.date | None = None) -> bool:
        day = day or timezone.localdate()
        return self.starts_on <= day <= self.ends_on

    def clean(self):
        errors = {}
        adding = self._state.adding
        if bool(self.document_id) == bool(self.decision_id):
            errors["document"] = ValidationError("须且只能选择一项征求意见的规范性文件或重大行政决策")
        elif self.unit_id and self.subject.unit_id != self.unit_id:
            errors["unit"] = ValidationError("征求意见的单位须与文件或决策的单位一致")
        elif (
            adding
            and self.document_id
            and self.document.status not in (DocumentStatus.DRAFTING, DocumentStatus.REVIEW_FAILED)
        ):
            errors["document"] = ValidationError(
                f"文件状态为“{self.document.get_status_display()}”，不能再公开征求意见"
            )
        elif adding and self.decision_id and self.decision.status != DecisionStatus.PLANNED:
            errors["decision"] = ValidationError(
                f"决策状态为“{self.decision.get_status_display()}”，决策前程序已经结束"
            )
        elif adding and self.decision_id and self.decision.participation_exempt_reason.strip():
            errors["decision"] = ValidationError("该决策已载明不公开征求意见的理由")
        elif adding and self.starts_on and self.subject.consultations.filter(ends_on__gte=self.starts_on).exists():
            errors["starts_on"] = ValidationError("已有尚未结束的征求意见，不能重复发起")
        if self.starts_on and self.ends_on:
            if self.ends_on < self.starts_on:
                errors["ends_on"] = ValidationError("截止日期不能早于开始日期")
            elif self.feedback_published_on and self.ends_on >= self.feedback_published_on:
                errors["ends_on"] = ValidationError(
                    f"意见采纳情况已于{self.feedback_published_on:%Y-%m-%d}公布，截止日期须早于该日"
                )
            elif not errors:
                try:
                    check_comment_period(self)
                except ValidationError as error:
                    errors["ends_on"] = error
        if errors:
            raise ValidationError(errors)

    def detail_sections(self):
        return [
            (
                "收到的意见",
                ["提交时间", "姓名", "联系方式", "意见", "是否采纳", "答复"],
                [
                    (
                        timezone.localtime(c.submitted_at).strftime("%Y-%m-%d %H:%M"),
                        c.name,
                        c.contact,
                        c.content,
                        {True: "采纳", False: "未采纳", None: "待处理"}[c.adopted],
                        c.reply,
                    )
                    for c in self.comments.order_by("submitted_at", "id")
                ],
            )
        ]


class CommentQuerySet(ScopedQuerySet):
    unit_lookup = "consultation__unit"


class PublicComment(models.Model):
    """An opinion a member of the public submitted on the portal. The client address is kept only as a keyed hash."""

    consultation = models.ForeignKey(Consultation, models.PROTECT, related_name="comments", verbose_name="征求意见")
    submitted_at = models.DateTimeField("提交时间", default=timezone.now)
    name = models.CharField("姓名（可选）", max_length=50, blank=True)
    contact = models.CharField("联系方式（可选）", max_length=100, blank=True)
    content = models.TextField("意见内容")
    client_hash = models.CharField("来源标识", max_length=64, blank=True)
    adopted = models.BooleanField("是否采纳", null=True)
    reply = models.TextField("答复", blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "公众意见"

    def __str__(self):
        return f"{self.consultation}：{self.content[:20]}"


class CleanupCampaign(LedgerModel):
    """A 清理 of the normative documents of a unit's subtree: every document gets an outcome with a reason."""

    title = models.CharField("清理名称", max_length=200)
    kind = models.CharField("清理类型", max_length=10, choices=CleanupKind.choices, default=CleanupKind.SPECIAL)
    started_on = models.DateField("开始日期")
    note = models.TextField("清理依据和范围", blank=True)
    completed_on = models.DateField("完成日期", null=True, blank=True, editable=False)
    published_on = models.DateField("结果公布日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "规范性文件清理"

    def __str__(self):
        return self.title

    def clean(self):
        # Outcomes and completion are dated from the start; an edited start may not come after them.
        if self.pk and self.started_on:
            earliest = (
                self.items.filter(decided_on__isnull=False)
                .order_by("decided_on")
                .values_list("decided_on", flat=True)
                .first()
            )
            for day, label in ((earliest, "最早的清理结论日期"), (self.completed_on, "完成日期")):
                if day is not None and day < self.started_on:
                    raise ValidationError({"started_on": f"开始日期不能晚于{label}（{day:%Y-%m-%d}）"})

    def detail_sections(self):
        items = self.items.select_related("document").order_by("document__number", "id")
        return [
            (
                "清理文件",
                ["文件", "文号", "结论", "理由", "日期"],
                [
                    (i.document.title, i.document.number, i.get_outcome_display() or "待定", i.reason, i.decided_on)
                    for i in items
                ],
            )
        ]


class CleanupItem(models.Model):
    campaign = models.ForeignKey(CleanupCampaign, models.PROTECT, related_name="items", verbose_name="清理活动")
    document = models.ForeignKey(NormativeDocument, models.PROTECT, related_name="cleanup_items", verbose_name="文件")
    outcome = models.CharField("清理结论", max_length=12, choices=CleanupOutcomeKind.choices, blank=True)
    reason = models.TextField("理由", blank=True)
    decided_on = models.DateField("结论日期", null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "清理结论"
        constraints = [models.UniqueConstraint(fields=["campaign", "document"], name="cleanup_item_once")]

    def __str__(self):
        return f"{self.document}：{self.get_outcome_display() or '待定'}"


class LegalAdviser(LedgerModel):
    """A 法律顾问 or 公职律师 engaged by `unit`, serving the listed units during the contract period."""

    dated_by = ENTERED  # a register: checked on the day a row is entered

    name = models.CharField("姓名（名称）", max_length=100)
    kind = models.CharField("类型", max_length=16, choices=AdviserKind.choices)
    firm = models.CharField("执业机构", max_length=100, blank=True)
    license_number = models.CharField("执业证号", max_length=40, blank=True)
    units_served = models.ManyToManyField("org.Unit", related_name="+", verbose_name="服务单位", blank=True)
    contract_start = models.DateField("聘期开始")
    contract_end = models.DateField("聘期结束")

    class Meta:
        verbose_name = verbose_name_plural = "法律顾问"

    def __str__(self):
        return f"{self.name}（{self.get_kind_display()}）"

    def clean(self):
        errors = {}
        if self.contract_start and self.contract_end and self.contract_end < self.contract_start:
            errors["contract_end"] = ValidationError("聘期结束日期不能早于开始日期")
        if self.kind in (AdviserKind.LAWYER, AdviserKind.PUBLIC_LAWYER) and not self.license_number.strip():
            errors["license_number"] = ValidationError("律师须填写执业证号")
        if errors:
            raise ValidationError(errors)

    def serves(self, unit) -> bool:
        return self.unit_id == unit.pk or self.units_served.filter(pk=unit.pk).exists()

    def under_contract(self, day: dt.date) -> bool:
        return self.contract_start <= day <= self.contract_end

    def detail_sections(self):
        return [
            ("服务单位", ["单位"], [(u.name,) for u in self.units_served.all()]),
            (
                "出具的意见",
                ["编号", "事项", "日期", "结论"],
                [
                    (r.number, r.subject, r.opinion_on, r.get_conclusion_display())
                    for r in self.opinions.order_by("-opinion_on")[:50]
                ],
            ),
        ]


class LegalityReview(LedgerModel):
    """合法性审查 of a contract, agreement, plan or other matter: request → opinion → outcome."""

    number = models.CharField("审查编号", max_length=40, unique=True)
    subject_type = models.CharField("事项类型", max_length=12, choices=ReviewSubject.choices)
    subject = models.CharField("送审事项", max_length=200)
    requested_by = models.CharField("送审科室（单位）", max_length=100)
    requested_on = models.DateField("送审日期")
    amount = models.DecimalField("涉及金额（万元）", max_digits=14, decimal_places=2, null=True, blank=True)
    status = models.CharField(
        "状态",
        max_length=16,
        choices=ReviewStatus.choices,
        default=ReviewStatus.REQUESTED,
        editable=False,
        db_index=True,
    )
    reviewer_kind = models.CharField(
        "审查人类型", max_length=16, choices=ReviewerKind.choices, blank=True, editable=False
    )
    adviser = models.ForeignKey(
        LegalAdviser,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="opinions",
        verbose_name="法律顾问",
        editable=False,
    )
    reviewer_name = models.CharField("审查人", max_length=100, blank=True, editable=False)
    opinion = models.TextField("审查意见", blank=True, editable=False)
    conclusion = models.CharField(
        "审查结论", max_length=10, choices=ReviewConclusion.choices, blank=True, editable=False
    )
    opinion_on = models.DateField("出具意见日期", null=True, blank=True, editable=False)
    workdays_taken = models.PositiveSmallIntegerField("审查用时（工作日）", null=True, blank=True, editable=False)
    adoption = models.CharField(
        "意见采纳情况", max_length=12, choices=ReviewAdoption.choices, blank=True, editable=False
    )
    closed_on = models.DateField("办结日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "合法性审查"
        indexes = [models.Index(fields=["unit", "opinion_on"], name="legality_unit_opinion")]

    def __str__(self):
        return f"{self.number} {self.subject}"

    def clean(self):
        if self.requested_on and self.opinion_on and self.requested_on > self.opinion_on:
            raise ValidationError({"requested_on": f"送审日期不能晚于出具意见日期（{self.opinion_on:%Y-%m-%d}）"})

    def save(self, *args, **kwargs):
        derive_review(self)
        super().save(*args, **kwargs)


class LegislationProject(LedgerModel):
    """A 立法项目 (地方性法规 or 政府规章) of the year's legislative plan, drafted or revised."""

    year = models.PositiveSmallIntegerField("计划年度")
    title = models.CharField("项目名称", max_length=200)
    kind = models.CharField("类型", max_length=20, choices=LegislationKind.choices)
    revision = models.BooleanField("修订项目", default=False)
    stage = models.CharField("进度", max_length=12, choices=LegislationStage.choices, default=LegislationStage.PLANNED)
    drafted_on = models.DateField("草案提请审议日期", null=True, blank=True)
    adopted_on = models.DateField("通过公布日期", null=True, blank=True)
    note = models.TextField("说明", blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "立法项目"

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.stage in (LegislationStage.SUBMITTED, LegislationStage.ADOPTED) and not self.drafted_on:
            errors["drafted_on"] = ValidationError("已提请审议的项目须填写提请审议日期")
        if self.stage == LegislationStage.ADOPTED and not self.adopted_on:
            errors["adopted_on"] = ValidationError("已通过的项目须填写通过公布日期")
        if self.drafted_on and self.adopted_on and self.adopted_on < self.drafted_on:
            errors["adopted_on"] = ValidationError("通过日期不能早于提请审议日期")
        if errors:
            raise ValidationError(errors)
