"""The company and contact pages as a salesperson uses them: lists with search and paging, the cards, the
forms with their messages next to the field, and deleting with a confirmation."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from salesguide.models import Company, Contact, Sale
from salesguide.services import customers, sale_types

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _html(response) -> str:
    return response.content.decode()


def _field(html: str, name: str) -> str:
    """The markup of the form field whose input is named ``name``: its label, input, hint and errors."""
    blocks = re.split(r'(?=<div class="field[ "])', html)
    matching = [block for block in blocks if f'name="{name}"' in block]
    assert matching, f"no field {name}"
    return matching[0]


def _messages(response) -> list[str]:
    return [str(message) for message in response.context["messages"]] if response.context else []


@pytest.fixture
def acme(salesperson_user):
    return customers.create_company(
        salesperson_user,
        name="Acme",
        address="Main Street 1",
        postal_code="1011 AB",
        city="Amsterdam",
        phone="+31 20 123 4567",
        email="info@acme.example",
        website="www.acme.example",
    )


@pytest.fixture
def jan(salesperson_user, acme):
    return customers.create_contact(
        salesperson_user, first_name="Jan", last_name="Jansen", company_id=acme.pk, title="Buyer"
    )


# --- login ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("customers:company_list", []),
        ("customers:company_add", []),
        ("customers:company_card", [1]),
        ("customers:company_edit", [1]),
        ("customers:company_delete", [1]),
        ("customers:contact_list", []),
        ("customers:contact_add", []),
        ("customers:contact_card", [1]),
        ("customers:company_choices", []),
    ],
)
def test_someone_not_logged_in_is_sent_to_the_login_page(client, name, args):
    response = client.get(reverse(name, args=args))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# --- the company list ----------------------------------------------------------------------------------------


def test_the_company_list_shows_how_to_start_when_there_are_none(salesperson_client):
    html = _html(salesperson_client.get(reverse("customers:company_list")))

    assert "No companies yet" in html
    assert reverse("customers:company_add") in html


def test_a_search_finds_companies_by_name_and_by_city_ignoring_case(salesperson_client, salesperson_user):
    # Given
    customers.create_company(salesperson_user, name="Acme", city="Amsterdam")
    customers.create_company(salesperson_user, name="Globex", city="Utrecht")

    # When
    by_name = _html(salesperson_client.get(reverse("customers:company_list"), {"q": "aCmE"}))
    by_city = _html(salesperson_client.get(reverse("customers:company_list"), {"q": "UTRECHT"}))

    # Then
    assert ">Acme</a>" in by_name and "Globex" not in by_name
    assert ">Globex</a>" in by_city and "Acme" not in by_city


def test_a_search_that_finds_nothing_says_so_and_offers_to_clear_it(salesperson_client, acme):
    html = _html(salesperson_client.get(reverse("customers:company_list"), {"q": "zzz"}))

    assert "No company matches “zzz”" in html
    assert "Clear the search" in html


def test_typing_in_the_search_box_answers_only_the_list(salesperson_client, acme):
    response = salesperson_client.get(
        reverse("customers:company_list"), {"q": "acme"}, headers={**HTMX, "HX-Target": "item-list"}
    )

    html = _html(response)
    assert html.lstrip().startswith('<div id="messages"')
    assert 'id="item-list"' in html and ">Acme</a>" in html
    assert "<header" not in html


def test_a_long_list_shows_fifty_companies_and_a_link_to_the_rest(salesperson_client, salesperson_user):
    # Given 52 companies
    for number in range(52):
        customers.create_company(salesperson_user, name=f"Company {number:02d}")

    # When
    first = _html(salesperson_client.get(reverse("customers:company_list")))

    # Then
    assert "Company 49" in first and "Company 50" not in first
    more = re.search(r'<tr id="list-more".*?href="([^"]+)"', first, re.S).group(1).replace("&amp;", "&")

    # When the salesperson follows "Show more" without JavaScript
    rest = _html(salesperson_client.get(more))

    # Then the next page shows the rest, says where it is and offers the way back
    assert "Company 50" in rest and "Company 51" in rest and "Company 49" not in rest
    assert "Back to the start" in rest
    assert 'id="list-more"' not in rest

    # And with htmx the same link answers only the next rows
    rows = _html(salesperson_client.get(more, headers={**HTMX, "HX-Target": "list-more"}))
    assert rows.lstrip().startswith("<tr>") and "Company 51" in rows and "<table" not in rows


def test_a_damaged_page_link_starts_the_list_from_the_top(salesperson_client, acme):
    response = salesperson_client.get(reverse("customers:company_list"), {"after": "garbage"})

    assert response.status_code == 200
    assert ">Acme</a>" in _html(response)
    assert _messages(response) == ["That page link no longer works, so the list starts from the top."]


# --- the company card ----------------------------------------------------------------------------------------


def test_the_company_card_shows_the_address_phone_e_mail_and_contacts(salesperson_client, acme, jan):
    html = _html(salesperson_client.get(reverse("customers:company_card", args=[acme.pk])))

    assert "<h1" in html and ">Acme</h1>" in html
    assert "Main Street 1, 1011 AB Amsterdam" in html
    assert 'href="tel:+31201234567"' in html
    assert 'href="mailto:info@acme.example"' in html
    assert 'href="https://www.acme.example"' in html
    assert ">Jan Jansen</a>" in html and "Buyer" in html
    assert "sale" not in html.lower().split("<main", 1)[1]


def test_an_unknown_company_or_contact_is_a_404(salesperson_client):
    assert salesperson_client.get(reverse("customers:company_card", args=[999])).status_code == 404
    assert salesperson_client.get(reverse("customers:company_edit", args=[999])).status_code == 404
    assert salesperson_client.get(reverse("customers:company_delete", args=[999])).status_code == 404
    assert salesperson_client.get(reverse("customers:contact_card", args=[999])).status_code == 404
    assert salesperson_client.get(reverse("customers:contact_edit", args=[999])).status_code == 404


# --- adding and changing a company ---------------------------------------------------------------------------


def test_a_salesperson_adds_a_company_and_lands_on_its_card(salesperson_client):
    # When
    response = salesperson_client.post(
        reverse("customers:company_add"), {"name": "Initech", "city": "Utrecht", "email": "hi@initech.example"}
    )

    # Then
    company = Company.objects.get(name="Initech")
    assert response.status_code == 302
    assert response["Location"] == reverse("customers:company_card", args=[company.pk])
    card = salesperson_client.get(response["Location"])
    assert _messages(card) == ["“Initech” is added."]


def test_a_company_without_a_name_gets_the_message_next_to_the_name_field(salesperson_client):
    response = salesperson_client.post(reverse("customers:company_add"), {"name": " ", "city": "Utrecht"})

    assert response.status_code == 422
    name_field = _field(_html(response), "name")
    assert "field--invalid" in name_field and "A name is required." in name_field
    assert 'value="Utrecht"' in _field(_html(response), "city")
    assert not Company.objects.exists()


def test_a_bad_e_mail_address_gets_the_message_next_to_the_e_mail_field(salesperson_client, acme):
    response = salesperson_client.post(
        reverse("customers:company_edit", args=[acme.pk]), {"name": "Acme", "email": "info(at)acme"}
    )

    assert response.status_code == 422
    assert "Enter a valid e-mail address." in _field(_html(response), "email")
    assert "Enter a valid e-mail address." not in _field(_html(response), "name")
    assert Company.objects.get(pk=acme.pk).email == "info@acme.example"


def test_editing_a_company_shows_its_values_and_saves_the_change(salesperson_client, acme):
    # Given
    form = _html(salesperson_client.get(reverse("customers:company_edit", args=[acme.pk])))
    assert 'value="Amsterdam"' in _field(form, "city")

    # When
    response = salesperson_client.post(
        reverse("customers:company_edit", args=[acme.pk]), {"name": "Acme Europe", "city": "Rotterdam"}, follow=True
    )

    # Then
    assert _messages(response) == ["“Acme Europe” is saved."]
    assert ">Acme Europe</h1>" in _html(response)
    assert Company.objects.get(pk=acme.pk).city == "Rotterdam"


# --- deleting a company --------------------------------------------------------------------------------------


def test_deleting_a_company_asks_first_then_keeps_its_contacts(salesperson_client, acme, jan):
    # When the salesperson opens the delete page
    confirm = _html(salesperson_client.get(reverse("customers:company_delete", args=[acme.pk])))

    # Then it asks and says what happens to the contact
    assert "Delete “Acme”?" in confirm
    assert "Its contact stays, without a company." in confirm
    assert Company.objects.filter(pk=acme.pk).exists()

    # When they confirm
    response = salesperson_client.post(reverse("customers:company_delete", args=[acme.pk]), follow=True)

    # Then
    assert _messages(response) == ["“Acme” is deleted."]
    assert not Company.objects.filter(pk=acme.pk).exists()
    assert Contact.objects.get(pk=jan.pk).company is None


def test_a_company_with_sales_cannot_be_deleted_and_the_page_says_why(salesperson_client, acme, admin_user):
    # Given
    sale_type = sale_types.create_sale_type(admin_user, name="New customer")
    for title in ("One", "Two"):
        Sale.objects.create(title=title, sale_type=sale_type, company=acme, owner=admin_user)

    # When
    confirm = _html(salesperson_client.get(reverse("customers:company_delete", args=[acme.pk])))
    posted = salesperson_client.post(reverse("customers:company_delete", args=[acme.pk]))

    # Then
    assert "This company has 2 sales; move or delete them first." in confirm
    assert 'class="btn btn--danger"' not in confirm
    assert posted.status_code == 422
    assert "This company has 2 sales; move or delete them first." in _html(posted)
    assert Company.objects.filter(pk=acme.pk).exists()


# --- contacts ------------------------------------------------------------------------------------------------


def test_adding_a_contact_from_the_company_card_chooses_the_company_and_returns_there(salesperson_client, acme):
    # Given the salesperson follows "Add a contact" on the card
    card_url = reverse("customers:company_card", args=[acme.pk])
    card = _html(salesperson_client.get(card_url))
    add_url = re.search(r'href="([^"]*/contacts/add/[^"]*)"', card).group(1).replace("&amp;", "&")
    form = _html(salesperson_client.get(add_url))
    assert re.search(rf'<option value="{acme.pk}" selected>Acme', form)

    # When
    response = salesperson_client.post(
        add_url,
        {"first_name": "Anna", "last_name": "de Boer", "company": acme.pk, "next": card_url},
        follow=True,
    )

    # Then
    assert response.redirect_chain[-1][0] == card_url
    assert _messages(response) == ["“Anna de Boer” is added."]
    assert ">Anna de Boer</a>" in _html(response)


def test_a_contact_without_a_last_name_or_with_a_bad_e_mail_gets_messages_next_to_those_fields(salesperson_client):
    response = salesperson_client.post(
        reverse("customers:contact_add"), {"first_name": "Anna", "last_name": "", "email": "anna@"}
    )

    html = _html(response)
    assert response.status_code == 422
    assert "A last name is required." in _field(html, "last_name")
    assert "Enter a valid e-mail address." in _field(html, "email")
    assert not Contact.objects.exists()


def test_a_company_that_no_longer_exists_gets_the_message_next_to_the_company_picker(salesperson_client):
    response = salesperson_client.post(reverse("customers:contact_add"), {"last_name": "Jansen", "company": 4242})

    assert response.status_code == 422
    assert "There is no company with id 4242." in _field(_html(response), "company")


def test_searching_for_a_company_in_the_form_lists_the_matches_and_saves_nothing(
    salesperson_client, salesperson_user, acme
):
    # Given
    globex = customers.create_company(salesperson_user, name="Globex", city="Utrecht")

    # When the salesperson types a search and presses Enter (no JavaScript)
    response = salesperson_client.post(
        reverse("customers:contact_add"),
        {"last_name": "Jansen", "company_search": "utrecht", "company_search_applied": ""},
    )

    # Then the picker lists only the match and the contact is not saved yet
    picker = _field(_html(response), "company")
    assert f'<option value="{globex.pk}"' in picker and f'<option value="{acme.pk}"' not in picker
    assert not Contact.objects.exists()

    # When they choose it and save
    salesperson_client.post(
        reverse("customers:contact_add"),
        {"last_name": "Jansen", "company": globex.pk, "company_search": "utrecht", "company_search_applied": "utrecht"},
    )

    # Then
    assert Contact.objects.get(last_name="Jansen").company == globex


def test_the_company_picker_follows_the_typing_and_keeps_the_chosen_company(salesperson_client, salesperson_user, acme):
    customers.create_company(salesperson_user, name="Globex")

    response = salesperson_client.get(
        reverse("customers:company_choices"), {"company_search": "glob", "company": acme.pk}, headers=HTMX
    )

    html = _html(response)
    assert html.lstrip().startswith('<div id="company-choices"')
    assert ">Globex</option>" in html
    assert re.search(rf'<option value="{acme.pk}" selected>Acme', html)
    assert 'name="company_search_applied" value="glob"' in html


def test_the_contact_card_shows_the_company_and_how_to_reach_the_contact(salesperson_client, salesperson_user, jan):
    customers.update_contact(salesperson_user, jan.pk, email="jan@acme.example", phone="06 12345678")

    html = _html(salesperson_client.get(reverse("customers:contact_card", args=[jan.pk])))

    assert ">Jan Jansen</h1>" in html
    assert "Buyer at <a" in html and ">Acme</a>" in html
    assert 'href="mailto:jan@acme.example"' in html and 'href="tel:0612345678"' in html


def test_the_contact_list_searches_by_name_and_company_and_filters_on_a_company(
    salesperson_client, salesperson_user, acme, jan
):
    # Given
    globex = customers.create_company(salesperson_user, name="Globex")
    customers.create_contact(salesperson_user, first_name="Piet", last_name="Bakker", company_id=globex.pk)
    url = reverse("customers:contact_list")

    # Then
    assert ">Jan Jansen</a>" in _html(salesperson_client.get(url, {"q": "JANSEN"}))
    assert "Piet Bakker" not in _html(salesperson_client.get(url, {"q": "JANSEN"}))
    assert ">Piet Bakker</a>" in _html(salesperson_client.get(url, {"q": "globex"}))
    only_acme = _html(salesperson_client.get(url, {"company": acme.pk}))
    assert ">Jan Jansen</a>" in only_acme and "Piet Bakker" not in only_acme
    assert "Show all contacts" in only_acme


def test_editing_a_contact_can_take_them_off_their_company(salesperson_client, jan):
    response = salesperson_client.post(
        reverse("customers:contact_edit", args=[jan.pk]), {"first_name": "Jan", "last_name": "Jansen", "company": ""}
    )

    assert response.status_code == 302
    assert Contact.objects.get(pk=jan.pk).company is None


def test_deleting_a_contact_asks_first(salesperson_client, jan):
    confirm = _html(salesperson_client.get(reverse("customers:contact_delete", args=[jan.pk])))
    assert "Delete “Jan Jansen”?" in confirm

    response = salesperson_client.post(reverse("customers:contact_delete", args=[jan.pk]), follow=True)

    assert _messages(response) == ["“Jan Jansen” is deleted."]
    assert not Contact.objects.filter(pk=jan.pk).exists()
