"""Sales: list, create, change (with the ``version`` read), delete, move between stages, close, stall, reopen,
complete, and the history of stage changes.

Everyone reads every sale; salespeople change only their own (the services answer 403 otherwise).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, fields
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext
from ninja import Query, Router

from salesguide.api.auth import actor
from salesguide.api.errors import BODY, QUERY, READ, WRITE, required_items_out, responses
from salesguide.api.fields import PathId
from salesguide.api.list_files import FileFormatParams, file_answer, file_operation
from salesguide.api.paging import PageParams
from salesguide.api.sales_schemas import (
    CompleteSaleIn,
    DeleteParams,
    HistoryOut,
    LostIn,
    SaleIn,
    SaleListOut,
    SaleListParams,
    SaleOut,
    SalePatch,
    SoldIn,
    StageMoveIn,
    StalledOut,
    StallIn,
    VersionIn,
)
from salesguide.domain import aging, selling
from salesguide.domain.activities import is_overdue
from salesguide.models import Sale, StageChange, User
from salesguide.queries import list_files, sale_list
from salesguide.queries import sales as queries
from salesguide.queries.history import sentence_of
from salesguide.services import activities, lists
from salesguide.services import sales as service
from salesguide.services.permissions import SaleActions, allowed_actions

router = Router(tags=["Sales"])

# The hour a proposed follow-up on a re-open date starts, in the installation's time zone.


def local(moment: dt.datetime | None) -> dt.datetime | None:
    """A stored (UTC) time in the installation's time zone, so clients see the offset people live in."""
    return None if moment is None else timezone.localtime(moment, timezone.get_default_timezone())


_ACTION_NAMES = tuple(action.name for action in fields(SaleActions))


def actions_out(actions: SaleActions) -> dict[str, bool]:
    """The flags as JSON. Not ``dataclasses.asdict``, whose deep copy of every value cost a tenth of a 50-sale
    list's answer."""
    return {name: getattr(actions, name) for name in _ACTION_NAMES}


def sale_out(sale: Sale, viewer: User) -> dict[str, Any]:
    """Reads ``sale.stage``, ``sale.company`` and ``sale.sale_type``: load the sale with them
    (``queries.sales``). ``actions`` are what ``viewer`` may do with it now, as the web offers them."""
    stage, company = sale.stage, sale.company
    next_activity = local(sale.next_activity_at)
    now = timezone.now()
    # Aging (SPEC 6.2) of an open sale: the stage's expected days come with the sale (``with_expected_days``).
    is_open = sale.status == selling.SaleStatus.OPEN
    days = aging.days_in_stage(sale.stage_entered_at, now) if is_open and sale.stage_id is not None else None
    expected = getattr(sale, "stage_expected_days", None) if days is not None else None
    planned = aging.has_planned_activity(sale.last_planned_at, now)
    return {
        "id": sale.pk,
        "title": sale.title,
        "description": sale.description,
        "sale_type_id": sale.sale_type_id,
        "company_id": sale.company_id,
        "company_name": company.name if company is not None else None,
        "contact_id": sale.contact_id,
        "owner_id": sale.owner_id,
        "amount": sale.amount,
        "currency": sale.currency,
        "stage_id": sale.stage_id,
        "stage_name": stage.name if stage is not None else None,
        "stage_probability": stage.probability if stage is not None else None,
        "probability": sale.probability,
        "probability_is_manual": selling.probability_shown_as_manual(service.state_of(sale)),
        "probability_policy": sale.sale_type.probability_policy,
        "status": sale.status,
        "expected_date": sale.expected_date,
        "closed_date": sale.closed_date,
        "reason_id": sale.reason_id,
        "competitor_id": sale.competitor_id,
        "reopen_date": sale.reopen_date,
        "completed": sale.completed,
        "stage_when_closed_id": sale.stage_when_closed_id,
        "next_activity_date": next_activity.date() if next_activity is not None else None,
        "next_activity_overdue": is_overdue(sale.next_activity_at, now),
        "stale": aging.is_stale(days, expected, has_planned_activity=planned),
        "days_in_stage": days,
        "expected_days": expected,
        "version": sale.version,
        "created_at": local(sale.created_at),
        "actions": actions_out(allowed_actions(viewer, sale)),
        "warnings": required_items_out(sale.exit_warnings),
    }


def moved_out(request: HttpRequest, moved: Sale) -> dict[str, Any]:
    """The sale after a move, read again as every answer reads it, with the move's warnings (exit criteria)."""
    answer = load_sale(request, moved.pk)
    answer["warnings"] = required_items_out(moved.exit_warnings)
    return answer


def load_sale(request: HttpRequest, sale_id: int) -> dict[str, Any]:
    sale = queries.sale_card(sale_id)
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    return sale_out(sale, actor(request))


def _history_row(change: StageChange) -> dict[str, Any]:
    by = change.by
    return {
        "id": change.pk,
        "kind": change.kind,
        "from_stage_id": change.from_stage_id,
        "from_stage_name": change.from_stage.name if change.from_stage is not None else None,
        "to_stage_id": change.to_stage_id,
        "to_stage_name": change.to_stage.name if change.to_stage is not None else None,
        "from_status": change.from_status or None,
        "to_status": change.to_status,
        "probability_before": change.probability_before,
        "probability_after": change.probability_after,
        "at": local(change.at),
        "by_id": change.by_id,
        "by_name": (by.get_full_name() or by.username) if by is not None else None,
        "reason": change.reason,
        "override_reason": change.override_reason,
        "sentence": sentence_of(change).render(gettext),
    }


def _proposed_reopen_followup(user: User, sale_id: int) -> dict[str, Any] | None:
    proposal = activities.propose_reopen_followup_for(user, sale_id)
    return None if proposal is None else asdict(proposal)


# --- the sales --------------------------------------------------------------------------------------------------


@router.get(
    "/sales",
    response=responses({200: SaleListOut}, *READ, *QUERY),
    summary="List sales, newest first",
    description=(
        "Filters combine: `sale_type`, `stage`, `status`, `owner`, `company`, `stale=true` (only stale sales), "
        "and `q` (every word, ignoring case, in the title or the company's name). The same list, in the same "
        "order, as the web's sale list. `format=csv` or `xlsx`: all of it as a file."
    ),
    openapi_extra=file_operation(),
)
def list_sales(request: HttpRequest, params: Query[SaleListParams], file: Query[FileFormatParams]) -> Any:
    filters = sale_list.SaleFilters(
        sale_type=params.sale_type,
        stage=params.stage,
        status=params.status,
        owner=params.owner,
        company=params.company,
        q=params.q,
        stale=params.stale,
    )
    if file.format != "json":
        return file_answer(request, list_files.sale_file(filters), file.format)
    result = sale_list.sale_page(filters, limit=params.limit, after=params.after)
    viewer = actor(request)
    return {"items": [sale_out(sale, viewer) for sale in result.items], "next": result.next}


@router.post(
    "/sales",
    response=responses({201: SaleOut}, *WRITE, *BODY, 404),
    summary="Add a sale",
    description=(
        "The sale starts in the first stage of its type with that stage's probability; the expected date "
        "defaults to today plus the type's duration. An unknown sale type, company, contact or owner answers 404."
    ),
)
def create_sale(request: HttpRequest, payload: SaleIn) -> tuple[int, dict[str, Any]]:
    sale = service.create_sale(actor(request), **payload.model_dump())
    return 201, load_sale(request, sale.pk)


@router.get("/sales/{int:id}", response=responses({200: SaleOut}, *READ, 404), summary="One sale")
def get_sale(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return load_sale(request, id)


@router.patch(
    "/sales/{int:id}",
    response=responses({200: SaleOut}, *WRITE, *BODY, 404, 409),
    summary="Change a sale",
    description=(
        "Send the `version` you read and only the fields to change. If someone changed the sale meanwhile the "
        "answer is 409 and nothing changes. `stage_id` moves the sale (a stage-change row, the stage's "
        "probability); `sale_type_id` moves it to the first stage of the new type, keeping its activities and "
        "documents."
    ),
)
def update_sale(request: HttpRequest, id: PathId, payload: SalePatch) -> dict[str, Any]:
    changes = payload.model_dump(exclude_unset=True)
    version = changes.pop("version")
    return moved_out(request, service.update_sale(actor(request), id, version=version, **changes))


@router.delete(
    "/sales/{int:id}",
    response=responses({204: None}, *WRITE, *QUERY, 404, 409),
    summary="Delete a sale",
    description="With its activities, documents and history. `?version=` guards against deleting a changed sale.",
)
def delete_sale(request: HttpRequest, id: PathId, params: Query[DeleteParams]) -> tuple[int, None]:
    service.delete_sale(actor(request), id, version=params.version)
    return 204, None


# --- stage and status --------------------------------------------------------------------------------------------

_CHANGE = responses({200: SaleOut}, *WRITE, *BODY, 404, 409)


@router.post(
    "/sales/{int:id}/stage",
    response=_CHANGE,
    summary="Move a sale to a stage",
    description=(
        "Forwards, backwards or skipping stages; the probability becomes the new stage's. Only an open sale "
        "moves, and only to a stage of its type (else 422)."
    ),
)
def move_sale_to_stage(request: HttpRequest, id: PathId, payload: StageMoveIn) -> dict[str, Any]:
    moved = service.move_sale_to_stage(
        actor(request), id, payload.stage_id, version=payload.version, override_reason=payload.override_reason
    )
    return moved_out(request, moved)


@router.post(
    "/sales/{int:id}/sold",
    response=_CHANGE,
    summary="Close a sale as sold",
    description="Probability 100; the stage it was in is kept as `stage_when_closed_id`. Only an open sale.",
)
def close_sale_as_sold(request: HttpRequest, id: PathId, payload: SoldIn | None = None) -> dict[str, Any]:
    body = payload or SoldIn.model_validate({})
    sold = service.close_sale_as_sold(
        actor(request),
        id,
        date=body.date,
        reason_id=body.reason_id,
        amount=body.amount,
        version=body.version,
        override_reason=body.override_reason,
    )
    return moved_out(request, sold)


@router.post(
    "/sales/{int:id}/lost",
    response=_CHANGE,
    summary="Close a sale as lost",
    description="Probability 0; the stage it was in is kept as `stage_when_closed_id`. Only an open sale.",
)
def close_sale_as_lost(request: HttpRequest, id: PathId, payload: LostIn | None = None) -> dict[str, Any]:
    body = payload or LostIn.model_validate({})
    service.close_sale_as_lost(
        actor(request),
        id,
        date=body.date,
        reason_id=body.reason_id,
        competitor_id=body.competitor_id,
        version=body.version,
    )
    return load_sale(request, id)


@router.post(
    "/sales/{int:id}/stall",
    response=responses({200: StalledOut}, *WRITE, *BODY, 404, 409),
    summary="Stall a sale until a re-open date",
    description=(
        "The answer proposes a follow-up on the re-open date at 09:00 in the caller's time zone (their profile's, "
        "else the installation's), as the web does; it is not created: send it to POST /activities with the "
        "sale's id to plan it. \"After today\" is also the caller's today."
    ),
)
def stall_sale(request: HttpRequest, id: PathId, payload: StallIn) -> dict[str, Any]:
    user = actor(request)
    service.stall_sale(user, id, reopen_date=payload.reopen_date, reason_id=payload.reason_id, version=payload.version)
    sale = load_sale(request, id)
    return {"sale": sale, "proposed_activity": _proposed_reopen_followup(user, id)}


@router.post(
    "/sales/{int:id}/reopen",
    response=_CHANGE,
    summary="Reopen a sold, lost or stalled sale",
    description="It returns to open in the stage it was in, with that stage's probability.",
)
def reopen_sale(request: HttpRequest, id: PathId, payload: VersionIn | None = None) -> dict[str, Any]:
    service.reopen_sale(actor(request), id, version=(payload or VersionIn.model_validate({})).version)
    return load_sale(request, id)


@router.post(
    "/sales/{int:id}/probability/reset",
    response=_CHANGE,
    summary="Set the sale's probability back to its stage's",
    description=(
        "Ends a manual probability (SPEC 6.4): the sale takes its stage's probability again, with a history row."
    ),
)
def reset_sale_probability(request: HttpRequest, id: PathId, payload: VersionIn | None = None) -> dict[str, Any]:
    service.reset_sale_probability(actor(request), id, version=(payload or VersionIn.model_validate({})).version)
    return load_sale(request, id)


@router.post(
    "/sales/{int:id}/complete",
    response=_CHANGE,
    summary="Mark a sold or lost sale completed",
    description="Only a sold or lost sale can be completed (else 422). `completed: false` unticks it.",
)
def complete_sale(request: HttpRequest, id: PathId, payload: CompleteSaleIn | None = None) -> dict[str, Any]:
    body = payload or CompleteSaleIn.model_validate({})
    service.complete_sale(actor(request), id, completed=body.completed, version=body.version)
    return load_sale(request, id)


@router.get(
    "/sales/{int:id}/history",
    response=responses({200: HistoryOut}, *READ, *QUERY, 404),
    summary="The stage changes of a sale, oldest first",
    description="One row per change of stage, status or probability, with who made it and why.",
)
def sale_history(request: HttpRequest, id: PathId, params: Query[PageParams]) -> dict[str, Any]:
    if not queries.sale_exists(id):
        raise lists.not_found(Sale, id)
    result = queries.history_page(id, limit=params.limit, after=params.after)
    return {"items": [_history_row(change) for change in result.items], "next": result.next}
