"""Activities as lists show them: rows that know whether they are overdue and whether the user may tick them.
Which activities "My activities" lists, in what order and page, is the activity list's read model
(``queries.activity_list``), which the API's list uses too."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.utils import timezone

from salesguide.domain.activities import is_overdue
from salesguide.models import Activity, User
from salesguide.services.permissions import may_change_activity

PAGE_SIZE = 50


@dataclass(frozen=True)
class ActivityRow:
    activity: Activity
    overdue: bool
    can_change: bool


def activity_rows(activities: Iterable[Activity], user: User) -> list[ActivityRow]:
    """Rows for ``activities``; whether the user may change each is the activity services' rule. Select each
    activity's sale with it: the rule reads it for someone else's activity."""
    now = timezone.now()
    rows = []
    for activity in activities:
        allowed = may_change_activity(user, activity)
        overdue = is_overdue(activity.start, now, completed=activity.completed_at is not None)
        rows.append(ActivityRow(activity, overdue, allowed))
    return rows
