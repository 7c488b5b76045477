"""Settings › Our company (issue 9, items 20 and 21): an administrator fills in the seller that letters name, and
its address and the customers' are written the way their country writes them on the pages that show them."""

from __future__ import annotations

import io
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from salesguide.models import OurCompany, Sale, SaleType
from salesguide.services import company, customers, sales
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db

PAGE = "/settings/company/"
FORM = {
    "name": "Northwind Till Systems Ltd",
    "address": "200 Aldersgate Street",
    "postal_code": "EC1A 4HD",
    "city": "London",
    "country": "United Kingdom",
    "phone": "020 7946 0321",
    "email": "sales@northwindtills.example",
    "website": "www.northwindtills.example",
    "registration_number": "01234567",
    "vat_number": "GB 123 4567 89",
    "iban": "GB29NWBK60161331926819",
}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 30), (31, 78, 121)).save(out, "PNG")
    return out.getvalue()


def text_of(response: Any) -> str:
    import html

    page = re.sub(r"<(script|style)\b.*?</\1>", " ", response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def error_of(response: Any, field: str) -> str:
    found = re.search(rf'id="id_{field}_error">(.*?)</div>', response.content.decode(), flags=re.S)
    return re.sub(r"<[^>]+>", "", found.group(1)).strip() if found else ""


def test_the_page_is_under_settings_and_linked_from_its_navigation(admin_client: Client) -> None:
    assert reverse("catalog:company") == PAGE
    page = admin_client.get("/settings/").content.decode()
    assert f'href="{PAGE}"' in page
    assert "Our company" in text_of(admin_client.get(PAGE))


def test_an_administrator_fills_in_our_company_with_a_logo_and_sees_it_saved(admin_client: Client) -> None:
    # When
    response = admin_client.post(PAGE, {**FORM, "logo": SimpleUploadedFile("logo.png", png(), "image/png")})

    # Then
    assert response.status_code == 302
    page = admin_client.get(PAGE)
    assert "Our company is saved." in text_of(page)
    stored = OurCompany.objects.get()
    assert (stored.name, stored.iban, stored.logo_content_type) == (
        "Northwind Till Systems Ltd",
        "GB29 NWBK 6016 1331 9268 19",
        "image/png",
    )
    assert f'src="{reverse("catalog:company_logo")}' in page.content.decode()


def test_every_problem_is_shown_next_to_its_field_at_once_and_nothing_is_saved(admin_client: Client) -> None:
    admin_client.post(PAGE, FORM)

    response = admin_client.post(
        PAGE,
        {
            **FORM,
            "name": "",
            "email": "nope",
            "iban": "GB00 1234",
            "logo": SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml"),
        },
    )

    assert response.status_code == 200
    assert error_of(response, "name") == "A name is required."
    assert error_of(response, "email") == "Enter a valid e-mail address."
    assert error_of(response, "iban") == "This is not a valid IBAN; check the number."
    assert error_of(response, "logo") == "Upload the logo as a PNG or JPEG image."
    stored = OurCompany.objects.get()
    assert (stored.name, stored.email, bool(stored.logo)) == (FORM["name"], FORM["email"], False)


def test_the_logo_is_removed_when_the_administrator_ticks_remove(admin_client: Client) -> None:
    admin_client.post(PAGE, {**FORM, "logo": SimpleUploadedFile("logo.png", png(), "image/png")})
    admin_client.post(PAGE, {**FORM, "remove_logo": "on"})
    assert not OurCompany.objects.get().logo
    assert admin_client.get(reverse("catalog:company_logo")).status_code == 404


@pytest.mark.parametrize("client_name", ["salesperson_client", "manager_client"])
def test_someone_who_is_not_an_administrator_cannot_open_or_change_it(
    request: pytest.FixtureRequest, client_name: str, admin_client: Client
) -> None:
    admin_client.post(PAGE, FORM)
    client: Client = request.getfixturevalue(client_name)

    assert client.get(PAGE).status_code == 403
    assert client.post(PAGE, {**FORM, "name": "Mine now"}).status_code == 403
    assert OurCompany.objects.get().name == FORM["name"]


def test_everyone_logged_in_sees_the_logo_and_nobody_else(admin_client: Client, salesperson_client: Client) -> None:
    admin_client.post(PAGE, {**FORM, "logo": SimpleUploadedFile("logo.png", png(), "image/png")})
    url = reverse("catalog:company_logo")

    seen = salesperson_client.get(url)
    assert (seen.status_code, seen["Content-Type"], seen.content) == (200, "image/png", png())
    assert Client().get(url).status_code == 302  # to the login page


# --- where addresses are shown ----------------------------------------------------------------------------------


@pytest.fixture
def english_sale(admin_user: Any, salesperson_user: Any) -> Sale:
    load_starter_guides("en")
    customer = customers.create_company(
        salesperson_user,
        name="Northgate Engineering",
        address="3 Canal Wharf",
        postal_code="LS11 5PS",
        city="Leeds",
        country="United Kingdom",
    )
    return sales.create_sale(
        salesperson_user,
        title="Till system",
        sale_type_id=SaleType.objects.get(name="Sale to new customer").pk,
        company_id=customer.pk,
    )


def test_the_company_card_writes_an_english_address_with_the_town_before_the_postcode(
    salesperson_client: Client, english_sale: Sale
) -> None:
    page = text_of(salesperson_client.get(reverse("customers:company_card", args=[english_sale.company_id])))
    assert "3 Canal Wharf, Leeds, LS11 5PS, United Kingdom" in page
    assert "LS11 5PS Leeds" not in page


def test_the_print_view_is_headed_by_our_company_and_shows_the_customers_address(
    admin_user: Any, salesperson_client: Client, english_sale: Sale
) -> None:
    # Given our company with a logo
    company.update_our_company(admin_user, **FORM, logo=png())

    # When a salesperson prints the sale
    response = salesperson_client.get(reverse("sales:print", args=[english_sale.pk]))

    # Then the page is headed by our company, its logo and address, and names the customer's address the
    # English way
    page = text_of(response)
    assert "Northwind Till Systems Ltd 200 Aldersgate Street London EC1A 4HD" in page
    assert "Northgate Engineering 3 Canal Wharf Leeds LS11 5PS" in page
    assert f'src="{reverse("catalog:company_logo")}"' in response.content.decode()


def test_the_print_view_is_headed_by_salesguide_while_our_company_has_no_name(
    salesperson_client: Client, english_sale: Sale
) -> None:
    page = text_of(salesperson_client.get(reverse("sales:print", args=[english_sale.pk])))
    assert page.count("Salesguide") >= 1
    assert "Northgate Engineering 3 Canal Wharf Leeds LS11 5PS" in page


def test_the_pdf_carries_our_logo(admin_user: Any, salesperson_client: Client, english_sale: Sale) -> None:
    import pypdf

    company.update_our_company(admin_user, **FORM, logo=png())

    response = salesperson_client.get(reverse("sales:print_pdf", args=[english_sale.pk]))

    reader = pypdf.PdfReader(io.BytesIO(response.content))
    assert "Northwind Till Systems Ltd" in reader.pages[0].extract_text()
    assert len(reader.pages[0].images) == 1


def test_the_pdf_printer_takes_a_png_or_jpeg_inside_the_page_and_refuses_other_inline_content() -> None:
    import base64
    from pathlib import Path

    from django.conf import settings

    from salesguide.documents.pdf import FetchRefused, StaticFilesOnly

    fetcher = StaticFilesOnly(settings.STATIC_URL, [Path(d) for d in settings.STATICFILES_DIRS])
    served = fetcher.fetch("data:image/png;base64," + base64.b64encode(png()).decode())
    assert served.read() == png()
    for url in (
        "data:image/svg+xml;base64," + base64.b64encode(b"<svg onload='alert(1)'/>").decode(),
        "data:text/html,<script>alert(1)</script>",
        "data:image/png;base64,not base64!",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)


def test_an_empty_logo_file_is_refused_together_with_the_other_problems(admin_client: Client) -> None:
    response = admin_client.post(PAGE, {**FORM, "name": "", "logo": SimpleUploadedFile("logo.png", b"", "image/png")})

    assert error_of(response, "logo") == "The file is empty."
    assert error_of(response, "name") == "A name is required."
    assert not OurCompany.objects.exists()
