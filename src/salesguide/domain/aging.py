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
