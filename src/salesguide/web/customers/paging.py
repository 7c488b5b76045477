"""How the customer lists answer: the whole page, only the list (htmx search while typing), or only the next
rows ("Show more", appended by htmx; without JavaScript the same link opens the next page)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from salesguide.domain.errors import ValidationFailed
from salesguide.queries.paging import Page

PAGE_SIZE = 50
MAX_QUERY_LENGTH = 200

# The ids htmx names in HX-Target: the list with its search results, and the "Show more" row.
LIST_TARGET = "item-list"
MORE_TARGET = "list-more"


@dataclass(frozen=True)
class ListTemplates:
    page: str
    list: str
    rows: str


def search_text(request: HttpRequest, name: str = "q") -> str:
    # NUL cannot reach a database query, and a pasted novel is not a search.
    return (request.GET.get(name) or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]


def load_page(request: HttpRequest, fetch: Callable[[str | None], Page[Any]]) -> tuple[Page[Any], bool]:
    """The page the ``after`` cursor names; the first page (and True) when the cursor is damaged or stale."""
    after = request.GET.get("after") or None
    if after is not None:
        try:
            return fetch(after), True
        except ValidationFailed:
            messages.info(request, _("That page link no longer works, so the list starts from the top."))
    return fetch(None), False


def more_url(base_url: str, params: dict[str, Any], page: Page[Any]) -> str | None:
    if page.next is None:
        return None
    query = {key: value for key, value in params.items() if value not in (None, "")}
    return f"{base_url}?{urlencode({**query, 'after': page.next})}"


def render_list(request: HttpRequest, templates: ListTemplates, context: dict[str, Any]) -> HttpResponse:
    htmx = getattr(request, "htmx", None)
    if htmx and not htmx.history_restore_request:
        if htmx.target == MORE_TARGET:
            return render(request, templates.rows, context)
        if htmx.target == LIST_TARGET:
            return render(request, templates.list, {**context, "messages_out_of_band": True})
    return render(request, templates.page, context)
