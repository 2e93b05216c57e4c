"""Excel import of 建议提案 and 依申请公开: each row passes the same rules as the workflow steps."""

import re

from django.core.exceptions import ValidationError

from fazhi.core.importing import CellError, Column, Importer, boolean, choice, date, integer, look_up, text
from fazhi.core.steps import check_for_field
from fazhi.law.calendar import default_calendar
from fazhi.law.params import rule
from fazhi.law.steps import require_text
from fazhi.org.models import Unit

from . import rules
from .choices import ApplicantType, DisclosureChannel, DisclosureReply, ReplyCategory, Satisfaction, SuggestionKind
from .deadlines import derive_disclosure, derive_suggestion
from .models import DisclosureRequest, Suggestion, SuggestionCoHandler

SEPARATORS = re.compile(r"[、,，;；\s]+")


def units_in_scope(user) -> dict:
    return {"units": {u.code: u for u in Unit.objects.visible_to(user)}}


class SuggestionImport(Importer):
    slug = "suggestions"
    title = "建议提案"
    model = Suggestion
    natural_key = ("kind", "session", "number")
    columns = [
        Column("类别", "kind", choice(SuggestionKind.choices), example="人大代表建议"),
        Column("届次会议", "session", text(60), example="十五届人大三次会议"),
        Column("建议（提案）号", "number", text(40), example="0123"),
        Column("标题", "title", text(300), example="关于加强农村饮水安全保障的建议"),
        Column("领衔代表（委员）", "proposer", text(100), example="王某"),
        Column("主办单位编码", "unit", text(32), example="YC-D15", note="本人数据范围内的单位编码"),
        Column("协办单位编码", "co_units", text(), required=False, example="YC-D11、YC-D16", note="多个用顿号分隔"),
        Column("交办日期", "assigned_on", date(), example="2025-03-20"),
        Column("涉及面广、处理难度大", "difficult", boolean(), required=False, example="否"),
        Column("延期答复说明", "difficult_reason", text(300), required=False),
        Column("答复日期", "replied_on", date(), required=False, example="2025-06-10"),
        Column(
            "答复类别",
            "reply_category",
            choice(ReplyCategory.choices),
            required=False,
            example=ReplyCategory.SOLVED.label,
        ),
        Column("代表（委员）意见", "satisfaction", choice(Satisfaction.choices), required=False, example="满意"),
        Column("反馈日期", "feedback_on", date(), required=False, example="2025-06-20"),
    ]

    def prepare(self, user):
        return {**units_in_scope(user), "all_units": dict(Unit.objects.values_list("code", "pk"))}

    def build(self, values, context):
        return Suggestion(
            unit=look_up(context["units"], values["unit"], "主办单位编码不存在或不在您的数据范围内"),
            kind=values["kind"],
            session=values["session"],
            number=values["number"],
            title=values["title"],
            proposer=values["proposer"],
            assigned_on=values["assigned_on"],
        )

    def check(self, suggestion, values, context):
        """The row's steps, replayed in memory with the checks the steps use: 协办, 延期, 答复, 代表（委员）意见."""
        co_ids = []
        for code in SEPARATORS.split(values["co_units"] or ""):
            if not code:
                continue
            if code not in context["all_units"]:
                raise ValidationError({"co_units": f"协办单位编码“{code}”不存在"})
            check_for_field(
                "co_units", rules.check_co_handler, suggestion, context["all_units"][code], set(co_ids), code
            )
            co_ids.append(context["all_units"][code])
        if values["difficult"]:
            check_for_field(
                "difficult_reason", rules.check_difficult, suggestion, None, values["difficult_reason"] or ""
            )
        elif values["difficult_reason"]:
            raise ValidationError({"difficult": "填写了延期答复说明的，“涉及面广、处理难度大”应填“是”"})
        replied_on = values["replied_on"]
        if bool(replied_on) != bool(values["reply_category"]):
            raise CellError("答复日期与答复类别应同时填写")
        if replied_on:
            check_for_field("replied_on", rules.check_reply, suggestion, replied_on, values["reply_category"])
        if values["satisfaction"] or values["feedback_on"]:
            if not replied_on:
                raise CellError("尚未答复的建议提案不能填写代表（委员）意见")
            if not (values["satisfaction"] and values["feedback_on"]):
                raise CellError("代表（委员）意见与反馈日期应同时填写")
            check_for_field(
                "feedback_on", rules.check_feedback, suggestion, values["feedback_on"], values["satisfaction"]
            )
        derive_suggestion(suggestion)
        suggestion._co_unit_ids = co_ids

    def save(self, suggestions, user):
        super().save(suggestions, user)
        SuggestionCoHandler.objects.bulk_create(
            [
                SuggestionCoHandler(suggestion_id=s.pk, unit_id=unit_id)
                for s in suggestions
                for unit_id in s._co_unit_ids
            ]
        )


class DisclosureImport(Importer):
    slug = "disclosure-requests"
    title = "依申请公开"
    model = DisclosureRequest
    natural_key = ("number",)
    columns = [
        Column("申请编号", "number", text(60), example="YSQ2025-001"),
        Column("受理单位编码", "unit", text(32), example="YC-D11", note="本人数据范围内的单位编码"),
        Column("申请人类型", "applicant_type", choice(ApplicantType.choices), example="自然人"),
        Column("申请人", "applicant_name", text(200), example="李某"),
        Column("申请方式", "channel", choice(DisclosureChannel.choices), example="网上申请"),
        Column("申请公开的信息", "content", text(500), example="某地块征收补偿方案"),
        Column("收到申请日期", "received_on", date(), example="2025-03-03"),
        Column("延长答复期限（工作日）", "extension_days", integer(0, 366), required=False),
        Column("同意延长的负责人", "extension_approver", text(50), required=False),
        Column("答复日期", "replied_on", date(), required=False, example="2025-03-20"),
        Column(
            "答复类型",
            "reply_type",
            choice(DisclosureReply.choices),
            required=False,
            example=DisclosureReply.PROVIDED.label,
            note="、".join(DisclosureReply.labels),
        ),
        Column("答复理由或说明", "reply_reason", text(500), required=False),
    ]

    def prepare(self, user):
        return {**units_in_scope(user), "calendar": default_calendar()}

    def build(self, values, context):
        return DisclosureRequest(
            unit=look_up(context["units"], values["unit"], "受理单位编码不存在或不在您的数据范围内"),
            number=values["number"],
            applicant_type=values["applicant_type"],
            applicant_name=values["applicant_name"],
            channel=values["channel"],
            content=values["content"],
            received_on=values["received_on"],
        )

    def check(self, request, values, context):
        # The 台账 records the extension without its date: the cap and the approver are checked as the step does.
        days = values["extension_days"] or 0
        if days:
            check_for_field("extension_days", rules.check_extension_days, request, days)
            approver = require_text(
                values["extension_approver"],
                ValidationError(
                    {"extension_approver": rule("disclosure.extension_before_due").violation("未填写同意延长的负责人")}
                ),
            )
            request.extension_days, request.extension_approver = days, approver
        elif values["extension_approver"]:
            raise ValidationError({"extension_days": "填写了同意延长的负责人的，请填写延长答复期限（工作日）"})
        if bool(values["replied_on"]) != bool(values["reply_type"]):
            raise CellError("答复日期与答复类型应同时填写")
        if values["replied_on"]:
            check_for_field(
                "replied_on",
                rules.check_reply_disclosure,
                request,
                values["reply_type"],
                values["replied_on"],
                values["reply_reason"] or "",
                by_code=dict.fromkeys(rules.REASON_RULES.values(), "reply_reason"),
            )
        derive_disclosure(request, (), context["calendar"])
