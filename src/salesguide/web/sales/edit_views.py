"""Creating, editing and deleting a sale; moving it to a stage and resetting its probability.

Every change carries the version the user saw. When someone else saved the sale meanwhile, the service refuses
with ``StaleVersion``; the form then shows that at the top, keeps everything the user typed, and offers to
reload the sale.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, FieldProblem, StaleVersion
from salesguide.domain.exit_criteria import ExitCriteriaNotMet
from salesguide.models import Sale, User
from salesguide.services import sale_fields
from salesguide.services import sales as service
from salesguide.services.permissions import allowed_actions
from salesguide.web.domain_errors import add_problems, add_to_form, parsed, translate
from salesguide.web.sales import exit_views
from salesguide.web.sales.access import INVALID, actor, editable_sale, go_to, safe_next, sale_page
from salesguide.web.sales.forms import (
    ID_MAX,
    SALE_FIELD_ALIASES,
    SaleEditForm,
    SaleForm,
    VersionOnlyForm,
    sale_initial,
    stage_choices,
)


def card_url(sale_id: int, tab: str | None = None) -> str:
    url = reverse("sales:card", args=[sale_id])
    return f"{url}?tab={tab}" if tab else url


@sale_page
def sale_create(request: HttpRequest) -> HttpResponse:
    user = actor(request)
    initial: dict[str, Any] = {"owner": user.pk, "currency": settings.DEFAULT_CURRENCY}
    if request.GET.get("company", "").isdigit():
        initial["company"] = int(request.GET["company"])
    if request.method != "POST":
        return _form_page(request, SaleForm(initial=initial, actor=user))
    form = SaleForm(request.POST, initial=initial, actor=user)
    if form.is_valid():
        try:
            sale = service.create_sale(user, **form.service_fields())
        except DomainError as error:
            add_to_form(form, error, SALE_FIELD_ALIASES)
        else:
            messages.success(
                request,
                _("Sale “%(title)s” is created in stage “%(stage)s”.")
                % {"title": sale.title, "stage": sale.stage.name if sale.stage else "—"},
            )
            _warn(request, sale_fields.sale_warnings(user, sale))
            return go_to(request, card_url(sale.pk))
    else:
        _check_the_rest(form, form.service_fields())
    return _form_page(request, form, invalid=True)


def _check_the_rest(form: SaleForm, fields: dict[str, Any], sale: Sale | None = None) -> None:
    """A form with fields that did not parse also shows what the services refuse in the ones that did."""
    problems = sale_fields.sale_problems(parsed(form, fields, SALE_FIELD_ALIASES), sale=sale)
    add_problems(form, problems, SALE_FIELD_ALIASES)


def _warn(request: HttpRequest, warnings: list[FieldProblem]) -> None:
    for warning in warnings:
        messages.warning(request, translate(warning.message))


def _date_warnings(user: User, form: SaleForm, sale: Sale | None) -> list[str]:
    """The warnings next to the expected date: about the date typed (when it parsed) or the one stored."""
    if not form.is_bound:
        return [translate(w.message) for w in sale_fields.sale_warnings(user, sale)] if sale is not None else []
    cleaned = getattr(form, "cleaned_data", {})
    if "expected_date" not in cleaned:
        return []
    return [translate(w.message) for w in sale_fields.sale_warnings(user, sale, expected_date=cleaned["expected_date"])]


def _form_page(
    request: HttpRequest, form: SaleForm, sale: Sale | None = None, *, invalid: bool = False, conflict: bool = False
) -> HttpResponse:
    user = actor(request)
    actions = allowed_actions(user, sale) if sale is not None else None
    return render(
        request,
        "sales/form.html",
        {
            "form": form,
            "sale": sale,
            "actions": actions,
            "conflict": conflict,
            "date_warnings": _date_warnings(user, form, sale),
        },
        status=INVALID if invalid else 200,
    )


@sale_page
def sale_edit(request: HttpRequest, sale_id: int) -> HttpResponse:
    user = actor(request)
    sale = editable_sale(request, sale_id)
    initial = sale_initial(sale)
    if request.method != "POST":
        return _form_page(request, SaleEditForm(initial=initial, actor=user, sale=sale), sale)
    form = SaleEditForm(request.POST, initial=initial, actor=user, sale=sale)
    resetting = "reset_probability" in request.POST
    if form.is_valid():
        changes = form.changed_service_fields()
        if resetting:
            changes.pop("probability", None)
        version = form.cleaned_data["version"]
        saved = sale
        try:
            # The reset button saves what was typed too, so pressing it loses nothing.
            if changes:
                saved = service.update_sale(user, sale.pk, version=version, **changes)
                version = saved.version
            if resetting:
                saved = service.reset_sale_probability(user, sale.pk, version=version)
        except DomainError as error:
            add_to_form(form, error, SALE_FIELD_ALIASES)
            return _form_page(request, form, sale, invalid=True, conflict=isinstance(error, StaleVersion))
        if resetting:
            messages.success(
                request,
                _("The probability follows the stage again: %(probability)d%%.") % {"probability": saved.probability},
            )
            return go_to(request, reverse("sales:edit", args=[sale.pk]))
        if changes:
            messages.success(request, _("Sale “%(title)s” is saved.") % {"title": saved.title})
            _warn(request, sale_fields.sale_warnings(user, saved))
            exit_views.warn_if_needed(request, saved)
        else:
            messages.info(request, _("Nothing was changed."))
        return go_to(request, card_url(sale.pk))
    _check_the_rest(form, form.changed_service_fields(), sale)
    return _form_page(request, form, sale, invalid=True)


@sale_page
def sale_delete(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = editable_sale(request, sale_id)
    if request.method != "POST":
        return render(
            request,
            "sales/confirm_delete.html",
            {"sale": sale, "form": VersionOnlyForm(initial={"version": sale.version})},
        )
    form = VersionOnlyForm(request.POST)
    if form.is_valid():
        try:
            service.delete_sale(actor(request), sale.pk, version=form.cleaned_data["version"])
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Sale “%(title)s” is deleted.") % {"title": sale.title})
            return go_to(request, reverse("sales:list"))
    return render(request, "sales/confirm_delete.html", {"sale": sale, "form": form, "conflict": True}, status=INVALID)


@sale_page
@require_POST
def move_stage(request: HttpRequest, sale_id: int) -> HttpResponse:
    """Move the sale to a stage of its type (the offer after the last item of a stage is done, SPEC 3.6)."""
    sale = editable_sale(request, sale_id)
    back = safe_next(request, card_url(sale.pk))
    stage_id = request.POST.get("stage_id", "")
    version = request.POST.get("version", "")
    if not stage_id.isdigit():
        messages.error(request, _("Choose a stage to move to."))
        return go_to(request, back)
    try:
        moved = service.move_sale_to_stage(
            actor(request), sale.pk, int(stage_id), version=int(version) if version.isdigit() else None
        )
    except ExitCriteriaNotMet as error:
        return exit_views.refused(request, error, sale.pk, int(stage_id), back)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request,
            _("The sale is now in stage “%(stage)s” (%(probability)d%%).")
            % {"stage": moved.stage.name if moved.stage else "—", "probability": moved.probability},
        )
        exit_views.warn_if_needed(request, moved)
    return go_to(request, back)


@sale_page
@require_POST
def reset_probability(request: HttpRequest, sale_id: int) -> HttpResponse:
    sale = editable_sale(request, sale_id)
    form = VersionOnlyForm(request.POST)
    back = safe_next(request, card_url(sale.pk))
    if not form.is_valid():
        messages.error(request, _("This form is out of date. Reload the page and try again."))
        return go_to(request, back)
    try:
        saved = service.reset_sale_probability(actor(request), sale.pk, version=form.cleaned_data["version"])
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request,
            _("The probability follows the stage again: %(probability)d%%.") % {"probability": saved.probability},
        )
    return go_to(request, back)


def _id(value: str | None) -> int | None:
    number = int(value) if value and value.isdigit() else None
    return number if number is not None and 0 < number <= ID_MAX else None


@sale_page
def stage_options(request: HttpRequest) -> HttpResponse:
    """The stage select's options for the sale type just chosen on the edit form (htmx): the stage that was
    selected stays selected when the new type uses it, otherwise the new type's first stage is."""
    options = stage_choices(_id(request.GET.get("sale_type")))
    selected = _id(request.GET.get("stage"))
    if all(value != selected for value, _label in options):
        selected = options[0][0] if options else None
    return render(request, "sales/_options.html", {"options": options, "selected": selected})
