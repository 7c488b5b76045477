"""Exit criteria (SPEC 6.3): suggestions marked *required before leaving this stage*, and what a sale type's mode
— off, warn or block — makes of a move that leaves them undone. Pure: the service that moves sales
(``services.sales``) hands in the guide's order, the required items and what the sale has done, and acts on the
verdict, so every door (card, guide tab, board, API, import) gets the same answer.

Which stages a move *leaves*:

- a move forward leaves the current stage and every stage it skips (skipping a stage must not skip its
  required items);
- closing as sold leaves the current stage (selling early is a business event, not a skipped step);
- a move back, closing as lost, stalling and reopening leave nothing behind that had to be done: free.

A required follow-up is done when it was created and everything created from it is completed; a required
document when it was created (``guide_progress``: the same "done" as the guide tab's ticks).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from enum import StrEnum

from salesguide.domain.errors import (
    FieldProblem,
    Message,
    NotAllowed,
    RuleViolation,
    ValidationFailed,
    gettext_noop,
)

OVERRIDE_REASON_MAX = 300


class ExitMode(StrEnum):
    OFF = "off"
    WARN = "warn"
    BLOCK = "block"


class ItemKind(StrEnum):
    FOLLOWUP = "followup"
    DOCUMENT = "document"


@dataclass(frozen=True)
class RequiredItem:
    """A suggestion of the guide marked required, in the stage it belongs to."""

    suggestion_id: int
    name: str
    kind: ItemKind
    stage_id: int


@dataclass(frozen=True)
class Verdict:
    """What the move does: ``missing`` the required items left undone (in guide order); ``warnings`` the ones to
    answer with (warn mode); ``override_reason`` the reason to record on the history row (block mode, overridden)."""

    missing: tuple[RequiredItem, ...] = ()
    warnings: tuple[RequiredItem, ...] = ()
    override_reason: str | None = None


class ExitCriteriaNotMet(RuleViolation):
    """Block mode, required items not done, no override: the move is refused and ``missing`` says what to do."""

    def __init__(self, message: Message, missing: Sequence[RequiredItem]) -> None:
        super().__init__(message)
        self.missing = tuple(missing)


def stages_left(order: Sequence[int], current_stage_id: int | None, target_stage_id: int | None) -> list[int]:
    """The stages a move leaves behind with their items due: from the current stage up to (not including) the
    target when it lies ahead; only the current stage when ``target_stage_id`` is None (closing as sold);
    nothing for a move back, to the same stage, or from a stage outside the guide."""
    if current_stage_id is None or current_stage_id not in order:
        return []
    index = list(order).index(current_stage_id)
    if target_stage_id is None:
        return [current_stage_id]
    if target_stage_id not in order:
        return []
    target = list(order).index(target_stage_id)
    return list(order[index:target]) if target > index else []


def missing_items(
    required: Sequence[RequiredItem],
    stages: Collection[int],
    *,
    done_followups: Collection[int],
    done_documents: Collection[int],
) -> list[RequiredItem]:
    """The required items of ``stages`` that are not done, in the order given (the guide's)."""
    done = {ItemKind.FOLLOWUP: done_followups, ItemKind.DOCUMENT: done_documents}
    return [item for item in required if item.stage_id in stages and item.suggestion_id not in done[item.kind]]


def clean_override_reason(reason: str | None) -> str | None:
    """The override reason as given, trimmed; None when empty. Too long is a field problem (422)."""
    if reason is None or not reason.strip():
        return None
    reason = reason.strip()
    if len(reason) > OVERRIDE_REASON_MAX:
        message = Message(gettext_noop("At most %(max)d characters."), {"max": OVERRIDE_REASON_MAX})
        raise ValidationFailed([FieldProblem(("override_reason",), message)])
    return reason


def verdict(
    mode: ExitMode | str,
    missing: Sequence[RequiredItem],
    *,
    override_reason: str | None = None,
    may_override: bool = False,
) -> Verdict:
    """Decide the move. Off, or nothing missing: made as asked (an override reason is then not recorded: there
    was nothing to override). Warn: made, with the missing items as warnings. Block: refused with the missing
    items — unless a manager or administrator (``may_override``) gives a reason, which the history row keeps;
    a salesperson who gives one is told that only a manager or an administrator may."""
    mode = ExitMode(mode)
    missing = tuple(missing)
    if mode == ExitMode.OFF or not missing:
        return Verdict()
    if mode == ExitMode.WARN:
        return Verdict(missing=missing, warnings=missing)
    reason = clean_override_reason(override_reason)
    if reason is None:
        names = ", ".join(item.name for item in missing)
        raise ExitCriteriaNotMet(
            Message(
                gettext_noop("This stage has required items that are not done yet: %(items)s. Do them first."),
                {"items": names},
            ),
            missing,
        )
    if not may_override:
        raise NotAllowed(
            Message(
                gettext_noop("Only a manager or an administrator can move a sale on while required items are not done.")
            )
        )
    return Verdict(missing=missing, override_reason=reason)
