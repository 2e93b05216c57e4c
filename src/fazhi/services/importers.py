"""Excel import of service items and applications."""

from fazhi.core.importing import Column, Importer, boolean, choice, date, integer, look_up, text
from fazhi.law.calendar import default_calendar
from fazhi.org.models import Unit

from .choices import ApplicantType, Channel, ItemType, Outcome
from .models import Application, ServiceItem
from .sync import build_new


class ServiceItemImport(Importer):
    slug = "service-items"
    title = "政务服务事项"
    model = ServiceItem
    natural_key = ("code",)
    columns = [
        Column("事项编码", "code", text(64), example="YC-D25-00001"),
        Column("事项名称", "name", text(200), example="食品经营许可"),
        Column("事项类型", "item_type", choice(ItemType.choices), example="行政许可", note="、".join(ItemType.labels)),
        Column("实施单位编码", "unit", text(32), example="YC-D25", note="本人数据范围内的单位编码"),
        Column("设定依据", "legal_basis", text(), required=False, example="《食品安全法》第三十五条"),
        Column("法定时限（工作日）", "statutory_limit", integer(0, 3650), example=20),
        Column("承诺时限（工作日）", "promised_limit", integer(0, 3650), example=5, note="0 表示即办件"),
        Column("网上办理深度", "online_depth", integer(1, 4), example=4, note="1至4级"),
        Column("到现场次数", "visits_required", integer(0, 20), example=0),
        Column("可容缺受理", "tolerance_allowed", boolean(), required=False, example="否"),
        Column("可容缺材料", "tolerance_documents", text(), required=False, example=""),
        Column("可告知承诺", "commitment_allowed", boolean(), required=False, example="否"),
        Column("跨省通办", "cross_province", boolean(), required=False, example="否"),
        Column("生效日期", "effective_from", date(), example="2025-01-01"),
        Column("失效日期", "effective_to", date(), required=False, example=None),
    ]

    def prepare(self, user):
        return {"units": {u.code: u for u in Unit.objects.visible_to(user)}}

    def build(self, values, context):
        code = values["unit"]
        unit = look_up(context["units"], code, f"实施单位编码“{code}”不存在或不在您的数据范围内")
        return ServiceItem(unit=unit, **{k: v for k, v in values.items() if v is not None and k != "unit"})

    def check(self, item, values, context):
        item.clean_fields(exclude=["unit"])
        item.clean()


class ApplicationImport(Importer):
    slug = "applications"
    title = "办件"
    model = Application
    natural_key = ("number",)
    columns = [
        Column("办件编号", "number", text(40), example="YC202500000001"),
        Column("事项编码", "item", text(64), example="YC-D25-00001"),
        Column("申请人类型", "applicant_type", choice(ApplicantType.choices), example="自然人"),
        Column("申请人", "applicant_name", text(200), example="张三"),
        Column(
            "证件号码", "applicant_id_number", text(18), example="", note="自然人填身份证号，法人填统一社会信用代码"
        ),
        Column("申请渠道", "channel", choice(Channel.choices), example="网上办理"),
        Column("收件日期", "received_on", date(), example="2025-03-03"),
        Column("受理日期", "accepted_on", date(), required=False, example="2025-03-03"),
        Column("办结日期", "decided_on", date(), required=False, example="2025-03-07"),
        Column("办理结果", "outcome", choice(Outcome.choices), required=False, example="准予"),
    ]

    def prepare(self, user):
        items = ServiceItem.objects.visible_to(user).only("id", "code", "unit_id", "promised_limit")
        return {"items": {item.code: item for item in items}, "calendar": default_calendar()}

    def build(self, values, context):
        """The application with the steps its dates say were taken, checked as the sync checks them."""
        code = values["item"]
        item = look_up(context["items"], code, f"事项编码“{code}”不存在或不在您的数据范围内")
        return build_new(values, item, context["calendar"])
