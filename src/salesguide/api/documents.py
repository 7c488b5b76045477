"""Documents made from a guide's suggested documents: list, read, delete. (The generated file comes with the
document generation work.)"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from salesguide.api.activity_schemas import DocumentListOut, DocumentListParams, DocumentOut
from salesguide.api.auth import actor
from salesguide.api.errors import QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId
from salesguide.api.sales import local
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


@router.delete(
    "/documents/{int:id}",
    response=responses({204: None}, *WRITE, 404),
    summary="Delete a document",
    description="Only its owner, the sale's owner or a manager deletes it.",
)
def delete_document(request: HttpRequest, id: PathId) -> tuple[int, None]:
    service.delete_document(actor(request), id)
    return 204, None
