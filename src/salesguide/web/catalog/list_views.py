"""One set of views for every simple settings list (see ``areas``): list, add, edit, delete, restore, move.

Each view parses with a Django form, calls one service and answers with a page or a redirect plus a message
that says what happened. Up/down answers htmx with just the list (and the message, out of band).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError
from salesguide.web.accounts.access import admin_required
from salesguide.web.catalog.areas import ListArea
from salesguide.web.domain_errors import add_problems, add_to_form, translate


@dataclass(frozen=True)
class Row:
    item: Any
    can_move_up: bool
    can_move_down: bool


@dataclass(frozen=True)
class Group:
    label: Any
    rows: list[Row]


def _url_names(area: ListArea) -> dict[str, str]:
    actions = ("list", "add", "edit", "delete", "restore", "move")
    return {action: area.url_name(action) for action in actions}


def _groups(area: ListArea, items: list[Any], reorderable: bool) -> list[Group]:
    def rows(members: list[Any]) -> list[Row]:
        live = [item.pk for item in members if not item.deleted]
        return [
            Row(
                item,
                can_move_up=reorderable and not item.deleted and live.index(item.pk) > 0,
                can_move_down=reorderable and not item.deleted and live.index(item.pk) < len(live) - 1,
            )
            for item in members
        ]

    if not area.group_by:
        return [Group(None, rows(items))]
    return [
        Group(label, rows([item for item in items if getattr(item, area.group_by) == value]))
        for value, label in area.group_choices
    ]


def _list_context(area: ListArea, params: QueryDict) -> dict[str, Any]:
    show_deleted = params.get("deleted") == "1"
    query = (params.get("q") or "").strip()
    items = area.model._default_manager.all()
    if not show_deleted:
        items = items.filter(deleted=False)
    if query:
        items = items.filter(name__icontains=query)
    item_list = list(items)
    list_url = reverse(area.url_name("list"))
    # Reordering a filtered list would hide where an item lands, so up/down only show on the whole list.
    return {
        "area": area,
        "urls": _url_names(area),
        "groups": _groups(area, item_list, reorderable=not query),
        "has_items": bool(item_list),
        "column_count": len(area.headers) + 1,
        "show_deleted": show_deleted,
        "query": query,
        "reorderable": not query,
        "return_url": f"{list_url}?deleted=1" if show_deleted else list_url,
    }


def _is_partial(request: HttpRequest) -> bool:
    htmx = getattr(request, "htmx", None)
    return bool(htmx) and not htmx.history_restore_request  # type: ignore[union-attr]


def _back_to_list(request: HttpRequest, area: ListArea) -> HttpResponse:
    target = request.POST.get("next") or ""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect(area.url_name("list"))


@admin_required
def item_list(request: HttpRequest, area: ListArea) -> HttpResponse:
    context = _list_context(area, request.GET)
    template = "catalog/_list_table.html" if _is_partial(request) else "catalog/list.html"
    return render(request, template, context)


def _form_page(request: HttpRequest, area: ListArea, form: Any, item: Any = None) -> HttpResponse:
    return render(
        request,
        "catalog/item_form.html",
        {"area": area, "urls": _url_names(area), "form": form, "item": item},
    )


@admin_required
def item_add(request: HttpRequest, area: ListArea) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, area, area.form_class())
    form = area.form_class(request.POST)
    if form.is_valid():
        try:
            item = area.create(request.user, form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(name)s” is added.") % {"name": item.name})
            return redirect(area.url_name("list"))
    else:
        add_problems(form, area.problems(form.cleaned_data))
    return _form_page(request, area, form)


@admin_required
def item_edit(request: HttpRequest, area: ListArea, pk: int) -> HttpResponse:
    item = get_object_or_404(area.model, pk=pk)
    if request.method != "POST":
        return _form_page(request, area, area.form_class(initial=area.initial(item)), item)
    form = area.form_class(request.POST)
    if form.is_valid():
        try:
            saved = area.update(request.user, pk, form.cleaned_data)  # type: ignore[arg-type]
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(name)s” is saved.") % {"name": saved.name})
            return redirect(area.url_name("list"))
    else:
        add_problems(form, area.problems(form.cleaned_data))
    return _form_page(request, area, form, item)


@admin_required
def item_delete(request: HttpRequest, area: ListArea, pk: int) -> HttpResponse:
    item = get_object_or_404(area.model, pk=pk)
    if request.method != "POST":
        return render(
            request,
            "catalog/confirm_delete.html",
            {
                "item": item,
                "area_title": area.title,
                "list_url": reverse(area.url_name("list")),
                "action_url": reverse(area.url_name("delete"), args=[pk]),
                "cancel_url": reverse(area.url_name("list")),
            },
        )
    try:
        deleted = area.delete(request.user, pk)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request,
            _("“%(name)s” is deleted. Tick “Show deleted” to find it and restore it.") % {"name": deleted.name},
        )
    return redirect(area.url_name("list"))


@admin_required
@require_POST
def item_restore(request: HttpRequest, area: ListArea, pk: int) -> HttpResponse:
    try:
        restored = area.restore(request.user, pk)  # type: ignore[arg-type]
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(request, _("“%(name)s” is restored.") % {"name": restored.name})
    return _back_to_list(request, area)


@admin_required
@require_POST
def item_move(request: HttpRequest, area: ListArea, pk: int) -> HttpResponse:
    direction = request.POST.get("direction")
    item: Any = get_object_or_404(area.model, pk=pk)
    if direction not in ("up", "down"):
        messages.error(request, _("Choose whether to move the item up or down."))
    else:
        try:
            area.move(request.user, pk, -1 if direction == "up" else 1)  # type: ignore[arg-type]
        except DomainError as error:
            messages.error(request, translate(error.message))
        else:
            text = _("Moved “%(name)s” up.") if direction == "up" else _("Moved “%(name)s” down.")
            messages.success(request, text % {"name": item.name})
    if _is_partial(request):
        context = _list_context(area, request.POST)
        context["messages_out_of_band"] = True
        return render(request, "catalog/_list_table.html", context)
    return _back_to_list(request, area)
