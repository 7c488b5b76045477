"""Stages: the global, ordered list of steps that sale types use."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId
from salesguide.api.paging import ListParams, page
from salesguide.api.schemas import ReorderIn, ReorderOut, StageIn, StageListOut, StageOut, StagePatch
from salesguide.models import Stage
from salesguide.services import catalog, lists

router = Router(tags=["Stages"])


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


@router.delete(
    "/stages/{int:id}",
    response=responses({200: StageOut}, *WRITE, 404),
    summary="Delete a stage (soft: it can be restored)",
)
def delete_stage(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return stage_out(catalog.delete_stage(actor(request), id))


@router.post(
    "/stages/{int:id}/restore",
    response=responses({200: StageOut}, *WRITE, 404, 409),
    summary="Restore a deleted stage",
    description="409 when a live stage has taken its name meanwhile.",
)
def restore_stage(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return stage_out(catalog.restore_stage(actor(request), id))
