"""Sale types: the list (with deleted ones and restore), the form with the ordered stages, delete with a
confirmation."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, RuleViolation
from salesguide.models import SaleType
from salesguide.queries.guides import live_link_filter
from salesguide.services import sale_types as service
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.guides.access import actor, admin_required
from salesguide.web.guides.forms import SALE_TYPE_FIELD_ALIASES, SaleTypeForm
from salesguide.web.guides.responses import go_to, page_or_partial
from salesguide.web.guides.stage_picker import arranged, is_arrange_op, parse_ids, stage_picker


def add_sale_type_error(form: SaleTypeForm, error: DomainError) -> None:
    """The two-stage rule is about the guide switch, so its message goes next to that switch when the form has
    it; anything else goes where ``add_to_form`` puts it."""
    if isinstance(error, RuleViolation):
        form.add_error("has_guide" if "has_guide" in form.fields else None, translate(error.message))
    else:
        add_to_form(form, error, SALE_TYPE_FIELD_ALIASES)


def initial_of(sale_type: SaleType) -> dict[str, Any]:
    return {
        "name": sale_type.name,
        "description": sale_type.description,
        "category": sale_type.category_id,
        "duration": sale_type.duration,
        "duration_unit": sale_type.duration_unit,
        "has_guide": sale_type.has_guide,
        "auto_advance": sale_type.auto_advance,
        "probability_policy": sale_type.probability_policy,
        "exit_criteria": sale_type.exit_criteria,
    }


def current_stage_ids(sale_type: SaleType) -> list[int]:
    return [link.stage_id for link in service.active_links(sale_type)]


def save_sale_type(request: HttpRequest, form: SaleTypeForm, sale_type: SaleType | None) -> SaleType | None:
    """Create or update from a bound form and the posted stage order; ``None`` (with the errors on the form)
    when the input or a rule refuses it."""
    if not form.is_valid():
        return None
    fields = {**form.service_fields(), "stage_ids": parse_ids(request.POST.getlist("stage_ids"))}
    try:
        if sale_type is None:
            return service.create_sale_type(actor(request), **fields)
        return service.update_sale_type(actor(request), sale_type.pk, **fields)
    except DomainError as error:
        add_sale_type_error(form, error)
        return None


def _form_page(
    request: HttpRequest,
    form: SaleTypeForm,
    stage_ids: list[int],
    sale_type: SaleType | None,
    *,
    invalid: bool = False,
) -> HttpResponse:
    context = {
        "form": form,
        "picker": stage_picker(stage_ids),
        "sale_type": sale_type,
        "action": (
            reverse("guides:sale_type_edit", args=[sale_type.pk]) if sale_type else reverse("guides:sale_type_create")
        ),
    }
    return page_or_partial(
        request, "guides/sale_type_form.html", "guides/_sale_type_form.html", context, invalid=invalid
    )


def _sale_type_form(request: HttpRequest, sale_type: SaleType | None) -> HttpResponse:
    if request.method != "POST":
        if sale_type is None:
            return _form_page(request, SaleTypeForm(), [], None)
        return _form_page(request, SaleTypeForm(initial=initial_of(sale_type)), current_stage_ids(sale_type), sale_type)
    if is_arrange_op(request.POST.get("op", "")):
        return _form_page(request, SaleTypeForm.redisplay(request.POST), arranged(request.POST), sale_type)
    form = SaleTypeForm(request.POST)
    saved = save_sale_type(request, form, sale_type)
    if saved is None:
        return _form_page(request, form, parse_ids(request.POST.getlist("stage_ids")), sale_type, invalid=True)
    messages.success(request, _("Sale type “%(name)s” saved.") % {"name": saved.name})
    return go_to(request, reverse("guides:sale_type_list"))


@admin_required
def sale_type_create(request: HttpRequest) -> HttpResponse:
    return _sale_type_form(request, None)


@admin_required
def sale_type_edit(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    return _sale_type_form(request, get_object_or_404(SaleType, pk=sale_type_id))


@admin_required
def sale_type_list(request: HttpRequest) -> HttpResponse:
    show_deleted = request.GET.get("deleted") == "1"
    live_links = live_link_filter("links__")
    sale_types = (
        SaleType.objects.filter(deleted=show_deleted)
        .select_related("category")
        .annotate(stage_count=Count("links", filter=live_links))
        .order_by("rank", "id")
    )
    return render(request, "guides/sale_type_list.html", {"sale_types": sale_types, "show_deleted": show_deleted})


@admin_required
def sale_type_delete(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    sale_type = get_object_or_404(SaleType, pk=sale_type_id, deleted=False)
    if request.method != "POST":
        return render(request, "guides/sale_type_confirm_delete.html", {"sale_type": sale_type})
    service.delete_sale_type(actor(request), sale_type.pk)
    messages.success(
        request,
        _("Sale type “%(name)s” deleted. You can restore it from the deleted sale types.") % {"name": sale_type.name},
    )
    return redirect("guides:sale_type_list")


@require_POST
@admin_required
def sale_type_restore(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    sale_type = get_object_or_404(SaleType, pk=sale_type_id)
    try:
        service.restore_sale_type(actor(request), sale_type.pk)
    except DomainError as error:
        messages.error(request, translate(error.message))
        return redirect(reverse("guides:sale_type_list") + "?deleted=1")
    messages.success(request, _("Sale type “%(name)s” restored.") % {"name": sale_type.name})
    return redirect("guides:sale_type_list")
