"""Workflow steps shown on the detail pages and served at POST /api/<ledger>/{id}/<step>/: thin forms over the
locked steps in rules.py.

Each form names its fields after the fields the step writes (`reviewed_on`, `filed_on`, `discussed_on`, …), so
the API body reads like the row it changes. `available` only decides which buttons a page shows; the step
itself refuses what does not fit the row's state when it runs.
"""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .choices import (
    CleanupOutcomeKind,
    DecisionStatus,
    DiscussionOutcome,
    DocumentStatus,
    EvaluationConclusion,
    EvaluationKind,
    ReviewAdoption,
    ReviewConclusion,
    ReviewerKind,
    ReviewStatus,
    RiskLevel,
)
from .models import LegalAdviser


def today():
    return timezone.localdate()


def date_field(label="日期", initial=today, required=True):
    return forms.DateField(
        label=label,
        initial=initial,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def text_field(label, required=True, max_length=200):
    return forms.CharField(label=label, required=required, max_length=max_length)


def area_field(label, required=True, initial=None):
    return forms.CharField(label=label, required=required, initial=initial, widget=forms.Textarea(attrs={"rows": 2}))


def choice_field(label, choices, required=True):
    return forms.ChoiceField(label=label, choices=choices, required=required)


def yes_no_field(label, yes, no):
    """A yes/no choice ("1" or "0") whose cleaned value is a bool."""
    return forms.TypedChoiceField(
        label=label,
        choices=[("1", yes), ("0", no)],
        coerce=lambda value: value == "1",
    )


def offer_only(field, rows, label):
    """Let `field` accept any row of its queryset (the step refuses those already dealt with, naming why) while
    the page offers only `rows`, the ones still waiting."""
    field.widget.choices = [("", "请选择"), *((row.pk, label(row)) for row in rows)]


class EmptyForm(forms.Form):
    pass


class ConsultationForm(forms.Form):
    title = text_field("征求意见标题")
    draft_text = area_field("征求意见稿")
    explanation = area_field("起草说明", required=False)
    starts_on = date_field("开始日期")
    ends_on = date_field("截止日期", initial=None)
    short_reason = area_field("期限少于规定期限的理由", required=False)

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        if obj is not None:
            self.fields["title"].initial = f"关于《{obj.title}》公开征求意见的公告"
            self.fields["draft_text"].initial = getattr(obj, "body", "") or getattr(obj, "description", "")


def open_consultation(subject_kind):
    def run(obj, data, user):
        fields = {k: data[k] for k in ("title", "draft_text", "explanation", "starts_on", "ends_on", "short_reason")}
        if subject_kind == "document":
            rules.open_document_consultation(obj, **fields)
        else:
            rules.open_decision_consultation(obj, **fields)

    return run


def no_running_consultation(subject):
    return not subject.consultations.filter(ends_on__gte=today()).exists()


# -- 行政规范性文件 ---------------------------------------------------------------------------------------------
class SubmitReviewForm(forms.Form):
    review_submitted_on = date_field("送审日期")


class ReviewForm(forms.Form):
    reviewed_on = date_field("审核完成日期")
    reviewer = text_field("审核机构（人员）", max_length=100)
    review_opinion = area_field("审核意见")
    review_passed = yes_no_field("审核结论", "通过", "不通过")


class DeliberateForm(forms.Form):
    deliberated_on = date_field("集体审议日期")
    meeting = text_field("审议会议")


class PublishForm(forms.Form):
    number = text_field("文号", max_length=60)
    published_on = date_field("公布日期")
    effective_from = date_field("施行日期")
    valid_until = date_field("有效期至（不填则取上限）", initial=None, required=False)


class FileForm(forms.Form):
    filed_on = date_field("报送备案日期")
    filing_body = text_field("备案机关", max_length=100)


class EvaluateDocumentForm(forms.Form):
    evaluated_on = date_field("评估日期")
    evaluation_kind = choice_field("评估类型", EvaluationKind.choices)
    evaluation_conclusion = choice_field("评估结论", EvaluationConclusion.choices)
    evaluation_report = area_field("评估情况")


def doc_status(*statuses):
    return lambda doc: doc.status in statuses


def can_consult(doc):
    return doc.status in (DocumentStatus.DRAFTING, DocumentStatus.REVIEW_FAILED) and no_running_consultation(doc)


DOCUMENT_ACTIONS = [
    Action("consult", "公开征求意见", ConsultationForm, open_consultation("document"), can_consult),
    Action(
        "submit-review",
        "送合法性审核",
        SubmitReviewForm,
        lambda doc, d, u: rules.submit_for_review(doc, d["review_submitted_on"]),
        doc_status(DocumentStatus.DRAFTING, DocumentStatus.REVIEW_FAILED),
    ),
    Action(
        "review",
        "合法性审核意见",
        ReviewForm,
        lambda doc, d, u: rules.complete_review(
            doc, d["reviewed_on"], d["reviewer"], d["review_opinion"], d["review_passed"]
        ),
        doc_status(DocumentStatus.REVIEWING),
    ),
    # Offered before a passed review too: the step then refuses with the rule (审核未通过的不得提交审议).
    Action(
        "deliberate",
        "集体审议",
        DeliberateForm,
        lambda doc, d, u: rules.deliberate(doc, d["deliberated_on"], d["meeting"]),
        doc_status(DocumentStatus.REVIEWING, DocumentStatus.REVIEW_FAILED, DocumentStatus.REVIEW_PASSED),
    ),
    Action(
        "publish",
        "公布",
        PublishForm,
        lambda doc, d, u: rules.publish_document(
            doc,
            number=d["number"],
            published_on=d["published_on"],
            effective_from=d["effective_from"],
            valid_until=d["valid_until"],
        ),
        doc_status(DocumentStatus.REVIEW_PASSED, DocumentStatus.DELIBERATED),
    ),
    Action(
        "file",
        "报送备案",
        FileForm,
        lambda doc, d, u: rules.file_document(doc, d["filed_on"], d["filing_body"]),
        lambda doc: doc.status == DocumentStatus.PUBLISHED and doc.filing_required and doc.filed_on is None,
    ),
    Action(
        "evaluate",
        "评估",
        EvaluateDocumentForm,
        lambda doc, d, u: rules.evaluate_document(
            doc, d["evaluated_on"], d["evaluation_kind"], d["evaluation_conclusion"], d["evaluation_report"]
        ),
        doc_status(DocumentStatus.PUBLISHED),
    ),
]


def in_force_filter(queryset, name, value):
    from .models import in_force_q

    if value is None:
        return queryset
    return queryset.filter(in_force_q(today())) if value else queryset.exclude(in_force_q(today()))


def filing_overdue_filter(queryset, name, value):
    if value is None:
        return queryset
    overdue = rules.filing_overdue_documents(today()).values("pk")
    return queryset.filter(pk__in=overdue) if value else queryset.exclude(pk__in=overdue)


def expiring_filter(queryset, name, value):
    if value is None:
        return queryset
    expiring = rules.expiring_documents(today()).values("pk")
    return queryset.filter(pk__in=expiring) if value else queryset.exclude(pk__in=expiring)


DOCUMENT_FILTERS = {
    "in_force": django_filters.BooleanFilter(label="现行有效", method=in_force_filter),
    "filing_overdue": django_filters.BooleanFilter(label="备案逾期", method=filing_overdue_filter),
    "expiring": django_filters.BooleanFilter(label="待届满前评估", method=expiring_filter),
}


# -- 公开征求意见 -----------------------------------------------------------------------------------------------
class AnswerForm(forms.Form):
    comment = forms.ModelChoiceField(label="意见", queryset=None)
    adopted = yes_no_field("是否采纳", "采纳", "不采纳")
    reply = area_field("答复（不采纳的须说明理由）", required=False)

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        self.fields["comment"].queryset = obj.comments.order_by("submitted_at", "id")
        offer_only(
            self.fields["comment"],
            obj.comments.filter(adopted__isnull=True).order_by("submitted_at", "id"),
            lambda c: f"{c.pk}：{c.content[:30]}",
        )


class FeedbackForm(forms.Form):
    feedback_published_on = date_field("采纳情况公布日期")
    feedback = area_field("意见采纳情况")


CONSULTATION_ACTIONS = [
    Action(
        "answer",
        "意见采纳处理",
        AnswerForm,
        lambda c, d, u: rules.answer_comment(d["comment"], d["adopted"], d["reply"]),
        lambda c: c.feedback_published_on is None and c.comments.filter(adopted__isnull=True).exists(),
    ),
    Action(
        "feedback",
        "公布意见采纳情况",
        FeedbackForm,
        lambda c, d, u: rules.publish_feedback(c, d["feedback_published_on"], d["feedback"]),
        lambda c: c.feedback_published_on is None,
    ),
]


# -- 清理 ------------------------------------------------------------------------------------------------------
class OutcomeForm(forms.Form):
    item = forms.ModelChoiceField(label="文件", queryset=None)
    outcome = choice_field("清理结论", CleanupOutcomeKind.choices)
    reason = area_field("理由")
    decided_on = date_field("结论日期")

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        # Any listed document may be decided (again) until the campaign is completed; the page offers those pending.
        self.fields["item"].queryset = obj.items.select_related("document").order_by("id")
        offer_only(
            self.fields["item"],
            obj.items.filter(outcome="").select_related("document").order_by("id"),
            lambda i: str(i.document),
        )


class BulkOutcomeForm(forms.Form):
    outcome = choice_field("清理结论", CleanupOutcomeKind.choices)
    reason = area_field("理由")
    decided_on = date_field("结论日期")


class CompleteForm(forms.Form):
    completed_on = date_field("完成日期")


class PublishDateForm(forms.Form):
    published_on = date_field("公布日期")


def campaign_open(campaign):
    return campaign.completed_on is None


def has_pending(campaign):
    return campaign.completed_on is None and campaign.items.filter(outcome="").exists()


CAMPAIGN_ACTIONS = [
    Action(
        "list-documents", "列入现行有效文件", EmptyForm, lambda c, d, u: rules.add_documents_in_force(c), campaign_open
    ),
    Action(
        "outcome",
        "作出清理结论",
        OutcomeForm,
        lambda c, d, u: rules.record_cleanup_outcome(d["item"], d["outcome"], d["reason"], d["decided_on"]),
        has_pending,
    ),
    Action(
        "bulk-outcome",
        "其余文件统一作出结论",
        BulkOutcomeForm,
        lambda c, d, u: rules.record_remaining_outcomes(c, d["outcome"], d["reason"], d["decided_on"]),
        has_pending,
    ),
    Action(
        "complete",
        "完成清理",
        CompleteForm,
        lambda c, d, u: rules.complete_cleanup(c, d["completed_on"]),
        campaign_open,
    ),
    Action(
        "publish",
        "公布清理结果",
        PublishDateForm,
        lambda c, d, u: rules.publish_cleanup(c, d["published_on"]),
        lambda c: c.completed_on is not None and c.published_on is None,
    ),
]


# -- 重大行政决策 -----------------------------------------------------------------------------------------------
class ApproveForm(forms.Form):
    party_approved_on = date_field("同级党委同意日期")


CATALOGUE_ACTIONS = [
    Action(
        "approve",
        "同级党委同意",
        ApproveForm,
        lambda c, d, u: rules.approve_catalogue(c, d["party_approved_on"]),
        lambda c: c.party_approved_on is None,
    ),
    Action(
        "publish",
        "公布目录",
        PublishDateForm,
        lambda c, d, u: rules.publish_catalogue(c, d["published_on"]),
        lambda c: c.published_on is None,
    ),
]


class ExemptForm(forms.Form):
    procedure = choice_field("程序", [(k, label) for k, (_, label) in rules.PROCEDURE_EXEMPTIONS.items()])
    reason = area_field("不适用的理由")


class ExpertForm(forms.Form):
    expert_review_on = date_field("专家论证日期")
    expert_names = text_field("论证专家", max_length=300)
    expert_opinion = area_field("论证意见")


class RiskForm(forms.Form):
    risk_assessed_on = date_field("风险评估日期")
    risk_level = choice_field("风险等级", RiskLevel.choices)
    risk_summary = area_field("评估结论")


class SubmitLegalityForm(forms.Form):
    legality_submitted_on = date_field("合法性审查送审日期")


class LegalityForm(forms.Form):
    legality_reviewed_on = date_field("审查完成日期")
    legality_reviewer = text_field("审查机构（人员）", max_length=100)
    legality_opinion = area_field("审查意见")
    legality_passed = yes_no_field("审查结论", "通过", "不通过")
    legality_short_reason = area_field("审查时间较短的理由", required=False)


class DiscussForm(forms.Form):
    discussed_on = date_field("集体讨论日期")
    meeting = text_field("讨论会议")
    decided_by = text_field("作出决定的行政首长", max_length=50)
    attendees = area_field("出席人员", required=False)
    discussion_outcome = choice_field("讨论结果", DiscussionOutcome.choices)


class PublishDecisionForm(forms.Form):
    published_on = date_field("决策公布日期")
    publication_channel = text_field("公布渠道")


class EvaluateDecisionForm(forms.Form):
    evaluated_on = date_field("决策后评估日期")
    evaluator = text_field("评估机构", max_length=100)
    evaluation_summary = area_field("后评估结论")


def planned(decision):
    return decision.status == DecisionStatus.PLANNED


DECISION_ACTIONS = [
    Action(
        "consult",
        "公开征求意见",
        ConsultationForm,
        open_consultation("decision"),
        lambda d: planned(d) and not d.participation_exempt_reason and no_running_consultation(d),
    ),
    Action(
        "exempt",
        "载明程序不适用的理由",
        ExemptForm,
        lambda obj, d, u: rules.exempt_procedure(obj, d["procedure"], d["reason"]),
        planned,
    ),
    Action(
        "expert",
        "专家论证",
        ExpertForm,
        lambda obj, d, u: rules.record_expert_review(
            obj, d["expert_review_on"], d["expert_names"], d["expert_opinion"]
        ),
        lambda d: planned(d) and d.expert_review_on is None,
    ),
    Action(
        "risk",
        "风险评估",
        RiskForm,
        lambda obj, d, u: rules.record_risk_assessment(obj, d["risk_assessed_on"], d["risk_level"], d["risk_summary"]),
        lambda d: planned(d) and d.risk_assessed_on is None,
    ),
    Action(
        "submit-legality",
        "送合法性审查",
        SubmitLegalityForm,
        lambda obj, d, u: rules.submit_legality_review(obj, d["legality_submitted_on"]),
        lambda d: planned(d) and (d.legality_submitted_on is None or d.legality_passed is False),
    ),
    Action(
        "legality",
        "合法性审查意见",
        LegalityForm,
        lambda obj, d, u: rules.complete_legality_review(
            obj,
            d["legality_reviewed_on"],
            d["legality_reviewer"],
            d["legality_opinion"],
            d["legality_passed"],
            d["legality_short_reason"],
        ),
        lambda d: planned(d) and d.legality_submitted_on is not None and d.legality_reviewed_on is None,
    ),
    # Offered to every planned decision: the step refuses, citing the rule, while a procedure is missing.
    Action(
        "discuss",
        "集体讨论决定",
        DiscussForm,
        lambda obj, d, u: rules.discuss(
            obj,
            on=d["discussed_on"],
            meeting=d["meeting"],
            decided_by=d["decided_by"],
            attendees=d["attendees"],
            outcome=d["discussion_outcome"],
        ),
        planned,
    ),
    Action(
        "publish",
        "公布决策",
        PublishDecisionForm,
        lambda obj, d, u: rules.publish_decision(obj, d["published_on"], d["publication_channel"]),
        lambda d: d.status == DecisionStatus.DECIDED,
    ),
    Action(
        "evaluate",
        "决策后评估",
        EvaluateDecisionForm,
        lambda obj, d, u: rules.evaluate_decision(obj, d["evaluated_on"], d["evaluator"], d["evaluation_summary"]),
        lambda d: d.status == DecisionStatus.PUBLISHED and d.evaluated_on is None,
    ),
]


# -- 合法性审查 -------------------------------------------------------------------------------------------------
class OpinionForm(forms.Form):
    opinion_on = date_field("出具意见日期")
    reviewer_kind = choice_field("审查人类型", ReviewerKind.choices)
    adviser = forms.ModelChoiceField(label="法律顾问", queryset=None, required=False)
    reviewer_name = text_field("审查人", required=False, max_length=100)
    opinion = area_field("审查意见")
    conclusion = choice_field("审查结论", ReviewConclusion.choices)

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        # Only advisers engaged by or serving the reviewed unit: what the row itself entitles one to see.
        self.fields["adviser"].queryset = (
            LegalAdviser.objects.filter(Q(unit=obj.unit) | Q(units_served=obj.unit)).distinct().order_by("name")
        )


class CloseForm(forms.Form):
    closed_on = date_field("办结日期")
    adoption = choice_field("意见采纳情况", ReviewAdoption.choices)


REVIEW_ACTIONS = [
    Action(
        "opinion",
        "出具审查意见",
        OpinionForm,
        lambda r, d, u: rules.give_opinion(
            r,
            on=d["opinion_on"],
            reviewer_kind=d["reviewer_kind"],
            reviewer_name=d["reviewer_name"],
            opinion=d["opinion"],
            conclusion=d["conclusion"],
            adviser=d["adviser"],
        ),
        lambda r: r.status == ReviewStatus.REQUESTED,
    ),
    Action(
        "close",
        "办结",
        CloseForm,
        lambda r, d, u: rules.close_review(r, d["closed_on"], d["adoption"]),
        lambda r: r.status == ReviewStatus.OPINION_GIVEN,
    ),
]
