"""Excel import of the 检查对象名录库 (market entities)."""

from fazhi.core.identifiers import validate_uscc
from fazhi.core.importing import CellError, Column, Importer, choice, date, look_up, text
from fazhi.core.steps import check_for_field
from fazhi.org.models import Region, Unit

from .choices import EntityType, Industry, RiskClass
from .models import MarketEntity


def risk_class(value):
    letter = str(value).strip().upper()[:1]
    if letter not in RiskClass.values:
        raise CellError(f"“{value}”不是信用风险分类（应为A、B、C、D、E之一）")
    return letter


def industry(value):
    word = str(value).strip()
    if word.upper() in Industry.values:
        return word.upper()
    by_label = {label: code for code, label in Industry.choices}
    if word in by_label:
        return by_label[word]
    raise CellError(f"“{word}”不是 GB/T 4754 行业门类（填门类字母或名称）")


class EntityImport(Importer):
    slug = "market-entities"
    title = "检查对象"
    model = MarketEntity
    natural_key = ("uscc",)
    columns = [
        Column("统一社会信用代码", "uscc", text(18), example="", note="18位，校验位须正确"),
        Column("名称", "name", text(200), example="云川恒达商贸有限公司"),
        Column("主体类型", "entity_type", choice(EntityType.choices), required=False, example="企业"),
        Column("行业门类", "industry", industry, example="F", note="GB/T 4754 门类字母或名称"),
        Column("行政区划代码", "region", text(6), example="990102"),
        Column("信用风险分类", "risk_class", risk_class, example="B", note="A（低）至E（高）"),
        Column("成立日期", "registered_on", date(), required=False, example="2019-05-20"),
        Column("登记单位编码", "unit", text(32), example="YC-D25", note="本人数据范围内的单位编码"),
    ]

    def prepare(self, user):
        return {
            "units": {u.code: u for u in Unit.objects.visible_to(user)},
            "regions": dict(Region.objects.values_list("code", "pk")),
        }

    def build(self, values, context):
        unit = look_up(context["units"], values["unit"], f"登记单位编码“{values['unit']}”不存在或不在您的数据范围内")
        region = look_up(context["regions"], values["region"], f"行政区划代码“{values['region']}”不存在")
        return MarketEntity(
            unit_id=unit.pk,
            uscc=values["uscc"].upper(),
            name=values["name"],
            entity_type=values["entity_type"] or EntityType.COMPANY,
            industry=values["industry"],
            region_id=region,
            risk_class=values["risk_class"],
            registered_on=values["registered_on"],
        )

    def check(self, entity, values, context):
        check_for_field("uscc", validate_uscc, entity.uscc)
