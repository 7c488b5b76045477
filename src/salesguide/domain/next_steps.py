"""What to do next on an open sale, and why (SPEC 6.1): a short ranked list of steps, each with its reason, its
due moment and the action that does it where one exists. Pure: the facts come in, the steps go out.

The ranking is a table of rules (``RULES``). Each rule looks at the sale's facts and gives zero or more steps
of its kind; the steps are then ordered by the kind's rank (``RANKS``), then by when they are due (earliest
first; a step without a due moment after those with one), then by the guide's order. The first ``limit`` are
the answer. A sold, lost or stalled sale has no next steps.

The kinds, most urgent first:

- ``overdue``: an open activity whose start has passed ("Overdue: call Anna on 2026-03-03");
- ``required``: a required item of the current stage not done yet, which blocks or warns when the sale leaves
  the stage (exit criteria, SPEC 6.3);
- ``nothing_planned``: no open activity from now on (what makes a sale stale, SPEC 6.2);
- ``too_long_in_stage``: in the stage longer than the stage's expected days ("Days in stage: 12, expected 7");
- ``move_on`` / ``close``: every item of the current stage done — move to the next stage, or in the last one
  close the sale as sold;
- ``guide_step``: the next follow-up of the current stage not created yet ("Next guide step: contract
  meeting"), due when the guide would start it (``guide_progress.followup_start``);
- ``document``: a document of the current stage not created yet ("Quote not created yet").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from salesguide.domain.errors import Message, gettext_noop
from salesguide.domain.guide_progress import (
    GuideStagePlan,
    SaleOnGuide,
    followup_done,
    followup_start,
    stage_progress,
)
from salesguide.domain.selling import SaleStatus

DEFAULT_LIMIT = 5


class StepKind(StrEnum):
    OVERDUE = "overdue"
    REQUIRED = "required"
    NOTHING_PLANNED = "nothing_planned"
    TOO_LONG_IN_STAGE = "too_long_in_stage"
    MOVE_ON = "move_on"
    CLOSE = "close"
    GUIDE_STEP = "guide_step"
    DOCUMENT = "document"


class ActionKind(StrEnum):
    """What the step's button does: open an activity, create a follow-up or document from its suggestion, open
    the move dialog for a stage, close the sale as sold, or plan a new activity."""

    OPEN_ACTIVITY = "open_activity"
    CREATE_FOLLOWUP = "create_followup"
    CREATE_DOCUMENT = "create_document"
    MOVE = "move"
    CLOSE_AS_SOLD = "close_as_sold"
    PLAN_ACTIVITY = "plan_activity"


# Lower is more urgent.
RANKS: Mapping[StepKind, int] = {
    StepKind.OVERDUE: 10,
    StepKind.REQUIRED: 20,
    StepKind.NOTHING_PLANNED: 30,
    StepKind.TOO_LONG_IN_STAGE: 40,
    StepKind.MOVE_ON: 50,
    StepKind.CLOSE: 50,
    StepKind.GUIDE_STEP: 60,
    StepKind.DOCUMENT: 70,
}


@dataclass(frozen=True)
class Action:
    kind: ActionKind
    target_id: int | None = None  # the activity, suggestion or stage the action is about


@dataclass(frozen=True)
class NextStep:
    """``text`` says what to do ("Plan: Contract meeting"), ``reason`` why ("Next guide step: Contract
    meeting"); ``due`` is when it is or was due, when that is known."""

    kind: StepKind
    text: Message
    reason: Message
    due: dt.datetime | None = None
    action: Action | None = None


@dataclass(frozen=True)
class OpenActivity:
    """An activity of the sale that is not completed (from the guide or not)."""

    id: int
    title: str
    start: dt.datetime


@dataclass(frozen=True)
class SaleFacts:
    """What the ranking needs to know of one sale. ``guide`` says where the sale is on its guide; the names are
    the suggestions' and stages' names as the user sees them; ``required_followups`` / ``required_documents``
    are the suggestion ids marked "required before leaving this stage"."""

    guide: SaleOnGuide
    now: dt.datetime
    open_activities: Sequence[OpenActivity] = ()
    days_in_stage: int | None = None
    expected_days: int | None = None
    followup_names: Mapping[int, str] = field(default_factory=dict)
    document_names: Mapping[int, str] = field(default_factory=dict)
    stage_names: Mapping[int, str] = field(default_factory=dict)
    required_followups: frozenset[int] = frozenset()
    required_documents: frozenset[int] = frozenset()


def _current_stage(facts: SaleFacts) -> tuple[int, GuideStagePlan] | None:
    for index, stage in enumerate(facts.guide.stages):
        if stage.stage_id == facts.guide.current_stage_id:
            return index, stage
    return None


def _open_followups(facts: SaleFacts, stage: GuideStagePlan) -> list[int]:
    """The current stage's follow-up suggestions not done yet, in guide order."""
    return [f.id for f in stage.followups if not followup_done(facts.guide.activities.get(f.id, ()))]


def _open_documents(facts: SaleFacts, stage: GuideStagePlan) -> list[int]:
    return [d for d in stage.document_ids if not facts.guide.documents.get(d)]


def _overdue(facts: SaleFacts) -> list[NextStep]:
    return [
        NextStep(
            StepKind.OVERDUE,
            Message(gettext_noop("Catch up: %(title)s"), {"title": activity.title}),
            Message(
                gettext_noop("Overdue: %(title)s on %(date)s"),
                {"title": activity.title, "date": activity.start.astimezone(facts.now.tzinfo).date()},
            ),
            activity.start,
            Action(ActionKind.OPEN_ACTIVITY, activity.id),
        )
        for activity in sorted(facts.open_activities, key=lambda a: (a.start, a.id))
        if activity.start < facts.now
    ]


def _required_step(text: Message, name: str, action: Action) -> NextStep:
    reason = Message(gettext_noop("Required before leaving this stage: %(name)s"), {"name": name})
    return NextStep(StepKind.REQUIRED, text, reason, None, action)


def _required(facts: SaleFacts) -> list[NextStep]:
    """The current stage's required items not done yet: follow-ups, then documents, each in guide order."""
    current = _current_stage(facts)
    if current is None:
        return []
    _index, stage = current
    steps = [
        _required_step(
            _followup_text(facts, suggestion_id),
            facts.followup_names.get(suggestion_id, ""),
            _followup_action(facts, suggestion_id),
        )
        for suggestion_id in _open_followups(facts, stage)
        if suggestion_id in facts.required_followups
    ]
    for suggestion_id in _open_documents(facts, stage):
        if suggestion_id in facts.required_documents:
            name = facts.document_names.get(suggestion_id, "")
            text = Message(gettext_noop("Create: %(name)s"), {"name": name})
            steps.append(_required_step(text, name, Action(ActionKind.CREATE_DOCUMENT, suggestion_id)))
    return steps


def _followup_text(facts: SaleFacts, suggestion_id: int) -> Message:
    name = facts.followup_names.get(suggestion_id, "")
    if facts.guide.activities.get(suggestion_id):
        return Message(gettext_noop("Complete: %(name)s"), {"name": name})
    return Message(gettext_noop("Plan: %(name)s"), {"name": name})


def _followup_action(facts: SaleFacts, suggestion_id: int) -> Action:
    """Create the follow-up from its suggestion, or — created already — open its activity still to do."""
    open_ones = [a for a in facts.guide.activities.get(suggestion_id, ()) if not a.completed]
    if open_ones:
        return Action(ActionKind.OPEN_ACTIVITY, min(open_ones, key=lambda a: (a.start, a.id)).id)
    return Action(ActionKind.CREATE_FOLLOWUP, suggestion_id)


def _nothing_planned(facts: SaleFacts) -> list[NextStep]:
    if any(activity.start >= facts.now for activity in facts.open_activities):
        return []
    return [
        NextStep(
            StepKind.NOTHING_PLANNED,
            Message(gettext_noop("Plan the next activity")),
            Message(gettext_noop("No activity planned")),
            None,
            _plan(facts),
        )
    ]


def _plan(facts: SaleFacts) -> Action:
    """Planning something: the current stage's next guide follow-up when there is one to create, else a new
    activity."""
    current = _current_stage(facts)
    if current is not None:
        for suggestion_id in _open_followups(facts, current[1]):
            if not facts.guide.activities.get(suggestion_id):
                return Action(ActionKind.CREATE_FOLLOWUP, suggestion_id)
    return Action(ActionKind.PLAN_ACTIVITY)


def _too_long(facts: SaleFacts) -> list[NextStep]:
    days, expected = facts.days_in_stage, facts.expected_days
    if days is None or expected is None or days <= expected:
        return []
    return [
        NextStep(
            StepKind.TOO_LONG_IN_STAGE,
            Message(gettext_noop("Move the sale on, or plan what it waits for")),
            Message(
                gettext_noop("Days in stage: %(days)d, expected %(expected)d"), {"days": days, "expected": expected}
            ),
            facts.now - dt.timedelta(days=days - expected),
            None,
        )
    ]


def _stage_done(facts: SaleFacts) -> list[NextStep]:
    current = _current_stage(facts)
    if current is None:
        return []
    index, stage = current
    done, total = stage_progress(facts.guide, stage)
    if not total or done < total:
        return []
    if index + 1 < len(facts.guide.stages):
        following = facts.guide.stages[index + 1].stage_id
        return [
            NextStep(
                StepKind.MOVE_ON,
                Message(gettext_noop("Move to %(stage)s"), {"stage": facts.stage_names.get(following, "")}),
                Message(
                    gettext_noop("All items done: move to %(stage)s?"),
                    {"stage": facts.stage_names.get(following, "")},
                ),
                None,
                Action(ActionKind.MOVE, following),
            )
        ]
    return [
        NextStep(
            StepKind.CLOSE,
            Message(gettext_noop("Close as sold")),
            Message(gettext_noop("Last stage done: close as sold?")),
            None,
            Action(ActionKind.CLOSE_AS_SOLD),
        )
    ]


def _guide_steps(facts: SaleFacts) -> list[NextStep]:
    """The current stage's next follow-up not created yet (one: the guide goes step by step)."""
    current = _current_stage(facts)
    if current is None:
        return []
    for followup in current[1].followups:
        if followup.id in facts.required_followups or facts.guide.activities.get(followup.id):
            continue
        return [
            NextStep(
                StepKind.GUIDE_STEP,
                Message(gettext_noop("Plan: %(name)s"), {"name": facts.followup_names.get(followup.id, "")}),
                Message(gettext_noop("Next guide step: %(name)s"), {"name": facts.followup_names.get(followup.id, "")}),
                followup_start(facts.guide, followup.id, facts.now),
                Action(ActionKind.CREATE_FOLLOWUP, followup.id),
            )
        ]
    return []


def _documents(facts: SaleFacts) -> list[NextStep]:
    current = _current_stage(facts)
    if current is None:
        return []
    return [
        NextStep(
            StepKind.DOCUMENT,
            Message(gettext_noop("Create: %(name)s"), {"name": facts.document_names.get(suggestion_id, "")}),
            Message(gettext_noop("%(name)s not created yet"), {"name": facts.document_names.get(suggestion_id, "")}),
            None,
            Action(ActionKind.CREATE_DOCUMENT, suggestion_id),
        )
        for suggestion_id in _open_documents(facts, current[1])
        if suggestion_id not in facts.required_documents
    ]


Rule = Callable[[SaleFacts], list[NextStep]]
RULES: Sequence[Rule] = (_overdue, _required, _nothing_planned, _too_long, _stage_done, _guide_steps, _documents)


def next_steps(facts: SaleFacts, *, limit: int = DEFAULT_LIMIT) -> list[NextStep]:
    """The sale's next steps, most urgent first (see the module's docstring); none for a sale that is not open."""
    if facts.guide.status != SaleStatus.OPEN:
        return []
    steps = [step for rule in RULES for step in rule(facts)]
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    ordered = sorted(enumerate(steps), key=lambda pair: (RANKS[pair[1].kind], pair[1].due or latest, pair[0]))
    return [step for _position, step in ordered][:limit]


def most_urgent_of_sales(steps_of_sales: Mapping[int, Sequence[NextStep]], *, limit: int) -> list[tuple[int, NextStep]]:
    """The first step of each sale (``steps_of_sales``: the sale's ranked steps by its id, in the caller's order),
    most urgent first across the sales by the same ranking as within one: the kind's rank, then the due moment,
    then the caller's order. One step a sale, so one busy sale cannot fill a home's short list."""
    latest = dt.datetime.max.replace(tzinfo=dt.UTC)
    firsts = [
        (position, sale_id, steps[0]) for position, (sale_id, steps) in enumerate(steps_of_sales.items()) if steps
    ]
    firsts.sort(key=lambda item: (RANKS[item[2].kind], item[2].due or latest, item[0]))
    return [(sale_id, step) for _position, sale_id, step in firsts[:limit]]


def card_step(
    *,
    now: dt.datetime,
    next_activity_at: dt.datetime | None,
    planned_ahead: bool,
    days_in_stage: int | None,
    expected_days: int | None,
) -> NextStep | None:
    """The most urgent step of a sale as far as a board card's own columns tell it, without the guide: an overdue
    activity (the earliest open one, ``next_activity_at``, has passed), nothing planned from now on, or longer in
    the stage than expected — ranked as ``next_steps`` ranks them. None when none of these holds; the guide's own
    steps need the guide (``next_steps``)."""
    if next_activity_at is not None and next_activity_at < now:
        return NextStep(
            StepKind.OVERDUE,
            Message(gettext_noop("Catch up on the overdue activity")),
            Message(
                gettext_noop("Overdue: activity of %(date)s"), {"date": next_activity_at.astimezone(now.tzinfo).date()}
            ),
            next_activity_at,
        )
    if not planned_ahead:
        return NextStep(
            StepKind.NOTHING_PLANNED,
            Message(gettext_noop("Plan the next activity")),
            Message(gettext_noop("No activity planned")),
        )
    steps = _too_long(
        SaleFacts(
            guide=SaleOnGuide(stages=[], current_stage_id=None, status=SaleStatus.OPEN),
            now=now,
            days_in_stage=days_in_stage,
            expected_days=expected_days,
        )
    )
    return steps[0] if steps else None
