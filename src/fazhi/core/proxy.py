"""The client's address behind reverse proxies the deployment trusts (nginx in front of the app servers).

Behind nginx every request comes from nginx's address, so the login lockout (django-axes, per user name and
address), the public-comment rate limit and the download logs would treat the whole public as one client.
With FAZHI_TRUSTED_PROXIES = N (the proxies in front of the app, usually 1), ForwardedFor takes the address
the N-th proxy from the app saw, the N-th entry from the right of X-Forwarded-For: entries further left
were written by the client and prove nothing. Without it (0, the default) the header is ignored.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def forwarded_client(meta: dict, hops: int) -> str | None:
    """The address `hops` trusted proxies vouch for, or None when the header does not carry one."""
    if hops <= 0:
        return None
    entries = [part.strip() for part in meta.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(entries) < hops:
        return None
    candidate = entries[-hops]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return None


class ForwardedFor:
    """Sets REMOTE_ADDR to the client's address as the trusted proxies report it; first in MIDDLEWARE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        address = forwarded_client(request.META, settings.FAZHI_TRUSTED_PROXIES)
        if address:
            request.META["REMOTE_ADDR"] = address
        return self.get_response(request)


def client_ip(request) -> str | None:
    """django-axes' client address (AXES_CLIENT_IP_CALLABLE): the one ForwardedFor settled on."""
    return request.META.get("REMOTE_ADDR") or None
