"""/healthz: the probe a load balancer (and bench/load.py's baseline) uses."""

import os
import secrets
import subprocess
import sys
from unittest import mock

import pytest
from django.db import DatabaseError


@pytest.mark.django_db
def test_healthz_answers_ok_without_login_or_cookies(client):
    response = client.get("/healthz")
    assert response.status_code == 200 and response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert "no-cache" in response["Cache-Control"]
    assert not response.cookies, "a probe must not start a session"


@pytest.mark.django_db
def test_healthz_accepts_only_safe_methods(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_healthz_reports_an_unreachable_database():
    from django.test import Client

    with mock.patch("django.db.backends.utils.CursorWrapper.execute", side_effect=DatabaseError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503


PROBE = """
import django
django.setup()
from django.middleware.security import SecurityMiddleware
from django.test import RequestFactory
middleware = SecurityMiddleware(lambda request: None)
print(middleware.process_request(RequestFactory().get("/healthz")) is None,
      middleware.process_request(RequestFactory().get("/login/")).status_code)
"""


def test_healthz_is_exempt_from_the_production_https_redirect():
    """Production redirects http to https, but a balancer probes the backend over plain http."""
    env = {
        **os.environ,
        "FAZHI_ENV": "production",
        "FAZHI_SECRET_KEY": secrets.token_urlsafe(50),
        "FAZHI_ALLOWED_HOSTS": "testserver",
        "FAZHI_DEBUG": "0",
        "DJANGO_SETTINGS_MODULE": "fazhi.settings",
    }
    env.pop("FAZHI_SSL_REDIRECT", None)
    done = subprocess.run([sys.executable, "-c", PROBE], env=env, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "301"]
