"""The "Export" menu of the list pages and the files behind it (issue 11): each list as CSV or XLSX with the
filters the page shows, in the user's language."""

from __future__ import annotations

import re
from html import unescape

import pytest
from django.http import FileResponse, StreamingHttpResponse
from django.test import Client

from list_files_world import SALE_HEADERS_EN, build_world, read_csv, read_xlsx

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def world(admin_user, salesperson_user):
    return build_world(admin_user, salesperson_user)


def export_links(html: str) -> dict[str, str]:
    """The export menu's links by format (``csv``, ``xlsx``)."""
    menu = re.search(r'<details class="menu export-menu" id="export-menu".*?</details>', html, re.S)
    assert menu, "the page has an export menu"
    return {
        re.search(r"export\.(csv|xlsx)", href).group(1): unescape(href)  # type: ignore[union-attr]
        for href in re.findall(r'href="([^"]+)"', menu.group(0))
    }


def download(client: Client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200, url
    assert isinstance(response, StreamingHttpResponse | FileResponse)
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content)


def test_the_sale_lists_export_menu_carries_the_pages_filters(admin_client, world):
    page = admin_client.get("/sales/", {"status": "open", "q": "deal"}).content.decode()

    links = export_links(page)

    assert links["csv"].startswith("/sales/export.csv?")
    assert "status=open" in links["csv"] and "q=deal" in links["csv"]
    _separator, rows = read_csv(download(admin_client, links["csv"]))
    assert rows[0] == SALE_HEADERS_EN
    assert [row[2] for row in rows[1:]] == ["Big deal; “quoted”"]
    rows = read_xlsx(download(admin_client, links["xlsx"]))
    assert [row[2] for row in rows[1:]] == ["Big deal; “quoted”"]


def test_a_filter_changed_with_htmx_brings_the_menu_along_with_its_new_filters(admin_client, world):
    answer = admin_client.get("/sales/", {"owner": "me", "status": "sold"}, headers=HTMX).content.decode()

    assert 'hx-swap-oob="true"' in answer
    links = export_links(answer)
    _separator, rows = read_csv(download(admin_client, links["csv"]))
    assert [row[2] for row in rows[1:]] == ["Renewal"]


def test_a_dutch_user_gets_dutch_headers_and_numbers(make_user, world):
    client = Client()
    client.force_login(make_user("jan", "salesperson", language="nl"))

    separator, rows = read_csv(download(client, f"/sales/export.csv?company={world.acme.pk}"))

    assert separator == ";"
    assert rows[0][2:5] == ["Titel", "Verkooptype", "Bedrijf"]
    assert [(row[2], row[7], row[11]) for row in rows[1:]] == [
        ("Renewal", "10000,00", "Verkocht"),
        ("Big deal; “quoted”", "1250,50", "Open"),
    ]
    assert export_links(client.get("/sales/").content.decode())["xlsx"] == "/sales/export.xlsx"


def test_the_company_and_contact_lists_export_what_they_list(admin_client, world):
    companies = export_links(admin_client.get("/companies/", {"q": "zoë"}).content.decode())
    contacts = export_links(admin_client.get("/contacts/", {"company": world.acme.pk}).content.decode())

    _sep, company_rows = read_csv(download(admin_client, companies["csv"]))
    contact_rows = read_xlsx(download(admin_client, contacts["xlsx"]))

    assert [row[1] for row in company_rows[1:]] == ["Café Zoë"]
    assert [row[1:4] for row in contact_rows[1:]] == [["Jan", "Jansen", "Acme BV"]]


def test_a_company_search_through_htmx_updates_the_menu_out_of_band(admin_client, world):
    answer = admin_client.get("/companies/", {"q": "acme"}, headers={**HTMX, "HX-Target": "item-list"})

    assert "q=acme" in export_links(answer.content.decode())["csv"]


def test_the_activity_list_exports_whose_list_it_is(admin_client, world):
    page = admin_client.get("/activities/", {"owner": world.seller.pk, "period": "all"}).content.decode()

    _sep, rows = read_csv(download(admin_client, export_links(page)["csv"]))

    assert [(row[2], row[5]) for row in rows[1:]] == [("Visit the café", "salesperson")]


def test_the_board_exports_its_open_sales_of_the_sale_type(admin_client, world):
    page = admin_client.get("/board/", {"sale_type": world.licences.pk, "owner": "all"}).content.decode()

    rows = read_xlsx(download(admin_client, export_links(page)["xlsx"]))

    assert [row[2] for row in rows[1:]] == ["Seller's own", "Big deal; “quoted”"]


@pytest.mark.parametrize("url", ["/sales/export.pdf", "/deals/export.csv"])
def test_another_list_or_format_is_not_found(admin_client, world, url):
    assert admin_client.get(url).status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client, world):
    response = client.get("/sales/export.csv")

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
