"""``GET /api/v1/{companies|contacts|sales|activities}?format=csv|xlsx`` (issue 11): the whole filtered list as
a file, streamed, with the list's filters, in the request's language."""

from __future__ import annotations

import pytest
from django.db import connection
from django.http import FileResponse, StreamingHttpResponse
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from list_files_world import SALE_HEADERS_EN, build_world, read_csv, read_xlsx
from salesguide.domain.file_columns import COLUMNS
from salesguide.models import Sale
from salesguide.services import sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user, salesperson_user):
    admin_user.time_zone = "Europe/Amsterdam"
    admin_user.save()
    return build_world(admin_user, salesperson_user)


def content_of(response) -> bytes:
    return b"".join(response.streaming_content)


def test_a_csv_of_the_sales_has_the_import_columns_in_english_with_major_units_and_iso_dates(api, world):
    response = api.get("sales", format="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="sales-')
    separator, rows = read_csv(content_of(response))
    assert separator == ","
    assert rows[0] == SALE_HEADERS_EN
    by_title = {row[2]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert list(by_title) == ["Seller's own", "Renewal", "Koffie", "Big deal; “quoted”"]  # newest first
    big = by_title["Big deal; “quoted”"]
    assert big == {
        "Id": str(world.big_deal.pk),
        "External reference": "",
        "Title": "Big deal; “quoted”",
        "Sale type": "Licences",
        "Company": "Acme BV",
        "Contact": "jan@acme.example",
        "Owner": "admin",
        "Amount": "1250.50",
        "Currency": "EUR",
        "Stage": "Offer",
        "Probability": "40",
        "Status": "Open",
        "Expected date": "2031-12-31",
        "Closed date": "",
        "Description": "With a, comma",
    }
    assert by_title["Koffie"]["Contact"] == "Zoë de Vries"  # no e-mail address: the full name
    assert by_title["Koffie"]["Amount"] == "0.99"
    assert (by_title["Renewal"]["Status"], by_title["Renewal"]["Closed date"]) == ("Sold", "2030-06-01")


def test_a_dutch_csv_has_dutch_headers_semicolons_and_decimal_commas(make_api, token_for, world):
    dutch = make_api(token_for(world.admin), language="nl")

    separator, rows = read_csv(content_of(dutch.get("sales", format="csv", status="open", company=world.acme.pk)))

    assert separator == ";"
    with translation.override("nl"):
        assert rows[0] == [gettext(column.label) for column in COLUMNS["sales"]]
    assert {"Titel", "Bedrijf", "Bedrag", "Fase", "Status"} <= set(rows[0])
    assert [(row[2], row[7], row[11]) for row in rows[1:]] == [("Big deal; “quoted”", "1250,50", "Open")]


def test_the_file_has_the_lists_filters_and_ignores_its_paging(api, world):
    listed = api.get("sales", sale_type=world.licences.pk, q="deal", limit=1).json()["items"]

    _separator, rows = read_csv(
        content_of(api.get("sales", format="csv", sale_type=world.licences.pk, q="deal", limit=1))
    )

    assert [row[2] for row in rows[1:]] == ["Big deal; “quoted”"] == [sale["title"] for sale in listed]
    _separator, rows = read_csv(content_of(api.get("sales", format="csv", owner=world.seller.pk, after="junk")))
    assert [row[2] for row in rows[1:]] == ["Seller's own"]


def test_an_xlsx_of_the_sales_has_numbers_dates_and_currency_formats(make_api, token_for, world):
    dutch = make_api(token_for(world.admin), language="nl")

    response = dutch.get("sales", format="xlsx")

    assert isinstance(response, FileResponse)
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response["Content-Disposition"].startswith('attachment; filename="sales-')
    rows = read_xlsx(content_of(response))
    assert rows[0][2:5] == ["Titel", "Verkooptype", "Bedrijf"]
    big = next(row for row in rows if row[2] == "Big deal; “quoted”")
    assert big[0] == world.big_deal.pk
    assert big[7] == 1250.5
    assert big[12].isoformat() == "2031-12-31T00:00:00"  # a date cell
    assert big[11] == "Open"
    sold = next(row for row in rows if row[2] == "Renewal")
    assert sold[11] == "Verkocht"


def test_companies_and_contacts_files_list_what_their_lists_list(api, world):
    _sep, companies = read_csv(content_of(api.get("companies", format="csv", q="utrecht")))
    _sep, contacts = read_csv(content_of(api.get("contacts", format="csv", company=world.cafe.pk)))

    assert companies == [
        [
            "Id",
            "Name",
            "Registration number",
            "Address",
            "Postal code",
            "City",
            "Country",
            "Phone",
            "E-mail",
            "Website",
            "Notes",
        ],
        [
            str(world.acme.pk),
            "Acme BV",
            "12345678",
            "",
            "",
            "Utrecht",
            "",
            "",
            "info@acme.example",
            "",
            "Two lines\nof notes",
        ],
    ]
    assert contacts == [
        ["Id", "First name", "Last name", "Company", "Job title", "E-mail", "Phone"],
        [str(world.zoe.pk), "Zoë", "de Vries", "Café Zoë", "", "", ""],
    ]


def test_an_activities_file_has_times_with_their_offset_in_the_users_time_zone(api, world):
    _sep, rows = read_csv(content_of(api.get("activities", format="csv")))

    assert rows[0] == [
        "Id", "Activity type", "Title", "Start", "Duration (minutes)", "Owner", "Sale", "Company", "Contact",
        "Completed", "Text",
    ]  # fmt: skip
    assert rows[1] == [
        str(world.call.pk), "Phone call", "Call Jan", "2031-01-15T09:30:00+01:00", "15", "admin",
        "Big deal; “quoted”", "Acme BV", "jan@acme.example", "", "Ask about the offer",
    ]  # fmt: skip
    assert [row[2] for row in rows[1:]] == ["Call Jan", "Visit the café"]


def test_a_salespersons_activities_file_by_owner_is_their_own_as_their_list_is(salesperson_api, world):
    _sep, rows = read_csv(content_of(salesperson_api.get("activities", format="csv", owner=world.admin.pk)))

    assert [row[2] for row in rows[1:]] == ["Visit the café"]


def test_an_unknown_format_is_a_422_and_no_file(api, world):
    response = api.get("sales", format="pdf")

    assert response.status_code == 422
    assert "detail" in response.json()


def test_a_file_needs_a_logged_in_caller(make_api, world):
    response = make_api().get("sales", format="csv")

    assert response.status_code == 401


def test_a_csv_is_streamed_and_its_rows_are_read_only_while_it_is_sent(api, world):
    sale_table = connection.ops.quote_name(Sale._meta.db_table)
    with CaptureQueriesContext(connection) as building:
        response = api.get("sales", format="csv")
    sales.create_sale(world.admin, title="Made while the file was on its way", sale_type_id=world.licences.pk)

    _sep, rows = read_csv(content_of(response))

    assert isinstance(response, StreamingHttpResponse)
    assert not [query for query in building.captured_queries if f"FROM {sale_table}" in query["sql"]]
    assert rows[1][2] == "Made while the file was on its way"
    assert len(rows) == 1 + 5


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
def test_an_export_costs_the_same_number_of_queries_for_2_sales_as_for_40(api, world, file_format):
    def queries_of_an_export() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = api.get("sales", format=file_format)
            content_of(response)
        return len(captured.captured_queries)

    queries_of_an_export()  # the first call of a token also stamps when it was last used
    few = queries_of_an_export()
    for number in range(40):
        sales.create_sale(world.admin, title=f"Sale {number}", sale_type_id=world.services.pk, company_id=world.acme.pk)

    assert queries_of_an_export() == few
    assert few == 2  # the caller's token (with the user), then the rows: one query


def test_the_openapi_document_describes_the_file_answers_of_every_list(api):
    document = api.get("openapi.json").json()

    for path in ("/api/v1/companies", "/api/v1/contacts", "/api/v1/sales", "/api/v1/activities"):
        operation = document["paths"][path]["get"]
        content = operation["responses"]["200"]["content"]
        assert {"application/json", "text/csv; charset=utf-8"} <= set(content), path
        assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in content
        assert any(parameter["name"] == "format" for parameter in operation["parameters"]), path
