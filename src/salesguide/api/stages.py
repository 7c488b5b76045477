"""Stages: the global, ordered list of steps that sale types use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext
from ninja import Field, Query, Router, Schema

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId, RefIds
from salesguide.api.paging import ListParams, page
from salesguide.api.schemas import InSchema, ReorderIn, ReorderOut, StageIn, StageListOut, StageOut, StagePatch
from salesguide.models import Stage
from salesguide.queries.guides import StageLink
from salesguide.services import catalog, lists

router = Router(tags=["Stages"])


# --- what deleting and restoring a stage does to the sale types that use it (decision 0006) ----------------


class StageDeletionEffectOut(Schema):
    id: int = Field(description="The sale type.")
    name: str
    deleted: bool = Field(description="The sale type itself is deleted.")
    guide_on: bool = Field(description="Its guide is switched on (before the delete).")
    guide_switched_off: bool = Field(
        description="It would keep fewer than two stages, so deleting the stage switches its guide off."
    )
    open_sales: int = Field(description="Its open sales in the stage; they move to `move_to_stage_id`.")
    move_to_stage_id: int | None = Field(description="Null when the sale type has no other stage.")
    move_to_stage_name: str | None


class StageDeletionOut(StageOut):
    sale_types: list[StageDeletionEffectOut] = Field(description="Every sale type that uses the stage.")
    notices: list[str] = Field(description="What the administrator must know, such as a guide switched off.")


class StageLinkOut(Schema):
    id: int = Field(description="The sale type.")
    name: str
    deleted: bool = Field(description="The sale type itself is deleted.")
    has_guide: bool = Field(description="Its guide is switched on now.")
    followups: list[str] = Field(description="The names of the suggested follow-ups on this stage of the type.")
    documents: list[str] = Field(description="The names of the suggested documents on this stage of the type.")


class StageRestorePlanOut(Schema):
    sale_types: list[StageLinkOut] = Field(description="The sale types the deleted stage was in.")


class StageRestoreIn(InSchema):
    sale_type_ids: RefIds | None = Field(
        None,
        description="The sale types (of the restore plan) the stage goes back into; the others leave it out, "
        "keeping its suggestions for when it is put back. Left out or null: all of them.",
    )


class StageRestoreOut(StageOut):
    back_in: list[int] = Field(description="The sale types the stage is back in.")
    left_out: list[int] = Field(description="The sale types it was in and is left out of.")


def deletion_out(deletion: catalog.StageDeletion) -> dict[str, Any]:
    return {
        **stage_out(deletion.stage),
        "sale_types": [
            {
                "id": e.sale_type_id,
                "name": e.sale_type_name,
                "deleted": e.sale_type_deleted,
                "guide_on": e.guide_on,
                "guide_switched_off": e.guide_switched_off,
                "open_sales": e.open_sales,
                "move_to_stage_id": e.move_to_stage_id,
                "move_to_stage_name": e.move_to_stage_name,
            }
            for e in deletion.effects
        ],
        "notices": [notice.render(gettext) for notice in deletion.notices],
    }


def link_out(link: StageLink) -> dict[str, Any]:
    return {
        "id": link.sale_type_id,
        "name": link.sale_type_name,
        "deleted": link.sale_type_deleted,
        "has_guide": link.has_guide,
        "followups": list(link.followups),
        "documents": list(link.documents),
    }


def stage_out(stage: Stage) -> dict[str, Any]:
    return {
        "id": stage.pk,
        "name": stage.name,
        "probability": stage.probability,
        "description": stage.description,
        "rank": stage.rank,
        "deleted": stage.deleted,
    }


@router.get("/stages", response=responses({200: StageListOut}, *READ, *QUERY), summary="List stages in their order")
def list_stages(request: HttpRequest, params: Query[ListParams]) -> dict[str, Any]:
    return page(Stage.objects.all(), params, stage_out)


@router.post("/stages", response=responses({201: StageOut}, *WRITE, *BODY, 409), summary="Add a stage at the end")
def create_stage(request: HttpRequest, payload: StageIn) -> tuple[int, dict[str, Any]]:
    stage = catalog.create_stage(
        actor(request), name=payload.name, probability=payload.probability, description=payload.description
    )
    return 201, stage_out(stage)


@router.post(
    "/stages/reorder",
    response=responses({200: ReorderOut}, *WRITE, *BODY),
    summary="Put the stages in a new order",
    description="`ids` names every live stage exactly once; anything else is refused with 422.",
)
def reorder_stages(request: HttpRequest, payload: ReorderIn) -> dict[str, Any]:
    catalog.reorder_stages(actor(request), payload.ids)
    return {"ids": list(Stage.objects.filter(deleted=False).order_by("rank", "id").values_list("pk", flat=True))}


@router.get("/stages/{int:id}", response=responses({200: StageOut}, *READ, 404), summary="One stage")
def get_stage(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return stage_out(lists.get_item(Stage, id))


@router.patch(
    "/stages/{int:id}", response=responses({200: StageOut}, *WRITE, *BODY, 404, 409), summary="Change a stage"
)
def update_stage(request: HttpRequest, id: PathId, payload: StagePatch) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True)
    return stage_out(catalog.update_stage(actor(request), id, **changes))


@router.get(
    "/stages/{int:id}/deletion-plan",
    response=responses({200: StageDeletionOut}, *WRITE, 404),
    summary="What deleting a stage would do",
    description="The answer `DELETE` would give, without deleting anything. Administrators only.",
)
def stage_deletion_plan(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return deletion_out(catalog.stage_deletion_plan(actor(request), id))


@router.delete(
    "/stages/{int:id}",
    response=responses({200: StageDeletionOut}, *WRITE, 404),
    summary="Delete a stage (soft: it can be restored)",
    description=(
        "Open sales in the stage move to the next remaining stage of their type. A guide that would keep fewer "
        "than two stages is switched off; `sale_types` and `notices` say what happened to each sale type."
    ),
)
def delete_stage(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return deletion_out(catalog.delete_stage(actor(request), id))


@router.get(
    "/stages/{int:id}/restore-plan",
    response=responses({200: StageRestorePlanOut}, *WRITE, 404),
    summary="The sale types a deleted stage can go back into",
    description="With the suggestions each has on the stage. Empty for a live stage. Administrators only.",
)
def stage_restore_plan(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return {"sale_types": [link_out(link) for link in catalog.stage_restore_plan(actor(request), id)]}


@router.post(
    "/stages/{int:id}/restore",
    response=responses({200: StageRestoreOut}, *WRITE, *BODY, 404, 409),
    summary="Restore a deleted stage",
    description=(
        "409 when a live stage has taken its name meanwhile. `sale_type_ids` chooses the sale types it goes back "
        "into (422 for one it was not in); without it, it goes back into all of them."
    ),
)
def restore_stage(request: HttpRequest, id: PathId, payload: StageRestoreIn | None = None) -> dict[str, Any]:
    chosen = payload.sale_type_ids if payload is not None else None
    restored = catalog.restore_stage(actor(request), id, sale_type_ids=chosen)
    return {
        **stage_out(restored.stage),
        "back_in": [link.sale_type_id for link in restored.back_in],
        "left_out": [link.sale_type_id for link in restored.left_out],
    }
