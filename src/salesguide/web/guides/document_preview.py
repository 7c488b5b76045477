"""The guide designer's preview of a suggested document: its template filled in with the example sale, since
the designer has no sale of its own. In the stage's document column for htmx, a page of its own without."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse

from salesguide.models import SuggestedDocument
from salesguide.services import documents as document_service
from salesguide.web.domain_errors import translate
from salesguide.web.guides.access import actor, admin_required
from salesguide.web.guides.responses import page_or_partial, safe_next
from salesguide.web.guides.suggestions import designer_url


@admin_required
def document_preview(request: HttpRequest, item_id: int) -> HttpResponse:
    suggestion = (
        SuggestedDocument.objects.select_related("template", "link__sale_type", "link__stage")
        .filter(pk=item_id, deleted=False)
        .first()
    )
    if suggestion is None:
        raise Http404
    preview = document_service.render_designer_preview(actor(request), suggestion.pk)
    return page_or_partial(
        request,
        "guides/document_preview.html",
        "guides/_document_preview.html",
        {
            "suggestion": suggestion,
            "sale_type": suggestion.link.sale_type,
            "stage": suggestion.link.stage,
            "page": preview.page,
            "problem": translate(preview.problem) if preview.problem else "",
            "back_url": safe_next(request, designer_url(suggestion.link.sale_type_id, suggestion.link.stage_id)),
        },
    )
