"""Excel import of 行政复议 cases and 人民调解 cases: each row passes the same checks as the workflow steps (rules.check_*)."""

from decimal import Decimal, InvalidOperation

from fazhi.core.bulk import insert_with_history
from fazhi.core.importing import CellError, Column, ImportSpec, boolean, choice, date, integer, text
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

IMPORT_REASON = "Excel导入"


def money():
    def parse(value):
        try:
            amount = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            raise CellError(f"“{value}”不是有效金额") from None
        if amount < 0:
            raise CellError("金额不能为负数")
        return amount.quantize(Decimal("0.01"))

    return parse


class KeyedImport(ImportSpec):
    """Rows keyed by a unique number field of the model."""

    model = None
    key_field = "number"

    def key(self, instance):
        return getattr(instance, self.key_field)

    def existing_keys(self, keys):
        return dict(self.model.all_objects.filter(**{f"{self.key_field}__in": keys}).values_list(self.key_field, "pk"))

    def last_pk(self):
        return self.model.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def save_batch(self, instances, user):
        insert_with_history(self.model, instances, user=user, reason=IMPORT_REASON)


class ReconsiderationImport(KeyedImport):
    model = ReconsiderationCase

    def __init__(self):
        super().__init__(
            slug="reconsideration-cases",
            title="行政复议案件",
            key_header="案号",
            columns=[
                Column("案号", "number", text(60), example="云川复〔2025〕1号"),
                Column("复议机关单位编码", "unit", text(32), example="YC", note="本人数据范围内的单位编码"),
                Column("申请人类型", "applicant_type", choice(PartyType.choices), example="自然人"),
                Column("申请人", "applicant_name", text(200), example="张三"),
                Column("第三人", "third_party", text(200), required=False),
                Column("被申请人", "respondent_name", text(200), example="云川市市场监督管理局"),
                Column(
                    "行政行为类别",
                    "act_type",
                    choice(ActType.choices),
                    example="行政处罚",
                    note="、".join(ActType.labels),
                ),
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
            ],
        )
        self.field_headers = {c.key: c.header for c in self.columns}

    def prepare(self, user):
        return {"units": {u.code: u for u in Unit.objects.visible_to(user)}, "calendar": default_calendar()}

    def build(self, values, context):
        unit = context["units"].get(values.pop("unit"))
        if unit is None:
            raise CellError("复议机关单位编码不存在或不在您的数据范围内")
        workflow = {
            k: values.pop(k)
            for k in (
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
        }
        fields = {k: v for k, v in values.items() if v is not None}
        case = ReconsiderationCase(unit=unit, **fields)
        case.clean()
        apply_workflow(case, calendar=context["calendar"], **workflow)
        return case


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


class MediatedDisputeImport(KeyedImport):
    model = MediatedDispute

    def __init__(self):
        super().__init__(
            slug="mediated-disputes",
            title="人民调解案件",
            key_header="纠纷编号",
            columns=[
                Column("纠纷编号", "number", text(60), example="TJ2025-0001"),
                Column(
                    "调解组织名称",
                    "organisation",
                    text(200),
                    example="城关镇人民调解委员会",
                    note="本人数据范围内的调解组织",
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
            ],
        )
        self.field_headers = {c.key: c.header for c in self.columns}

    def prepare(self, user):
        by_name = {}
        for org in MediationOrganisation.objects.visible_to(user).only("id", "name", "unit_id"):
            by_name.setdefault(org.name, []).append(org)
        return {"organisations": by_name}

    def build(self, values, context):
        found = context["organisations"].get(values.pop("organisation"), [])
        if len(found) != 1:
            raise CellError(
                "调解组织不存在或不在您的数据范围内" if not found else "调解组织名称重复，请先在台账中区分名称"
            )
        organisation = found[0]
        status = values.pop("status") or MediationStatus.IN_PROGRESS
        agreement_form, closed_on = values.pop("agreement_form"), values.pop("closed_on")
        dispute = MediatedDispute(
            unit_id=organisation.unit_id,
            organisation=organisation,
            **{k: v for k, v in values.items() if v is not None},
        )
        if status == MediationStatus.IN_PROGRESS:
            if closed_on:
                raise CellError("调解中的纠纷不应填写结案日期")
        else:
            if not closed_on:
                raise CellError("已结案的纠纷必须填写结案日期")
            check_for_field("closed_on", rules.check_close_mediation, dispute, status, closed_on, agreement_form or "")
        return dispute
