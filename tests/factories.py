"""Small builders for ledger rows in tests."""

import datetime as dt

from fazhi.core.identifiers import id_check_char, uscc_check_char
from fazhi.services.choices import ApplicantType, Channel, ItemType
from fazhi.services.models import Application, ServiceItem


def valid_uscc(n: int = 1) -> str:
    body = f"9199010{n:010d}"[:17]
    return body + uscc_check_char(body)


def valid_id(n: int = 1) -> str:
    body = f"990102198705{(n % 28) + 1:02d}{n % 1000:03d}"
    return body + id_check_char(body)


def make_item(unit, code="I-1", statutory=20, promised=5, **extra):
    fields = {"item_type": ItemType.LICENSING, "effective_from": dt.date(2024, 1, 1), **extra}
    return ServiceItem.objects.create(
        unit=unit,
        code=code,
        name=f"测试事项{code}",
        statutory_limit=statutory,
        promised_limit=promised,
        **fields,
    )


def make_application(item, number="A-1", received=dt.date(2025, 6, 3), **extra):
    return Application.objects.create(
        unit=item.unit,
        item=item,
        number=number,
        applicant_type=ApplicantType.PERSON,
        applicant_name="张三",
        applicant_id_number=valid_id(),
        channel=Channel.WINDOW,
        received_on=received,
        **extra,
    )


def ledger_values(unit, year: int, **values):
    """Give a unit ledger-computed values for a year, as a computation would (added to its current snapshot)."""
    from fazhi.metrics.models import LedgerSnapshot, ObservationBatch, Source

    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    snapshot = LedgerSnapshot.objects.filter(
        unit=unit, period_start=start, period_end=end, superseded_at__isnull=True
    ).first()
    if snapshot is None:
        batch = ObservationBatch.objects.create(source=Source.LEDGER, period_start=start, period_end=end)
        snapshot = LedgerSnapshot(unit=unit, period_start=start, period_end=end, batch=batch, values_json="{}")
    merged = {**snapshot.values, **{metric: float(value) for metric, value in values.items()}}
    snapshot.values_json, snapshot.digest = LedgerSnapshot.encode(merged)
    snapshot.save()
    return snapshot
