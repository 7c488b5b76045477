"""Deleting and restoring a stage, and deleting a sale type, as a salesperson's guide feels it (issue 9, items
9–11): what a deletion does to each sale type and its guide, which sale types a restored stage goes back into,
and that a deleted sale type's sales show no guide."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from salesguide.domain.errors import DuplicateName, NotAllowed, ValidationFailed
from salesguide.models import Sale, SaleType, SaleTypeStage, Stage, User
from salesguide.queries.guides import guide_of_sale_type, has_active_guide
from salesguide.queries.sale_guide import sale_guide
from salesguide.services import catalog, guides, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return User.objects.create_user(username="ada", password="x-very-long-1", role="admin")


@pytest.fixture
def seller():
    return User.objects.create_user(username="sam", password="x-very-long-1", role="salesperson")


@pytest.fixture
def world(admin):
    """Two guides share the stage "Offer": "Short" (Lead → Offer) and "Long" (Lead → Offer → Contract), and
    "Plain" (Offer → Contract) has no guide. Each link to "Offer" carries a suggestion."""
    lead, offer, contract = (
        catalog.create_stage(admin, name=name, probability=p)
        for name, p in (("Lead", 10), ("Offer", 50), ("Contract", 90))
    )
    call = catalog.create_activity_type(admin, name="Call", kind="call")
    short = sale_types.create_sale_type(admin, name="Short", stage_ids=[lead.pk, offer.pk], has_guide=True)
    long = sale_types.create_sale_type(admin, name="Long", stage_ids=[lead.pk, offer.pk, contract.pk], has_guide=True)
    plain = sale_types.create_sale_type(admin, name="Plain", stage_ids=[offer.pk, contract.pk])
    for sale_type, name in ((short, "Send the offer"), (long, "Explain the offer"), (plain, "Offer call")):
        guides.add_suggested_followup(admin, sale_type.pk, offer.pk, name=name, activity_type_id=call.pk)
    return SimpleNamespace(lead=lead, offer=offer, contract=contract, short=short, long=long, plain=plain, call=call)


def _in_offer(admin, sale_type, title):
    sale = sales.create_sale(admin, title=title, sale_type_id=sale_type.pk)
    return sales.move_sale_to_stage(admin, sale.pk, sale_type.links.get(stage__name="Offer").stage_id)


def _stage_names(sale_type):
    return [s.name for s in guide_of_sale_type(SaleType.objects.get(pk=sale_type.pk)).stages]


# --- item 9: deleting a stage ---------------------------------------------------------------------------------


def test_the_deletion_plan_lists_every_sale_type_with_its_guide_and_where_its_open_sales_move_when_asked(admin, world):
    # Given two open sales of "Long" and one of "Short" in "Offer"
    _in_offer(admin, world.long, "A")
    _in_offer(admin, world.long, "B")
    _in_offer(admin, world.short, "C")

    # When the administrator asks what deleting "Offer" would do
    plan = catalog.stage_deletion_plan(admin, world.offer.pk)

    # Then each sale type is listed with its guide, its open sales and where they go; nothing changed yet
    assert [
        (e.sale_type_name, e.guide_on, e.guide_switched_off, e.open_sales, e.move_to_stage_name) for e in plan.effects
    ] == [
        ("Short", True, True, 1, "Lead"),
        ("Long", True, False, 2, "Contract"),
        ("Plain", False, False, 0, "Contract"),
    ]
    assert Stage.objects.get(pk=world.offer.pk).deleted is False
    assert SaleType.objects.get(pk=world.short.pk).has_guide is True


def test_deleting_a_stage_switches_off_a_guide_that_would_keep_one_stage_and_says_so_when_deleted(admin, world):
    # Given
    sale = _in_offer(admin, world.short, "C")

    # When
    deletion = catalog.delete_stage(admin, world.offer.pk)

    # Then the guide of "Short" is off, "Long" keeps its guide, and the answer says so
    assert SaleType.objects.get(pk=world.short.pk).has_guide is False
    assert SaleType.objects.get(pk=world.long.pk).has_guide is True
    assert [n.render() for n in deletion.notices] == [
        "The guide of “Short” is switched off: a guide needs at least two stages."
    ]
    assert [e.sale_type_name for e in deletion.effects if e.guide_switched_off] == ["Short"]
    # and the sale moved on as before, and shows no guide now
    moved = Sale.objects.get(pk=sale.pk)
    assert moved.stage_id == world.lead.pk
    assert sale_guide(moved).has_guide is False


def test_a_salesperson_cannot_delete_a_stage_and_nothing_changes_when_refused(seller, world):
    with pytest.raises(NotAllowed):
        catalog.delete_stage(seller, world.offer.pk)
    with pytest.raises(NotAllowed):
        catalog.stage_deletion_plan(seller, world.offer.pk)

    assert Stage.objects.get(pk=world.offer.pk).deleted is False
    assert SaleType.objects.get(pk=world.short.pk).has_guide is True


# --- item 10: a deleted sale type's sales ---------------------------------------------------------------------


def test_a_sale_of_a_deleted_sale_type_shows_no_guide_until_the_type_is_restored_when_read(admin, world):
    # Given a sale on the guide of "Long"
    sale = sales.create_sale(admin, title="Big deal", sale_type_id=world.long.pk)
    assert sale_guide(sale).has_guide is True

    # When the sale type is deleted
    sale_types.delete_sale_type(admin, world.long.pk)
    sale = Sale.objects.select_related("sale_type").get(pk=sale.pk)

    # Then the sale shows no guide, whichever read model is asked
    assert sale_guide(sale).has_guide is False
    assert has_active_guide(sale.sale_type) is False
    assert guide_of_sale_type(sale.sale_type).active is False
    # but nothing configured is lost: restoring the type brings the guide back
    sale_types.restore_sale_type(admin, world.long.pk)
    sale = Sale.objects.select_related("sale_type").get(pk=sale.pk)
    assert sale_guide(sale).has_guide is True
    assert [s.name for s in sale_guide(sale).stages] == ["Lead", "Offer", "Contract"]


# --- item 11: restoring a stage ---------------------------------------------------------------------------------


def test_the_restore_plan_lists_the_sale_types_the_stage_was_in_with_their_suggestions(admin, world):
    # Given
    catalog.delete_stage(admin, world.offer.pk)

    # When
    plan = catalog.stage_restore_plan(admin, world.offer.pk)

    # Then
    assert [(link.sale_type_name, link.has_guide, link.followups) for link in plan] == [
        ("Short", False, ("Send the offer",)),
        ("Long", True, ("Explain the offer",)),
        ("Plain", False, ("Offer call",)),
    ]


def test_a_restored_stage_goes_back_only_into_the_sale_types_chosen_when_restored(admin, world):
    # Given
    catalog.delete_stage(admin, world.offer.pk)

    # When the administrator puts it back into "Long" only
    restored = catalog.restore_stage(admin, world.offer.pk, sale_type_ids=[world.long.pk])

    # Then
    assert Stage.objects.get(pk=world.offer.pk).deleted is False
    assert _stage_names(world.long) == ["Lead", "Offer", "Contract"]
    assert _stage_names(world.short) == ["Lead"]
    assert _stage_names(world.plain) == ["Contract"]
    assert [link.sale_type_name for link in restored.back_in] == ["Long"]
    assert [link.sale_type_name for link in restored.left_out] == ["Short", "Plain"]
    assert guide_of_sale_type(world.long).stages[1].followups[0].name == "Explain the offer"
    # and a left-out link keeps its suggestions for when the stage is put back into that type
    sale_types.update_sale_type(admin, world.plain.pk, stage_ids=[world.offer.pk, world.contract.pk])
    assert [f.name for f in guide_of_sale_type(world.plain).stages[0].followups] == ["Offer call"]


def test_a_restored_stage_goes_back_everywhere_when_no_choice_is_given(admin, world):
    # Given
    catalog.delete_stage(admin, world.offer.pk)

    # When
    restored = catalog.restore_stage(admin, world.offer.pk)

    # Then
    assert _stage_names(world.short) == ["Lead", "Offer"]
    assert _stage_names(world.plain) == ["Offer", "Contract"]
    assert restored.left_out == []


def test_a_restored_stage_goes_back_nowhere_when_no_sale_type_is_chosen(admin, world):
    # Given
    catalog.delete_stage(admin, world.offer.pk)

    # When
    catalog.restore_stage(admin, world.offer.pk, sale_type_ids=[])

    # Then it is a live stage again, in no sale type
    assert Stage.objects.get(pk=world.offer.pk).deleted is False
    assert not SaleTypeStage.objects.filter(stage=world.offer, removed=False).exists()


def test_choosing_a_sale_type_the_stage_was_not_in_is_refused_and_nothing_changes(admin, world):
    # Given a sale type that never had "Offer"
    other = sale_types.create_sale_type(admin, name="Other", stage_ids=[world.lead.pk])
    catalog.delete_stage(admin, world.offer.pk)

    # When
    with pytest.raises(ValidationFailed) as refused:
        catalog.restore_stage(admin, world.offer.pk, sale_type_ids=[world.long.pk, other.pk])

    # Then
    assert [p.loc for p in refused.value.problems] == [("sale_type_ids",)]
    assert Stage.objects.get(pk=world.offer.pk).deleted is True
    assert SaleTypeStage.objects.filter(stage=world.offer, removed=False).count() == 3


def test_restoring_a_stage_whose_name_was_taken_keeps_its_links_untouched_when_refused(admin, world):
    # Given
    catalog.delete_stage(admin, world.offer.pk)
    catalog.create_stage(admin, name="Offer", probability=40)

    # When
    with pytest.raises(DuplicateName):
        catalog.restore_stage(admin, world.offer.pk, sale_type_ids=[world.long.pk])

    # Then
    assert SaleTypeStage.objects.filter(stage=world.offer, removed=False).count() == 3
