"""Models of 双随机、一公开: the register of entities, the list of inspection matters, yearly plans, tasks, the
append-only draw log, the drawn entities with their inspection teams and results, and declared conflicts (回避)."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from fazhi.core.identifiers import validate_uscc
from fazhi.core.models import LedgerModel, step_user
from fazhi.enforcement.models import Officer
from fazhi.law.params import param, rule
from fazhi.org.scope import ScopedQuerySet

from .choices import RISK_CLASSES, EntityType, Industry, MatterCategory, Result, RiskClass, TaskStatus
from .deadlines import derive_target

PERCENT = [MinValueValidator(0), MaxValueValidator(100)]


class MarketEntity(LedgerModel):
    """An entry of the 检查对象名录库 (市场主体名录库)."""

    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    name = models.CharField("名称", max_length=200)
    entity_type = models.CharField("主体类型", max_length=16, choices=EntityType.choices, default=EntityType.COMPANY)
    industry = models.CharField("行业门类", max_length=1, choices=Industry.choices)
    region = models.ForeignKey("org.Region", models.PROTECT, related_name="+", verbose_name="所在行政区划")
    risk_class = models.CharField("信用风险分类", max_length=1, choices=RiskClass.choices, default=RiskClass.B)
    registered_on = models.DateField("成立日期", null=True, blank=True)
    is_active = models.BooleanField("存续", default=True)

    class Meta:
        verbose_name = verbose_name_plural = "检查对象名录库"

    def __str__(self):
        return f"{self.name}（{self.uscc}）"

    def clean(self):
        if self.uscc:
            self.uscc = self.uscc.strip().upper()
            try:
                validate_uscc(self.uscc)
            except ValidationError as error:
                raise ValidationError({"uscc": error}) from None


class InspectionMatter(LedgerModel):
    """An item of the 随机抽查事项清单: what may be inspected, on what basis, by whom and how."""

    code = models.CharField("事项编码", max_length=64, unique=True)
    name = models.CharField("抽查事项", max_length=200)
    category = models.CharField(
        "事项类别", max_length=16, choices=MatterCategory.choices, default=MatterCategory.GENERAL
    )
    body = models.ForeignKey("enforcement.EnforcementBody", models.PROTECT, related_name="+", verbose_name="抽查主体")
    basis = models.TextField("抽查依据")
    objects_description = models.CharField("抽查对象", max_length=200)
    method = models.CharField("抽查方式", max_length=100, default="现场检查")
    content = models.TextField("检查内容", blank=True)
    enforcement_matter = models.ForeignKey(
        "enforcement.Matter", models.PROTECT, null=True, blank=True, related_name="+", verbose_name="对应权责清单事项"
    )
    published_on = models.DateField("公开日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "随机抽查事项清单"

    def __str__(self):
        return self.name

    def clean(self):
        errors = {}
        if not (self.basis or "").strip():
            errors["basis"] = ValidationError("抽查事项必须载明抽查依据")
        if self.body_id and self.unit_id and self.body.unit_id != self.unit_id:
            errors["body"] = ValidationError("事项所属单位必须与抽查主体的单位一致")
        if errors:
            raise ValidationError(errors)


class InspectionPlan(LedgerModel):
    """A yearly 抽查工作计划, published before the year's tasks."""

    code = models.CharField("计划编号", max_length=64, unique=True)
    year = models.PositiveSmallIntegerField("年度", validators=[MinValueValidator(2015), MaxValueValidator(2100)])
    name = models.CharField("计划名称", max_length=200)
    content = models.TextField("抽查范围、比例和频次")
    published_on = models.DateField("公开日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "年度抽查计划"

    def __str__(self):
        return self.name


def validate_industries(value: str) -> None:
    letters = [part.strip() for part in (value or "").split(",") if part.strip()]
    unknown = [letter for letter in letters if letter not in Industry.values]
    if unknown:
        raise ValidationError(f"行业门类代码有误：{'、'.join(unknown)}（应为 GB/T 4754 门类字母，以英文逗号分隔）")


class InspectionTask(LedgerModel):
    """A random-inspection task: whom to draw (filters, ratios by risk class), for which matters, by which bodies.

    A task with bodies of several departments is a joint task (部门联合抽查): one visit per drawn entity
    covers all of its matters, and each team mixes the departments where it can."""

    code = models.CharField("任务编号", max_length=64, unique=True)
    name = models.CharField("任务名称", max_length=200)
    plan = models.ForeignKey(
        InspectionPlan, models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name="所属年度计划"
    )
    matters = models.ManyToManyField(InspectionMatter, related_name="tasks", verbose_name="抽查事项")
    bodies = models.ManyToManyField("enforcement.EnforcementBody", related_name="+", verbose_name="实施检查的执法主体")
    regions = models.ManyToManyField(
        "org.Region",
        blank=True,
        related_name="+",
        verbose_name="抽查区域",
        help_text="不选则为全部区域；选上级区划含其下级",
    )
    industries = models.CharField(
        "行业门类",
        max_length=60,
        blank=True,
        validators=[validate_industries],
        help_text="GB/T 4754 门类字母，英文逗号分隔；不填则为全部行业",
    )
    ratio_a = models.DecimalField("A类抽查比例（%）", max_digits=5, decimal_places=2, default=0, validators=PERCENT)
    ratio_b = models.DecimalField("B类抽查比例（%）", max_digits=5, decimal_places=2, default=0, validators=PERCENT)
    ratio_c = models.DecimalField("C类抽查比例（%）", max_digits=5, decimal_places=2, default=0, validators=PERCENT)
    ratio_d = models.DecimalField("D类抽查比例（%）", max_digits=5, decimal_places=2, default=0, validators=PERCENT)
    ratio_e = models.DecimalField("E类抽查比例（%）", max_digits=5, decimal_places=2, default=0, validators=PERCENT)
    exclusion_days = models.PositiveIntegerField(
        "不重复抽查期间（日）",
        null=True,
        blank=True,
        help_text="同一事项已抽中的对象在此期间内不再抽取；不填则按法律参数",
    )
    inspectors_per_entity = models.PositiveSmallIntegerField("每个对象检查人员数", default=2)
    start_on = models.DateField("检查开始日期")
    end_on = models.DateField("检查结束日期")
    status = models.CharField(
        "状态", max_length=16, choices=TaskStatus.choices, default=TaskStatus.DRAFT, editable=False
    )
    is_joint = models.BooleanField("部门联合抽查", default=False, editable=False)
    drawn_on = models.DateField("抽取日期", null=True, blank=True, editable=False)
    drawn_total = models.PositiveIntegerField("抽取检查对象数", null=True, blank=True, editable=False)
    published_on = models.DateField("公示日期", null=True, blank=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "抽查任务"
        indexes = [models.Index(fields=["unit", "drawn_on"])]

    def __str__(self):
        return f"{self.name}（{self.code}）"

    def ratio(self, risk_class: str):
        return getattr(self, f"ratio_{risk_class.lower()}")

    @property
    def industry_list(self) -> list[str]:
        return sorted({part.strip() for part in (self.industries or "").split(",") if part.strip()})

    def clean(self):
        errors = {}
        if self.start_on and self.end_on and self.end_on < self.start_on:
            errors["end_on"] = ValidationError("检查结束日期不能早于开始日期")
        if self.start_on and self.inspectors_per_entity is not None:
            minimum = param("inspection.min_inspectors", self.start_on).value
            if self.inspectors_per_entity < minimum:
                errors["inspectors_per_entity"] = rule("inspection.two_certified_inspectors").violation(
                    f"每个对象检查人员数{self.inspectors_per_entity}人，少于{minimum}人"
                )
        if self.plan_id and self.start_on and self.plan.year != self.start_on.year:
            errors["plan"] = ValidationError("任务的检查开始日期应在所属年度计划的年度内")
        if all(getattr(self, f"ratio_{c.lower()}") in (None, 0) for c in RISK_CLASSES):
            errors["ratio_c"] = ValidationError("至少为一类风险等级设定大于0的抽查比例")
        if self.pk and self.status != TaskStatus.DRAFT:
            raise ValidationError("任务已抽取，抽取条件不能再修改；如需调整请重新抽取并说明理由")
        if errors:
            raise ValidationError(errors)

    def current_run(self):
        return self.runs.filter(superseded_at__isnull=True).order_by("-number").first()

    def detail_sections(self):
        runs = list(self.runs.order_by("number"))
        return [
            (
                "抽取记录（只增不改）",
                [
                    "次序",
                    "时间",
                    "算法",
                    "种子",
                    "候选对象数",
                    "抽取数",
                    "检查人员数",
                    "候选名单SHA-256",
                    "理由",
                    "状态",
                ],
                [
                    (
                        r.number,
                        r.drawn_at,
                        r.algorithm,
                        r.seed,
                        r.candidates_total,
                        r.drawn_total,
                        r.inspectors_total,
                        r.candidates_hash,
                        r.reason or "首次抽取",
                        "已被重新抽取替代" if r.superseded_at else "有效",
                    )
                    for r in runs
                ],
            ),
            (
                "分层抽取（按信用风险分类）",
                ["风险分类", "候选对象数", "抽查比例（%）", "抽取数"],
                [
                    (c, s["candidates"], s["ratio"], s["drawn"])
                    for r in runs
                    if r.superseded_at is None
                    for c, s in r.strata.items()
                ],
            ),
        ]


class DrawRunQuerySet(ScopedQuerySet):
    unit_lookup = "task__unit"


class DrawRun(models.Model):
    """One draw of a task. Append-only: a redraw adds a run with its reason and marks this one superseded.

    The inputs are frozen in `snapshot` (the ordered candidate ids per risk class, the inspector pool and the
    conflicts, compressed) and fingerprinted by SHA-256, so the draw can be replayed from the seed at any time."""

    task = models.ForeignKey(InspectionTask, models.PROTECT, related_name="runs", verbose_name="抽查任务")
    number = models.PositiveSmallIntegerField("次序")
    algorithm = models.CharField("抽取算法", max_length=40)
    seed = models.CharField("随机种子", max_length=64)
    drawn_at = models.DateTimeField("抽取时间")
    drawn_on = models.DateField("抽取日期")
    drawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.PROTECT, null=True, blank=True, related_name="+", verbose_name="抽取人"
    )
    reason = models.CharField("重新抽取理由", max_length=500, blank=True)
    exclusion_days = models.PositiveIntegerField("不重复抽查期间（日）")
    strata = models.JSONField("分层情况", default=dict)
    candidates_total = models.PositiveIntegerField("候选对象数")
    drawn_total = models.PositiveIntegerField("抽取对象数")
    inspectors_total = models.PositiveIntegerField("检查人员名录人数")
    conflicts_total = models.PositiveIntegerField("回避关系数")
    candidates_hash = models.CharField("候选名单SHA-256", max_length=64)
    inspectors_hash = models.CharField("检查人员名录及回避关系SHA-256", max_length=64)
    result_hash = models.CharField("抽取结果SHA-256", max_length=64)
    snapshot = models.BinaryField("输入快照")
    superseded_at = models.DateTimeField("被替代时间", null=True, blank=True)

    objects = DrawRunQuerySet.as_manager()

    class Meta:
        verbose_name = verbose_name_plural = "抽取记录"
        constraints = [
            models.UniqueConstraint(fields=["task", "number"], name="draw_run_number"),
            # A redraw supersedes the run in force before adding its own: one run in force per task, which the
            # database says too, for two people drawing the same task at once.
            models.UniqueConstraint(
                fields=["task"], condition=models.Q(superseded_at__isnull=True), name="draw_run_one_current"
            ),
        ]

    def __str__(self):
        return f"{self.task.code} 第{self.number}次抽取"

    def save(self, *args, **kwargs):
        # Append-only: once written, only the moment it was superseded may be set, and only once.
        if self.pk is not None:
            stored = DrawRun.objects.filter(pk=self.pk).values_list("superseded_at", flat=True).first()
            if stored is not None or kwargs.get("update_fields") != ["superseded_at"]:
                raise ValidationError("抽取记录只增不改")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError("抽取记录只增不改，不能删除")


class TaskEntity(LedgerModel):
    """An entity drawn for a task (抽查对象), its inspectors, and the inspection result with its publication."""

    # A draw writes tens of thousands of these rows at once, so the table is kept lean:
    # - no database-level foreign keys: every id comes from rows read in the same transaction, and none of the
    #   rows referred to can be deleted (ledger rows are only soft-deleted, and PROTECT stands in Django).
    #   On PostgreSQL the row-by-row checks would cost more at commit than the whole draw;
    # - few indexes: the composite ones below lead with run, and a drawn row is never deleted (soft_delete
    #   refuses), so who deleted it needs no index.
    unit = models.ForeignKey("org.Unit", models.PROTECT, verbose_name="单位", related_name="+", db_constraint=False)
    deleted_by = step_user("删除人", db_index=False, db_constraint=False)
    # What the draw wrote; never edited (editable=False keeps them out of forms and the API's writable fields).
    task = models.ForeignKey(
        InspectionTask,
        models.PROTECT,
        related_name="targets",
        verbose_name="抽查任务",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    run = models.ForeignKey(
        DrawRun,
        models.PROTECT,
        related_name="targets",
        verbose_name="抽取记录",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    entity = models.ForeignKey(
        MarketEntity,
        models.PROTECT,
        related_name="+",
        verbose_name="检查对象",
        editable=False,
        db_index=False,
        db_constraint=False,
    )
    risk_class = models.CharField("抽取时风险分类", max_length=1, choices=RiskClass.choices, editable=False)
    position = models.PositiveIntegerField("抽取序号", editable=False)
    # The team is part of the draw's output like the entity: officer ids in draw order, leader first. One column
    # rather than a row per inspector halves what a draw writes; `assigned_to` finds an officer's rows.
    team = models.CharField("检查人员（执法人员ID，组长在前）", max_length=500, editable=False)
    current = models.BooleanField("有效抽取", default=True, editable=False)
    inspected_on = models.DateField("检查日期", null=True, blank=True, editable=False)
    result = models.CharField("检查结果", max_length=16, choices=Result.choices, blank=True, editable=False)
    problem_found = models.BooleanField("发现问题", null=True, editable=False)
    disposal = models.CharField("后续处置", max_length=500, blank=True, editable=False)
    result_due_on = models.DateField("结果公示期限", null=True, blank=True, editable=False)
    published_on = models.DateField("结果公示日期", null=True, blank=True, editable=False)
    published_on_time = models.BooleanField("按时公示", null=True, editable=False)

    class Meta:
        verbose_name = verbose_name_plural = "抽查对象及结果"
        # Few indexes, as a draw inserts tens of thousands of rows at once: (run, position) finds a draw's rows
        # in order (and serves the anti-join of later draws), and results are found by the partial index on
        # inspected_on, which the draw's rows (not yet inspected) do not enter.
        indexes = [
            models.Index(fields=["run", "position"], name="task_entity_run_position"),
            models.Index(
                fields=["inspected_on"], condition=models.Q(inspected_on__isnull=False), name="task_entity_inspected"
            ),
            models.Index(
                fields=["published_on", "id"],
                condition=models.Q(published_on__isnull=False),
                name="task_entity_published",
            ),
        ]

    def __str__(self):
        return f"{self.task.code}-{self.position:05d}"

    def clean(self):
        if self.pk is None:
            raise ValidationError("抽查对象只能由随机抽取产生，不能手工添加")
        if self.task_id and self.unit_id != self.task.unit_id:
            raise ValidationError({"unit": "抽查对象所属单位必须与抽查任务的牵头单位一致"})

    def soft_delete(self, user, reason):
        raise ValidationError("抽取结果不能删除；如需调整请重新抽取并说明理由，原抽取记录保留")

    def save(self, *args, **kwargs):
        derive_target(self)
        super().save(*args, **kwargs)

    @property
    def team_ids(self) -> list[int]:
        return [int(part) for part in self.team.split(",") if part]

    @staticmethod
    def assigned_to(officer_id: int) -> models.Q:
        """Rows whose team includes the officer."""
        key = str(int(officer_id))
        return (
            models.Q(team=key)
            | models.Q(team__startswith=f"{key},")
            | models.Q(team__endswith=f",{key}")
            | models.Q(team__contains=f",{key},")
        )

    def detail_sections(self):
        ids = self.team_ids
        officers = {o.pk: o for o in Officer.all_objects.filter(pk__in=ids).select_related("body")}
        return [
            (
                "检查人员",
                ["姓名", "执法主体", "角色"],
                [
                    (officers[i].name, officers[i].body.name, "组长" if n == 0 else "组员")
                    for n, i in enumerate(ids)
                    if i in officers
                ],
            ),
            (
                "检查对象信息",
                ["统一社会信用代码", "名称", "行业", "抽取时风险分类"],
                [
                    (
                        self.entity.uscc,
                        self.entity.name,
                        self.entity.get_industry_display(),
                        self.get_risk_class_display(),
                    )
                ],
            ),
        ]


class Conflict(LedgerModel):
    """A declared conflict of interest (回避): the officer is never drawn to inspect the entity."""

    officer = models.ForeignKey(
        "enforcement.Officer", models.PROTECT, related_name="conflicts", verbose_name="执法人员"
    )
    entity = models.ForeignKey(MarketEntity, models.PROTECT, related_name="+", verbose_name="检查对象")
    reason = models.CharField("回避事由", max_length=200)
    declared_on = models.DateField("申报日期")

    class Meta:
        verbose_name = verbose_name_plural = "回避申报"
        constraints = [models.UniqueConstraint(fields=["officer", "entity"], name="conflict_once")]

    def __str__(self):
        return f"{self.officer.name}—{self.entity.name}"

    def clean(self):
        if self.officer_id and self.unit_id and self.officer.unit_id != self.unit_id:
            raise ValidationError({"officer": "回避申报所属单位必须与执法人员的单位一致"})
        if not (self.reason or "").strip():
            raise ValidationError({"reason": "请填写回避事由"})
