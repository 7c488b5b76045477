"""A sale on its guide (SPEC 3.2–3.6): the stage bar, what is done per stage, where a follow-up created from a
suggestion starts, which follow-up to offer next, and when to offer moving on. Pure."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from salesguide.domain.selling import SaleStatus


class StageState(StrEnum):
    COMPLETED = "completed"
    CURRENT = "current"
    FUTURE = "future"


@dataclass(frozen=True)
class FollowupBlueprint:
    id: int
    days_offset: int = 0
    auto_suggest: bool = False


@dataclass(frozen=True)
class GuideStagePlan:
    stage_id: int
    followups: Sequence[FollowupBlueprint] = ()
    document_ids: Sequence[int] = ()


@dataclass(frozen=True)
class CreatedActivity:
    id: int
    start: dt.datetime
    completed: bool


@dataclass(frozen=True)
class SaleOnGuide:
    """What the guide needs to know of one sale: the guide's stages in order, its current stage and status, and
    what was created from which suggestion."""

    stages: Sequence[GuideStagePlan]
    current_stage_id: int | None
    status: SaleStatus
    activities: Mapping[int, Sequence[CreatedActivity]] = field(default_factory=dict)  # by follow-up suggestion
    documents: Mapping[int, Sequence[int]] = field(default_factory=dict)  # by document suggestion


def stage_states(order: Sequence[int], current_stage_id: int | None) -> dict[int, StageState]:
    """Before the current stage: completed; the current one; after it: future. A sale in no stage of the
    guide (none left, or a type change) shows every stage as future."""
    if current_stage_id is None or current_stage_id not in order:
        return {stage_id: StageState.FUTURE for stage_id in order}
    index = list(order).index(current_stage_id)
    return {
        stage_id: StageState.COMPLETED if i < index else StageState.CURRENT if i == index else StageState.FUTURE
        for i, stage_id in enumerate(order)
    }


def followup_done(activities: Sequence[CreatedActivity]) -> bool:
    """A suggested follow-up is done when it was created and everything created from it is completed."""
    return bool(activities) and all(a.completed for a in activities)


def stage_progress(sale: SaleOnGuide, stage: GuideStagePlan) -> tuple[int, int]:
    """(done, total) items of a stage: follow-ups created and completed, documents created."""
    done = sum(followup_done(sale.activities.get(f.id, ())) for f in stage.followups)
    done += sum(bool(sale.documents.get(d)) for d in stage.document_ids)
    return done, len(stage.followups) + len(stage.document_ids)


def _followups_in_order(sale: SaleOnGuide) -> list[FollowupBlueprint]:
    return [f for stage in sale.stages for f in stage.followups]


def followup_start(sale: SaleOnGuide, suggestion_id: int, now: dt.datetime) -> dt.datetime:
    """Start of a follow-up created from a suggestion (SPEC 3.3): the start of the previous guide follow-up on
    this sale (the nearest earlier suggestion in guide order that has an activity; its latest one) or now,
    plus the suggestion's days_offset.

    Days are added on the wall clock of ``now``'s time zone (an aware datetime in the acting user's zoneinfo time
    zone): a call at 09:00 in Amsterdam a week later is at 09:00 again, also across a daylight-saving change, and
    the answer does not depend on the time zone the earlier activity's start happens to be given in."""
    order = _followups_in_order(sale)
    ids = [f.id for f in order]
    if suggestion_id not in ids:
        raise ValueError("not a follow-up of this guide")
    index = ids.index(suggestion_id)
    base = now
    for earlier in reversed(order[:index]):
        created = sale.activities.get(earlier.id, ())
        if created:
            base = max(a.start for a in created).astimezone(now.tzinfo)
            break
    return base + dt.timedelta(days=order[index].days_offset)


def next_suggestion(sale: SaleOnGuide, completed_suggestion_id: int) -> FollowupBlueprint | None:
    """SPEC 3.5: after a guide follow-up is completed, the next follow-up of the guide (stage order, then rank;
    possibly the first of the next stage) is offered when it has auto_suggest and was not created yet."""
    order = _followups_in_order(sale)
    ids = [f.id for f in order]
    if completed_suggestion_id not in ids:
        return None
    index = ids.index(completed_suggestion_id)
    if index + 1 >= len(order):
        return None
    candidate = order[index + 1]
    if candidate.auto_suggest and not sale.activities.get(candidate.id):
        return candidate
    return None


def _current_stage_done(sale: SaleOnGuide, auto_advance: bool) -> int | None:
    """The index of the current stage when the guide may put a question about leaving it: auto-advance on, the
    sale open, and every item of the stage done. A stage without suggestions has nothing done: no question."""
    if not auto_advance or sale.status != SaleStatus.OPEN:
        return None
    order = [s.stage_id for s in sale.stages]
    if sale.current_stage_id not in order:
        return None
    index = order.index(sale.current_stage_id)
    done, total = stage_progress(sale, sale.stages[index])
    return index if total and done == total else None


def advance_offer(sale: SaleOnGuide, auto_advance: bool) -> int | None:
    """SPEC 3.6: with auto-advance on, when every item of the current stage is done, offer the next stage —
    never in the last stage (``close_offer`` asks there), and only for an open sale. Whatever item was done
    last: a follow-up completed or a document created."""
    index = _current_stage_done(sale, auto_advance)
    if index is None or index + 1 >= len(sale.stages):
        return None
    return sale.stages[index + 1].stage_id


def close_offer(sale: SaleOnGuide, auto_advance: bool) -> bool:
    """The last stage's question, where there is no next stage to move to: when every item of the last stage is
    done, offer closing the sale as sold. Under the same conditions as ``advance_offer`` (the sale type's
    "suggest moving on automatically")."""
    index = _current_stage_done(sale, auto_advance)
    return index is not None and index + 1 == len(sale.stages)


def next_activity_date(activities: Sequence[tuple[dt.datetime, bool]]) -> dt.datetime | None:
    """SPEC 3.11: the earliest start among the sale's activities that are not completed."""
    open_starts = [start for start, completed in activities if not completed]
    return min(open_starts) if open_starts else None
