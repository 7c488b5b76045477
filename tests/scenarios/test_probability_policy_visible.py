"""Which probability policy applies, and whether a sale's probability is its stage's or set by hand, said by
every door that shows a sale (SPEC 6.4, issue 12): the sale through the API, the board through the API and
the web, and the card."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from salesguide.services import accounts, catalog, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    keep = sale_types.create_sale_type(
        admin_user, name="Keep", stage_ids=[lead.pk, offer.pk], probability_policy="keep_manual"
    )
    hand = sales.create_sale(admin_user, title="By hand", sale_type_id=keep.pk)
    sales.set_sale_probability(admin_user, hand.pk, 35)
    stage = sales.create_sale(admin_user, title="As the stage", sale_type_id=keep.pk)
    return {"type": keep, "hand": hand.pk, "stage": stage.pk}


@pytest.mark.parametrize(
    ("language", "policy", "set_by_hand"),
    [("en", "Keep a manual value", "set by hand"), ("nl", "Handmatige waarde behouden", "handmatig ingesteld")],
)
def test_every_door_says_the_policy_and_which_probability_was_set_by_hand(
    world: dict[str, Any], admin_user: Any, language: str, policy: str, set_by_hand: str
) -> None:
    admin_user.language = language
    admin_user.save(update_fields=["language"])
    token = accounts.create_token(admin_user, "tests")[1]
    api = Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": language})
    web = Client()
    web.force_login(admin_user)

    by_hand = api.get(f"/api/v1/sales/{world['hand']}").json()
    as_stage = api.get(f"/api/v1/sales/{world['stage']}").json()
    board = api.get("/api/v1/board", {"sale_type": world["type"].pk}).json()
    cards = {card["title"]: card for column in board["columns"] for card in column["items"]}
    board_page = web.get("/board/", {"sale_type": world["type"].pk}).content.decode()
    card_page = web.get(f"/sales/{world['hand']}/").content.decode()

    assert [(s["probability_policy"], s["probability"], s["probability_is_manual"]) for s in (by_hand, as_stage)] == [
        ("keep_manual", 35, True),
        ("keep_manual", 10, False),
    ]
    assert board["probability_policy"] == "keep_manual"
    assert [(cards[t]["probability"], cards[t]["probability_is_manual"]) for t in ("By hand", "As the stage")] == [
        (35, True),
        (10, False),
    ]
    assert policy in board_page and f"35% {set_by_hand}" in board_page
    assert "10% " + set_by_hand not in board_page
    assert policy in card_page and set_by_hand in card_page
