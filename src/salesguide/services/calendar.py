"""Follow-ups in people's calendars (SPEC 5 "Calendar"): one activity as an ``.ics`` file, and a per-user feed.

The feed lives at a URL with a secret in it, because calendar programs subscribe without logging in. The
secret is stored in ``User.calendar_token``: renewing it makes the old URL answer 404 at once; turning the feed
off empties it. The feed is built on every request, so an edited, completed or deleted follow-up shows (or
leaves) the next time the program fetches it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext

from salesguide.documents.calendar import ICS_CONTENT_TYPE, CalendarEvent, CalendarFacts, calendar_bytes
from salesguide.domain.errors import Message, NotFound, gettext_noop
from salesguide.models import Activity, User
from salesguide.services import accounts, lists
from salesguide.services.clock import zone_of
from salesguide.services.permissions import require_user

# The feed carries open follow-ups from this many days ago on: overdue ones stay visible, and a follow-up
# forgotten for years does not make every fetch heavier.
FEED_PAST_DAYS = 90
# A bound on one fetch, nearest first; far more than anyone plans ahead.
FEED_LIMIT = 2000


@dataclass(frozen=True)
class CalendarFile:
    content: bytes
    file_name: str
    content_type: str = ICS_CONTENT_TYPE


# --- time zones -----------------------------------------------------------------------------------------------


def time_zone_names() -> tuple[str, ...]:
    return accounts.time_zone_names()


def user_time_zone(user: User) -> str:
    """The user's own time zone, else the installation's (the name of ``clock.zone_of``)."""
    return zone_of(user).key


def set_time_zone(actor: User, time_zone: str) -> User:
    """Times on screen follow the user's time zone; blank follows the installation's."""
    require_user(actor)
    return accounts.update_profile(actor, time_zone=time_zone)


# --- the feed's secret ----------------------------------------------------------------------------------------


@transaction.atomic
def renew_calendar_feed(actor: User) -> str:
    """Turn the feed on, or give it a new address: a new secret, and the old address stops working."""
    require_user(actor)
    token = secrets.token_urlsafe(32)
    User.objects.filter(pk=actor.pk).update(calendar_token=token)
    actor.calendar_token = token
    return token


@transaction.atomic
def turn_off_calendar_feed(actor: User) -> None:
    require_user(actor)
    User.objects.filter(pk=actor.pk).update(calendar_token=None)
    actor.calendar_token = None


def _absolute(base_url: str, path: str) -> str:
    return base_url.rstrip("/") + path


def feed_url(user: User, base_url: str) -> str | None:
    """The address calendar programs subscribe to, or None while the feed is off."""
    if not user.calendar_token:
        return None
    return _absolute(base_url, reverse("api-v1:calendar_feed", kwargs={"secret": user.calendar_token}))


# --- events ---------------------------------------------------------------------------------------------------


def _activities() -> QuerySet[Activity]:
    return Activity.objects.select_related(
        "activity_type", "sale", "sale__company", "sale__contact", "company", "contact"
    )


def activity_uid(activity_id: int) -> str:
    """Stable for the activity's whole life, so a calendar updates the event instead of adding another."""
    domain = getattr(settings, "SALESGUIDE_CALENDAR_DOMAIN", "") or "salesguide"
    return f"activity-{activity_id}@{domain}"


def _description(activity: Activity, sale_url: str | None) -> str:
    company = activity.company or (activity.sale.company if activity.sale else None)
    contact = activity.contact or (activity.sale.contact if activity.sale else None)
    lines: list[str] = []
    if activity.sale is not None:
        lines.append(gettext("Sale: %(title)s") % {"title": activity.sale.title})
    if company is not None:
        lines.append(gettext("Company: %(name)s") % {"name": company.name})
    if contact is not None:
        lines.append(gettext("Contact: %(name)s") % {"name": contact.full_name})
    if sale_url:
        lines.append(gettext("Open the sale in Salesguide: %(url)s") % {"url": sale_url})
    parts = [activity.text.strip()] if activity.text.strip() else []
    if lines:
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


def _event(activity: Activity, base_url: str) -> CalendarEvent:
    """In the active language: the caller chooses it (the reader's, or the feed owner's)."""
    sale_url = (
        _absolute(base_url, reverse("sales:card", args=[activity.sale_id])) if activity.sale_id is not None else None
    )
    company = activity.company or (activity.sale.company if activity.sale else None)
    summary = activity.title
    if company is not None:
        summary = gettext("%(title)s – %(company)s") % {"title": activity.title, "company": company.name}
    return CalendarEvent(
        uid=activity_uid(activity.pk),
        summary=summary,
        start=activity.start,
        end=activity.start + dt.timedelta(minutes=activity.duration_minutes),
        description=_description(activity, sale_url),
        category=activity.activity_type.name,
        created=activity.created_at,
        last_modified=activity.updated_at,
        url=sale_url,
    )


def activity_calendar(actor: User, activity_id: int, base_url: str) -> CalendarFile:
    """One activity as an ``.ics`` file. Everyone who is logged in may read every activity, as they read every
    sale (SPEC 7)."""
    require_user(actor)
    activity = _activities().filter(pk=activity_id).first()
    if activity is None:
        raise lists.not_found(Activity, activity_id)
    name = slugify(activity.title)[:60] or "activity"
    return CalendarFile(calendar_bytes([_event(activity, base_url)]), file_name=f"{name}-{activity.pk}.ics")


def calendar_name(user: User) -> str:
    return gettext("Salesguide – %(name)s") % {"name": user.get_full_name() or user.get_username()}


def calendar_feed(token: str, base_url: str) -> CalendarFile:
    """The feed of the user whose secret ``token`` is: their open follow-ups, in their own language."""
    owner = User.objects.filter(calendar_token=token, is_active=True).first() if token else None
    if owner is None:
        raise NotFound(
            Message(gettext_noop("There is no calendar at this address. It may have been renewed or turned off."))
        )
    since = timezone.now() - dt.timedelta(days=FEED_PAST_DAYS)
    activities = _activities().filter(owner=owner, completed_at__isnull=True, start__gte=since).order_by("start", "id")
    with translation.override(owner.language or settings.LANGUAGE_CODE):
        events = [_event(activity, base_url) for activity in activities[:FEED_LIMIT]]
        facts = CalendarFacts(name=calendar_name(owner), time_zone=user_time_zone(owner), refresh=True)
    return CalendarFile(calendar_bytes(events, facts), file_name="salesguide.ics")
