"""Guides: what a sale type suggests in each stage, and guides as YAML files."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, READ, WRITE, UnsupportedMediaType, responses
from salesguide.api.fields import PathId
from salesguide.api.sale_types import load_sale_type, sale_type_out
from salesguide.api.schemas import (
    GuideOut,
    SaleTypeOut,
    SuggestedDocumentIn,
    SuggestedDocumentOut,
    SuggestedDocumentPatch,
    SuggestedFollowupIn,
    SuggestedFollowupOut,
    SuggestedFollowupPatch,
    SuggestionReorderIn,
)
from salesguide.models import SaleType, SuggestedDocument, SuggestedFollowup
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import guide_files, guides, lists

router = Router(tags=["Guides"])

YAML_TYPES = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml", "text/plain")


def guide_out(sale_type: SaleType) -> dict[str, Any]:
    view = guide_of_sale_type(sale_type)
    return {**asdict(view), "active": view.active}


def followup_out(item: SuggestedFollowup) -> dict[str, Any]:
    return {
        "id": item.pk,
        "sale_type_id": item.link.sale_type_id,
        "stage_id": item.link.stage_id,
        "name": item.name,
        "purpose": item.purpose,
        "activity_type_id": item.activity_type_id,
        "days_offset": item.days_offset,
        "duration_minutes": item.duration_minutes,
        "text": item.text,
        "auto_suggest": item.auto_suggest,
        "required": item.required,
        "rank": item.rank,
        "deleted": item.deleted,
    }


def document_out(item: SuggestedDocument) -> dict[str, Any]:
    return {
        "id": item.pk,
        "sale_type_id": item.link.sale_type_id,
        "stage_id": item.link.stage_id,
        "name": item.name,
        "purpose": item.purpose,
        "template_id": item.template_id,
        "subject": item.subject,
        "our_reference": item.our_reference,
        "required": item.required,
        "rank": item.rank,
        "deleted": item.deleted,
    }


# --- the guide of a sale type -------------------------------------------------------------------------------


@router.get(
    "/sale-types/{int:id}/guide",
    response=responses({200: GuideOut}, *READ, 404),
    summary="The guide of a sale type",
    description=(
        "Its stages in order, each with its suggested follow-ups and documents. With `has_guide` off the "
        "suggestions are still listed (they are kept); `active` says whether salespeople see the guide."
    ),
)
def get_guide(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return guide_out(lists.get_item(SaleType, id))


@router.post(
    "/sale-types/{int:id}/stages/{int:stage_id}/reorder",
    response=responses({200: GuideOut}, *WRITE, *BODY, 404),
    summary="Put the suggestions of one stage in a new order",
    description="Each list given names every live suggestion of that kind in the stage exactly once.",
)
def reorder_suggestions(
    request: HttpRequest, id: PathId, stage_id: PathId, payload: SuggestionReorderIn
) -> dict[str, Any]:
    guides.reorder_suggestions(
        actor(request), id, stage_id, followup_ids=payload.followup_ids, document_ids=payload.document_ids
    )
    return guide_out(lists.get_item(SaleType, id))


# --- suggested follow-ups -----------------------------------------------------------------------------------


@router.post(
    "/sale-types/{int:id}/stages/{int:stage_id}/suggested-followups",
    response=responses({201: SuggestedFollowupOut}, *WRITE, *BODY, 404),
    summary="Suggest a follow-up in a stage of a sale type",
)
def create_suggested_followup(
    request: HttpRequest, id: PathId, stage_id: PathId, payload: SuggestedFollowupIn
) -> tuple[int, dict[str, Any]]:
    item = guides.add_suggested_followup(actor(request), id, stage_id, **payload.model_dump())
    return 201, followup_out(item)


@router.get(
    "/suggested-followups/{int:id}",
    response=responses({200: SuggestedFollowupOut}, *READ, 404),
    summary="One suggested follow-up",
)
def get_suggested_followup(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return followup_out(lists.get_item(SuggestedFollowup, id))


@router.patch(
    "/suggested-followups/{int:id}",
    response=responses({200: SuggestedFollowupOut}, *WRITE, *BODY, 404),
    summary="Change a suggested follow-up",
)
def update_suggested_followup(request: HttpRequest, id: PathId, payload: SuggestedFollowupPatch) -> dict[str, Any]:
    item = guides.update_suggested_followup(actor(request), id, **payload.model_dump(exclude_unset=True))
    return followup_out(item)


@router.delete(
    "/suggested-followups/{int:id}",
    response=responses({200: SuggestedFollowupOut}, *WRITE, 404),
    summary="Delete a suggested follow-up (soft: it can be restored)",
)
def delete_suggested_followup(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return followup_out(guides.delete_suggestion(actor(request), SuggestedFollowup, id))


@router.post(
    "/suggested-followups/{int:id}/restore",
    response=responses({200: SuggestedFollowupOut}, *WRITE, 404),
    summary="Restore a deleted suggested follow-up",
)
def restore_suggested_followup(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return followup_out(guides.restore_suggestion(actor(request), SuggestedFollowup, id))


# --- suggested documents ------------------------------------------------------------------------------------


@router.post(
    "/sale-types/{int:id}/stages/{int:stage_id}/suggested-documents",
    response=responses({201: SuggestedDocumentOut}, *WRITE, *BODY, 404),
    summary="Suggest a document in a stage of a sale type",
)
def create_suggested_document(
    request: HttpRequest, id: PathId, stage_id: PathId, payload: SuggestedDocumentIn
) -> tuple[int, dict[str, Any]]:
    item = guides.add_suggested_document(actor(request), id, stage_id, **payload.model_dump())
    return 201, document_out(item)


@router.get(
    "/suggested-documents/{int:id}",
    response=responses({200: SuggestedDocumentOut}, *READ, 404),
    summary="One suggested document",
)
def get_suggested_document(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return document_out(lists.get_item(SuggestedDocument, id))


@router.patch(
    "/suggested-documents/{int:id}",
    response=responses({200: SuggestedDocumentOut}, *WRITE, *BODY, 404),
    summary="Change a suggested document",
)
def update_suggested_document(request: HttpRequest, id: PathId, payload: SuggestedDocumentPatch) -> dict[str, Any]:
    item = guides.update_suggested_document(actor(request), id, **payload.model_dump(exclude_unset=True))
    return document_out(item)


@router.delete(
    "/suggested-documents/{int:id}",
    response=responses({200: SuggestedDocumentOut}, *WRITE, 404),
    summary="Delete a suggested document (soft: it can be restored)",
)
def delete_suggested_document(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return document_out(guides.delete_suggestion(actor(request), SuggestedDocument, id))


@router.post(
    "/suggested-documents/{int:id}/restore",
    response=responses({200: SuggestedDocumentOut}, *WRITE, 404),
    summary="Restore a deleted suggested document",
)
def restore_suggested_document(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return document_out(guides.restore_suggestion(actor(request), SuggestedDocument, id))


# --- guides as files ----------------------------------------------------------------------------------------


@router.get(
    "/sale-types/{int:id}/guide/export",
    response=responses({200: None}, *READ, 404),
    summary="Export the guide of a sale type as a YAML file",
    description="Its stages, suggestions, and the activity types and templates they use (Word files too).",
    openapi_extra={
        "responses": {
            200: {
                "description": "The guide file.",
                "content": {"application/yaml": {"schema": {"type": "string"}}},
            }
        }
    },
)
def export_guide(request: HttpRequest, id: PathId) -> HttpResponse:
    sale_type = lists.get_item(SaleType, id)
    response = HttpResponse(guide_files.export_guide(sale_type), content_type="application/yaml; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="guide-{sale_type.pk}.yaml"'
    return response


@router.post(
    "/guides/import",
    response=responses({201: SaleTypeOut}, *WRITE, *BODY, 409, 415),
    summary="Import a guide file",
    description=(
        "The YAML body (`application/yaml` or `text/plain`) makes a new sale type with its guide. All or "
        "nothing: on error nothing changes and the 422 lists every problem, `loc` being its place in the "
        "file after `body`."
    ),
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {media: {"schema": {"type": "string"}} for media in ("application/yaml", "text/plain")},
        }
    },
)
def import_guide(request: HttpRequest) -> tuple[int, dict[str, Any]]:
    if request.content_type not in YAML_TYPES:
        raise UnsupportedMediaType(["application/yaml", "text/plain"])
    sale_type = guide_files.import_guide(actor(request), request.body)
    return 201, sale_type_out(load_sale_type(sale_type.pk))
