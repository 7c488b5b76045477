"""How long a sale has been in its stage, and whether it is stale (SPEC 6.2): in its stage longer than the sale
type's expected days for that stage **and** nothing planned ahead (no open activity starting from now on).
Counted from entering the stage, not from creation. Pure: times come in from the caller."""

from __future__ import annotations

import datetime as dt


def days_in_stage(entered_at: dt.datetime | None, now: dt.datetime) -> int | None:
    """Whole days since the sale entered its stage (0 on the day itself); None when unknown."""
    if entered_at is None:
        return None
    return max(0, (now - entered_at).days)


def is_stale(days: int | None, expected_days: int | None, *, has_planned_activity: bool) -> bool:
    """Stale: longer in the stage than expected and nothing planned. A stage without expected days never is."""
    if days is None or expected_days is None or has_planned_activity:
        return False
    return days > expected_days


def stale_from(entered_at: dt.datetime | None, expected_days: int | None, *, is_open: bool) -> dt.datetime | None:
    """The moment from which ``is_stale`` counts the sale as too long in its stage (nothing planned aside), as
    stored on the sale (decision 0011): ``days_in_stage`` > ``expected_days`` ⇔ now ≥ entered + (expected + 1)
    whole days. None when the sale is not open or either is unknown: then it never is."""
    if not is_open or entered_at is None or expected_days is None:
        return None
    return entered_at + dt.timedelta(days=expected_days + 1)


def has_planned_activity(last_planned_at: dt.datetime | None, now: dt.datetime) -> bool:
    """An open activity starts at or after ``now``, from the latest start of the sale's open activities."""
    return last_planned_at is not None and last_planned_at >= now
