"""The Guide tab's previews in the side panel (SPEC 3.4): a suggestion as it would be created for this sale,
or an item created from one — creating nothing."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext

from salesguide.models import Activity, ActivityType, Document, Sale
from salesguide.services import activities, documents
from salesguide.services.documents import DocumentPreview
from salesguide.web.domain_errors import translate
from salesguide.web.sales.access import is_htmx
from salesguide.web.sales.guide_views import PAGE, PREVIEW, actor_of, card_url, guide_action, looking_of


def _preview(request: HttpRequest, sale: Sale, heading: str, **preview: Any) -> HttpResponse:
    """``preview`` holds what ``_preview.html`` shows: ``kind`` ("followup" or "document"), ``draft`` (nothing
    created yet) and the fields of the activity or document."""
    context = {
        "sale": sale,
        "preview": {"heading": heading, **preview},
        "back_url": card_url(sale.pk, **looking_of(request).params),
    }
    if is_htmx(request):
        return render(request, PREVIEW, context)
    return render(request, PAGE, {**context, "page_title": heading})


def _full_sale(sale_id: int) -> Sale:
    sale = Sale.objects.select_related("sale_type", "company", "contact", "owner", "stage").filter(pk=sale_id).first()
    if sale is None:
        raise Http404(gettext("This sale does not exist."))
    return sale


@guide_action
def followup_preview(request: HttpRequest, sale_id: int, suggestion_id: int) -> HttpResponse:
    """SPEC 3.4: the follow-up as it would be created for this sale, creating nothing."""
    sale = _full_sale(sale_id)
    draft = activities.draft_followup(actor_of(request), sale, suggestion_id)
    activity_type = ActivityType.objects.filter(pk=draft.activity_type_id).first()
    return _preview(
        request,
        sale,
        draft.title,
        kind="followup",
        draft=True,
        activity_type=activity_type,
        title=draft.title,
        start=draft.start,
        duration_minutes=draft.duration_minutes,
        owner=actor_of(request),
        text=draft.text,
    )


def _rendered(preview: DocumentPreview) -> dict[str, Any]:
    """The page for the panel's frame, or why the template cannot be filled in, translated."""
    return {"page": preview.page, "problem": translate(preview.problem) if preview.problem else ""}


@guide_action
def document_preview(request: HttpRequest, sale_id: int, suggestion_id: int) -> HttpResponse:
    """SPEC 3.4: the document as it would be created for this sale (merge fields filled), creating nothing."""
    sale = _full_sale(sale_id)
    draft, rendered = documents.render_suggestion_preview(actor_of(request), sale_id, suggestion_id)
    return _preview(
        request,
        sale,
        draft.subject,
        kind="document",
        draft=True,
        template_name=draft.template_name,
        subject=draft.subject,
        our_reference=draft.our_reference,
        **_rendered(rendered),
    )


@guide_action
def activity_preview(request: HttpRequest, sale_id: int, activity_id: int) -> HttpResponse:
    sale = _full_sale(sale_id)
    activity = Activity.objects.select_related("activity_type", "owner").filter(pk=activity_id, sale_id=sale_id).first()
    if activity is None:
        raise Http404(gettext("This follow-up does not exist on this sale."))
    return _preview(
        request,
        sale,
        activity.title,
        kind="followup",
        activity_type=activity.activity_type,
        title=activity.title,
        start=activity.start,
        duration_minutes=activity.duration_minutes,
        owner=activity.owner,
        text=activity.text,
        completed_at=activity.completed_at,
        activity_id=activity.pk,
    )


@guide_action
def created_document_preview(request: HttpRequest, sale_id: int, document_id: int) -> HttpResponse:
    sale = _full_sale(sale_id)
    if not Document.objects.filter(pk=document_id, sale_id=sale_id).exists():
        raise Http404(gettext("This document does not exist on this sale."))
    document, rendered = documents.render_document_preview(actor_of(request), document_id)
    return _preview(
        request,
        sale,
        document.subject,
        kind="document",
        template_name=document.template.name,
        subject=document.subject,
        our_reference=document.our_reference,
        created_at=document.created_at,
        generated_at=document.generated_at,
        owner=document.owner,
        **_rendered(rendered),
        download_url=reverse("sales:document_file", args=[sale_id, document_id]),
        document_url=reverse("sales:document", args=[sale_id, document_id]),
    )
