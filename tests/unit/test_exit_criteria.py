"""Exit criteria rules (SPEC 6.3, issue 12): which stages a move leaves, what is missing there, and what each
mode makes of it — one table per rule."""

from __future__ import annotations

import pytest

from salesguide.domain.errors import NotAllowed, ValidationFailed
from salesguide.domain.exit_criteria import (
    ExitCriteriaNotMet,
    ExitMode,
    ItemKind,
    RequiredItem,
    missing_items,
    stages_left,
    verdict,
)

ORDER = [10, 20, 30, 40]


@pytest.mark.parametrize(
    ("current", "target", "left"),
    [
        (10, 20, [10]),  # one step forward leaves the current stage
        (10, 40, [10, 20, 30]),  # skipping stages leaves them too
        (30, 10, []),  # back: nothing due
        (20, 20, []),  # same stage
        (40, None, [40]),  # sold from the last stage
        (20, None, [20]),  # sold early: the current stage only
        (99, 20, []),  # a stage outside the guide
        (None, 20, []),
        (10, 99, []),  # a target outside the guide
    ],
)
def test_the_stages_a_move_leaves(current: int | None, target: int | None, left: list[int]) -> None:
    assert stages_left(ORDER, current, target) == left


CALL = RequiredItem(1, "Call", ItemKind.FOLLOWUP, 10)
QUOTE = RequiredItem(2, "Quote", ItemKind.DOCUMENT, 20)
MEETING = RequiredItem(3, "Meeting", ItemKind.FOLLOWUP, 30)
REQUIRED = [CALL, QUOTE, MEETING]


@pytest.mark.parametrize(
    ("stages", "done_followups", "done_documents", "missing"),
    [
        ([10], [], [], [CALL]),
        ([10], [1], [], []),
        ([10, 20, 30], [1], [], [QUOTE, MEETING]),
        ([10, 20, 30], [3], [2], [CALL]),
        ([20], [2], [], [QUOTE]),  # a follow-up id done says nothing of the document with the same id
        ([20], [], [2], []),
        ([40], [], [], []),
        ([], [], [], []),
    ],
)
def test_what_is_missing(
    stages: list[int], done_followups: list[int], done_documents: list[int], missing: list[RequiredItem]
) -> None:
    assert missing_items(REQUIRED, stages, done_followups=done_followups, done_documents=done_documents) == missing


@pytest.mark.parametrize(
    ("mode", "missing", "reason", "may_override", "warnings", "recorded"),
    [
        (ExitMode.OFF, [CALL], None, False, (), None),
        (ExitMode.OFF, [CALL], "customer asked", True, (), None),
        (ExitMode.WARN, [CALL], None, False, (CALL,), None),
        (ExitMode.WARN, [], None, False, (), None),
        (ExitMode.BLOCK, [], None, False, (), None),
        (ExitMode.BLOCK, [], "nothing to override", True, (), None),
        (ExitMode.BLOCK, [CALL], "  customer signed early  ", True, (), "customer signed early"),
        ("block", [CALL, QUOTE], "signed", True, (), "signed"),
    ],
)
def test_moves_that_are_made(
    mode: ExitMode | str,
    missing: list[RequiredItem],
    reason: str | None,
    may_override: bool,
    warnings: tuple[RequiredItem, ...],
    recorded: str | None,
) -> None:
    answer = verdict(mode, missing, override_reason=reason, may_override=may_override)
    assert answer.warnings == warnings
    assert answer.override_reason == recorded


@pytest.mark.parametrize(
    ("reason", "may_override", "error"),
    [
        (None, False, ExitCriteriaNotMet),
        (None, True, ExitCriteriaNotMet),  # a manager must say why
        ("   ", True, ExitCriteriaNotMet),
        ("customer signed", False, NotAllowed),  # a salesperson cannot override
        ("x" * 301, True, ValidationFailed),
    ],
)
def test_moves_that_are_refused(reason: str | None, may_override: bool, error: type[Exception]) -> None:
    with pytest.raises(error) as refused:
        verdict(ExitMode.BLOCK, [CALL, QUOTE], override_reason=reason, may_override=may_override)
    if isinstance(refused.value, ExitCriteriaNotMet):
        assert refused.value.missing == (CALL, QUOTE)
        assert "Call, Quote" in str(refused.value)


def test_an_unknown_mode_is_a_programming_error() -> None:
    with pytest.raises(ValueError):
        verdict("sometimes", [CALL])
