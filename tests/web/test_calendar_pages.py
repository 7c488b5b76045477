"""Calendars through the web pages (SPEC 5 "Calendar"): the Calendar section of the profile (the feed's address
with a how-to, a new address, turning it off), the time-zone choice and what it changes on screen, and the .ics
download of one activity from the activity lists and the guide's side panel."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone, translation
from django.utils.formats import date_format
from icalendar import Calendar

from ics_independent import events_of, read_ics
from salesguide.models import User
from salesguide.services import activities, calendar, catalog, customers, guides, sale_types, sales

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def calendar_url_on(page: str) -> str | None:
    match = re.search(r'id="calendar-url" type="text" value="([^"]+)"', page)
    return match.group(1) if match else None


@pytest.fixture
def csrf_client(salesperson_user: User) -> Client:
    """A browser that must send the CSRF token, as a real one does."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(salesperson_user)
    return client


def csrf_post(client: Client, path: str, data: dict[str, Any] | None = None, **kwargs: Any) -> Any:
    page = client.get("/profile/").content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)  # type: ignore[union-attr]
    return client.post(path, {**(data or {}), "csrfmiddlewaretoken": token}, **kwargs)


@pytest.fixture
def sale_with_call(admin_user: Any, salesperson_user: Any) -> Any:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(
        admin_user, name="New customer", has_guide=True, stage_ids=[lead.pk, offer.pk]
    )
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call")
    intro = guides.add_suggested_followup(
        admin_user, sale_type.pk, lead.pk, name="Introductory call", activity_type_id=call.pk
    )
    company = customers.create_company(salesperson_user, name="Acme")
    sale = sales.create_sale(salesperson_user, title="Ten licences", sale_type_id=sale_type.pk, company_id=company.pk)
    activity = activities.create_followup_from_suggestion(
        salesperson_user,
        sale.pk,
        intro.pk,
        start=dt.datetime.combine(timezone.localdate() + dt.timedelta(days=2), dt.time(9), tzinfo=AMSTERDAM),
    )
    return sale, intro, activity


# --- the Calendar section of the profile ----------------------------------------------------------------------


def test_the_profile_offers_to_turn_the_calendar_on_while_it_is_off(salesperson_client):
    page = salesperson_client.get("/profile/")

    assert "Your calendar feed is off" in text_of(page)
    assert calendar_url_on(page.content.decode()) is None
    assert 'action="/profile/calendar/renew/"' in page.content.decode()


def test_turning_the_calendar_on_shows_its_address_with_how_to_subscribe(csrf_client, salesperson_user):
    response = csrf_post(csrf_client, "/profile/calendar/renew/", follow=True)

    salesperson_user.refresh_from_db()
    url = calendar_url_on(response.content.decode())
    assert url == f"http://testserver/api/v1/calendar/{salesperson_user.calendar_token}.ics"
    text = text_of(response)
    assert "Your calendar feed is on." in text
    assert "Outlook" in text and "Google Calendar" in text and "Apple Calendar" in text


def test_the_address_on_the_profile_serves_the_feed(client, salesperson_client, salesperson_user, sale_with_call):
    calendar.renew_calendar_feed(salesperson_user)
    url = calendar_url_on(salesperson_client.get("/profile/").content.decode())

    feed = client.get(url.removeprefix("http://testserver"))

    assert feed.status_code == 200
    summaries = [str(e["summary"]) for e in Calendar.from_ical(feed.content).walk("VEVENT")]
    assert summaries == ["Introductory call – Acme"]
    # and a second, independent parser reads the same feed, with a refresh interval every program understands
    independently = read_ics(feed.content)
    assert [e.summary.value for e in independently.contents["vevent"]] == ["Introductory call – Acme"]
    assert independently.contents["x-published-ttl"][0].value == "PT1H"


def test_a_new_address_is_asked_first_and_then_the_old_one_stops_working(client, csrf_client, salesperson_user):
    old = calendar.renew_calendar_feed(salesperson_user)

    question = csrf_client.get("/profile/calendar/renew/")
    response = csrf_post(csrf_client, "/profile/calendar/renew/", follow=True)

    assert "Give your calendar a new address?" in text_of(question)
    salesperson_user.refresh_from_db()
    assert salesperson_user.calendar_token not in (None, old)
    assert "The old address no longer works" in text_of(response)
    assert calendar_url_on(response.content.decode()).endswith(f"/{salesperson_user.calendar_token}.ics")
    assert client.get(f"/api/v1/calendar/{old}.ics").status_code == 404


def test_turning_the_calendar_off_is_asked_first_and_then_the_address_is_gone(client, csrf_client, salesperson_user):
    token = calendar.renew_calendar_feed(salesperson_user)

    question = csrf_client.get("/profile/calendar/off/")
    response = csrf_post(csrf_client, "/profile/calendar/off/", follow=True)

    assert "Turn off your calendar feed?" in text_of(question)
    salesperson_user.refresh_from_db()
    assert salesperson_user.calendar_token is None
    assert "Your calendar feed is off. Its address no longer works." in text_of(response)
    assert calendar_url_on(response.content.decode()) is None
    assert client.get(f"/api/v1/calendar/{token}.ics").status_code == 404


def test_changing_the_calendar_needs_the_csrf_token(csrf_client, salesperson_user):
    token = calendar.renew_calendar_feed(salesperson_user)

    renew = csrf_client.post("/profile/calendar/renew/")
    off = csrf_client.post("/profile/calendar/off/")

    assert (renew.status_code, off.status_code) == (403, 403)
    salesperson_user.refresh_from_db()
    assert salesperson_user.calendar_token == token


def test_the_questions_are_skipped_when_there_is_nothing_to_renew_or_turn_off(salesperson_client):
    assert salesperson_client.get("/profile/calendar/off/")["Location"] == "/profile/#calendar"
    assert salesperson_client.get("/profile/calendar/renew/")["Location"] == "/profile/#calendar"


# --- the time zone ----------------------------------------------------------------------------------------------


def test_the_time_zone_defaults_to_the_installations(salesperson_client, settings):
    page = salesperson_client.get("/profile/").content.decode()

    zone = re.escape(settings.TIME_ZONE)
    assert re.search(rf'<option value="" selected>The installation’s time zone \({zone}\)</option>', page)
    assert '<option value="America/New_York">America/New_York</option>' in page


def shown(moment: dt.datetime, zone: str) -> str:
    """A time as the activity list shows it to an English reader in ``zone``."""
    with translation.override("en"):
        return date_format(timezone.localtime(moment, ZoneInfo(zone)), "SHORT_DATETIME_FORMAT")


def test_a_chosen_time_zone_changes_the_times_on_screen(csrf_client, salesperson_user, sale_with_call):
    _sale, _intro, activity = sale_with_call
    assert shown(activity.start, "Europe/Amsterdam") in text_of(csrf_client.get("/activities/"))

    response = csrf_post(csrf_client, "/profile/time-zone/", {"time_zone": "America/New_York"}, follow=True)

    assert "Your time zone is saved." in text_of(response)
    assert User.objects.get(pk=salesperson_user.pk).time_zone == "America/New_York"
    assert re.search(r'<option value="America/New_York" selected>', response.content.decode())
    after = text_of(csrf_client.get("/activities/"))
    assert shown(activity.start, "America/New_York") in after
    assert shown(activity.start, "Europe/Amsterdam") not in after


def test_an_unknown_time_zone_is_reported_next_to_the_field(csrf_client, salesperson_user):
    response = csrf_post(csrf_client, "/profile/time-zone/", {"time_zone": "Mars/Olympus_Mons"})

    assert re.search(r'id="id_time_zone_error">.*?Mars/Olympus_Mons', response.content.decode(), flags=re.S)
    assert User.objects.get(pk=salesperson_user.pk).time_zone == ""


# --- one activity as .ics ---------------------------------------------------------------------------------------


def test_every_activity_in_my_activities_has_an_ics_link(salesperson_client, sale_with_call):
    _sale, _intro, activity = sale_with_call

    page = salesperson_client.get("/activities/").content.decode()

    assert f'href="/activities/{activity.pk}/calendar.ics"' in page


def test_the_ics_link_downloads_the_activity(salesperson_client, sale_with_call):
    sale, _intro, activity = sale_with_call

    response = salesperson_client.get(f"/activities/{activity.pk}/calendar.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="introductory-call-{activity.pk}.ics"'
    (event,) = Calendar.from_ical(response.content).walk("VEVENT")
    assert event.decoded("dtstart") == activity.start
    assert str(event["url"]) == f"http://testserver/sales/{sale.pk}/"
    (independently,) = events_of(response.content)  # a second, independent parser reads the same
    assert independently.dtstart.value == activity.start
    assert independently.url.value == f"http://testserver/sales/{sale.pk}/"


def test_a_colleague_may_download_the_activity_too(manager_client, sale_with_call):
    _sale, _intro, activity = sale_with_call

    assert manager_client.get(f"/activities/{activity.pk}/calendar.ics").status_code == 200


def test_an_unknown_activity_is_a_not_found_page(salesperson_client):
    assert salesperson_client.get("/activities/987654/calendar.ics").status_code == 404


def test_the_side_panel_of_a_created_followup_offers_it_for_the_calendar(salesperson_client, sale_with_call):
    sale, intro, activity = sale_with_call

    created = salesperson_client.get(f"/sales/{sale.pk}/guide/activities/{activity.pk}/preview/", **HTMX)
    draft = salesperson_client.get(f"/sales/{sale.pk}/guide/followup-suggestions/{intro.pk}/preview/", **HTMX)

    assert f'href="/activities/{activity.pk}/calendar.ics"' in created.content.decode()
    assert "Add to calendar (.ics)" in text_of(created)
    assert "Add to calendar (.ics)" not in text_of(draft)
