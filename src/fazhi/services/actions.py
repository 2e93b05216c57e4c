"""The 政务服务 workflow steps shown on a detail page: thin forms over the functions in rules.py."""
import datetime as dt

from django import forms
from django.utils import timezone

from fazhi.core.ledgers import Action

from . import rules
from .choices import ApplicationStatus, ClockStopReason, Outcome


def today():
    return timezone.localdate()


class DateForm(forms.Form):
    on = forms.DateField(label="日期", initial=today, widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"))


class DecideForm(DateForm):
    outcome = forms.ChoiceField(label="办理结果", choices=Outcome.choices, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))


class StopClockForm(DateForm):
    reason = forms.ChoiceField(label="原因", choices=ClockStopReason.choices, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))
    note = forms.CharField(label="说明", required=False, max_length=200, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))


class MissingDocumentForm(forms.Form):
    name = forms.CharField(label="所缺材料", max_length=200, widget=forms.TextInput(attrs={"class": "form-control form-control-sm"}))
    due_on = forms.DateField(label="补齐期限", widget=forms.DateInput(attrs={"type": "date", "class": "form-control form-control-sm"}, format="%Y-%m-%d"))


class SupplyForm(DateForm):
    document = forms.ModelChoiceField(label="材料", queryset=None, widget=forms.Select(attrs={"class": "form-select form-select-sm"}))

    def __init__(self, data=None, obj=None):
        super().__init__(data)
        self.fields["document"].queryset = obj.missing_documents.filter(supplied_on__isnull=True)


def status_is(*statuses):
    return lambda app: app.status in statuses


def has_open_stop(app):
    return app.clock_stops.filter(ended_on__isnull=True).exists()


APPLICATION_ACTIONS = [
    Action("accept", "受理", DateForm, lambda app, data, user: rules.accept(app, data["on"]),
           status_is(ApplicationStatus.RECEIVED)),
    Action("refuse", "不予受理", DateForm, lambda app, data, user: rules.refuse_acceptance(app, data["on"]),
           status_is(ApplicationStatus.RECEIVED)),
    Action("stop-clock", "中止计时", StopClockForm,
           lambda app, data, user: rules.stop_clock(app, data["reason"], data["on"], data["note"]),
           lambda app: app.status == ApplicationStatus.ACCEPTED and not has_open_stop(app)),
    Action("resume-clock", "恢复计时", DateForm, lambda app, data, user: rules.resume_clock(app, data["on"]),
           lambda app: app.status == ApplicationStatus.ACCEPTED and has_open_stop(app)),
    Action("missing-document", "登记容缺材料", MissingDocumentForm,
           lambda app, data, user: rules.add_missing_document(app, data["name"], data["due_on"]),
           lambda app: app.status == ApplicationStatus.ACCEPTED and app.item.tolerance_allowed),
    Action("supply-document", "材料已补齐", SupplyForm,
           lambda app, data, user: rules.supply_document(data["document"], data["on"]),
           lambda app: app.missing_documents.filter(supplied_on__isnull=True).exists()),
    Action("decide", "办结", DecideForm, lambda app, data, user: rules.decide(app, data["on"], data["outcome"]),
           status_is(ApplicationStatus.ACCEPTED)),
]

RATING_ACTIONS = [
    Action("rectify", "整改完成", DateForm, lambda rating, data, user: rules.rectify(rating, data["on"]),
           lambda rating: rating.is_bad and rating.rectified_on is None),
]


def overdue_filter(queryset, name, value):
    """Late: decided after the deadline, or still open past it."""
    from django.db.models import Q

    if value is None:
        return queryset
    late = Q(on_time=False) | Q(status=ApplicationStatus.ACCEPTED, due_on__lt=today())
    return queryset.filter(late) if value else queryset.exclude(late)
