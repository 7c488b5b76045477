"""Strict input through the API (issue 9, item 24): JSON's types are taken as they are — true is not 1, 0 is not
false, "5" is not 5 —, times carry their offset (API.md), a list's ``include_deleted`` is true or false, and
names are one line of visible text. Each refusal is a 422 naming the field, and nothing changes."""

from __future__ import annotations

import pytest

from salesguide.models import Activity, Company, Contact, Sale, SaleType, Stage, User
from salesguide.services import catalog, sale_types

pytestmark = pytest.mark.django_db


def detail(response) -> list[tuple[tuple, str]]:
    assert response.status_code == 422, response.content
    return [(tuple(error["loc"]), error["msg"]) for error in response.json()["detail"]]


@pytest.fixture
def sale_type(admin_user):
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])


# --- numbers and booleans ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", [True, False, "40", 40.0])
def test_a_probability_that_is_not_a_json_integer_is_refused(api, value):
    response = api.post("stages", {"name": "Offer", "probability": value})

    assert detail(response) == [(("body", "probability"), "Enter a whole number.")]
    assert not Stage.objects.exists()


@pytest.mark.parametrize(("field", "value"), [("amount", True), ("sale_type_id", True), ("amount", "100")])
def test_an_amount_or_an_id_given_as_true_or_as_text_is_refused(salesperson_api, sale_type, field, value):
    body = {"title": "Tills", "sale_type_id": sale_type.pk, "amount": 100, field: value}

    response = salesperson_api.post("sales", body)

    assert detail(response) == [(("body", field), "Enter a whole number.")]
    assert not Sale.objects.exists()


@pytest.mark.parametrize("value", [1, 0, "true", "yes"])
def test_a_boolean_given_as_a_number_or_text_is_refused(api, sale_type, value):
    response = api.patch(f"sale-types/{sale_type.pk}", {"has_guide": value})

    assert detail(response) == [(("body", "has_guide"), "Enter true or false.")]
    assert SaleType.objects.get(pk=sale_type.pk).has_guide is False


def test_a_user_switched_off_with_0_stays_on(api, salesperson_user):
    response = api.patch(f"users/{salesperson_user.pk}", {"is_active": 0})

    assert detail(response) == [(("body", "is_active"), "Enter true or false.")]
    assert User.objects.get(pk=salesperson_user.pk).is_active


def test_real_json_numbers_and_booleans_are_taken(api, sale_type):
    stage = api.post("stages", {"name": "Closing", "probability": 90})
    changed = api.patch(f"sale-types/{sale_type.pk}", {"has_guide": True})

    assert stage.status_code == 201 and stage.json()["probability"] == 90
    assert changed.status_code == 200 and changed.json()["has_guide"] is True


# --- times --------------------------------------------------------------------------------------------------------


@pytest.fixture
def activity_type(admin_user):
    return catalog.create_activity_type(admin_user, name="Call", kind="call", default_duration_minutes=15)


@pytest.mark.parametrize("start", ["2031-01-31T09:30:00", "2031-01-31T09:30", "2031-01-31"])
def test_a_time_without_an_offset_is_refused(salesperson_api, activity_type, start):
    response = salesperson_api.post(
        "activities", {"activity_type_id": activity_type.pk, "title": "Call Anouk", "start": start}
    )

    assert detail(response) == [
        (("body", "start"), "Give the time with its offset, such as 2031-01-31T09:30:00+01:00.")
    ]
    assert not Activity.objects.exists()


@pytest.mark.parametrize("start", ["2031-01-31T09:30:00+01:00", "2031-01-31T08:30:00Z"])
def test_a_time_with_an_offset_is_taken(salesperson_api, activity_type, start):
    response = salesperson_api.post(
        "activities", {"activity_type_id": activity_type.pk, "title": "Call Anouk", "start": start}
    )

    assert response.status_code == 201, response.content
    assert response.json()["start"].startswith("2031-01-31T09:30:00+01:00")


# --- query parameters -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["maybe", "1", "0", "yes", "True", ""])
def test_include_deleted_is_true_or_false_and_nothing_else(api, value):
    response = api.get("stages", include_deleted=value)

    assert detail(response) == [(("query", "include_deleted"), "Enter true or false.")]


@pytest.mark.parametrize("value", ["true", "false"])
def test_include_deleted_true_or_false_is_taken(api, value):
    assert api.get("stages", include_deleted=value).status_code == 200


def test_an_activity_filter_of_completed_yes_is_refused(salesperson_api):
    response = salesperson_api.get("activities", completed="yes")

    assert detail(response) == [(("query", "completed"), "Enter true or false.")]


# --- names --------------------------------------------------------------------------------------------------------

OVERRIDE = "invoice\u202efdp.exe"
OVERRIDE_MESSAGE = "Characters that change the direction of text are not allowed here (U+202E)."
BREAK_MESSAGE = "Keep this on one line: remove the line break (U+000A)."


def test_a_stage_name_with_a_direction_override_is_refused(api):
    assert detail(api.post("stages", {"name": OVERRIDE, "probability": 10})) == [(("body", "name"), OVERRIDE_MESSAGE)]
    assert not Stage.objects.exists()


def test_a_sale_type_name_with_a_line_break_is_refused(api, sale_type):
    assert detail(api.patch(f"sale-types/{sale_type.pk}", {"name": "New\ncustomer"})) == [
        (("body", "name"), BREAK_MESSAGE)
    ]
    assert SaleType.objects.get(pk=sale_type.pk).name == "New customer"


def test_a_sale_title_with_a_line_break_is_refused(salesperson_api, sale_type):
    response = salesperson_api.post("sales", {"title": "Tills\nBcc: everyone", "sale_type_id": sale_type.pk})

    assert detail(response) == [(("body", "title"), BREAK_MESSAGE)]
    assert not Sale.objects.exists()


def test_company_and_contact_names_with_control_characters_are_refused(salesperson_api):
    company = salesperson_api.post("companies", {"name": "Dijkstra\x07"})
    contact = salesperson_api.post("contacts", {"first_name": "An\u2066ouk", "last_name": OVERRIDE})

    assert detail(company) == [(("body", "name"), "Control characters are not allowed here (U+0007).")]
    assert detail(contact) == [
        (("body", "first_name"), "Characters that change the direction of text are not allowed here (U+2066)."),
        (("body", "last_name"), OVERRIDE_MESSAGE),
    ]
    assert not Company.objects.exists() and not Contact.objects.exists()


def test_an_activity_title_with_a_carriage_return_is_refused(salesperson_api, activity_type):
    response = salesperson_api.post(
        "activities",
        {"activity_type_id": activity_type.pk, "title": "Call\rAnouk", "start": "2031-01-31T09:30:00+01:00"},
    )

    assert detail(response) == [(("body", "title"), "Keep this on one line: remove the line break (U+000D).")]
    assert not Activity.objects.exists()


def test_a_users_name_with_a_direction_override_is_refused(api, salesperson_api, salesperson_user):
    last_name = salesperson_user.last_name
    created = api.post("users", {"username": "eve", "first_name": OVERRIDE})
    profile = salesperson_api.patch("users/me", {"last_name": "Smit\u202e"})

    assert detail(created) == [(("body", "first_name"), OVERRIDE_MESSAGE)]
    assert detail(profile) == [(("body", "last_name"), OVERRIDE_MESSAGE)]
    assert not User.objects.filter(username="eve").exists()
    assert User.objects.get(pk=salesperson_user.pk).last_name == last_name
