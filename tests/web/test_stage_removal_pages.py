"""Deleting and restoring a stage in Settings, and a deleted sale type's sales, as an administrator and a
salesperson see them (issue 9, items 9–11)."""

from __future__ import annotations

import re
from types import SimpleNamespace

import pytest
from django.test import Client

from salesguide.models import SaleType, SaleTypeStage, Stage
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import catalog, guides, sale_types, sales

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return " ".join(re.sub(r"<[^>]+>", " ", page).split())


def messages_of(response) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", m).split())
        for m in re.findall(r'<p class="message__text">(.*?)</p>', response.content.decode(), re.S)
    ]


@pytest.fixture
def world(admin_user):
    lead, offer, contract = (
        catalog.create_stage(admin_user, name=name, probability=p)
        for name, p in (("Lead", 10), ("Offer", 50), ("Contract", 90))
    )
    call = catalog.create_activity_type(admin_user, name="Call", kind="call")
    short = sale_types.create_sale_type(admin_user, name="Short", stage_ids=[lead.pk, offer.pk], has_guide=True)
    long = sale_types.create_sale_type(
        admin_user, name="Long", stage_ids=[lead.pk, offer.pk, contract.pk], has_guide=True
    )
    guides.add_suggested_followup(admin_user, short.pk, offer.pk, name="Send the offer", activity_type_id=call.pk)
    guides.add_suggested_followup(admin_user, long.pk, offer.pk, name="Explain the offer", activity_type_id=call.pk)
    return SimpleNamespace(lead=lead, offer=offer, contract=contract, short=short, long=long)


def _stage_names(sale_type) -> list[str]:
    return [s.name for s in guide_of_sale_type(SaleType.objects.get(pk=sale_type.pk)).stages]


# --- item 9: the delete confirmation -------------------------------------------------------------------------


def test_the_delete_confirmation_lists_the_sale_types_guides_and_open_sales_it_affects(
    admin_client: Client, admin_user, world
):
    # Given two open sales of "Long" in "Offer"
    for title in ("A", "B"):
        sale = sales.create_sale(admin_user, title=title, sale_type_id=world.long.pk)
        sales.move_sale_to_stage(admin_user, sale.pk, world.offer.pk)

    # When
    page = text_of(admin_client.get(f"/settings/stages/{world.offer.pk}/delete/"))

    # Then
    assert "Delete “Offer”?" in page
    assert "Short Guide on It will be switched off: a guide needs at least two stages. No open sales" in page
    assert "Long Guide on 2 open sales move to “Contract”" in page
    assert Stage.objects.get(pk=world.offer.pk).deleted is False


def test_deleting_a_stage_says_which_guide_it_switched_off(admin_client: Client, world):
    # When
    response = admin_client.post(f"/settings/stages/{world.offer.pk}/delete/", follow=True)

    # Then
    assert messages_of(response) == [
        "“Offer” is deleted. Tick “Show deleted” to find it and restore it.",
        "The guide of “Short” is switched off: a guide needs at least two stages.",
    ]
    assert SaleType.objects.get(pk=world.short.pk).has_guide is False
    assert SaleType.objects.get(pk=world.long.pk).has_guide is True


# --- item 11: restoring -----------------------------------------------------------------------------------------


def test_the_deleted_stages_restore_button_opens_the_restore_page(admin_client: Client, admin_user, world):
    # Given
    catalog.delete_stage(admin_user, world.offer.pk)

    # When
    listing = admin_client.get("/settings/stages/?deleted=1").content.decode()

    # Then
    assert f'href="/settings/stages/{world.offer.pk}/restore/"' in listing


def test_the_restore_page_lists_the_sale_types_with_their_suggestions_each_ticked(
    admin_client: Client, admin_user, world
):
    # Given
    catalog.delete_stage(admin_user, world.offer.pk)

    # When
    response = admin_client.get(f"/settings/stages/{world.offer.pk}/restore/")

    # Then
    page = response.content.decode()
    assert response.status_code == 200
    assert "Restore “Offer”" in text_of(response)
    for sale_type in (world.short, world.long):
        assert re.search(rf'<input type="checkbox" name="sale_types" value="{sale_type.pk}"[^>]*checked', page)
    assert "Send the offer" in text_of(response) and "Explain the offer" in text_of(response)
    assert Stage.objects.get(pk=world.offer.pk).deleted is True


def test_restoring_with_one_sale_type_unticked_leaves_the_stage_out_of_it(admin_client: Client, admin_user, world):
    # Given
    catalog.delete_stage(admin_user, world.offer.pk)

    # When the administrator unticks "Short" (a browser sends only the ticked boxes)
    response = admin_client.post(
        f"/settings/stages/{world.offer.pk}/restore/",
        {"chosen": "1", "sale_types": [str(world.long.pk)]},
        follow=True,
    )

    # Then
    assert messages_of(response) == [
        "“Offer” is restored.",
        "It is back in: Long. It is left out of: Short; its suggestions are kept for when you add it again.",
    ]
    assert _stage_names(world.long) == ["Lead", "Offer", "Contract"]
    assert _stage_names(world.short) == ["Lead"]


def test_restoring_with_every_sale_type_unticked_restores_the_stage_in_none(admin_client: Client, admin_user, world):
    # Given
    catalog.delete_stage(admin_user, world.offer.pk)

    # When
    admin_client.post(f"/settings/stages/{world.offer.pk}/restore/", {"chosen": "1"})

    # Then
    assert Stage.objects.get(pk=world.offer.pk).deleted is False
    assert not SaleTypeStage.objects.filter(stage=world.offer, removed=False).exists()


def test_a_salesperson_cannot_open_the_restore_page_and_nothing_changes(salesperson_client: Client, admin_user, world):
    catalog.delete_stage(admin_user, world.offer.pk)

    assert salesperson_client.get(f"/settings/stages/{world.offer.pk}/restore/").status_code == 403
    assert salesperson_client.post(f"/settings/stages/{world.offer.pk}/restore/", {"chosen": "1"}).status_code == 403
    assert Stage.objects.get(pk=world.offer.pk).deleted is True


# --- item 10: a deleted sale type's sales -----------------------------------------------------------------------


def test_a_sale_of_a_deleted_sale_type_shows_no_guide_on_the_card_the_tab_or_the_print(
    salesperson_client: Client, salesperson_user, admin_user, world
):
    # Given a sale on the guide of "Long", whose card shows the guide
    sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=world.long.pk)
    assert "?tab=guide" in salesperson_client.get(f"/sales/{sale.pk}/").content.decode()

    # When the sale type is deleted
    sale_types.delete_sale_type(admin_user, world.long.pk)

    # Then no Guide tab, the guide tab says there is no guide, and the print has no guide
    card = salesperson_client.get(f"/sales/{sale.pk}/").content.decode()
    assert "?tab=guide" not in card
    tab = text_of(salesperson_client.get(f"/sales/{sale.pk}/?tab=guide"))
    assert "Explain the offer" not in tab
    printed = text_of(salesperson_client.get(f"/sales/{sale.pk}/print/"))
    assert "Big deal" in printed and "Explain the offer" not in printed and "Contract" not in printed


def test_choosing_a_sale_type_the_stage_was_not_in_shows_the_page_again_and_restores_nothing(
    admin_client: Client, admin_user, world
):
    # Given a sale type that never had "Offer"
    other = sale_types.create_sale_type(admin_user, name="Other", stage_ids=[world.lead.pk])
    catalog.delete_stage(admin_user, world.offer.pk)

    # When a crafted post names it
    response = admin_client.post(
        f"/settings/stages/{world.offer.pk}/restore/", {"chosen": "1", "sale_types": [str(other.pk)]}
    )

    # Then
    assert response.status_code == 422
    assert "Choose among the sale types the stage was in." in text_of(response)
    assert Stage.objects.get(pk=world.offer.pk).deleted is True


def test_opening_the_delete_page_of_a_deleted_stage_goes_back_to_the_list(admin_client: Client, admin_user, world):
    catalog.delete_stage(admin_user, world.offer.pk)

    response = admin_client.get(f"/settings/stages/{world.offer.pk}/delete/", follow=True)

    assert messages_of(response) == ["“Offer” is deleted already."]
