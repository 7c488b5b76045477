"""Rules about a sale's dates that warn without refusing."""

from __future__ import annotations

import datetime as dt

from salesguide.domain.errors import FieldProblem, Message, gettext_noop
from salesguide.domain.selling import SaleStatus


def expected_date_warnings(expected_date: dt.date | None, today: dt.date, status: str) -> list[FieldProblem]:
    """An open sale expected to close before today is probably a typing error or a forgotten update: warn next
    to the date, but save (issue 9, item 12). A closed sale's expected date is history, so it never warns."""
    if status != SaleStatus.OPEN or not isinstance(expected_date, dt.date) or expected_date >= today:
        return []
    return [
        FieldProblem(
            ("expected_date",),
            Message(
                gettext_noop(
                    "The expected date is in the past. If the sale is still open, choose a date from today on."
                )
            ),
        )
    ]
