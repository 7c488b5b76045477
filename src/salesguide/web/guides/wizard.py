"""Create a guide in five steps (SPEC 2.4): (1) stages, (2) the sale type and its stages in order, (3) switch
the guide on, (4) follow-ups per stage, (5) documents per stage, then a preview as a salesperson will see it.

Each step writes through the services as soon as it is submitted, so leaving halfway keeps what was made. What
is not yet saved (the stages ticked in step 1, before the sale type exists) travels in the URL as ``stages``,
and from step 2 on the sale type's id is in the path, so every step can be bookmarked, reloaded or gone back
to without hidden state.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from salesguide.domain import catalog as rules
from salesguide.domain.errors import DomainError
from salesguide.models import SaleType, Stage
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import catalog
from salesguide.services import sale_types as sale_type_service
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.guides.access import actor, admin_required
from salesguide.web.guides.designer import designer_context, live_sale_type, stage_bar
from salesguide.web.guides.forms import GuideSwitchForm, NewStageForm, SaleTypeForm
from salesguide.web.guides.preview import preview_context
from salesguide.web.guides.responses import go_to, is_htmx, page_or_partial
from salesguide.web.guides.sale_types import current_stage_ids, initial_of, save_sale_type
from salesguide.web.guides.stage_picker import arranged, is_arrange_op, parse_ids, stage_picker


@dataclass(frozen=True)
class WizardStep:
    number: int
    label: Promise
    url: str | None
    state: str  # "done", "current" or "todo"


STEP_LABELS = (
    gettext_lazy("Stages"),
    gettext_lazy("Sale type"),
    gettext_lazy("Switch the guide on"),
    gettext_lazy("Follow-ups"),
    gettext_lazy("Documents"),
)


def step_urls(sale_type: SaleType | None, stage_ids: Sequence[int] = ()) -> list[str | None]:
    query = urlencode({"stages": list(stage_ids)}, doseq=True) if stage_ids else ""
    if sale_type is None:
        first = reverse("guides:wizard_stages") + (f"?{query}" if query else "")
        second = reverse("guides:wizard_sale_type_new") + (f"?{query}" if query else "")
        return [first, second, None, None, None]
    first_query = urlencode({"sale_type": sale_type.pk})
    return [
        f"{reverse('guides:wizard_stages')}?{first_query}",
        reverse("guides:wizard_sale_type", args=[sale_type.pk]),
        reverse("guides:wizard_guide", args=[sale_type.pk]),
        reverse("guides:wizard_followups", args=[sale_type.pk]),
        reverse("guides:wizard_documents", args=[sale_type.pk]),
    ]


def wizard_steps(current: int, sale_type: SaleType | None, stage_ids: Sequence[int] = ()) -> list[WizardStep]:
    """The step indicator; ``current`` 6 means finished (every step done, the preview shown)."""
    urls = step_urls(sale_type, stage_ids)
    return [
        WizardStep(
            number,
            label,
            urls[number - 1],
            "current" if number == current else "done" if number < current else "todo",
        )
        for number, label in enumerate(STEP_LABELS, start=1)
    ]


def _sale_type_param(request: HttpRequest) -> SaleType | None:
    raw = request.GET.get("sale_type") or request.POST.get("sale_type") or ""
    if not raw.isdigit():
        return None
    return SaleType.objects.filter(pk=int(raw), deleted=False).first()


# --- step 1: stages -------------------------------------------------------------------------------------


def _stages_page(
    request: HttpRequest,
    sale_type: SaleType | None,
    chosen: list[int],
    form: NewStageForm,
    *,
    invalid: bool = False,
) -> HttpResponse:
    context = {
        "wizard_steps": wizard_steps(1, sale_type, chosen),
        "sale_type": sale_type,
        "stages": Stage.objects.filter(deleted=False).order_by("rank", "id"),
        "chosen": chosen,
        "form": form,
    }
    return page_or_partial(
        request, "guides/wizard/stages.html", "guides/wizard/_stages_form.html", context, invalid=invalid
    )


def _ordered_choice(previous: Sequence[int], ticked: Sequence[int]) -> list[int]:
    """Ticked stages keep the order they already had (from step 2) and new ones follow in list order."""
    return [i for i in previous if i in ticked] + [i for i in ticked if i not in previous]


@admin_required
def wizard_stages(request: HttpRequest) -> HttpResponse:
    sale_type = _sale_type_param(request)
    if request.method != "POST":
        chosen = parse_ids(request.GET.getlist("stages"))
        if not chosen and sale_type is not None:
            chosen = current_stage_ids(sale_type)
        return _stages_page(request, sale_type, chosen, NewStageForm())
    previous = parse_ids(request.POST.getlist("order"))
    chosen = _ordered_choice(previous, parse_ids(request.POST.getlist("stages")))
    if request.POST.get("op") != "add_stage":
        query = urlencode({"stages": chosen}, doseq=True)
        if sale_type is None:
            return go_to(request, f"{reverse('guides:wizard_sale_type_new')}?{query}")
        return go_to(request, f"{reverse('guides:wizard_sale_type', args=[sale_type.pk])}?{query}")
    form = NewStageForm(request.POST)
    if form.is_valid():
        try:
            stage = catalog.create_stage(actor(request), **form.service_fields())
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Stage “%(name)s” created and chosen.") % {"name": stage.name})
            chosen.append(stage.pk)
            if is_htmx(request):
                return _stages_page(request, sale_type, chosen, NewStageForm())
            params: dict[str, Any] = {"stages": chosen, **({"sale_type": sale_type.pk} if sale_type else {})}
            return redirect(f"{reverse('guides:wizard_stages')}?{urlencode(params, doseq=True)}")
    return _stages_page(request, sale_type, chosen, form, invalid=True)


# --- step 2: the sale type and its stages in order ---------------------------------------------------------


def _sale_type_page(
    request: HttpRequest,
    sale_type: SaleType | None,
    form: SaleTypeForm,
    stage_ids: list[int],
    *,
    invalid: bool = False,
) -> HttpResponse:
    action = (
        reverse("guides:wizard_sale_type", args=[sale_type.pk]) if sale_type else reverse("guides:wizard_sale_type_new")
    )
    context = {
        "wizard_steps": wizard_steps(2, sale_type, stage_ids),
        "sale_type": sale_type,
        "form": form,
        "picker": stage_picker(stage_ids),
        "action": action,
        "wizard": True,
    }
    return page_or_partial(
        request, "guides/wizard/sale_type.html", "guides/_sale_type_form.html", context, invalid=invalid
    )


def _wizard_sale_type(request: HttpRequest, sale_type: SaleType | None) -> HttpResponse:
    if request.method != "POST":
        stage_ids = parse_ids(request.GET.getlist("stages"))
        if not stage_ids and sale_type is not None:
            stage_ids = current_stage_ids(sale_type)
        initial = initial_of(sale_type) if sale_type else None
        return _sale_type_page(request, sale_type, SaleTypeForm(initial=initial, with_guide_fields=False), stage_ids)
    op = request.POST.get("op", "")
    if is_arrange_op(op):
        form = SaleTypeForm.redisplay(request.POST, with_guide_fields=False)
        return _sale_type_page(request, sale_type, form, arranged(request.POST))
    stage_ids = parse_ids(request.POST.getlist("stage_ids"))
    if op == "back":
        query = {"stages": stage_ids, **({"sale_type": sale_type.pk} if sale_type else {})}
        return go_to(request, f"{reverse('guides:wizard_stages')}?{urlencode(query, doseq=True)}")
    form = SaleTypeForm(request.POST, with_guide_fields=False)
    saved = save_sale_type(request, form, sale_type)
    if saved is None:
        return _sale_type_page(request, sale_type, form, stage_ids, invalid=True)
    messages.success(request, _("Sale type “%(name)s” saved.") % {"name": saved.name})
    return go_to(request, reverse("guides:wizard_guide", args=[saved.pk]))


@admin_required
def wizard_sale_type_new(request: HttpRequest) -> HttpResponse:
    return _wizard_sale_type(request, None)


@admin_required
def wizard_sale_type(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    return _wizard_sale_type(request, live_sale_type(sale_type_id))


# --- step 3: switch the guide on ---------------------------------------------------------------------------


@admin_required
def wizard_guide(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    sale_type = live_sale_type(sale_type_id)
    form = GuideSwitchForm(
        request.POST if request.method == "POST" else None,
        initial={
            "auto_advance": sale_type.auto_advance,
            "probability_policy": sale_type.probability_policy,
            "exit_criteria": sale_type.exit_criteria,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            sale_type_service.update_sale_type(actor(request), sale_type.pk, has_guide=True, **form.service_fields())
        except DomainError as error:
            form.add_error(None, translate(error.message))
        else:
            messages.success(request, _("The guide of “%(name)s” is on.") % {"name": sale_type.name})
            return redirect("guides:wizard_followups", sale_type.pk)
    guide = guide_of_sale_type(sale_type)
    context: dict[str, Any] = {
        "wizard_steps": wizard_steps(3, sale_type),
        "sale_type": sale_type,
        "guide": guide,
        "bar": stage_bar(guide, None, reverse("guides:wizard_followups", args=[sale_type.pk]), progress=False),
        "status": rules.guide_status(sale_type.has_guide, len(guide.stages)),
        "min_stages": rules.MIN_GUIDE_STAGES,
        "form": form,
    }
    return render(request, "guides/wizard/guide.html", context, status=422 if form.errors else 200)


# --- steps 4 and 5: follow-ups and documents per stage, then the preview ---------------------------------


def _suggestions_step(request: HttpRequest, sale_type_id: int, number: int, kind: str) -> HttpResponse:
    sale_type = live_sale_type(sale_type_id)
    page_url = reverse(f"guides:wizard_{kind}", args=[sale_type.pk])
    context = designer_context(request, sale_type, request.GET.get("stage"), page_url=page_url)
    context.update(
        wizard_steps=wizard_steps(number, sale_type),
        column=context[kind],
        kind=kind,
        back_url=reverse("guides:wizard_guide" if number == 4 else "guides:wizard_followups", args=[sale_type.pk]),
        forward_url=reverse("guides:wizard_documents" if number == 4 else "guides:wizard_preview", args=[sale_type.pk]),
    )
    return render(request, "guides/wizard/suggestions.html", context)


@admin_required
def wizard_followups(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    return _suggestions_step(request, sale_type_id, 4, "followups")


@admin_required
def wizard_documents(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    return _suggestions_step(request, sale_type_id, 5, "documents")


@admin_required
def wizard_preview(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    sale_type = live_sale_type(sale_type_id)
    page_url = reverse("guides:wizard_preview", args=[sale_type.pk])
    context = preview_context(request, sale_type, page_url)
    context["wizard_steps"] = wizard_steps(6, sale_type)
    return page_or_partial(request, "guides/wizard/preview.html", "guides/_preview_body.html", context)
