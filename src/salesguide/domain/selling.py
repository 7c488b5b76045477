"""The rules of selling (SPEC 3): where a sale starts, how it moves between stages, how it closes, and what
its probability is. Pure: plain values in, a new state and the stage-change row to write out.

Every change of stage, status or probability produces a ``StageChange``; replaying a sale's changes from the
first gives its current stage, status and probability (``replay``).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum

from salesguide.domain.catalog import DurationUnit, ProbabilityPolicy
from salesguide.domain.errors import FieldProblem, Message, RuleViolation, ValidationFailed, gettext_noop


class SaleStatus(StrEnum):
    OPEN = "open"
    SOLD = "sold"
    LOST = "lost"
    STALLED = "stalled"


class ChangeKind(StrEnum):
    CREATED = "created"
    STAGE = "stage"
    PROBABILITY = "probability"
    SOLD = "sold"
    LOST = "lost"
    STALLED = "stalled"
    REOPENED = "reopened"
    SALE_TYPE = "sale_type"
    STAGE_REMOVED = "stage_removed"
    IMPORTED = "imported"


@dataclass(frozen=True)
class StageInfo:
    """A stage as a sale type uses it: in order, with its probability."""

    id: int
    probability: int
    # Days a sale is expected in the stage (SPEC 6.2; None: no limit), for its stored aging.
    expected_days: int | None = None


@dataclass(frozen=True)
class SaleState:
    stage_id: int | None
    probability: int
    status: SaleStatus = SaleStatus.OPEN
    probability_is_manual: bool = False
    stage_when_closed_id: int | None = None
    completed: bool = False


@dataclass(frozen=True)
class StageChange:
    """One append-only history row."""

    kind: ChangeKind
    from_stage_id: int | None
    to_stage_id: int | None
    from_status: SaleStatus | None
    to_status: SaleStatus
    probability_before: int | None
    probability_after: int


@dataclass(frozen=True)
class Outcome:
    state: SaleState
    change: StageChange | None


def _change(kind: ChangeKind, before: SaleState | None, after: SaleState) -> StageChange:
    return StageChange(
        kind=kind,
        from_stage_id=before.stage_id if before else None,
        to_stage_id=after.stage_id,
        from_status=before.status if before else None,
        to_status=after.status,
        probability_before=before.probability if before else None,
        probability_after=after.probability,
    )


def _stage(stages: Sequence[StageInfo], stage_id: int) -> StageInfo:
    for stage in stages:
        if stage.id == stage_id:
            return stage
    raise RuleViolation(Message(gettext_noop("That stage is not one of this sale type's stages.")))


def _require_open(state: SaleState) -> None:
    if state.status != SaleStatus.OPEN:
        raise RuleViolation(Message(gettext_noop("Only an open sale can do this; reopen it first.")))


# --- starting ------------------------------------------------------------------------------------------------


def start(stages: Sequence[StageInfo]) -> Outcome:
    """A new sale enters the first stage of its type with that stage's probability (SPEC 3.1)."""
    state = SaleState(stage_id=stages[0].id, probability=stages[0].probability) if stages else SaleState(None, 0)
    return Outcome(state, _change(ChangeKind.CREATED, None, state))


def add_duration(today: dt.date, duration: int, unit: DurationUnit | str) -> dt.date:
    """The default expected date: today + the sale type's estimated duration (months keep the day, clamped)."""
    unit = DurationUnit(unit)
    if unit == DurationUnit.DAYS:
        return today + dt.timedelta(days=duration)
    if unit == DurationUnit.WEEKS:
        return today + dt.timedelta(weeks=duration)
    month_index = today.month - 1 + duration
    year, month = today.year + month_index // 12, month_index % 12 + 1
    return dt.date(year, month, min(today.day, calendar.monthrange(year, month)[1]))


# --- moving and probability ----------------------------------------------------------------------------------


def _probability_on_entering(state: SaleState, stage: StageInfo, policy: ProbabilityPolicy | str) -> tuple[int, bool]:
    # Follow the stage: every move resets it. Keep manual: a value the user set survives moves until reset.
    if ProbabilityPolicy(policy) == ProbabilityPolicy.KEEP_MANUAL and state.probability_is_manual:
        return state.probability, True
    return stage.probability, False


def move_to_stage(
    state: SaleState, stages: Sequence[StageInfo], to_stage_id: int, policy: ProbabilityPolicy | str
) -> Outcome:
    """Forwards, backwards or skipping (SPEC 3.7). Moving to the stage the sale is in changes nothing."""
    _require_open(state)
    stage = _stage(stages, to_stage_id)
    if state.stage_id == to_stage_id:
        return Outcome(state, None)
    probability, manual = _probability_on_entering(state, stage, policy)
    after = replace(state, stage_id=stage.id, probability=probability, probability_is_manual=manual)
    return Outcome(after, _change(ChangeKind.STAGE, state, after))


def probability_problems(value: object) -> list[FieldProblem]:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 100:
        return [
            FieldProblem(
                ("probability",), Message(gettext_noop("The probability must be a whole number from 0 to 100."))
            )
        ]
    return []


def set_probability(state: SaleState, value: int) -> Outcome:
    """The user overrides the stage's probability; the card then shows both."""
    _require_open(state)
    if problems := probability_problems(value):
        raise ValidationFailed(problems)
    if value == state.probability and state.probability_is_manual:
        return Outcome(state, None)
    after = replace(state, probability=value, probability_is_manual=True)
    return Outcome(after, _change(ChangeKind.PROBABILITY, state, after) if value != state.probability else None)


def probability_shown_as_manual(state: SaleState) -> bool:
    """Whether the card, the print view and the API say the sale's probability was "set by hand": only when the
    user set it (``set_probability``) and the sale is not closed. A sold sale's 100 and a lost sale's 0 come
    from the status, and a stage whose probability was edited later does not make the sale's own one manual."""
    return state.probability_is_manual and state.status not in (SaleStatus.SOLD, SaleStatus.LOST)


def reset_probability(state: SaleState, stages: Sequence[StageInfo]) -> Outcome:
    """Back to the stage's probability."""
    _require_open(state)
    if state.stage_id is None:
        return Outcome(state, None)
    stage = _stage(stages, state.stage_id)
    after = replace(state, probability=stage.probability, probability_is_manual=False)
    if after == state:
        return Outcome(state, None)
    return Outcome(
        after, _change(ChangeKind.PROBABILITY, state, after) if after.probability != state.probability else None
    )


def change_sale_type(
    state: SaleState,
    new_stages: Sequence[StageInfo],
    to_stage_id: int | None = None,
    policy: ProbabilityPolicy | str = ProbabilityPolicy.FOLLOW_STAGE,
) -> Outcome:
    """SPEC 3.9: the sale moves to the new type's stage it was given, when that stage is one of the new type's,
    and otherwise to the new type's first stage. Its probability follows the new type's policy, as on any
    stage change. One history row: the type change is one change, wherever it lands."""
    _require_open(state)
    target = next((s for s in new_stages if s.id == to_stage_id), None) or (new_stages[0] if new_stages else None)
    if target is None:
        after = replace(state, stage_id=None, probability=0, probability_is_manual=False)
    else:
        probability, manual = _probability_on_entering(state, target, policy)
        after = replace(state, stage_id=target.id, probability=probability, probability_is_manual=manual)
    return Outcome(after, _change(ChangeKind.SALE_TYPE, state, after))


def stage_after_removal(order_before: Sequence[int], removed_stage_id: int, remaining: Sequence[int]) -> int | None:
    """Where an open sale goes when its stage is deleted or taken out of its type (SPEC 3.10): the next remaining
    stage of the old order, or the previous one if it was the last; None when no stage remains."""
    if not remaining:
        return None
    keep = set(remaining)
    index = order_before.index(removed_stage_id) if removed_stage_id in order_before else len(order_before)
    for stage_id in order_before[index + 1 :]:
        if stage_id in keep:
            return stage_id
    for stage_id in reversed(order_before[:index]):
        if stage_id in keep:
            return stage_id
    return remaining[0]


def move_after_removal(
    state: SaleState, stages_after: Sequence[StageInfo], to_stage_id: int | None, policy: ProbabilityPolicy | str
) -> Outcome:
    """The move that SPEC 3.10 makes for an open sale whose stage went away: like any stage change, it follows
    the probability policy. With no stage left the sale keeps its probability."""
    if to_stage_id is None:
        after = replace(state, stage_id=None)
    else:
        stage = _stage(stages_after, to_stage_id)
        probability, manual = _probability_on_entering(state, stage, policy)
        after = replace(state, stage_id=stage.id, probability=probability, probability_is_manual=manual)
    return Outcome(after, _change(ChangeKind.STAGE_REMOVED, state, after))


# --- importing -----------------------------------------------------------------------------------------------


def place_imported(
    stages: Sequence[StageInfo],
    stage_id: int | None,
    status: SaleStatus | str | None,
    probability: int | None,
    policy: ProbabilityPolicy | str,
) -> Outcome:
    """Where a sale read from a file starts (issue 11): in the stage and status the file gives, by the same rules
    as a sale that got there by hand, in one ``IMPORTED`` history row.

    No stage: an open sale starts in its type's first stage (as ``start``); a closed or stalled one must say in
    which stage it closed, because that is what reopening and the reports read. A sold sale's probability is 100
    and a lost one's 0, as ``close_as_sold``/``close_as_lost`` make them (a probability in the file is the
    estimate that closing replaced, so it is not kept). An open or stalled sale takes its stage's probability
    unless the file gives another, which is then set by hand (as ``set_probability``) — under either policy,
    because the policy decides what later moves do with a value set by hand, not whether one may be set."""
    del policy  # the same placement under both policies (see above); kept for the callers' symmetry with moves
    status = SaleStatus(status or SaleStatus.OPEN)
    problems: list[FieldProblem] = []
    if probability is not None:
        problems += probability_problems(probability)
    stage: StageInfo | None = None
    if stage_id is not None:
        stage = next((s for s in stages if s.id == stage_id), None)
        if stage is None:
            problems.append(
                FieldProblem(("stage",), Message(gettext_noop("That stage is not one of this sale type's stages.")))
            )
    elif status != SaleStatus.OPEN:
        problems.append(
            FieldProblem(
                ("stage",),
                Message(gettext_noop("A sold, lost or stalled sale needs the stage it was in when it closed.")),
            )
        )
    elif stages:
        stage = stages[0]
    if problems:
        raise ValidationFailed(problems)
    stage_probability = stage.probability if stage is not None else 0
    if status == SaleStatus.SOLD:
        own, manual = 100, False
    elif status == SaleStatus.LOST:
        own, manual = 0, False
    elif probability is not None and probability != stage_probability:
        own, manual = probability, True
    else:
        own, manual = stage_probability, False
    state = SaleState(
        stage_id=stage.id if stage is not None else None,
        probability=own,
        status=status,
        probability_is_manual=manual,
        stage_when_closed_id=stage.id if stage is not None and status != SaleStatus.OPEN else None,
    )
    return Outcome(state, _change(ChangeKind.IMPORTED, None, state))


# --- closing -------------------------------------------------------------------------------------------------


def close_as_sold(state: SaleState) -> Outcome:
    """Sold: probability 100, remembering the stage the sale was in (SPEC 3.8).

    100 is the outcome, never shown as set by hand (``probability_shown_as_manual``). Whether the user's estimate
    before it was set by hand is kept (``probability_is_manual``), so that reopening under "keep manual" gives that
    estimate back (``reopen``); the estimate itself is the closing row's ``probability_before``."""
    _require_open(state)
    after = replace(state, status=SaleStatus.SOLD, probability=100, stage_when_closed_id=state.stage_id)
    return Outcome(after, _change(ChangeKind.SOLD, state, after))


def close_as_lost(state: SaleState) -> Outcome:
    """Lost: probability 0, remembering the stage the sale was in; as ``close_as_sold`` for a value set by hand."""
    _require_open(state)
    after = replace(state, status=SaleStatus.LOST, probability=0, stage_when_closed_id=state.stage_id)
    return Outcome(after, _change(ChangeKind.LOST, state, after))


def stall(state: SaleState, reopen_date: object, today: dt.date) -> Outcome:
    """Stalled: put aside until a re-open date, which must lie after today."""
    _require_open(state)
    # A datetime is a date too, but cannot be compared with one.
    if not isinstance(reopen_date, dt.date) or isinstance(reopen_date, dt.datetime) or reopen_date <= today:
        raise ValidationFailed(
            [FieldProblem(("reopen_date",), Message(gettext_noop("Choose a re-open date after today.")))]
        )
    after = replace(state, status=SaleStatus.STALLED, stage_when_closed_id=state.stage_id)
    return Outcome(after, _change(ChangeKind.STALLED, state, after))


def reopen(
    state: SaleState,
    stages: Sequence[StageInfo],
    policy: ProbabilityPolicy | str,
    probability_before_closing: int | None = None,
) -> Outcome:
    """A sold, lost or stalled sale returns to open in its last stage, with that stage's probability — or, under
    "keep manual", with the value the user had set by hand before it closed. A sold or lost sale's own
    probability is its status's (100, 0), so the caller gives the one it had before (the closing history row's
    ``probability_before``); a stalled sale kept its own."""
    if state.status == SaleStatus.OPEN:
        raise RuleViolation(Message(gettext_noop("This sale is already open.")))
    stage_id = state.stage_when_closed_id or state.stage_id
    known = {s.id for s in stages}
    if stage_id not in known:
        stage_id = stages[0].id if stages else None
    if stage_id is None:
        probability, manual = 0, False
    else:
        stage = _stage(stages, stage_id)
        closed = state.status in (SaleStatus.SOLD, SaleStatus.LOST)
        estimate = probability_before_closing if closed else state.probability
        if estimate is None:
            # Closed, and its estimate before is not known: its stage's, as under "follow the stage".
            probability, manual = stage.probability, False
        else:
            probability, manual = _probability_on_entering(replace(state, probability=estimate), stage, policy)
    after = replace(
        state,
        status=SaleStatus.OPEN,
        stage_id=stage_id,
        probability=probability,
        probability_is_manual=manual,
        stage_when_closed_id=None,
        completed=False,
    )
    return Outcome(after, _change(ChangeKind.REOPENED, state, after))


def set_completed(state: SaleState, completed: bool) -> SaleState:
    """Completed can only be ticked on a sold or lost sale."""
    if completed and state.status not in (SaleStatus.SOLD, SaleStatus.LOST):
        raise RuleViolation(Message(gettext_noop("Only a sold or lost sale can be marked completed.")))
    return replace(state, completed=completed)


def replay(changes: Sequence[StageChange]) -> tuple[int | None, SaleStatus, int]:
    """Stage, status and probability after the given rows, oldest first."""
    if not changes:
        raise ValueError("a sale has at least its creation row")
    last = changes[-1]
    return last.to_stage_id, last.to_status, last.probability_after


# --- what a sale allows now ------------------------------------------------------------------------------------


class SaleAction(StrEnum):
    """What can be done to a sale. Whether its state allows each one is ``actions_for``; who may is the
    services' (``services.permissions.allowed_actions`` combines both)."""

    EDIT = "edit"
    MOVE = "move"
    SET_PROBABILITY = "set_probability"
    RESET_PROBABILITY = "reset_probability"
    CHANGE_TYPE = "change_type"
    SOLD = "sold"
    LOST = "lost"
    STALL = "stall"
    REOPEN = "reopen"
    COMPLETE = "complete"
    UNCOMPLETE = "uncomplete"
    CREATE_FROM_SUGGESTION = "create_from_suggestion"
    DELETE = "delete"


# No rule of selling refuses these in any status: the title, amount or contact of a sold sale may still be
# corrected, and any sale may be deleted.
_ALWAYS = frozenset({SaleAction.EDIT, SaleAction.DELETE})
# A sold or lost sale's guide is read-only history (``require_guide_open``); an open or stalled one plans on.
_GUIDE_OPEN = frozenset({SaleStatus.OPEN, SaleStatus.STALLED})


def require_guide_open(state: SaleState) -> None:
    """Creating follow-ups or documents from the guide's suggestions: not on a sold or lost sale, whose guide shows
    what was done. A stalled sale is put aside, not closed: its guide still plans (the call on its re-open date)."""
    if state.status not in _GUIDE_OPEN:
        raise RuleViolation(
            Message(
                gettext_noop(
                    "This sale is closed: its guide shows what was done. Reopen the sale to create from its "
                    "suggestions."
                )
            )
        )


# What ``_require_open`` guards above: moves, probabilities, the sale type, and closing.
_WHILE_OPEN = frozenset(
    {
        SaleAction.MOVE,
        SaleAction.SET_PROBABILITY,
        SaleAction.RESET_PROBABILITY,
        SaleAction.CHANGE_TYPE,
        SaleAction.SOLD,
        SaleAction.LOST,
        SaleAction.STALL,
    }
)


def actions_for(state: SaleState) -> frozenset[SaleAction]:
    """The actions the rules above accept in ``state``: exactly what the functions of this module refuse or not
    (a table test holds them together). "Completed" is a tick: ticking it again, or unticking it when it is not
    ticked, is accepted but changes nothing, so only the change the tick would make is offered."""
    actions = set(_ALWAYS)
    if state.status in _GUIDE_OPEN:
        actions.add(SaleAction.CREATE_FROM_SUGGESTION)
    if state.status == SaleStatus.OPEN:
        actions |= _WHILE_OPEN
    else:
        actions.add(SaleAction.REOPEN)
    if state.status in (SaleStatus.SOLD, SaleStatus.LOST) and not state.completed:
        actions.add(SaleAction.COMPLETE)
    if state.completed:
        actions.add(SaleAction.UNCOMPLETE)
    return frozenset(actions)
