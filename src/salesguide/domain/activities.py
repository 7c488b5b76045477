"""Activities (follow-ups) in time: when one is overdue, and when a new one starts by default. Pure.

"Now" is always passed in (an aware datetime, in the acting user's time zone where the wall clock matters), so
that every door (web, API, CLI, print) gives the same answer for the same moment.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from salesguide.domain.errors import FieldProblem, Message, gettext_noop
from salesguide.domain.names import unsafe_name_character

TITLE_MAX = 200
DURATION_MAX_MINUTES = 24 * 60 * 7


def is_overdue(start: dt.datetime | None, now: dt.datetime, *, completed: bool = False) -> bool:
    """An activity, or a sale's next activity, is overdue when it is not completed and its start has passed
    (SPEC 3.11: shown in red). No start (a sale with nothing planned) is never overdue."""
    return not completed and start is not None and start < now


def default_start(now: dt.datetime) -> dt.datetime:
    """Where a new follow-up starts when nobody said: the next whole hour on ``now``'s wall clock, so that a
    follow-up "today" does not start in the past."""
    return (now + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)


def activity_field_problems(fields: Mapping[str, Any]) -> list[FieldProblem]:
    """What is wrong with the given fields of an activity (a title, an aware start, a duration from 0 to a week,
    text), all at once. A form whose other fields did not parse shows these with its own (issue 9, item 12).
    ``services.activities`` checks the same before it writes."""
    problems: list[FieldProblem] = []
    if "title" in fields:
        title = fields["title"]
        if not isinstance(title, str) or not title.strip():
            problems.append(FieldProblem(("title",), Message(gettext_noop("A title is required."))))
        elif len(title.strip()) > TITLE_MAX:
            problems.append(
                FieldProblem(("title",), Message(gettext_noop("At most %(max)d characters."), {"max": TITLE_MAX}))
            )
        elif (unsafe := unsafe_name_character(title)) is not None:
            problems.append(FieldProblem(("title",), unsafe))
    start = fields.get("start")
    if "start" in fields and (not isinstance(start, dt.datetime) or start.utcoffset() is None):
        problems.append(FieldProblem(("start",), Message(gettext_noop("Enter a date and time."))))
    if "duration_minutes" in fields:
        minutes = fields["duration_minutes"]
        if isinstance(minutes, bool) or not isinstance(minutes, int) or not 0 <= minutes <= DURATION_MAX_MINUTES:
            problems.append(
                FieldProblem(("duration_minutes",), Message(gettext_noop("Enter a duration from 0 to 10080 minutes.")))
            )
    if "text" in fields and not isinstance(fields["text"] or "", str):
        problems.append(FieldProblem(("text",), Message(gettext_noop("This must be text."))))
    return problems
