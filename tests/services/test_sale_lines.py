"""The lines of a sale through their service: replaced all at once with the sale's version, the amount follows
them, the amount cannot be typed apart from them, and only the owner or a manager changes them."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from salesguide.domain.errors import NotAllowed, StaleVersion, ValidationFailed
from salesguide.domain.sale_lines import lines_total, validated_lines
from salesguide.models import Sale, SaleLine
from salesguide.queries.sale_lines import sale_lines
from salesguide.services import catalog, sale_types, sales
from salesguide.services.demo_data import PLAN, demo_lines
from salesguide.services.sale_lines import replace_sale_lines

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale(admin_user: Any, salesperson_user: Any) -> Sale:
    """A salesperson's open sale of 500.00 EUR, without lines."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    return sales.create_sale(
        salesperson_user, title="Acme website", sale_type_id=sale_type.pk, amount=50_000, currency="EUR"
    )


def line(description: str = "Design", quantity: Any = "1", unit_price: int = 10_000) -> dict[str, Any]:
    return {"description": description, "quantity": quantity, "unit_price": unit_price}


def stored(sale: Sale) -> list[tuple[str, Decimal, int]]:
    return [(row.description, row.quantity, row.unit_price) for row in SaleLine.objects.filter(sale=sale)]


def test_giving_a_sale_lines_makes_its_amount_their_total_and_bumps_its_version(
    salesperson_user: Any, sale: Sale
) -> None:
    # Given a sale of 500.00 at version 1
    # When its owner gives it two lines
    saved = replace_sale_lines(
        salesperson_user, sale.pk, [line("Design", "2.5", 8_000), line("Hosting", 12, 1_499)], version=sale.version
    )
    # Then the lines are stored in order, the amount is 200.00 + 179.88, and the version went up
    assert stored(sale) == [("Design", Decimal("2.50"), 8_000), ("Hosting", Decimal("12.00"), 1_499)]
    reloaded = Sale.objects.get(pk=sale.pk)
    assert reloaded.amount == saved.amount == 37_988
    assert reloaded.version == sale.version + 1
    # And the read side shows the lines with their totals
    view = sale_lines(sale.pk)
    assert view is not None
    assert [(row.description, row.total) for row in view.lines] == [("Design", 20_000), ("Hosting", 17_988)]
    assert (view.amount, view.currency, view.version) == (37_988, "EUR", reloaded.version)


def test_replacing_the_lines_replaces_all_of_them(salesperson_user: Any, sale: Sale) -> None:
    # Given a sale with two lines
    first = replace_sale_lines(salesperson_user, sale.pk, [line("Old one"), line("Old two")], version=sale.version)
    # When the lines are replaced by one new line
    replace_sale_lines(salesperson_user, sale.pk, [line("New", "3", 100)], version=first.version)
    # Then only the new line is left, and the amount is its total
    assert stored(sale) == [("New", Decimal("3.00"), 100)]
    assert Sale.objects.get(pk=sale.pk).amount == 300


def test_a_wrong_line_changes_nothing_and_names_every_problem(salesperson_user: Any, sale: Sale) -> None:
    # Given a sale with one line
    replace_sale_lines(salesperson_user, sale.pk, [line("Kept")], version=sale.version)
    before = Sale.objects.get(pk=sale.pk)
    # When new lines are sent of which the second has a zero quantity and a negative price
    with pytest.raises(ValidationFailed) as refused:
        replace_sale_lines(salesperson_user, sale.pk, [line("Fine"), line("Broken", "0", -1)], version=before.version)
    # Then both problems are named at line 1, and the sale, its lines and its version are as they were
    assert [(p.loc, p.message.render()) for p in refused.value.problems] == [
        (("lines", 1, "quantity"), "The quantity must be more than 0."),
        (("lines", 1, "unit_price"), "The unit price cannot be negative."),
    ]
    after = Sale.objects.get(pk=sale.pk)
    assert stored(sale) == [("Kept", Decimal("1.00"), 10_000)]
    assert (after.amount, after.version) == (before.amount, before.version)


def test_more_than_two_hundred_lines_are_refused(salesperson_user: Any, sale: Sale) -> None:
    with pytest.raises(ValidationFailed) as refused:
        replace_sale_lines(salesperson_user, sale.pk, [line()] * 201, version=sale.version)
    assert refused.value.problems[0].message.render() == "A sale can have at most 200 lines."
    assert stored(sale) == []


def test_lines_sent_with_an_old_version_are_refused(salesperson_user: Any, sale: Sale) -> None:
    # Given someone changed the sale's title after the lines page was opened
    old_version = sale.version
    sales.update_sale(salesperson_user, sale.pk, version=old_version, title="Acme web shop")
    # When the lines are saved with the version read before
    with pytest.raises(StaleVersion):
        replace_sale_lines(salesperson_user, sale.pk, [line()], version=old_version)
    # Then nothing changed
    assert stored(sale) == []
    assert Sale.objects.get(pk=sale.pk).amount == 50_000


def test_another_salesperson_cannot_change_the_lines_but_a_manager_can(
    sale: Sale, make_user: Any, manager_user: Any
) -> None:
    # Given a salesperson who does not own the sale
    other = make_user("other", "salesperson")
    # When they change its lines, they are refused
    with pytest.raises(NotAllowed):
        replace_sale_lines(other, sale.pk, [line()], version=sale.version)
    assert stored(sale) == []
    # And when a manager does, it works
    replace_sale_lines(manager_user, sale.pk, [line()], version=sale.version)
    assert stored(sale) == [("Design", Decimal("1.00"), 10_000)]


def test_the_amount_cannot_be_typed_while_the_sale_has_lines(salesperson_user: Any, sale: Sale) -> None:
    # Given a sale with lines totalling 100.00
    with_lines = replace_sale_lines(salesperson_user, sale.pk, [line()], version=sale.version)
    # When its amount is changed to 999.00
    with pytest.raises(ValidationFailed) as refused:
        sales.update_sale(salesperson_user, sale.pk, version=with_lines.version, amount=99_900)
    # Then it is refused next to the amount, saying why, and the amount stays the lines' total
    problem = refused.value.problems[0]
    assert problem.loc == ("amount",)
    assert problem.message.render().startswith("This sale has lines, so its amount is their total.")
    assert Sale.objects.get(pk=sale.pk).amount == 10_000
    # But sending the same amount with other changes is fine
    saved = sales.update_sale(salesperson_user, sale.pk, version=with_lines.version, amount=10_000, title="Renamed")
    assert saved.title == "Renamed"


def test_closing_as_sold_with_another_final_amount_is_refused_while_the_sale_has_lines(
    salesperson_user: Any, sale: Sale
) -> None:
    with_lines = replace_sale_lines(salesperson_user, sale.pk, [line()], version=sale.version)
    with pytest.raises(ValidationFailed):
        sales.close_sale_as_sold(salesperson_user, sale.pk, amount=1, version=with_lines.version)
    assert Sale.objects.get(pk=sale.pk).status == "open"


def test_after_removing_every_line_the_amount_stays_and_can_be_typed_again(salesperson_user: Any, sale: Sale) -> None:
    # Given a sale with lines totalling 100.00
    with_lines = replace_sale_lines(salesperson_user, sale.pk, [line()], version=sale.version)
    # When all lines are removed
    without = replace_sale_lines(salesperson_user, sale.pk, [], version=with_lines.version)
    # Then the amount stays 100.00 and the version went up
    assert stored(sale) == []
    assert (without.amount, without.version) == (10_000, with_lines.version + 1)
    # And the amount can be typed again
    assert sales.update_sale(salesperson_user, sale.pk, version=without.version, amount=77_700).amount == 77_700


def test_the_demo_lines_of_every_planned_sale_are_valid_and_add_up_to_its_amount() -> None:
    # Given every sale the demo plans, in both languages
    for plan in PLAN:
        for language in ("en", "nl"):
            # When its lines are made
            lines, problems = validated_lines(demo_lines(plan.amount * 100, language))
            # Then the rules accept them and they come to the planned amount exactly
            assert problems == []
            assert lines_total(lines) == plan.amount * 100, plan.titles
