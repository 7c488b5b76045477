"""Documents made from a guide's suggested documents: list, read, change, delete, and their generated file (a
Word document or an unsent e-mail) with its readable preview."""

from __future__ import annotations

import unicodedata
from typing import Any
from urllib.parse import quote

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from ninja import Query, Router

from salesguide.api.activity_schemas import DocumentListOut, DocumentListParams, DocumentOut, DocumentPatch
from salesguide.api.auth import actor
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId
from salesguide.api.sales import local
from salesguide.documents.render import DOCX_CONTENT_TYPE, EML_CONTENT_TYPE
from salesguide.domain.errors import Message, RuleViolation, gettext_noop
from salesguide.models import Document
from salesguide.queries import sales as queries
from salesguide.services import documents as service
from salesguide.services import lists

router = Router(tags=["Documents"])


def document_out(document: Document) -> dict[str, Any]:
    """Reads ``document.template``: load the document with it (``queries.sales``)."""
    return {
        "id": document.pk,
        "template_id": document.template_id,
        "template_name": document.template.name,
        "subject": document.subject,
        "our_reference": document.our_reference,
        "sale_id": document.sale_id,
        "company_id": document.company_id,
        "contact_id": document.contact_id,
        "owner_id": document.owner_id,
        "suggested_document_id": document.suggested_document_id,
        "created_at": local(document.created_at),
        "file_name": document.file_name,
        "content_type": document.content_type,
        "generated_at": local(document.generated_at) if document.generated_at else None,
        "file_url": reverse("api-v1:document_file", kwargs={"id": document.pk}),
    }


def load_document(document_id: int) -> dict[str, Any]:
    document = queries.document_card(document_id)
    if document is None:
        raise lists.not_found(Document, document_id)
    return document_out(document)


@router.get(
    "/documents",
    response=responses({200: DocumentListOut}, *READ, *QUERY),
    summary="List documents in the order they were made",
    description="`sale` lists one sale's documents.",
)
def list_documents(request: HttpRequest, params: Query[DocumentListParams]) -> dict[str, Any]:
    result = queries.document_page(params.sale, limit=params.limit, after=params.after)
    return {"items": [document_out(d) for d in result.items], "next": result.next}


@router.get("/documents/{int:id}", response=responses({200: DocumentOut}, *READ, 404), summary="One document")
def get_document(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return load_document(id)


@router.patch(
    "/documents/{int:id}",
    response=responses({200: DocumentOut}, *WRITE, *BODY, 404),
    summary="Change the subject or our reference of a document",
    description="The file is generated again with them. Only its owner, the sale's owner or a manager changes it.",
)
def update_document(request: HttpRequest, id: PathId, payload: DocumentPatch) -> dict[str, Any]:
    service.update_document(actor(request), id, **payload.model_dump(exclude_none=True))
    return load_document(id)


@router.post(
    "/documents/{int:id}/regenerate",
    response=responses({200: DocumentOut}, *WRITE, 404, 422),
    summary="Generate the file of a document again",
    description=(
        "From the template and the sale as they are now, after the sale changed. A template that can no longer "
        "be filled in → 422 and the old file stays."
    ),
)
def regenerate_document(request: HttpRequest, id: PathId) -> dict[str, Any]:
    service.regenerate_document(actor(request), id)
    return load_document(id)


_FILE_RESPONSE = {
    "description": "The generated file: a Word document, or an unsent e-mail that mail programs open as a draft.",
    "content": {
        DOCX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
        EML_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
    },
}

_PAGE_RESPONSE = {"description": "A whole HTML page.", "content": {"text/html": {"schema": {"type": "string"}}}}


@router.get(
    "/documents/{int:id}/file",
    response=responses({200: None}, *READ, 404, 422),
    summary="Download the generated file of a document",
    description="A document made before files were generated gets its file now; 422 when that cannot be done.",
    openapi_extra={"responses": {200: _FILE_RESPONSE}},
    url_name="document_file",
)
def download_document_file(request: HttpRequest, id: PathId) -> HttpResponse:
    generated = service.document_file(actor(request), id)
    response = HttpResponse(generated.content, content_type=generated.content_type)
    response["Content-Disposition"] = attachment_header(generated.file_name)
    return response


def attachment_header(file_name: str) -> str:
    """``filename*`` (RFC 6266) keeps accents and other non-ASCII letters; ``filename`` is the closest ASCII for
    the few clients that ignore it ("café" → "cafe")."""
    plain = unicodedata.normalize("NFKD", file_name).encode("ascii", "ignore").decode()
    plain = "".join(c for c in plain if c.isprintable() and c not in '"\\') or "document"
    return f"attachment; filename=\"{plain}\"; filename*=utf-8''{quote(file_name, safe='')}"


@router.get(
    "/documents/{int:id}/preview",
    response=responses({200: None}, *READ, 404, 422),
    summary="A readable HTML page of a document",
    description="The generated file shown as a web page; 422 when its template cannot be filled in.",
    openapi_extra={"responses": {200: _PAGE_RESPONSE}},
)
def preview_document(request: HttpRequest, id: PathId) -> HttpResponse:
    _document, preview = service.render_document_preview(actor(request), id)
    if preview.problem is not None:
        raise RuleViolation(preview.problem)
    if preview.page is None:
        raise RuleViolation(Message(gettext_noop("This document has no file.")))
    response = HttpResponse(preview.page.html, content_type="text/html; charset=utf-8")
    # The page holds what a template made: shown on its own, nothing in it may run or reach the site.
    response["Content-Security-Policy"] = "sandbox; default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    return response


@router.delete(
    "/documents/{int:id}",
    response=responses({204: None}, *WRITE, 404),
    summary="Delete a document",
    description="Only its owner, the sale's owner or a manager deletes it.",
)
def delete_document(request: HttpRequest, id: PathId) -> tuple[int, None]:
    service.delete_document(actor(request), id)
    return 204, None
