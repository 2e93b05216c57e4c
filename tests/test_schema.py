"""Our own migration operation: a change of db_index alone drops or creates the index, both ways."""

import pytest
from django.core.management import call_command
from django.db import connection


def column_indexes(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return sorted(
        name
        for name, c in constraints.items()
        if c["index"] and not c["unique"] and not c["primary_key"] and c["columns"] == [column]
    )


@pytest.mark.django_db(transaction=True)
def test_alter_field_index_drops_and_recreates_the_index():
    table = "oversight_suggestion"
    assert column_indexes(table, "deleted_by_id") == []
    call_command("migrate", "oversight", "0001", verbosity=0)
    assert len(column_indexes(table, "deleted_by_id")) == 1
    assert column_indexes(table, "unit_id")  # the other indexes stay as they were
    call_command("migrate", verbosity=0)  # every app: rolling back also rolled back the apps after it
    assert column_indexes(table, "deleted_by_id") == []
    assert column_indexes(table, "unit_id")
