"""The weighted amount in SQL, the same rounding as ``domain.money.weighted_amount`` (a property test compares
them on both databases): amount × probability / 100 rounded half up per sale, in whole minor units. Amounts are
never negative, so integer division of ``amount × probability + 50`` by 100 rounds half up on SQLite and
PostgreSQL alike."""

from __future__ import annotations

from django.db import models
from django.db.models import ExpressionWrapper, F, Value
from django.db.models.expressions import CombinedExpression


def weighted_amount_sql(
    amount: str = "amount", probability: str = "probability"
) -> ExpressionWrapper[CombinedExpression]:
    """``(amount * probability + 50) / 100`` over the named fields, typed as a whole number."""
    return ExpressionWrapper(
        (F(amount) * F(probability) + Value(50)) / Value(100), output_field=models.BigIntegerField()
    )
