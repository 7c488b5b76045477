"""The next steps of a sale, with their reasons (SPEC 6.1, ``domain.next_steps``): one table of situations and
the ranked steps each gives, as (kind, reason as the user reads it, action)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from typing import Any

import pytest

from salesguide.domain.guide_progress import CreatedActivity, FollowupBlueprint, GuideStagePlan, SaleOnGuide
from salesguide.domain.next_steps import (
    Action,
    ActionKind,
    OpenActivity,
    SaleFacts,
    StepKind,
    next_steps,
)
from salesguide.domain.selling import SaleStatus

NOW = dt.datetime(2026, 3, 10, 9, 0, tzinfo=dt.UTC)
LEAD, OFFER, DEAL = 1, 2, 3
CALL, MEETING, CONTRACT_MEETING = 11, 12, 13
QUOTE, CONTRACT = 21, 22

GUIDE = (
    GuideStagePlan(LEAD, followups=(FollowupBlueprint(CALL, days_offset=0),), document_ids=()),
    GuideStagePlan(
        OFFER,
        followups=(FollowupBlueprint(MEETING, days_offset=2), FollowupBlueprint(CONTRACT_MEETING, days_offset=7)),
        document_ids=(QUOTE,),
    ),
    GuideStagePlan(DEAL, followups=(), document_ids=(CONTRACT,)),
)
NAMES = {
    "followup_names": {CALL: "Call", MEETING: "Meeting", CONTRACT_MEETING: "Contract meeting"},
    "document_names": {QUOTE: "Quote", CONTRACT: "Contract"},
    "stage_names": {LEAD: "Lead", OFFER: "Offer", DEAL: "Deal"},
}


def day(n: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2026, 3, n, hour, 0, tzinfo=dt.UTC)


def facts(
    stage: int = OFFER,
    status: SaleStatus = SaleStatus.OPEN,
    activities: dict[int, tuple[CreatedActivity, ...]] | None = None,
    documents: dict[int, tuple[int, ...]] | None = None,
    **more: Any,
) -> SaleFacts:
    guide = SaleOnGuide(GUIDE, stage, status, activities or {}, documents or {})
    return SaleFacts(guide=guide, now=NOW, **NAMES, **more)


def done(activity_id: int, start: dt.datetime) -> CreatedActivity:
    return CreatedActivity(activity_id, start, completed=True)


def planned(activity_id: int, start: dt.datetime) -> CreatedActivity:
    return CreatedActivity(activity_id, start, completed=False)


def shown(sale: SaleFacts, limit: int = 5) -> list[tuple[str, str, Action | None]]:
    return [(step.kind.value, step.reason.render(), step.action) for step in next_steps(sale, limit=limit)]


def texts(sale: SaleFacts) -> list[tuple[str, str]]:
    return [(step.text.render(), step.reason.render()) for step in next_steps(sale, limit=10)]


CREATE = ActionKind.CREATE_FOLLOWUP
SITUATIONS = {
    "a new sale in Offer with nothing done: nothing planned first, then the guide's next step and the quote": (
        facts(),
        [
            ("nothing_planned", "No activity planned", Action(CREATE, MEETING)),
            ("guide_step", "Next guide step: Meeting", Action(CREATE, MEETING)),
            ("document", "Quote not created yet", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
        ],
    ),
    "an overdue follow-up comes first, with its date; something overdue is not something planned": (
        facts(
            activities={MEETING: (planned(501, day(3)),)},
            open_activities=(OpenActivity(501, "Meeting with Anna", day(3)),),
        ),
        [
            ("overdue", "Overdue: Meeting with Anna on 2026-03-03", Action(ActionKind.OPEN_ACTIVITY, 501)),
            ("nothing_planned", "No activity planned", Action(CREATE, CONTRACT_MEETING)),
            ("guide_step", "Next guide step: Contract meeting", Action(CREATE, CONTRACT_MEETING)),
            ("document", "Quote not created yet", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
        ],
    ),
    "two overdue activities: the older first": (
        facts(
            open_activities=(OpenActivity(7, "Send prices", day(8)), OpenActivity(6, "Call back", day(5))),
        ),
        [
            ("overdue", "Overdue: Call back on 2026-03-05", Action(ActionKind.OPEN_ACTIVITY, 6)),
            ("overdue", "Overdue: Send prices on 2026-03-08", Action(ActionKind.OPEN_ACTIVITY, 7)),
            ("nothing_planned", "No activity planned", Action(CREATE, MEETING)),
            ("guide_step", "Next guide step: Meeting", Action(CREATE, MEETING)),
            ("document", "Quote not created yet", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
        ],
    ),
    "something planned ahead: no 'nothing planned'": (
        facts(open_activities=(OpenActivity(8, "Lunch", day(12)),)),
        [
            ("guide_step", "Next guide step: Meeting", Action(CREATE, MEETING)),
            ("document", "Quote not created yet", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
        ],
    ),
    "longer in the stage than expected": (
        facts(open_activities=(OpenActivity(8, "Lunch", day(12)),), days_in_stage=12, expected_days=7),
        [
            ("too_long_in_stage", "Days in stage: 12, expected 7", None),
            ("guide_step", "Next guide step: Meeting", Action(CREATE, MEETING)),
            ("document", "Quote not created yet", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
        ],
    ),
    "exactly the expected days is not too long, and a stage without expected days never is": (
        facts(open_activities=(OpenActivity(8, "Lunch", day(12)),), days_in_stage=7, expected_days=7),
        [
            ("guide_step", "Next guide step: Meeting", Action(CREATE, MEETING)),
            ("document", "Quote not created yet", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
        ],
    ),
    "required items come before everything but overdue, and are not listed twice": (
        facts(
            open_activities=(OpenActivity(8, "Lunch", day(12)),),
            required_followups=frozenset({MEETING}),
            required_documents=frozenset({QUOTE}),
        ),
        [
            ("required", "Required before leaving this stage: Meeting", Action(CREATE, MEETING)),
            ("required", "Required before leaving this stage: Quote", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
            ("guide_step", "Next guide step: Contract meeting", Action(CREATE, CONTRACT_MEETING)),
        ],
    ),
    "every kind at once, in the order of urgency": (
        facts(
            open_activities=(OpenActivity(6, "Call back", day(5)),),
            days_in_stage=12,
            expected_days=7,
            required_documents=frozenset({QUOTE}),
        ),
        [
            ("overdue", "Overdue: Call back on 2026-03-05", Action(ActionKind.OPEN_ACTIVITY, 6)),
            ("required", "Required before leaving this stage: Quote", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
            ("nothing_planned", "No activity planned", Action(CREATE, MEETING)),
            ("too_long_in_stage", "Days in stage: 12, expected 7", None),
            ("guide_step", "Next guide step: Meeting", Action(CREATE, MEETING)),
        ],
    ),
    "a required follow-up created but not completed: its step opens the activity": (
        facts(
            activities={MEETING: (planned(77, day(11)),)},
            open_activities=(OpenActivity(77, "Meeting", day(11)),),
            required_followups=frozenset({MEETING}),
        ),
        [
            ("required", "Required before leaving this stage: Meeting", Action(ActionKind.OPEN_ACTIVITY, 77)),
            ("guide_step", "Next guide step: Contract meeting", Action(CREATE, CONTRACT_MEETING)),
            ("document", "Quote not created yet", Action(ActionKind.CREATE_DOCUMENT, QUOTE)),
        ],
    ),
    "every item of the stage done: move on to the next stage": (
        facts(
            activities={MEETING: (done(1, day(2)),), CONTRACT_MEETING: (done(2, day(9)),)},
            documents={QUOTE: (31,)},
            open_activities=(OpenActivity(8, "Lunch", day(12)),),
        ),
        [("move_on", "All items done: move to Deal?", Action(ActionKind.MOVE, DEAL))],
    ),
    "the last stage done: close as sold": (
        facts(stage=DEAL, documents={CONTRACT: (41,)}, open_activities=(OpenActivity(8, "Lunch", day(12)),)),
        [("close", "Last stage done: close as sold?", Action(ActionKind.CLOSE_AS_SOLD))],
    ),
    "a stage without suggestions: nothing of the guide to do, nothing to move on for": (
        SaleFacts(
            guide=SaleOnGuide((GuideStagePlan(LEAD), GuideStagePlan(OFFER)), LEAD, SaleStatus.OPEN),
            now=NOW,
            open_activities=(OpenActivity(8, "Lunch", day(12)),),
        ),
        [],
    ),
    "a sale in no stage of its guide: only what is not about the guide": (
        facts(stage=99),
        [("nothing_planned", "No activity planned", Action(ActionKind.PLAN_ACTIVITY))],
    ),
    "a sold sale has no next steps": (
        facts(status=SaleStatus.SOLD, open_activities=(OpenActivity(6, "Call back", day(5)),)),
        [],
    ),
    "a lost sale has none either": (facts(status=SaleStatus.LOST), []),
    "a stalled sale waits for its re-open date: none": (facts(status=SaleStatus.STALLED), []),
}


@pytest.mark.parametrize(("sale", "expected"), list(SITUATIONS.values()), ids=list(SITUATIONS))
def test_next_steps(sale, expected):
    assert shown(sale) == expected


def test_the_list_is_cut_at_the_limit_keeping_the_most_urgent():
    sale = facts(open_activities=tuple(OpenActivity(n, f"Task {n}", day(n)) for n in range(1, 8)))

    assert [step.reason.render() for step in next_steps(sale, limit=3)] == [
        "Overdue: Task 1 on 2026-03-01",
        "Overdue: Task 2 on 2026-03-02",
        "Overdue: Task 3 on 2026-03-03",
    ]


def test_a_guide_step_is_due_when_the_guide_would_start_it():
    # The meeting is 2 days after now (nothing earlier created); after a call on the 12th, 2 days after that.
    [step] = [s for s in next_steps(facts()) if s.kind == StepKind.GUIDE_STEP]
    assert step.due == NOW + dt.timedelta(days=2)
    in_lead = replace(facts(stage=LEAD), guide=SaleOnGuide(GUIDE, LEAD, SaleStatus.OPEN))
    [call] = [s for s in next_steps(in_lead) if s.kind == StepKind.GUIDE_STEP]
    assert (call.reason.render(), call.due) == ("Next guide step: Call", NOW)


def test_too_long_in_stage_is_due_on_the_day_the_expected_days_ran_out():
    sale = facts(days_in_stage=12, expected_days=7)
    [step] = [s for s in next_steps(sale) if s.kind == StepKind.TOO_LONG_IN_STAGE]
    assert step.due == NOW - dt.timedelta(days=5)


def test_each_step_says_what_to_do_beside_why():
    sale = facts(
        activities={MEETING: (planned(77, day(11)),)},
        open_activities=(OpenActivity(6, "Call back", day(5)), OpenActivity(77, "Meeting", day(11))),
        days_in_stage=12,
        expected_days=7,
        required_followups=frozenset({MEETING}),
    )
    assert texts(sale) == [
        ("Catch up: Call back", "Overdue: Call back on 2026-03-05"),
        ("Complete: Meeting", "Required before leaving this stage: Meeting"),
        ("Move the sale on, or plan what it waits for", "Days in stage: 12, expected 7"),
        ("Plan: Contract meeting", "Next guide step: Contract meeting"),
        ("Create: Quote", "Quote not created yet"),
    ]
    assert texts(facts(stage=LEAD)) == [
        ("Plan the next activity", "No activity planned"),
        ("Plan: Call", "Next guide step: Call"),
    ]
    finished = {MEETING: (done(1, day(2)),), CONTRACT_MEETING: (done(2, day(9)),)}
    lunch = (OpenActivity(8, "Lunch", day(12)),)
    assert texts(facts(activities=finished, documents={QUOTE: (31,)}, open_activities=lunch)) == [
        ("Move to Deal", "All items done: move to Deal?")
    ]
    assert texts(facts(stage=DEAL, documents={CONTRACT: (41,)}, open_activities=lunch)) == [
        ("Close as sold", "Last stage done: close as sold?")
    ]
