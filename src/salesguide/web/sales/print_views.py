"""The sale on paper (SPEC 3.4): ``/sales/<id>/print/`` shows the print view with a Print button, and
``/sales/<id>/print.pdf`` downloads the same page as a PDF. Anyone logged in may read a sale, so anyone may
print it; both speak the reader's language and show times in the reader's time zone."""

from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from salesguide.documents.pdf import PDF_CONTENT_TYPE, html_to_pdf
from salesguide.queries.sale_print import SalePrint, sale_print
from salesguide.services.clock import zone_of
from salesguide.web.sales.access import actor, sale_page


def _report(sale_id: int) -> SalePrint:
    report = sale_print(sale_id, language=translation.get_language() or settings.LANGUAGE_CODE, now=timezone.now())
    if report is None:
        raise Http404(_("There is no such sale. It may have been deleted."))
    return report


@sale_page
def sale_print_page(request: HttpRequest, sale_id: int) -> HttpResponse:
    with timezone.override(zone_of(actor(request))):
        report = _report(sale_id)
        return render(request, "sales/print.html", {"report": report, "pdf": False})


@sale_page
def sale_print_pdf(request: HttpRequest, sale_id: int) -> HttpResponse:
    with timezone.override(zone_of(actor(request))):
        report = _report(sale_id)
        html = render_to_string("sales/print.html", {"report": report, "pdf": True}, request=request)
    pdf = html_to_pdf(html, static_url=settings.STATIC_URL, static_dirs=settings.STATICFILES_DIRS)
    response = HttpResponse(pdf, content_type=PDF_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{report.file_name}"'
    return response
