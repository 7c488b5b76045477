"""Activities as lists show them: rows that know whether they are overdue and whether the user may tick them,
and the pages of "My activities" (open ones by start, completed ones latest first; a manager may page through
anyone's), paged by keyset so a long history costs no more than a short one."""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone

from salesguide.models import Activity, User
from salesguide.queries.paging import encode_cursor
from salesguide.services.sales import may_edit

PAGE_SIZE = 50


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    overdue: bool
    can_change: bool


def activity_rows(
    activities: Iterable[Activity], user: User, *, may_edit_sale: bool | None = None
) -> list[ActivityRow]:
    """Rows for ``activities``. ``may_edit_sale`` is known on a sale's card; elsewhere each activity's sale
    (selected with it) decides, as the activity services do."""
    now = timezone.now()
    rows = []
    for activity in activities:
        allowed = user.is_manager or activity.owner_id == user.pk
        if not allowed:
            if may_edit_sale is not None:
                allowed = may_edit_sale
            elif activity.sale is not None:
                allowed = may_edit(user, activity.sale)
        rows.append(ActivityRow(activity, activity.completed_at is None and activity.start < now, allowed))
    return rows


def _day_start(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_current_timezone())


def in_period(activities: QuerySet[Activity], period: str) -> QuerySet[Activity]:
    """Activities starting in ``period`` (days in the user's time zone)."""
    today = timezone.localdate()
    if period == "overdue":
        return activities.filter(start__lt=timezone.now(), completed_at__isnull=True)
    if period == "today":
        return activities.filter(start__gte=_day_start(today), start__lt=_day_start(today + dt.timedelta(days=1)))
    if period == "week":
        return activities.filter(start__gte=_day_start(today), start__lt=_day_start(today + dt.timedelta(days=7)))
    if period == "month":
        first = today.replace(day=1)
        following = (first + dt.timedelta(days=32)).replace(day=1)
        return activities.filter(start__gte=_day_start(first), start__lt=_day_start(following))
    return activities


class InvalidCursor(ValueError):
    pass


def _decode(cursor: str) -> tuple[dt.datetime, int]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        moment, pk = json.loads(raw.decode("utf-8"))
        when = dt.datetime.fromisoformat(moment)
    except (binascii.Error, ValueError, TypeError, UnicodeDecodeError):
        raise InvalidCursor(cursor) from None
    if timezone.is_naive(when) or isinstance(pk, bool) or not isinstance(pk, int) or not 0 < pk < 2**63:
        raise InvalidCursor(cursor)
    return when, pk


@dataclass(frozen=True)
class ActivityPage:
    activities: list[Activity]
    next: str | None


def my_activities(owner: User, *, completed: bool, period: str, after: str | None) -> ActivityPage:
    """The open activities of ``owner`` by start (overdue ones first, as they start earliest), or the completed
    ones latest first. Raises ``InvalidCursor`` for a damaged ``after``."""
    activities = in_period(
        Activity.objects.filter(owner=owner, completed_at__isnull=not completed).select_related(
            "activity_type", "owner", "sale", "sale__company", "company"
        ),
        period,
    )
    field = "completed_at" if completed else "start"
    if after:
        when, pk = _decode(after)
        if completed:
            activities = activities.filter(Q(completed_at__lt=when) | Q(completed_at=when, id__lt=pk))
        else:
            activities = activities.filter(Q(start__gt=when) | Q(start=when, id__gt=pk))
    order = ("-completed_at", "-id") if completed else ("start", "id")
    rows = list(activities.order_by(*order)[: PAGE_SIZE + 1])
    next_cursor = None
    if len(rows) > PAGE_SIZE:
        last = rows[PAGE_SIZE - 1]
        next_cursor = encode_cursor([getattr(last, field).isoformat(), last.pk])
    return ActivityPage(rows[:PAGE_SIZE], next_cursor)
