"""The stored aging (decision 0011) is the stale rule of SPEC 6.2 written down in advance: a sale counts as too
long in its stage exactly from ``stale_from``, to the microsecond, as ``days_in_stage`` > ``expected_days`` says."""

from __future__ import annotations

import datetime as dt

import pytest

from salesguide.domain import aging

ENTERED = dt.datetime(2026, 3, 10, 14, 30, 15, 250_000, tzinfo=dt.UTC)
US = dt.timedelta(microseconds=1)
DAY = dt.timedelta(days=1)


@pytest.mark.parametrize(
    ("expected_days", "elapsed", "stale"),
    [
        (0, dt.timedelta(0), False),
        (0, DAY - US, False),
        (0, DAY, True),
        (7, 7 * DAY, False),
        (7, 8 * DAY - US, False),
        (7, 8 * DAY, True),
        (7, 8 * DAY + US, True),
        (7, 30 * DAY, True),
        (14, 15 * DAY - US, False),
        (14, 15 * DAY, True),
    ],
)
def test_a_sale_is_too_long_in_its_stage_exactly_from_its_stale_from(
    expected_days: int, elapsed: dt.timedelta, stale: bool
) -> None:
    # Given an open sale that entered its stage, and a moment some time later
    now = ENTERED + elapsed
    stale_from = aging.stale_from(ENTERED, expected_days, is_open=True)

    # Then the stored moment says what the rule says, at the boundary and around it
    assert stale_from is not None
    assert aging.is_stale(aging.days_in_stage(ENTERED, now), expected_days, has_planned_activity=False) is stale
    assert (stale_from <= now) is stale


@pytest.mark.parametrize(
    ("entered", "expected_days", "is_open"),
    [
        (ENTERED, None, True),  # a stage without expected days never ages
        (None, 7, True),  # entered when? unknown: never stale
        (ENTERED, 7, False),  # sold, lost or stalled: not stale
    ],
)
def test_a_sale_that_can_never_be_stale_has_no_stale_from(
    entered: dt.datetime | None, expected_days: int | None, is_open: bool
) -> None:
    assert aging.stale_from(entered, expected_days, is_open=is_open) is None


@pytest.mark.parametrize(
    ("last_planned", "planned"),
    [
        (None, False),
        (ENTERED - US, False),  # only an overdue one: nothing planned ahead
        (ENTERED, True),  # starting right now counts as planned
        (ENTERED + DAY, True),
    ],
)
def test_planned_ahead_is_the_latest_open_activity_starting_now_or_later(
    last_planned: dt.datetime | None, planned: bool
) -> None:
    assert aging.has_planned_activity(last_planned, ENTERED) is planned
