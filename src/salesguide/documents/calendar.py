"""Follow-ups as iCalendar (RFC 5545) for calendar programs: one activity as an ``.ics`` file, or a user's feed.

Plain facts in, bytes out: the service decides what goes in (and in which language the words are); this module
only writes it the way Outlook, Google Calendar and Apple Calendar read it. Times are written in UTC (``Z``), so
every program shows them in its own time zone and a daylight-saving change cannot shift them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from icalendar import Calendar, Event, vDuration

ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"
PRODUCT_ID = "-//Salesguide//Salesguide//EN"
# How often a subscribed program should fetch the feed again. Google ignores it (it fetches when it likes);
# Outlook and Apple follow it.
REFRESH_INTERVAL = dt.timedelta(hours=1)
# SEQUENCE counts from here: a small number that still grows with every save (see ``sequence_of``).
_SEQUENCE_EPOCH = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)


@dataclass(frozen=True)
class CalendarEvent:
    """One follow-up as a calendar shows it. Times are aware; ``end`` may equal ``start`` (no duration)."""

    uid: str
    summary: str
    start: dt.datetime
    end: dt.datetime
    description: str
    category: str
    created: dt.datetime
    last_modified: dt.datetime
    url: str | None = None


@dataclass(frozen=True)
class CalendarFacts:
    """The calendar around the events: its name and time zone for programs that show them (a feed)."""

    name: str | None = None
    time_zone: str | None = None
    refresh: bool = False


def sequence_of(last_modified: dt.datetime) -> int:
    """RFC 5545's revision number, from the moment of the last change: it grows with every save and never goes
    down (a counter column would need a migration and every writer to remember it). Whole seconds since 2025 fit
    the 32-bit integer some programs use until the 2090s."""
    return max(0, int((last_modified - _SEQUENCE_EPOCH).total_seconds()))


def _utc(moment: dt.datetime) -> dt.datetime:
    if moment.tzinfo is None:
        raise ValueError("calendar times must be aware")
    return moment.astimezone(dt.UTC).replace(microsecond=0)


def _event(item: CalendarEvent) -> Event:
    event = Event()
    event.add("uid", item.uid)
    # Without METHOD, DTSTAMP is when the information last changed (RFC 5545 3.8.7.2): stable between fetches.
    event.add("dtstamp", _utc(item.last_modified))
    event.add("created", _utc(item.created))
    event.add("last-modified", _utc(item.last_modified))
    event.add("sequence", sequence_of(item.last_modified))
    event.add("dtstart", _utc(item.start))
    event.add("dtend", _utc(max(item.end, item.start)))
    event.add("summary", item.summary)
    if item.description:
        event.add("description", item.description)
    if item.category:
        event.add("categories", [item.category])
    if item.url:
        event.add("url", item.url)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def calendar_bytes(events: Sequence[CalendarEvent], facts: CalendarFacts | None = None) -> bytes:
    """A VCALENDAR with one VEVENT per event, as UTF-8 bytes with CRLF line ends (as RFC 5545 wants)."""
    facts = facts or CalendarFacts()
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if facts.name:
        calendar.add("name", facts.name)
        calendar.add("x-wr-calname", facts.name)
    if facts.time_zone:
        calendar.add("x-wr-timezone", facts.time_zone)
    if facts.refresh:
        calendar.add("refresh-interval", REFRESH_INTERVAL, parameters={"VALUE": "DURATION"})
        # An X- property has no known type, so icalendar would write a timedelta as Python prints it ("1:00:00");
        # Outlook reads only an RFC 5545 duration ("PT1H").
        calendar.add("x-published-ttl", vDuration(REFRESH_INTERVAL))
    for item in events:
        calendar.add_component(_event(item))
    ical: bytes = calendar.to_ical()
    return ical
