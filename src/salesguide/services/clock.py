""" "Today" and "now" of a user: in the acting user's own time zone, never in whatever time zone the request
happens to have activated. A web page (whose middleware activates the user's zone), a bearer-token API call
and a management command therefore get the same re-open date, the same "after today" check and the same 09:00.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo

from django.conf import settings
from django.utils import timezone

from salesguide.models import User


def zone_of(user: User | None) -> zoneinfo.ZoneInfo:
    """The user's own time zone (``User.zone``); the installation's (``settings.TIME_ZONE``) when none is set,
    when the stored name is no longer known, or when there is no user (a command run by the system)."""
    if isinstance(user, User):
        return user.zone
    return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def now_for(user: User | None) -> dt.datetime:
    """This moment on the user's wall clock (an aware datetime in their time zone)."""
    return timezone.now().astimezone(zone_of(user))


def today_for(user: User | None) -> dt.date:
    """The date it is now where the user is."""
    return now_for(user).date()


def at_time_for(user: User | None, day: dt.date, time: dt.time) -> dt.datetime:
    """``day`` at ``time`` on the user's wall clock, e.g. the 09:00 of a proposed follow-up."""
    return dt.datetime.combine(day, time, tzinfo=zone_of(user))
