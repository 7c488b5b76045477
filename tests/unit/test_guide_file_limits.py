"""How much one guide file may hold (issue 9, item 23): generous counts of stages, suggestions per stage, activity
types and templates, refused with a message at the list that holds more, before any of its items is read."""

from __future__ import annotations

from typing import Any

import pytest

from salesguide.domain import guide_file as gf


def guide(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "salesguide_guide": 1,
        "sale_type": {"name": "Sale"},
        "stages": [{"name": "Lead", "probability": 10}, {"name": "Offer", "probability": 50}],
    }
    data.update(changes)
    return data


def stages(count: int, **fields: Any) -> list[dict[str, Any]]:
    return [{"name": f"Stage {n}", "probability": 10, **fields} for n in range(count)]


def rendered(problems: list[Any]) -> list[tuple[tuple[Any, ...], str]]:
    return [(problem.loc, problem.message.render()) for problem in problems]


def test_a_guide_of_fifty_stages_with_fifty_follow_ups_and_documents_each_is_read():
    # Given
    followups = [{"name": f"Call {n}", "activity_type": "Call"} for n in range(gf.MAX_SUGGESTIONS_PER_STAGE)]
    documents = [{"name": f"Letter {n}", "template": "Letter"} for n in range(gf.MAX_SUGGESTIONS_PER_STAGE)]

    # When
    read, problems = gf.inspect_guide_file(guide(stages=stages(50, followups=followups, documents=documents)))

    # Then
    assert problems == []
    assert read is not None and len(read.stages) == 50
    assert {len(stage.followups) + len(stage.documents) for stage in read.stages} == {100}


@pytest.mark.parametrize(
    ("changes", "loc", "message"),
    [
        (
            {"stages": stages(51)},
            ("stages",),
            "A guide file holds at most 50 stages.",
        ),
        (
            {"stages": stages(2) + stages(1, followups=[{"name": "Call", "activity_type": "Call"}] * 51)},
            ("stages", 2, "followups"),
            "A stage holds at most 50 suggested follow-ups.",
        ),
        (
            {"stages": stages(1, documents=[{"name": "Letter", "template": "Letter"}] * 51) + stages(1)},
            ("stages", 0, "documents"),
            "A stage holds at most 50 suggested documents.",
        ),
        (
            {"activity_types": [{"name": f"Type {n}"} for n in range(201)]},
            ("activity_types",),
            "A guide file holds at most 200 activity types.",
        ),
        (
            {"document_templates": [{"name": f"T {n}", "format": "text", "body": "x"} for n in range(201)]},
            ("document_templates",),
            "A guide file holds at most 200 document templates.",
        ),
    ],
    ids=["stages", "follow-ups", "documents", "activity types", "templates"],
)
def test_a_list_over_its_limit_is_one_problem_at_the_list_and_its_items_are_not_read(changes, loc, message):
    # When
    read, problems = gf.inspect_guide_file(guide(**changes))

    # Then
    assert rendered(problems) == [(loc, message)]
    assert read is not None


def test_the_limit_of_a_list_is_known_by_its_place_in_the_file():
    assert gf.list_limit(("stages",)) == gf.MAX_STAGES
    assert gf.list_limit(("stages", 7, "followups")) == gf.MAX_SUGGESTIONS_PER_STAGE
    assert gf.list_limit(("stages", 7, "documents")) == gf.MAX_SUGGESTIONS_PER_STAGE
    assert gf.list_limit(("activity_types",)) == gf.MAX_ACTIVITY_TYPES
    assert gf.list_limit(("document_templates",)) == gf.MAX_TEMPLATES
    assert gf.list_limit(("sale_type",)) is None
    assert gf.list_limit(("stages", "followups")) is None


def test_too_many_items_is_a_problem_only_past_the_limit():
    assert gf.too_many(("stages",), 50) is None
    problem = gf.too_many(("stages",), 51)
    assert problem is not None and rendered([problem]) == [(("stages",), "A guide file holds at most 50 stages.")]
