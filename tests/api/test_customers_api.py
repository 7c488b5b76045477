"""Companies and contacts through the API: any logged-in user works with them; bad input is a clear 4xx."""

from __future__ import annotations

import pytest

from salesguide.models import Sale
from salesguide.services import sale_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def make_company(salesperson_api):
    def _make_company(name, **fields):
        response = salesperson_api.post("companies", {"name": name, **fields})
        assert response.status_code == 201, response.content
        return response.json()

    return _make_company


@pytest.fixture
def make_contact(salesperson_api):
    def _make_contact(last_name, **fields):
        response = salesperson_api.post("contacts", {"last_name": last_name, **fields})
        assert response.status_code == 201, response.content
        return response.json()

    return _make_contact


def _all_pages(api, path, **params):
    names, after, pages = [], None, 0
    while True:
        query = dict(params, **({"after": after} if after else {}))
        body = api.get(path, **query).json()
        names += [item["name"] for item in body["items"]]
        pages += 1
        if body["next"] is None:
            return names, pages
        after = body["next"]


# --- companies -------------------------------------------------------------------------------------------------


def test_a_salesperson_adds_a_company_and_reads_it_back(salesperson_api):
    # When
    response = salesperson_api.post(
        "companies",
        {"name": " Acme BV ", "city": "Amsterdam", "email": "info@acme.example", "website": "www.acme.example"},
    )

    # Then
    assert response.status_code == 201
    company = response.json()
    assert company == {
        "id": company["id"],
        "name": "Acme BV",
        "org_number": "",
        "address": "",
        "postal_code": "",
        "city": "Amsterdam",
        "country": "",
        "phone": "",
        "email": "info@acme.example",
        "website": "www.acme.example",
        "notes": "",
    }
    assert salesperson_api.get(f"companies/{company['id']}").json() == company


def test_a_company_without_a_name_and_with_a_bad_e_mail_is_refused_naming_both_fields(salesperson_api):
    # When
    response = salesperson_api.post("companies", {"name": "  ", "email": "info at acme"})

    # Then
    assert response.status_code == 422
    assert response.json() == {
        "detail": [
            {"loc": ["body", "name"], "msg": "A name is required."},
            {"loc": ["body", "email"], "msg": "Enter a valid e-mail address."},
        ]
    }
    assert salesperson_api.get("companies").json()["items"] == []


def test_a_missing_name_and_an_unknown_field_are_both_listed(salesperson_api):
    response = salesperson_api.post("companies", {"nmae": "Acme"})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "name"], "msg": "This field is required."},
        {"loc": ["body", "nmae"], "msg": "This field is not allowed here."},
    ]


def test_a_name_that_is_too_long_is_refused_with_the_limit(salesperson_api):
    response = salesperson_api.post("companies", {"name": "x" * 201})

    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "name"], "msg": "Use at most 200 characters."}]


def test_the_error_messages_follow_the_language_asked_for(salesperson_user, token_for, make_api):
    # Given a script that asks for Dutch
    dutch = make_api(token_for(salesperson_user), language="nl")

    # When
    response = dutch.post("companies", {"name": "", "email": "nope"})

    # Then
    assert response.status_code == 422
    assert [problem["msg"] for problem in response.json()["detail"]] == [
        "Een naam is verplicht.",
        "Voer een geldig e-mailadres in.",
    ]


def test_changing_a_company_changes_only_what_is_sent(salesperson_api, make_company):
    # Given
    company = make_company("Acme", city="Amsterdam", phone="020 123")

    # When
    response = salesperson_api.patch(f"companies/{company['id']}", {"city": "Rotterdam"})

    # Then
    assert response.status_code == 200
    assert (response.json()["city"], response.json()["phone"]) == ("Rotterdam", "020 123")


def test_null_is_refused_in_a_change_so_nothing_is_emptied_by_accident(salesperson_api, make_company):
    company = make_company("Acme", city="Amsterdam")

    response = salesperson_api.patch(f"companies/{company['id']}", {"city": None})

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "city"]
    assert salesperson_api.get(f"companies/{company['id']}").json()["city"] == "Amsterdam"


def test_a_bad_website_is_refused_in_a_change(salesperson_api, make_company):
    company = make_company("Acme")

    response = salesperson_api.patch(f"companies/{company['id']}", {"website": "javascript:alert(1)"})

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "website"], "msg": "Enter a web address such as www.example.com."}
    ]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("get", "companies/4040"),
        ("patch", "companies/4040"),
        ("delete", "companies/4040"),
        ("get", "contacts/4040"),
        ("patch", "contacts/4040"),
        ("delete", "contacts/4040"),
    ],
)
def test_an_unknown_id_is_404_with_a_message(salesperson_api, method, path):
    response = salesperson_api.patch(path, {}) if method == "patch" else getattr(salesperson_api, method)(path)

    assert response.status_code == 404
    assert response.json()["detail"] in ("No company with id 4040.", "No contact with id 4040.")


def test_a_search_finds_companies_by_name_and_city_ignoring_case(salesperson_api, make_company):
    # Given
    make_company("Acme", city="Amsterdam")
    make_company("Globex", city="Utrecht")
    make_company("Initech", city="Amstelveen", org_number="NL-42")

    # Then
    assert [c["name"] for c in salesperson_api.get("companies", q="ACME").json()["items"]] == ["Acme"]
    assert [c["name"] for c in salesperson_api.get("companies", q="utrecht").json()["items"]] == ["Globex"]
    assert [c["name"] for c in salesperson_api.get("companies", q="amst").json()["items"]] == ["Acme", "Initech"]
    assert [c["name"] for c in salesperson_api.get("companies", q="nl-42").json()["items"]] == ["Initech"]


def test_the_company_list_pages_by_name_ignoring_case_without_gaps(salesperson_api, make_company):
    # Given
    for name in ["delta", "Bravo", "alpha", "Echo", "charlie"]:
        make_company(name)

    # When
    names, pages = _all_pages(salesperson_api, "companies", limit=2)

    # Then
    assert names == ["alpha", "Bravo", "charlie", "delta", "Echo"]
    assert pages == 3


def test_a_damaged_cursor_is_a_422_at_the_after_parameter(salesperson_api, make_company):
    make_company("Acme")

    response = salesperson_api.get("companies", after="not-a-cursor")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "after"]


def test_a_company_without_sales_is_deleted_and_its_contacts_stay_without_a_company(
    salesperson_api, make_company, make_contact
):
    # Given
    company = make_company("Acme")
    contact = make_contact("Jansen", company_id=company["id"])

    # When
    response = salesperson_api.delete(f"companies/{company['id']}")

    # Then
    assert response.status_code == 204
    assert salesperson_api.get(f"companies/{company['id']}").status_code == 404
    assert salesperson_api.get(f"contacts/{contact['id']}").json()["company_id"] is None


def test_a_company_with_a_sale_is_not_deleted_and_422_says_why(salesperson_api, make_company, admin_user):
    # Given
    company = make_company("Acme")
    sale_type = sale_types.create_sale_type(admin_user, name="New customer")
    Sale.objects.create(title="Deal", sale_type=sale_type, company_id=company["id"], owner=admin_user)

    # When
    response = salesperson_api.delete(f"companies/{company['id']}")

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": "This company has one sale; move or delete it first."}
    assert salesperson_api.get(f"companies/{company['id']}").status_code == 200


# --- contacts --------------------------------------------------------------------------------------------------


def test_a_contact_is_shown_with_their_full_name_and_company_name(salesperson_api, make_company):
    # Given
    company = make_company("Acme")

    # When
    response = salesperson_api.post(
        "contacts",
        {"first_name": "Jan", "last_name": "Jansen", "company_id": company["id"], "title": "Buyer", "phone": "06 1"},
    )

    # Then
    assert response.status_code == 201
    contact = response.json()
    assert contact == {
        "id": contact["id"],
        "first_name": "Jan",
        "last_name": "Jansen",
        "name": "Jan Jansen",
        "company_id": company["id"],
        "company_name": "Acme",
        "title": "Buyer",
        "email": "",
        "phone": "06 1",
    }
    assert salesperson_api.get(f"contacts/{contact['id']}").json() == contact


def test_a_contact_of_an_unknown_company_is_refused_at_the_company_field(salesperson_api):
    response = salesperson_api.post("contacts", {"last_name": "Jansen", "company_id": 999})

    assert response.status_code == 422
    assert response.json() == {"detail": [{"loc": ["body", "company_id"], "msg": "There is no company with id 999."}]}


def test_a_contact_with_a_bad_e_mail_is_refused(salesperson_api):
    response = salesperson_api.post("contacts", {"last_name": "Jansen", "email": "jan@"})

    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "email"], "msg": "Enter a valid e-mail address."}]


def test_a_contact_is_taken_off_their_company_with_null(salesperson_api, make_company, make_contact):
    # Given
    company = make_company("Acme")
    contact = make_contact("Jansen", company_id=company["id"])

    # When
    response = salesperson_api.patch(f"contacts/{contact['id']}", {"company_id": None})

    # Then
    assert response.status_code == 200
    assert (response.json()["company_id"], response.json()["company_name"]) == (None, None)


def test_the_contact_list_searches_and_filters_on_a_company(salesperson_api, make_company, make_contact):
    # Given
    acme, globex = make_company("Acme"), make_company("Globex")
    make_contact("Jansen", first_name="Jan", company_id=acme["id"])
    make_contact("de Vries", first_name="Anna", company_id=globex["id"], email="anna@globex.example")
    make_contact("Bakker", first_name="Piet")

    # Then
    assert _all_pages(salesperson_api, "contacts")[0] == ["Piet Bakker", "Anna de Vries", "Jan Jansen"]
    assert _all_pages(salesperson_api, "contacts", q="GLOBEX")[0] == ["Anna de Vries"]
    assert _all_pages(salesperson_api, "contacts", q="jan jansen")[0] == ["Jan Jansen"]
    assert _all_pages(salesperson_api, "contacts", company=acme["id"])[0] == ["Jan Jansen"]
    assert _all_pages(salesperson_api, "contacts", company=acme["id"], limit=1, q="vries")[0] == []


def test_the_contact_list_pages_without_gaps(salesperson_api, make_contact):
    for last_name in ["Zwart", "bakker", "Mulder", "de Boer", "Visser"]:
        make_contact(last_name)

    names, pages = _all_pages(salesperson_api, "contacts", limit=2)

    assert names == ["bakker", "de Boer", "Mulder", "Visser", "Zwart"]
    assert pages == 3


def test_a_contact_is_deleted(salesperson_api, make_contact):
    contact = make_contact("Jansen")

    assert salesperson_api.delete(f"contacts/{contact['id']}").status_code == 204
    assert salesperson_api.get(f"contacts/{contact['id']}").status_code == 404


# --- who may call ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path"),
    [("get", "companies"), ("post", "companies"), ("get", "contacts"), ("post", "contacts")],
)
def test_a_caller_without_credentials_gets_401(anonymous_api, method, path):
    response = getattr(anonymous_api, method)(path) if method == "get" else anonymous_api.post(path, {"name": "x"})

    assert response.status_code == 401
    assert "detail" in response.json()


def test_a_browser_session_without_its_csrf_token_cannot_write(salesperson_user, make_api):
    # Given a logged-in browser that does not send its CSRF token
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(salesperson_user)
    session_api = make_api(client=browser)

    # When
    response = session_api.post("companies", {"name": "Acme"})

    # Then
    assert response.status_code == 403
    assert session_api.get("companies").json()["items"] == []


def test_the_openapi_document_lists_every_customer_operation(salesperson_api):
    paths = salesperson_api.get("openapi.json").json()["paths"]

    assert set(paths["/api/v1/companies"]) == {"get", "post"}
    assert set(paths["/api/v1/companies/{id}"]) == {"get", "patch", "delete"}
    assert set(paths["/api/v1/contacts"]) == {"get", "post"}
    assert set(paths["/api/v1/contacts/{id}"]) == {"get", "patch", "delete"}
    assert "422" in paths["/api/v1/companies/{id}"]["delete"]["responses"]
