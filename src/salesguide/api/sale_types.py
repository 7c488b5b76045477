"""Sale types: a kind of sale, the ordered stages it uses, and the switches of its guide."""

from __future__ import annotations

from typing import Any

from django.db.models import Prefetch, QuerySet
from django.http import HttpRequest
from ninja import Query, Router

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId, RefId
from salesguide.api.paging import ListParams, page
from salesguide.api.schemas import (
    ReorderIn,
    ReorderOut,
    SaleTypeIn,
    SaleTypeListOut,
    SaleTypeOut,
    SaleTypePatch,
    SaleTypeStagePatch,
)
from salesguide.domain.errors import Message, NotFound, gettext_noop
from salesguide.models import SaleType, SaleTypeStage
from salesguide.queries.guides import live_links
from salesguide.services import sale_types

router = Router(tags=["Sale types"])


class SaleTypeListParams(ListParams):
    category: RefId | None = None


def with_stages(queryset: QuerySet[SaleType]) -> QuerySet[SaleType]:
    """Sale types with their live stages in order, in one extra query for any number of types."""
    links = live_links().select_related("stage")
    return queryset.prefetch_related(Prefetch("links", queryset=links, to_attr="live_links"))


def load_sale_type(sale_type_id: int) -> SaleType:
    sale_type = with_stages(SaleType.objects.filter(pk=sale_type_id)).first()
    if sale_type is None:
        raise NotFound(
            Message(
                gettext_noop("No %(what)s with id %(id)s."),
                {"what": SaleType._meta.verbose_name, "id": sale_type_id},
            )
        )
    return sale_type


def sale_type_out(sale_type: SaleType) -> dict[str, Any]:
    links: list[SaleTypeStage] = sale_type.live_links  # type: ignore[attr-defined]
    return {
        "id": sale_type.pk,
        "name": sale_type.name,
        "description": sale_type.description,
        "category": sale_type.category_id,
        "duration": sale_type.duration,
        "duration_unit": sale_type.duration_unit,
        "stage_ids": [link.stage_id for link in links],
        "stages": [
            {
                "id": link.stage_id,
                "name": link.stage.name,
                "probability": link.stage.probability,
                "expected_days": link.expected_days,
            }
            for link in links
        ],
        "has_guide": sale_type.has_guide,
        "auto_advance": sale_type.auto_advance,
        "probability_policy": sale_type.probability_policy,
        "exit_criteria": sale_type.exit_criteria,
        "rank": sale_type.rank,
        "deleted": sale_type.deleted,
    }


def _service_fields(changes: dict[str, Any]) -> dict[str, Any]:
    # The API names the category by its id as `category`; the service calls it `category_id`.
    if "category" in changes:
        changes["category_id"] = changes.pop("category")
    return changes


@router.get(
    "/sale-types",
    response=responses({200: SaleTypeListOut}, *READ, *QUERY),
    summary="List sale types in their order",
)
def list_sale_types(request: HttpRequest, params: Query[SaleTypeListParams]) -> dict[str, Any]:
    queryset = SaleType.objects.all()
    if params.category is not None:
        queryset = queryset.filter(category_id=params.category)
    return page(with_stages(queryset), params, sale_type_out)


@router.post(
    "/sale-types",
    response=responses({201: SaleTypeOut}, *WRITE, *BODY, 404, 409),
    summary="Add a sale type",
    description=(
        "`stage_ids` are the stages in order. `has_guide: true` needs at least two stages (else 422). "
        "An unknown category or stage id answers 404."
    ),
)
def create_sale_type(request: HttpRequest, payload: SaleTypeIn) -> tuple[int, dict[str, Any]]:
    sale_type = sale_types.create_sale_type(actor(request), **_service_fields(payload.model_dump()))
    return 201, sale_type_out(load_sale_type(sale_type.pk))


@router.post(
    "/sale-types/reorder",
    response=responses({200: ReorderOut}, *WRITE, *BODY),
    summary="Put the sale types in a new order",
)
def reorder_sale_types(request: HttpRequest, payload: ReorderIn) -> dict[str, Any]:
    sale_types.reorder_sale_types(actor(request), payload.ids)
    live = SaleType.objects.filter(deleted=False).order_by("rank", "id")
    return {"ids": list(live.values_list("pk", flat=True))}


@router.get("/sale-types/{int:id}", response=responses({200: SaleTypeOut}, *READ, 404), summary="One sale type")
def get_sale_type(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return sale_type_out(load_sale_type(id))


@router.patch(
    "/sale-types/{int:id}",
    response=responses({200: SaleTypeOut}, *WRITE, *BODY, 404, 409),
    summary="Change a sale type",
    description=(
        "`stage_ids` replaces the ordered stages; a stage taken out keeps its suggestions for when it comes "
        "back. Turning `has_guide` off and on again keeps every suggestion. `has_guide: true` with fewer "
        "than two stages answers 422."
    ),
)
def update_sale_type(request: HttpRequest, id: PathId, payload: SaleTypePatch) -> dict[str, Any]:
    sale_types.update_sale_type(actor(request), id, **_service_fields(payload.model_dump(exclude_unset=True)))
    return sale_type_out(load_sale_type(id))


@router.delete(
    "/sale-types/{int:id}",
    response=responses({200: SaleTypeOut}, *WRITE, 404),
    summary="Delete a sale type (soft: it can be restored)",
)
def delete_sale_type(request: HttpRequest, id: PathId) -> dict[str, Any]:
    sale_types.delete_sale_type(actor(request), id)
    return sale_type_out(load_sale_type(id))


@router.post(
    "/sale-types/{int:id}/restore",
    response=responses({200: SaleTypeOut}, *WRITE, 404, 409),
    summary="Restore a deleted sale type",
)
def restore_sale_type(request: HttpRequest, id: PathId) -> dict[str, Any]:
    sale_types.restore_sale_type(actor(request), id)
    return sale_type_out(load_sale_type(id))


@router.patch(
    "/sale-types/{int:id}/stages/{int:stage_id}",
    response=responses({200: SaleTypeOut}, *WRITE, *BODY, 404),
    summary="Set the expected days in one stage of a sale type",
)
def update_sale_type_stage(
    request: HttpRequest, id: PathId, stage_id: PathId, payload: SaleTypeStagePatch
) -> dict[str, Any]:
    sale_types.set_expected_days(actor(request), id, stage_id, payload.expected_days)
    return sale_type_out(load_sale_type(id))
