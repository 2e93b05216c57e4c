"""Until a user whose password must be changed has changed it, every page leads to the password-change page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse

from .passwords import change_due


class PasswordChangeMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            reason = change_due(user)
            if reason is not None and not self.exempt(request.path_info):
                if request.path_info.startswith("/api/"):
                    return JsonResponse({"detail": reason}, status=403)
                target = reverse("system:password-change")
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)

    @staticmethod
    def exempt(path: str) -> bool:
        """The pages a user who must change the password may still open: that page, logging out, static files."""
        allowed = (reverse("system:password-change"), reverse("logout"), settings.STATIC_URL, reverse("healthz"))
        return any(path.startswith(prefix) for prefix in allowed)
