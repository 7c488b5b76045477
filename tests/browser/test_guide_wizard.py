"""An administrator builds a guide with the five-step wizard in Chromium and sees it as a salesperson will."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from salesguide.models import SaleType, User
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import catalog, templates

PASSWORD = "wizard-admin-password"


def test_an_admin_builds_a_guide_in_five_steps_and_sees_its_preview(
    page: Page, live_server: Any, login: Callable[..., Page]
) -> None:
    # Given an administrator, an activity type and a document template
    admin = User.objects.create_user(username="ada", password=PASSWORD, role="admin", language="en")
    catalog.create_activity_type(admin, name="Phone call (out)", kind="call", default_duration_minutes=15)
    templates.create_text_template(admin, name="Quotation mail", kind="email", body="Dear customer, ...")
    login("ada", PASSWORD)

    # When the admin opens the guide designer and starts the wizard
    page.goto("/settings/guides/")
    page.get_by_role("link", name="Create a guide in five steps").first.click()
    expect(page.get_by_role("heading", name="Step 1 of 5: the stages")).to_be_visible()

    # Step 1: creates two stages inline; each is created and ticked at once
    for name, probability in (("Lead", "10"), ("Offer", "50")):
        page.get_by_label("Name of the new stage").fill(name)
        page.get_by_label("Probability (%)").fill(probability)
        page.get_by_role("button", name="Create stage").click()
        expect(page.get_by_role("checkbox", name=name)).to_be_checked()
    expect(page.get_by_text("Stage “Offer” created and chosen.")).to_be_visible()
    page.get_by_role("button", name="Next: the sale type").click()

    # Step 2: names the sale type; its stages are there in the order they were made
    expect(page.get_by_role("heading", name="Step 2 of 5: the sale type and its stages")).to_be_visible()
    expect(page.locator(".stage-picker__name")).to_have_text(["Lead", "Offer"])
    page.get_by_label("Name", exact=True).fill("Sale to new customer")
    page.get_by_role("button", name="Save and continue").click()

    # Step 3: switches the guide on
    expect(page.get_by_role("heading", name="Step 3 of 5: switch the guide on")).to_be_visible()
    page.get_by_role("button", name="Switch the guide on and continue").click()

    # Step 4: adds a follow-up to the first stage; the column updates in place
    expect(page.get_by_role("heading", name="Step 4 of 5: follow-ups per stage")).to_be_visible()
    column = page.locator("#followups-column")
    column.get_by_label("Name", exact=True).fill("Introduction call")
    column.get_by_label("Purpose").fill("Learn what the customer needs.")
    column.get_by_label("Days after the previous follow-up").fill("2")
    column.get_by_role("button", name="Add follow-up").click()
    expect(column.locator(".suggestion__name")).to_have_text(["Introduction call"])
    expect(page.get_by_text("Follow-up “Introduction call” added.")).to_be_visible()
    page.get_by_role("link", name="Next: documents").click()

    # Step 5: picks the second stage in the bar and adds a document to it
    expect(page.get_by_role("heading", name="Step 5 of 5: documents per stage")).to_be_visible()
    page.locator(".stagebar").get_by_role("link", name="Offer").click()
    expect(page.get_by_role("heading", name="Offer")).to_be_visible()
    documents = page.locator("#documents-column")
    documents.get_by_label("Name", exact=True).fill("Quotation")
    documents.get_by_label("Purpose").fill("Put our offer in writing.")
    documents.get_by_role("button", name="Add document").click()
    expect(documents.locator(".suggestion__name")).to_have_text(["Quotation"])
    page.get_by_role("link", name="Finish and preview").click()

    # Then the preview shows the stage bar with probabilities and the first stage's follow-up with its purpose
    expect(page.get_by_role("heading", name="Your guide is ready")).to_be_visible()
    bar = page.locator(".stagebar")
    expect(bar.locator(".stagebar__name")).to_have_text(["Lead", "Offer"])
    expect(bar.locator(".stagebar__probability")).to_have_text(["10%", "50%"])
    preview = page.locator("#guide-preview")
    expect(preview.get_by_text("Introduction call")).to_be_visible()
    expect(preview.get_by_text("Learn what the customer needs.")).to_be_visible()

    # and selecting the second stage in the bar shows its document with its purpose
    bar.get_by_role("link", name="Offer").click()
    expect(preview.get_by_text("Put our offer in writing.")).to_be_visible()
    expect(preview.get_by_text("Introduction call")).to_have_count(0)

    # and the guide was saved as built
    sale_type = SaleType.objects.get(name="Sale to new customer")
    guide = guide_of_sale_type(sale_type)
    assert guide.active
    assert [(s.name, s.probability) for s in guide.stages] == [("Lead", 10), ("Offer", 50)]
    assert [f.name for f in guide.stages[0].followups] == ["Introduction call"]
    assert [d.name for d in guide.stages[1].documents] == ["Quotation"]
