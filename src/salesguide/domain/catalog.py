"""Rules for the catalogue an administrator maintains: names, probabilities, ordering, guides."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TypeVar

from salesguide.domain.errors import FieldProblem, Message, RuleViolation, ValidationFailed, gettext_noop
from salesguide.domain.names import unsafe_name_character

NAME_MAX_LENGTH = 100
SUGGESTION_NAME_MAX_LENGTH = 200
MIN_GUIDE_STAGES = 2

T = TypeVar("T", bound=Hashable)


class DurationUnit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


class ProbabilityPolicy(StrEnum):
    FOLLOW_STAGE = "follow_stage"
    KEEP_MANUAL = "keep_manual"


class ActivityKind(StrEnum):
    MEETING = "meeting"
    CALL = "call"
    TASK = "task"
    EMAIL = "email"


class DocumentKind(StrEnum):
    LETTER = "letter"
    EMAIL = "email"
    QUOTE = "quote"
    CONTRACT = "contract"
    OTHER = "other"


class ReasonKind(StrEnum):
    SOLD = "sold"
    LOST = "lost"
    STALLED = "stalled"


def name_problems(
    name: object, loc: tuple[str | int, ...] = ("name",), max_length: int = NAME_MAX_LENGTH
) -> list[FieldProblem]:
    """A name is required, is text, fits in ``max_length`` characters once trimmed, and is one line of visible
    text (``names.unsafe_name_character``)."""
    if not isinstance(name, str) or not name.strip():
        return [FieldProblem(loc, Message(gettext_noop("A name is required.")))]
    if len(name.strip()) > max_length:
        return [
            FieldProblem(
                loc,
                Message(gettext_noop("The name is too long (at most %(max)d characters)."), {"max": max_length}),
            )
        ]
    if (unsafe := unsafe_name_character(name)) is not None:
        return [FieldProblem(loc, unsafe)]
    return []


def probability_problems(value: object, loc: tuple[str | int, ...] = ("probability",)) -> list[FieldProblem]:
    """A probability is a whole percentage from 0 to 100."""
    if isinstance(value, bool) or not isinstance(value, int):
        return [FieldProblem(loc, Message(gettext_noop("The probability must be a whole number from 0 to 100.")))]
    if not 0 <= value <= 100:
        return [
            FieldProblem(
                loc,
                Message(gettext_noop("The probability must be between 0 and 100, not %(value)d."), {"value": value}),
            )
        ]
    return []


def non_negative_problems(value: object, loc: tuple[str | int, ...], maximum: int = 100_000) -> list[FieldProblem]:
    if value is None:
        return []
    if isinstance(value, bool) or not isinstance(value, int) or value < 0 or value > maximum:
        return [FieldProblem(loc, Message(gettext_noop("Enter a whole number from 0 to %(max)d."), {"max": maximum}))]
    return []


def choice_problems(value: object, choices: Iterable[str], loc: tuple[str | int, ...]) -> list[FieldProblem]:
    allowed = list(choices)
    if value not in allowed:
        return [
            FieldProblem(
                loc,
                Message(gettext_noop("Choose one of: %(choices)s."), {"choices": ", ".join(allowed)}),
            )
        ]
    return []


def raise_if_problems(problems: Sequence[FieldProblem]) -> None:
    if problems:
        raise ValidationFailed(problems)


def normalized_name(name: str) -> str:
    """The form in which names are compared for uniqueness: trimmed, case-insensitive."""
    return name.strip().casefold()


def reordered(current: Sequence[T], new_order: Sequence[T]) -> list[T]:
    """Check that ``new_order`` is exactly a permutation of ``current`` and return it.

    A reorder names the full new order; leaving an item out, naming one twice or naming a stranger is refused,
    so two admins reordering at once cannot silently drop an item.
    """
    if len(set(new_order)) != len(new_order):
        raise RuleViolation(Message(gettext_noop("The new order names an item more than once.")))
    missing = set(current) - set(new_order)
    unknown = set(new_order) - set(current)
    if missing or unknown:
        raise RuleViolation(
            Message(
                gettext_noop(
                    "The new order must name every item exactly once (missing: %(missing)s; unknown: %(unknown)s)."
                ),
                {
                    "missing": ", ".join(map(str, sorted(missing, key=str))) or "-",
                    "unknown": ", ".join(map(str, sorted(unknown, key=str))) or "-",
                },
            )
        )
    return list(new_order)


def moved(items: Sequence[T], item: T, offset: int) -> list[T]:
    """``items`` with ``item`` moved ``offset`` places (negative: up), clamped to the ends."""
    order = list(items)
    if item not in order:
        raise RuleViolation(Message(gettext_noop("That item is not in this list.")))
    index = order.index(item)
    order.pop(index)
    order.insert(max(0, min(len(order), index + offset)), item)
    return order


def stage_ids_problems(stage_ids: Sequence[int], loc: tuple[str | int, ...] = ("stage_ids",)) -> list[FieldProblem]:
    if len(set(stage_ids)) != len(stage_ids):
        return [FieldProblem(loc, Message(gettext_noop("A stage can be used only once in a sale type.")))]
    return []


def check_guide_can_be_on(has_guide: bool, stage_count: int) -> None:
    """A guide needs at least two stages (SPEC 2.3)."""
    if has_guide and stage_count < MIN_GUIDE_STAGES:
        raise RuleViolation(
            Message(
                gettext_noop("A guide needs at least %(min)d stages; this sale type has %(count)d."),
                {"min": MIN_GUIDE_STAGES, "count": stage_count},
            )
        )


@dataclass(frozen=True)
class GuideStatus:
    """What the guide designer offers for a sale type."""

    active: bool
    can_turn_on: bool
    needs_stages: bool


def guide_status(has_guide: bool, stage_count: int) -> GuideStatus:
    return GuideStatus(
        active=has_guide and stage_count >= MIN_GUIDE_STAGES,
        can_turn_on=not has_guide and stage_count >= MIN_GUIDE_STAGES,
        needs_stages=stage_count < MIN_GUIDE_STAGES,
    )
