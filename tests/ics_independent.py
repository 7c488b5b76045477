"""The ``.ics`` files the product writes, read back by a second parser (vobject) the way a calendar program reads
them, not only by icalendar, the library that wrote them: a value that icalendar writes and reads back
unchanged can still mean nothing to everyone else (``X-PUBLISHED-TTL:1:00:00`` was one).

Imported by the calendar tests of every layer (unit, services, web, API), so that every file the product hands
out, the single activity and the feed, passes the same checks.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import vobject
from vobject.icalendar import stringToDurations

# Properties whose value must be an RFC 5545 duration (``PT1H``), whatever parameters they carry.
DURATION_PROPERTIES = ("refresh-interval", "x-published-ttl")
# RFC 5545 3.1: "Lines of text SHOULD NOT be longer than 75 octets, excluding the line break."
MAX_LINE_OCTETS = 75


def read_ics(content: bytes) -> Any:
    """The VCALENDAR in ``content`` as vobject reads it, after checking what calendar programs rely on; an
    ``AssertionError`` or vobject's ``ParseError`` / ``ValidateError`` says what is wrong."""
    text = content.decode("utf-8")
    assert text.endswith("\r\n"), "the file must end with CRLF"
    lines = text.split("\r\n")[:-1]
    assert not any("\n" in line or "\r" in line for line in lines), "every line must end with CRLF, not LF alone"
    too_long = [line for line in lines if len(line.encode("utf-8")) > MAX_LINE_OCTETS]
    assert not too_long, f"lines longer than {MAX_LINE_OCTETS} octets: {too_long}"

    calendar = vobject.readOne(text, validate=True)
    assert calendar.name == "VCALENDAR"
    assert calendar.version.value == "2.0"
    for name in DURATION_PROPERTIES:
        for prop in calendar.contents.get(name, []):
            # stringToDurations raises ParseError on anything that is not a duration, such as "1:00:00".
            durations = stringToDurations(prop.value)
            assert len(durations) == 1 and durations[0] > dt.timedelta(0), f"{name}: {prop.value!r}"
    for event in calendar.contents.get("vevent", []):
        event.validate(raiseException=True)
        for name in ("dtstart", "dtend", "dtstamp"):
            moment = event.contents[name][0].value
            assert isinstance(moment, dt.datetime) and moment.utcoffset() == dt.timedelta(0), f"{name}: {moment!r}"
        assert event.dtend.value >= event.dtstart.value
        assert event.uid.value and event.summary.value
    return calendar


def events_of(content: bytes) -> list[Any]:
    """The VEVENTs of ``content``, read independently (see ``read_ics``)."""
    return list(read_ics(content).contents.get("vevent", []))
