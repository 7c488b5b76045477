"""Follow-ups for calendar programs (SPEC 5 "Calendar"): one activity as ``.ics``, the user's feed, and turning
the feed on, renewing or off.

The feed answers without a login: the secret in its URL is the key (calendar programs cannot send a token).
"""

from __future__ import annotations

import re
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from pydantic import Field

from salesguide.api.auth import actor
from salesguide.api.errors import READ, WRITE, ErrorOut, responses
from salesguide.api.fields import PathId
from salesguide.domain.errors import Message, NotFound, gettext_noop
from salesguide.services import calendar as service
from salesguide.services.calendar import CalendarFile

router = Router(tags=["Calendar"])

# What ``secrets.token_urlsafe`` makes; anything else cannot be a feed's secret and never reaches the database.
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,64}")


def _ics_operation(description: str) -> dict[str, Any]:
    return {
        "responses": {200: {"description": description, "content": {"text/calendar": {"schema": {"type": "string"}}}}}
    }


def base_url(request: HttpRequest) -> str:
    """This installation's address as the caller reached it, for the links inside events and the feed URL."""
    return request.build_absolute_uri("/")


def _ics_response(calendar: CalendarFile) -> HttpResponse:
    response = HttpResponse(calendar.content, content_type=calendar.content_type)
    response["Content-Disposition"] = f'attachment; filename="{calendar.file_name}"'
    # Private data behind a login or a secret: no shared cache may keep a copy, and every fetch is current.
    response["Cache-Control"] = "no-store"
    return response


class CalendarUrlOut(Schema):
    calendar_url: str = Field(description="The new address of your calendar feed; the previous one stops working.")


@router.get(
    "/activities/{int:id}.ics",
    response=responses({200: None}, *READ, 404),
    summary="One activity as an iCalendar file",
    description="One VEVENT, times in UTC. Its UID stays the same when the activity changes.",
    openapi_extra=_ics_operation("The activity as an .ics file."),
)
def get_activity_ics(request: HttpRequest, id: PathId) -> HttpResponse:
    return _ics_response(service.activity_calendar(actor(request), id, base_url(request)))


@router.get(
    "/calendar/{secret}.ics",
    auth=None,
    response={200: None, 404: ErrorOut, 429: ErrorOut},
    summary="A user's calendar feed",
    description=(
        "No login: the secret in the URL is the key (see `calendar_url` in `GET /users/me`). The owner's open "
        "follow-ups from 90 days ago on, built on every request. A renewed or turned-off secret answers 404."
    ),
    openapi_extra=_ics_operation("The feed as an .ics file."),
    url_name="calendar_feed",
)
def get_calendar_feed(request: HttpRequest, secret: str) -> HttpResponse:
    if not _SECRET.fullmatch(secret):
        raise NotFound(
            Message(gettext_noop("There is no calendar at this address. It may have been renewed or turned off."))
        )
    return _ics_response(service.calendar_feed(secret, base_url(request)))


@router.post(
    "/users/me/calendar",
    response=responses({200: CalendarUrlOut}, *WRITE),
    summary="Turn my calendar feed on, or give it a new address",
    description="A new secret address; the previous address (if any) answers 404 from now on.",
)
def renew_my_calendar(request: HttpRequest) -> dict[str, Any]:
    user = actor(request)
    service.renew_calendar_feed(user)
    return {"calendar_url": service.feed_url(user, base_url(request))}


@router.delete(
    "/users/me/calendar",
    response=responses({204: None}, *WRITE),
    summary="Turn my calendar feed off",
    description="The address answers 404 from now on; `calendar_url` becomes null.",
)
def turn_off_my_calendar(request: HttpRequest) -> tuple[int, None]:
    service.turn_off_calendar_feed(actor(request))
    return 204, None
