"""The guide designer: the landing page with every sale type's guide, and one sale type's guide with its stage
bar, the selected stage's suggestions, switching the guide on and off, and expected days per stage."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain import catalog as rules
from salesguide.domain.errors import DomainError, NotFound
from salesguide.models import SaleType
from salesguide.queries.guides import GuideStageView, GuideView, guide_of_sale_type, live_link_filter
from salesguide.services import sale_types as service
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.guides.access import actor, admin_required
from salesguide.web.guides.forms import ExpectedDaysForm, GuideImportForm, StarterGuidesForm
from salesguide.web.guides.responses import page_or_partial
from salesguide.web.guides.suggestions import KINDS, column


@dataclass(frozen=True)
class Step:
    """One step of a stage bar: the stage, how it is drawn, and where clicking it goes."""

    stage: GuideStageView
    state: str
    url: str
    selected: bool


def stage_bar(guide: GuideView, selected: GuideStageView | None, url: str, *, progress: bool) -> list[Step]:
    """With ``progress`` the bar is drawn as a salesperson sees it for a sale in the selected stage (earlier
    stages completed); without it only the selected stage stands out, as fits a designer."""
    index = guide.stages.index(selected) if selected in guide.stages else -1
    steps = []
    for position, stage in enumerate(guide.stages):
        if position == index:
            state = "current"
        elif progress and position < index:
            state = "completed"
        else:
            state = "future"
        steps.append(Step(stage, state, f"{url}?stage={stage.stage_id}", position == index))
    return steps


def selected_stage(guide: GuideView, raw: str | None) -> GuideStageView | None:
    for stage in guide.stages:
        if raw and str(stage.stage_id) == raw:
            return stage
    return guide.stages[0] if guide.stages else None


def live_sale_type(sale_type_id: int) -> SaleType:
    sale_type = SaleType.objects.filter(pk=sale_type_id, deleted=False).select_related("category").first()
    if sale_type is None:
        raise Http404
    return sale_type


def designer_context(
    request: HttpRequest,
    sale_type: SaleType,
    stage_param: str | None,
    *,
    page_url: str,
    expected_days_form: ExpectedDaysForm | None = None,
) -> dict[str, Any]:
    """Everything the designer body shows; the wizard's suggestion steps show the same body on their URL."""
    guide = guide_of_sale_type(sale_type)
    stage = selected_stage(guide, stage_param)
    next_url = f"{page_url}?stage={stage.stage_id}" if stage else page_url
    columns = {}
    if stage is not None:
        for slug, kind in KINDS.items():
            columns[slug] = column(kind, sale_type, stage.stage_id, next_url, guide_stage=stage)
    suggestion_count = sum(len(s.followups) + len(s.documents) for s in guide.stages)
    return {
        "sale_type": sale_type,
        "guide": guide,
        "status": rules.guide_status(sale_type.has_guide, len(guide.stages)),
        "min_stages": rules.MIN_GUIDE_STAGES,
        "stage": stage,
        "steps": stage_bar(guide, stage, page_url, progress=False),
        "followups": columns.get("followups"),
        "documents": columns.get("documents"),
        "suggestion_count": suggestion_count,
        "next_url": next_url,
        "expected_days_form": expected_days_form
        or ExpectedDaysForm(initial={"expected_days": stage.expected_days} if stage else None),
    }


@admin_required
def landing(request: HttpRequest) -> HttpResponse:
    """Every live sale type with the state of its guide, and the ways to make one."""
    if request.GET.get("sale_type", "").isdigit():
        return redirect("guides:designer", int(request.GET["sale_type"]))
    live_links = live_link_filter("links__")
    sale_types = (
        SaleType.objects.filter(deleted=False)
        .annotate(
            stage_count=Count("links", filter=live_links, distinct=True),
            followup_count=Count(
                "links__followups", filter=live_links & Q(links__followups__deleted=False), distinct=True
            ),
            document_count=Count(
                "links__documents", filter=live_links & Q(links__documents__deleted=False), distinct=True
            ),
        )
        .order_by("rank", "id")
    )
    rows = [(st, rules.guide_status(st.has_guide, st.stage_count)) for st in sale_types]
    return render(
        request,
        "guides/landing.html",
        {
            "rows": rows,
            "import_form": GuideImportForm(),
            "starter_form": StarterGuidesForm(initial={"language": request.LANGUAGE_CODE}),
        },
    )


@admin_required
def designer(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    sale_type = live_sale_type(sale_type_id)
    page_url = reverse("guides:designer", args=[sale_type.pk])
    context = designer_context(request, sale_type, request.GET.get("stage"), page_url=page_url)
    context["sale_types"] = SaleType.objects.filter(deleted=False).order_by("rank", "id")
    return page_or_partial(request, "guides/designer.html", "guides/_designer_body.html", context)


@require_POST
@admin_required
def set_guide_active(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    """Deactivate or reactivate: only the flag changes, every suggestion is kept (SPEC 2.6)."""
    sale_type = live_sale_type(sale_type_id)
    active = request.POST.get("active") == "1"
    try:
        sale_type = service.set_guide_active(actor(request), sale_type.pk, active)
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        if active:
            messages.success(request, _("The guide of “%(name)s” is on.") % {"name": sale_type.name})
        else:
            messages.success(
                request,
                _("The guide of “%(name)s” is off. Its suggestions are kept and come back when you turn it on.")
                % {"name": sale_type.name},
            )
    page_url = reverse("guides:designer", args=[sale_type.pk])
    return _designer_answer(request, sale_type, page_url)


def _designer_answer(
    request: HttpRequest, sale_type: SaleType, page_url: str, form: ExpectedDaysForm | None = None
) -> HttpResponse:
    stage = request.POST.get("stage") or request.GET.get("stage")
    if getattr(request, "htmx", False) or form is not None:
        context = designer_context(request, sale_type, stage, page_url=page_url, expected_days_form=form)
        context["sale_types"] = SaleType.objects.filter(deleted=False).order_by("rank", "id")
        return page_or_partial(
            request, "guides/designer.html", "guides/_designer_body.html", context, invalid=form is not None
        )
    return redirect(f"{page_url}?stage={stage}" if stage else page_url)


@require_POST
@admin_required
def set_expected_days(request: HttpRequest, sale_type_id: int, stage_id: int) -> HttpResponse:
    sale_type = live_sale_type(sale_type_id)
    page_url = reverse("guides:designer", args=[sale_type.pk])
    form = ExpectedDaysForm(request.POST)
    if form.is_valid():
        try:
            service.set_expected_days(actor(request), sale_type.pk, stage_id, form.cleaned_data["expected_days"])
        except NotFound:
            raise Http404 from None
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("Expected days saved."))
            return _designer_answer(request, sale_type, page_url)
    return _designer_answer(request, sale_type, page_url, form)
