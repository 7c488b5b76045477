"""Language per user: Dutch by default (or the installation's language), English by choice. Time zone per user:
the installation's, or the one chosen on the profile page."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import timezone, translation

from salesguide.services.clock import zone_of


class UserLanguageMiddleware:
    """Before authentication: the installation's language, or the one chosen on the login page."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = request.session.get("language") or settings.LANGUAGE_CODE
        # override() puts the thread's previous language back afterwards, so one request's language never
        # leaks into the next piece of work on the same thread.
        with translation.override(language):
            request.LANGUAGE_CODE = language
            response = self.get_response(request)
            response.headers.setdefault("Content-Language", translation.get_language() or language)
        return response


class ActivateUserLanguageMiddleware:
    """After authentication: the logged-in user's own language and time zone win (times are shown, and typed
    times read, in it)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and getattr(user, "language", None):
            with translation.override(user.language), timezone.override(zone_of(user)):
                request.LANGUAGE_CODE = user.language
                response = self.get_response(request)
                response.headers.setdefault("Content-Language", user.language)
                return response
        return self.get_response(request)
