"""The sentence of a history row (domain/history.py): one per kind of change, naming the stages and the
probability, the same for the card's History tab, the print view and the API."""

from __future__ import annotations

import pytest

from salesguide.domain.history import ChangeFacts, history_sentence
from salesguide.domain.selling import ChangeKind


@pytest.mark.parametrize(
    ("facts", "sentence"),
    [
        (ChangeFacts(ChangeKind.CREATED, None, "Lead", None, 10), "Created in stage Lead, probability 10%."),
        (ChangeFacts(ChangeKind.CREATED, None, None, None, 0), "Created in stage —, probability 0%."),
        (
            ChangeFacts(ChangeKind.STAGE, "Lead", "Offer", 10, 50),
            "Stage changed: Lead → Offer, probability 10% → 50%.",
        ),
        (
            ChangeFacts(ChangeKind.STAGE, "Lead", "Offer", 35, 35),  # a kept manual probability
            "Stage changed: Lead → Offer, probability stays 35%.",
        ),
        (
            ChangeFacts(ChangeKind.PROBABILITY, "Offer", "Offer", 50, 65),
            "Probability changed in stage Offer, probability 50% → 65%.",
        ),
        (ChangeFacts(ChangeKind.SOLD, "Offer", "Offer", 50, 100), "Sold in stage Offer, probability 50% → 100%."),
        (ChangeFacts(ChangeKind.LOST, "Offer", "Offer", 50, 0), "Lost in stage Offer, probability 50% → 0%."),
        (ChangeFacts(ChangeKind.STALLED, "Offer", "Offer", 50, 50), "Stalled in stage Offer, probability stays 50%."),
        (
            ChangeFacts(ChangeKind.REOPENED, "Offer", "Offer", 100, 50),
            "Reopened in stage Offer, probability 100% → 50%.",
        ),
        (
            ChangeFacts(ChangeKind.SALE_TYPE, "Lead", "Intake", 10, 20),
            "Sale type changed: stage Lead → Intake, probability 10% → 20%.",
        ),
        (
            ChangeFacts(ChangeKind.STAGE_REMOVED, "Offer", "Contract", 50, 80),
            "Moved because stage “Offer” was deleted or taken out of this sale type: Offer → Contract, "
            "probability 50% → 80%.",
        ),
        (
            ChangeFacts(ChangeKind.IMPORTED, None, "Offer", None, 60),
            "Imported from a file in stage Offer, probability 60%.",
        ),
        (
            ChangeFacts("stage_removed", "Offer", None, 50, 50),  # the kind as the database stores it
            "Moved because stage “Offer” was deleted or taken out of this sale type: Offer → —, probability stays 50%.",
        ),
    ],
)
def test_each_kind_of_change_has_its_sentence_with_stages_and_probability(facts: ChangeFacts, sentence: str) -> None:
    assert history_sentence(facts).render() == sentence


def test_the_sentence_is_an_english_msgid_with_its_values_so_each_door_translates_it() -> None:
    message = history_sentence(ChangeFacts(ChangeKind.STAGE, "Lead", "Offer", 10, 50))
    dutch = {
        "Stage changed: %(from_stage)s → %(to_stage)s, %(probability)s.": "Fase gewijzigd: %(from_stage)s → "
        "%(to_stage)s, %(probability)s.",
        "probability %(before)s%% → %(after)s%%": "waarschijnlijkheid %(before)s%% → %(after)s%%",
    }

    assert message.text == "Stage changed: %(from_stage)s → %(to_stage)s, %(probability)s."
    assert message.render(lambda msgid: dutch.get(msgid, msgid)) == (
        "Fase gewijzigd: Lead → Offer, waarschijnlijkheid 10% → 50%."
    )


def test_a_stage_name_with_a_percent_sign_is_shown_as_it_is() -> None:
    message = history_sentence(ChangeFacts(ChangeKind.STAGE, "50% paid", "100% paid", 50, 90))

    assert message.render() == "Stage changed: 50% paid → 100% paid, probability 50% → 90%."
