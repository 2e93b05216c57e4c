"""The database router of the read replica (fazhi.core.replica).

The unit tests need no replica: they pretend one is configured and ask the router where a read would go. The
PostgreSQL test needs a real streaming replica (`scripts/pg-replica.sh start`, FAZHI_REPLICA_URL): it is skipped
without one, and fails instead when FAZHI_REQUIRE_REPLICA=1.
"""

import os
import threading
import time
from types import SimpleNamespace

import pytest
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from fazhi.core import replica
from fazhi.core.replica import COOKIE, PRIMARY, REPLICA, ReplicaMiddleware, ReplicaRouter, reads_from_replica
from fazhi.org.models import Region, Unit, User

from .conftest import PASSWORD

router = ReplicaRouter()


@pytest.fixture
def pretend_replica(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: True)


def test_reads_go_to_the_primary_unless_opted_in(pretend_replica):
    assert router.db_for_read(Unit) == PRIMARY
    assert router.db_for_write(Unit) == PRIMARY


def test_opted_in_without_a_replica_reads_the_primary(monkeypatch):
    monkeypatch.setattr(replica, "configured", lambda: False)
    with reads_from_replica():
        assert router.db_for_read(Unit) == PRIMARY


def test_opted_in_with_a_replica_reads_the_replica_and_writes_the_primary(pretend_replica):
    with reads_from_replica():
        assert router.db_for_read(Unit) == REPLICA
        assert router.db_for_write(Unit) == PRIMARY
        # what a request depends on being fresh stays on the primary
        assert router.db_for_read(Session) == PRIMARY
        assert router.db_for_read(User) == PRIMARY
    assert router.db_for_read(Unit) == PRIMARY
    assert router.allow_migrate(REPLICA, "org") is False
    assert router.allow_migrate(PRIMARY, "org") is True


def test_the_decorator_opts_in_per_call_and_per_thread(pretend_replica):
    @reads_from_replica()
    def heavy():
        return router.db_for_read(Unit)

    assert heavy() == REPLICA and heavy() == REPLICA
    seen = []
    with reads_from_replica():
        worker = threading.Thread(target=lambda: seen.append(router.db_for_read(Unit)))
        worker.start()
        worker.join()
    assert seen == [PRIMARY]  # another thread has not opted in


@pytest.mark.django_db(transaction=True)
def test_inside_a_transaction_reads_the_primary(pretend_replica):
    with reads_from_replica():
        assert router.db_for_read(Unit) == REPLICA
        with transaction.atomic():
            assert router.db_for_read(Unit) == PRIMARY


def run_request(request, view):
    return ReplicaMiddleware(view)(request)


def seen_by(request):
    """A view that records where its reads would go."""
    seen = []

    def view(request):
        with reads_from_replica():
            seen.append(router.db_for_read(Unit))
        return HttpResponse("ok")

    response = run_request(request, view)
    return seen[0], response


def test_a_post_reads_the_primary_and_marks_the_browser(pretend_replica):
    where, response = seen_by(RequestFactory().post("/x/"))
    assert where == PRIMARY
    assert COOKIE in response.cookies


def test_within_the_sticky_window_after_a_write_reads_the_primary(pretend_replica, settings):
    settings.FAZHI_REPLICA_STICKY_SECONDS = 10
    factory = RequestFactory()
    fresh = factory.get("/x/")
    fresh.COOKIES[COOKIE] = f"{time.time() - 3:.3f}"
    assert seen_by(fresh)[0] == PRIMARY
    stale = factory.get("/x/")
    stale.COOKIES[COOKIE] = f"{time.time() - 30:.3f}"
    assert seen_by(stale)[0] == REPLICA
    junk = factory.get("/x/")
    junk.COOKIES[COOKIE] = "junk"
    where, response = seen_by(junk)
    assert where == REPLICA and COOKIE not in response.cookies


@pytest.mark.django_db(transaction=True)
def test_a_request_that_wrote_reads_the_primary_from_then_on(pretend_replica):
    seen = []

    @reads_from_replica()
    def view(request):
        seen.append(router.db_for_read(Unit))
        Region.objects.create(code="990199", name="写入市")
        seen.append(router.db_for_read(Unit))
        return HttpResponse("ok")

    response = run_request(RequestFactory().get("/x/"), view)
    assert seen == [REPLICA, PRIMARY]
    assert COOKIE in response.cookies


@pytest.mark.django_db(transaction=True)
def test_a_write_inside_an_opted_in_block_outside_a_request_pins_the_block(pretend_replica):
    with reads_from_replica():
        assert router.db_for_read(Unit) == REPLICA
        Region.objects.create(code="990198", name="后台写入市")
        assert router.db_for_read(Unit) == PRIMARY
    with reads_from_replica():
        assert router.db_for_read(Unit) == REPLICA


def test_portal_pages_opt_in_for_get_only(pretend_replica):
    def portal_view(request):
        return HttpResponse(router.db_for_read(Unit))

    def through(method):
        request = getattr(RequestFactory(), method)("/portal/")
        request.resolver_match = SimpleNamespace(namespaces=["portal", "reports"])
        middleware = ReplicaMiddleware(None)

        def get_response(request):
            middleware.process_view(request, portal_view, (), {})
            return portal_view(request)

        middleware.get_response = get_response
        return middleware(request).content.decode()

    assert through("get") == REPLICA
    assert through("post") == PRIMARY


# --- a real streaming replica -------------------------------------------------------------------------------


@pytest.fixture
def real_replica():
    if not os.environ.get("FAZHI_REPLICA_URL") or REPLICA not in connections.settings:
        if os.environ.get("FAZHI_REQUIRE_REPLICA") == "1":
            pytest.fail("FAZHI_REQUIRE_REPLICA=1 but FAZHI_REPLICA_URL is not set (scripts/pg-replica.sh start)")
        pytest.skip("no replica configured (FAZHI_REPLICA_URL; scripts/pg-replica.sh start)")
    import dj_database_url

    real = dj_database_url.parse(os.environ["FAZHI_REPLICA_URL"])
    conn = connections[REPLICA]
    mirrored = conn.settings_dict
    conn.close()
    # In tests the alias mirrors the primary's test database; point it at the same database on the replica,
    # which streams every database of the primary's cluster, the test database included.
    conn.settings_dict = {**mirrored, "HOST": real["HOST"], "PORT": real["PORT"], "NAME": mirrored["NAME"]}
    try:
        with conn.cursor() as cursor:
            cursor.execute("SELECT pg_is_in_recovery()")
            assert cursor.fetchone()[0] is True, "FAZHI_REPLICA_URL is not a hot standby"
        yield conn
    finally:
        conn.close()
        conn.settings_dict = mirrored


def wait_on_replica(queryset, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if queryset.using(REPLICA).exists():
            return True
        time.sleep(0.05)
    return False


@pytest.mark.django_db(transaction=True, databases=[PRIMARY, REPLICA] if REPLICA in connections.settings else [PRIMARY])
def test_own_writes_read_back_from_the_primary_and_the_portal_reads_the_replica(real_replica, client, users):
    # streaming: a row written on the primary arrives on the replica
    Region.objects.create(code="990177", name="流复制市")
    assert wait_on_replica(Region.objects.filter(code="990177"))
    assert wait_on_replica(User.objects.filter(username="leader"))
    primary = connections[PRIMARY]

    # the user logs in (a POST that writes) and right away opens a figures page: every read on the primary
    response = client.post(reverse("login"), {"username": "leader", "password": PASSWORD})
    assert response.status_code == 302 and COOKIE in response.cookies
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(real_replica) as on_replica:
        page = client.get(reverse("enforcement:figures"))
    assert page.status_code == 200
    assert len(on_primary) > 0 and len(on_replica) == 0

    # once the sticky window is over, the same page reads its figures from the replica
    client.cookies[COOKIE] = f"{time.time() - 3600:.3f}"
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(real_replica) as on_replica:
        page = client.get(reverse("enforcement:figures"))
    assert page.status_code == 200
    assert len(on_replica) > 0
    assert not any("django_session" in q["sql"] for q in on_replica)  # the session is read on the primary

    # an anonymous portal page reads from the replica, which is in recovery (a hot standby)
    anonymous = type(client)()
    with CaptureQueriesContext(primary) as on_primary, CaptureQueriesContext(real_replica) as on_replica:
        page = anonymous.get(reverse("portal:reports:index"))
    assert page.status_code == 200
    assert len(on_replica) > 0 and len(on_primary) == 0
    with real_replica.cursor() as cursor:
        cursor.execute("SELECT pg_is_in_recovery()")
        assert cursor.fetchone()[0] is True
