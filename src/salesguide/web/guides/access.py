"""Who may open the guide pages: administrators change configuration, every logged-in user may read it."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, cast

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _

from salesguide.domain.errors import NotAllowed
from salesguide.models import Role, User

View = Callable[..., HttpResponse]


def admin_required(view: View) -> View:
    """Anonymous users go to the login page; logged-in users who are not administrators get 403.

    A ``NotAllowed`` raised by a service is a 403 as well, so a permission rule lives in the service and the
    page cannot drift from it.
    """

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if getattr(request.user, "role", None) != Role.ADMIN:
            raise PermissionDenied(_("Only administrators can change sale types and guides."))
        try:
            return view(request, *args, **kwargs)
        except NotAllowed as error:
            raise PermissionDenied(str(error)) from None

    return login_required(wrapper)


def reader_required(view: View) -> View:
    """Configuration may be read by everyone who is logged in (issue 2, accounts)."""
    return login_required(view)


def actor(request: HttpRequest) -> User:
    """The user a service acts for; the decorators above have made sure it is a logged-in ``User``."""
    return cast(User, request.user)
