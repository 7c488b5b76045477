"""The guide of a sale: its stages with what is done, creating follow-ups and documents from the suggestions,
and previews of what such a creation would make (SPEC 3.2–3.4)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Router

from salesguide.api.activities import load_activity
from salesguide.api.activity_schemas import ActivityOut, DocumentCreatedOut
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
    NextStepOut,
    SaleGuideOut,
)
from salesguide.models import Sale
from salesguide.queries import sales as queries
from salesguide.queries.next_steps import sale_next_steps
from salesguide.queries.sale_guide import SaleGuide, sale_guide
from salesguide.services import activities, documents, lists
from salesguide.services.permissions import may_change_sale
from salesguide.wording import in_language

router = Router(tags=["Sales"])


def _offers_out(offers: activities.Offers) -> dict[str, Any]:
    advance = offers.advance_to_stage_id
    return {
        "offer_advance": {"to_stage_id": advance} if advance is not None else None,
        "offer_close_as_sold": offers.close_as_sold,
    }


def guide_out(guide: SaleGuide, offers: activities.Offers | None = None) -> dict[str, Any]:
    return {
        **_offers_out(offers or activities.Offers()),
        "sale_id": guide.sale_id,
        "has_guide": guide.has_guide,
        "auto_advance": guide.auto_advance,
        "exit_criteria": guide.guide.exit_criteria,
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
                        "required": item.suggestion.required,
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
                        "required": item.suggestion.required,
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
        "done, and per suggestion what was created from it on this sale. `offer_advance` and "
        "`offer_close_as_sold` are what the guide asks you now, whatever was done last."
    ),
)
def get_sale_guide(request: HttpRequest, id: PathId) -> dict[str, Any]:
    sale = queries.sale_with_type(id)
    if sale is None:
        raise lists.not_found(Sale, id)
    guide = sale_guide(sale)
    return guide_out(guide, activities.open_offers(actor(request), sale, guide))


@router.get(
    "/sales/{int:id}/next-steps",
    response=responses({200: list[NextStepOut]}, *READ, 404),
    summary="What to do next on a sale, and why",
    description=(
        "At most five steps, most urgent first (SPEC 6.1): overdue activities, required items of the current "
        "stage, nothing planned, longer in the stage than expected, every item done (move on, or close as sold "
        "in the last stage), the guide's next follow-up, documents not created yet. None for a sold, lost or "
        "stalled sale. `action` is what the step's button does; null when you may not change the sale."
    ),
)
def get_next_steps(request: HttpRequest, id: PathId) -> list[dict[str, Any]]:
    sale = queries.sale_with_type(id)
    if sale is None:
        raise lists.not_found(Sale, id)
    may_act = may_change_sale(actor(request), sale)
    return [
        {
            "kind": step.kind.value,
            "text": in_language(step.text),
            "reason": in_language(step.reason),
            "due": local(step.due),
            "action": {"kind": step.action.kind.value, "target_id": step.action.target_id}
            if step.action is not None and may_act
            else None,
        }
        for step in sale_next_steps(sale, timezone.localtime())
    ]


@router.post(
    "/sales/{int:id}/guide/followups/{int:suggestion_id}",
    response=responses({201: ActivityOut}, *WRITE, *BODY, 404),
    summary="Create a follow-up from a suggestion of the sale's guide",
    description=(
        "Filled in from the suggestion and the sale; the body may override `activity_type_id`, `start`, "
        "`owner_id`, `title`, `text` and `duration_minutes`. The activity remembers its suggestion. A sold or "
        "lost sale's guide is read-only: 422."
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
        "so a retry never plans the same step twice. `always: true` also stops asking from now on. A sold or lost "
        "sale's guide is read-only: 422."
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
    response=responses({201: DocumentCreatedOut}, *WRITE, *BODY, 404),
    summary="Create a document from a suggestion of the sale's guide",
    description="Subject and our reference come from the suggestion with the sale's merge fields filled in; the "
    "body may override them. When the document was the current stage's last open item, the answer offers "
    "moving on (`offer_advance`), or in the last stage closing as sold (`offer_close_as_sold`), as completing a "
    "follow-up does. A sold or lost sale's guide is read-only: 422.",
)
def create_document_from_suggestion(
    request: HttpRequest, id: PathId, suggestion_id: PathId, payload: DocumentOverridesIn | None = None
) -> tuple[int, dict[str, Any]]:
    overrides = (payload or DocumentOverridesIn.model_validate({})).model_dump(exclude_none=True)
    created = documents.create_document_on_guide(actor(request), id, suggestion_id, **overrides)
    return 201, {**load_document(created.document.pk), **_offers_out(created.offers)}


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
