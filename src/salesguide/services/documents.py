"""Documents on a sale, created from the guide's suggested documents (SPEC 3.3).

For now a document is stored with its rendered subject and our reference; generating the file from the
template joins in the documents work (issue 4). A document counts as done as soon as it exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from salesguide.documents.merge import render_line, sale_context
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import FieldProblem, Message, NotAllowed, gettext_noop
from salesguide.models import Document, Role, Sale, SuggestedDocument, User
from salesguide.services import lists
from salesguide.services.permissions import require_user
from salesguide.services.sales import may_edit

SUBJECT_MAX = 255


@dataclass(frozen=True)
class DocumentDraft:
    suggestion_id: int
    template_id: int
    template_name: str
    subject: str
    our_reference: str
    sale_id: int
    company_id: int | None
    contact_id: int | None


def _sale(sale_id: int) -> Sale:
    sale = Sale.objects.select_related("sale_type", "company", "contact", "owner", "stage").filter(pk=sale_id).first()
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    return sale


def _suggestion_on_sale(sale: Sale, suggestion_id: int) -> SuggestedDocument:
    suggestion = (
        SuggestedDocument.objects.select_related("template")
        .filter(
            pk=suggestion_id, deleted=False, link__sale_type_id=sale.sale_type_id, link__removed=False,
            # A suggestion of a deleted stage is no longer part of the guide, like one of a removed stage.
            link__stage__deleted=False,
        )
        .first()
    )
    if suggestion is None:
        raise lists.not_found(SuggestedDocument, suggestion_id)
    return suggestion


def draft_document(sale: Sale, suggestion_id: int) -> DocumentDraft:
    suggestion = _suggestion_on_sale(sale, suggestion_id)
    context = sale_context(sale, today=timezone.localdate())
    return DocumentDraft(
        suggestion_id=suggestion.pk,
        template_id=suggestion.template_id,
        template_name=suggestion.template.name,
        subject=render_line(suggestion.subject or suggestion.name, context)[:SUBJECT_MAX],
        our_reference=render_line(suggestion.our_reference, context)[:SUBJECT_MAX],
        sale_id=sale.pk,
        company_id=sale.company_id,
        contact_id=sale.contact_id,
    )


def preview_document_from_suggestion(actor: User, sale_id: int, suggestion_id: int) -> DocumentDraft:
    require_user(actor)
    return draft_document(_sale(sale_id), suggestion_id)


@transaction.atomic
def create_document_from_suggestion(
    actor: User, sale_id: int, suggestion_id: int, *, subject: str | None = None, our_reference: str | None = None
) -> Document:
    require_user(actor)
    sale = _sale(sale_id)
    if not may_edit(actor, sale):
        raise NotAllowed(Message(gettext_noop("Only the owner of this sale or a manager can add documents to it.")))
    draft = draft_document(sale, suggestion_id)
    subject = draft.subject if subject is None else subject
    reference = draft.our_reference if our_reference is None else our_reference
    problems = []
    if not isinstance(subject, str) or not subject.strip():
        problems.append(FieldProblem(("subject",), Message(gettext_noop("A subject is required."))))
    for name, value in (("subject", subject), ("our_reference", reference)):
        if isinstance(value, str) and len(value) > SUBJECT_MAX:
            problems.append(FieldProblem((name,), Message(gettext_noop("At most %(max)d characters."),
                                                          {"max": SUBJECT_MAX})))
    raise_if_problems(problems)
    return Document.objects.create(
        template_id=draft.template_id,
        subject=subject.strip(),
        our_reference=(reference or "").strip(),
        sale=sale,
        company_id=draft.company_id,
        contact_id=draft.contact_id,
        owner=actor,
        suggested_document_id=draft.suggestion_id,
    )


@transaction.atomic
def delete_document(actor: User, document_id: int) -> None:
    require_user(actor)
    document = Document.objects.select_related("sale").filter(pk=document_id).first()
    if document is None:
        raise lists.not_found(Document, document_id)
    allowed = actor.role in (Role.ADMIN, Role.MANAGER) or document.owner_id == actor.pk or (
        document.sale is not None and may_edit(actor, document.sale)
    )
    if not allowed:
        raise NotAllowed(Message(gettext_noop("Only the owner of this document or a manager can delete it.")))
    document.delete()
