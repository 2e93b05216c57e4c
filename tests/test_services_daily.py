"""The per-day 办件, 好差评 and card totals stay equal to a count over their tables, whatever path writes them."""

import datetime as dt

import pytest
from django.db import connection
from django.db.models import Count, Q
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from fazhi.core.bulk import insert_with_history
from fazhi.services import daily, rules
from fazhi.services.choices import ApplicantType, Channel, Outcome, RatingChannel
from fazhi.services.models import Application, ApplicationDay, Rating, RatingDay, SupervisionCard, SupervisionCardDay

from .factories import make_application, make_item, valid_id


def counted_from_applications() -> dict:
    """{(unit, day): (accepted, decided, decided on time)} straight from the live applications."""
    totals: dict = {}
    live = Application.objects.all()  # the default manager: live rows only
    for unit_id, day, n in (
        live.filter(accepted_on__isnull=False).values_list("unit_id", "accepted_on").annotate(n=Count("*"))
    ):
        totals[(unit_id, day)] = [n, 0, 0]
    # a refusal of acceptance (decided_on without accepted_on) is no 办结
    decided = (
        live.filter(decided_on__isnull=False, accepted_on__isnull=False)
        .values_list("unit_id", "decided_on")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(on_time=True)))
    )
    for unit_id, day, n, on_time in decided:
        row = totals.setdefault((unit_id, day), [0, 0, 0])
        row[1], row[2] = n, on_time
    return {key: tuple(value) for key, value in totals.items()}


def kept_totals() -> dict:
    return {
        (unit_id, day): (a, d, o)
        for unit_id, day, a, d, o in ApplicationDay.objects.values_list(
            "unit_id", "day", "accepted", "decided", "decided_on_time"
        )
        if (a, d, o) != (0, 0, 0)  # a day whose rows all went away keeps a row of zeros
    }


@pytest.fixture
def items(tree):
    return [make_item(tree["town"], code="T"), make_item(tree["county"], code="C", statutory=10, promised=0)]


def test_every_write_path_keeps_the_totals(items, tree):
    town_item, county_item = items
    first = make_application(town_item, number="A1", received=dt.date(2025, 6, 3))
    rules.accept(first, dt.date(2025, 6, 3))
    rules.decide(first, dt.date(2025, 6, 10), Outcome.APPROVED)  # on time
    late = make_application(town_item, number="A2", received=dt.date(2025, 6, 3))
    rules.accept(late, dt.date(2025, 6, 3))
    rules.decide(late, dt.date(2025, 6, 11), Outcome.APPROVED)  # one working day late
    assert kept_totals() == counted_from_applications()
    day = ApplicationDay.objects.get(unit=tree["town"], day=dt.date(2025, 6, 3))
    assert (day.accepted, day.decided) == (2, 0)
    assert ApplicationDay.objects.get(unit=tree["town"], day=dt.date(2025, 6, 10)).decided_on_time == 1
    assert ApplicationDay.objects.get(unit=tree["town"], day=dt.date(2025, 6, 11)).decided_on_time == 0

    # bulk insert (COPY on PostgreSQL) with history, as the Excel import does
    bulk = [
        Application(
            unit=county_item.unit,
            item=county_item,
            number=f"B{n}",
            applicant_type=ApplicantType.PERSON,
            applicant_name="李四",
            applicant_id_number=valid_id(n),
            channel=Channel.ONLINE,
            received_on=dt.date(2025, 3, 3),
            accepted_on=dt.date(2025, 3, 3),
            decided_on=dt.date(2025, 3, 3 + n % 3),
            on_time=n % 2 == 0,
        )
        for n in range(30)
    ]
    insert_with_history(Application, bulk)
    assert kept_totals() == counted_from_applications()

    # recycle bin and back
    first.soft_delete(None, "录入重复")
    assert kept_totals() == counted_from_applications()
    assert ApplicationDay.objects.get(unit=tree["town"], day=dt.date(2025, 6, 10)).decided_on_time == 0
    first.restore(None)
    assert kept_totals() == counted_from_applications()

    # a queryset update that bypasses save() and signals, moving rows between units and days
    Application.objects.filter(number__startswith="B", number__endswith="1").update(
        unit=tree["town"], accepted_on=dt.date(2025, 3, 4)
    )
    Application.all_objects.filter(number="A2").update(on_time=True)
    assert kept_totals() == counted_from_applications()

    # a change to other columns leaves them as they are
    Application.objects.filter(number="A1").update(applicant_name="王五", status="decided")
    assert kept_totals() == counted_from_applications()

    # physical deletion (a flush on SQLite, a restore) takes the rows out of the totals too
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM services_application WHERE number LIKE 'B2%'")
    assert kept_totals() == counted_from_applications()


operations = st.lists(
    st.tuples(
        st.sampled_from(["create", "accept", "decide", "delete", "restore", "move", "redate"]),
        st.integers(0, 5),
        st.integers(0, 40),
    ),
    min_size=1,
    max_size=25,
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=operations)
def test_random_histories_keep_the_totals(items, tree, steps):
    base = dt.date(2025, 3, 3)
    with connection.cursor() as cursor:  # hypothesis runs every example in the same test database
        cursor.execute("DELETE FROM services_application")
    pool = []
    for n, (operation, pick, offset) in enumerate(steps):
        day = base + dt.timedelta(days=offset)
        target = pool[pick % len(pool)] if pool else None
        if operation == "create" or target is None:
            item = items[pick % 2]
            pool.append(make_application(item, number=f"H{n}", received=day))
            continue
        target.refresh_from_db()
        if operation == "accept":
            Application.all_objects.filter(pk=target.pk).update(accepted_on=day)
        elif operation == "decide":
            Application.all_objects.filter(pk=target.pk).update(decided_on=day, on_time=offset % 3 != 0)
        elif operation == "delete" and not target.is_deleted:
            target.soft_delete(None, "测试")
        elif operation == "restore" and target.is_deleted:
            target.restore(None)
        elif operation == "move":
            Application.all_objects.filter(pk=target.pk).update(unit=tree["town"] if offset % 2 else tree["county"])
        elif operation == "redate":
            Application.all_objects.filter(pk=target.pk).update(accepted_on=None if offset % 4 == 0 else day)
    assert kept_totals() == counted_from_applications()


def test_triggers_are_put_back_and_the_totals_rebuilt(items):
    application = make_application(items[0], number="R1")
    rules.accept(application, dt.date(2025, 6, 3))
    assert daily.ensure_triggers() is False  # migrate installed exactly these
    with connection.cursor() as cursor:  # what SQLite's table rebuild for a schema change does to them
        for name in ("insert", "update", "delete"):
            if connection.vendor == "postgresql":
                cursor.execute(f"DROP TRIGGER services_applicationday_on_{name} ON services_application")
            else:
                cursor.execute(f"DROP TRIGGER services_applicationday_on_{name}")
    make_application(items[0], number="R2", received=dt.date(2025, 6, 4))
    Application.objects.filter(number="R2").update(accepted_on=dt.date(2025, 6, 4))  # missed by the totals
    assert kept_totals() != counted_from_applications()
    assert daily.ensure_triggers() is True
    assert kept_totals() == counted_from_applications()
    Application.objects.filter(number="R1").update(accepted_on=dt.date(2025, 6, 5))
    assert kept_totals() == counted_from_applications()
    assert daily.ensure_triggers() is False


def counted_from_ratings() -> dict:
    """{(unit, day): (rated, good, bad, bad rectified)} straight from the live ratings."""
    rows = (
        Rating.objects.values_list("unit_id", "rated_on")
        .order_by()
        .annotate(
            n=Count("pk"),
            good=Count("pk", filter=Q(stars__gte=3)),
            bad=Count("pk", filter=Q(stars__lte=2)),
            rectified=Count("pk", filter=Q(stars__lte=2, rectified_on__isnull=False)),
        )
    )
    return {(unit_id, day): tuple(rest) for unit_id, day, *rest in rows}


def kept_rating_totals() -> dict:
    rows = RatingDay.objects.values_list("unit_id", "day", "rated", "good", "bad", "bad_rectified")
    return {(unit_id, day): tuple(rest) for unit_id, day, *rest in rows if any(rest)}


def counted_from_cards() -> dict:
    rows = (
        SupervisionCard.objects.values_list("unit_id", "issued_on")
        .order_by()
        .annotate(yellow=Count("pk", filter=Q(colour="yellow")), red=Count("pk", filter=Q(colour="red")))
    )
    return {(unit_id, day): (yellow, red) for unit_id, day, yellow, red in rows}


def kept_card_totals() -> dict:
    rows = SupervisionCardDay.objects.values_list("unit_id", "day", "yellow", "red")
    return {(unit_id, day): (yellow, red) for unit_id, day, yellow, red in rows if yellow or red}


def test_rating_and_card_totals_follow_every_write(items, tree):
    town_item, county_item = items
    apps = []
    for n in range(6):
        app = make_application(town_item if n % 2 else county_item, number=f"R{n}", received=dt.date(2025, 5, 5))
        rules.accept(app, dt.date(2025, 5, 5))
        rules.decide(app, dt.date(2025, 5, 6), Outcome.APPROVED)
        apps.append(app)
    ratings = [
        Rating.objects.create(
            unit=app.unit,
            application=app,
            stars=[5, 4, 3, 2, 1, 5][n],
            channel=RatingChannel.ONLINE,
            rated_on=dt.date(2025, 5, 7 + n % 2),
        )
        for n, app in enumerate(apps)
    ]
    assert kept_rating_totals() == counted_from_ratings()
    assert sum(day.bad for day in RatingDay.objects.all()) == 2

    rules.rectify(ratings[3], dt.date(2025, 5, 9))  # the step
    assert kept_rating_totals() == counted_from_ratings()
    assert sum(day.bad_rectified for day in RatingDay.objects.all()) == 1
    Rating.objects.filter(pk=ratings[0].pk).update(stars=1, rated_on=dt.date(2025, 5, 20))  # bypassing save()
    ratings[4].soft_delete(None, "录入重复")
    assert kept_rating_totals() == counted_from_ratings()
    ratings[4].restore(None)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM services_rating WHERE id = %s", [ratings[5].pk])
    assert kept_rating_totals() == counted_from_ratings()

    due = dt.date(2025, 5, 6)
    card = {"application": apps[0], "unit": apps[0].unit, "due_on": due}
    SupervisionCard.objects.create(colour="yellow", issued_on=dt.date(2025, 5, 6), **card)
    red = SupervisionCard.objects.create(colour="red", issued_on=dt.date(2025, 5, 7), **card)
    SupervisionCard.objects.bulk_create(
        SupervisionCard(
            application=app, unit=app.unit, colour="red", issued_on=dt.date(2025, 5, 7), due_on=card["due_on"]
        )
        for app in apps[1:4]
    )
    assert kept_card_totals() == counted_from_cards()
    SupervisionCard.objects.filter(pk=red.pk).update(unit=tree["town"], issued_on=dt.date(2025, 6, 1))
    SupervisionCard.objects.filter(application=apps[1]).delete()
    assert kept_card_totals() == counted_from_cards()


def test_rating_and_card_metrics_come_from_the_totals(items, tree):
    from fazhi.metrics.registry import Period, unit_metrics
    from fazhi.services.views import monthly_cards

    item = items[0]
    for n, stars in enumerate([5, 2, 1]):
        app = make_application(item, number=f"M{n}", received=dt.date(2025, 4, 1))
        rules.accept(app, dt.date(2025, 4, 1))
        rules.decide(app, dt.date(2025, 4, 2), Outcome.APPROVED)
        rating = Rating.objects.create(
            unit=app.unit, application=app, stars=stars, channel=RatingChannel.ONLINE, rated_on=dt.date(2025, 4, 3)
        )
        if stars == 2:
            rules.rectify(rating, dt.date(2025, 4, 8))
        SupervisionCard.objects.create(
            application=app,
            unit=app.unit,
            colour="red" if n else "yellow",
            issued_on=dt.date(2025, 4 + n, 2),
            due_on=dt.date(2025, 4, 1),
        )
    RatingDay.objects.create(unit=tree["county"], day=dt.date(2025, 4, 3))  # a row of zeros counts nothing
    values = unit_metrics(Period.year(2025), [item.unit], families=["services"])[item.unit.pk]
    assert (values["ratings_total"], values["ratings_good"], values["ratings_bad"]) == (3, 1, 2)
    assert values["bad_ratings_rectified"] == 1
    assert (values["supervision_yellow_cards"], values["supervision_red_cards"]) == (1, 2)
    [(unit, months, yellow, red)] = monthly_cards(SupervisionCardDay.objects.all(), 2025)
    assert unit == item.unit and (yellow, red) == (1, 2)
    assert months[3:6] == [[1, 0], [0, 1], [0, 1]]
    assert monthly_cards(SupervisionCardDay.objects.all(), 2024) == []
