"""A sale on its guide (SPEC 3.2–3.6, 3.11), without a database: the stage bar, what is done per stage, where a
follow-up created from a suggestion starts, which follow-up is offered next, when moving on is offered, and the
next activity date."""

from __future__ import annotations

import datetime as dt

import pytest

from salesguide.domain.guide_progress import (
    CreatedActivity,
    FollowupBlueprint,
    GuideStagePlan,
    SaleOnGuide,
    StageState,
    advance_offer,
    close_offer,
    followup_done,
    followup_start,
    next_activity_date,
    next_suggestion,
    stage_progress,
    stage_states,
)
from salesguide.domain.selling import SaleStatus

# The guide, in stage order:
#   lead (11):        follow-ups CALL (+0), VISIT (+2, auto-suggest); document BROCHURE
#   qualified (12):   follow-up DEMO (+3, auto-suggest); documents QUOTE, TERMS
#   offer (13):       no suggestions
#   negotiation (14): follow-ups CHECK (-1, auto-suggest), SIGN (+5)
LEAD, QUALIFIED, OFFER, NEGOTIATION = 11, 12, 13, 14
CALL, VISIT, DEMO, CHECK, SIGN = 101, 102, 103, 104, 105
BROCHURE, QUOTE, TERMS = 201, 202, 203
BLUEPRINTS = {
    CALL: FollowupBlueprint(CALL, days_offset=0),
    VISIT: FollowupBlueprint(VISIT, days_offset=2, auto_suggest=True),
    DEMO: FollowupBlueprint(DEMO, days_offset=3, auto_suggest=True),
    CHECK: FollowupBlueprint(CHECK, days_offset=-1, auto_suggest=True),
    SIGN: FollowupBlueprint(SIGN, days_offset=5),
}
GUIDE = (
    GuideStagePlan(LEAD, (BLUEPRINTS[CALL], BLUEPRINTS[VISIT]), (BROCHURE,)),
    GuideStagePlan(QUALIFIED, (BLUEPRINTS[DEMO],), (QUOTE, TERMS)),
    GuideStagePlan(OFFER),
    GuideStagePlan(NEGOTIATION, (BLUEPRINTS[CHECK], BLUEPRINTS[SIGN])),
)
ORDER = [stage.stage_id for stage in GUIDE]
PLAN = {stage.stage_id: stage for stage in GUIDE}

NOW = dt.datetime(2025, 3, 10, 9, 0, tzinfo=dt.UTC)
PAST, NOW_ON, AHEAD = StageState.COMPLETED, StageState.CURRENT, StageState.FUTURE


def at(month: int, day: int, hour: int = 9) -> dt.datetime:
    return dt.datetime(2025, month, day, hour, 0, tzinfo=dt.UTC)


def done(month: int = 3, day: int = 10) -> CreatedActivity:
    return CreatedActivity(id=month * 100 + day, start=at(month, day), completed=True)


def todo(month: int = 3, day: int = 10) -> CreatedActivity:
    return CreatedActivity(id=month * 100 + day + 50, start=at(month, day), completed=False)


def sale(current=LEAD, status=SaleStatus.OPEN, activities=None, documents=None) -> SaleOnGuide:
    return SaleOnGuide(
        stages=GUIDE,
        current_stage_id=current,
        status=status,
        activities=activities or {},
        documents=documents or {},
    )


# --- 3.2 the stage bar ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("current", "states"),
    [
        (LEAD, [NOW_ON, AHEAD, AHEAD, AHEAD]),  # the first stage
        (QUALIFIED, [PAST, NOW_ON, AHEAD, AHEAD]),
        (OFFER, [PAST, PAST, NOW_ON, AHEAD]),
        (NEGOTIATION, [PAST, PAST, PAST, NOW_ON]),  # the last stage
        (99, [AHEAD, AHEAD, AHEAD, AHEAD]),  # a stage that is not in the guide
        (None, [AHEAD, AHEAD, AHEAD, AHEAD]),  # no stage at all
    ],
)
def test_given_a_sales_current_stage_when_the_stage_bar_is_drawn_then_earlier_are_completed_later_are_future(
    current, states
):
    assert stage_states(ORDER, current) == dict(zip(ORDER, states, strict=True))


def test_given_a_guide_without_stages_when_the_stage_bar_is_drawn_then_it_is_empty():
    assert stage_states([], LEAD) == {}


@pytest.mark.parametrize(
    ("created", "is_done"),
    [
        ((), False),  # not created
        ((todo(),), False),  # created, not completed
        ((done(),), True),
        ((done(), todo()), False),  # "create another" made one more that is still open
        ((done(), done(3, 12)), True),
    ],
    ids=["not-created", "open", "completed", "one-of-two-open", "both-completed"],
)
def test_given_what_was_created_from_a_follow_up_suggestion_then_it_is_done_only_when_created_and_all_completed(
    created, is_done
):
    assert followup_done(created) is is_done


@pytest.mark.parametrize(
    ("stage", "activities", "documents", "progress"),
    [
        (LEAD, {}, {}, (0, 3)),
        (LEAD, {CALL: [todo()]}, {}, (0, 3)),  # a created, open follow-up is not done
        (LEAD, {CALL: [done()]}, {}, (1, 3)),
        (LEAD, {}, {BROCHURE: [7]}, (1, 3)),  # a document is done once created
        (LEAD, {CALL: [done()], VISIT: [done(), todo()]}, {BROCHURE: [7]}, (2, 3)),
        (LEAD, {CALL: [done()], VISIT: [done()]}, {BROCHURE: [7]}, (3, 3)),
        (LEAD, {CALL: [done()]}, {BROCHURE: []}, (1, 3)),  # an empty list is not a created document
        (QUALIFIED, {DEMO: [done()]}, {QUOTE: [8, 9]}, (2, 3)),  # two documents of one suggestion count once
        (QUALIFIED, {CALL: [done()], VISIT: [done()]}, {BROCHURE: [7]}, (0, 3)),  # other stages don't count
        (OFFER, {CALL: [done()]}, {BROCHURE: [7]}, (0, 0)),  # a stage without suggestions
        (NEGOTIATION, {CHECK: [done()], SIGN: [todo()]}, {}, (1, 2)),
    ],
)
def test_given_created_items_when_a_stage_is_counted_then_done_and_total_count_its_follow_ups_and_documents(
    stage, activities, documents, progress
):
    on_guide = sale(current=LEAD, activities=activities, documents=documents)

    assert stage_progress(on_guide, PLAN[stage]) == progress


# --- 3.3 the start of a follow-up created from a suggestion --------------------------------------------------


@pytest.mark.parametrize(
    ("suggestion", "activities", "start"),
    [
        (CALL, {}, NOW),  # the first follow-up of the guide: now + 0
        (VISIT, {}, at(3, 12)),  # nothing earlier created: now + 2
        (VISIT, {CALL: [todo(3, 12)]}, at(3, 14)),  # the previous follow-up's start + 2
        (VISIT, {CALL: [done(3, 12), todo(3, 20), done(3, 15)]}, at(3, 22)),  # its latest start + 2
        (DEMO, {CALL: [done(3, 12)], VISIT: [todo(3, 16)]}, at(3, 19)),  # across a stage border + 3
        (DEMO, {CALL: [done(3, 12)]}, at(3, 15)),  # the nearest earlier one that was created + 3
        (CHECK, {DEMO: [todo(4, 1)]}, at(3, 31)),  # across an empty stage, a negative offset: - 1
        (CHECK, {}, at(3, 9)),  # nothing earlier created: now - 1
        (SIGN, {CHECK: [todo(2, 27)]}, at(3, 4)),  # an earlier start lies in the past: still that + 5
        (CALL, {VISIT: [todo(4, 1)], DEMO: [todo(4, 5)]}, NOW),  # later follow-ups don't count
        (VISIT, {VISIT: [todo(4, 1)]}, at(3, 12)),  # "create another": its own earlier ones don't count
    ],
)
def test_given_a_sales_created_follow_ups_when_one_is_created_from_a_suggestion_then_it_starts_after_the_previous(
    suggestion, activities, start
):
    on_guide = sale(activities=activities)

    assert followup_start(on_guide, suggestion, NOW) == start


def test_given_a_suggestion_not_in_the_guide_when_its_start_is_asked_then_that_is_an_error():
    with pytest.raises(ValueError, match="not a follow-up of this guide"):
        followup_start(sale(), 999, NOW)


# --- 3.5 the next suggestion after completing a follow-up ----------------------------------------------------


@pytest.mark.parametrize(
    ("completed", "activities", "offered"),
    [
        (CALL, {CALL: [done()]}, VISIT),  # the next one in the same stage has auto-suggest
        (CALL, {CALL: [done()], VISIT: [todo()]}, None),  # it was created already
        (CALL, {CALL: [done()], VISIT: [done()]}, None),
        (VISIT, {VISIT: [done()]}, DEMO),  # the first of the next stage
        (DEMO, {DEMO: [done()]}, CHECK),  # across a stage without suggestions
        (DEMO, {DEMO: [done()], CHECK: [done()]}, None),
        (CHECK, {CHECK: [done()]}, None),  # the next one (SIGN) has no auto-suggest
        (SIGN, {SIGN: [done()]}, None),  # the last follow-up of the guide
        (999, {}, None),  # an activity not made from this guide
    ],
)
def test_given_a_completed_guide_follow_up_when_the_next_one_has_auto_suggest_and_is_not_created_then_it_is_offered(
    completed, activities, offered
):
    on_guide = sale(activities=activities)

    suggestion = next_suggestion(on_guide, completed)

    assert (suggestion.id if suggestion else None) == offered


# --- 3.6 auto-advance ----------------------------------------------------------------------------------------

LEAD_DONE = {CALL: [done()], VISIT: [done()]}
QUALIFIED_DONE = {DEMO: [done()]}
NEGOTIATION_DONE = {CHECK: [done()], SIGN: [done()]}


@pytest.mark.parametrize(
    ("auto_advance", "current", "status", "activities", "documents", "offered"),
    [
        (True, LEAD, SaleStatus.OPEN, LEAD_DONE, {BROCHURE: [7]}, QUALIFIED),
        (False, LEAD, SaleStatus.OPEN, LEAD_DONE, {BROCHURE: [7]}, None),  # auto-advance off
        (True, LEAD, SaleStatus.SOLD, LEAD_DONE, {BROCHURE: [7]}, None),  # not open
        (True, LEAD, SaleStatus.LOST, LEAD_DONE, {BROCHURE: [7]}, None),
        (True, LEAD, SaleStatus.STALLED, LEAD_DONE, {BROCHURE: [7]}, None),
        (True, LEAD, SaleStatus.OPEN, LEAD_DONE, {}, None),  # a suggested document not created
        (True, LEAD, SaleStatus.OPEN, {CALL: [done()], VISIT: [todo()]}, {BROCHURE: [7]}, None),  # not completed
        (True, LEAD, SaleStatus.OPEN, {CALL: [done()]}, {BROCHURE: [7]}, None),  # a follow-up not created
        (True, QUALIFIED, SaleStatus.OPEN, QUALIFIED_DONE, {QUOTE: [8], TERMS: [9]}, OFFER),  # earlier stages open
        (True, QUALIFIED, SaleStatus.OPEN, QUALIFIED_DONE, {QUOTE: [8]}, None),
        (True, OFFER, SaleStatus.OPEN, {}, {}, None),  # a stage without suggestions offers nothing
        (True, NEGOTIATION, SaleStatus.OPEN, NEGOTIATION_DONE, {}, None),  # never in the last stage
        (True, 99, SaleStatus.OPEN, LEAD_DONE, {BROCHURE: [7]}, None),  # a stage not in the guide
        (True, None, SaleStatus.OPEN, LEAD_DONE, {BROCHURE: [7]}, None),
    ],
)
def test_given_auto_advance_when_every_item_of_the_current_stage_is_done_then_the_next_stage_is_offered(
    auto_advance, current, status, activities, documents, offered
):
    on_guide = sale(current=current, status=status, activities=activities, documents=documents)

    assert advance_offer(on_guide, auto_advance) == offered


@pytest.mark.parametrize(
    ("auto_advance", "current", "status", "activities", "offered"),
    [
        (True, NEGOTIATION, SaleStatus.OPEN, NEGOTIATION_DONE, True),  # the last stage, all done
        (True, NEGOTIATION, SaleStatus.OPEN, {CHECK: [done()], SIGN: [todo()]}, False),  # one not completed
        (True, NEGOTIATION, SaleStatus.OPEN, {CHECK: [done()]}, False),  # one not created
        (False, NEGOTIATION, SaleStatus.OPEN, NEGOTIATION_DONE, False),  # auto-advance off
        (True, NEGOTIATION, SaleStatus.SOLD, NEGOTIATION_DONE, False),  # closed already
        (True, NEGOTIATION, SaleStatus.STALLED, NEGOTIATION_DONE, False),
        (True, LEAD, SaleStatus.OPEN, LEAD_DONE, False),  # not the last stage: the advance offer instead
        (True, None, SaleStatus.OPEN, NEGOTIATION_DONE, False),
    ],
)
def test_given_the_last_stage_when_every_item_of_it_is_done_then_closing_as_sold_is_offered(
    auto_advance, current, status, activities, offered
):
    on_guide = sale(current=current, status=status, activities=activities, documents={BROCHURE: [7]})

    assert close_offer(on_guide, auto_advance) is offered


def test_given_a_last_stage_without_suggestions_when_the_sale_is_in_it_then_closing_is_not_offered():
    # Given a guide whose last stage suggests nothing
    guide = (GUIDE[0], GUIDE[2])
    on_guide = SaleOnGuide(stages=guide, current_stage_id=OFFER, status=SaleStatus.OPEN)

    # Then nothing was done there, so nothing is offered
    assert close_offer(on_guide, True) is False


# --- 3.11 the next activity date -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("activities", "expected"),
    [
        ([], None),
        ([(at(3, 12), True), (at(3, 1), True)], None),  # everything completed
        ([(at(3, 12), False)], at(3, 12)),
        ([(at(3, 12), False), (at(3, 5), True), (at(3, 20), False)], at(3, 12)),  # a completed earlier one skipped
        ([(at(3, 20), False), (at(2, 1), False)], at(2, 1)),  # overdue: still the earliest
        ([(at(3, 12, 15), False), (at(3, 12, 8), False)], at(3, 12, 8)),  # the same day: the earliest time
    ],
)
def test_given_a_sales_activities_when_its_next_activity_date_is_derived_then_it_is_the_earliest_not_completed(
    activities, expected
):
    assert next_activity_date(activities) == expected
