"""Documents on a sale, made from the guide's suggested documents (SPEC 3.3): the file is generated from the
template when the document is created, and again on request after the sale changed. A document counts as done
as soon as it exists.

Word templates give a ``.docx``; HTML and text templates (e-mails) give an unsent ``.eml`` addressed to the
sale's contact, which mail programs open as a draft. Everything is filled in inside Jinja's sandbox
(``salesguide.documents``), in the language of the user who makes the document.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation

from salesguide.documents import render
from salesguide.documents.fields import example_context
from salesguide.documents.merge import LineFacts, PartyFacts, SaleFacts, merge_context, render_line
from salesguide.documents.preview import PreviewPage, docx_preview, email_preview
from salesguide.domain import selling
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import FieldProblem, Message, NotAllowed, RuleViolation, gettext_noop
from salesguide.models import Document, DocumentTemplate, Sale, SuggestedDocument, TemplateFormat, User
from salesguide.queries.guides import live_link_filter
from salesguide.queries.our_company import our_company_facts
from salesguide.queries.sale_guide import SaleGuide, sale_guide
from salesguide.services import lists
from salesguide.services.activities import Offers, offers_after
from salesguide.services.clock import today_for
from salesguide.services.permissions import (
    may_change_sale,
    require_admin,
    require_change_document,
    require_user,
    sale_state,
)
from salesguide.services.templates import template_content

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


@dataclass(frozen=True)
class DocumentPreview:
    """A document as it is or would be: the page to show, or why it cannot be filled in."""

    page: PreviewPage | None
    problem: Message | None = None


# --- the facts of a sale --------------------------------------------------------------------------------------


def _party_of_user(user: User) -> PartyFacts:
    return PartyFacts(
        name=user.get_full_name() or user.get_username(),
        first_name=user.first_name,
        last_name=user.last_name,
        email=user.email,
    )


def sale_facts(sale: Sale) -> SaleFacts:
    """Reads the sale with ``sale_type, company, contact, owner, stage`` loaded, plus one query for its lines
    and one for our company."""
    company, contact = sale.company, sale.contact
    return SaleFacts(
        number=sale.pk,
        title=sale.title,
        description=sale.description,
        sale_type=sale.sale_type.name,
        stage=sale.stage.name if sale.stage else "",
        stage_probability=sale.stage.probability if sale.stage else None,
        probability=sale.probability,
        amount=sale.amount,
        currency=sale.currency,
        status=str(sale.get_status_display()),
        expected_date=sale.expected_date,
        closed_date=sale.closed_date,
        lines=[LineFacts(line.description, Decimal(line.quantity), line.unit_price) for line in sale.lines.all()],
        company=PartyFacts(
            name=company.name,
            address=company.address,
            postal_code=company.postal_code,
            city=company.city,
            country=company.country,
            phone=company.phone,
            email=company.email,
            website=company.website,
            registration_number=company.org_number,
        )
        if company
        else None,
        contact=PartyFacts(
            name=contact.full_name,
            first_name=contact.first_name,
            last_name=contact.last_name,
            job_title=contact.title,
            email=contact.email,
            phone=contact.phone,
        )
        if contact
        else None,
        owner=_party_of_user(sale.owner),
        our_company=our_company_facts(),
    )


def _language(actor: User) -> str:
    return actor.language or translation.get_language() or "en"


def _context(actor: User, sale: Sale, *, subject: str = "", our_reference: str = "") -> dict[str, Any]:
    language = _language(actor)
    with translation.override(language):
        facts = sale_facts(sale)
    return merge_context(facts, language=language, today=today_for(actor), subject=subject, our_reference=our_reference)


# --- generating -----------------------------------------------------------------------------------------------


def generate_file(
    template: DocumentTemplate, context: dict[str, Any], *, subject: str, to: PartyFacts | None, sender: PartyFacts
) -> render.GeneratedFile:
    """The file of a document; raises ``TemplateFault``."""
    if template.format == TemplateFormat.DOCX:
        content = render.render_docx(template_content(template), context)
        return render.GeneratedFile(content, render.file_name_for(subject, "docx"), render.DOCX_CONTENT_TYPE)
    html = template.format == TemplateFormat.HTML
    body = render.render_body(template.body, context, html=html)
    content = render.email_file(
        subject=subject,
        body=body,
        html=html,
        to_name=to.name if to else "",
        to_address=to.email if to else "",
        from_name=sender.name,
        from_address=sender.email,
    )
    return render.GeneratedFile(content, render.file_name_for(subject, "eml"), render.EML_CONTENT_TYPE)


def preview_page(template: DocumentTemplate, context: dict[str, Any]) -> PreviewPage:
    """The readable preview of a template filled in with ``context``; raises ``TemplateFault``."""
    if template.format == TemplateFormat.DOCX:
        return docx_preview(render.render_docx(template_content(template), context))
    html = template.format == TemplateFormat.HTML
    return email_preview(render.render_body(template.body, context, html=html), html=html)


def _cannot_fill_in(fault: render.TemplateFault, template: DocumentTemplate) -> RuleViolation:
    return RuleViolation(
        Message(
            gettext_noop("The template “%(template)s” cannot be used: %(problem)s"),
            {"template": template.name, "problem": fault.message},
        )
    )


def _fill_in(actor: User, document: Document, sale: Sale) -> render.GeneratedFile:
    """The document's file, made before anything is written: filling in may take up to the render budget, and
    on SQLite a transaction holds the write lock from its first write on."""
    context = _context(actor, sale, subject=document.subject, our_reference=document.our_reference)
    facts_contact = PartyFacts(**{k: context["contact"][k] for k in ("name", "email")}) if sale.contact_id else None
    try:
        return generate_file(
            document.template, context, subject=document.subject, to=facts_contact, sender=_party_of_user(sale.owner)
        )
    except render.TemplateFault as fault:
        raise _cannot_fill_in(fault, document.template) from fault


def _write_file(actor: User, document: Document, sale: Sale, generated: render.GeneratedFile | None = None) -> None:
    if generated is None:
        generated = _fill_in(actor, document, sale)
    old = document.file.name if document.file else ""
    document.file.save(generated.file_name, ContentFile(generated.content), save=False)
    document.file_name = generated.file_name
    document.content_type = generated.content_type
    document.generated_at = timezone.now()
    document.save()
    if old and old != document.file.name:
        # Removed after the new file is saved: a failing save keeps the old one.
        transaction.on_commit(lambda: document.file.storage.delete(old))


# --- drafts and previews --------------------------------------------------------------------------------------


def _sale(sale_id: int) -> Sale:
    sale = Sale.objects.select_related("sale_type", "company", "contact", "owner", "stage").filter(pk=sale_id).first()
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    return sale


def _suggestion_on_sale(sale: Sale, suggestion_id: int) -> SuggestedDocument:
    suggestion = (
        SuggestedDocument.objects.select_related("template")
        # A suggestion of a deleted stage is no longer part of the guide, like one of a removed stage.
        .filter(live_link_filter("link__"), pk=suggestion_id, deleted=False, link__sale_type_id=sale.sale_type_id)
        .first()
    )
    if suggestion is None:
        raise lists.not_found(SuggestedDocument, suggestion_id)
    return suggestion


def _one_line(text: str) -> str:
    """A merge field may hold a line break (a description); a subject or reference never does."""
    return " ".join(text.split())


def draft_document(actor: User, sale: Sale, suggestion_id: int) -> DocumentDraft:
    """The subject and reference a suggestion gives, in the actor's language and with the actor's today."""
    suggestion = _suggestion_on_sale(sale, suggestion_id)
    language = _language(actor)
    with translation.override(language):
        facts = sale_facts(sale)
    context = merge_context(facts, language=language, today=today_for(actor))
    return DocumentDraft(
        suggestion_id=suggestion.pk,
        template_id=suggestion.template_id,
        template_name=suggestion.template.name,
        subject=_one_line(render_line(suggestion.subject or suggestion.name, context))[:SUBJECT_MAX],
        our_reference=_one_line(render_line(suggestion.our_reference, context))[:SUBJECT_MAX],
        sale_id=sale.pk,
        company_id=sale.company_id,
        contact_id=sale.contact_id,
    )


def preview_document_from_suggestion(actor: User, sale_id: int, suggestion_id: int) -> DocumentDraft:
    require_user(actor)
    return draft_document(actor, _sale(sale_id), suggestion_id)


def render_suggestion_preview(actor: User, sale_id: int, suggestion_id: int) -> tuple[DocumentDraft, DocumentPreview]:
    """SPEC 3.4: the document a suggestion would give for this sale, filled in, creating nothing."""
    require_user(actor)
    sale = _sale(sale_id)
    draft = draft_document(actor, sale, suggestion_id)
    template = DocumentTemplate.objects.get(pk=draft.template_id)
    context = _context(actor, sale, subject=draft.subject, our_reference=draft.our_reference)
    return draft, _preview(template, context)


def render_document_preview(actor: User, document_id: int) -> tuple[Document, DocumentPreview]:
    """A created document as it was generated (its file), or filled in now if it has none yet."""
    require_user(actor)
    document = _document(document_id)
    if document.file:
        try:
            with document.file.open("rb") as handle:
                content = handle.read()
        except OSError:
            content = b""
        if content and document.content_type == render.EML_CONTENT_TYPE:
            body, html = render.email_body(content)
            return document, DocumentPreview(email_preview(body, html=html))
        if content:
            try:
                return document, DocumentPreview(docx_preview(content))
            except render.TemplateFault as fault:  # a file over the preview's budget: say so, keep the download
                return document, DocumentPreview(None, fault.message)
    if document.sale_id is None:
        return document, DocumentPreview(None)
    sale = _sale(document.sale_id)
    context = _context(actor, sale, subject=document.subject, our_reference=document.our_reference)
    return document, _preview(document.template, context)


def render_designer_preview(actor: User, suggestion_id: int, language: str | None = None) -> DocumentPreview:
    """The guide designer has no sale: the suggestion's document filled in with the example sale."""
    require_admin(actor)
    suggestion = SuggestedDocument.objects.select_related("template").filter(pk=suggestion_id).first()
    if suggestion is None:
        raise lists.not_found(SuggestedDocument, suggestion_id)
    language = language or _language(actor)
    seller = our_company_facts()  # the example sale, sold by us: the preview shows our own letterhead
    base = example_context(language, our_company=seller)
    subject = render_line(suggestion.subject or suggestion.name, base)
    context = example_context(
        language,
        subject=subject,
        our_reference=render_line(suggestion.our_reference, base),
        our_company=seller,
    )
    return _preview(suggestion.template, context)


def _preview(template: DocumentTemplate, context: dict[str, Any]) -> DocumentPreview:
    try:
        return DocumentPreview(preview_page(template, context))
    except render.TemplateFault as fault:
        return DocumentPreview(None, fault.message)


# --- writes ---------------------------------------------------------------------------------------------------


def _text_problems(subject: object, reference: object) -> list[FieldProblem]:
    problems = []
    if not isinstance(subject, str) or not subject.strip():
        problems.append(FieldProblem(("subject",), Message(gettext_noop("A subject is required."))))
    for name, value in (("subject", subject), ("our_reference", reference)):
        if value is not None and not isinstance(value, str):
            problems.append(FieldProblem((name,), Message(gettext_noop("Enter text."))))
        elif isinstance(value, str) and any(ord(char) < 32 or char == "\x7f" for char in value):
            # A subject is an e-mail header and a file name: one line, no control characters.
            problems.append(FieldProblem((name,), Message(gettext_noop("Keep it on one line."))))
        elif isinstance(value, str) and len(value) > SUBJECT_MAX:
            problems.append(
                FieldProblem((name,), Message(gettext_noop("At most %(max)d characters."), {"max": SUBJECT_MAX}))
            )
    return problems


@transaction.atomic
def create_document_from_suggestion(
    actor: User, sale_id: int, suggestion_id: int, *, subject: str | None = None, our_reference: str | None = None
) -> Document:
    """Creates the document and generates its file; a template that cannot be filled in creates nothing. Refused
    on a sold or lost sale, whose guide is read-only history."""
    require_user(actor)
    sale = _sale(sale_id)
    require_document_from_guide(actor, sale)
    draft = draft_document(actor, sale, suggestion_id)
    subject = draft.subject if subject is None else subject
    reference = draft.our_reference if our_reference is None else our_reference
    raise_if_problems(_text_problems(subject, reference))
    document = Document(
        template_id=draft.template_id,
        subject=subject.strip(),
        our_reference=(reference or "").strip(),
        sale=sale,
        company_id=draft.company_id,
        contact_id=draft.contact_id,
        owner=actor,
        suggested_document_id=draft.suggestion_id,
    )
    generated = _fill_in(actor, document, sale)
    # The first write of this transaction: the row and its file together.
    _write_file(actor, document, sale, generated)
    return document


def require_document_from_guide(actor: User, sale: Sale) -> None:
    """Whether ``actor`` may create a document from the sale's guide now: who they are (403), and the sale's
    state (a sold or lost sale: 422). The form that could only end in a refusal is refused with this first."""
    if not may_change_sale(actor, sale):
        raise NotAllowed(Message(gettext_noop("Only the owner of this sale or a manager can add documents to it.")))
    selling.require_guide_open(sale_state(sale))


@dataclass(frozen=True)
class DocumentCreation:
    """A document created from the guide and what the guide asks now: the document may have been the current
    stage's last open item, and then moving on (or, in the last stage, closing as sold) is offered as after
    completing a follow-up. ``sale`` and ``guide`` are as they are after it, for the page that shows it."""

    document: Document
    sale: Sale
    guide: SaleGuide
    offers: Offers


def create_document_on_guide(
    actor: User, sale_id: int, suggestion_id: int, *, subject: str | None = None, our_reference: str | None = None
) -> DocumentCreation:
    """``create_document_from_suggestion``, then the guide's questions (``activities.offers_after``)."""
    document = create_document_from_suggestion(
        actor, sale_id, suggestion_id, subject=subject, our_reference=our_reference
    )
    sale = _sale(sale_id)
    guide = sale_guide(sale)
    return DocumentCreation(document, sale, guide, offers_after(actor, sale, guide))


def _document(document_id: int) -> Document:
    document = Document.objects.select_related("template", "sale", "owner").filter(pk=document_id).first()
    if document is None:
        raise lists.not_found(Document, document_id)
    return document


@transaction.atomic
def update_document(
    actor: User, document_id: int, *, subject: str | None = None, our_reference: str | None = None
) -> Document:
    """Changes the subject or our reference and generates the file again with them."""
    require_user(actor)
    document = _document(document_id)
    require_change_document(actor, document, "change")
    new_subject = document.subject if subject is None else subject
    new_reference = document.our_reference if our_reference is None else our_reference
    raise_if_problems(_text_problems(new_subject, new_reference))
    document.subject = new_subject.strip()
    document.our_reference = (new_reference or "").strip()
    if document.sale_id:
        _write_file(actor, document, _sale(document.sale_id))
    else:
        document.save()
    return document


@transaction.atomic
def regenerate_document(actor: User, document_id: int) -> Document:
    """Generates the file again from the template and the sale as they are now (after the sale changed)."""
    require_user(actor)
    document = _document(document_id)
    require_change_document(actor, document, "regenerate")
    if document.sale_id is None:
        raise RuleViolation(Message(gettext_noop("Only a document on a sale can be generated again.")))
    _write_file(actor, document, _sale(document.sale_id))
    return document


@dataclass(frozen=True)
class DocumentFile:
    content: bytes
    file_name: str
    content_type: str
    generated_at: dt.datetime | None


def document_file(actor: User, document_id: int) -> DocumentFile:
    """The generated file. A document made before files were generated gets its file now."""
    require_user(actor)
    document = _document(document_id)
    if not document.file and document.sale_id:
        with transaction.atomic():
            _write_file(actor, document, _sale(document.sale_id))
    if not document.file:
        raise RuleViolation(Message(gettext_noop("This document has no file.")))
    try:
        with document.file.open("rb") as handle:
            content = handle.read()
    except OSError as error:
        raise RuleViolation(
            Message(gettext_noop("The file of this document is missing; generate it again."))
        ) from error
    return DocumentFile(
        content,
        document.file_name or render.file_name_for(document.subject, "docx"),
        document.content_type or render.DOCX_CONTENT_TYPE,
        document.generated_at,
    )


@transaction.atomic
def delete_document(actor: User, document_id: int) -> None:
    require_user(actor)
    document = _document(document_id)
    require_change_document(actor, document, "delete")
    name = document.file.name if document.file else ""
    storage = document.file.storage
    document.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))
