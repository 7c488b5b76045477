"""Whether a sale's probability is shown as "set by hand" (selling.probability_shown_as_manual): the card
header, the print view and the API ask this one function."""

from __future__ import annotations

import pytest

from salesguide.domain.selling import SaleState, SaleStatus, probability_shown_as_manual


@pytest.mark.parametrize(
    ("state", "shown"),
    [
        (SaleState(stage_id=1, probability=10), False),
        (SaleState(stage_id=1, probability=35, probability_is_manual=True), True),
        # A stage whose probability was edited later does not make the sale's own probability manual
        (SaleState(stage_id=1, probability=20), False),
        (SaleState(stage_id=1, probability=35, status=SaleStatus.STALLED, probability_is_manual=True), True),
        (SaleState(stage_id=1, probability=50, status=SaleStatus.STALLED), False),
        # Sold is 100 and lost is 0 because of the status, never by hand, even if a stored flag says so
        (SaleState(stage_id=1, probability=100, status=SaleStatus.SOLD), False),
        (SaleState(stage_id=1, probability=100, status=SaleStatus.SOLD, probability_is_manual=True), False),
        (SaleState(stage_id=1, probability=0, status=SaleStatus.LOST), False),
        (SaleState(stage_id=1, probability=0, status=SaleStatus.LOST, probability_is_manual=True), False),
        (SaleState(stage_id=None, probability=0), False),
    ],
)
def test_only_a_probability_the_user_set_on_a_sale_not_closed_is_shown_as_set_by_hand(
    state: SaleState, shown: bool
) -> None:
    assert probability_shown_as_manual(state) is shown
