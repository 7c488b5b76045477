"""Issue 9, items 9–12 in Chromium, as an administrator and a salesperson see them: deleting a stage says which
guide it switches off, restoring it asks which sale types it goes back into, a deleted sale type's sale shows no
guide, and the sale form shows every problem at once and warns about an expected date in the past."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

from playwright.sync_api import Page, expect

from salesguide.models import SaleType, Stage
from salesguide.queries.guides import live_stages
from salesguide.services import catalog, guides, sale_types, sales
from salesguide.services.clock import today_for


def _two_guides(admin: Any) -> dict[str, Any]:
    """ "Short" (Lead → Offer) and "Long" (Lead → Offer → Contract), both with a guide and a suggestion on Offer."""
    lead, offer, contract = (
        catalog.create_stage(admin, name=name, probability=p)
        for name, p in (("Lead", 10), ("Offer", 50), ("Contract", 90))
    )
    call = catalog.create_activity_type(admin, name="Call", kind="call")
    short = sale_types.create_sale_type(admin, name="Short", stage_ids=[lead.pk, offer.pk], has_guide=True)
    long = sale_types.create_sale_type(admin, name="Long", stage_ids=[lead.pk, offer.pk, contract.pk], has_guide=True)
    guides.add_suggested_followup(admin, short.pk, offer.pk, name="Send the offer", activity_type_id=call.pk)
    guides.add_suggested_followup(admin, long.pk, offer.pk, name="Explain the offer", activity_type_id=call.pk)
    return {"offer": offer, "short": short, "long": long}


def test_an_administrator_deletes_a_stage_sees_the_guide_it_switches_off_and_restores_it_into_one_type(
    page: Page, login: Callable[..., Page], admin_user: Any
) -> None:
    world = _two_guides(admin_user)
    offer = world["offer"]
    login(admin_user)

    # The confirmation lists both sale types and says which guide is switched off
    page.goto("/settings/stages/")
    page.get_by_role("link", name="Delete Offer").click()
    rows = page.locator("table tbody tr")
    expect(rows).to_have_count(2)
    expect(rows.filter(has_text="Short")).to_contain_text("It will be switched off")
    expect(rows.filter(has_text="Long")).not_to_contain_text("switched off")

    # Deleting says so afterwards too
    page.get_by_role("button", name="Delete").click()
    expect(page.locator(".message--warning")).to_contain_text(
        "The guide of “Short” is switched off: a guide needs at least two stages."
    )
    assert SaleType.objects.get(pk=world["short"].pk).has_guide is False

    # Restoring asks which sale types it goes back into, each ticked, with its suggestions
    page.goto("/settings/stages/?deleted=1")
    page.get_by_role("link", name="Restore Offer").click()
    expect(page.get_by_text("Follow-up: Send the offer")).to_be_visible()
    expect(page.get_by_label("Short")).to_be_checked()
    expect(page.get_by_label("Long")).to_be_checked()
    page.get_by_label("Short").uncheck()
    page.get_by_role("button", name="Restore").click()

    expect(page.locator(".message--info")).to_contain_text("It is left out of: Short")
    assert Stage.objects.get(pk=offer.pk).deleted is False
    assert [s.name for s in live_stages(world["long"].pk)] == ["Lead", "Offer", "Contract"]
    assert [s.name for s in live_stages(world["short"].pk)] == ["Lead"]


def test_a_salesperson_sees_no_guide_on_a_sale_whose_type_was_deleted(
    page: Page, login: Callable[..., Page], admin_user: Any, salesperson_user: Any
) -> None:
    world = _two_guides(admin_user)
    sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=world["long"].pk)
    sale_types.delete_sale_type(admin_user, world["long"].pk)
    login(salesperson_user)

    page.goto(f"/sales/{sale.pk}/")

    expect(page.get_by_role("heading", name="Big deal")).to_be_visible()
    expect(page.locator(".tabs").get_by_role("link", name="Guide")).to_have_count(0)


def test_the_sale_form_shows_every_problem_at_once_and_warns_about_a_date_in_the_past(
    page: Page, login: Callable[..., Page], admin_user: Any, salesperson_user: Any
) -> None:
    stages = [catalog.create_stage(admin_user, name=n, probability=p) for n, p in (("Lead", 10), ("Offer", 50))]
    sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[s.pk for s in stages])
    login(salesperson_user)

    # Given a form with no title and an amount that is no amount
    page.goto("/sales/new/")
    page.get_by_label("Sale type").select_option(label="New customer")
    page.get_by_label("Amount").fill("twelve")
    page.get_by_role("button", name="Create sale").click()

    # Then both problems show at once
    expect(page.locator("#id_title_error")).to_have_text("A title is required.")
    expect(page.locator("#id_amount_error")).to_have_text("Enter an amount such as 1250,50 or 1250.50.")

    # When the user fixes both and picks a date in the past, the sale is saved with a warning
    yesterday = today_for(salesperson_user) - dt.timedelta(days=1)
    page.get_by_label("Title").fill("Late deal")
    page.get_by_label("Amount").fill("100")
    page.get_by_label("Expected date").fill(yesterday.isoformat())
    page.get_by_role("button", name="Create sale").click()

    expect(page.locator(".message--warning")).to_contain_text("The expected date is in the past.")
    expect(page.get_by_role("heading", name="Late deal")).to_be_visible()
