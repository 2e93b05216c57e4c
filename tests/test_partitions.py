"""Year partitions of 办件, 好差评 and their history on PostgreSQL (fazhi.core.partitions); SQLite keeps plain tables.

The PostgreSQL tests are skipped on SQLite. They use years far from today's (the migration made this year's and
next year's partitions) so that each test creates the partitions it looks at.
"""

import datetime as dt
import json
import zipfile
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, connection, transaction

from fazhi.core import partitions
from fazhi.core.pagination import keyset_page
from fazhi.core.tasks import ensure_partitions
from fazhi.jobs.schedule import SCHEDULE
from fazhi.services import rules
from fazhi.services.choices import ApplicationStatus, RatingChannel
from fazhi.services.models import Application, ApplicationDay, ClockStop, Rating

from .factories import make_application, make_item

postgresql = pytest.mark.skipif(
    "postgresql" not in connection.settings_dict["ENGINE"], reason="only PostgreSQL partitions the ledgers"
)
sqlite = pytest.mark.skipif("sqlite" not in connection.settings_dict["ENGINE"], reason="the SQLite behaviour")

LEDGERS = {
    "services_application": "received_on",
    "services_rating": "rated_on",
    "services_historicalapplication": "history_date",
    "services_historicalrating": "history_date",
}


def partition_of(table: str, pk: int, pk_column: str = "id") -> str:
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT tableoid::regclass::text FROM {table} WHERE {pk_column} = %s", [pk])
        return cursor.fetchone()[0]


def partition_names(table: str) -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT inhrelid::regclass::text FROM pg_inherits WHERE inhparent = %s::regclass", [table])
        return {name for (name,) in cursor.fetchall()}


def totals() -> tuple[int, int]:
    rows = ApplicationDay.objects.all()
    return sum(r.accepted for r in rows), sum(r.decided for r in rows)


def decided(item, number: str, received: dt.date) -> Application:
    app = make_application(item, number=number, received=received)
    rules.accept(app, received)
    rules.decide(Application.objects.get(pk=app.pk), received + dt.timedelta(days=1), "approved")
    return Application.objects.get(pk=app.pk)


def rate(app: Application, on: dt.date, stars: int = 5) -> Rating:
    return Rating.objects.create(unit=app.unit, application=app, stars=stars, channel=RatingChannel.ONLINE, rated_on=on)


@postgresql
def test_the_ledgers_are_partitioned_by_year_with_a_default_partition(db):
    with connection.cursor() as cursor:
        found = {spec.table: spec.column for spec in partitions.partitioned(cursor)}
    assert found == LEDGERS
    this_year = dt.date.today().year
    for table in LEDGERS:
        names = partition_names(table)
        assert {f"{table}_y{this_year}", f"{table}_y{this_year + 1}", f"{table}_default"} <= names
    # Django's model is unchanged: the primary key is still the id alone.
    assert Application._meta.pk.name == "id" and Application._meta.get_field("number").unique


@postgresql
def test_a_new_years_partition_takes_that_years_rows(tree):
    created = partitions.ensure([2031])
    assert set(created) == {f"{table}_y2031" for table in LEDGERS}
    assert partitions.ensure([2031]) == []  # once
    item = make_item(tree["dept"])
    app = decided(item, "A-2031", dt.date(2031, 3, 2))
    rating = rate(app, dt.date(2031, 3, 5))
    assert partition_of("services_application", app.pk) == "services_application_y2031"
    assert partition_of("services_rating", rating.pk) == "services_rating_y2031"
    record = app.history.latest()
    this_year = dt.datetime.now(ZoneInfo("Asia/Shanghai")).year
    assert partition_of("services_historicalapplication", record.history_id, "history_id") == (
        f"services_historicalapplication_y{this_year}"
    )
    # A history row's year is the year of its time in Asia/Shanghai: 00:30 on 1 January 2031 there is 2030 in UTC.
    partitions.ensure([2030])
    new_year = dt.datetime(2031, 1, 1, 0, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
    type(record).objects.filter(history_id=record.history_id).update(history_date=new_year)
    assert partition_of("services_historicalapplication", record.history_id, "history_id") == (
        "services_historicalapplication_y2031"
    )
    type(record).objects.filter(history_id=record.history_id).update(history_date=new_year - dt.timedelta(hours=1))
    assert partition_of("services_historicalapplication", record.history_id, "history_id") == (
        "services_historicalapplication_y2030"
    )


@postgresql
def test_the_default_partition_takes_a_year_without_one_until_the_year_is_created(tree):
    item = make_item(tree["dept"])
    app = decided(item, "A-2035", dt.date(2035, 5, 6))
    assert partition_of("services_application", app.pk) == "services_application_default"
    before = totals()
    assert before == (1, 1)
    assert "services_application_y2035" in partitions.ensure([2035])
    assert partition_of("services_application", app.pk) == "services_application_y2035"
    assert Application.objects.get(number="A-2035").pk == app.pk and totals() == before
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(item, number="A-2035", received=dt.date(2024, 1, 1))  # the number is still taken


def test_a_number_and_a_rating_stay_unique_across_years(tree):
    """On both databases; on PostgreSQL across partitions, through the key tables."""
    item = make_item(tree["dept"])
    app = decided(item, "A-1", dt.date(2025, 6, 3))
    rate(app, dt.date(2025, 6, 5))
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(item, number="A-1", received=dt.date(2019, 6, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        rate(app, dt.date(2032, 1, 5), stars=1)
    app.number = "A-1b"  # a changed number frees the old one
    app.save()
    assert make_application(item, number="A-1", received=dt.date(2019, 6, 3)).pk != app.pk


@postgresql
def test_foreign_keys_to_applications_still_hold(tree):
    item = make_item(tree["dept"])
    app = decided(item, "A-FK", dt.date(2025, 6, 3))
    with pytest.raises(IntegrityError), transaction.atomic():
        ClockStop.objects.create(application_id=app.pk + 1000, reason="hearing", started_on=dt.date(2025, 6, 4))
        connection.check_constraints()
    ClockStop.objects.create(application=app, reason="hearing", started_on=dt.date(2025, 6, 4), ended_on=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Application.all_objects.filter(pk=app.pk)._raw_delete(connection.alias)  # bypassing Django's cascade
        connection.check_constraints()


@postgresql
def test_keyset_pages_walk_across_partitions(tree):
    partitions.ensure([2019])
    item = make_item(tree["dept"])
    days = [dt.date(2019, 4, 1), dt.date(2025, 6, 3), dt.date(2036, 1, 1), dt.date(2019, 4, 1), dt.date(2025, 1, 9)]
    for index, day in enumerate(days):
        make_application(item, number=f"K-{index}", received=day)
    seen, token = [], None
    while True:
        page = keyset_page(Application.objects.all(), "-received_on", after=token, size=2)
        seen += [(row.received_on, row.pk) for row in page.rows]
        if not (token := page.next_token):
            break
    assert seen == sorted(seen, reverse=True) and len(seen) == len(days)


@postgresql
def test_a_year_is_archived_detached_and_attached_again(tree, tmp_path, capsys):
    partitions.ensure([2020])
    item = make_item(tree["dept"])
    kept = decided(item, "A-2025", dt.date(2025, 6, 3))
    old = decided(item, "A-2020", dt.date(2020, 6, 3))
    rate(old, dt.date(2020, 6, 10), stars=2)
    ClockStop.objects.create(
        application=old, reason="hearing", started_on=dt.date(2020, 6, 4), ended_on=dt.date(2020, 6, 4)
    )
    assert totals() == (2, 2)
    archive = tmp_path / "fazhi-2020.zip"

    call_command("partitions", "detach", "2020", "--archive", str(archive), "--drop")
    said = capsys.readouterr().out
    assert "services_application_y2020：1 行，已删除" in said
    assert "services_clockstop 仍有 1 行指向已分离的记录" in said  # the rating left with its year

    assert list(Application.all_objects.values_list("number", flat=True)) == ["A-2025"]
    assert not Rating.all_objects.exists() and totals() == (1, 1)  # the year left the daily totals too
    assert "services_application_y2020" not in partition_names("services_application")
    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass('services_application_y2020')")
        assert cursor.fetchone()[0] is None  # dropped: the archive is the copy
    with zipfile.ZipFile(archive) as zipped:
        manifest = json.loads(zipped.read("manifest.json"))
        rows = {entry["partition"]: entry["rows"] for entry in manifest["partitions"]}
        assert rows["services_application_y2020"] == 1 and rows["services_rating_y2020"] == 1
        assert b"A-2020" in zipped.read("services_application_y2020.copy")
    # The archived number stays taken, and the clock stop still points at a valid key.
    with pytest.raises(IntegrityError), transaction.atomic():
        make_application(item, number="A-2020", received=dt.date(2025, 1, 1))
    connection.check_constraints()

    call_command("partitions", "attach", "2020", "--archive", str(archive))

    back = Application.all_objects.get(number="A-2020")
    assert back.pk == old.pk and back.status == ApplicationStatus.DECIDED and back.rating.stars == 2
    assert partition_of("services_application", old.pk) == "services_application_y2020"
    assert totals() == (2, 2) and Application.all_objects.get(pk=kept.pk).number == "A-2025"
    connection.check_constraints()


@postgresql
def test_a_detached_year_without_an_archive_stays_in_the_database(tree, capsys):
    partitions.ensure([2018])
    item = make_item(tree["dept"])
    old = make_application(item, number="A-2018", received=dt.date(2018, 3, 1))
    done = partitions.detach(2018)
    assert done.partitions["services_application_y2018"] == 1 and not done.dropped
    assert not Application.all_objects.filter(pk=old.pk).exists()
    call_command("partitions", "list")
    listed = capsys.readouterr().out
    assert "services_application_y2018\t已分离" in listed and "services_application_default\tDEFAULT" in listed
    with pytest.raises(partitions.PartitionError):  # a year detached is not silently created anew
        partitions.ensure([2018])
    partitions.attach(2018)
    assert Application.all_objects.get(pk=old.pk).number == "A-2018"
    with pytest.raises(CommandError, match="没有 2017 年的分区"):
        call_command("partitions", "detach", "2017")


@postgresql
def test_the_scheduled_job_creates_this_and_next_years_partitions(db, monkeypatch):
    assert "fazhi.core.tasks.ensure_partitions" in {job.task for job in SCHEDULE}
    monkeypatch.setattr(partitions.timezone, "localdate", lambda: dt.date(2040, 6, 1))
    result = ensure_partitions.call()
    assert set(result["created"]) == {f"{table}_y{year}" for table in LEDGERS for year in (2040, 2041)}
    for table in LEDGERS:
        assert {f"{table}_y2040", f"{table}_y2041"} <= partition_names(table)
    assert ensure_partitions.call() == {"created": []}


@postgresql
@pytest.mark.django_db(transaction=True)
def test_the_migration_goes_back_to_plain_tables_and_forward_with_the_rows(tree):
    item = make_item(tree["dept"])
    app = decided(item, "A-M", dt.date(2025, 6, 3))
    rate(app, dt.date(2025, 6, 9))
    call_command("migrate", "services", "0010", verbosity=0)
    try:
        with connection.cursor() as cursor:
            assert partitions.partitioned(cursor) == []
            cursor.execute("SELECT to_regclass('services_application_key')")
            assert cursor.fetchone()[0] is None
        assert Application.all_objects.get(number="A-M").rating.rated_on == dt.date(2025, 6, 9)
        with pytest.raises(IntegrityError), transaction.atomic():
            make_application(item, number="A-M", received=dt.date(2024, 1, 1))  # the plain unique constraint
    finally:
        call_command("migrate", verbosity=0)
    assert partition_of("services_application", app.pk) == "services_application_y2025"
    assert totals() == (1, 1)
    later = make_application(item, number="A-M2", received=dt.date(2025, 7, 1))
    assert later.pk > app.pk  # the id sequence went on where it was


@sqlite
def test_sqlite_keeps_plain_tables(db):
    assert partitions.ensure([2031]) == [] and ensure_partitions.call() == {"created": []}
    with pytest.raises(CommandError, match="只有 PostgreSQL"):
        call_command("partitions", "list")
    with pytest.raises(CommandError, match="只有 PostgreSQL"):
        call_command("partitions", "create", "2031")
