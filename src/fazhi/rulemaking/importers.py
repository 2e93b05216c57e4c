"""Excel import of 行政规范性文件 already published (the stock of documents a unit holds when it starts here)."""
from django.core.exceptions import ValidationError

from fazhi.core.bulk import insert_with_history
from fazhi.core.importing import CellError, Column, ImportSpec, boolean, date, text
from fazhi.law.params import rule
from fazhi.org.models import Unit

from .choices import DocumentStatus
from .models import NormativeDocument
from .rules import expiry_evaluation_due, filing_due, validity_limit


class NormativeDocumentImport(ImportSpec):
    def __init__(self):
        super().__init__(
            slug="normative-documents",
            title="行政规范性文件",
            key_header="文号",
            columns=[
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
            ],
        )
        self.field_headers = {c.key: c.header for c in self.columns}

    def prepare(self, user):
        return {"units": {u.code: u for u in Unit.objects.visible_to(user)}}

    def build(self, values, context):
        unit = context["units"].get(values["unit"])
        if unit is None:
            raise CellError(f"制定机关编码“{values['unit']}”不存在或不在您的数据范围内")
        doc = NormativeDocument(
            unit=unit, number=values["number"], title=values["title"], drafted_by=values["drafted_by"] or "",
            provisional=bool(values["provisional"]), affects_market=bool(values["affects_market"]),
            body=values["body"] or "", status=DocumentStatus.PUBLISHED, review_passed=True,
            reviewed_on=values["reviewed_on"], review_submitted_on=values["reviewed_on"], reviewer=values["reviewer"],
            review_opinion="经审核合法（导入）", deliberated_on=values["deliberated_on"], meeting=values["meeting"],
            published_on=values["published_on"], effective_from=values["effective_from"],
            filing_body=values["filing_body"] or "", filed_on=values["filed_on"],
        )
        # The same order the lifecycle enforces: review, deliberation, publication, then filing.
        errors = {}
        if doc.deliberated_on < doc.reviewed_on:
            errors["deliberated_on"] = rule("normative.publish_after_review").violation("集体审议日期早于合法性审核日期")
        if doc.published_on < doc.deliberated_on:
            errors["published_on"] = rule("normative.publish_after_deliberation").violation("公布日期早于集体审议日期")
        if doc.effective_from < doc.published_on:
            errors["effective_from"] = rule("normative.effective_after_publication").violation("施行日期早于公布日期")
        limit, version = validity_limit(doc, doc.effective_from)
        doc.valid_until = values["valid_until"] or limit
        if doc.valid_until > limit:
            errors["valid_until"] = rule("normative.validity_within_max").violation(
                f"最迟至{limit:%Y年%m月%d日}（{version.name}{version.display}）")
        elif doc.valid_until < doc.effective_from:
            errors["valid_until"] = ValidationError("有效期截止日期不能早于施行日期")
        if doc.filed_on:
            if doc.filed_on < doc.published_on:
                errors["filed_on"] = rule("normative.file_after_publication").violation("报送备案日期早于公布日期")
            if not doc.filing_body:
                errors["filing_body"] = ValidationError("已报送备案的须填写备案机关")
        if errors:
            raise ValidationError(errors)
        doc.filing_due_on = filing_due(doc.published_on)
        doc.evaluation_due_on = expiry_evaluation_due(doc.valid_until, doc.published_on)
        return doc

    def key(self, instance):
        return instance.number

    def existing_keys(self, keys):
        return dict(NormativeDocument.all_objects.filter(number__in=keys).values_list("number", "pk"))

    def last_pk(self):
        return NormativeDocument.all_objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    def save_batch(self, instances, user):
        insert_with_history(NormativeDocument, instances, user=user, reason="Excel导入")
