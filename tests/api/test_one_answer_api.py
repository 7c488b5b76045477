"""Through the API, the answers the web gives too: the currency normalised (``eur`` is EUR, ``ZZZ`` is 422),
the 09:00 of a proposed re-open call and "after today" in the caller's own time zone, whether the probability
was set by hand, whether the next activity is overdue, and the sentence of each history row."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest
from django.utils import timezone

from salesguide.models import Sale
from salesguide.services import activities, catalog, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def stages(make_stage):
    return [make_stage("Lead", 10), make_stage("Offer", 40)]


@pytest.fixture
def sale_type(make_sale_type, stages):
    return make_sale_type("New customer", [stage["id"] for stage in stages])


def _new(api, sale_type, **fields):
    return api.post("sales", {"title": "Ten licences", "sale_type_id": sale_type["id"], **fields})


# --- currency ------------------------------------------------------------------------------------------------


def test_a_currency_in_lower_case_is_stored_upper_case(api, sale_type):
    created = _new(api, sale_type, currency="eur")
    assert created.status_code == 201, created.content
    assert created.json()["currency"] == "EUR"

    sale = created.json()
    changed = api.patch(f"sales/{sale['id']}", {"version": sale["version"], "currency": "usd"})

    assert changed.status_code == 200, changed.content
    assert changed.json()["currency"] == "USD"
    assert api.get(f"sales/{sale['id']}").json()["currency"] == "USD"


def test_a_currency_that_is_not_iso_4217_is_refused_with_422_and_nothing_is_stored(api, sale_type):
    response = _new(api, sale_type, currency="ZZZ")

    assert response.status_code == 422
    assert response.json() == {
        "detail": [{"loc": ["body", "currency"], "msg": "Use a three-letter ISO 4217 code, such as EUR."}]
    }
    assert not Sale.objects.exists()


def test_changing_to_a_currency_that_is_not_iso_4217_is_refused_and_changes_nothing(api, sale_type):
    sale = _new(api, sale_type).json()

    response = api.patch(f"sales/{sale['id']}", {"version": sale["version"], "currency": "zzz", "title": "Other"})

    assert response.status_code == 422
    assert [error["loc"] for error in response.json()["detail"]] == [["body", "currency"]]
    after = api.get(f"sales/{sale['id']}").json()
    assert (after["currency"], after["title"], after["version"]) == ("EUR", "Ten licences", sale["version"])


def test_the_openapi_document_says_a_currency_may_be_given_in_any_case(anonymous_api):
    schema = anonymous_api.get("openapi.json").json()
    currency = schema["components"]["schemas"]["SaleIn"]["properties"]["currency"]

    assert "[A-Za-z]" in str(currency)


# --- the caller's time zone ----------------------------------------------------------------------------------


def test_the_proposed_re_open_call_is_at_nine_in_the_callers_time_zone(
    salesperson_api, salesperson_user, admin_user, sale_type
):
    # Given a salesperson in New York calling with a bearer token (no web middleware activates their zone)
    catalog.create_activity_type(admin_user, name="Phone call", kind="call", default_duration_minutes=15)
    salesperson_user.time_zone = "America/New_York"
    salesperson_user.save()
    sale = _new(salesperson_api, sale_type).json()
    reopen = timezone.now().astimezone(zoneinfo.ZoneInfo("America/New_York")).date() + dt.timedelta(days=30)

    # When they stall the sale
    response = salesperson_api.post(
        f"sales/{sale['id']}/stall", {"reopen_date": reopen.isoformat(), "version": sale["version"]}
    )

    # Then the proposal is 09:00 in New York, the same moment the service gives them with any zone active
    assert response.status_code == 200, response.content
    start = dt.datetime.fromisoformat(response.json()["proposed_activity"]["start"])
    assert start == dt.datetime.combine(reopen, dt.time(9, 0), tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    with timezone.override("Asia/Tokyo"):
        web_answer = activities.propose_reopen_followup(salesperson_user, "Ten licences", reopen)
    assert web_answer is not None and web_answer.start == start


# --- probability, overdue, history ----------------------------------------------------------------------------


def test_a_sold_sales_probability_is_not_shown_as_set_by_hand(api, sale_type):
    sale = _new(api, sale_type).json()
    manual = api.patch(f"sales/{sale['id']}", {"version": sale["version"], "probability": 35}).json()
    assert manual["probability_is_manual"] is True

    sold = api.post(f"sales/{sale['id']}/sold", {"version": manual["version"]}).json()

    assert (sold["probability"], sold["probability_is_manual"]) == (100, False)


def test_a_sale_says_whether_its_next_activity_is_overdue(api, admin_user, sale_type):
    sale = _new(api, sale_type).json()
    assert api.get(f"sales/{sale['id']}").json()["next_activity_overdue"] is False
    call = catalog.create_activity_type(admin_user, name="Phone call", kind="call")

    activities.create_activity(
        admin_user,
        activity_type_id=call.pk,
        title="Late call",
        start=timezone.now() - dt.timedelta(hours=2),
        sale_id=sale["id"],
    )

    assert api.get(f"sales/{sale['id']}").json()["next_activity_overdue"] is True


def test_each_history_row_carries_its_sentence(api, admin_user, sale_type, stages):
    sale = _new(api, sale_type).json()
    sales.move_sale_to_stage(admin_user, sale["id"], stages[1]["id"])

    rows = api.get(f"sales/{sale['id']}/history").json()["items"]

    assert [row["sentence"] for row in rows] == [
        "Created in stage Lead, probability 10%.",
        "Stage changed: Lead → Offer, probability 10% → 40%.",
    ]
    # And every field a client read before is still there
    assert {"kind", "from_stage_name", "to_stage_name", "probability_before", "probability_after", "reason"} <= set(
        rows[1]
    )
