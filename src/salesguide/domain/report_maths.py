"""The arithmetic of the funnel, calibration and adherence reports (SPEC 4.4–4.6), decided once.

The read models (``queries/reports``) count in SQL and hand their counts here: how a day count is taken, the
median and p90 of day counts, a share as a percentage, when a calibration figure rests on too few closed sales,
which whole probability an observed share adopts, and the adherence of the sales that left a stage with the win
rate of those that did every suggested item versus those that did not. Pure: numbers in, numbers out.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from salesguide.domain.selling import SaleStatus

# Below this many closed sales behind a stage, its observed share is shown with a warning: too few to judge.
MIN_CLOSED_SAMPLE = 20

SECONDS_PER_DAY = 86_400


def whole_days(start: dt.datetime, end: dt.datetime) -> int:
    """Whole days from ``start`` to ``end``, counted to the second (fractions of a second are dropped from both
    moments first, as the SQL of the reports does on SQLite and PostgreSQL alike); never negative."""
    seconds = math.floor(end.timestamp()) - math.floor(start.timestamp())
    return max(0, seconds // SECONDS_PER_DAY)


def percentile(counts: Mapping[int, int], fraction: float) -> float | None:
    """The continuous percentile of day counts given as ``{days: how many}`` (linear interpolation between the
    two nearest values, as PostgreSQL's ``percentile_cont``): 0.5 is the median, 0.9 the p90. None when empty."""
    total = sum(n for n in counts.values() if n > 0)
    if total == 0:
        return None
    position = fraction * (total - 1)
    lower_index = math.floor(position)
    lower = _value_at(counts, lower_index)
    upper = _value_at(counts, min(lower_index + 1, total - 1))
    return lower + (upper - lower) * (position - lower_index)


def _value_at(counts: Mapping[int, int], index: int) -> int:
    """The ``index``-th value (from 0) of the sorted values the counts stand for."""
    seen = 0
    for value in sorted(counts):
        seen += max(0, counts[value])
        if index < seen:
            return value
    raise IndexError(index)


def median_and_p90(counts: Mapping[int, int]) -> tuple[float | None, float | None]:
    """Median and p90 of day counts, to one decimal (None when there is no count)."""
    return _one_decimal(percentile(counts, 0.5)), _one_decimal(percentile(counts, 0.9))


def share(part: int, whole: int) -> float | None:
    """``part`` of ``whole`` as a percentage to one decimal; None when there is nothing to divide by."""
    if whole <= 0:
        return None
    return _one_decimal(100 * part / whole)


def _one_decimal(value: float | None) -> float | None:
    if value is None:
        return None
    return float(Decimal(repr(value)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


# --- calibration ---------------------------------------------------------------------------------------------


def sample_is_small(closed_sales: int) -> bool:
    """Whether an observed share rests on fewer closed sales than ``MIN_CLOSED_SAMPLE`` (none at all included)."""
    return closed_sales < MIN_CLOSED_SAMPLE


def adoptable_probability(observed: float) -> int:
    """The whole probability (0–100) a stage gets when an administrator adopts an observed share: rounded half
    up, as a stage's probability is a whole percentage."""
    value = int(Decimal(repr(observed)).quantize(Decimal("1"), rounding=ROUND_HALF_UP))
    return min(100, max(0, value))


# --- adherence -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class LeftSales:
    """Sales that left a stage with the same number of its suggested items done and the same status now."""

    items_done: int
    status: SaleStatus | str
    count: int
    # Of those, the items marked "required before leaving this stage" (exit criteria, SPEC 6.3).
    required_done: int = 0


@dataclass(frozen=True)
class Adherence:
    """The adherence of one stage (for one owner): ``sales`` that left it, the items they were suggested and
    did, the share done, and the win rate of the closed ones with every item done versus the others."""

    sales: int
    items_suggested: int
    items_done: int
    adherence: float | None
    closed_with: int
    win_rate_with: float | None
    closed_without: int
    win_rate_without: float | None
    # The same for the required items alone (exit criteria): suggested, done, and the share done.
    required_suggested: int = 0
    required_done: int = 0
    required_adherence: float | None = None


def all_items_done(items_done: int, items_per_sale: int) -> bool:
    """Every suggested item of the stage was done before the sale left it. A stage that suggests nothing is done
    by every sale (there is nothing to leave out), so its sales all count as "with"."""
    return items_done >= items_per_sale


def adherence(items_per_sale: int, groups: Iterable[LeftSales], required_per_sale: int = 0) -> Adherence:
    """The adherence of the sales that left a stage suggesting ``items_per_sale`` items, ``required_per_sale`` of
    them required before leaving it (counted apart as well). Win rate: sold out of sold and lost (a stalled or
    open sale is not closed)."""
    sales = done = required_done = 0
    closed = {True: 0, False: 0}
    sold = {True: 0, False: 0}
    for group in groups:
        counted = min(group.items_done, items_per_sale)
        sales += group.count
        done += counted * group.count
        required_done += min(group.required_done, required_per_sale) * group.count
        status = SaleStatus(group.status)
        if status in (SaleStatus.SOLD, SaleStatus.LOST):
            with_all = all_items_done(counted, items_per_sale)
            closed[with_all] += group.count
            if status == SaleStatus.SOLD:
                sold[with_all] += group.count
    suggested = sales * items_per_sale
    return Adherence(
        sales=sales,
        items_suggested=suggested,
        items_done=done,
        adherence=share(done, suggested),
        closed_with=closed[True],
        win_rate_with=share(sold[True], closed[True]),
        closed_without=closed[False],
        win_rate_without=share(sold[False], closed[False]),
        required_suggested=sales * required_per_sale,
        required_done=required_done,
        required_adherence=share(required_done, sales * required_per_sale),
    )
