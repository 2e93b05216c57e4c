"""The upkeep the application does on its own database."""

import pytest
from django.core.management.sql import emit_post_migrate_signal
from django.db import connection

from fazhi.org.models import Unit


def measured_indexes() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT idx FROM sqlite_stat1 WHERE idx IS NOT NULL")
        return {row[0] for row in cursor.fetchall()}


@pytest.mark.skipif(connection.vendor != "sqlite", reason="PostgreSQL keeps statistics per column")
def test_an_index_added_after_the_statistics_is_measured_when_migrations_end(tree):
    assert Unit.objects.count() >= 2
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("CREATE INDEX test_unit_by_name ON org_unit (name)")
    assert "test_unit_by_name" not in measured_indexes()

    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")

    assert "test_unit_by_name" in measured_indexes()
