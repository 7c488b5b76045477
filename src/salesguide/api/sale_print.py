"""A whole sale as a PDF (SPEC 3.4): the same page the print view shows, for scripts that file or mail it."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation
from ninja import Router

from salesguide.api.auth import actor
from salesguide.api.errors import READ, responses
from salesguide.api.fields import PathId
from salesguide.documents.pdf import PDF_CONTENT_TYPE, html_to_pdf
from salesguide.models import Sale
from salesguide.queries.sale_print import sale_print
from salesguide.services import lists
from salesguide.services.clock import zone_of

router = Router(tags=["Sales"])


@router.get(
    "/sales/{int:id}/print.pdf",
    response=responses({200: None}, *READ, 404),
    summary="The sale printed: header, lines, guide, activities, documents and history as a PDF",
    description="In the request's language (`Accept-Language`, else the caller's own); times in the caller's "
    "time zone. Anyone who may read the sale may print it.",
    openapi_extra={
        "responses": {
            200: {
                "description": "The PDF (A4), as an attachment.",
                "content": {PDF_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
            }
        }
    },
    url_name="sale_print_pdf",
)
def print_sale(request: HttpRequest, id: PathId) -> HttpResponse:
    with timezone.override(zone_of(actor(request))):
        report = sale_print(id, language=translation.get_language() or settings.LANGUAGE_CODE, now=timezone.now())
        if report is None:
            raise lists.not_found(Sale, id)
        html = render_to_string("sales/print.html", {"report": report, "pdf": True})
    pdf = html_to_pdf(html, static_url=settings.STATIC_URL, static_dirs=settings.STATICFILES_DIRS)
    response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response
