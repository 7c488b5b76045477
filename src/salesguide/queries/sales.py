"""Sales, their history, activities and documents as the API's lists and cards read them.

Every list page is a fixed number of queries (the rows with what they show of their stage, company, activity
type or template joined in) and pages by keyset, so the thousandth page costs what the first does.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from dataclasses import dataclass

from django.db import models
from django.db.models import Q

from salesguide.domain.errors import FieldProblem, Message, ValidationFailed, gettext_noop
from salesguide.models import Activity, ActivityKind, ActivityType, Document, Sale, StageChange
from salesguide.queries.paging import CURSOR_LOC, Page, decode_cursor, encode_cursor, keyset_page

_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


# --- sales ---------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SaleFilters:
    sale_type_id: int | None = None
    stage_id: int | None = None
    status: str | None = None
    owner_id: int | None = None
    company_id: int | None = None
    q: str | None = None


def sales(filters: SaleFilters) -> models.QuerySet[Sale]:
    """Sales matching every filter given, with the stage and company their list rows name."""
    queryset = Sale.objects.select_related("stage", "company")
    if filters.sale_type_id is not None:
        queryset = queryset.filter(sale_type_id=filters.sale_type_id)
    if filters.stage_id is not None:
        queryset = queryset.filter(stage_id=filters.stage_id)
    if filters.status:
        queryset = queryset.filter(status=filters.status)
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.company_id is not None:
        queryset = queryset.filter(company_id=filters.company_id)
    if filters.q and filters.q.strip():
        queryset = queryset.filter(title__icontains=filters.q.strip())
    return queryset


def sale_page(filters: SaleFilters, *, limit: int, after: str | None = None) -> Page[Sale]:
    """Newest first (highest id), so a new sale shows at the top of the first page."""
    queryset = sales(filters)
    if after is not None:
        queryset = queryset.filter(pk__lt=decode_cursor(after, Sale, ["id"])[0])
    rows = list(queryset.order_by("-id")[: limit + 1])
    items = rows[:limit]
    return Page(items=items, next=encode_cursor([items[-1].pk]) if len(rows) > limit else None)


def sale_card(sale_id: int) -> Sale | None:
    """One sale with its stage and company, in one query."""
    return Sale.objects.select_related("stage", "company").filter(pk=sale_id).first()


def sale_with_type(sale_id: int) -> Sale | None:
    """One sale with its sale type, as the guide reads it."""
    return Sale.objects.select_related("sale_type").filter(pk=sale_id).first()


def sale_exists(sale_id: int) -> bool:
    return Sale.objects.filter(pk=sale_id).exists()


# --- keyset paging on a time and an id --------------------------------------------------------------------------


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        [
            FieldProblem(
                CURSOR_LOC,
                Message(gettext_noop("This cursor is not valid; pass the “next” value of a previous page unchanged.")),
            )
        ]
    )


def _time_cursor(moment: dt.datetime, item_id: int) -> str:
    # Whole microseconds since the epoch: exact, and free of the time zone the row was read in.
    return encode_cursor([(moment - _EPOCH) // _MICROSECOND, item_id])


def _decode_time_cursor(cursor: str) -> tuple[dt.datetime, int]:
    if not cursor or len(cursor) > 2048:
        raise _invalid_cursor()
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid_cursor() from None
    if (
        not isinstance(values, list)
        or len(values) != 2
        or any(isinstance(v, bool) or not isinstance(v, int) for v in values)
        or not 1 <= values[1] < 2**63
    ):
        raise _invalid_cursor()
    try:
        moment = _EPOCH + values[0] * _MICROSECOND
    except OverflowError:
        raise _invalid_cursor() from None
    if not 1900 <= moment.year <= 2999:
        raise _invalid_cursor()
    return moment, values[1]


def _time_page(queryset: models.QuerySet, time_field: str, *, limit: int, after: str | None) -> Page:
    """A page of ``queryset`` in ascending (time, id) order, after the cursor ``after``."""
    if after is not None:
        moment, item_id = _decode_time_cursor(after)
        queryset = queryset.filter(Q(**{f"{time_field}__gt": moment}) | Q(**{time_field: moment, "pk__gt": item_id}))
    rows = list(queryset.order_by(time_field, "id")[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = _time_cursor(getattr(items[-1], time_field), items[-1].pk)
    return Page(items=items, next=next_cursor)


# --- the history of a sale ------------------------------------------------------------------------------------


def history_page(sale_id: int, *, limit: int, after: str | None = None) -> Page[StageChange]:
    """The sale's stage-change rows, oldest first, with the stages and the user they name."""
    queryset = StageChange.objects.filter(sale_id=sale_id).select_related("from_stage", "to_stage", "by")
    return _time_page(queryset, "at", limit=limit, after=after)


# --- activities ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ActivityFilters:
    sale_id: int | None = None
    owner_id: int | None = None
    completed: bool | None = None
    starts_from: dt.datetime | None = None  # inclusive
    starts_before: dt.datetime | None = None  # exclusive


def activities(filters: ActivityFilters) -> models.QuerySet[Activity]:
    queryset = Activity.objects.select_related("activity_type")
    if filters.sale_id is not None:
        queryset = queryset.filter(sale_id=filters.sale_id)
    if filters.owner_id is not None:
        queryset = queryset.filter(owner_id=filters.owner_id)
    if filters.completed is not None:
        queryset = queryset.filter(completed_at__isnull=not filters.completed)
    if filters.starts_from is not None:
        queryset = queryset.filter(start__gte=filters.starts_from)
    if filters.starts_before is not None:
        queryset = queryset.filter(start__lt=filters.starts_before)
    return queryset


def activity_page(filters: ActivityFilters, *, limit: int, after: str | None = None) -> Page[Activity]:
    """By start, then id: what comes first is at the top."""
    return _time_page(activities(filters), "start", limit=limit, after=after)


def activity_card(activity_id: int) -> Activity | None:
    return Activity.objects.select_related("activity_type").filter(pk=activity_id).first()


def followup_activity_type() -> ActivityType | None:
    """The type a proposed follow-up gets: the first live phone call type, else the first live type."""
    live = ActivityType.objects.filter(deleted=False).order_by("rank", "id")
    return live.filter(kind=ActivityKind.CALL).first() or live.first()


# --- documents -------------------------------------------------------------------------------------------------


def document_page(sale_id: int | None, *, limit: int, after: str | None = None) -> Page[Document]:
    """In the order they were made, with their template."""
    queryset = Document.objects.select_related("template")
    if sale_id is not None:
        queryset = queryset.filter(sale_id=sale_id)
    return keyset_page(queryset, ("id",), limit=limit, after=after)


def document_card(document_id: int) -> Document | None:
    return Document.objects.select_related("template").filter(pk=document_id).first()
