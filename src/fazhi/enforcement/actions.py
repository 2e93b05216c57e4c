"""The 行政执法 workflow steps shown on detail pages and served at POST /api/<ledger>/{id}/<step>/: thin forms over
the locked steps in rules.py. Each form names its fields after those the step writes (`decided_on`, `published_on`,
…), so the API body reads like the row it changes."""

import datetime as dt

from django import forms
from django.db.models import Q
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .choices import CaseStatus, CertificateKind, DiscretionGrade, FileGrade, Outcome, RecordKind, ReviewResult
from .models import Case, Certificate, Officer, valid_certificates


def today():
    return timezone.localdate()


def date_field(label="日期", initial=today, required=True):
    return forms.DateField(
        label=label,
        initial=initial,
        required=required,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def text_field(label, max_length=500, required=True):
    return forms.CharField(label=label, max_length=max_length, required=required)


def money_field(label, required=False):
    return forms.DecimalField(
        label=label,
        required=required,
        min_value=0,
        max_digits=14,
        decimal_places=2,
    )


class RevokeForm(forms.Form):
    revoked_on = date_field("注销日期")
    revocation_reason = text_field("注销原因")


class ExtendForm(forms.Form):
    extended_on = date_field("延期批准日期")
    extension_reason = text_field("延期理由")


class PublishForm(forms.Form):
    published_on = date_field("公示日期")


class CloseForm(forms.Form):
    closed_on = date_field("结案日期")


class TrainingForm(forms.Form):
    title = text_field("培训名称", 200)
    held_on = date_field("培训日期")
    hours = forms.DecimalField(label="学时", min_value=0, max_digits=5, decimal_places=1)
    exam_score = forms.DecimalField(
        label="考试成绩",
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=1,
    )
    passed = forms.NullBooleanField(
        label="考试结果",
        required=False,
        widget=forms.Select(choices=[("unknown", "未考试"), ("true", "合格"), ("false", "不合格")]),
    )


class StandardForm(forms.Form):
    grade = forms.ChoiceField(label="档次", choices=DiscretionGrade.choices)
    circumstances = text_field("适用情形")
    fine_min = money_field("罚款下限（元）", required=True)
    fine_max = money_field("罚款上限（元）", required=True)


class RecordForm(forms.Form):
    kind = forms.ChoiceField(label="记录类型", choices=RecordKind.choices)
    title = text_field("名称", 200)
    recorded_on = date_field("记录日期")
    officer = forms.ModelChoiceField(label="记录人", queryset=Officer.objects.none(), required=False)
    sha256 = forms.CharField(label="SHA-256", min_length=64, max_length=64)
    reference = text_field("存储位置", required=False)

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        if obj is not None:
            self.fields["officer"].queryset = obj.officers.all()


class ReviewForm(forms.Form):
    reviewer = forms.ModelChoiceField(label="审核人员", queryset=Officer.objects.none())
    reviewed_on = date_field("审核日期")
    result = forms.ChoiceField(label="审核结果", choices=ReviewResult.choices)
    opinion = text_field("审核意见", required=False)

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        if obj is not None:
            # Legal reviewers of the case's unit and the units above it (the 法制机构 may sit higher up).
            self.fields["reviewer"].queryset = Officer.objects.filter(
                is_legal_reviewer=True,
                is_active=True,
                unit__in=[*obj.unit.ancestors(), obj.unit],
            ).order_by("name")


class DecideForm(forms.Form):
    decided_on = date_field("决定日期")
    outcome = forms.ChoiceField(label="处理决定", choices=Outcome.choices)
    fine_amount = money_field("罚款金额（元）")
    confiscation_amount = money_field("没收金额（元）")
    discretion_grade = forms.ChoiceField(
        label="适用裁量档次",
        required=False,
        choices=[("", "—")] + DiscretionGrade.choices,
    )
    deviation_reason = text_field("超出裁量基准的理由", required=False)


class FileReviewForm(forms.Form):
    reviewed_on = date_field("评查日期")
    reviewer = text_field("评查人员", 100)
    score = forms.DecimalField(label="得分", min_value=0, max_value=100, max_digits=5, decimal_places=1)
    grade = forms.ChoiceField(label="等次", choices=FileGrade.choices)
    findings = text_field("发现的问题", required=False)


def status_is(*statuses):
    return lambda case: case.status in statuses


CERTIFICATE_ACTIONS = [
    Action(
        "revoke",
        "注销证件",
        RevokeForm,
        lambda cert, data, user: rules.revoke_certificate(cert, data["revoked_on"], data["revocation_reason"]),
        lambda cert: cert.revoked_on is None,
    ),
]

OFFICER_ACTIONS = [
    Action(
        "training",
        "登记培训考试",
        TrainingForm,
        lambda officer, data, user: rules.add_training(
            officer, data["title"], data["held_on"], data["hours"], data["exam_score"], data["passed"]
        ),
    ),
]

MATTER_ACTIONS = [
    Action(
        "standard",
        "添加裁量基准",
        StandardForm,
        lambda matter, data, user: rules.add_standard(
            matter, data["grade"], data["circumstances"], data["fine_min"], data["fine_max"]
        ),
    ),
]

CASE_ACTIONS = [
    Action(
        "record",
        "登记全过程记录",
        RecordForm,
        lambda case, data, user: rules.add_record(
            case,
            kind=data["kind"],
            title=data["title"],
            recorded_on=data["recorded_on"],
            sha256=data["sha256"],
            officer=data["officer"],
            reference=data["reference"],
        ),
        status_is(CaseStatus.OPEN, CaseStatus.DECIDED),
    ),
    Action(
        "legal-review",
        "法制审核",
        ReviewForm,
        lambda case, data, user: rules.legal_review(
            case,
            reviewer=data["reviewer"],
            reviewed_on=data["reviewed_on"],
            result=data["result"],
            opinion=data["opinion"],
        ),
        status_is(CaseStatus.OPEN),
    ),
    Action(
        "extend",
        "延长办案期限",
        ExtendForm,
        lambda case, data, user: rules.extend(case, on=data["extended_on"], reason=data["extension_reason"]),
        lambda case: case.status == CaseStatus.OPEN and case.due_on is not None and case.extended_on is None,
    ),
    Action(
        "decide",
        "作出决定",
        DecideForm,
        lambda case, data, user: rules.decide(
            case,
            on=data["decided_on"],
            outcome=data["outcome"],
            fine_amount=data["fine_amount"],
            confiscation_amount=data["confiscation_amount"],
            grade=data["discretion_grade"],
            deviation_reason=data["deviation_reason"],
        ),
        status_is(CaseStatus.OPEN),
    ),
    Action(
        "publish",
        "公示决定",
        PublishForm,
        lambda case, data, user: rules.publish(case, on=data["published_on"]),
        lambda case: case.status != CaseStatus.OPEN and case.published_on is None,
    ),
    Action(
        "close",
        "结案",
        CloseForm,
        lambda case, data, user: rules.close(case, on=data["closed_on"]),
        status_is(CaseStatus.DECIDED),
    ),
    Action(
        "file-review",
        "案卷评查",
        FileReviewForm,
        lambda case, data, user: rules.review_file(
            case,
            reviewed_on=data["reviewed_on"],
            reviewer=data["reviewer"],
            score=data["score"],
            grade=data["grade"],
            findings=data["findings"],
        ),
        status_is(CaseStatus.CLOSED),
    ),
]


def publicity_overdue_filter(queryset, name, value):
    """Decisions published late, or still unpublished past the limit."""
    if value is None:
        return queryset
    late = Q(published_on_time=False) | Q(published_on__isnull=True, publicity_due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)


def handling_overdue_filter(queryset, name, value):
    """Cases decided after the handling limit, or still open past it."""
    if value is None:
        return queryset
    late = Q(decided_late=True) | Q(status=CaseStatus.OPEN, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)


def certified_filter(queryset, name, value):
    """Officers holding a valid 执法证 today (the 执法检查人员名录库 is drawn from them)."""
    if value is None:
        return queryset
    holders = valid_certificates(today()).values("officer_id")
    return queryset.filter(pk__in=holders) if value else queryset.exclude(pk__in=holders)


class OfficerSelect(forms.SelectMultiple):
    """The officers of a case, each marked when no 执法证 of theirs is valid on the case's day (立案日期).

    Display only: `rules.check_officers` decides. Each option carries its certificates' valid days
    (`data-certificates="from..to;…"`), so the page re-marks the list when the clerk changes the date."""

    MARK = "（当日无有效执法证）"

    def __init__(self, day: dt.date, day_field: str, attrs=None):
        super().__init__(attrs={"data-searchable": "", "data-certificate-day": day_field, **(attrs or {})})
        self.day = day
        self.ranges: dict[int, list[tuple[dt.date, dt.date]]] = {}

    def optgroups(self, name, value, attrs=None):
        queryset = getattr(self.choices, "queryset", None)
        self.ranges = {}
        if queryset is not None:
            certificates = Certificate.objects.filter(
                kind=CertificateKind.ENFORCEMENT, officer__in=queryset, officer__is_active=True
            ).values_list("officer_id", "issued_on", "expires_on", "revoked_on")
            for officer_id, issued_on, expires_on, revoked_on in certificates:
                last = min(expires_on, revoked_on - dt.timedelta(days=1)) if revoked_on else expires_on
                if last >= issued_on:
                    self.ranges.setdefault(officer_id, []).append((issued_on, last))
        return super().optgroups(name, value, attrs)

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        pk = getattr(value, "value", value)
        ranges = self.ranges.get(pk, [])
        option["attrs"]["data-certificates"] = ";".join(f"{a.isoformat()}..{b.isoformat()}" for a, b in ranges)
        if not any(a <= self.day <= b for a, b in ranges):
            option["label"] = f"{label}{self.MARK}"
            option["attrs"]["class"] = "uncertified"
        return option


class CaseForm(forms.ModelForm):
    """立案 form: the two-certified-officers rule is checked here, before the case exists."""

    class Meta:
        model = Case
        fields = [
            "unit",
            "number",
            "matter",
            "party_type",
            "party_name",
            "party_id_number",
            "officers",
            "opened_on",
            "facts",
            "is_major",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        day = self.data.get("opened_on") if self.is_bound else None
        try:
            day = dt.date.fromisoformat(day) if day else (self.instance.opened_on or today())
        except ValueError:
            day = self.instance.opened_on or today()
        field = self.fields["officers"]
        field.widget = OfficerSelect(day=day, day_field=self["opened_on"].auto_id)
        field.widget.choices = field.choices  # as ModelChoiceField links them; its queryset setter relinks

    def clean(self):
        data = super().clean()
        officers, opened_on, unit = data.get("officers"), data.get("opened_on"), data.get("unit")
        if officers is not None and opened_on and unit:
            try:
                rules.check_officers(officers, opened_on, unit)
                rules.check_reviewers_not_handling(self.instance, officers)
            except forms.ValidationError as error:
                self.add_error("officers", error)
        return data
