"""The sentence that says what one history row (one ``StageChange``) did, for the card's History tab, the
print view and PDF, and the API alike. Pure: the row's facts in, a translatable ``Message`` out; each adapter
renders it in its reader's language (``message.render(gettext)``).

The sentence names the stages and the probability, so a page needs no logic of its own to show a row: "Stage
changed: Lead → Offer, probability 10% → 50%."
"""

from __future__ import annotations

from dataclasses import dataclass

from salesguide.domain.errors import Message, gettext_noop
from salesguide.domain.selling import ChangeKind

NO_STAGE = "—"

_SENTENCES: dict[ChangeKind, str] = {
    ChangeKind.CREATED: gettext_noop("Created in stage %(to_stage)s, %(probability)s."),
    ChangeKind.STAGE: gettext_noop("Stage changed: %(from_stage)s → %(to_stage)s, %(probability)s."),
    ChangeKind.PROBABILITY: gettext_noop("Probability changed in stage %(to_stage)s, %(probability)s."),
    ChangeKind.SOLD: gettext_noop("Sold in stage %(to_stage)s, %(probability)s."),
    ChangeKind.LOST: gettext_noop("Lost in stage %(to_stage)s, %(probability)s."),
    ChangeKind.STALLED: gettext_noop("Stalled in stage %(to_stage)s, %(probability)s."),
    ChangeKind.REOPENED: gettext_noop("Reopened in stage %(to_stage)s, %(probability)s."),
    ChangeKind.SALE_TYPE: gettext_noop("Sale type changed: stage %(from_stage)s → %(to_stage)s, %(probability)s."),
    ChangeKind.IMPORTED: gettext_noop("Imported from a file in stage %(to_stage)s, %(probability)s."),
    ChangeKind.STAGE_REMOVED: gettext_noop(
        "Moved because stage “%(from_stage)s” was deleted or taken out of this sale type: "
        "%(from_stage)s → %(to_stage)s, %(probability)s."
    ),
}


@dataclass(frozen=True)
class ChangeFacts:
    """What a history row names: its kind, the stages by name (``None``: no stage) and the probabilities."""

    kind: ChangeKind | str
    from_stage: str | None
    to_stage: str | None
    probability_before: int | None
    probability_after: int


def _probability(before: int | None, after: int) -> Message:
    if before is None:
        return Message(gettext_noop("probability %(after)s%%"), {"after": after})
    if before == after:
        return Message(gettext_noop("probability stays %(after)s%%"), {"after": after})
    return Message(gettext_noop("probability %(before)s%% → %(after)s%%"), {"before": before, "after": after})


def history_sentence(facts: ChangeFacts) -> Message:
    """What the row did, e.g. "Sold in stage Offer, probability 50% → 100%." (English msgid + values)."""
    return Message(
        _SENTENCES[ChangeKind(facts.kind)],
        {
            "from_stage": facts.from_stage or NO_STAGE,
            "to_stage": facts.to_stage or NO_STAGE,
            "probability": _probability(facts.probability_before, facts.probability_after),
        },
    )
