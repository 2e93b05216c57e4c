"""`fazhi backup` / `fazhi restore` round-trip the whole database, history and recycle bin included."""

import pytest
from django.core.management import CommandError, call_command

from fazhi.org.models import Unit, User
from fazhi.services.models import Application, ServiceItem

from .factories import make_application, make_item


def snapshot():
    return {
        "units": sorted(Unit.objects.values_list("code", "path")),
        "users": sorted(User.objects.values_list("username", "password", "role")),
        "items": sorted(ServiceItem.all_objects.values_list("code", "promised_limit", "deletion_reason")),
        "item_history": ServiceItem.history.count(),
        "applications": sorted(Application.objects.values_list("number", "received_on")),
    }


@pytest.mark.django_db(transaction=True)
def test_backup_and_restore_round_trip(users, tree, tmp_path, django_user_model):
    item = make_item(tree["town"])
    make_application(item)
    doomed = make_item(tree["dept"], code="GONE")
    doomed.soft_delete(users["office"], "已废止")
    before = snapshot()
    target = tmp_path / "backup"
    call_command("backup", str(target))
    archive = tmp_path / "backup.jsonl.gz"
    assert archive.exists()

    ServiceItem.all_objects.filter(code="I-1").update(promised_limit=1)
    Unit.objects.filter(code="C2").update(name="被改动")
    with pytest.raises(CommandError, match="已有数据"):
        call_command("restore", str(archive))
    call_command("restore", str(archive), "--replace")
    assert snapshot() == before
    assert User.objects.get(username="clerk").check_password("test-pass-2026")
