"""Activities (follow-ups) in time: when one is overdue, and when a new one starts by default. Pure.

"Now" is always passed in (an aware datetime, in the acting user's time zone where the wall clock matters), so
that every door (web, API, CLI, print) gives the same answer for the same moment.
"""

from __future__ import annotations

import datetime as dt


def is_overdue(start: dt.datetime | None, now: dt.datetime, *, completed: bool = False) -> bool:
    """An activity, or a sale's next activity, is overdue when it is not completed and its start has passed
    (SPEC 3.11: shown in red). No start (a sale with nothing planned) is never overdue."""
    return not completed and start is not None and start < now


def default_start(now: dt.datetime) -> dt.datetime:
    """Where a new follow-up starts when nobody said: the next whole hour on ``now``'s wall clock, so that a
    follow-up "today" does not start in the past."""
    return (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)
