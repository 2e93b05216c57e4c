"""政务服务 rules: promised vs statutory limits, deadlines on the 工作日 calendar, clock stops, 容缺, 好差评."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from fazhi.law.calendar import default_calendar
from fazhi.law.errors import RuleViolation
from fazhi.services import rules
from fazhi.services.choices import ApplicationStatus, ClockStopReason, Outcome, RatingChannel
from fazhi.services.deadlines import due_date, is_on_time
from fazhi.services.models import ClockStop, MissingDocument, Rating, ServiceItem

from .factories import make_application, make_item, valid_uscc


def test_promised_limit_longer_than_statutory_is_refused(tree):
    item = ServiceItem(
        unit=tree["dept"],
        code="X",
        name="x",
        item_type="licensing",
        statutory_limit=20,
        promised_limit=21,
        effective_from=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as error:
        item.full_clean()
    assert "《优化营商环境条例》第三十六条" in error.value.message_dict["promised_limit"][0]


def test_applicant_identifiers_are_checked(tree):
    item = make_item(tree["dept"])
    app = make_application(item)
    app.applicant_id_number = app.applicant_id_number[:-1] + ("0" if app.applicant_id_number[-1] != "0" else "1")
    with pytest.raises(ValidationError, match="校验位"):
        app.full_clean()
    app.applicant_type, app.applicant_id_number = "entity", valid_uscc(7)
    app.full_clean()


def test_deadline_counts_working_days_from_acceptance(tree):
    item = make_item(tree["dept"], promised=5)
    app = make_application(item, received=dt.date(2025, 9, 26))
    # Friday 9-26; Sunday 9-28 is a 调休 working day; 10-1 to 10-8 are holidays: 9-28, 9-29, 9-30, 10-9, 10-10.
    rules.accept(app, dt.date(2025, 9, 26))
    assert app.due_on == dt.date(2025, 10, 10)


def test_clock_stops_extend_the_deadline_by_the_working_days_they_last(tree):
    item = make_item(tree["dept"], promised=5)
    app = make_application(item, received=dt.date(2025, 6, 3))
    rules.accept(app, dt.date(2025, 6, 3))
    assert app.due_on == dt.date(2025, 6, 10)
    ClockStop.objects.create(
        application=app, reason=ClockStopReason.CORRECTION, started_on=dt.date(2025, 6, 4), ended_on=dt.date(2025, 6, 6)
    )  # Thu, Fri: 2 working days
    rules.decide(app, dt.date(2025, 6, 12), Outcome.APPROVED)
    assert app.due_on == dt.date(2025, 6, 12) and app.on_time is True


def test_decision_refused_until_missing_documents_are_supplied(tree):
    item = make_item(tree["dept"], tolerance_allowed=True, tolerance_documents="房产证复印件")
    app = make_application(item, tolerance_acceptance=True)
    rules.accept(app, app.received_on)
    doc = MissingDocument.objects.create(application=app, name="房产证复印件", due_on=dt.date(2025, 6, 10))
    with pytest.raises(RuleViolation, match="尚缺材料：房产证复印件.*容缺受理"):
        rules.decide(app, dt.date(2025, 6, 5), Outcome.APPROVED)
    app.refresh_from_db()
    assert app.status == ApplicationStatus.ACCEPTED and app.decided_on is None
    doc.supplied_on = dt.date(2025, 6, 4)
    doc.save()
    rules.decide(app, dt.date(2025, 6, 5), Outcome.APPROVED)
    assert app.status == ApplicationStatus.DECIDED


def test_rating_only_on_a_completed_application(tree):
    item = make_item(tree["dept"])
    app = make_application(item)
    rating = Rating(
        unit=tree["dept"], application=app, stars=1, channel=RatingChannel.ONLINE, rated_on=dt.date(2025, 6, 9)
    )
    with pytest.raises(ValidationError, match="好差评只能针对已办结的办件"):
        rating.full_clean()
    rules.accept(app, app.received_on)
    rules.decide(app, dt.date(2025, 6, 4), Outcome.APPROVED)
    rating.application = app
    rating.full_clean()


workdays_2025 = st.dates(dt.date(2025, 1, 2), dt.date(2025, 11, 30)).filter(lambda d: default_calendar().is_workday(d))


@settings(max_examples=60, deadline=None)
@given(accepted=workdays_2025, limit=st.integers(0, 30))
def test_decided_on_the_deadline_is_on_time_and_a_working_day_later_is_not(accepted, limit):
    due = due_date(accepted, limit)
    assert is_on_time(due, due)
    assert not is_on_time(default_calendar().next_workday(due), due)
    assert default_calendar().workdays_between(accepted, due) == limit
