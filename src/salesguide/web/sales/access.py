"""Who may open the sale pages (SPEC 7): everyone logged in sees every sale; only the owner, a manager or an
administrator changes one. The services check again on every write; the pages check first so that a
salesperson gets a clear "not for you" page instead of a form that fails on save."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_htmx.http import HttpResponseClientRedirect

from salesguide.domain.errors import NotAllowed
from salesguide.models import Sale, User
from salesguide.services.permissions import require_change_sale
from salesguide.web.domain_errors import translate

View = Callable[..., HttpResponse]

# A full page that shows a form with errors answers 422: browsers show it like any page, and tests and scripts
# can tell a refused submit from a form shown for the first time.
INVALID = 422


def sale_page(view: View) -> View:
    """Log in first; a ``NotAllowed`` from a service becomes the 403 page, so the rule lives in one place."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as error:
            raise PermissionDenied(translate(error.message)) from None

    return login_required(wrapper)


def actor(request: HttpRequest) -> User:
    """The user a service acts for; ``sale_page`` has made sure it is a logged-in ``User``."""
    return cast(User, request.user)


def load_sale(sale_id: int) -> Sale:
    """The sale with everything its header shows, in one query."""
    sale = Sale.objects.select_related("sale_type", "company", "contact", "owner", "stage").filter(pk=sale_id).first()
    if sale is None:
        raise Http404(_("There is no such sale. It may have been deleted."))
    return sale


def editable_sale(request: HttpRequest, sale_id: int) -> Sale:
    """The sale, when the user may change it; else the 403 page with the services' reason."""
    sale = load_sale(sale_id)
    try:
        require_change_sale(actor(request), sale)
    except NotAllowed as error:
        raise PermissionDenied(translate(error.message)) from None
    return sale


def is_htmx(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.boosted and not htmx.history_restore_request  # type: ignore[union-attr]


def go_to(request: HttpRequest, url: str) -> HttpResponse:
    """After a write that changes the whole page: a redirect, which htmx needs told explicitly."""
    if is_htmx(request):
        return HttpResponseClientRedirect(url)
    return redirect(url)


def safe_next(request: HttpRequest, fallback: str) -> str:
    """Where to return after a form post: the page the form was on, if it is one of ours."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return fallback
