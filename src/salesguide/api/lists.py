"""The small admin lists: activity types, reasons, competitors and categories.

They behave alike (list, add, change, soft delete, restore, reorder), so their endpoints are made by one
function. This module does not use postponed annotations: Ninja reads the schema classes from the
annotations of the functions made here, so they must be real classes, not strings.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.http import HttpRequest
from ninja import Query, Router, Schema

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId
from salesguide.api.paging import ListParams, page
from salesguide.api.schemas import (
    ActivityTypeIn,
    ActivityTypeListOut,
    ActivityTypeOut,
    ActivityTypePatch,
    CategoryIn,
    CategoryListOut,
    CategoryOut,
    CategoryPatch,
    CompetitorIn,
    CompetitorListOut,
    CompetitorOut,
    CompetitorPatch,
    ReasonIn,
    ReasonKind,
    ReasonListOut,
    ReasonOut,
    ReasonPatch,
    ReorderIn,
    ReorderOut,
)
from salesguide.models import ActivityType, Category, Competitor, Reason, User
from salesguide.services import catalog, lists
from salesguide.services.permissions import require_admin

router = Router()


@dataclass(frozen=True)
class ListResource:
    path: str  # "activity-types"
    operation: str  # "activity_type", in operation ids
    operations: str  # "activity_types"
    plural: str  # "activity types", in summaries
    tag: str
    model: type[models.Model]
    schema_in: type[Schema]
    schema_patch: type[Schema]
    schema_out: type[Schema]
    schema_list: type[Schema]
    present: Callable[[Any], dict[str, Any]]
    create: Callable[[User, Any], Any]
    update: Callable[[User, int, dict[str, Any]], Any]
    params: type[ListParams] = ListParams
    order: tuple[str, ...] = ("rank", "id")
    filter: Callable[[models.QuerySet[Any], Any], models.QuerySet[Any]] = lambda qs, params: qs


def _add_endpoints(resource: ListResource) -> None:
    r = resource
    base, item = f"/{r.path}", f"/{r.path}/{{int:id}}"
    model = r.model
    one, many = r.operation, r.operations

    def list_items(request: HttpRequest, params: Query[r.params]) -> dict[str, Any]:  # type: ignore[name-defined]
        return page(r.filter(model._default_manager.all(), params), params, r.present, r.order)

    def create_item(request: HttpRequest, payload: r.schema_in) -> tuple[int, dict[str, Any]]:  # type: ignore[name-defined]
        return 201, r.present(r.create(actor(request), payload))

    def reorder_items(request: HttpRequest, payload: ReorderIn) -> dict[str, Any]:
        catalog.reorder_list(actor(request), model, payload.ids)
        live = model._default_manager.filter(deleted=False).order_by(*r.order)
        return {"ids": list(live.values_list("pk", flat=True))}

    def get_item(request: HttpRequest, id: PathId) -> dict[str, Any]:
        return r.present(lists.get_item(model, id))

    def update_item(request: HttpRequest, id: PathId, payload: r.schema_patch) -> dict[str, Any]:  # type: ignore[name-defined]
        return r.present(r.update(actor(request), id, payload.model_dump(exclude_unset=True)))

    def delete_item(request: HttpRequest, id: PathId) -> dict[str, Any]:
        return r.present(catalog.delete_list_item(actor(request), model, id))

    def restore_item(request: HttpRequest, id: PathId) -> dict[str, Any]:
        return r.present(catalog.restore_list_item(actor(request), model, id))

    tags = [r.tag]
    router.get(
        base,
        response=responses({200: r.schema_list}, *READ, *QUERY),
        operation_id=f"list_{many}",
        tags=tags,
        summary=f"List {r.plural} in their order",
        url_name=f"{many}",
    )(list_items)
    router.post(
        base,
        response=responses({201: r.schema_out}, *WRITE, *BODY, 409),
        operation_id=f"create_{one}",
        tags=tags,
        url_name=f"{one}-create",
        summary=f"Add one of the {r.plural}",
    )(create_item)
    router.post(
        f"{base}/reorder",
        response=responses({200: ReorderOut}, *WRITE, *BODY),
        operation_id=f"reorder_{many}",
        tags=tags,
        summary=f"Put the {r.plural} in a new order",
        url_name=f"{many}-reorder",
    )(reorder_items)
    router.get(
        item,
        response=responses({200: r.schema_out}, *READ, 404),
        operation_id=f"get_{one}",
        tags=tags,
        summary=f"One of the {r.plural}",
        url_name=f"{one}",
    )(get_item)
    router.patch(
        item,
        response=responses({200: r.schema_out}, *WRITE, *BODY, 404, 409),
        operation_id=f"update_{one}",
        tags=tags,
        url_name=f"{one}-update",
        summary=f"Change one of the {r.plural}",
    )(update_item)
    router.delete(
        item,
        response=responses({200: r.schema_out}, *WRITE, 404),
        operation_id=f"delete_{one}",
        tags=tags,
        url_name=f"{one}-delete",
        summary=f"Delete one of the {r.plural} (soft: it can be restored)",
    )(delete_item)
    router.post(
        f"{item}/restore",
        response=responses({200: r.schema_out}, *WRITE, 404, 409),
        operation_id=f"restore_{one}",
        tags=tags,
        summary=f"Restore one of the deleted {r.plural}",
        url_name=f"{one}-restore",
    )(restore_item)


# --- what each list looks like ------------------------------------------------------------------------------


def _activity_type_out(item: ActivityType) -> dict[str, Any]:
    return {
        "id": item.pk,
        "name": item.name,
        "kind": item.kind,
        "default_duration_minutes": item.default_duration_minutes,
        "rank": item.rank,
        "deleted": item.deleted,
    }


def _reason_out(item: Reason) -> dict[str, Any]:
    return {"id": item.pk, "name": item.name, "kind": item.kind, "rank": item.rank, "deleted": item.deleted}


def _named_out(item: Competitor | Category) -> dict[str, Any]:
    return {"id": item.pk, "name": item.name, "rank": item.rank, "deleted": item.deleted}


def _rename(model: type[Competitor] | type[Category]) -> Callable[[User, int, dict[str, Any]], Any]:
    def update(user: User, item_id: int, changes: dict[str, Any]) -> Any:
        if "name" not in changes:
            require_admin(user)
            return lists.get_item(model, item_id)
        return catalog.rename_item(user, model, item_id, name=changes["name"])

    return update


class ReasonListParams(ListParams):
    kind: ReasonKind | None = None


_add_endpoints(
    ListResource(
        path="activity-types",
        operation="activity_type",
        operations="activity_types",
        plural="activity types",
        tag="Activity types",
        model=ActivityType,
        schema_in=ActivityTypeIn,
        schema_patch=ActivityTypePatch,
        schema_out=ActivityTypeOut,
        schema_list=ActivityTypeListOut,
        present=_activity_type_out,
        create=lambda user, p: catalog.create_activity_type(user, **p.model_dump()),
        update=lambda user, item_id, changes: catalog.update_activity_type(user, item_id, **changes),
    )
)
_add_endpoints(
    ListResource(
        path="reasons",
        operation="reason",
        operations="reasons",
        plural="reasons",
        tag="Reasons",
        model=Reason,
        schema_in=ReasonIn,
        schema_patch=ReasonPatch,
        schema_out=ReasonOut,
        schema_list=ReasonListOut,
        present=_reason_out,
        create=lambda user, p: catalog.create_reason(user, name=p.name, kind=p.kind),
        update=lambda user, item_id, changes: catalog.update_reason(user, item_id, **changes),
        params=ReasonListParams,
        order=("kind", "rank", "id"),
        filter=lambda qs, params: qs.filter(kind=params.kind) if params.kind else qs,
    )
)
_add_endpoints(
    ListResource(
        path="competitors",
        operation="competitor",
        operations="competitors",
        plural="competitors",
        tag="Competitors",
        model=Competitor,
        schema_in=CompetitorIn,
        schema_patch=CompetitorPatch,
        schema_out=CompetitorOut,
        schema_list=CompetitorListOut,
        present=_named_out,
        create=lambda user, p: catalog.create_named_item(user, Competitor, name=p.name),
        update=_rename(Competitor),
    )
)
_add_endpoints(
    ListResource(
        path="categories",
        operation="category",
        operations="categories",
        plural="categories",
        tag="Categories",
        model=Category,
        schema_in=CategoryIn,
        schema_patch=CategoryPatch,
        schema_out=CategoryOut,
        schema_list=CategoryListOut,
        present=_named_out,
        create=lambda user, p: catalog.create_named_item(user, Category, name=p.name),
        update=_rename(Category),
    )
)
