"""Activities (follow-ups): list, plan, change, delete, complete and reopen.

Completing a follow-up made from a guide suggestion may offer the guide's next follow-up, create it directly
(for users who chose not to be asked), and offer moving the sale on when its stage is all done (SPEC 3.5, 3.6).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router

from salesguide.api.activity_schemas import (
    ActivityIn,
    ActivityListOut,
    ActivityListParams,
    ActivityOut,
    ActivityPatch,
    CompletionOut,
)
from salesguide.api.auth import actor
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId
from salesguide.api.list_files import FileFormatParams, file_answer, file_operation
from salesguide.api.sales import local
from salesguide.domain.activities import is_overdue
from salesguide.models import Activity
from salesguide.queries import activity_list, list_files
from salesguide.queries import sales as queries
from salesguide.services import activities as service
from salesguide.services import clock, lists

router = Router(tags=["Activities"])


def activity_out(activity: Activity, now: dt.datetime | None = None) -> dict[str, Any]:
    """Reads ``activity.activity_type``: load the activity with it (``queries.sales``)."""
    completed = activity.completed_at is not None
    return {
        "id": activity.pk,
        "activity_type_id": activity.activity_type_id,
        "activity_type_name": activity.activity_type.name,
        "title": activity.title,
        "text": activity.text,
        "start": local(activity.start),
        "duration_minutes": activity.duration_minutes,
        "owner_id": activity.owner_id,
        "sale_id": activity.sale_id,
        "company_id": activity.company_id,
        "contact_id": activity.contact_id,
        "completed": completed,
        "completed_at": local(activity.completed_at),
        "suggested_followup_id": activity.suggested_followup_id,
        "overdue": is_overdue(activity.start, now or timezone.now(), completed=completed),
    }


def load_activity(activity_id: int) -> dict[str, Any]:
    activity = queries.activity_card(activity_id)
    if activity is None:
        raise lists.not_found(Activity, activity_id)
    return activity_out(activity)


@router.get(
    "/activities",
    response=responses({200: ActivityListOut}, *READ, *QUERY),
    summary="List activities by start",
    description=(
        "Filters combine: `sale`, `owner`, `completed`, `from` / `to` (days, both included) and `period`. Days "
        "are those of your time zone (the one on your profile, else the installation's). By start, so overdue "
        "ones come first; with `completed=true` the latest completed first. A salesperson's `owner` is always "
        "themselves: only managers and administrators list someone else's activities by owner. The same list, "
        "in the same order, as the web's activity list. `format=csv` or `xlsx`: all of it as a file (times in "
        "your time zone)."
    ),
    openapi_extra=file_operation(),
)
def list_activities(request: HttpRequest, params: Query[ActivityListParams], file: Query[FileFormatParams]) -> Any:
    user = actor(request)
    filters = activity_list.ActivityFilters(
        sale=params.sale,
        owner=params.owner,
        completed=params.completed,
        starts_from=params.starts_from,
        starts_to=params.starts_to,
        period=params.period,
    )
    now = clock.now_for(user)
    if file.format != "json":
        return file_answer(request, list_files.activity_file(user, filters, now=now), file.format)
    result = activity_list.activity_page(user, filters, now=now, limit=params.limit, after=params.after)
    return {"items": [activity_out(a, now) for a in result.items], "next": result.next}


@router.post(
    "/activities",
    response=responses({201: ActivityOut}, *WRITE, *BODY, 404),
    summary="Plan an activity",
    description=(
        "On a sale (its company and contact are filled in) or on its own. Only the sale's owner or a manager "
        "plans activities on a sale. An unknown activity type, sale, company, contact or owner answers 404."
    ),
)
def create_activity(request: HttpRequest, payload: ActivityIn) -> tuple[int, dict[str, Any]]:
    activity = service.create_activity(actor(request), **payload.model_dump())
    return 201, load_activity(activity.pk)


@router.get("/activities/{int:id}", response=responses({200: ActivityOut}, *READ, 404), summary="One activity")
def get_activity(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return load_activity(id)


@router.patch(
    "/activities/{int:id}",
    response=responses({200: ActivityOut}, *WRITE, *BODY, 404),
    summary="Change an activity",
    description="Only the fields sent change; `contact_id: null` takes the contact off. Complete it with /complete.",
)
def update_activity(request: HttpRequest, id: PathId, payload: ActivityPatch) -> dict[str, Any]:
    service.update_activity(actor(request), id, **payload.model_dump(exclude_unset=True))
    return load_activity(id)


@router.delete("/activities/{int:id}", response=responses({204: None}, *WRITE, 404), summary="Delete an activity")
def delete_activity(request: HttpRequest, id: PathId) -> tuple[int, None]:
    service.delete_activity(actor(request), id)
    return 204, None


@router.post(
    "/activities/{int:id}/complete",
    response=responses({200: CompletionOut}, *WRITE, 404, 422),
    summary="Complete an activity",
    description=(
        "For a follow-up made from the guide: when the guide's next follow-up suggests itself and was not made "
        "yet, `next_suggestion` offers it — or, for a user who chose not to be asked, `created_activity` is it, "
        "already made. `offer_advance` names the next stage when the current one is all done and the sale type "
        "advances automatically. An activity already completed answers 422."
    ),
)
def complete_activity(request: HttpRequest, id: PathId) -> dict[str, Any]:
    completion = service.complete_activity(actor(request), id)
    draft = completion.next_suggestion
    created = completion.created_activity
    advance_to = completion.offer_advance_to_stage_id
    return {
        "activity": load_activity(completion.activity.pk),
        "next_suggestion": None
        if draft is None
        else {
            "suggestion_id": draft.suggestion_id,
            "name": draft.title,
            "start": local(draft.start),
            "activity_type_id": draft.activity_type_id,
            "duration_minutes": draft.duration_minutes,
            "text": draft.text,
        },
        "created_activity": load_activity(created.pk) if created is not None else None,
        "offer_advance": {"to_stage_id": advance_to} if advance_to is not None else None,
        "offer_close_as_sold": completion.offer_close_as_sold,
    }


@router.post(
    "/activities/{int:id}/reopen",
    response=responses({200: ActivityOut}, *WRITE, 404, 422),
    summary="Reopen a completed activity",
    description="An activity that is not completed answers 422.",
)
def reopen_activity(request: HttpRequest, id: PathId) -> dict[str, Any]:
    service.reopen_activity(actor(request), id)
    return load_activity(id)
