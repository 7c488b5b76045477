"""A document on a sale (SPEC 3.3): its card with the generated file shown readable, the file to download,
generating it again after the sale changed, and editing its subject and our reference (which generates it
again). Deleting is ``activity_views.document_delete``.

Everyone logged in may read a document, as they may read every sale; changing it is for its owner, the sale's
owner, a manager or an administrator. The services check again; the pages check first so that a salesperson
gets a clear 403 instead of a form that fails on save.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, NotAllowed, NotFound
from salesguide.models import Document, Sale
from salesguide.services import documents as document_service
from salesguide.services.permissions import may_change_document, require_change_document
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.sales.access import INVALID, actor, go_to, load_sale, safe_next, sale_page
from salesguide.web.sales.edit_views import card_url
from salesguide.web.sales.guide_forms import DocumentForm


def document_url(sale_id: int, document_id: int) -> str:
    return reverse("sales:document", args=[sale_id, document_id])


def _document_on_sale(sale: Sale, document_id: int) -> Document:
    document = (
        Document.objects.select_related("template", "owner", "company", "contact")
        .filter(pk=document_id, sale_id=sale.pk)
        .first()
    )
    if document is None:
        raise Http404(_("There is no such document on this sale."))
    document.sale = sale  # loaded already; who may change the document reads it
    return document


def _changeable(request: HttpRequest, sale_id: int, document_id: int) -> tuple[Sale, Document]:
    sale = load_sale(sale_id)
    document = _document_on_sale(sale, document_id)
    try:
        require_change_document(actor(request), document)
    except NotAllowed as error:
        raise PermissionDenied(translate(error.message)) from None
    return sale, document


@sale_page
def document_card(request: HttpRequest, sale_id: int, document_id: int) -> HttpResponse:
    sale = load_sale(sale_id)
    document = _document_on_sale(sale, document_id)
    try:
        _, preview = document_service.render_document_preview(actor(request), document.pk)
    except NotFound:
        raise Http404(_("There is no such document on this sale.")) from None
    return render(
        request,
        "sales/document_card.html",
        {
            "sale": sale,
            "document": document,
            "preview": preview,
            "problem": translate(preview.problem) if preview.problem else "",
            "may_change": may_change_document(actor(request), document),
            "back_url": card_url(sale.pk, "documents"),
        },
    )


@sale_page
def document_download(request: HttpRequest, sale_id: int, document_id: int) -> HttpResponse:
    """The generated file as an attachment; Django writes the file name the RFC 5987 way when it is not ASCII."""
    sale = load_sale(sale_id)
    document = _document_on_sale(sale, document_id)
    try:
        file = document_service.document_file(actor(request), document.pk)
    except (NotAllowed, NotFound):
        raise
    except DomainError as error:
        # A template that no longer fills in, or a file gone from the disk: say so on the document's card.
        messages.error(request, translate(error.message))
        return go_to(request, document_url(sale.pk, document.pk))
    response = HttpResponse(file.content, content_type=file.content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=file.file_name)
    return response


@require_POST
@sale_page
def document_regenerate(request: HttpRequest, sale_id: int, document_id: int) -> HttpResponse:
    """Generate the file again from the template and the sale as they are now; back where the button was."""
    sale, document = _changeable(request, sale_id, document_id)
    try:
        document_service.regenerate_document(actor(request), document.pk)
    except (NotAllowed, NotFound):
        raise
    except DomainError as error:
        messages.error(request, translate(error.message))
    else:
        messages.success(
            request, _("Generated again from the sale as it is now: “%(subject)s”.") % {"subject": document.subject}
        )
    return go_to(request, safe_next(request, document_url(sale.pk, document.pk)))


@sale_page
def document_edit(request: HttpRequest, sale_id: int, document_id: int) -> HttpResponse:
    """Subject and our reference; saving generates the file again with them."""
    sale, document = _changeable(request, sale_id, document_id)
    back = safe_next(request, document_url(sale.pk, document.pk))
    context = {"sale": sale, "document": document, "cancel_url": back, "next": back}
    if request.method != "POST":
        form = DocumentForm(initial={"subject": document.subject, "our_reference": document.our_reference})
        return render(request, "sales/documents/edit.html", {**context, "form": form})
    form = DocumentForm(request.POST)
    if form.is_valid():
        try:
            saved = document_service.update_document(actor(request), document.pk, **form.service_fields())
        except (NotAllowed, NotFound):
            raise
        except DomainError as error:
            add_to_form(form, error)
        else:
            messages.success(request, _("“%(subject)s” is saved and generated again.") % {"subject": saved.subject})
            return go_to(request, back)
    return render(request, "sales/documents/edit.html", {**context, "form": form}, status=INVALID)
