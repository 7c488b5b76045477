"""Follow-ups for calendar programs through the API (API.md "Activities and documents"): one activity as .ics,
the feed behind a secret (no other login), and turning the feed on, renewing and off from users/me."""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from ics_independent import read_ics
from salesguide.services import activities, catalog, customers, sale_types, sales

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")


def soon(days: int = 2) -> dt.datetime:
    return dt.datetime.combine(timezone.localdate() + dt.timedelta(days=days), dt.time(9), tzinfo=AMSTERDAM)


@pytest.fixture
def call(admin_user: Any) -> Any:
    return catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15)


@pytest.fixture
def sale(admin_user: Any, salesperson_user: Any) -> Any:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    company = customers.create_company(salesperson_user, name="Acme")
    return sales.create_sale(salesperson_user, title="Ten licences", sale_type_id=sale_type.pk, company_id=company.pk)


@pytest.fixture
def plan(call: Any, sale: Any, salesperson_user: Any) -> Any:
    def _plan(title: str = "Introductory call", start: dt.datetime | None = None) -> Any:
        return activities.create_activity(
            salesperson_user, activity_type_id=call.pk, title=title, start=start or soon(), sale_id=sale.pk
        )

    return _plan


def events(response: Any) -> list[Any]:
    """What icalendar reads, once a second, independent parser has read the same file (``read_ics``)."""
    read_ics(response.content)
    return Calendar.from_ical(response.content).walk("VEVENT")


def feed_path(calendar_url: str) -> str:
    """The URL's path: the test client talks to the app itself."""
    assert calendar_url.startswith("http://testserver/api/v1/calendar/")
    return calendar_url.removeprefix("http://testserver")


# --- one activity ---------------------------------------------------------------------------------------------


def test_an_activity_downloads_as_one_vevent(plan, salesperson_api):
    activity = plan(start=dt.datetime(2026, 11, 2, 9, tzinfo=AMSTERDAM))

    response = salesperson_api.get(f"activities/{activity.pk}.ics")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Content-Disposition"] == f'attachment; filename="introductory-call-{activity.pk}.ics"'
    (event,) = events(response)
    assert event.decoded("dtstart") == dt.datetime(2026, 11, 2, 8, 0, tzinfo=dt.UTC)
    assert event.decoded("dtend") == dt.datetime(2026, 11, 2, 8, 15, tzinfo=dt.UTC)
    assert str(event["summary"]) == "Introductory call – Acme"
    assert str(event["uid"]) == f"activity-{activity.pk}@salesguide"
    assert str(event["url"]) == f"http://testserver/sales/{activity.sale_id}/"


def test_a_colleague_may_download_any_activity_like_reading_it(plan, manager_api):
    activity = plan()

    assert manager_api.get(f"activities/{activity.pk}.ics").status_code == 200


def test_an_unknown_activity_answers_404_in_json(salesperson_api):
    response = salesperson_api.get("activities/987654.ics")

    assert response.status_code == 404
    assert response.json() == {"detail": "No activity with id 987654."}


def test_an_activity_needs_a_login(plan, anonymous_api):
    assert anonymous_api.get(f"activities/{plan().pk}.ics").status_code == 401


# --- the feed -------------------------------------------------------------------------------------------------


def test_me_shows_no_calendar_until_it_is_turned_on_and_then_its_address(salesperson_api):
    assert salesperson_api.get("users/me").json()["calendar_url"] is None

    turned_on = salesperson_api.post("users/me/calendar")

    assert turned_on.status_code == 200
    url = turned_on.json()["calendar_url"]
    assert url.startswith("http://testserver/api/v1/calendar/") and url.endswith(".ics")
    assert salesperson_api.get("users/me").json()["calendar_url"] == url
    assert salesperson_api.patch("users/me", {"language": "en"}).json()["calendar_url"] == url


def test_the_feed_answers_without_a_login_with_the_owners_open_followups(plan, salesperson_api, anonymous_api):
    plan("Introductory call", soon(1))
    done = plan("Already done", soon(2))
    activities.complete_activity(done.owner, done.pk)
    url = salesperson_api.post("users/me/calendar").json()["calendar_url"]

    response = anonymous_api.get(feed_path(url))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "no-store"
    assert "filename=" in response["Content-Disposition"]
    assert [str(e["summary"]) for e in events(response)] == ["Introductory call – Acme"]
    assert str(Calendar.from_ical(response.content)["x-wr-calname"]) == "Salesguide – Sam Seller"
    assert read_ics(response.content).contents["x-published-ttl"][0].value == "PT1H"


def test_the_feed_shows_an_edit_at_the_next_fetch(plan, salesperson_api, anonymous_api):
    activity = plan()
    path = feed_path(salesperson_api.post("users/me/calendar").json()["calendar_url"])

    salesperson_api.patch(f"activities/{activity.pk}", {"title": "Call Anna"})

    assert [str(e["summary"]) for e in events(anonymous_api.get(path))] == ["Call Anna – Acme"]


def test_a_new_address_makes_the_old_one_answer_404(salesperson_api, anonymous_api):
    old = feed_path(salesperson_api.post("users/me/calendar").json()["calendar_url"])

    new = feed_path(salesperson_api.post("users/me/calendar").json()["calendar_url"])

    assert new != old
    assert anonymous_api.get(old).status_code == 404
    assert anonymous_api.get(new).status_code == 200


def test_turning_the_feed_off_answers_204_and_the_address_404(salesperson_api, anonymous_api):
    path = feed_path(salesperson_api.post("users/me/calendar").json()["calendar_url"])

    response = salesperson_api.delete("users/me/calendar")

    assert response.status_code == 204
    assert salesperson_api.get("users/me").json()["calendar_url"] is None
    missing = anonymous_api.get(path)
    assert missing.status_code == 404
    assert missing.json() == {"detail": "There is no calendar at this address. It may have been renewed or turned off."}


@pytest.mark.parametrize("secret", ["unknown", "a" * 65, "bad%20secret", "x.y"])
def test_a_secret_that_is_not_one_answers_404(anonymous_api, salesperson_api, secret):
    salesperson_api.post("users/me/calendar")

    assert anonymous_api.get(f"calendar/{secret}.ics").status_code == 404


def test_turning_the_feed_on_or_off_needs_a_login(anonymous_api):
    assert anonymous_api.post("users/me/calendar").status_code == 401
    assert anonymous_api.delete("users/me/calendar").status_code == 401


def test_a_browser_session_cannot_turn_the_feed_on_without_the_csrf_token(salesperson_user):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(salesperson_user)

    refused = browser.post("/api/v1/users/me/calendar")

    assert refused.status_code == 403
    salesperson_user.refresh_from_db()
    assert salesperson_user.calendar_token is None


def test_others_do_not_see_a_users_calendar_address(salesperson_api, api, salesperson_user):
    salesperson_api.post("users/me/calendar")

    assert api.get(f"users/{salesperson_user.pk}").json()["calendar_url"] is None


def test_the_openapi_document_declares_the_calendar_endpoints(anonymous_api):
    paths = anonymous_api.get("openapi.json").json()["paths"]

    ics = paths["/api/v1/activities/{id}.ics"]["get"]["responses"]
    assert set(ics) >= {"200", "401", "404"}
    assert "text/calendar" in ics["200"]["content"]
    feed = paths["/api/v1/calendar/{secret}.ics"]["get"]
    assert set(feed["responses"]) >= {"200", "404"}
    assert "security" not in feed or feed["security"] == [{}] or feed["security"] == []
    assert set(paths["/api/v1/users/me/calendar"]) == {"post", "delete"}
