"""``GET /api/v1/board`` and ``GET /api/v1/board/columns/{stage_id}`` (API.md, "Pipeline board"): shapes,
filters, roles, strict input, and the OpenAPI document describing them. Moving a card is ``POST .../stage``."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.aging_helpers import entered_stage_at

from salesguide.models import Company, Sale
from salesguide.services import catalog, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any, manager_user: Any, salesperson_user: Any) -> dict[str, Any]:
    """ "New customer": Lead (10%), Offer (50%, 7 days expected), Contract (90%). Sam has Big deal (ACME BV, Offer)
    and Small deal (Lead); Max has Boss deal (Offer, EUR) and Dollar deal (Offer, USD)."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    contract = catalog.create_stage(admin_user, name="Contract", probability=90)
    new = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk, contract.pk])
    other = sale_types.create_sale_type(admin_user, name="Other", stage_ids=[lead.pk])
    sale_types.set_expected_days(admin_user, new.pk, offer.pk, 7)
    acme = Company.objects.create(name="ACME BV")

    def sale(owner: Any, title: str, amount: int, stage: Any = None, **extra: Any) -> int:
        made = sales.create_sale(owner, title=title, sale_type_id=new.pk, amount=amount, **extra)
        if stage is not None:
            sales.move_sale_to_stage(owner, made.pk, stage.pk)
        return int(made.pk)

    ids = {
        "big": sale(salesperson_user, "Big deal", 100_001, offer, company_id=acme.pk),
        "small": sale(salesperson_user, "Small deal", 2_550),
        "boss": sale(manager_user, "Boss deal", 50_000, offer),
        "dollar": sale(manager_user, "Dollar deal", 10_000, offer, currency="USD"),
    }
    return {"ids": ids, "new": new, "other": other, "lead": lead, "offer": offer, "contract": contract}


@pytest.fixture
def manager_api(manager_user: Any, make_api: Any, token_for: Any) -> Any:
    return make_api(token_for(manager_user))


def columns_of(body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {column["name"]: column for column in body["columns"]}


def titles(column: dict[str, Any]) -> list[str]:
    return sorted(item["title"] for item in column["items"])


def test_the_board_answers_its_columns_totals_and_cards_as_api_md_says_when_a_manager_asks(
    world: dict[str, Any], manager_api: Any, salesperson_user: Any
) -> None:
    # When the manager asks for the board of "New customer"
    response = manager_api.get("board", sale_type=world["new"].pk)

    # Then every column is there in order with the whole column's totals and its cards
    assert response.status_code == 200
    body = response.json()
    assert body["sale_type_id"] == world["new"].pk
    assert body["owner_id"] is None
    assert [c["name"] for c in body["columns"]] == ["Lead", "Offer", "Contract"]
    lead = columns_of(body)["Lead"]
    assert {k: lead[k] for k in ("stage_id", "probability", "count", "currency", "amount", "weighted_amount")} == {
        "stage_id": world["lead"].pk,
        "probability": 10,
        "count": 1,
        "currency": "EUR",
        "amount": 2_550,
        "weighted_amount": 255,
    }
    assert lead["totals"] == [{"currency": "EUR", "count": 1, "amount": 2_550, "weighted_amount": 255}]
    assert lead["next"] is None
    card = lead["items"][0]
    sale = Sale.objects.get(pk=world["ids"]["small"])
    assert card == {
        "id": sale.pk,
        "title": "Small deal",
        "company_id": None,
        "company": None,
        "amount": 2_550,
        "currency": "EUR",
        "owner_id": salesperson_user.pk,
        "owner": "Sam Seller",
        "days_in_stage": 0,
        "expected_days": None,
        "next_activity_date": None,
        "stale": False,
        "probability": 10,
        "probability_is_manual": False,
        "version": sale.version,
        "may_move": True,
        "move_to": [world["offer"].pk, world["contract"].pk],
        # its most urgent step as far as the card tells (GET /sales/{id}/next-steps has them all)
        "next_step": {"kind": "nothing_planned", "reason": "No activity planned"},
    }
    assert body["probability_policy"] == "follow_stage"


def test_a_column_with_two_currencies_answers_each_and_no_single_amount_when_asked(
    world: dict[str, Any], manager_api: Any
) -> None:
    # When the board is read
    offer = columns_of(manager_api.get("board", sale_type=world["new"].pk).json())["Offer"]

    # Then euros and dollars are apart; the count is of every sale; no amount is added across currencies
    assert (offer["count"], offer["currency"], offer["amount"], offer["weighted_amount"]) == (3, None, None, None)
    assert offer["totals"] == [
        {"currency": "EUR", "count": 2, "amount": 150_001, "weighted_amount": 75_001},
        {"currency": "USD", "count": 1, "amount": 10_000, "weighted_amount": 5_000},
    ]
    empty = columns_of(manager_api.get("board", sale_type=world["new"].pk).json())["Contract"]
    assert (empty["count"], empty["currency"], empty["amount"], empty["totals"], empty["items"]) == (0, None, 0, [], [])


def test_a_salesperson_gets_their_own_board_by_default_and_the_teams_when_asked(
    world: dict[str, Any], salesperson_api: Any, salesperson_user: Any, manager_user: Any
) -> None:
    # When Sam asks for the board, for the team's, and for Max's
    own = salesperson_api.get("board", sale_type=world["new"].pk).json()
    team = salesperson_api.get("board", sale_type=world["new"].pk, team="true").json()
    maxs = salesperson_api.get("board", sale_type=world["new"].pk, owner=manager_user.pk).json()

    # Then his own holds his two sales; the team's all four, of which he may move only his own
    assert own["owner_id"] == salesperson_user.pk
    assert sum(c["count"] for c in own["columns"]) == 2
    assert team["owner_id"] is None
    team_offer = columns_of(team)["Offer"]
    assert {item["title"]: item["may_move"] for item in team_offer["items"]} == {
        "Big deal": True,
        "Boss deal": False,
        "Dollar deal": False,
    }
    assert [item["move_to"] for item in team_offer["items"] if not item["may_move"]] == [[], []]
    assert titles(columns_of(maxs)["Offer"]) == ["Boss deal", "Dollar deal"]
    assert columns_of(maxs)["Lead"]["count"] == 0


def test_words_and_stale_narrow_the_cards_and_the_totals_when_given(world: dict[str, Any], manager_api: Any) -> None:
    # Given Big deal entered Offer ten days ago (7 expected) with nothing planned
    entered_stage_at(world["ids"]["big"], timezone.now() - dt.timedelta(days=10))

    # When the board is searched for "acme", and narrowed to stale sales
    found = manager_api.get("board", sale_type=world["new"].pk, q="acme").json()
    stale = manager_api.get("board", sale_type=world["new"].pk, stale="true").json()

    # Then both hold Big deal alone, with totals of it alone
    for body in (found, stale):
        offer = columns_of(body)["Offer"]
        assert titles(offer) == ["Big deal"]
        assert offer["totals"] == [{"currency": "EUR", "count": 1, "amount": 100_001, "weighted_amount": 50_001}]
        assert sum(c["count"] for c in body["columns"]) == 1
    assert columns_of(stale)["Offer"]["items"][0]["stale"] is True
    assert columns_of(stale)["Offer"]["items"][0]["days_in_stage"] == 10


def test_the_next_page_of_a_column_follows_its_cursor_with_the_same_filters(
    world: dict[str, Any], manager_api: Any
) -> None:
    # When the board is read one card per column page, and the Offer column is followed to its end
    first = columns_of(manager_api.get("board", sale_type=world["new"].pk, limit=1).json())["Offer"]
    seen, cursor = [item["title"] for item in first["items"]], first["next"]
    while cursor is not None:
        response = manager_api.get(
            f"board/columns/{world['offer'].pk}", sale_type=world["new"].pk, limit=1, after=cursor
        )
        assert response.status_code == 200
        body = response.json()
        assert body["stage_id"] == world["offer"].pk
        seen += [item["title"] for item in body["items"]]
        cursor = body["next"]

    # Then every card came once, latest arrival in the stage first
    assert seen == ["Dollar deal", "Boss deal", "Big deal"]


def test_moving_a_card_is_the_sales_stage_move_with_its_version_and_a_stale_one_is_refused(
    world: dict[str, Any], manager_api: Any
) -> None:
    # Given the card as the board shows it
    card = columns_of(manager_api.get("board", sale_type=world["new"].pk).json())["Lead"]["items"][0]

    # When it is moved with its version, and moved again with the same (now stale) version
    moved = manager_api.post(
        f"sales/{card['id']}/stage", {"stage_id": world["contract"].pk, "version": card["version"]}
    )
    stale = manager_api.post(f"sales/{card['id']}/stage", {"stage_id": world["offer"].pk, "version": card["version"]})

    # Then the first lands in Contract, the totals follow, and the second is refused without a change
    assert moved.status_code == 200
    assert stale.status_code == 409
    board = columns_of(manager_api.get("board", sale_type=world["new"].pk).json())
    assert titles(board["Contract"]) == ["Small deal"]
    assert (board["Lead"]["count"], board["Contract"]["count"], board["Contract"]["weighted_amount"]) == (0, 1, 2_295)


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("board", {"sale_type": 999_999}),
        ("board", {"sale_type": "deleted"}),
        ("board", {"sale_type": "new", "owner": 999_999}),
        ("board/columns/{contract}", {"sale_type": "other"}),
        ("board/columns/999999", {"sale_type": "new"}),
        ("board/columns/{lead}", {"sale_type": 999_999}),
    ],
)
def test_an_unknown_sale_type_owner_or_stage_answers_404(
    world: dict[str, Any], manager_api: Any, admin_user: Any, path: str, params: dict[str, Any]
) -> None:
    deleted = sale_types.create_sale_type(admin_user, name="Gone", stage_ids=[world["lead"].pk])
    sale_types.delete_sale_type(admin_user, deleted.pk)
    ids = {"new": world["new"].pk, "other": world["other"].pk, "deleted": deleted.pk}
    query = {key: ids.get(value, value) for key, value in params.items()}

    response = manager_api.get(path.format(contract=world["contract"].pk, lead=world["lead"].pk), **query)

    assert response.status_code == 404
    assert isinstance(response.json()["detail"], str)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({}, "sale_type"),
        ({"sale_type": "abc"}, "sale_type"),
        ({"sale_type": 0}, "sale_type"),
        ({"stale": "yes"}, "stale"),
        ({"team": "1"}, "team"),
        ({"owner": "me"}, "owner"),
        ({"limit": 0}, "limit"),
        ({"limit": 101}, "limit"),
        ({"q": "a\x00b"}, "q"),
    ],
)
def test_a_bad_value_answers_422_naming_the_parameter(
    world: dict[str, Any], manager_api: Any, params: dict[str, Any], field: str
) -> None:
    query = {"sale_type": world["new"].pk, **params} if "sale_type" not in params and params else params
    if params == {}:
        query = {}

    response = manager_api.get("board", **query)

    assert response.status_code == 422
    assert [problem["loc"] for problem in response.json()["detail"]] == [["query", field]]


def test_a_damaged_column_cursor_answers_422(world: dict[str, Any], manager_api: Any) -> None:
    response = manager_api.get(f"board/columns/{world['offer'].pk}", sale_type=world["new"].pk, after="nonsense")

    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "after"]


def test_the_board_needs_a_login(world: dict[str, Any], anonymous_api: Any) -> None:
    assert anonymous_api.get("board", sale_type=world["new"].pk).status_code == 401


def test_the_board_costs_the_same_queries_when_it_holds_more_sales(
    world: dict[str, Any], manager_api: Any, manager_user: Any
) -> None:
    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert manager_api.get("board", sale_type=world["new"].pk, limit=2).status_code == 200
        return len(captured)

    count()  # the token's first use is recorded once
    few = count()
    for number in range(30):
        made = sales.create_sale(manager_user, title=f"More {number}", sale_type_id=world["new"].pk)
        if number % 2:
            sales.move_sale_to_stage(manager_user, made.pk, world["offer"].pk)
    assert count() == few <= 5


def test_the_openapi_document_describes_both_board_endpoints_with_their_parameters_and_answers(
    anonymous_api: Any,
) -> None:
    paths = anonymous_api.get("openapi.json").json()["paths"]

    board = paths["/api/v1/board"]["get"]
    column = paths["/api/v1/board/columns/{stage_id}"]["get"]
    assert {p["name"] for p in board["parameters"]} == {"sale_type", "owner", "team", "q", "stale", "limit"}
    assert {p["name"] for p in column["parameters"]} >= {"stage_id", "sale_type", "after", "q", "stale", "owner"}
    for operation in (board, column):
        assert {"200", "401", "404", "422", "429"} <= set(operation["responses"])
    schema = board["responses"]["200"]["content"]["application/json"]["schema"]
    assert schema["$ref"].endswith("/BoardOut")
