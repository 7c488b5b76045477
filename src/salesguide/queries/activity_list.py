"""The activity list, the one read model behind "My activities" (and a manager's view of someone else's) on the
web and ``GET /api/v1/activities``.

Both doors translate their parameters into ``ActivityFilters`` (named as the API's query parameters; ``from``
and ``to`` are ``starts_from`` and ``starts_to`` because ``from`` is a Python keyword) and get the same
activities in the same order: open ones (or all) by start, so overdue ones come first; completed ones latest
completed first. Days (``from``, ``to`` and the periods) are days of the acting user's time zone, which the
caller passes in with "now". A page is one query, with what a row of either door shows selected with it.

Whose activities a list by owner shows is decided here, once: a manager or administrator may list anyone's; a
salesperson's list by owner is their own, whoever the request names.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum

from django.db import models

from salesguide.models import Activity, User
from salesguide.queries.paging import Page, keyset_page

BY_START = ("start", "id")
LATEST_COMPLETED_FIRST = ("-completed_at", "-id")


class Period(StrEnum):
    ALL = "all"
    OVERDUE = "overdue"  # open and started before now
    TODAY = "today"
    WEEK = "week"  # today and the six days after it
    MONTH = "month"  # this calendar month


@dataclass(frozen=True)
class ActivityFilters:
    """Every filter given narrows the list; None filters nothing."""

    sale: int | None = None
    owner: int | None = None
    completed: bool | None = None
    starts_from: dt.date | None = None  # ``from``: starting on or after this day
    starts_to: dt.date | None = None  # ``to``: starting on or before this day
    period: Period = Period.ALL


def may_list_anyones_activities(actor: User) -> bool:
    """Whether ``actor`` may pick whose activities a list by owner shows (else it is always their own)."""
    return actor.is_manager


def listed_owner(actor: User, owner: int | None) -> int | None:
    """The owner whose activities a list asked for ``owner`` shows: ``owner`` for a manager or administrator;
    for a salesperson their own whenever an owner is asked for (the web has always done so, and the API agrees)."""
    if owner is None or may_list_anyones_activities(actor):
        return owner
    return actor.pk


def _day_start(day: dt.date, now: dt.datetime) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=now.tzinfo)


def _in_period(queryset: models.QuerySet[Activity], period: Period, now: dt.datetime) -> models.QuerySet[Activity]:
    today = now.date()
    if period == Period.OVERDUE:
        return queryset.filter(start__lt=now, completed_at__isnull=True)
    if period == Period.TODAY:
        return queryset.filter(start__gte=_day_start(today, now), start__lt=_day_start(today + dt.timedelta(1), now))
    if period == Period.WEEK:
        return queryset.filter(start__gte=_day_start(today, now), start__lt=_day_start(today + dt.timedelta(7), now))
    if period == Period.MONTH:
        first = today.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return queryset.filter(start__gte=_day_start(first, now), start__lt=_day_start(following, now))
    return queryset


def activities(actor: User, filters: ActivityFilters, *, now: dt.datetime) -> models.QuerySet[Activity]:
    """Activities matching every filter, with what their rows show selected with them. ``now`` is an aware
    time in the acting user's time zone: its days are the days of ``from``, ``to`` and the period."""
    queryset = Activity.objects.select_related("activity_type", "owner", "sale", "sale__company", "company")
    if filters.sale is not None:
        queryset = queryset.filter(sale_id=filters.sale)
    owner = listed_owner(actor, filters.owner)
    if owner is not None:
        queryset = queryset.filter(owner_id=owner)
    if filters.completed is not None:
        queryset = queryset.filter(completed_at__isnull=not filters.completed)
    if filters.starts_from is not None:
        queryset = queryset.filter(start__gte=_day_start(filters.starts_from, now))
    if filters.starts_to is not None:
        queryset = queryset.filter(start__lt=_day_start(filters.starts_to + dt.timedelta(days=1), now))
    return _in_period(queryset, filters.period, now)


def activity_page(
    actor: User, filters: ActivityFilters, *, now: dt.datetime, limit: int, after: str | None = None
) -> Page[Activity]:
    """One page of the activity list (raises ValidationFailed for a damaged ``after``)."""
    order = LATEST_COMPLETED_FIRST if filters.completed else BY_START
    return keyset_page(activities(actor, filters, now=now), order, limit=limit, after=after)
