"""Deleting and restoring a stage through the API, and a deleted sale type's sales (issue 9, items 9–11): the
DELETE answer lists what happened to each sale type and guide, the restore takes the sale types the stage goes
back into, and the guide of a sale of a deleted sale type is not shown."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from salesguide.models import SaleType, SaleTypeStage, Stage
from salesguide.services import catalog, guides, sale_types, sales

pytestmark = pytest.mark.django_db


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
    return SimpleNamespace(lead=lead, offer=offer, contract=contract, short=short, long=long)


def _open_sale_in_offer(user, sale_type, offer):
    sale = sales.create_sale(user, title="Deal", sale_type_id=sale_type.pk)
    return sales.move_sale_to_stage(user, sale.pk, offer.pk)


def test_the_deletion_plan_says_what_a_delete_would_do_and_changes_nothing_when_asked(api, admin_user, world):
    # Given
    _open_sale_in_offer(admin_user, world.long, world.offer)

    # When
    response = api.get(f"stages/{world.offer.pk}/deletion-plan")

    # Then
    assert response.status_code == 200
    body = response.json()
    assert [
        (t["name"], t["guide_on"], t["guide_switched_off"], t["open_sales"], t["move_to_stage_name"])
        for t in body["sale_types"]
    ] == [
        ("Short", True, True, 0, "Lead"),
        ("Long", True, False, 1, "Contract"),
    ]
    assert body["notices"] == ["The guide of “Short” is switched off: a guide needs at least two stages."]
    assert Stage.objects.get(pk=world.offer.pk).deleted is False


def test_deleting_a_stage_switches_off_a_guide_left_with_one_stage_and_the_answer_says_so(api, admin_user, world):
    # Given
    _open_sale_in_offer(admin_user, world.long, world.offer)

    # When
    response = api.delete(f"stages/{world.offer.pk}")

    # Then the stage is deleted as before, and the answer lists each sale type and what happened to it
    assert response.status_code == 200
    body = response.json()
    assert (body["id"], body["deleted"]) == (world.offer.pk, True)
    assert [(t["id"], t["guide_switched_off"], t["open_sales"], t["move_to_stage_id"]) for t in body["sale_types"]] == [
        (world.short.pk, True, 0, world.lead.pk),
        (world.long.pk, False, 1, world.contract.pk),
    ]
    assert body["notices"] == ["The guide of “Short” is switched off: a guide needs at least two stages."]
    assert api.get(f"sale-types/{world.short.pk}").json()["has_guide"] is False
    assert api.get(f"sale-types/{world.long.pk}").json()["has_guide"] is True


def test_the_restore_plan_lists_the_sale_types_the_stage_was_in_with_their_suggestions(api, world):
    # Given
    api.delete(f"stages/{world.offer.pk}")

    # When
    response = api.get(f"stages/{world.offer.pk}/restore-plan")

    # Then
    assert response.status_code == 200
    assert [
        (t["id"], t["name"], t["has_guide"], t["followups"], t["documents"]) for t in response.json()["sale_types"]
    ] == [
        (world.short.pk, "Short", False, ["Send the offer"], []),
        (world.long.pk, "Long", True, [], []),
    ]


def test_restoring_a_stage_into_the_chosen_sale_types_leaves_the_others_out(api, world):
    # Given
    api.delete(f"stages/{world.offer.pk}")

    # When
    response = api.post(f"stages/{world.offer.pk}/restore", {"sale_type_ids": [world.long.pk]})

    # Then
    assert response.status_code == 200
    body = response.json()
    assert body["deleted"] is False
    assert (body["back_in"], body["left_out"]) == ([world.long.pk], [world.short.pk])
    assert [s["name"] for s in api.get(f"sale-types/{world.long.pk}").json()["stages"]] == ["Lead", "Offer", "Contract"]
    assert [s["name"] for s in api.get(f"sale-types/{world.short.pk}").json()["stages"]] == ["Lead"]


def test_restoring_a_stage_without_a_body_puts_it_back_everywhere(api, world):
    # Given
    api.delete(f"stages/{world.offer.pk}")

    # When
    response = api.post(f"stages/{world.offer.pk}/restore")

    # Then
    assert response.status_code == 200
    assert (response.json()["back_in"], response.json()["left_out"]) == ([world.short.pk, world.long.pk], [])
    assert [s["name"] for s in api.get(f"sale-types/{world.short.pk}").json()["stages"]] == ["Lead", "Offer"]


def test_restoring_into_a_sale_type_the_stage_was_not_in_answers_422_and_changes_nothing(api, admin_user, world):
    # Given
    other = sale_types.create_sale_type(admin_user, name="Other", stage_ids=[world.lead.pk])
    api.delete(f"stages/{world.offer.pk}")

    # When
    response = api.post(f"stages/{world.offer.pk}/restore", {"sale_type_ids": [other.pk]})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "sale_type_ids"]
    assert Stage.objects.get(pk=world.offer.pk).deleted is True
    assert SaleTypeStage.objects.filter(stage=world.offer, removed=False).count() == 2


def test_a_salesperson_cannot_see_the_plans_or_restore_a_stage(salesperson_api, api, world):
    api.delete(f"stages/{world.offer.pk}")

    assert salesperson_api.get(f"stages/{world.lead.pk}/deletion-plan").status_code == 403
    assert salesperson_api.get(f"stages/{world.offer.pk}/restore-plan").status_code == 403
    assert salesperson_api.post(f"stages/{world.offer.pk}/restore", {"sale_type_ids": []}).status_code == 403
    assert Stage.objects.get(pk=world.offer.pk).deleted is True


def test_the_guide_of_a_sale_of_a_deleted_sale_type_is_not_shown(api, admin_user, world):
    # Given a sale on the guide of "Long"
    sale = sales.create_sale(admin_user, title="Deal", sale_type_id=world.long.pk)
    assert api.get(f"sales/{sale.pk}/guide").json()["has_guide"] is True

    # When the sale type is deleted
    assert api.delete(f"sale-types/{world.long.pk}").status_code == 200

    # Then
    body = api.get(f"sales/{sale.pk}/guide").json()
    assert body["has_guide"] is False
    assert SaleType.objects.get(pk=world.long.pk).has_guide is True  # kept for a restore
