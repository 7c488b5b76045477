"""Forms report every problem at once (issue 9, item 12): what the form could not read and what the services
refuse show together, next to their fields, so a user fixes everything in one go. An expected date in the past
is saved with a warning."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from salesguide.models import Activity, Company, Contact, Sale
from salesguide.services import catalog, customers, sale_types, sales
from salesguide.services.clock import today_for

pytestmark = pytest.mark.django_db


def field_error(response: Any, name: str) -> str:
    match = re.search(rf'id="id_{re.escape(name)}_error">(.*?)</div>', response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def text_of(response: Any) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def messages_of(response: Any) -> list[str]:
    return [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m)).strip()
        for m in re.findall(r'<p class="message__text">(.*?)</p>', response.content.decode(), re.S)
    ]


PAST_WARNING = "The expected date is in the past. If the sale is still open, choose a date from today on."


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    stages = [catalog.create_stage(admin_user, name=n, probability=p) for n, p in (("Lead", 10), ("Offer", 50))]
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[s.pk for s in stages])
    call = catalog.create_activity_type(admin_user, name="Call", kind="call", default_duration_minutes=15)
    acme = customers.create_company(admin_user, name="Acme")
    globex = customers.create_company(admin_user, name="Globex")
    piet = customers.create_contact(admin_user, first_name="Piet", last_name="Pieters", company_id=globex.pk)
    return {"sale_type": sale_type, "call": call, "acme": acme, "piet": piet}


def sale_form(world: dict[str, Any], owner: Any, **fields: Any) -> dict[str, Any]:
    return {
        "title": "Big deal",
        "sale_type": world["sale_type"].pk,
        "company": "",
        "contact": "",
        "owner": owner.pk,
        "amount": "",
        "currency": "EUR",
        "expected_date": "",
        "description": "",
        **fields,
    }


# --- the sale form ------------------------------------------------------------------------------------------


def test_a_new_sale_with_no_title_and_an_unreadable_amount_shows_both_problems_at_once(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # When
    response = salesperson_client.post(
        reverse("sales:new"), sale_form(world, salesperson_user, title="", amount="twelve", currency="ZZZ")
    )

    # Then every problem is next to its field, and nothing is saved
    assert response.status_code == 422
    assert field_error(response, "title") == "A title is required."
    assert field_error(response, "amount") == "Enter an amount such as 1250,50 or 1250.50."
    assert field_error(response, "currency") == "Use a three-letter ISO 4217 code, such as EUR."
    assert not Sale.objects.exists()


def test_a_new_sale_with_an_unreadable_date_and_a_contact_of_another_company_shows_both(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    response = salesperson_client.post(
        reverse("sales:new"),
        sale_form(world, salesperson_user, expected_date="someday", company=world["acme"].pk, contact=world["piet"].pk),
    )

    assert response.status_code == 422
    assert field_error(response, "expected_date") == "Enter a valid date."
    assert field_error(response, "contact") == "This contact works at another company."
    assert not Sale.objects.exists()


def test_editing_a_sale_with_no_title_and_an_unreadable_amount_shows_both_problems_at_once(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # Given
    sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=world["sale_type"].pk)

    # When
    response = salesperson_client.post(
        reverse("sales:edit", args=[sale.pk]),
        {**sale_form(world, salesperson_user, title=" ", amount="1.2.3"), "version": sale.version, "stage": ""},
    )

    # Then
    assert response.status_code == 422
    assert field_error(response, "title") == "A title is required."
    assert field_error(response, "amount") == "Enter an amount such as 1250,50 or 1250.50."
    assert Sale.objects.get(pk=sale.pk).title == "Big deal"


def test_a_new_sale_expected_in_the_past_is_saved_with_a_warning(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # When
    yesterday = today_for(salesperson_user) - dt.timedelta(days=1)
    response = salesperson_client.post(
        reverse("sales:new"), sale_form(world, salesperson_user, expected_date=yesterday.isoformat()), follow=True
    )

    # Then the sale is saved, and the card says the date is in the past
    sale = Sale.objects.get()
    assert sale.expected_date == yesterday
    assert PAST_WARNING in messages_of(response)


def test_the_edit_form_warns_about_an_expected_date_in_the_past_and_saves_anyway(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # Given an open sale whose expected date has passed
    yesterday = today_for(salesperson_user) - dt.timedelta(days=1)
    sale = sales.create_sale(
        salesperson_user, title="Big deal", sale_type_id=world["sale_type"].pk, expected_date=yesterday
    )

    # When the salesperson opens the form
    form = salesperson_client.get(reverse("sales:edit", args=[sale.pk]))

    # Then the warning is next to the date, not as an error
    assert PAST_WARNING in text_of(form)
    assert field_error(form, "expected_date") == ""

    # And a form shown again with another problem still warns
    again = salesperson_client.post(
        reverse("sales:edit", args=[sale.pk]),
        {**sale_form(world, salesperson_user, title="", expected_date=yesterday.isoformat()), "version": sale.version},
    )
    assert again.status_code == 422
    assert PAST_WARNING in text_of(again)

    # And a date from today on does not warn
    assert PAST_WARNING not in text_of(salesperson_client.get(reverse("sales:new")))


# --- the activity form ----------------------------------------------------------------------------------------


def activity_form(world: dict[str, Any], owner: Any, **fields: Any) -> dict[str, Any]:
    return {
        "activity_type": world["call"].pk,
        "title": "Call Jan",
        "start_date": "2031-03-10",
        "start_time": "14:30",
        "duration_minutes": "",
        "text": "",
        "owner": owner.pk,
        "company": "",
        "contact": "",
        **fields,
    }


def test_planning_an_activity_with_no_title_and_no_date_shows_both_problems_at_once(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    response = salesperson_client.post(
        reverse("activities:new"),
        activity_form(world, salesperson_user, title="", start_date="", duration_minutes="-5"),
    )

    assert response.status_code == 422
    assert field_error(response, "title") == "A title is required."
    assert field_error(response, "start_date") == "Enter a date."
    assert field_error(response, "duration_minutes") == "Enter a duration from 0 to 10080 minutes."
    assert not Activity.objects.exists()


def test_editing_an_activity_with_no_title_and_an_unreadable_duration_shows_both(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # Given
    sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=world["sale_type"].pk)
    response = salesperson_client.post(
        reverse("sales:activity_new", args=[sale.pk]), activity_form(world, salesperson_user)
    )
    activity = Activity.objects.get()

    # When
    response = salesperson_client.post(
        reverse("activities:edit", args=[activity.pk]),
        activity_form(world, salesperson_user, title=" ", duration_minutes="soon"),
    )

    # Then
    assert response.status_code == 422
    assert field_error(response, "title") == "A title is required."
    assert field_error(response, "duration_minutes") == "Enter a whole number of minutes."
    assert Activity.objects.get().title == "Call Jan"


# --- the company and contact forms ---------------------------------------------------------------------------


def test_a_company_with_no_name_and_an_unreadable_phone_shows_both_problems_at_once(
    salesperson_client: Client,
) -> None:
    response = salesperson_client.post(reverse("customers:company_add"), {"name": "", "phone": "0\x00612"})

    assert response.status_code == 422
    assert field_error(response, "name") == "A name is required."
    assert field_error(response, "phone") != ""
    assert not Company.objects.filter(name="").exists()


def test_a_contact_with_no_last_name_and_an_unreadable_company_shows_both_problems_at_once(
    salesperson_client: Client,
) -> None:
    response = salesperson_client.post(reverse("customers:contact_add"), {"last_name": "", "company": "acme"})

    assert response.status_code == 422
    assert field_error(response, "last_name") == "A last name is required."
    assert field_error(response, "company") != ""
    assert not Contact.objects.exists()


# --- the settings lists -------------------------------------------------------------------------------------------


def test_a_stage_with_no_name_and_an_unreadable_probability_shows_both_problems_at_once(admin_client: Client) -> None:
    response = admin_client.post("/settings/stages/add/", {"name": "", "probability": "ten", "description": ""})

    assert response.status_code == 200
    assert field_error(response, "name") == "A name is required."
    assert field_error(response, "probability") == "Enter a whole number."


def test_an_activity_type_with_no_name_and_an_unreadable_duration_shows_both_problems_at_once(
    admin_client: Client,
) -> None:
    response = admin_client.post(
        "/settings/activity-types/add/", {"name": " ", "kind": "call", "default_duration_minutes": "half an hour"}
    )

    assert field_error(response, "name") == "A name is required."
    assert field_error(response, "default_duration_minutes") == "Enter a whole number."
