"""Who is calling: a bearer token (scripts) or the browser session (then CSRF applies to writes).

Reads are open to every logged-in user; the services decide who may write (admins for configuration) and
raise NotAllowed, which the API answers with 403.
"""

from __future__ import annotations

from typing import Any, cast

from django.conf import settings
from django.http import HttpRequest
from ninja.security import APIKeyCookie, HttpBearer
from ninja.throttling import SimpleRateThrottle
from ninja.utils import check_csrf

from salesguide.api.errors import CsrfFailed
from salesguide.models import User
from salesguide.services import accounts


class BearerToken(HttpBearer):
    """``Authorization: Bearer <token>``; tokens come from ``salesguide token create`` or the profile page."""

    def authenticate(self, request: HttpRequest, token: str) -> User | None:
        if not token or len(token) > 200:
            return None
        return accounts.user_for_token(token.strip())


class Session(APIKeyCookie):
    """The Django session of a logged-in browser. Writes need the CSRF token (``X-CSRFToken`` header)."""

    param_name = settings.SESSION_COOKIE_NAME

    def __init__(self) -> None:
        super().__init__(csrf=True)

    def __call__(self, request: HttpRequest) -> User | None:
        if request.headers.get("Authorization"):
            # A request that names a token is judged by the token alone: a revoked token stays refused even
            # from a browser that is also logged in.
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.is_active:
            return None
        # Checked only once we know the session is who is calling, so that a caller without any credentials
        # gets 401, not a CSRF complaint.
        if not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed()
        return cast(User, user)

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:  # pragma: no cover - see __call__
        return None


class PerUserThrottle(SimpleRateThrottle):
    """Requests per user (or per address before login). The rate is the setting ``SALESGUIDE_API_RATE``
    (e.g. ``"1200/min"``); ``None`` switches throttling off. It is read on every request so that a deployment
    (or a test) can change it without a restart."""

    scope = "salesguide"
    default_rate = "1200/min"

    def __init__(self) -> None:
        super().__init__(rate=self.default_rate)

    def allow_request(self, request: HttpRequest) -> bool:
        rate = getattr(settings, "SALESGUIDE_API_RATE", self.default_rate)
        if rate is None:
            return True
        self.rate = rate
        self.num_requests, self.duration = self.parse_rate(rate)
        return super().allow_request(request)

    def get_cache_key(self, request: HttpRequest) -> str | None:
        user = getattr(request, "auth", None)
        ident = f"user-{user.pk}" if isinstance(user, User) else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


def actor(request: HttpRequest) -> User:
    """The authenticated user of a request (Ninja's auth has already refused anonymous callers)."""
    return cast(User, request.auth)  # type: ignore[attr-defined]
