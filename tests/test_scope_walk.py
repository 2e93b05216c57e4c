"""Data scope, proven over every registered route and role (issue: a ledger added later cannot forget it)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from fazhi.assessment.models import AssessmentRun, Scheme
from fazhi.assessment.rules import create_scheme, publish_scheme
from fazhi.assessment.scoring import run_assessment
from fazhi.core.ledgers import registry
from fazhi.core.models import ImportJob
from fazhi.notices.models import Notification
from fazhi.org.models import Unit, User
from fazhi.org.scope import scope_of
from fazhi.reports.reading_models import ReportReading

from .factories import ledger_row
from .scope_walk import find_scope_leaks

ROLES = ["sysadmin", "office", "unit_admin", "clerk", "leader"]


@pytest.fixture
def samples(tree):
    """One row of every ledger in each of four units; markers say which unit a row belongs to."""
    made = []
    for ledger in registry:
        for key in ("town", "county", "other_county", "dept"):
            unit = tree[key]
            marker = f"MK{ledger.slug}{unit.code}Z".replace("-", "")  # Z ends it: no marker contains another
            made.append((ledger.model, unit, marker, ledger_row(ledger, unit, marker)))
    # Import jobs are scoped too: one made by a clerk of the other county.
    other = tree["other_county"]
    owner = User.objects.create(username="owner-c2", full_name="MKuserC2Z", role="clerk", unit=other)
    job = ImportJob.objects.create(ledger="service-items", unit=other, user=owner, filename="MKjobC2Z.xlsx")
    made.append((ImportJob, other, "MKjobC2Z", job))
    # Accounts are scoped too (系统管理 → 用户管理): the other county's clerk, and one in the town.
    made.append((User, other, "MKuserC2Z", owner))
    town_user = User.objects.create(username="town-user", full_name="MKuserC1T1Z", role="clerk", unit=tree["town"])
    made.append((User, tree["town"], "MKuserC1T1Z", town_user))
    # Notifications are the addressee's own: the other county clerk's is outside everyone else's reach.
    notice = Notification.objects.create(user=owner, key="walk", title="MKnoticeC2Z", url="/")
    made.append((Notification, other, "MKnoticeC2Z", notice))
    # Published reports read in the browser (/reports/read/) are their unit's, like ledger rows.
    for key in ("town", "county", "other_county", "dept"):
        unit = tree[key]
        marker = f"MKreading{unit.code}Z".replace("-", "")
        reading = ReportReading.objects.create(
            unit=unit, original_name=f"{marker}.txt", title=marker, text=marker, year=2025, status="read"
        )
        made.append((ReportReading, unit, marker, reading))
    return made


def outside_of(user, samples):
    scope = scope_of(user)
    rows = [(model, unit, marker, obj) for model, unit, marker, obj in samples if not scope.allows(unit)]
    return {model: obj for model, _, _, obj in rows}, [marker for _, _, marker, _ in rows]


def row_counts():
    return {**{ledger.slug: ledger.model.all_objects.count() for ledger in registry}, "jobs": ImportJob.objects.count()}


@pytest.mark.parametrize("role", ROLES)
def test_no_route_leaks_rows_of_other_units(role, users, samples, tree, client):
    user = users[role]
    client.force_login(user)
    outside_rows, markers = outside_of(user, samples)
    run = run_assessment(2025)  # city-wide: anyone may open it, but it must list only units in their scope
    scheme = publish_scheme(create_scheme(2026))  # a published 考核方案: city-wide too, every role opens it
    shared = {AssessmentRun: run, Scheme: scheme}
    before = row_counts()
    if role in ("sysadmin", "office"):
        assert not markers, "the whole-tree roles have nothing outside their scope"
        problems = find_scope_leaks(client, {}, [], tree["other_county"], shared_rows=shared)
        assert [p for p in problems if "server error" in p] == []
        return
    markers = markers + [tree["other_county"].name]
    problems = find_scope_leaks(client, outside_rows, markers, tree["other_county"], shared_rows=shared)
    assert problems == []
    assert row_counts() == before, "a POST with another unit's id created or deleted rows"
    assert all(
        obj.__class__.all_objects.get(pk=obj.pk).deleted_at is None
        for obj in outside_rows.values()
        if hasattr(obj.__class__, "all_objects")
    )


@pytest.mark.parametrize("role", ROLES)
def test_rows_in_scope_are_reachable(role, users, samples, client):
    """The walk is not passing because everything is hidden: rows in scope do show."""
    user = users[role]
    client.force_login(user)
    scope = scope_of(user)
    for model, unit, marker, obj in samples:
        if model is ImportJob:
            assert client.get(reverse("ledger:import-job", args=[obj.pk])).status_code == (
                200 if scope.allows(unit) else 404
            )
            continue
        if model is User:  # only administrators manage accounts, a unit admin those of the subtree
            expected = (200 if scope.allows(unit) else 404) if role in ("sysadmin", "unit_admin") else 403
            assert client.get(reverse("system:user-edit", args=[obj.pk])).status_code == expected, (role, unit.code)
            continue
        if model is Notification:  # the addressee's own: no role opens another user's
            assert client.post(reverse("notices:open", args=[obj.pk])).status_code == 404
            continue
        if model is ReportReading:  # a published report read in the browser: its unit's, like a ledger row
            expected = 200 if scope.allows(unit) else 404
            assert client.get(reverse("reports:reading", args=[obj.pk])).status_code == expected, (role, unit.code)
            assert (marker in client.get(reverse("reports:reading_list")).content.decode()) == scope.allows(unit)
            continue
        ledger = registry.for_model(model)
        detail = client.get(reverse(ledger.url_name("detail"), args=[obj.pk]))
        api = client.get(reverse(f"api:{ledger.slug}-detail", args=[obj.pk]))
        if scope.allows(unit):
            assert detail.status_code == 200 and api.status_code == 200, (role, ledger.slug, unit.code)
            assert marker in client.get(reverse(ledger.url_name("list"))).content.decode()
        else:
            assert detail.status_code == 404 and api.status_code == 404


@override_settings(ROOT_URLCONF="tests.leaky_urls")
def test_the_walk_catches_a_leaky_view(users, samples, tree, client):
    user = users["clerk"]
    client.force_login(user)
    outside_rows, markers = outside_of(user, samples)
    problems = find_scope_leaks(client, outside_rows, markers, tree["other_county"], urlconf="tests.leaky_urls")
    assert any("/leaky/" in p and "shows rows of other units" in p for p in problems), problems
    assert any("/leaky/" in p and "row of another unit answered 200" in p for p in problems), problems


def test_switching_to_a_unit_outside_scope_is_refused(users, tree, client):
    client.force_login(users["clerk"])
    response = client.post(
        reverse("web:switch-unit"), {"unit": tree["other_county"].pk, "next": reverse("web:dashboard")}
    )
    assert response.status_code == 404
    assert "fazhi_unit_id" not in client.session


def test_switching_narrows_lists_to_the_chosen_subtree(users, samples, tree, client):
    client.force_login(users["office"])
    client.post(reverse("web:switch-unit"), {"unit": tree["county"].pk, "next": reverse("web:dashboard")})
    page = client.get(reverse("ledger:service-items-list")).content.decode()
    assert "MKserviceitemsC1T1Z" in page and "MKserviceitemsC1Z" in page
    assert "MKserviceitemsC2Z" not in page and "MKserviceitemsD1Z" not in page
    assert Unit.objects.visible_to(users["office"]).count() == Unit.objects.count()
