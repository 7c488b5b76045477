"""Exit criteria on the web (SPEC 6.3): the move dialog that lists the required items a move leaves undone, with a
link to do each on the guide tab and — for a manager or administrator in block mode — the reason to move on
anyway; and the words every web door (guide tab, card, board, sold form) uses after a refused or warned move.
The decision is the service's (``services.sales``); these only show it."""

from __future__ import annotations

from collections.abc import Sequence

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from salesguide.domain.errors import DomainError, StaleVersion
from salesguide.domain.exit_criteria import ExitCriteriaNotMet, RequiredItem
from salesguide.models import Sale
from salesguide.queries.guides import live_stages
from salesguide.services import sales as service
from salesguide.services.exit_checks import exit_preview
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.sales.access import INVALID, actor, editable_sale, go_to, safe_next, sale_page
from salesguide.web.sales.forms import OverrideReasonField


class MoveOnForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput)
    override_reason = OverrideReasonField()


def names(items: Sequence[RequiredItem]) -> str:
    return ", ".join(item.name for item in items)


def move_on_url(sale_id: int, stage_id: int, back: str | None = None) -> str:
    url = reverse("sales:move_on", args=[sale_id, stage_id])
    return f"{url}?{urlencode({'next': back})}" if back else url


def refused(request: HttpRequest, error: ExitCriteriaNotMet, sale_id: int, stage_id: int, back: str) -> HttpResponse:
    """A move a door tried was refused for its required items: say so and open the move dialog, which lists them
    (and, for a manager or administrator, asks the reason to move on anyway)."""
    messages.error(request, translate(error.message))
    return go_to(request, move_on_url(sale_id, stage_id, back))


def warn_if_needed(request: HttpRequest, sale: Sale) -> None:
    """After a move in warn mode: what the stage left behind undone."""
    if sale.exit_warnings:
        messages.warning(
            request,
            _("Moved on, but these required items are not done: %(items)s.") % {"items": names(sale.exit_warnings)},
        )


def _page(
    request: HttpRequest, sale: Sale, stage_id: int, form: MoveOnForm, back: str, *, status: int = 200
) -> HttpResponse:
    preview = exit_preview(actor(request), sale, stage_id)
    stage_name = next((s.name for s in live_stages(sale.sale_type_id) if s.stage_id == stage_id), "")
    context = {
        "sale": sale,
        "stage_name": stage_name,
        "preview": preview,
        "form": form,
        "back": back,
        "guide_url": reverse("sales:card", args=[sale.pk]) + "?tab=guide",
    }
    return render(request, "sales/move_on.html", context, status=status)


@sale_page
def move_on(request: HttpRequest, sale_id: int, stage_id: int) -> HttpResponse:
    """The move dialog: what moving to ``stage_id`` leaves undone; Move (or Move on anyway, with a reason)."""
    sale = editable_sale(request, sale_id)
    back = safe_next(request, reverse("sales:card", args=[sale.pk]))
    if request.method != "POST":
        return _page(request, sale, stage_id, MoveOnForm(initial={"version": sale.version}), back)
    form = MoveOnForm(request.POST)
    if form.is_valid():
        try:
            moved = service.move_sale_to_stage(
                actor(request),
                sale.pk,
                stage_id,
                version=form.cleaned_data["version"],
                override_reason=form.cleaned_data["override_reason"] or None,
            )
        except DomainError as error:
            add_to_form(form, error, {"override_reason": "override_reason"})
            status = 409 if isinstance(error, StaleVersion) else INVALID
            return _page(request, editable_sale(request, sale_id), stage_id, form, back, status=status)
        messages.success(
            request,
            _("The sale is now in stage “%(stage)s” (%(probability)d%%).")
            % {"stage": moved.stage.name if moved.stage else "—", "probability": moved.probability},
        )
        warn_if_needed(request, moved)
        return go_to(request, back)
    return _page(request, sale, stage_id, form, back, status=INVALID)
