"""The guide of a sale type as a salesperson will see it, read-only: the stage bar with probabilities, and the
selected stage's (or every stage's) follow-ups and documents with their purpose as a hint."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse

from salesguide.models import SaleType
from salesguide.queries.guides import guide_of_sale_type
from salesguide.web.guides.access import reader_required
from salesguide.web.guides.designer import live_sale_type, selected_stage, stage_bar
from salesguide.web.guides.responses import page_or_partial


def preview_context(request: HttpRequest, sale_type: SaleType, page_url: str) -> dict[str, Any]:
    guide = guide_of_sale_type(sale_type)
    stage = selected_stage(guide, request.GET.get("stage"))
    show_all = request.GET.get("all") == "1"
    return {
        "sale_type": sale_type,
        "guide": guide,
        "stage": stage,
        "show_all": show_all,
        "shown_stages": guide.stages if show_all else [stage] if stage else [],
        "steps": stage_bar(guide, stage, page_url, progress=True),
        "page_url": page_url,
        "all_url": f"{page_url}?all=1" + (f"&stage={stage.stage_id}" if stage else ""),
        "stage_url": f"{page_url}?stage={stage.stage_id}" if stage else page_url,
    }


@reader_required
def preview(request: HttpRequest, sale_type_id: int) -> HttpResponse:
    sale_type = live_sale_type(sale_type_id)
    context = preview_context(request, sale_type, reverse("guides:preview", args=[sale_type.pk]))
    # Everyone may read the preview; only administrators get the Settings navigation around it.
    admin = getattr(request.user, "is_admin", False)
    context["layout"] = "guides/_layout.html" if admin else "guides/_reader_layout.html"
    return page_or_partial(request, "guides/preview.html", "guides/_preview_body.html", context)
