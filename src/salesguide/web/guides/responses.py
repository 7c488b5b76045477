"""How the guide pages answer: the whole page for a plain request, only the changed part for htmx.

Every write confirms what it did through Django's messages. A full page shows them in the page's message area;
an htmx answer carries them as an out-of-band swap of that same area, so the confirmation appears in one place
whichever way the page was used.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.http import url_has_allowed_host_and_scheme
from django_htmx.http import HttpResponseClientRedirect

# Status of a full page that shows a form with errors: the browser shows it like any page, and tests and
# scripts can tell a refused submit from a shown form.
INVALID = 422


def is_htmx(request: HttpRequest) -> bool:
    return bool(getattr(request, "htmx", False))


def partial(request: HttpRequest, template: str, context: dict[str, Any]) -> HttpResponse:
    """An htmx fragment plus the pending messages. Always 200: htmx swaps only successful answers, and a form
    with its errors must be swapped in to be seen."""
    html = render_to_string(template, context, request)
    html += render_to_string("partials/messages.html", {"messages_out_of_band": True}, request)
    return HttpResponse(html)


def page_or_partial(
    request: HttpRequest, page: str, fragment: str, context: dict[str, Any], *, invalid: bool = False
) -> HttpResponse:
    if is_htmx(request) and not request.htmx.boosted:  # type: ignore[attr-defined]
        return partial(request, fragment, context)
    return render(request, page, context, status=INVALID if invalid else 200)


def go_to(request: HttpRequest, url: str) -> HttpResponse:
    """After a write that changes the whole page: a redirect, which htmx needs told explicitly."""
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to return after a plain form post: the page the form was on, if it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
