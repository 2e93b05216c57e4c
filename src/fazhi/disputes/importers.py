"""Excel import of 行政复议 and 人民调解 cases: each row passes the checks of the workflow steps (rules.check_*)."""

from fazhi.core.importing import CellError, Column, Importer, boolean, choice, date, integer, look_up, money, text
from fazhi.core.steps import check_for_field
from fazhi.law.calendar import default_calendar
from fazhi.org.models import Unit

from . import rules
from .choices import (
    ActType,
    AgreementForm,
    DisputeType,
    MediationStatus,
    PartyType,
    Procedure,
    ReconsiderationOutcome,
    SimplifiedGround,
)
from .deadlines import derive_reconsideration
from .models import MediatedDispute, MediationOrganisation, ReconsiderationCase

WORKFLOW_COLUMNS = (
    "accepted_on",
    "procedure",
    "simplified_ground",
    "not_accepted_on",
    "not_accepted_reason",
    "extension_days",
    "extended_on",
    "extension_reason",
    "closed_on",
    "outcome",
)


class ReconsiderationImport(Importer):
    slug = "reconsideration-cases"
    title = "行政复议案件"
    model = ReconsiderationCase
    natural_key = ("number",)
    columns = [
        Column("案号", "number", text(60), example="云川复〔2025〕1号"),
        Column("复议机关单位编码", "unit", text(32), example="YC", note="本人数据范围内的单位编码"),
        Column("申请人类型", "applicant_type", choice(PartyType.choices), example="自然人"),
        Column("申请人", "applicant_name", text(200), example="张三"),
        Column("第三人", "third_party", text(200), required=False),
        Column("被申请人", "respondent_name", text(200), example="云川市市场监督管理局"),
        Column("行政行为类别", "act_type", choice(ActType.choices), example="行政处罚", note="、".join(ActType.labels)),
        Column("被申请复议的行政行为", "act_description", text(300), required=False, example="罚款2000元"),
        Column("行政行为作出日期", "act_on", date(), required=False, example="2025-02-10"),
        Column("知道行政行为之日", "known_on", date(), example="2025-02-12"),
        Column("已告知复议权利", "rights_informed", boolean(), required=False, example="是"),
        Column("知道复议权利之日", "rights_known_on", date(), required=False),
        Column("涉及不动产", "real_estate", boolean(), required=False, example="否"),
        Column("涉及金额（元）", "amount", money(), required=False, example=2000),
        Column("收到申请日期", "received_on", date(), example="2025-03-03"),
        Column("受理日期", "accepted_on", date(), required=False, example="2025-03-05"),
        Column("审理程序", "procedure", choice(Procedure.choices), required=False, example="简易程序"),
        Column(
            "适用简易程序情形",
            "simplified_ground",
            choice(SimplifiedGround.choices),
            required=False,
            example=SimplifiedGround.SMALL_AMOUNT.label,
            note="、".join(SimplifiedGround.labels),
        ),
        Column("不予受理决定日期", "not_accepted_on", date(), required=False),
        Column("不予受理理由", "not_accepted_reason", text(300), required=False),
        Column("延长审理期限（日）", "extension_days", integer(0, 366), required=False),
        Column("批准延长日期", "extended_on", date(), required=False, note="延长审理期限的必填"),
        Column("延长理由", "extension_reason", text(300), required=False, note="延长审理期限的必填"),
        Column("结案日期", "closed_on", date(), required=False, example="2025-03-28"),
        Column(
            "结案方式",
            "outcome",
            choice(ReconsiderationOutcome.choices),
            required=False,
            example="维持",
            note="、".join(ReconsiderationOutcome.labels),
        ),
    ]

    def prepare(self, user):
        return {"units": {u.code: u for u in Unit.objects.visible_to(user)}, "calendar": default_calendar()}

    def build(self, values, context):
        unit = look_up(context["units"], values["unit"], "复议机关单位编码不存在或不在您的数据范围内")
        skipped = {"unit", *WORKFLOW_COLUMNS}
        return ReconsiderationCase(unit=unit, **{k: v for k, v in values.items() if v is not None and k not in skipped})

    def check(self, case, values, context):
        case.clean()
        apply_workflow(case, calendar=context["calendar"], **{k: values[k] for k in WORKFLOW_COLUMNS})


def apply_workflow(
    case,
    *,
    accepted_on,
    procedure,
    simplified_ground,
    not_accepted_on,
    not_accepted_reason,
    extension_days,
    extended_on,
    extension_reason,
    closed_on,
    outcome,
    calendar,
):
    """Take, in memory, the steps an imported row's dates say were taken, through the steps' own checks."""
    if accepted_on and not_accepted_on:
        raise CellError("同一案件不能既受理又不予受理")
    if (closed_on or outcome) and not accepted_on:
        raise CellError("已结案的案件必须填写受理日期")
    if bool(closed_on) != bool(outcome):
        raise CellError("结案日期与结案方式应同时填写")
    if (extension_days or extended_on or extension_reason) and not accepted_on:
        raise CellError("延长审理期限的案件必须填写受理日期")
    if not_accepted_on:
        check_for_field("not_accepted_on", rules.check_refuse, case, not_accepted_on, not_accepted_reason, calendar)
    elif accepted_on:
        rules.check_accept(case, accepted_on, procedure or Procedure.ORDINARY, simplified_ground or "", calendar)
        derive_reconsideration(case, (), calendar)  # the extension is checked against the decision deadline
        if extension_days or extended_on or extension_reason:
            if not (extension_days and extended_on):
                raise CellError("延长审理期限（日）与批准延长日期应同时填写")
            check_for_field("extension_days", rules.check_extend, case, extension_days, extended_on, extension_reason)
        if closed_on:
            check_for_field("closed_on", rules.check_decide, case, outcome, closed_on)
    derive_reconsideration(case, (), calendar)
    return case


MEDIATION_STEP_COLUMNS = ("organisation", "status", "agreement_form", "closed_on")


class MediatedDisputeImport(Importer):
    slug = "mediated-disputes"
    title = "人民调解案件"
    model = MediatedDispute
    natural_key = ("number",)
    columns = [
        Column("纠纷编号", "number", text(60), example="TJ2025-0001"),
        Column(
            "调解组织名称", "organisation", text(200), example="城关镇人民调解委员会", note="本人数据范围内的调解组织"
        ),
        Column(
            "纠纷类型",
            "dispute_type",
            choice(DisputeType.choices),
            example="邻里纠纷",
            note="、".join(DisputeType.labels),
        ),
        Column("当事人", "parties", text(300), example="张某、李某"),
        Column("纠纷简要情况", "summary", text(500), required=False),
        Column("涉及金额（元）", "amount", money(), required=False, example=5000),
        Column("受理日期", "received_on", date(), example="2025-03-03"),
        Column("调解结果", "status", choice(MediationStatus.choices), required=False, example="调解成功"),
        Column("协议形式", "agreement_form", choice(AgreementForm.choices), required=False, example="书面协议"),
        Column("结案日期", "closed_on", date(), required=False, example="2025-03-10"),
    ]

    def prepare(self, user):
        by_name = {}
        for org in MediationOrganisation.objects.visible_to(user).only("id", "name", "unit_id"):
            by_name.setdefault(org.name, []).append(org)
        return {"organisations": by_name}

    def build(self, values, context):
        found = context["organisations"].get(values["organisation"], [])
        if len(found) != 1:
            raise CellError(
                "调解组织不存在或不在您的数据范围内" if not found else "调解组织名称重复，请先在台账中区分名称"
            )
        organisation = found[0]
        return MediatedDispute(
            unit_id=organisation.unit_id,
            organisation=organisation,
            **{k: v for k, v in values.items() if v is not None and k not in MEDIATION_STEP_COLUMNS},
        )

    def check(self, dispute, values, context):
        """A closed dispute is closed through the close step's check; one still in mediation has no end date."""
        status, closed_on = values["status"] or MediationStatus.IN_PROGRESS, values["closed_on"]
        if status == MediationStatus.IN_PROGRESS:
            if closed_on:
                raise CellError("调解中的纠纷不应填写结案日期")
        else:
            if not closed_on:
                raise CellError("已结案的纠纷必须填写结案日期")
            check_for_field(
                "closed_on", rules.check_close_mediation, dispute, status, closed_on, values["agreement_form"] or ""
            )
