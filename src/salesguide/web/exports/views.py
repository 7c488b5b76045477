"""A list page's "Export" menu leads here: the list as a CSV or XLSX file with the filters the page shows
(its own query string, read by the list's own form and filters; paging does not apply), in the user's
language. The rows are ``queries.list_files``, written by ``reporting.files`` as they are read: CSV streamed
(``StreamingHttpResponse``), XLSX written to a temporary file and streamed from there (``FileResponse``).
"""

from __future__ import annotations

import tempfile

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils import translation
from django.utils.formats import get_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from salesguide.domain.file_columns import EXPORTABLE, FileKind
from salesguide.models import Company, SaleType, Stage
from salesguide.queries import customers, list_files
from salesguide.reporting.files import CONTENT_TYPES, FORMATS, csv_chunks, file_name, write_xlsx
from salesguide.services.clock import now_for, today_for
from salesguide.web.activities import views as activity_views
from salesguide.web.activities.forms import active_users
from salesguide.web.customers.paging import search_text
from salesguide.web.sales.access import actor
from salesguide.web.sales.forms import SaleFilterForm
from salesguide.web.sales.list_views import NamedChoice, sale_filters


def _company_id(request: HttpRequest) -> int | None:
    """The contact list's company, as that page reads it: an existing company's id, else none (every contact)."""
    value = request.GET.get("company") or ""
    number = int(value) if value.isdigit() and 0 < int(value) < 2**63 else None
    return number if number is not None and Company.objects.filter(pk=number).exists() else None


def _list_file(request: HttpRequest, kind: FileKind) -> list_files.ListFile:
    user = actor(request)
    if kind == "companies":
        return list_files.company_file(customers.CompanyFilters(q=search_text(request)))
    if kind == "contacts":
        return list_files.contact_file(customers.ContactFilters(q=search_text(request), company=_company_id(request)))
    if kind == "sales":
        form = SaleFilterForm(
            request.GET,
            sale_types=list(SaleType.objects.filter(deleted=False)),
            stages=[
                NamedChoice(pk, name) for pk, name in Stage.objects.filter(deleted=False).values_list("id", "name")
            ],
            owners=list(active_users()),
        )
        values = form.values()
        values.pop("after", None)
        return list_files.sale_file(sale_filters(values, user))
    _form, _owner, _choices, filters = activity_views.listed(request, user)
    return list_files.activity_file(user, filters, now=now_for(user))


@login_required
def list_file(request: HttpRequest, kind: str, file_format: str) -> HttpResponseBase:
    if kind not in EXPORTABLE or file_format not in FORMATS:
        raise Http404(_("There is no such file."))
    made = _list_file(request, kind)
    # Looked up now, while the user's language is active: the rows are written after this view returns.
    decimal_mark = str(get_format("DECIMAL_SEPARATOR"))
    response: HttpResponseBase
    if file_format == "csv":
        chunks = csv_chunks(made.columns, made.rows, translate=gettext, decimal_mark=decimal_mark, labels=made.labels)
        response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES["csv"])
    else:
        target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, and so removes it, when sent)
        write_xlsx(
            target,
            made.columns,
            made.rows,
            translate=gettext,
            language=translation.get_language() or "en",
            title=gettext(list_files.TITLES[made.kind]),
            labels=made.labels,
        )
        target.seek(0)
        response = FileResponse(target, content_type=CONTENT_TYPES["xlsx"])
    name = file_name(made.kind, today_for(actor(request)), file_format)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response
