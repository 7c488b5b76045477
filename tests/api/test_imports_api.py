"""``POST /api/v1/imports/{companies|contacts|sales}`` (issue 11): a CSV or XLSX upload, a dry run, every
problem by row and column with 422 and nothing written, and the house's 401/403/415."""

from __future__ import annotations

import io
from typing import Any

import pytest

from salesguide.models import Company, Sale, StageChange
from salesguide.services import catalog, sale_types

pytestmark = pytest.mark.django_db

COMPANIES = b"Name,Registration number,City\nDrukkerij Delta,87654321,Delft\nGarage Jansen,,Haarlem\n"


def upload(content: bytes, name: str = "file.csv") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def new_customer(admin_user: Any) -> Any:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=60)
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])


def test_a_companies_file_is_imported_and_the_counts_come_back(salesperson_api):
    response = salesperson_api.upload("imports/companies", {"file": upload(COMPANIES)})
    assert response.status_code == 200, response.content
    assert response.json() == {"rows": 2, "created": 2, "updated": 0, "problems": [], "dry_run": False, "warnings": []}
    assert sorted(Company.objects.values_list("name", "city")) == [
        ("Drukkerij Delta", "Delft"),
        ("Garage Jansen", "Haarlem"),
    ]


def test_a_dry_run_answers_what_would_happen_and_writes_nothing(salesperson_api):
    response = salesperson_api.upload("imports/companies?dry_run=true", {"file": upload(COMPANIES)})
    assert response.status_code == 200
    assert response.json() == {"rows": 2, "created": 2, "updated": 0, "problems": [], "dry_run": True, "warnings": []}
    assert Company.objects.count() == 0


def test_a_sales_file_with_problems_is_refused_with_422_listing_each_and_nothing_is_written(
    salesperson_api, new_customer
):
    # Given a file with one good row and two bad ones, in Dutch
    content = "Titel;Verkooptype;Fase;Bedrag;Kleur\nOvens;New customer;Offer;1.250,50;rood\n;New customer;Nergens;x;\n"
    before = (Sale.objects.count(), StageChange.objects.count())
    salesperson_api.headers["Accept-Language"] = "nl"
    # When it is uploaded
    response = salesperson_api.upload("imports/sales", {"file": upload(content.encode("cp1252"), "verkoop.csv")})
    # Then 422 lists every problem in Dutch, and nothing changed
    assert response.status_code == 422
    body = response.json()
    assert body["detail"] == "Het bestand heeft 2 problemen; er is niets geïmporteerd."
    assert [(p["row"], p["column"]) for p in body["problems"]] == [(1, "Kleur"), (3, "Bedrag")]
    assert (body["rows"], body["dry_run"]) == (2, False)
    assert (Sale.objects.count(), StageChange.objects.count()) == before


def test_imported_sales_are_placed_by_the_rules_and_importing_again_changes_nothing(salesperson_api, new_customer):
    content = b"External reference,Title,Sale type,Stage,Status,Amount\nA-1,Ovens,New customer,Offer,sold,1250.50\n"
    first = salesperson_api.upload("imports/sales", {"file": upload(content)})
    again = salesperson_api.upload("imports/sales", {"file": upload(content)})
    assert (first.json()["created"], again.json()["created"], again.json()["updated"]) == (1, 0, 0)
    sale = Sale.objects.get(external_ref="A-1")
    assert (sale.status, sale.probability, sale.amount) == ("sold", 100, 125050)


def test_an_upload_without_a_file_is_a_422_naming_the_field(salesperson_api):
    response = salesperson_api.upload("imports/contacts", {"other": "x"})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "file"], "msg": "Upload a CSV or XLSX file."}]


def test_a_json_body_is_415(salesperson_api):
    assert salesperson_api.post("imports/companies", {"file": "x"}).status_code == 415


def test_without_a_token_the_import_is_401_and_writes_nothing(anonymous_api):
    response = anonymous_api.upload("imports/companies", {"file": upload(COMPANIES)})
    assert response.status_code == 401
    assert Company.objects.count() == 0


def test_a_deactivated_users_session_may_not_import(salesperson_user, client):
    # Given a logged-in browser whose user is deactivated meanwhile
    client.force_login(salesperson_user)
    salesperson_user.is_active = False
    salesperson_user.save()
    response = client.post("/api/v1/imports/companies", {"file": upload(COMPANIES)})
    assert response.status_code in (401, 403)
    assert Company.objects.count() == 0


def test_an_unknown_kind_is_404(salesperson_api):
    assert salesperson_api.upload("imports/activities", {"file": upload(COMPANIES)}).status_code == 404


def test_the_openapi_document_lists_the_columns_of_each_import(api):
    document = api.get("openapi.json").json()
    description = document["paths"]["/api/v1/imports/sales"]["post"]["description"]
    assert "`External reference`" in description and "`Sale type` (required to create)" in description
    assert "multipart/form-data" in document["paths"]["/api/v1/imports/companies"]["post"]["requestBody"]["content"]
