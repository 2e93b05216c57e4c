"""The observation store: figures read from reports go beside ledger values, superseding, never overwriting."""

import datetime as dt

import pytest

from fazhi.metrics.models import Observation
from fazhi.metrics.registry import Period
from fazhi.metrics.store import current_values, import_report_facts

YEAR = Period.year(2025)


def test_report_facts_become_observations_of_the_unit(tree):
    county = tree["county"]
    facts = [
        {
            "metric": "reconsideration_received",
            "value": 187,
            "qualifier": None,
            "scope": "self",
            "quote": "收到复议申请187件",
        },
        {"metric": "reconsideration_received", "value": 20, "qualifier": None, "scope": "sub", "quote": "其中某局20件"},
        {
            "metric": "leadership_law_study_sessions",
            "value": 100,
            "qualifier": "approx",
            "scope": "self",
            "quote": "学法100余次",
        },
        {"metric": "penalty_amount", "value": 142, "qualifier": "yoy", "scope": "self", "quote": "同比提高142%"},
        {"metric": "not_a_metric", "value": 1, "scope": "self"},
    ]
    import_report_facts(county, YEAR, facts, note="测试县2025年报告")
    readings = current_values(YEAR, units=[county])[county.pk]
    assert set(readings) == {"reconsideration_received", "leadership_law_study_sessions"}
    assert readings["reconsideration_received"]["report"].value == 187
    assert readings["leadership_law_study_sessions"]["report"].qualifier == "approx"

    import_report_facts(county, YEAR, [{"metric": "reconsideration_received", "value": 190, "scope": "self"}])
    rows = Observation.objects.filter(unit=county, metric="reconsideration_received", source="report")
    assert rows.count() == 2 and rows.filter(superseded_at__isnull=True).get().value == 190
    assert Observation.objects.get(metric="leadership_law_study_sessions").superseded_at is None
    assert rows.get(superseded_at__isnull=False).evidence == "收到复议申请187件"
    assert rows.first().period_start == dt.date(2025, 1, 1)


@pytest.mark.django_db(transaction=True)
def test_migration_turns_current_ledger_rows_into_snapshots(tree):
    from django.core.management import call_command
    from django.utils import timezone

    from fazhi.metrics.models import LedgerSnapshot, ObservationBatch

    dept = tree["dept"]
    call_command("migrate", "metrics", "0002", verbosity=0)
    try:
        period = {"period_start": YEAR.start, "period_end": YEAR.end}
        older = ObservationBatch.objects.create(source="ledger", **period)
        newer = ObservationBatch.objects.create(source="ledger", **period)
        Observation.objects.create(unit=dept, metric="service_items", value=3, source="ledger", batch=older, **period)
        Observation.objects.create(unit=dept, metric="online_rate", value=0.5, source="ledger", batch=newer, **period)
        Observation.objects.create(
            unit=dept,
            metric="online_rate",
            value=0.25,
            source="ledger",
            batch=older,
            superseded_at=timezone.now(),
            **period,
        )
        manual = Observation.objects.create(unit=dept, metric="online_rate", value=0.4, source="manual", **period)
    finally:
        call_command("migrate", verbosity=0)  # every app: rolling back also rolled back the apps after it
    snapshot = LedgerSnapshot.objects.get(unit=dept)
    assert snapshot.values == {"service_items": 3, "online_rate": 0.5} and snapshot.batch == newer
    assert snapshot.superseded_at is None and (snapshot.period_start, snapshot.period_end) == (YEAR.start, YEAR.end)
    assert Observation.objects.filter(source="ledger").count() == 3  # kept as history
    assert not Observation.objects.filter(source="ledger", superseded_at__isnull=True).exists()
    manual.refresh_from_db()
    assert manual.superseded_at is None
    assert current_values(YEAR, units=[dept])[dept.pk]["online_rate"] == {
        "ledger": (0.5, "ledger", ""),
        "manual": (0.4, "manual", ""),
    }
