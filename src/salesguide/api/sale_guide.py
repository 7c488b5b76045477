"""The guide of a sale: its stages with what is done, creating follow-ups and documents from the suggestions,
and previews of what such a creation would make (SPEC 3.2–3.4)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Router

from salesguide.api.activities import load_activity
from salesguide.api.activity_schemas import ActivityOut, DocumentOut
from salesguide.api.auth import actor
from salesguide.api.documents import load_document
from salesguide.api.errors import BODY, READ, WRITE, responses
from salesguide.api.fields import PathId
from salesguide.api.sales import local
from salesguide.api.sales_schemas import (
    DocumentOverridesIn,
    DocumentPreviewOut,
    FollowupOverridesIn,
    FollowupPreviewOut,
    NextFollowupAnswerIn,
    SaleGuideOut,
)
from salesguide.models import Sale
from salesguide.queries import sales as queries
from salesguide.queries.sale_guide import SaleGuide, sale_guide
from salesguide.services import activities, documents, lists

router = Router(tags=["Sales"])


def guide_out(guide: SaleGuide) -> dict[str, Any]:
    return {
        "sale_id": guide.sale_id,
        "has_guide": guide.has_guide,
        "auto_advance": guide.auto_advance,
        "current_stage_id": guide.current_stage_id,
        "stages": [
            {
                "stage_id": stage.stage_id,
                "name": stage.name,
                "probability": stage.probability,
                "description": stage.description,
                "state": stage.state.value,
                "done": stage.done,
                "total": stage.total,
                "followups": [
                    {
                        "suggestion_id": item.suggestion.id,
                        "name": item.suggestion.name,
                        "purpose": item.suggestion.purpose,
                        "activity_type_id": item.suggestion.activity_type_id,
                        "activity_type_name": item.suggestion.activity_type_name,
                        "auto_suggest": item.suggestion.auto_suggest,
                        "done": item.done,
                        "activities": [
                            {
                                "id": a.id,
                                "title": a.title,
                                "start": local(a.start),
                                "completed": a.completed,
                                "owner_id": a.owner_id,
                            }
                            for a in item.activities
                        ],
                    }
                    for item in stage.followups
                ],
                "documents": [
                    {
                        "suggestion_id": item.suggestion.id,
                        "name": item.suggestion.name,
                        "purpose": item.suggestion.purpose,
                        "template_id": item.suggestion.template_id,
                        "template_name": item.suggestion.template_name,
                        "documents": [
                            {"id": d.id, "subject": d.subject, "created_at": local(d.created_at)}
                            for d in item.documents
                        ],
                    }
                    for item in stage.documents
                ],
            }
            for stage in guide.stages
        ],
    }


@router.get(
    "/sales/{int:id}/guide",
    response=responses({200: SaleGuideOut}, *READ, 404),
    summary="The guide of a sale",
    description=(
        "The stages of its type in order, each completed, current or future, with how many of its items are "
        "done, and per suggestion what was created from it on this sale."
    ),
)
def get_sale_guide(request: HttpRequest, id: PathId) -> dict[str, Any]:
    sale = queries.sale_with_type(id)
    if sale is None:
        raise lists.not_found(Sale, id)
    return guide_out(sale_guide(sale))


@router.post(
    "/sales/{int:id}/guide/followups/{int:suggestion_id}",
    response=responses({201: ActivityOut}, *WRITE, *BODY, 404),
    summary="Create a follow-up from a suggestion of the sale's guide",
    description=(
        "Filled in from the suggestion and the sale; the body may override `activity_type_id`, `start`, "
        "`owner_id`, `title`, `text` and `duration_minutes`. The activity remembers its suggestion."
    ),
)
def create_followup_from_suggestion(
    request: HttpRequest, id: PathId, suggestion_id: PathId, payload: FollowupOverridesIn | None = None
) -> tuple[int, dict[str, Any]]:
    overrides = (payload or FollowupOverridesIn.model_validate({})).model_dump(exclude_none=True)
    activity = activities.create_followup_from_suggestion(actor(request), id, suggestion_id, **overrides)
    return 201, load_activity(activity.pk)


@router.post(
    "/sales/{int:id}/guide/next-followup/{int:suggestion_id}",
    response=responses({200: ActivityOut, 201: ActivityOut}, *WRITE, *BODY, 404),
    summary="Answer “create” to the offer of the next suggested follow-up",
    description=(
        "The answer to `next_suggestion` of `POST /activities/{id}/complete`. Creates the follow-up from the "
        "suggestion (201) unless one was created from it on this sale already: then that one comes back (200), "
        "so a retry never plans the same step twice. `always: true` also stops asking from now on."
    ),
)
def answer_next_followup_offer(
    request: HttpRequest, id: PathId, suggestion_id: PathId, payload: NextFollowupAnswerIn | None = None
) -> tuple[int, dict[str, Any]]:
    always = payload.always if payload is not None else False
    answered = activities.answer_next_followup_offer(actor(request), id, suggestion_id, always=always)
    return (201 if answered.created else 200), load_activity(answered.activity.pk)


@router.post(
    "/sales/{int:id}/guide/documents/{int:suggestion_id}",
    response=responses({201: DocumentOut}, *WRITE, *BODY, 404),
    summary="Create a document from a suggestion of the sale's guide",
    description="Subject and our reference come from the suggestion with the sale's merge fields filled in; the "
    "body may override them.",
)
def create_document_from_suggestion(
    request: HttpRequest, id: PathId, suggestion_id: PathId, payload: DocumentOverridesIn | None = None
) -> tuple[int, dict[str, Any]]:
    overrides = (payload or DocumentOverridesIn.model_validate({})).model_dump(exclude_none=True)
    document = documents.create_document_from_suggestion(actor(request), id, suggestion_id, **overrides)
    return 201, load_document(document.pk)


@router.get(
    "/sales/{int:id}/guide/preview/followups/{int:suggestion_id}",
    response=responses({200: FollowupPreviewOut}, *READ, 404),
    summary="Preview the follow-up a suggestion would create",
    description="Nothing is created.",
)
def preview_followup_from_suggestion(request: HttpRequest, id: PathId, suggestion_id: PathId) -> dict[str, Any]:
    draft = activities.preview_followup_from_suggestion(actor(request), id, suggestion_id)
    return {
        "suggestion_id": draft.suggestion_id,
        "activity_type_id": draft.activity_type_id,
        "title": draft.title,
        "text": draft.text,
        "start": local(draft.start),
        "duration_minutes": draft.duration_minutes,
        "owner_id": draft.owner_id,
        "sale_id": draft.sale_id,
        "company_id": draft.company_id,
        "contact_id": draft.contact_id,
    }


@router.get(
    "/sales/{int:id}/guide/preview/documents/{int:suggestion_id}",
    response=responses({200: DocumentPreviewOut}, *READ, 404),
    summary="Preview the document a suggestion would create",
    description="Nothing is created. `html` is the document filled in for this sale, as a whole HTML page; "
    "`problem` says why the template cannot be filled in.",
)
def preview_document_from_suggestion(request: HttpRequest, id: PathId, suggestion_id: PathId) -> dict[str, Any]:
    draft, preview = documents.render_suggestion_preview(actor(request), id, suggestion_id)
    return {
        "suggestion_id": draft.suggestion_id,
        "template_id": draft.template_id,
        "template_name": draft.template_name,
        "subject": draft.subject,
        "our_reference": draft.our_reference,
        "sale_id": draft.sale_id,
        "company_id": draft.company_id,
        "contact_id": draft.contact_id,
        "html": preview.page.html if preview.page else None,
        "problem": preview.problem.render(gettext) if preview.problem else None,
    }
