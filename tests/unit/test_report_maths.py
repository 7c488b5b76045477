"""The arithmetic of the funnel, calibration and adherence reports (domain/report_maths.py), table by table."""

from __future__ import annotations

import datetime as dt
import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from salesguide.domain.report_maths import (
    MIN_CLOSED_SAMPLE,
    Adherence,
    LeftSales,
    adherence,
    adoptable_probability,
    median_and_p90,
    percentile,
    sample_is_small,
    share,
    whole_days,
)

T0 = dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize(
    ("start", "end", "days"),
    [
        (T0, T0, 0),
        (T0, T0 + dt.timedelta(hours=23, minutes=59, seconds=59), 0),
        (T0, T0 + dt.timedelta(days=1), 1),
        (T0, T0 + dt.timedelta(days=2) - dt.timedelta(microseconds=1), 1),  # counted to the second
        (T0 + dt.timedelta(microseconds=999_999), T0 + dt.timedelta(days=1), 1),  # both fractions dropped
        (T0, T0 + dt.timedelta(days=30, hours=12), 30),
        (T0 + dt.timedelta(days=1), T0, 0),  # never negative
        (T0, dt.datetime(2025, 3, 2, 10, 0, tzinfo=dt.timezone(dt.timedelta(hours=1))), 1),  # zones compare as moments
    ],
)
def test_whole_days_are_counted_to_the_second_when_a_visit_has_a_start_and_an_end(
    start: dt.datetime, end: dt.datetime, days: int
) -> None:
    assert whole_days(start, end) == days


@pytest.mark.parametrize(
    ("counts", "median", "p90"),
    [
        ({}, None, None),
        ({5: 0}, None, None),
        ({3: 1}, 3.0, 3.0),
        ({1: 1, 3: 1}, 2.0, 2.8),  # even: the middle two averaged; p90 between them
        ({1: 1, 2: 1, 3: 1}, 2.0, 2.8),
        ({0: 9, 10: 1}, 0.0, 1.0),  # p90 of ten values: 90% of the way from the 9th to the 10th
        ({2: 4, 7: 1, 30: 1}, 2.0, 18.5),
        ({1: 1, 2: 1, 3: 1, 4: 1}, 2.5, 3.7),
    ],
)
def test_the_median_and_p90_of_day_counts_interpolate_like_percentile_cont_when_counts_are_given(
    counts: dict[int, int], median: float | None, p90: float | None
) -> None:
    assert median_and_p90(counts) == (median, p90)


@given(st.lists(st.integers(min_value=0, max_value=400), min_size=1, max_size=60))
def test_the_percentiles_equal_the_statistics_module_when_the_day_counts_are_listed_one_by_one(
    days: list[int],
) -> None:
    counts: dict[int, int] = {}
    for value in days:
        counts[value] = counts.get(value, 0) + 1
    assert percentile(counts, 0.5) == pytest.approx(statistics.median(days))
    if len(days) > 1:
        # "inclusive" quantiles interpolate between the values themselves, as percentile_cont does.
        assert percentile(counts, 0.9) == pytest.approx(statistics.quantiles(days, n=10, method="inclusive")[8])


@pytest.mark.parametrize(
    ("part", "whole", "percent"),
    [
        (0, 0, None),
        (3, 0, None),
        (0, 5, 0.0),
        (5, 5, 100.0),
        (1, 3, 33.3),
        (2, 3, 66.7),
        (1, 8, 12.5),
        (1, 16, 6.3),  # 6.25 rounds half up
        (7, 40, 17.5),
    ],
)
def test_a_share_is_a_percentage_to_one_decimal_when_there_is_something_to_divide_by(
    part: int, whole: int, percent: float | None
) -> None:
    assert share(part, whole) == percent


@pytest.mark.parametrize(
    ("closed", "small"),
    [(0, True), (1, True), (MIN_CLOSED_SAMPLE - 1, True), (MIN_CLOSED_SAMPLE, False), (500, False)],
)
def test_a_calibration_figure_warns_when_fewer_than_the_minimum_closed_sales_are_behind_it(
    closed: int, small: bool
) -> None:
    assert MIN_CLOSED_SAMPLE == 20
    assert sample_is_small(closed) is small


@pytest.mark.parametrize(
    ("observed", "probability"),
    [(0.0, 0), (33.3, 33), (66.7, 67), (12.5, 13), (49.5, 50), (100.0, 100), (99.96, 100)],
)
def test_an_observed_share_adopts_the_nearest_whole_probability_when_an_admin_adopts_it(
    observed: float, probability: int
) -> None:
    assert adoptable_probability(observed) == probability


@pytest.mark.parametrize(
    ("items", "groups", "expected"),
    [
        # Nobody left the stage: nothing to divide by.
        (2, [], Adherence(0, 0, 0, None, 0, None, 0, None)),
        # Two items; one sale did both and was sold, one did one and was lost, one did none and is still open.
        (
            2,
            [LeftSales(2, "sold", 1), LeftSales(1, "lost", 1), LeftSales(0, "open", 1)],
            Adherence(3, 6, 3, 50.0, 1, 100.0, 1, 0.0),
        ),
        # Counted per sale: three sales did every item (two sold, one lost), two did none (one sold).
        (
            1,
            [LeftSales(1, "sold", 2), LeftSales(1, "lost", 1), LeftSales(0, "sold", 1), LeftSales(0, "lost", 1)],
            Adherence(5, 5, 3, 60.0, 3, 66.7, 2, 50.0),
        ),
        # A stalled sale is not closed: it counts for adherence, not for the win rates.
        (1, [LeftSales(1, "stalled", 4)], Adherence(4, 4, 4, 100.0, 0, None, 0, None)),
        # A stage that suggests nothing: no adherence to speak of, every closed sale is "with".
        (0, [LeftSales(0, "sold", 1), LeftSales(0, "lost", 3)], Adherence(4, 0, 0, None, 4, 25.0, 0, None)),
        # More done than suggested never counts for more than all of them.
        (1, [LeftSales(3, "sold", 1)], Adherence(1, 1, 1, 100.0, 1, 100.0, 0, None)),
    ],
)
def test_adherence_and_win_rates_with_and_without_every_item_when_sales_left_a_stage(
    items: int, groups: list[LeftSales], expected: Adherence
) -> None:
    assert adherence(items, groups) == expected
