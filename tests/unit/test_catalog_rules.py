"""The catalogue's rules, without a database."""

import pytest

from salesguide.domain import catalog as rules
from salesguide.domain.errors import RuleViolation, ValidationFailed


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        (0, True),
        (1, True),
        (50, True),
        (100, True),
        (-1, False),
        (101, False),
        (True, False),
        ("50", False),
        (None, False),
        (12.5, False),
    ],
)
def test_a_probability_is_a_whole_percentage_from_0_to_100(value, ok):
    assert (rules.probability_problems(value) == []) is ok


def test_an_out_of_range_probability_names_the_value_and_the_field():
    [problem] = rules.probability_problems(101, loc=("stages", 2, "probability"))
    assert problem.loc == ("stages", 2, "probability")
    assert problem.message.render() == "The probability must be between 0 and 100, not 101."


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("Lead", True),
        ("  Lead ", True),
        ("", False),
        ("   ", False),
        (None, False),
        (7, False),
        ("x" * 100, True),
        ("x" * 101, False),
    ],
)
def test_a_name_is_required_and_fits(name, ok):
    assert (rules.name_problems(name) == []) is ok


def test_names_compare_trimmed_and_case_insensitive():
    assert rules.normalized_name("  Offer Sent ") == rules.normalized_name("offer sent")


def test_raise_if_problems_lists_every_problem():
    problems = rules.name_problems("") + rules.probability_problems(-1)
    with pytest.raises(ValidationFailed) as caught:
        rules.raise_if_problems(problems)
    assert [p.loc for p in caught.value.problems] == [("name",), ("probability",)]


def test_a_reorder_must_name_every_item_exactly_once():
    assert rules.reordered([1, 2, 3], [3, 1, 2]) == [3, 1, 2]
    with pytest.raises(RuleViolation, match="more than once"):
        rules.reordered([1, 2, 3], [1, 1, 2])
    with pytest.raises(RuleViolation, match="missing: 3"):
        rules.reordered([1, 2, 3], [1, 2])
    with pytest.raises(RuleViolation, match="unknown: 9"):
        rules.reordered([1, 2, 3], [1, 2, 3, 9])


@pytest.mark.parametrize(
    ("item", "offset", "expected"),
    [(2, -1, [2, 1, 3]), (2, 1, [1, 3, 2]), (1, -1, [1, 2, 3]), (3, 1, [1, 2, 3]), (3, -5, [3, 1, 2])],
)
def test_moving_an_item_up_or_down_stops_at_the_ends(item, offset, expected):
    assert rules.moved([1, 2, 3], item, offset) == expected


def test_moving_an_unknown_item_is_refused():
    with pytest.raises(RuleViolation):
        rules.moved([1, 2], 5, 1)


def test_a_stage_is_used_only_once_in_a_sale_type():
    assert rules.stage_ids_problems([1, 2, 3]) == []
    assert rules.stage_ids_problems([1, 2, 1])[0].loc == ("stage_ids",)


@pytest.mark.parametrize(
    ("has_guide", "stages", "refused"),
    [(True, 0, True), (True, 1, True), (True, 2, False), (False, 0, False), (False, 1, False)],
)
def test_a_guide_cannot_be_on_with_fewer_than_two_stages(has_guide, stages, refused):
    if refused:
        with pytest.raises(RuleViolation, match="at least 2 stages"):
            rules.check_guide_can_be_on(has_guide, stages)
    else:
        rules.check_guide_can_be_on(has_guide, stages)


@pytest.mark.parametrize(
    ("has_guide", "stages", "active", "can_turn_on", "needs_stages"),
    [
        (True, 3, True, False, False),
        (False, 3, False, True, False),
        (False, 1, False, False, True),
        (True, 1, False, False, True),
    ],
)
def test_the_designer_offers_what_the_guide_lacks(has_guide, stages, active, can_turn_on, needs_stages):
    status = rules.guide_status(has_guide, stages)
    assert (status.active, status.can_turn_on, status.needs_stages) == (active, can_turn_on, needs_stages)


def test_choices_name_what_is_allowed():
    [problem] = rules.choice_problems("hours", ["days", "weeks", "months"], ("duration_unit",))
    assert problem.message.render() == "Choose one of: days, weeks, months."
