"""Production settings and login throttling."""

import os
import secrets
import subprocess
import sys

import pytest
from django.urls import reverse

from .conftest import PASSWORD


def test_check_deploy_is_clean_in_production_mode():
    env = {
        **os.environ,
        "FAZHI_ENV": "production",
        "FAZHI_SECRET_KEY": secrets.token_urlsafe(50),
        "FAZHI_ALLOWED_HOSTS": "fazhi.example.gov.cn",
        "FAZHI_DEBUG": "0",
    }
    result = subprocess.run(
        [sys.executable, "-m", "fazhi", "check", "--deploy", "--tag", "security", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_production_refuses_to_start_without_a_secret():
    env = {**os.environ, "FAZHI_ENV": "production"}
    env.pop("FAZHI_SECRET_KEY", None)
    result = subprocess.run([sys.executable, "-m", "fazhi", "check"], env=env, capture_output=True, text=True)
    assert result.returncode != 0 and "FAZHI_SECRET_KEY" in result.stderr


@pytest.mark.django_db
def test_password_guessing_is_throttled(users, client, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = client.post(reverse("login"), {"username": "clerk", "password": "guess"})
        assert response.status_code == 200 and "用户名或密码错误" in response.content.decode()
    assert client.post(reverse("login"), {"username": "clerk", "password": "guess"}).status_code == 429
    locked = client.post(reverse("login"), {"username": "clerk", "password": PASSWORD})
    assert locked.status_code == 429 and "暂停登录" in locked.content.decode()
    other = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    assert other.status_code == 302  # another account from the same address is not locked out


def test_security_headers(users, client):
    response = client.get(reverse("login"))
    assert response["X-Frame-Options"] == "DENY" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
