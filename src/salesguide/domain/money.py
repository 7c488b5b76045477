"""Money: which currency codes a sale may have, and the weighted amount of a sale.

Amounts are whole minor units (cents) with an ISO 4217 currency code beside them. Every door (web, API, CLI,
imports) hands the code it was given to the services, which normalise it here, so ``eur`` is stored as ``EUR``
whichever door it came through, and a code that is not ISO 4217 is refused the same way everywhere.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from functools import cache

from babel.numbers import list_currencies

from salesguide.domain.errors import FieldProblem, Message, ValidationFailed, gettext_noop

CURRENCY_PROBLEM = Message(gettext_noop("Use a three-letter ISO 4217 code, such as EUR."))


@cache
def currency_codes() -> frozenset[str]:
    """The ISO 4217 codes, as the CLDR data that Babel ships knows them (historic codes included)."""
    return frozenset(list_currencies())


def normalise_currency(code: object) -> str:
    """The code as it is stored: trimmed and upper case (``" eur "`` is ``EUR``).

    Raises ``ValidationFailed`` with a problem at ``("currency",)`` for anything that is not an ISO 4217 code
    (``ZZZ``, ``EURO``, a number)."""
    if isinstance(code, str):
        normalised = code.strip().upper()
        if normalised in currency_codes():
            return normalised
    raise ValidationFailed([FieldProblem(("currency",), CURRENCY_PROBLEM)])


def currency_problems(code: object) -> list[FieldProblem]:
    """``normalise_currency``'s verdict as a list, for validating it together with other fields."""
    try:
        normalise_currency(code)
    except ValidationFailed as refused:
        return list(refused.problems)
    return []


def weighted_amount(amount_minor: int, probability: int) -> int:
    """What a sale is worth weighted by its chance: amount × probability / 100, in whole minor units.

    The rounding rule, for every place that computes it (Python here; SQL in reports and the board must do the
    same): the exact product ``amount × probability`` is divided by 100 and rounded to the nearest minor unit,
    halves away from zero (ROUND_HALF_UP; amounts are never negative, so halves go up). In SQL on integers that is
    ``(amount * probability + 50) / 100`` with integer division. Sums of weighted amounts add the rounded
    values of each sale, so a total equals the sum of the rows it shows."""
    exact = Decimal(amount_minor) * Decimal(probability) / Decimal(100)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))
