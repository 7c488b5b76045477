"""Money rules (domain/money.py): the one normalisation of a currency code, and the weighted amount of a sale
rounded to the minor unit."""

from __future__ import annotations

import pytest

from salesguide.domain.errors import ValidationFailed
from salesguide.domain.money import currency_problems, normalise_currency, weighted_amount


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        ("EUR", "EUR"),
        ("eur", "EUR"),
        (" usd ", "USD"),
        ("Gbp", "GBP"),
        ("JPY", "JPY"),
    ],
)
def test_an_iso_4217_code_is_stored_upper_case_when_typed_in_any_case(typed: str, stored: str) -> None:
    assert normalise_currency(typed) == stored
    assert currency_problems(typed) == []


@pytest.mark.parametrize("typed", ["ZZZ", "zzz", "EURO", "EU", "", "   ", "E1R", 978, None, b"EUR"])
def test_anything_that_is_not_an_iso_4217_code_is_refused_next_to_the_currency_field(typed: object) -> None:
    with pytest.raises(ValidationFailed) as refused:
        normalise_currency(typed)

    assert [(p.loc, p.message.text) for p in refused.value.problems] == [
        (("currency",), "Use a three-letter ISO 4217 code, such as EUR.")
    ]
    assert currency_problems(typed) == list(refused.value.problems)


@pytest.mark.parametrize(
    ("amount", "probability", "weighted"),
    [
        (0, 50, 0),
        (100_000, 0, 0),
        (100_000, 100, 100_000),
        (100_000, 25, 25_000),
        (1, 50, 1),  # 0.5 cent: a half goes up
        (1, 49, 0),  # 0.49 cent: down
        (3, 50, 2),  # 1.5: up
        (5, 10, 1),  # 0.5: up
        (15, 10, 2),  # 1.5: up (half up, not half to even)
        (25, 10, 3),  # 2.5: up (half to even would give 2)
        (199, 25, 50),  # 49.75: up
        (101, 1, 1),  # 1.01: down
        (150, 1, 2),  # 1.5: up
        (250, 1, 3),  # 2.5: up
        (10**15, 33, 330_000_000_000_000),
        (10**15 - 1, 50, 500_000_000_000_000),  # 499999999999999.5: up, no float rounding error
    ],
)
def test_the_weighted_amount_is_amount_times_probability_rounded_half_up_to_the_cent(
    amount: int, probability: int, weighted: int
) -> None:
    assert weighted_amount(amount, probability) == weighted


@pytest.mark.parametrize("amount", [0, 1, 3, 25, 199, 12_345, 10**15 - 1])
@pytest.mark.parametrize("probability", [0, 1, 10, 33, 50, 99, 100])
def test_the_weighted_amount_is_what_the_documented_integer_formula_gives(amount: int, probability: int) -> None:
    # The rule as SQL will compute it on integers (see the docstring of weighted_amount)
    assert weighted_amount(amount, probability) == (amount * probability + 50) // 100
