"""Who may open which page. Every page needs a logged-in user; Settings and maintenance needs an
administrator.

The services check permissions again on every write; these checks only decide which pages a person sees, so a
salesperson gets a clear "not for you" page instead of a form that would fail on save.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase
from django.utils.translation import gettext as _

View = Callable[..., HttpResponseBase]


def admin_required(view: View) -> View:
    """Log in first; then only administrators pass (others get the translated 403 page)."""

    @wraps(view)
    def checked(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if not getattr(request.user, "is_admin", False):
            raise PermissionDenied(_("Only administrators can open Settings and maintenance."))
        return view(request, *args, **kwargs)

    return login_required(checked)
