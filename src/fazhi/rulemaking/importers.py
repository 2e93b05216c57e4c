"""Excel import of 行政规范性文件 already published (the stock of documents a unit holds when it starts here)."""

from django.core.exceptions import ValidationError

from fazhi.core.importing import Column, Importer, boolean, date, look_up, text
from fazhi.core.steps import check_for_field
from fazhi.org.models import Unit

from .models import NormativeDocument
from .rules import check_complete_review, check_deliberate, check_file, check_publish, check_submit_review

IMPORTED_OPINION = "经审核合法（导入）"


class NormativeDocumentImport(Importer):
    slug = "normative-documents"
    title = "行政规范性文件"
    model = NormativeDocument
    natural_key = ("number",)
    columns = [
        Column("文号", "number", text(60), example="云川府规〔2025〕1号"),
        Column("文件名称", "title", text(200), example="云川市城市道路占用挖掘管理办法"),
        Column("制定机关编码", "unit", text(32), example="YC", note="本人数据范围内的单位编码"),
        Column("起草科室（单位）", "drafted_by", text(100), required=False, example="市住房和城乡建设局"),
        Column("暂行或试行", "provisional", boolean(), required=False, example="否"),
        Column("涉及市场主体", "affects_market", boolean(), required=False, example="否"),
        Column("合法性审核日期", "reviewed_on", date(), example="2025-02-10"),
        Column("审核机构", "reviewer", text(100), example="市司法局"),
        Column("集体审议日期", "deliberated_on", date(), example="2025-02-20"),
        Column("审议会议", "meeting", text(200), example="市政府第12次常务会议"),
        Column("公布日期", "published_on", date(), example="2025-03-01"),
        Column("施行日期", "effective_from", date(), example="2025-04-01"),
        Column("有效期至", "valid_until", date(), required=False, example="2030-03-31", note="不填则取有效期上限"),
        Column("备案机关", "filing_body", text(100), required=False, example="江岚省人民政府"),
        Column("报送备案日期", "filed_on", date(), required=False, example="2025-03-20"),
        Column("正文", "body", text(), required=False, example=""),
    ]

    def prepare(self, user):
        return {"units": {u.code: u for u in Unit.objects.visible_to(user)}}

    def build(self, values, context):
        unit = look_up(context["units"], values["unit"], f"制定机关编码“{values['unit']}”不存在或不在您的数据范围内")
        return NormativeDocument(
            unit=unit,
            title=values["title"],
            drafted_by=values["drafted_by"] or "",
            provisional=bool(values["provisional"]),
            affects_market=bool(values["affects_market"]),
            body=values["body"] or "",
        )

    def check(self, doc, values, context):
        replay(doc, values)


def replay(doc: NormativeDocument, values: dict) -> None:
    """Take, in memory, the steps a published document's dates say were taken, through the steps' own checks:
    review, deliberation, publication, then filing. A refusal names the rule and the column that asked for it.
    The consultation of a document touching market entities took place before it came here: not checked."""
    reviewed_on = values["reviewed_on"]
    check_for_field("reviewed_on", check_submit_review, doc, reviewed_on)
    check_for_field("reviewed_on", check_complete_review, doc, reviewed_on, values["reviewer"], IMPORTED_OPINION, True)
    check_for_field("deliberated_on", check_deliberate, doc, values["deliberated_on"], values["meeting"])
    check_for_field(
        publish_column,
        check_publish,
        doc,
        number=values["number"],
        published_on=values["published_on"],
        effective_from=values["effective_from"],
        valid_until=values["valid_until"],
    )
    if values["filed_on"]:
        check_for_field(
            "filed_on" if values["filing_body"] else "filing_body",
            check_file,
            doc,
            values["filed_on"],
            values["filing_body"] or "",
        )
    elif values["filing_body"]:
        doc.filing_body = values["filing_body"]


PUBLISH_COLUMNS = {
    "normative.effective_after_publication": "effective_from",
    "normative.validity_within_max": "valid_until",
    "validity_before_effect": "valid_until",
}


def publish_column(error: ValidationError) -> str:
    """Which column a refused publication is about: the rule broken says it, else the publication date."""
    return PUBLISH_COLUMNS.get(getattr(error, "code", None), "published_on")
