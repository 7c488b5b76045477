"""Follow-ups in calendars, through the services against the test database (SPEC 5 "Calendar"): one activity as
an .ics file, the per-user feed behind a secret that can be renewed or turned off, and times that stay right
across time zones and daylight-saving changes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db.models import F
from django.utils import timezone
from icalendar import Calendar

from ics_independent import read_ics
from salesguide.domain.errors import NotFound, ValidationFailed
from salesguide.models import Activity, ActivityType, Sale, SuggestedFollowup, User
from salesguide.services import activities, calendar, catalog, customers, guides, sale_types, sales

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
BASE_URL = "https://crm.example.com/"


def amsterdam(year: int, month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(year, month, day, hour, 0, tzinfo=AMSTERDAM)


def soon(days: int = 3, hour: int = 9) -> dt.datetime:
    """A time in the near future (the feed shows follow-ups from 90 days ago on)."""
    day = timezone.localdate() + dt.timedelta(days=days)
    return dt.datetime.combine(day, dt.time(hour), tzinfo=AMSTERDAM)


@dataclass
class Setting:
    call: ActivityType
    sale: Sale
    intro: SuggestedFollowup
    week_later: SuggestedFollowup


@pytest.fixture
def setting(admin_user: Any, salesperson_user: User) -> Setting:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(
        admin_user, name="New customer", has_guide=True, stage_ids=[lead.pk, offer.pk]
    )
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=20)
    intro = guides.add_suggested_followup(
        admin_user, sale_type.pk, lead.pk, name="Introductory call", activity_type_id=call.pk
    )
    week_later = guides.add_suggested_followup(
        admin_user, sale_type.pk, lead.pk, name="Call back", activity_type_id=call.pk, days_offset=7
    )
    company = customers.create_company(salesperson_user, name="Bakkerij Van der Meer")
    contact = customers.create_contact(salesperson_user, first_name="Anna", last_name="de Jong", company_id=company.pk)
    sale = sales.create_sale(
        salesperson_user, title="Forty ovens", sale_type_id=sale_type.pk, company_id=company.pk, contact_id=contact.pk
    )
    return Setting(call, sale, intro, week_later)


def plan(
    setting: Setting, owner: User, start: dt.datetime, title: str = "Introductory call", **fields: Any
) -> Activity:
    return activities.create_activity(
        owner, activity_type_id=setting.call.pk, title=title, start=start, sale_id=setting.sale.pk, **fields
    )


def parse(content: bytes) -> Calendar:
    """What icalendar reads, once a second, independent parser has read the same file (``read_ics``)."""
    read_ics(content)
    return Calendar.from_ical(content)


def only_event(content: bytes) -> Any:
    (event,) = parse(content).walk("VEVENT")
    return event


def summaries(content: bytes) -> list[str]:
    return [str(event["summary"]) for event in parse(content).walk("VEVENT")]


# --- one activity -----------------------------------------------------------------------------------------------


def test_an_activity_becomes_one_event_with_its_time_title_and_sale(setting, salesperson_user):
    activity = plan(setting, salesperson_user, amsterdam(2026, 11, 2), text="Ask about the need.", duration_minutes=45)

    file = calendar.activity_calendar(salesperson_user, activity.pk, BASE_URL)

    event = only_event(file.content)
    assert event.decoded("dtstart") == amsterdam(2026, 11, 2)
    assert event.decoded("dtend") == amsterdam(2026, 11, 2) + dt.timedelta(minutes=45)
    assert str(event["summary"]) == "Introductory call – Bakkerij Van der Meer"
    assert [str(c) for c in event["categories"].cats] == ["Phone call (out)"]
    sale_url = f"https://crm.example.com/sales/{setting.sale.pk}/"
    assert str(event["url"]) == sale_url
    assert str(event["description"]) == (
        "Ask about the need.\n\n"
        "Sale: Forty ovens\nCompany: Bakkerij Van der Meer\nContact: Anna de Jong\n"
        f"Open the sale in Salesguide: {sale_url}"
    )
    assert file.content_type == "text/calendar; charset=utf-8"
    assert file.file_name == f"introductory-call-{activity.pk}.ics"


def test_an_activity_on_its_own_is_just_its_title(setting, salesperson_user):
    activity = activities.create_activity(
        salesperson_user, activity_type_id=setting.call.pk, title="Tidy the desk", start=amsterdam(2026, 11, 2)
    )

    event = only_event(calendar.activity_calendar(salesperson_user, activity.pk, BASE_URL).content)

    assert str(event["summary"]) == "Tidy the desk"
    assert "url" not in event and "description" not in event


def test_anyone_logged_in_may_download_any_activity_as_they_see_any_sale(setting, salesperson_user, make_user):
    activity = plan(setting, salesperson_user, amsterdam(2026, 11, 2))
    colleague = make_user("sally", "salesperson")

    event = only_event(calendar.activity_calendar(colleague, activity.pk, BASE_URL).content)

    assert str(event["uid"]) == calendar.activity_uid(activity.pk)


def test_an_unknown_activity_is_not_found(salesperson_user):
    with pytest.raises(NotFound):
        calendar.activity_calendar(salesperson_user, 987654, BASE_URL)


def test_the_uid_stays_after_an_edit_and_the_sequence_grows(setting, salesperson_user):
    activity = plan(setting, salesperson_user, amsterdam(2026, 11, 2))
    # As if planned an hour ago, so that the edit below is a later change even on a fast machine.
    Activity.objects.filter(pk=activity.pk).update(updated_at=F("updated_at") - dt.timedelta(hours=1))
    before = only_event(calendar.activity_calendar(salesperson_user, activity.pk, BASE_URL).content)

    activities.update_activity(salesperson_user, activity.pk, title="Call Anna", start=amsterdam(2026, 11, 3))
    after = only_event(calendar.activity_calendar(salesperson_user, activity.pk, BASE_URL).content)

    assert str(after["uid"]) == str(before["uid"]) == f"activity-{activity.pk}@salesguide"
    assert int(after["sequence"]) > int(before["sequence"])
    assert after.decoded("last-modified") > before.decoded("last-modified")
    assert (str(after["summary"]), after.decoded("dtstart")) == (
        "Call Anna – Bakkerij Van der Meer",
        amsterdam(2026, 11, 3),
    )


def test_every_activity_has_its_own_uid_on_the_installations_domain(setting, salesperson_user, settings):
    settings.SALESGUIDE_CALENDAR_DOMAIN = "crm.example.com"
    first = plan(setting, salesperson_user, amsterdam(2026, 11, 2))
    second = plan(setting, salesperson_user, amsterdam(2026, 11, 2))

    uids = {
        str(only_event(calendar.activity_calendar(salesperson_user, a.pk, BASE_URL).content)["uid"])
        for a in (first, second)
    }

    assert uids == {f"activity-{first.pk}@crm.example.com", f"activity-{second.pk}@crm.example.com"}


@pytest.mark.parametrize("day", [dt.date(2026, 11, 2), dt.date(2026, 7, 1)], ids=["winter", "summer"])
def test_nine_oclock_in_amsterdam_is_still_nine_oclock_there_in_the_calendar(setting, salesperson_user, day):
    start = dt.datetime.combine(day, dt.time(9), tzinfo=AMSTERDAM)
    activity = plan(setting, salesperson_user, start)

    event = only_event(calendar.activity_calendar(salesperson_user, activity.pk, BASE_URL).content)

    assert event.decoded("dtstart").tzname() == "UTC"
    assert event.decoded("dtstart").astimezone(AMSTERDAM).time() == dt.time(9, 0)


def test_a_guide_followup_a_week_after_one_before_the_clock_change_keeps_its_wall_clock_time(setting, salesperson_user):
    # 20 October is summer time (UTC+2); the clocks go back on 25 October; 27 October is winter time (UTC+1).
    with timezone.override(AMSTERDAM):
        activities.create_followup_from_suggestion(
            salesperson_user, setting.sale.pk, setting.intro.pk, start=amsterdam(2026, 10, 20)
        )
        week_later = activities.create_followup_from_suggestion(
            salesperson_user, setting.sale.pk, setting.week_later.pk
        )

    event = only_event(calendar.activity_calendar(salesperson_user, week_later.pk, BASE_URL).content)

    assert event.decoded("dtstart") == dt.datetime(2026, 10, 27, 8, 0, tzinfo=dt.UTC)
    assert event.decoded("dtstart").astimezone(AMSTERDAM) == amsterdam(2026, 10, 27)


# --- the feed ---------------------------------------------------------------------------------------------------


def test_the_feed_is_off_until_it_is_turned_on(salesperson_user):
    assert calendar.feed_url(salesperson_user, BASE_URL) is None

    token = calendar.renew_calendar_feed(salesperson_user)

    assert len(token) >= 40
    assert User.objects.get(pk=salesperson_user.pk).calendar_token == token
    assert calendar.feed_url(salesperson_user, BASE_URL) == f"https://crm.example.com/api/v1/calendar/{token}.ics"


def test_the_feed_shows_the_owners_open_followups_named_after_the_owner(setting, salesperson_user, make_user):
    salesperson_user.first_name, salesperson_user.last_name = "Sam", "Seller"
    salesperson_user.save()
    token = calendar.renew_calendar_feed(salesperson_user)
    plan(setting, salesperson_user, soon(1), title="Introductory call")
    plan(setting, salesperson_user, soon(2), title="Send the quotation")
    done = plan(setting, salesperson_user, soon(3), title="Already done")
    activities.complete_activity(salesperson_user, done.pk)
    plan(setting, salesperson_user, timezone.now() - dt.timedelta(days=120), title="Long forgotten")
    plan(setting, salesperson_user, soon(1), title="Someone else's call", owner_id=make_user("sally", "salesperson").pk)

    feed = calendar.calendar_feed(token, BASE_URL)

    assert summaries(feed.content) == [
        "Introductory call – Bakkerij Van der Meer",
        "Send the quotation – Bakkerij Van der Meer",
    ]
    assert str(parse(feed.content)["x-wr-calname"]) == "Salesguide – Sam Seller"
    assert feed.content_type == "text/calendar; charset=utf-8"


def test_the_feed_keeps_overdue_followups_of_the_last_90_days(setting, salesperson_user):
    token = calendar.renew_calendar_feed(salesperson_user)
    plan(setting, salesperson_user, timezone.now() - dt.timedelta(days=80), title="Overdue call")

    assert summaries(calendar.calendar_feed(token, BASE_URL).content) == ["Overdue call – Bakkerij Van der Meer"]


def test_the_feed_shows_an_edit_at_once_and_drops_completed_and_deleted_followups(setting, salesperson_user):
    token = calendar.renew_calendar_feed(salesperson_user)
    call = plan(setting, salesperson_user, soon(1), title="Introductory call")
    visit = plan(setting, salesperson_user, soon(2), title="Visit")

    activities.update_activity(salesperson_user, call.pk, title="Call Anna", start=soon(4, hour=14))
    assert summaries(calendar.calendar_feed(token, BASE_URL).content) == [
        "Visit – Bakkerij Van der Meer",
        "Call Anna – Bakkerij Van der Meer",
    ]

    activities.complete_activity(salesperson_user, call.pk)
    assert summaries(calendar.calendar_feed(token, BASE_URL).content) == ["Visit – Bakkerij Van der Meer"]

    activities.delete_activity(salesperson_user, visit.pk)
    assert summaries(calendar.calendar_feed(token, BASE_URL).content) == []


def test_a_reopened_followup_comes_back_into_the_feed(setting, salesperson_user):
    token = calendar.renew_calendar_feed(salesperson_user)
    call = plan(setting, salesperson_user, soon(1))
    activities.complete_activity(salesperson_user, call.pk)

    activities.reopen_activity(salesperson_user, call.pk)

    assert summaries(calendar.calendar_feed(token, BASE_URL).content) == ["Introductory call – Bakkerij Van der Meer"]


def test_a_new_address_makes_the_old_one_unknown(setting, salesperson_user):
    old = calendar.renew_calendar_feed(salesperson_user)

    new = calendar.renew_calendar_feed(salesperson_user)

    assert new != old
    with pytest.raises(NotFound):
        calendar.calendar_feed(old, BASE_URL)
    assert parse(calendar.calendar_feed(new, BASE_URL).content).walk("VEVENT") == []


def test_turning_the_feed_off_makes_its_address_unknown(salesperson_user):
    token = calendar.renew_calendar_feed(salesperson_user)

    calendar.turn_off_calendar_feed(salesperson_user)

    assert User.objects.get(pk=salesperson_user.pk).calendar_token is None
    assert calendar.feed_url(salesperson_user, BASE_URL) is None
    with pytest.raises(NotFound):
        calendar.calendar_feed(token, BASE_URL)


@pytest.mark.parametrize("token", ["", "no-such-secret"])
def test_an_unknown_or_empty_secret_is_not_found(salesperson_user, token):
    calendar.renew_calendar_feed(salesperson_user)

    with pytest.raises(NotFound):
        calendar.calendar_feed(token, BASE_URL)


def test_a_switched_off_account_has_no_feed(salesperson_user):
    token = calendar.renew_calendar_feed(salesperson_user)
    User.objects.filter(pk=salesperson_user.pk).update(is_active=False)

    with pytest.raises(NotFound):
        calendar.calendar_feed(token, BASE_URL)


def test_the_feed_costs_two_queries_however_many_followups_it_holds(
    setting, salesperson_user, django_assert_num_queries
):
    token = calendar.renew_calendar_feed(salesperson_user)
    for day in range(1, 8):
        plan(setting, salesperson_user, soon(day), title=f"Call {day}")

    with django_assert_num_queries(2):
        feed = calendar.calendar_feed(token, BASE_URL)

    assert len(summaries(feed.content)) == 7


def test_the_feed_holds_at_most_its_limit_nearest_first(setting, salesperson_user, monkeypatch):
    monkeypatch.setattr(calendar, "FEED_LIMIT", 2)
    token = calendar.renew_calendar_feed(salesperson_user)
    for day in (3, 1, 2):
        plan(setting, salesperson_user, soon(day), title=f"Call {day}")

    assert summaries(calendar.calendar_feed(token, BASE_URL).content) == [
        "Call 1 – Bakkerij Van der Meer",
        "Call 2 – Bakkerij Van der Meer",
    ]


def test_the_feed_and_a_single_activity_read_the_same_in_an_independent_parser_in_dutch(setting, make_user):
    # Given a Dutch manager with a follow-up whose text has accents, commas, semicolons and a long second line
    owner = make_user("daan", "manager", language="nl", first_name="Daan", last_name="Ørsted")
    text = "Vraag naar de offerte; de oven, het café.\n" + "Lange regel " * 20
    activity = plan(setting, owner, soon(2), title="Bel Anna; café, oven", text=text)
    token = calendar.renew_calendar_feed(owner)

    # When the feed and the activity's file are read by a second parser, not the one that wrote them
    feed = read_ics(calendar.calendar_feed(token, BASE_URL).content)
    single = read_ics(calendar.activity_calendar(owner, activity.pk, BASE_URL).content)

    # Then both read back as written, and the feed asks to be fetched again after an hour, as a duration
    for file in (feed, single):
        (event,) = file.contents["vevent"]
        assert event.summary.value == "Bel Anna; café, oven – Bakkerij Van der Meer"
        assert event.description.value.startswith(text.strip())
        assert event.dtstart.value == soon(2)
    assert feed.contents["x-published-ttl"][0].value == "PT1H"
    assert feed.contents["refresh-interval"][0].value == "PT1H"
    assert feed.contents["x-wr-calname"][0].value == "Salesguide – Daan Ørsted"
    assert "x-published-ttl" not in single.contents


# --- time zone --------------------------------------------------------------------------------------------------


def test_a_user_chooses_a_time_zone_and_blank_means_the_installations(salesperson_user, settings):
    calendar.set_time_zone(salesperson_user, "America/New_York")
    assert User.objects.get(pk=salesperson_user.pk).time_zone == "America/New_York"
    assert calendar.user_time_zone(salesperson_user) == "America/New_York"

    calendar.set_time_zone(salesperson_user, "")
    assert User.objects.get(pk=salesperson_user.pk).time_zone == ""
    assert calendar.user_time_zone(salesperson_user) == settings.TIME_ZONE


@pytest.mark.parametrize("name", ["Mars/Olympus_Mons", "../../etc/passwd", "europe/amsterdam"])
def test_a_time_zone_that_does_not_exist_is_refused(salesperson_user, name):
    with pytest.raises(ValidationFailed) as refused:
        calendar.set_time_zone(salesperson_user, name)

    assert [p.loc for p in refused.value.problems] == [("time_zone",)]
    assert User.objects.get(pk=salesperson_user.pk).time_zone == ""


def test_the_feed_tells_programs_the_owners_time_zone(salesperson_user):
    calendar.set_time_zone(salesperson_user, "Europe/London")
    token = calendar.renew_calendar_feed(salesperson_user)

    assert str(parse(calendar.calendar_feed(token, BASE_URL).content)["x-wr-timezone"]) == "Europe/London"
