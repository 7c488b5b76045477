"""The rules of selling (SPEC 3.1, 3.7–3.10), without a database: where a sale starts, how it moves, what its
probability is, how it closes and reopens, and the stage-change rows every change writes."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest

from salesguide.domain import selling
from salesguide.domain.catalog import DurationUnit, ProbabilityPolicy
from salesguide.domain.errors import RuleViolation, ValidationFailed
from salesguide.domain.selling import ChangeKind, Outcome, SaleState, SaleStatus, StageChange, StageInfo

# A sale type with four stages in this order: lead 10 %, qualified 30 %, offer 60 %, negotiation 90 %.
LEAD, QUALIFIED, OFFER, NEGOTIATION = 11, 12, 13, 14
STAGES = (StageInfo(LEAD, 10), StageInfo(QUALIFIED, 30), StageInfo(OFFER, 60), StageInfo(NEGOTIATION, 90))
PROBABILITY = {stage.id: stage.probability for stage in STAGES}
ORDER = [stage.id for stage in STAGES]

FOLLOW, KEEP = ProbabilityPolicy.FOLLOW_STAGE, ProbabilityPolicy.KEEP_MANUAL
OPEN, SOLD, LOST, STALLED = SaleStatus.OPEN, SaleStatus.SOLD, SaleStatus.LOST, SaleStatus.STALLED
TODAY = dt.date(2025, 3, 10)


def open_sale(stage_id: int | None = LEAD, manual: int | None = None) -> SaleState:
    """An open sale in a stage, with the stage's probability or a value the user typed."""
    if manual is not None:
        return SaleState(stage_id=stage_id, probability=manual, probability_is_manual=True)
    return SaleState(stage_id=stage_id, probability=PROBABILITY.get(stage_id, 0) if stage_id else 0)


def closed_sale(status: SaleStatus, stage_id: int = OFFER, manual: int | None = None) -> SaleState:
    sale = open_sale(stage_id, manual)
    if status == SOLD:
        return selling.close_as_sold(sale).state
    if status == LOST:
        return selling.close_as_lost(sale).state
    return selling.stall(sale, TODAY + dt.timedelta(days=30), TODAY).state


def row(kind, from_stage, to_stage, from_status, to_status, before, after) -> StageChange:
    return StageChange(kind, from_stage, to_stage, from_status, to_status, before, after)


# --- 3.1 creating a sale -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stages", "first_stage", "probability"),
    [
        (STAGES, LEAD, 10),
        ((StageInfo(7, 0), StageInfo(8, 50)), 7, 0),
        ((StageInfo(3, 75),), 3, 75),
    ],
)
def test_given_a_type_with_stages_when_a_sale_is_created_then_it_enters_the_first_stage_with_its_probability(
    stages, first_stage, probability
):
    outcome = selling.start(stages)

    assert outcome.state == SaleState(stage_id=first_stage, probability=probability, status=OPEN)
    assert outcome.change == row(ChangeKind.CREATED, None, first_stage, None, OPEN, None, probability)


def test_given_a_type_without_stages_when_a_sale_is_created_then_it_is_open_in_no_stage_at_zero_percent():
    outcome = selling.start(())

    assert outcome.state == SaleState(stage_id=None, probability=0, status=OPEN)
    assert outcome.change == row(ChangeKind.CREATED, None, None, None, OPEN, None, 0)


@pytest.mark.parametrize(
    ("today", "duration", "unit", "expected"),
    [
        (dt.date(2025, 3, 10), 0, "days", dt.date(2025, 3, 10)),
        (dt.date(2025, 3, 10), 14, "days", dt.date(2025, 3, 24)),
        (dt.date(2025, 12, 25), 10, "days", dt.date(2026, 1, 4)),
        (dt.date(2024, 2, 28), 1, "days", dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 10), 2, "weeks", dt.date(2025, 3, 24)),
        (dt.date(2025, 12, 29), 1, "weeks", dt.date(2026, 1, 5)),
        (dt.date(2025, 3, 10), 0, "months", dt.date(2025, 3, 10)),
        (dt.date(2025, 3, 10), 3, "months", dt.date(2025, 6, 10)),
        (dt.date(2025, 11, 15), 3, "months", dt.date(2026, 2, 15)),
        (dt.date(2025, 5, 10), 12, "months", dt.date(2026, 5, 10)),
        (dt.date(2025, 1, 31), 1, "months", dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, "months", dt.date(2024, 2, 29)),
        (dt.date(2025, 3, 31), 1, "months", dt.date(2025, 4, 30)),
        (dt.date(2025, 10, 31), 4, "months", dt.date(2026, 2, 28)),
        (dt.date(2025, 1, 31), 13, "months", dt.date(2026, 2, 28)),
        (dt.date(2024, 2, 29), 12, "months", dt.date(2025, 2, 28)),
        (dt.date(2025, 3, 10), 3, DurationUnit.MONTHS, dt.date(2025, 6, 10)),
    ],
)
def test_given_a_type_duration_when_a_sale_is_created_then_the_expected_date_is_today_plus_that_duration(
    today, duration, unit, expected
):
    assert selling.add_duration(today, duration, unit) == expected


# --- 3.7 changing stage --------------------------------------------------------------------------------------


@pytest.mark.parametrize("policy", [FOLLOW, KEEP])
@pytest.mark.parametrize(
    ("from_stage", "to_stage", "probability"),
    [
        (LEAD, QUALIFIED, 30),  # forwards
        (LEAD, NEGOTIATION, 90),  # skipping two stages
        (OFFER, LEAD, 10),  # backwards
        (NEGOTIATION, QUALIFIED, 30),  # backwards, skipping one
    ],
)
def test_given_an_open_sale_when_it_moves_to_another_stage_then_it_takes_that_stages_probability_and_writes_a_row(
    policy, from_stage, to_stage, probability
):
    sale = open_sale(from_stage)

    outcome = selling.move_to_stage(sale, STAGES, to_stage, policy)

    assert outcome.state == SaleState(stage_id=to_stage, probability=probability, status=OPEN)
    assert outcome.change == row(
        ChangeKind.STAGE, from_stage, to_stage, OPEN, OPEN, PROBABILITY[from_stage], probability
    )


@pytest.mark.parametrize("policy", [FOLLOW, KEEP])
@pytest.mark.parametrize("sale", [open_sale(OFFER), open_sale(OFFER, manual=45)], ids=["stage-value", "manual"])
def test_given_a_sale_in_a_stage_when_it_moves_to_that_same_stage_then_nothing_changes_and_no_row_is_written(
    policy, sale
):
    outcome = selling.move_to_stage(sale, STAGES, OFFER, policy)

    assert outcome == Outcome(sale, None)


@pytest.mark.parametrize("to_stage", [99, 0])
def test_given_an_open_sale_when_it_moves_to_a_stage_not_in_its_type_then_the_move_is_refused(to_stage):
    with pytest.raises(RuleViolation) as refused:
        selling.move_to_stage(open_sale(LEAD), STAGES, to_stage, FOLLOW)

    assert refused.value.message.render() == "That stage is not one of this sale type's stages."


@pytest.mark.parametrize(
    ("policy", "probability", "manual"),
    [
        (FOLLOW, 60, False),  # follow the stage: every move resets the value the user typed
        (KEEP, 45, True),  # keep a manual value: it survives the move
    ],
)
def test_given_a_manual_probability_when_the_sale_moves_then_the_policy_decides_whether_it_survives(
    policy, probability, manual
):
    sale = open_sale(QUALIFIED, manual=45)

    outcome = selling.move_to_stage(sale, STAGES, OFFER, policy)

    assert (outcome.state.probability, outcome.state.probability_is_manual) == (probability, manual)
    assert outcome.change == row(ChangeKind.STAGE, QUALIFIED, OFFER, OPEN, OPEN, 45, probability)


@pytest.mark.parametrize(
    ("policy", "probabilities"),
    [
        # set 45 in lead, move to offer, back to qualified, reset, move to negotiation
        (FOLLOW, [45, 60, 30, 30, 90]),
        (KEEP, [45, 45, 45, 30, 90]),
    ],
)
def test_given_a_policy_when_a_manual_value_is_set_moved_and_reset_then_the_probability_follows_the_policy(
    policy, probabilities
):
    sale = open_sale(LEAD)
    steps: list[Callable[[SaleState], Outcome]] = [
        lambda s: selling.set_probability(s, 45),
        lambda s: selling.move_to_stage(s, STAGES, OFFER, policy),
        lambda s: selling.move_to_stage(s, STAGES, QUALIFIED, policy),
        lambda s: selling.reset_probability(s, STAGES),
        lambda s: selling.move_to_stage(s, STAGES, NEGOTIATION, policy),
    ]
    seen = []
    for step in steps:
        sale = step(sale).state
        seen.append(sale.probability)

    assert seen == probabilities


# --- 3.7 the user overwrites the probability -----------------------------------------------------------------


@pytest.mark.parametrize("value", [-1, 101, 1000, True, False, "50", 50.0, None])
def test_given_an_open_sale_when_the_probability_is_set_to_something_other_than_0_to_100_then_it_is_refused(value):
    with pytest.raises(ValidationFailed) as refused:
        selling.set_probability(open_sale(OFFER), value)

    [problem] = refused.value.problems
    assert problem.loc == ("probability",)
    assert problem.message.render() == "The probability must be a whole number from 0 to 100."


@pytest.mark.parametrize(("value", "before"), [(0, 60), (45, 60), (100, 60)])
def test_given_an_open_sale_when_the_user_sets_another_probability_then_it_is_manual_and_a_row_is_written(
    value, before
):
    outcome = selling.set_probability(open_sale(OFFER), value)

    assert outcome.state == SaleState(stage_id=OFFER, probability=value, probability_is_manual=True)
    assert outcome.change == row(ChangeKind.PROBABILITY, OFFER, OFFER, OPEN, OPEN, before, value)


def test_given_a_manual_probability_when_the_same_value_is_set_again_then_nothing_changes_and_no_row_is_written():
    sale = open_sale(OFFER, manual=45)

    assert selling.set_probability(sale, 45) == Outcome(sale, None)


def test_given_the_stages_probability_when_the_user_sets_that_same_value_then_it_becomes_manual_without_a_row():
    outcome = selling.set_probability(open_sale(OFFER), 60)

    assert outcome.state == SaleState(stage_id=OFFER, probability=60, probability_is_manual=True)
    assert outcome.change is None


@pytest.mark.parametrize(
    ("sale", "state", "change"),
    [
        (
            open_sale(QUALIFIED, manual=45),
            SaleState(stage_id=QUALIFIED, probability=30),
            row(ChangeKind.PROBABILITY, QUALIFIED, QUALIFIED, OPEN, OPEN, 45, 30),
        ),
        (open_sale(QUALIFIED, manual=30), SaleState(stage_id=QUALIFIED, probability=30), None),
        (open_sale(QUALIFIED), SaleState(stage_id=QUALIFIED, probability=30), None),
        (open_sale(None), SaleState(stage_id=None, probability=0), None),
    ],
    ids=["manual-other-value", "manual-same-value", "not-manual", "no-stage"],
)
def test_given_a_sale_when_its_probability_is_reset_then_it_is_the_stages_again_with_a_row_only_if_it_changed(
    sale, state, change
):
    outcome = selling.reset_probability(sale, STAGES)

    assert outcome == Outcome(state, change)


# --- 3.8 closing ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("close", "status", "kind", "probability"),
    [
        (selling.close_as_sold, SOLD, ChangeKind.SOLD, 100),
        (selling.close_as_lost, LOST, ChangeKind.LOST, 0),
    ],
    ids=["sold", "lost"],
)
@pytest.mark.parametrize(
    ("sale", "before"), [(open_sale(OFFER), 60), (open_sale(LEAD, manual=45), 45)], ids=["stage-value", "manual"]
)
def test_given_an_open_sale_when_it_is_closed_then_its_probability_is_fixed_and_it_remembers_its_stage(
    close, status, kind, probability, sale, before
):
    outcome = close(sale)

    assert outcome.state.status == status
    assert outcome.state.probability == probability
    assert outcome.state.stage_id == sale.stage_id
    assert outcome.state.stage_when_closed_id == sale.stage_id
    assert outcome.change == row(kind, sale.stage_id, sale.stage_id, OPEN, status, before, probability)


@pytest.mark.parametrize("status", [SOLD, LOST, STALLED])
@pytest.mark.parametrize(
    "operation",
    [
        lambda s: selling.close_as_sold(s),
        lambda s: selling.close_as_lost(s),
        lambda s: selling.stall(s, TODAY + dt.timedelta(days=7), TODAY),
        lambda s: selling.move_to_stage(s, STAGES, LEAD, FOLLOW),
        lambda s: selling.set_probability(s, 50),
        lambda s: selling.reset_probability(s, STAGES),
        lambda s: selling.change_sale_type(s, STAGES),
    ],
    ids=["sell", "lose", "stall", "move", "set-probability", "reset-probability", "change-type"],
)
def test_given_a_sold_lost_or_stalled_sale_when_it_is_closed_moved_or_reprobabilised_then_that_is_refused(
    status, operation
):
    with pytest.raises(RuleViolation) as refused:
        operation(closed_sale(status))

    assert refused.value.message.render() == "Only an open sale can do this; reopen it first."


@pytest.mark.parametrize("days", [1, 30, 365])
def test_given_an_open_sale_when_it_is_stalled_until_a_later_date_then_it_is_stalled_with_its_probability_kept(days):
    sale = open_sale(OFFER, manual=45)

    outcome = selling.stall(sale, TODAY + dt.timedelta(days=days), TODAY)

    assert outcome.state.status == STALLED
    assert (outcome.state.stage_id, outcome.state.probability) == (OFFER, 45)
    assert outcome.change == row(ChangeKind.STALLED, OFFER, OFFER, OPEN, STALLED, 45, 45)


@pytest.mark.parametrize(
    "reopen_date",
    [
        TODAY,
        TODAY - dt.timedelta(days=1),
        None,
        "2030-01-01",
        dt.datetime(2030, 1, 1, 9, 0, tzinfo=dt.UTC),
    ],
    ids=["today", "yesterday", "missing", "text", "datetime"],
)
def test_given_an_open_sale_when_it_is_stalled_without_a_reopen_date_after_today_then_that_is_refused(reopen_date):
    with pytest.raises(ValidationFailed) as refused:
        selling.stall(open_sale(OFFER), reopen_date, TODAY)

    [problem] = refused.value.problems
    assert problem.loc == ("reopen_date",)
    assert problem.message.render() == "Choose a re-open date after today."


@pytest.mark.parametrize(
    ("status", "manual", "before"),
    [(SOLD, None, 100), (LOST, None, 0), (STALLED, None, 60), (SOLD, 45, 100), (LOST, 45, 0)],
)
def test_given_a_closed_or_stalled_sale_following_the_stage_when_it_is_reopened_then_it_is_open_in_its_last_stage(
    status, manual, before
):
    sale = closed_sale(status, OFFER, manual)

    outcome = selling.reopen(sale, STAGES, FOLLOW)

    assert outcome.state == SaleState(stage_id=OFFER, probability=60, status=OPEN)
    assert outcome.change == row(ChangeKind.REOPENED, OFFER, OFFER, status, OPEN, before, 60)


@pytest.mark.parametrize("status", [SOLD, LOST])
def test_given_a_sold_or_lost_sale_with_a_manual_value_when_reopened_under_keep_manual_then_the_value_comes_back(
    status,
):
    # Given a sale whose probability was set to 33 by hand under "keep manual", then sold or lost
    sale = closed_sale(status, OFFER, manual=33)

    # When it is reopened, told what its probability was before it closed (the closing row's "before")
    outcome = selling.reopen(sale, STAGES, KEEP, probability_before_closing=33)

    # Then it is open in its stage with the value set by hand, still set by hand: not 100 or 0, not the stage's
    assert outcome.state == SaleState(stage_id=OFFER, probability=33, status=OPEN, probability_is_manual=True)
    assert outcome.change == row(ChangeKind.REOPENED, OFFER, OFFER, status, OPEN, 100 if status == SOLD else 0, 33)


@pytest.mark.parametrize("status", [SOLD, LOST])
def test_given_a_sold_or_lost_sale_following_its_stage_when_reopened_under_keep_manual_then_it_takes_the_stage(
    status,
):
    sale = closed_sale(status, OFFER)

    outcome = selling.reopen(sale, STAGES, KEEP, probability_before_closing=60)

    assert outcome.state == SaleState(stage_id=OFFER, probability=60, status=OPEN)


@pytest.mark.parametrize("status", [SOLD, LOST])
def test_given_a_closed_sale_with_a_manual_value_when_it_is_shown_then_its_100_or_0_is_not_set_by_hand(status):
    # The value set by hand is remembered for reopening, but the closed sale's probability is its status's
    sale = closed_sale(status, OFFER, manual=33)

    assert sale.probability == (100 if status == SOLD else 0)
    assert selling.probability_shown_as_manual(sale) is False


def test_given_a_stalled_sale_with_a_manual_probability_when_reopened_under_keep_manual_then_the_value_survives():
    sale = closed_sale(STALLED, OFFER, manual=45)

    outcome = selling.reopen(sale, STAGES, KEEP)

    assert outcome.state == SaleState(stage_id=OFFER, probability=45, status=OPEN, probability_is_manual=True)
    assert outcome.change == row(ChangeKind.REOPENED, OFFER, OFFER, STALLED, OPEN, 45, 45)


@pytest.mark.parametrize("status", [SOLD, LOST, STALLED])
def test_given_a_closed_sale_whose_stage_left_its_type_when_it_is_reopened_then_it_opens_in_the_first_stage(status):
    sale = closed_sale(status, OFFER)
    stages_now = (StageInfo(QUALIFIED, 30), StageInfo(NEGOTIATION, 90))

    outcome = selling.reopen(sale, stages_now, FOLLOW)

    assert outcome.state == SaleState(stage_id=QUALIFIED, probability=30, status=OPEN)
    assert outcome.change.to_stage_id == QUALIFIED


def test_given_a_closed_sale_whose_type_has_no_stages_left_when_it_is_reopened_then_it_is_open_in_no_stage():
    outcome = selling.reopen(closed_sale(LOST, OFFER), (), FOLLOW)

    assert outcome.state == SaleState(stage_id=None, probability=0, status=OPEN)
    assert outcome.change == row(ChangeKind.REOPENED, OFFER, None, LOST, OPEN, 0, 0)


@pytest.mark.parametrize("policy", [FOLLOW, KEEP])
def test_given_an_open_sale_when_it_is_reopened_then_that_is_refused(policy):
    with pytest.raises(RuleViolation) as refused:
        selling.reopen(open_sale(OFFER), STAGES, policy)

    assert refused.value.message.render() == "This sale is already open."


@pytest.mark.parametrize(
    ("status", "completed", "allowed"),
    [
        (SOLD, True, True),
        (LOST, True, True),
        (OPEN, True, False),
        (STALLED, True, False),
        (SOLD, False, True),
        (OPEN, False, True),
        (STALLED, False, True),
    ],
)
def test_given_a_sale_when_completed_is_ticked_then_only_a_sold_or_lost_sale_accepts_it(status, completed, allowed):
    sale = open_sale(OFFER) if status == OPEN else closed_sale(status)

    if allowed:
        assert selling.set_completed(sale, completed) == SaleState(
            stage_id=sale.stage_id,
            probability=sale.probability,
            status=status,
            stage_when_closed_id=sale.stage_when_closed_id,
            completed=completed,
        )
    else:
        with pytest.raises(RuleViolation) as refused:
            selling.set_completed(sale, completed)
        assert refused.value.message.render() == "Only a sold or lost sale can be marked completed."


def test_given_a_completed_sold_sale_when_it_is_reopened_then_it_is_no_longer_completed():
    sale = selling.set_completed(closed_sale(SOLD), True)

    outcome = selling.reopen(sale, STAGES, FOLLOW)

    assert (outcome.state.completed, outcome.state.stage_when_closed_id) == (False, None)


# --- 3.9 changing the sale type ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("sale", "new_stages", "first_stage", "probability", "before"),
    [
        (open_sale(OFFER), (StageInfo(21, 5), StageInfo(22, 50)), 21, 5, 60),
        (open_sale(OFFER, manual=45), (StageInfo(21, 5), StageInfo(22, 50)), 21, 5, 45),
        (open_sale(OFFER), (StageInfo(QUALIFIED, 30), StageInfo(OFFER, 60)), QUALIFIED, 30, 60),
        (open_sale(OFFER), (), None, 0, 60),
        (open_sale(None), STAGES, LEAD, 10, 0),
    ],
    ids=["other-stages", "manual-value", "shared-stages", "type-without-stages", "from-no-stage"],
)
def test_given_an_open_sale_when_its_sale_type_changes_then_it_moves_to_the_first_stage_of_the_new_type(
    sale, new_stages, first_stage, probability, before
):
    outcome = selling.change_sale_type(sale, new_stages)

    assert outcome.state == SaleState(stage_id=first_stage, probability=probability, status=OPEN)
    assert outcome.change == row(ChangeKind.SALE_TYPE, sale.stage_id, first_stage, OPEN, OPEN, before, probability)


NEW_TYPE = (StageInfo(21, 5), StageInfo(22, 50), StageInfo(23, 80))


@pytest.mark.parametrize(
    ("sale", "chosen", "policy", "expected_stage", "expected_probability", "manual"),
    [
        (open_sale(OFFER), 22, FOLLOW, 22, 50, False),
        (open_sale(OFFER), OFFER, FOLLOW, 21, 5, False),
        (open_sale(OFFER), None, FOLLOW, 21, 5, False),
        (open_sale(OFFER, manual=45), 23, FOLLOW, 23, 80, False),
        (open_sale(OFFER, manual=45), 23, KEEP, 23, 45, True),
        (open_sale(OFFER), 23, KEEP, 23, 80, False),
    ],
    ids=[
        "stage-of-new-type",
        "old-stage-not-of-new-type",
        "no-stage-given",
        "follow-stage-drops-manual",
        "keep-manual-keeps-it",
        "keep-manual-without-manual",
    ],
)
def test_given_a_stage_beside_the_new_type_then_the_sale_lands_there_only_when_the_new_type_uses_it(
    sale, chosen, policy, expected_stage, expected_probability, manual
):
    outcome = selling.change_sale_type(sale, NEW_TYPE, chosen, policy)

    assert (outcome.state.stage_id, outcome.state.probability, outcome.state.probability_is_manual) == (
        expected_stage,
        expected_probability,
        manual,
    )
    assert outcome.change == row(
        ChangeKind.SALE_TYPE, OFFER, expected_stage, OPEN, OPEN, sale.probability, expected_probability
    )


# --- 3.10 a stage is deleted or removed from the type --------------------------------------------------------


@pytest.mark.parametrize(
    ("order_before", "removed", "remaining", "expected"),
    [
        (ORDER, QUALIFIED, [LEAD, OFFER, NEGOTIATION], OFFER),  # the next remaining stage
        (ORDER, LEAD, [QUALIFIED, OFFER, NEGOTIATION], QUALIFIED),  # the first one removed: the next
        (ORDER, NEGOTIATION, [LEAD, QUALIFIED, OFFER], OFFER),  # the last one removed: the previous
        (ORDER, QUALIFIED, [LEAD, NEGOTIATION], NEGOTIATION),  # the next one went too: the one after it
        (ORDER, OFFER, [LEAD, QUALIFIED], QUALIFIED),  # every later stage went too: the previous
        (ORDER, OFFER, [LEAD], LEAD),  # the previous one went too: the one before it
        (ORDER, LEAD, [], None),  # no stage left
        ([LEAD], LEAD, [], None),
    ],
)
def test_given_a_stage_with_open_sales_when_it_is_removed_then_they_go_to_the_next_remaining_else_previous_stage(
    order_before, removed, remaining, expected
):
    assert selling.stage_after_removal(order_before, removed, remaining) == expected


@pytest.mark.parametrize(
    ("sale", "to_stage", "state", "before", "after"),
    [
        (open_sale(QUALIFIED), OFFER, SaleState(stage_id=OFFER, probability=60), 30, 60),
        (open_sale(NEGOTIATION), OFFER, SaleState(stage_id=OFFER, probability=60), 90, 60),
        (
            open_sale(QUALIFIED, manual=45),
            OFFER,
            SaleState(stage_id=OFFER, probability=45, probability_is_manual=True),
            45,
            45,
        ),
        (open_sale(QUALIFIED), None, SaleState(stage_id=None, probability=30), 30, 30),
    ],
    ids=["to-next", "to-previous", "manual-value", "no-stage-left"],
)
def test_given_an_open_sale_in_a_removed_stage_when_it_is_moved_then_a_row_says_the_stage_was_removed(
    sale, to_stage, state, before, after
):
    stages_after = tuple(s for s in STAGES if s.id != sale.stage_id)

    outcome = selling.move_after_removal(sale, stages_after, to_stage, KEEP)

    assert outcome == Outcome(state, row(ChangeKind.STAGE_REMOVED, sale.stage_id, to_stage, OPEN, OPEN, before, after))


def test_given_a_manual_probability_under_follow_stage_when_its_stage_is_removed_then_it_takes_the_new_stages():
    sale = open_sale(QUALIFIED, manual=45)
    stages_after = tuple(s for s in STAGES if s.id != QUALIFIED)

    outcome = selling.move_after_removal(sale, stages_after, OFFER, FOLLOW)

    assert outcome.state == SaleState(stage_id=OFFER, probability=60)
    assert outcome.change == row(ChangeKind.STAGE_REMOVED, QUALIFIED, OFFER, OPEN, OPEN, 45, 60)


# --- replaying the stage-change rows -------------------------------------------------------------------------


SCRIPTS: dict[str, tuple[list[Callable[[SaleState], Outcome]], tuple[int | None, SaleStatus, int]]] = {
    "created": ([], (LEAD, OPEN, 10)),
    "moved-forwards-and-back": (
        [
            lambda s: selling.move_to_stage(s, STAGES, NEGOTIATION, FOLLOW),
            lambda s: selling.move_to_stage(s, STAGES, QUALIFIED, FOLLOW),
        ],
        (QUALIFIED, OPEN, 30),
    ),
    "manual-value-kept-then-sold": (
        [
            lambda s: selling.set_probability(s, 45),
            lambda s: selling.move_to_stage(s, STAGES, OFFER, KEEP),
            lambda s: selling.close_as_sold(s),
        ],
        (OFFER, SOLD, 100),
    ),
    "lost-and-reopened": (
        [
            lambda s: selling.move_to_stage(s, STAGES, OFFER, FOLLOW),
            lambda s: selling.close_as_lost(s),
            lambda s: selling.reopen(s, STAGES, FOLLOW),
        ],
        (OFFER, OPEN, 60),
    ),
    "stalled-reopened-moved": (
        [
            lambda s: selling.stall(s, TODAY + dt.timedelta(days=3), TODAY),
            lambda s: selling.reopen(s, STAGES, FOLLOW),
            lambda s: selling.move_to_stage(s, STAGES, OFFER, FOLLOW),
        ],
        (OFFER, OPEN, 60),
    ),
    "set-and-reset": (
        [lambda s: selling.set_probability(s, 45), lambda s: selling.reset_probability(s, STAGES)],
        (LEAD, OPEN, 10),
    ),
    "type-changed": (
        [lambda s: selling.change_sale_type(s, (StageInfo(21, 5), StageInfo(22, 50)))],
        (21, OPEN, 5),
    ),
    "stage-removed": (
        [lambda s: selling.move_after_removal(s, STAGES[1:], QUALIFIED, FOLLOW)],
        (QUALIFIED, OPEN, 30),
    ),
}


@pytest.mark.parametrize(("steps", "expected"), SCRIPTS.values(), ids=SCRIPTS.keys())
def test_given_a_sales_rows_when_they_are_replayed_then_they_give_its_current_stage_status_and_probability(
    steps, expected
):
    created = selling.start(STAGES)
    sale, rows = created.state, [created.change]
    for step in steps:
        outcome = step(sale)
        sale = outcome.state
        if outcome.change is not None:
            rows.append(outcome.change)

    assert (sale.stage_id, sale.status, sale.probability) == expected
    assert selling.replay(rows) == expected


def test_given_rows_when_they_are_replayed_then_the_last_row_decides():
    rows = [
        row(ChangeKind.CREATED, None, LEAD, None, OPEN, None, 10),
        row(ChangeKind.STAGE, LEAD, OFFER, OPEN, OPEN, 10, 60),
        row(ChangeKind.LOST, OFFER, OFFER, OPEN, LOST, 60, 0),
    ]

    assert selling.replay(rows) == (OFFER, LOST, 0)
    assert selling.replay(rows[:2]) == (OFFER, OPEN, 60)


def test_given_no_rows_when_they_are_replayed_then_that_is_an_error():
    with pytest.raises(ValueError, match="creation row"):
        selling.replay([])
