"""The Content-Security-Policy breaks nothing (issue 9, item 25): in Chromium, with the policy the app sends,
the pages that run scripts still work — htmx, the Print button of the print view, closing a document preview in
the guide designer, document previews in their frames, the interactive API documentation — and the browser
reports no violation of the policy on any of them."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from playwright.sync_api import ConsoleMessage, Page, expect

from salesguide.models import Company, Contact, Sale, SaleType, Stage, User
from salesguide.services import sales
from salesguide.services.starter import load_starter_guides

PASSWORD = "policy-watcher-password"
# Calls to window.print() are counted instead of opening the print dialog. Init scripts run outside the page's
# policy, like a browser extension, so this does not need the policy to allow anything.
COUNT_PRINTS = "window.__prints = 0; window.print = () => { window.__prints += 1; };"


@pytest.fixture
def violations(page: Page) -> Iterator[list[str]]:
    """What the browser says it refused because of the policy, on this page and in its frames."""
    found: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        text = message.text
        if "Content Security Policy" in text or "Content-Security-Policy" in text or "Permissions policy" in text:
            found.append(text)

    page.on("console", on_console)
    page.add_init_script(COUNT_PRINTS)
    yield found


def _sale(seller: User) -> Sale:
    load_starter_guides("en")
    company = Company.objects.create(name="Harbour Bakery Ltd", city="Bristol")
    contact = Contact.objects.create(first_name="Ann", last_name="Baker", company=company)
    sale_type = SaleType.objects.get(name="Sale to new customer", deleted=False)
    sale = sales.create_sale(
        seller, title="Ovens for the harbour", sale_type_id=sale_type.pk, company_id=company.pk, contact_id=contact.pk
    )
    proposal = Stage.objects.get(name="Proposal", deleted=False)
    return sales.move_sale_to_stage(seller, sale.pk, proposal.pk)


@pytest.mark.django_db(transaction=True)
def test_a_salesperson_works_and_prints_without_a_policy_violation_when_the_policy_is_on(
    page: Page, login: Callable[..., Page], violations: list[str]
) -> None:
    # Given a salesperson with a sale in the proposal stage
    seller = User.objects.create_user(username="sam", password=PASSWORD, role="salesperson", language="en")
    sale = _sale(seller)
    login("sam", PASSWORD)

    # When they open the sale and preview its suggested quotation (htmx, a srcdoc frame)
    page.goto(f"/sales/{sale.pk}/")
    page.locator("#guide-tab").get_by_role("link", name="Quotation", exact=True).click()
    letter = page.locator("#preview-panel").frame_locator("iframe")
    expect(letter.get_by_text("Harbour Bakery Ltd").first).to_be_visible()

    # And they open the print view and press Print
    page.goto(f"/sales/{sale.pk}/print/")
    page.get_by_role("button", name="Print", exact=True).click()

    # Then the browser's print dialog was asked for, and nothing was refused on the way
    assert page.evaluate("window.__prints") == 1
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_an_administrator_opens_and_closes_a_document_preview_in_the_designer_when_the_policy_is_on(
    page: Page, login: Callable[..., Page], violations: list[str]
) -> None:
    # Given an administrator and the starter guides
    User.objects.create_user(username="ada", password=PASSWORD, role="admin", language="en")
    load_starter_guides("en")
    sale_type = SaleType.objects.get(name="Sale to new customer", deleted=False)
    proposal = Stage.objects.get(name="Proposal", deleted=False)
    login("ada", PASSWORD)

    # When the administrator previews the quotation in the designer's document column
    page.goto(f"/settings/guides/{sale_type.pk}/?stage={proposal.pk}")
    page.get_by_role("link", name="Preview Quotation").click()
    column = page.locator("#documents-column-preview")
    expect(column.get_by_role("button", name="Close the preview")).to_be_visible()

    # And closes it again
    column.get_by_role("button", name="Close the preview").click()

    # Then the preview is gone, and nothing was refused on the way
    expect(column.get_by_role("button", name="Close the preview")).to_have_count(0)
    expect(column).to_be_empty()
    assert violations == []


@pytest.mark.django_db(transaction=True)
def test_a_developer_reads_the_api_documentation_when_the_policy_is_on(
    page: Page, live_server: Any, violations: list[str]
) -> None:
    # When a developer opens the interactive API documentation
    page.goto("/api/v1/docs")
    # Then Swagger UI draws the operations of the API, and nothing was refused (the OpenAPI document of the whole
    # API takes a while to build on a busy machine)
    expect(page.locator(".swagger-ui .info .title").first).to_be_visible(timeout=30_000)
    expect(page.locator(".opblock").first).to_be_visible()
    assert page.locator(".opblock").count() > 10
    assert violations == []
