"""The lines of a sale: what is offered (a product or service, a quantity, a unit price). A quotation lists
them, and when a sale has lines its amount is their total — the amount is then no longer typed by hand.

Quantities are decimals with at most two decimals, greater than zero; unit prices are whole minor units
(cents) in the sale's currency, zero or more. Each line's total is rounded half up to the minor unit, and the
sale's amount is the sum of those rounded totals, so the quotation's lines add up to the amount it shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from salesguide.domain.errors import FieldProblem, Message, gettext_noop

DESCRIPTION_MAX_LENGTH = 255
MAX_LINES = 200
# What the database columns hold: quantity Decimal(12, 2), unit price a 64-bit integer. The price limit is the
# one the sale's amount has, so that no single line can make an amount the sale refuses.
MAX_QUANTITY = Decimal("9999999999.99")
MAX_UNIT_PRICE = 10**15
MAX_AMOUNT = 10**15
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class SaleLine:
    """One line as the rules see it: description trimmed, quantity a ``Decimal`` with two decimals."""

    description: str
    quantity: Decimal
    unit_price: int


def line_total(quantity: Decimal, unit_price: int) -> int:
    """Minor units of one line: quantity × unit price, rounded half up to the minor unit."""
    return int((Decimal(quantity) * unit_price).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def lines_total(lines: Sequence[SaleLine]) -> int:
    """The sale's amount when it has these lines: the sum of the rounded line totals."""
    return sum(line_total(line.quantity, line.unit_price) for line in lines)


def _quantity(value: object) -> Decimal | None:
    """A quantity as a Decimal, or None when it is not a number at all (text, a bool, infinity, NaN)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float):
        value = repr(value)  # 1.1 stays 1.1, not 1.100000000000000088817841970012523233890533447265625
    if isinstance(value, str):
        value = value.strip()
    if not isinstance(value, int | str | Decimal):
        return None
    try:
        number = Decimal(value)
    except (InvalidOperation, ValueError):
        return None
    return number if number.is_finite() else None


def _line_problems(index: int, raw: object) -> tuple[SaleLine | None, list[FieldProblem]]:
    def problem(field: str, text: str, params: dict[str, object] | None = None) -> FieldProblem:
        return FieldProblem(("lines", index, field), Message(text, params or {}))

    if not isinstance(raw, dict):
        return None, [
            FieldProblem(
                ("lines", index), Message(gettext_noop("Each line needs a description, a quantity and a unit price."))
            )
        ]
    problems: list[FieldProblem] = []
    description = raw.get("description")
    if not isinstance(description, str) or not description.strip():
        problems.append(problem("description", gettext_noop("Describe what this line offers.")))
    elif len(description.strip()) > DESCRIPTION_MAX_LENGTH:
        problems.append(
            problem("description", gettext_noop("At most %(max)d characters."), {"max": DESCRIPTION_MAX_LENGTH})
        )
    quantity = _quantity(raw.get("quantity"))
    if quantity is None:
        problems.append(problem("quantity", gettext_noop("Enter a quantity such as 1, 2.5 or 12.75.")))
    elif quantity <= 0:
        problems.append(problem("quantity", gettext_noop("The quantity must be more than 0.")))
    elif quantity != quantity.quantize(_CENT, rounding=ROUND_HALF_UP):
        problems.append(problem("quantity", gettext_noop("Use at most two decimals.")))
    elif quantity > MAX_QUANTITY:
        problems.append(problem("quantity", gettext_noop("The quantity is too large.")))
    unit_price = raw.get("unit_price")
    if isinstance(unit_price, bool) or not isinstance(unit_price, int):
        problems.append(problem("unit_price", gettext_noop("The unit price must be a whole number of cents.")))
    elif unit_price < 0:
        problems.append(problem("unit_price", gettext_noop("The unit price cannot be negative.")))
    elif unit_price > MAX_UNIT_PRICE:
        problems.append(problem("unit_price", gettext_noop("The unit price is too large.")))
    if problems:
        return None, problems
    assert isinstance(description, str) and quantity is not None and isinstance(unit_price, int)
    return SaleLine(description.strip(), quantity.quantize(_CENT), unit_price), []


def validated_lines(raw_lines: Sequence[object]) -> tuple[list[SaleLine], list[FieldProblem]]:
    """The lines, checked: every problem of every line (``loc`` ``("lines", index, field)``), and the total.

    ``raw_lines`` are mappings with ``description``, ``quantity`` (a number or a numeric string) and
    ``unit_price`` (whole minor units). The lines come back only when there are no problems at all.
    """
    if len(raw_lines) > MAX_LINES:
        return [], [
            FieldProblem(
                ("lines",), Message(gettext_noop("A sale can have at most %(max)d lines."), {"max": MAX_LINES})
            )
        ]
    lines: list[SaleLine] = []
    problems: list[FieldProblem] = []
    for index, raw in enumerate(raw_lines):
        line, line_problems = _line_problems(index, raw)
        problems.extend(line_problems)
        if line is not None:
            lines.append(line)
    if not problems and lines_total(lines) > MAX_AMOUNT:
        problems.append(
            FieldProblem(
                ("lines",),
                Message(gettext_noop("Together these lines come to more than the largest amount a sale can have.")),
            )
        )
    return (lines if not problems else []), problems
