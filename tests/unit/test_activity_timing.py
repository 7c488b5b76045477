"""Activities in time (domain/activities.py): when one is overdue, where a new one starts by default; and where
a follow-up from a guide starts when the earlier one's start is given in another time zone."""

from __future__ import annotations

import datetime as dt
import zoneinfo

import pytest

from salesguide.domain import guide_progress as progress
from salesguide.domain.activities import default_start, is_overdue
from salesguide.domain.selling import SaleStatus

AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
NEW_YORK = zoneinfo.ZoneInfo("America/New_York")
NOW = dt.datetime(2026, 3, 10, 14, 30, tzinfo=AMSTERDAM)


@pytest.mark.parametrize(
    ("start", "completed", "overdue"),
    [
        (None, False, False),  # nothing planned
        (NOW - dt.timedelta(minutes=1), False, True),
        (NOW - dt.timedelta(days=30), False, True),
        (NOW, False, False),  # starting right now is not late yet
        (NOW + dt.timedelta(minutes=1), False, False),
        (NOW - dt.timedelta(days=1), True, False),  # done, however late
        # The same moment written in another time zone gives the same answer
        ((NOW - dt.timedelta(minutes=1)).astimezone(NEW_YORK), False, True),
        ((NOW + dt.timedelta(minutes=1)).astimezone(dt.UTC), False, False),
    ],
)
def test_an_activity_is_overdue_when_it_is_open_and_its_start_has_passed(
    start: dt.datetime | None, completed: bool, overdue: bool
) -> None:
    assert is_overdue(start, NOW, completed=completed) is overdue


@pytest.mark.parametrize(
    ("now", "start"),
    [
        (dt.datetime(2026, 3, 10, 14, 30, tzinfo=AMSTERDAM), dt.datetime(2026, 3, 10, 15, 0, tzinfo=AMSTERDAM)),
        (dt.datetime(2026, 3, 10, 14, 0, tzinfo=AMSTERDAM), dt.datetime(2026, 3, 10, 15, 0, tzinfo=AMSTERDAM)),
        (dt.datetime(2026, 3, 10, 23, 59, tzinfo=AMSTERDAM), dt.datetime(2026, 3, 11, 0, 0, tzinfo=AMSTERDAM)),
        (dt.datetime(2026, 3, 10, 9, 15, tzinfo=NEW_YORK), dt.datetime(2026, 3, 10, 10, 0, tzinfo=NEW_YORK)),
    ],
)
def test_a_new_followup_starts_at_the_next_whole_hour_on_the_users_clock(now: dt.datetime, start: dt.datetime) -> None:
    assert default_start(now) == start
    assert default_start(now).tzinfo is now.tzinfo


def test_a_guide_followup_adds_its_days_on_the_wall_clock_of_now_whatever_zone_the_earlier_start_is_in() -> None:
    # Given a first call at 09:00 in Amsterdam before the daylight-saving change, and the next one 7 days later
    first_start = dt.datetime(2026, 3, 24, 9, 0, tzinfo=AMSTERDAM)
    on_guide = progress.SaleOnGuide(
        stages=[
            progress.GuideStagePlan(
                stage_id=1, followups=[progress.FollowupBlueprint(10), progress.FollowupBlueprint(11, days_offset=7)]
            )
        ],
        current_stage_id=1,
        status=SaleStatus.OPEN,
        activities={10: [progress.CreatedActivity(100, first_start.astimezone(dt.UTC), completed=True)]},
    )
    now = dt.datetime(2026, 3, 25, 12, 0, tzinfo=AMSTERDAM)

    # When the earlier start is handed over in UTC (as the database gives it) rather than in Amsterdam time
    start = progress.followup_start(on_guide, 11, now)

    # Then the next call is at 09:00 in Amsterdam again, now in summer time
    assert start == dt.datetime(2026, 3, 31, 9, 0, tzinfo=AMSTERDAM)
    assert start.utcoffset() == dt.timedelta(hours=2)
