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
        unit=unit, code=code, name=f"测试事项{code}", statutory_limit=statutory, promised_limit=promised, **fields,
    )


def make_application(item, number="A-1", received=dt.date(2025, 6, 3), **extra):
    return Application.objects.create(
        unit=item.unit, item=item, number=number, applicant_type=ApplicantType.PERSON, applicant_name="张三",
        applicant_id_number=valid_id(), channel=Channel.WINDOW, received_on=received, **extra,
    )
