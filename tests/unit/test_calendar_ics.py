"""Follow-ups written as iCalendar (SPEC 5 "Calendar"): what a calendar program reads back from the bytes."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from ics_independent import read_ics
from salesguide.documents.calendar import CalendarEvent, CalendarFacts, calendar_bytes, sequence_of

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
UTC = dt.UTC


def event(**fields: object) -> CalendarEvent:
    start = fields.pop("start", dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM))
    assert isinstance(start, dt.datetime)
    values: dict[str, object] = {
        "uid": "activity-7@salesguide",
        "summary": "Introductory call – Bakkerij Van der Meer",
        "start": start,
        "end": start + dt.timedelta(minutes=20),
        "description": "Ask about the need.\n\nSale: Forty ovens",
        "category": "Phone call (out)",
        "created": dt.datetime(2026, 10, 1, 8, 0, tzinfo=UTC),
        "last_modified": dt.datetime(2026, 10, 2, 8, 30, 15, tzinfo=UTC),
        "url": "https://crm.example.com/sales/3/",
    }
    values.update(fields)
    return CalendarEvent(**values)  # type: ignore[arg-type]


def parse(content: bytes) -> Calendar:
    return Calendar.from_ical(content)


def only_event(content: bytes):  # type: ignore[no-untyped-def]
    (vevent,) = parse(content).walk("VEVENT")
    return vevent


def test_an_event_carries_its_start_end_summary_description_and_type():
    vevent = only_event(calendar_bytes([event()]))

    assert vevent.decoded("dtstart") == dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert vevent.decoded("dtend") == dt.datetime(2026, 11, 2, 8, 20, tzinfo=UTC)
    assert str(vevent["summary"]) == "Introductory call – Bakkerij Van der Meer"
    assert str(vevent["description"]) == "Ask about the need.\n\nSale: Forty ovens"
    assert [str(c) for c in vevent["categories"].cats] == ["Phone call (out)"]
    assert str(vevent["url"]) == "https://crm.example.com/sales/3/"
    assert str(vevent["uid"]) == "activity-7@salesguide"
    assert str(vevent["status"]) == "CONFIRMED"


def test_times_are_written_in_utc_so_no_program_has_to_know_the_time_zone():
    content = calendar_bytes([event()]).decode()

    assert "DTSTART:20261102T080000Z" in content
    assert "DTEND:20261102T082000Z" in content
    assert "\r\n" in content  # RFC 5545 line ends


@pytest.mark.parametrize(
    ("day", "utc_hour"),
    [(dt.date(2026, 11, 2), 8), (dt.date(2026, 7, 1), 7), (dt.date(2026, 3, 30), 7), (dt.date(2026, 3, 27), 8)],
    ids=["winter time", "summer time", "just after the spring change", "just before the spring change"],
)
def test_nine_oclock_in_amsterdam_is_nine_oclock_there_on_either_side_of_a_clock_change(day, utc_hour):
    start = dt.datetime.combine(day, dt.time(9, 0), tzinfo=AMSTERDAM)

    vevent = only_event(calendar_bytes([event(start=start, end=start + dt.timedelta(hours=1))]))

    assert vevent.decoded("dtstart").hour == utc_hour
    assert vevent.decoded("dtstart").astimezone(AMSTERDAM).time() == dt.time(9, 0)
    assert vevent.decoded("dtend").astimezone(AMSTERDAM).time() == dt.time(10, 0)


def test_the_change_stamps_follow_the_last_change():
    vevent = only_event(calendar_bytes([event()]))

    changed = dt.datetime(2026, 10, 2, 8, 30, 15, tzinfo=UTC)
    assert vevent.decoded("last-modified") == changed
    assert vevent.decoded("dtstamp") == changed
    assert vevent.decoded("created") == dt.datetime(2026, 10, 1, 8, 0, tzinfo=UTC)
    assert int(vevent["sequence"]) == sequence_of(changed)


def test_the_sequence_grows_with_every_later_change_and_never_goes_below_zero():
    first = dt.datetime(2026, 10, 2, 8, 30, 15, tzinfo=UTC)

    assert sequence_of(first + dt.timedelta(seconds=1)) > sequence_of(first) > 0
    assert sequence_of(dt.datetime(2000, 1, 1, tzinfo=UTC)) == 0
    assert sequence_of(dt.datetime(2090, 1, 1, tzinfo=UTC)) < 2**31  # what 32-bit programs can hold


def test_an_activity_without_a_duration_ends_when_it_starts():
    start = dt.datetime(2026, 11, 2, 9, 0, tzinfo=AMSTERDAM)

    vevent = only_event(calendar_bytes([event(start=start, end=start)]))

    assert vevent.decoded("dtend") == vevent.decoded("dtstart")


def test_commas_semicolons_new_lines_and_accents_come_back_as_written():
    text = "Bel Anna; vraag naar de offerte, de oven en het café.\nTweede regel: €1.234,50"

    vevent = only_event(calendar_bytes([event(summary="Café, bakkerij; oven", description=text)]))

    assert str(vevent["summary"]) == "Café, bakkerij; oven"
    assert str(vevent["description"]) == text


def test_an_event_without_a_sale_has_no_link_and_no_empty_description():
    vevent = only_event(calendar_bytes([event(url=None, description="")]))

    assert "url" not in vevent
    assert "description" not in vevent


def test_a_feed_names_itself_and_asks_programs_to_fetch_it_again_regularly():
    facts = CalendarFacts(name="Salesguide – Sam Seller", time_zone="Europe/Amsterdam", refresh=True)

    calendar = parse(calendar_bytes([event(), event(uid="activity-8@salesguide")], facts))

    assert str(calendar["x-wr-calname"]) == "Salesguide – Sam Seller"
    assert str(calendar["x-wr-timezone"]) == "Europe/Amsterdam"
    assert calendar.decoded("refresh-interval") == dt.timedelta(hours=1)
    assert [str(e["uid"]) for e in calendar.walk("VEVENT")] == ["activity-7@salesguide", "activity-8@salesguide"]


def test_a_single_file_has_no_feed_name_and_says_who_made_it():
    calendar = parse(calendar_bytes([event()]))

    assert "x-wr-calname" not in calendar
    assert "refresh-interval" not in calendar
    assert str(calendar["version"]) == "2.0"
    assert "Salesguide" in str(calendar["prodid"])


def test_an_empty_feed_is_still_a_calendar():
    calendar = parse(calendar_bytes([], CalendarFacts(name="Salesguide – Sam", refresh=True)))

    assert calendar.walk("VEVENT") == []


def test_a_time_without_a_time_zone_is_refused_rather_than_guessed():
    naive = dt.datetime(2026, 11, 2, 9, 0)  # noqa: DTZ001 - the input under test has no time zone

    with pytest.raises(ValueError, match="aware"):
        calendar_bytes([event(start=naive, end=naive)])


def test_a_feed_asks_to_be_fetched_again_in_an_hour_as_a_duration_every_program_reads():
    content = calendar_bytes([event()], CalendarFacts(name="Salesguide – Sam", refresh=True))

    calendar = read_ics(content)

    assert calendar.contents["refresh-interval"][0].value == "PT1H"
    assert calendar.contents["x-published-ttl"][0].value == "PT1H"
    assert b"X-PUBLISHED-TTL:PT1H\r\n" in content


@pytest.mark.parametrize(
    "facts",
    [None, CalendarFacts(name="Salesguide – Zoë; Café, Ørsted", time_zone="Europe/Amsterdam", refresh=True)],
    ids=["a single activity", "a feed"],
)
def test_a_second_independent_parser_reads_back_every_field_as_written(facts):
    long_text = "Bel Anna; vraag naar de offerte, de oven en het café.\nTweede regel: €1.234,50 " + "é" * 120
    content = calendar_bytes([event(summary="Café, bakkerij; oven", description=long_text)], facts)

    (vevent,) = read_ics(content).contents["vevent"]

    assert vevent.summary.value == "Café, bakkerij; oven"
    assert vevent.description.value == long_text
    assert vevent.dtstart.value == dt.datetime(2026, 11, 2, 8, 0, tzinfo=UTC)
    assert vevent.dtend.value == dt.datetime(2026, 11, 2, 8, 20, tzinfo=UTC)
    assert vevent.categories.value == ["Phone call (out)"]
    assert vevent.uid.value == "activity-7@salesguide"
    assert vevent.url.value == "https://crm.example.com/sales/3/"


def test_an_empty_feed_is_a_calendar_for_a_second_parser_too():
    calendar = read_ics(calendar_bytes([], CalendarFacts(name="Salesguide – Sam", refresh=True)))

    assert "vevent" not in calendar.contents
