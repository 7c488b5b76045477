"""Where a sale read from a file starts (issue 11, ``selling.place_imported``): in the stage and status the file
gives, by the same rules as a sale that got there by hand, with one "imported" history row."""

from __future__ import annotations

import pytest

from salesguide.domain.errors import ValidationFailed
from salesguide.domain.selling import ChangeKind, SaleState, SaleStatus, StageInfo, place_imported

LEAD, OFFER = StageInfo(1, 10), StageInfo(2, 60)
STAGES = (LEAD, OFFER)


@pytest.mark.parametrize(
    ("stage_id", "status", "probability", "state"),
    [
        (None, None, None, SaleState(1, 10)),  # nothing given: as a new sale, the first stage
        (2, "open", None, SaleState(2, 60)),
        (2, "open", 60, SaleState(2, 60)),  # the stage's own probability is not "set by hand"
        (2, "open", 35, SaleState(2, 35, probability_is_manual=True)),
        (None, "open", 0, SaleState(1, 0, probability_is_manual=True)),
        (2, "sold", None, SaleState(2, 100, SaleStatus.SOLD, stage_when_closed_id=2)),
        (2, "sold", 70, SaleState(2, 100, SaleStatus.SOLD, stage_when_closed_id=2)),  # the status decides
        (1, "lost", None, SaleState(1, 0, SaleStatus.LOST, stage_when_closed_id=1)),
        (2, "stalled", 40, SaleState(2, 40, SaleStatus.STALLED, True, stage_when_closed_id=2)),
    ],
)
@pytest.mark.parametrize("policy", ["follow_stage", "keep_manual"])
def test_an_imported_sale_is_placed_in_the_stage_and_status_the_file_gives(
    stage_id: int | None, status: str | None, probability: int | None, state: SaleState, policy: str
) -> None:
    outcome = place_imported(STAGES, stage_id, status, probability, policy)
    assert outcome.state == state
    assert outcome.change is not None
    assert outcome.change.kind == ChangeKind.IMPORTED
    assert (outcome.change.from_stage_id, outcome.change.from_status, outcome.change.probability_before) == (
        None,
        None,
        None,
    )
    assert (outcome.change.to_stage_id, outcome.change.to_status) == (state.stage_id, state.status)
    assert outcome.change.probability_after == state.probability


def test_a_sale_type_without_stages_places_an_open_sale_nowhere() -> None:
    assert place_imported((), None, None, None, "follow_stage").state == SaleState(None, 0)


@pytest.mark.parametrize(
    ("stage_id", "status", "probability", "refused"),
    [
        (9, "open", None, [("stage", "That stage is not one of this sale type's stages.")]),
        (None, "sold", None, [("stage", "A sold, lost or stalled sale needs the stage it was in when it closed.")]),
        (None, "stalled", None, [("stage", "A sold, lost or stalled sale needs the stage it was in when it closed.")]),
        (
            9,
            "open",
            101,
            [
                ("probability", "The probability must be a whole number from 0 to 100."),
                ("stage", "That stage is not one of this sale type's stages."),
            ],
        ),
    ],
)
def test_a_place_the_rules_cannot_give_is_refused_naming_every_field(
    stage_id: int | None, status: str, probability: int | None, refused: list[tuple[str, str]]
) -> None:
    with pytest.raises(ValidationFailed) as raised:
        place_imported(STAGES, stage_id, status, probability, "follow_stage")
    assert [(problem.loc[-1], problem.message.render()) for problem in raised.value.problems] == refused
