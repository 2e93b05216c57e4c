"""The 政务服务 workflow steps shown on a detail page and served at POST /api/<ledger>/{id}/<step>/.

Each form names its date after the field the step writes (`accepted_on`, `decided_on`, …), so the API body reads
like the row it changes.
"""

from django import forms
from django.db.models import Q
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .choices import ApplicationStatus, ClockStopReason, Outcome


def today():
    return timezone.localdate()


def date_field(label, initial=today):
    return forms.DateField(
        label=label, initial=initial, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class AcceptForm(forms.Form):
    accepted_on = date_field("受理日期")


class RefuseForm(forms.Form):
    decided_on = date_field("不予受理决定日期")


class DecideForm(forms.Form):
    decided_on = date_field("办结日期")
    outcome = forms.ChoiceField(label="办理结果", choices=Outcome.choices)


class StopClockForm(forms.Form):
    started_on = date_field("中止日期")
    reason = forms.ChoiceField(label="原因", choices=ClockStopReason.choices)
    note = forms.CharField(label="说明", required=False, max_length=200)


class ResumeClockForm(forms.Form):
    ended_on = date_field("恢复计时日期")


class MissingDocumentForm(forms.Form):
    name = forms.CharField(label="所缺材料", max_length=200)
    due_on = date_field("补齐期限", initial=None)


class SupplyForm(forms.Form):
    document = forms.ModelChoiceField(label="材料", queryset=None)
    supplied_on = date_field("补齐日期")

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        self.fields["document"].queryset = obj.missing_documents.filter(supplied_on__isnull=True)


class RectifyForm(forms.Form):
    rectified_on = date_field("整改完成日期")


def status_is(*statuses):
    return lambda app: app.status in statuses


def has_open_stop(app):
    return app.clock_stops.filter(ended_on__isnull=True).exists()


APPLICATION_ACTIONS = [
    Action(
        "accept",
        "受理",
        AcceptForm,
        lambda app, data, user: rules.accept(app, data["accepted_on"]),
        status_is(ApplicationStatus.RECEIVED),
    ),
    Action(
        "refuse",
        "不予受理",
        RefuseForm,
        lambda app, data, user: rules.refuse_acceptance(app, data["decided_on"]),
        status_is(ApplicationStatus.RECEIVED),
    ),
    Action(
        "stop-clock",
        "中止计时",
        StopClockForm,
        lambda app, data, user: rules.stop_clock(app, data["reason"], data["started_on"], data["note"]),
        lambda app: app.status == ApplicationStatus.ACCEPTED and not has_open_stop(app),
    ),
    Action(
        "resume-clock",
        "恢复计时",
        ResumeClockForm,
        lambda app, data, user: rules.resume_clock(app, data["ended_on"]),
        lambda app: app.status == ApplicationStatus.ACCEPTED and has_open_stop(app),
    ),
    Action(
        "missing-document",
        "登记容缺材料",
        MissingDocumentForm,
        lambda app, data, user: rules.add_missing_document(app, data["name"], data["due_on"]),
        lambda app: app.status == ApplicationStatus.ACCEPTED and app.item.tolerance_allowed,
    ),
    Action(
        "supply-document",
        "材料已补齐",
        SupplyForm,
        lambda app, data, user: rules.supply_document(data["document"], data["supplied_on"]),
        lambda app: app.missing_documents.filter(supplied_on__isnull=True).exists(),
    ),
    Action(
        "decide",
        "办结",
        DecideForm,
        lambda app, data, user: rules.decide(app, data["decided_on"], data["outcome"]),
        status_is(ApplicationStatus.ACCEPTED),
    ),
]

RATING_ACTIONS = [
    Action(
        "rectify",
        "整改完成",
        RectifyForm,
        lambda rating, data, user: rules.rectify(rating, data["rectified_on"]),
        lambda rating: rating.is_bad and rating.rectified_on is None,
    ),
]


def overdue_filter(queryset, name, value):
    """Late: decided after the deadline, or still open past it."""
    if value is None:
        return queryset
    late = Q(on_time=False) | Q(status=ApplicationStatus.ACCEPTED, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)
