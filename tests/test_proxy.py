"""The client's address behind trusted proxies (fazhi.core.proxy)."""

import pytest
from django.test import override_settings
from django.urls import reverse

from fazhi.core.proxy import ForwardedFor, forwarded_client

from .conftest import PASSWORD


def test_only_the_entry_the_trusted_proxy_wrote_counts():
    meta = {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7", "REMOTE_ADDR": "127.0.0.1"}
    assert forwarded_client(meta, 1) == "203.0.113.7"  # 6.6.6.6 was written by the client itself
    assert forwarded_client(meta, 2) == "6.6.6.6"
    assert forwarded_client(meta, 0) is None  # no proxy trusted: the header means nothing
    assert forwarded_client(meta, 3) is None
    assert forwarded_client({"HTTP_X_FORWARDED_FOR": "not-an-address"}, 1) is None
    assert forwarded_client({"HTTP_X_FORWARDED_FOR": "2001:db8::1"}, 1) == "2001:db8::1"


@pytest.mark.parametrize(("hops", "expected"), [(0, "127.0.0.1"), (1, "203.0.113.7")])
def test_the_middleware_sets_remote_addr(rf, hops, expected):
    request = rf.get("/", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", REMOTE_ADDR="127.0.0.1")
    with override_settings(FAZHI_TRUSTED_PROXIES=hops):
        ForwardedFor(lambda r: r.META["REMOTE_ADDR"])(request)
    assert request.META["REMOTE_ADDR"] == expected


@pytest.mark.django_db
def test_a_lockout_behind_the_proxy_is_per_client_not_for_everyone(users, client, settings):
    """Failures from one client lock that client out; another client behind the same nginx still logs in."""
    settings.FAZHI_TRUSTED_PROXIES = 1
    guesser, colleague = {"HTTP_X_FORWARDED_FOR": "198.51.100.1"}, {"HTTP_X_FORWARDED_FOR": "198.51.100.2"}
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": "clerk", "password": "guess"}, **guesser)
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}, **guesser).status_code == 429
    assert client.post(reverse("login"), {"username": "clerk", "password": PASSWORD}, **colleague).status_code == 302
