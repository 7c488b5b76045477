"""The history of a sale as every door shows it: each stage-change row with the sentence that says what it did
(``domain.history``), for the card's History tab, the print view and PDF, and the API alike."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from salesguide.domain.errors import Message
from salesguide.domain.history import ChangeFacts, history_sentence
from salesguide.domain.selling import ChangeKind
from salesguide.models import StageChange


def sentence_of(change: StageChange) -> Message:
    """What the row did, as a translatable message. Reads ``from_stage`` and ``to_stage``: load them with it."""
    return history_sentence(
        ChangeFacts(
            kind=change.kind,
            from_stage=change.from_stage.name if change.from_stage is not None else None,
            to_stage=change.to_stage.name if change.to_stage is not None else None,
            probability_before=change.probability_before,
            probability_after=change.probability_after,
        )
    )


@dataclass(frozen=True)
class HistoryRow:
    change: StageChange
    sentence: Message

    @property
    def text(self) -> str:
        """The sentence in the language active while the page renders."""
        return self.sentence.render(gettext)

    @property
    def note(self) -> str:
        """The reason given. A removed stage's row keeps that stage's name as its reason, which the sentence
        already says."""
        return "" if self.change.kind == ChangeKind.STAGE_REMOVED else self.change.reason

    @property
    def override(self) -> str:
        """Why a manager or administrator moved the sale on with required items not done (exit criteria, SPEC
        6.3); empty when nobody had to."""
        return self.change.override_reason or ""


def history_rows(sale_id: int) -> list[HistoryRow]:
    """Every change of the sale, oldest first, with the stages and the user it names; one query."""
    changes = (
        StageChange.objects.filter(sale_id=sale_id).select_related("from_stage", "to_stage", "by").order_by("at", "id")
    )
    return [HistoryRow(change, sentence_of(change)) for change in changes]
