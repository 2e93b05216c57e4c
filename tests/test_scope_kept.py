"""What a process keeps of the unit tree between requests (fazhi.org.scope.kept): a subtree's unit ids and the
units a scope inherits through 机构改革, reused while the tree's history has no newer record. A new unit, a move or a
机构改革 is seen by the very next page; outside a request nothing is kept."""

import datetime as dt

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.org import changes, scope
from fazhi.org.choices import UnitLevel, UnitType
from fazhi.org.models import Unit, User
from fazhi.services.models import Application

from .factories import make_application, make_item

LIST = "ledger:applications-list"


def listed(client) -> str:
    response = client.get(reverse(LIST))
    assert response.status_code == 200
    return response.content.decode()


def succession_reads(queries) -> int:
    return sum("unitchange_predecessors" in query["sql"] for query in queries)


def test_a_scope_read_once_is_reused_by_the_next_pages(tree, users, client):
    client.force_login(users["clerk"])
    with CaptureQueriesContext(connection) as first:
        listed(client)
    with CaptureQueriesContext(connection) as second:
        listed(client)
    assert succession_reads(first.captured_queries) == 1
    assert succession_reads(second.captured_queries) == 0


def test_the_dashboard_reads_the_trees_history_once(tree, users, client):
    client.force_login(users["clerk"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("web:dashboard")).status_code == 200
    assert sum("historicalunitchange" in query["sql"].lower() for query in queries.captured_queries) == 1


def test_a_new_unit_in_the_subtree_is_listed_at_once(tree, users, client):
    client.force_login(users["unit_admin"])  # the county
    assert "N-1" not in listed(client)
    town = Unit.objects.create(
        code="C1-T2",
        name="测试县新设镇人民政府",
        unit_type=UnitType.TOWN,
        level=UnitLevel.TOWNSHIP,
        region=tree["county"].region,
        parent=tree["county"],
    )
    make_application(make_item(town, code="I-N"), number="N-1")
    assert "N-1" in listed(client)


def test_a_unit_moved_out_of_the_subtree_leaves_the_list_at_once(tree, users, client):
    make_application(make_item(tree["town"], code="I-T"), number="T-1")
    client.force_login(users["leader"])  # the county, read-only
    assert "T-1" in listed(client)
    changes.move_unit(tree["town"], tree["gov"], dt.date(2025, 7, 1))
    assert "T-1" not in listed(client)


def test_a_merge_gives_the_successors_users_the_predecessors_rows_at_once(tree, users, client):
    make_application(make_item(tree["other_county"], code="I-O"), number="O-1")
    make_application(make_item(tree["dept2"], code="I-D2"), number="D2-1")
    admin, clerk = users["unit_admin"], users["clerk"]
    client.force_login(admin)
    assert "O-1" not in listed(client)
    client.force_login(clerk)
    assert "D2-1" not in listed(client)

    changes.merge_units([tree["other_county"]], tree["county"], dt.date(2025, 7, 1), move_users=False)
    client.force_login(admin)
    assert "O-1" in listed(client)  # the county's admin now carries on the other county's work
    changes.merge_units([tree["dept2"]], tree["town"], dt.date(2025, 7, 1), move_users=False)
    client.force_login(clerk)
    assert "D2-1" in listed(client)


def test_outside_a_request_nothing_is_kept(tree, users):
    clerk = User.objects.get(username="clerk")
    assert Application.objects.visible_to(users["unit_admin"]).count() == 0
    assert scope.scope_of(clerk).inherited_ids == frozenset()
    assert not scope._kept
