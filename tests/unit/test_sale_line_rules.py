"""The lines of a sale without a database: what a valid line is, where each problem is reported, and how the
lines add up to the sale's amount (each line rounded half up to the cent, then summed)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from salesguide.domain.sale_lines import MAX_LINES, SaleLine, line_total, lines_total, validated_lines


def line(description: Any = "Consultancy", quantity: Any = "1", unit_price: Any = 10_000) -> dict[str, Any]:
    return {"description": description, "quantity": quantity, "unit_price": unit_price}


def problems_of(*lines: Any) -> list[tuple[tuple[str | int, ...], str]]:
    return [(problem.loc, problem.message.render()) for problem in validated_lines(list(lines))[1]]


def test_valid_lines_come_back_trimmed_with_two_decimal_quantities_and_no_problems() -> None:
    # Given two lines typed with spaces and quantities in several forms
    # When they are checked
    lines, problems = validated_lines([line("  Website design ", 2.5, 80_000), line("Hosting", "12", 1_500)])
    # Then they come back as the rules read them
    assert problems == []
    assert lines == [SaleLine("Website design", Decimal("2.50"), 80_000), SaleLine("Hosting", Decimal("12.00"), 1_500)]


@pytest.mark.parametrize(
    ("bad", "loc", "message"),
    [
        (line(description=""), ("lines", 0, "description"), "Describe what this line offers."),
        (line(description="   "), ("lines", 0, "description"), "Describe what this line offers."),
        (line(description="x" * 256), ("lines", 0, "description"), "At most 255 characters."),
        (line(quantity=0), ("lines", 0, "quantity"), "The quantity must be more than 0."),
        (line(quantity="-1"), ("lines", 0, "quantity"), "The quantity must be more than 0."),
        (line(quantity="1.125"), ("lines", 0, "quantity"), "Use at most two decimals."),
        (line(quantity=0.001), ("lines", 0, "quantity"), "Use at most two decimals."),
        (line(quantity="two"), ("lines", 0, "quantity"), "Enter a quantity such as 1, 2.5 or 12.75."),
        (line(quantity=True), ("lines", 0, "quantity"), "Enter a quantity such as 1, 2.5 or 12.75."),
        (line(quantity="NaN"), ("lines", 0, "quantity"), "Enter a quantity such as 1, 2.5 or 12.75."),
        (line(quantity=float("inf")), ("lines", 0, "quantity"), "Enter a quantity such as 1, 2.5 or 12.75."),
        (line(quantity="100000000000"), ("lines", 0, "quantity"), "The quantity is too large."),
        (line(unit_price=-1), ("lines", 0, "unit_price"), "The unit price cannot be negative."),
        (line(unit_price=12.5), ("lines", 0, "unit_price"), "The unit price must be a whole number of cents."),
        (line(unit_price=None), ("lines", 0, "unit_price"), "The unit price must be a whole number of cents."),
        (line(unit_price=10**15 + 1), ("lines", 0, "unit_price"), "The unit price is too large."),
        ("Consultancy", ("lines", 0), "Each line needs a description, a quantity and a unit price."),
    ],
)
def test_a_wrong_line_is_refused_with_a_message_at_its_field(bad: Any, loc: tuple[Any, ...], message: str) -> None:
    # Given one wrong line
    # When it is checked
    # Then the problem names the line and the field, and no lines come back
    assert problems_of(bad) == [(loc, message)]
    assert validated_lines([bad])[0] == []


def test_every_problem_of_every_line_is_reported_with_its_position() -> None:
    # Given a good line, then a line wrong in all three fields
    # When they are checked
    problems = problems_of(line(), line("", "0", -5))
    # Then the second line's three problems are all reported, at index 1
    assert [loc for loc, _message in problems] == [
        ("lines", 1, "description"),
        ("lines", 1, "quantity"),
        ("lines", 1, "unit_price"),
    ]


def test_a_sale_may_have_two_hundred_lines_but_not_more() -> None:
    # Given the most lines a sale may have, and one more
    # When each set is checked
    # Then the first is fine and the second is refused as a whole
    assert problems_of(*[line()] * MAX_LINES) == []
    assert problems_of(*[line()] * (MAX_LINES + 1)) == [(("lines",), "A sale can have at most 200 lines.")]


def test_no_lines_at_all_is_fine() -> None:
    assert validated_lines([]) == ([], [])


def test_lines_that_add_up_to_more_than_any_amount_are_refused() -> None:
    # Given two lines each at the highest unit price
    # When they are checked
    # Then their total is too much for a sale's amount
    assert problems_of(line(quantity="1", unit_price=10**15), line(quantity="1", unit_price=1)) == [
        (("lines",), "Together these lines come to more than the largest amount a sale can have.")
    ]


@pytest.mark.parametrize(
    ("quantity", "unit_price", "total"),
    [
        ("1", 10_000, 10_000),
        ("2.5", 999, 2_498),  # 2497.5 rounds half up
        ("0.5", 1, 1),  # 0.5 cent rounds up
        ("0.49", 1, 0),
        ("3", 0, 0),
        ("0.33", 100, 33),
        ("1.01", 1_234_567, 1_246_913),  # 1246912.67
    ],
)
def test_a_line_total_is_quantity_times_unit_price_rounded_half_up_to_the_cent(
    quantity: str, unit_price: int, total: int
) -> None:
    assert line_total(Decimal(quantity), unit_price) == total


def test_the_amount_is_the_sum_of_the_rounded_line_totals() -> None:
    # Given three lines of a third of a euro and a half cent each (each 33.5 cents)
    lines = [SaleLine("Part", Decimal("0.5"), 67)] * 3
    # When they are added up
    # Then each line is rounded first (34 cents), so the amount is what a quotation's lines show added up
    assert lines_total(lines) == 102
