"""Our company and addresses as a person sees them, in Chromium (issue 9, items 20 and 21): an administrator fills
in Settings › Our company with a logo; a salesperson then prints a sale to an English customer and sees our
letterhead with the logo, and the customer's address written the English way, on the print view and the
company card."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from PIL import Image
from playwright.sync_api import Page, expect

from salesguide.models import Company, OurCompany, SaleType, User
from salesguide.services import sales
from salesguide.services.starter import load_starter_guides

PASSWORD = "letterhead-password"


@pytest.mark.django_db(transaction=True)
def test_an_administrator_sets_our_company_and_a_salesperson_prints_with_it_when_the_customer_is_english(
    page: Page, login: Callable[..., Page], tmp_path: Path
) -> None:
    # Given an administrator, a salesperson and a sale to a company in Leeds
    User.objects.create_user(username="ada", password=PASSWORD, role="admin", language="en")
    seller = User.objects.create_user(username="sam", password=PASSWORD, role="salesperson", language="en")
    load_starter_guides("en")
    customer = Company.objects.create(
        name="Northgate Engineering", address="3 Canal Wharf", postal_code="LS11 5PS", city="Leeds", country="UK"
    )
    sale = sales.create_sale(
        seller,
        title="Till system",
        sale_type_id=SaleType.objects.get(name="Sale to new customer").pk,
        company_id=customer.pk,
    )
    logo = tmp_path / "logo.png"
    Image.new("RGB", (300, 100), (31, 78, 121)).save(logo, "PNG")

    # When the administrator fills in Settings › Our company, with a logo, and saves
    login("ada", PASSWORD)
    page.goto("/settings/")
    page.get_by_role("navigation", name="Settings and maintenance").get_by_role("link", name="Our company").click()
    page.get_by_role("textbox", name="Name", exact=True).fill("Northwind Till Systems Ltd")
    page.get_by_label("Address", exact=True).fill("200 Aldersgate Street")
    page.get_by_label("Postal code", exact=True).fill("EC1A 4HD")
    page.get_by_label("City", exact=True).fill("London")
    page.get_by_label("Country", exact=True).fill("United Kingdom")
    page.get_by_label("IBAN", exact=True).fill("GB29NWBK60161331926819")
    page.get_by_label("Logo", exact=True).set_input_files(str(logo))
    page.get_by_role("button", name="Save").click()

    # Then it is saved, the IBAN in groups of four, and the logo shows on the page
    expect(page.get_by_text("Our company is saved.")).to_be_visible()
    expect(page.get_by_label("IBAN", exact=True)).to_have_value("GB29 NWBK 6016 1331 9268 19")
    expect(page.get_by_role("img", name="The current logo")).to_be_visible()
    assert page.get_by_role("img", name="The current logo").evaluate("img => img.naturalWidth") == 300
    assert OurCompany.objects.get().name == "Northwind Till Systems Ltd"

    # When the salesperson prints the sale
    page.context.clear_cookies()
    login("sam", PASSWORD)
    page.goto(f"/sales/{sale.pk}/print/")

    # Then our company heads the page, with its logo, and the customer's address has the town above the postcode
    # (and no country: both are in the United Kingdom)
    header = page.locator(".report-header")
    expect(header).to_contain_text("Northwind Till Systems Ltd")
    expect(header.get_by_role("img", name="Logo of Northwind Till Systems Ltd")).to_be_visible()
    assert header.get_by_role("img").evaluate("img => img.naturalWidth") == 300
    company_block = page.locator(".facts__grid dd").first
    expect(company_block).to_have_text("Northgate Engineering 3 Canal Wharf Leeds LS11 5PS", use_inner_text=True)

    # And the company card writes the address the same way, on one line
    page.goto(f"/companies/{customer.pk}/")
    expect(page.get_by_text("3 Canal Wharf, Leeds, LS11 5PS, UK")).to_be_visible()
