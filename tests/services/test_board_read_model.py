"""The pipeline board's read model (``queries.board``): a column per live stage with totals over the whole column
per currency, its first page of cards, the filters (owner, words, stale), paging, who may move what, and a
bounded number of queries whatever the number of sales."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.aging_helpers import entered_stage_at

from salesguide.domain.errors import NotFound, ValidationFailed
from salesguide.models import Company, Sale, User
from salesguide.queries import board as read_model
from salesguide.queries.board import BoardFilters
from salesguide.queries.report_scope import owner_scope
from salesguide.services import activities, catalog, sale_types, sales
from salesguide.services.permissions import allowed_actions

pytestmark = pytest.mark.django_db

NOW = timezone.now()


def in_days(days: int) -> dt.datetime:
    """A moment ``days`` after now (after the world's sales were made)."""
    return timezone.now() + dt.timedelta(days=days)


def may_move_for(user: User) -> Callable[[Sale], bool]:
    """What every door passes in: the services' own answer."""
    return lambda sale: allowed_actions(user, sale).move


@pytest.fixture
def world(admin_user: Any, manager_user: Any, salesperson_user: Any) -> dict[str, Any]:
    """ "New customer" with Lead (10%), Offer (50%, expected 7 days) and Contract (90%); Sam (salesperson) and Max
    (manager) own sales in it, in euros and one in dollars; a sold sale and a sale of another type are not on
    this board."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    contract = catalog.create_stage(admin_user, name="Contract", probability=90)
    new = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk, contract.pk])
    other = sale_types.create_sale_type(admin_user, name="Other", stage_ids=[lead.pk, offer.pk])
    sale_types.set_expected_days(admin_user, new.pk, offer.pk, 7)
    acme = Company.objects.create(name="ACME BV")

    def sale(owner: Any, title: str, amount: int, stage: Any = None, currency: str = "EUR", **extra: Any) -> int:
        made = sales.create_sale(owner, title=title, sale_type_id=new.pk, amount=amount, currency=currency, **extra)
        if stage is not None:
            sales.move_sale_to_stage(owner, made.pk, stage.pk)
        return int(made.pk)

    ids = {
        "big": sale(salesperson_user, "Big deal", 100_001, offer, company_id=acme.pk),
        "small": sale(salesperson_user, "Small deal", 2_550),
        "boss": sale(manager_user, "Boss deal", 50_000, offer),
        "dollar": sale(manager_user, "Dollar deal", 10_000, offer, currency="USD"),
        "close": sale(manager_user, "Nearly there", 99_999, contract),
        "sold": sale(manager_user, "Sold deal", 70_000, offer),
    }
    sales.close_sale_as_sold(manager_user, ids["sold"])
    sales.create_sale(manager_user, title="Other type", sale_type_id=other.pk, amount=1)
    return {"ids": ids, "new": new, "other": other, "lead": lead, "offer": offer, "contract": contract}


def the_board(
    world: dict[str, Any], viewer: User, limit: int = 25, now: dt.datetime | None = None, **filters: Any
) -> Any:
    return read_model.board(
        world["new"].pk,
        BoardFilters(**filters),
        now=now or timezone.now(),
        may_move=may_move_for(viewer),
        limit=limit,
    )


def column(board: Any, stage: Any) -> Any:
    return next(c for c in board.columns if c.stage_id == stage.pk)


def titles(col: Any) -> list[str]:
    return [card.title for card in col.cards]


def raw_totals(sale_type_id: int, owner_id: int | None = None) -> dict[tuple[int, str], tuple[int, int, int]]:
    """The same question in plain SQL: open sales per stage and currency, weighted rounded per sale."""
    sql = (
        "SELECT stage_id, currency, COUNT(*), SUM(amount), SUM((amount * probability + 50) / 100) "
        "FROM salesguide_sale WHERE status = 'open' AND sale_type_id = %s"
    )
    params: list[Any] = [sale_type_id]
    if owner_id is not None:
        sql += " AND owner_id = %s"
        params.append(owner_id)
    with connection.cursor() as cursor:
        cursor.execute(sql + " GROUP BY stage_id, currency", params)
        return {(row[0], row[1]): (row[2], row[3], row[4]) for row in cursor.fetchall()}


def totals_of(board: Any) -> dict[tuple[int, str], tuple[int, int, int]]:
    return {
        (col.stage_id, total.currency): (total.count, total.amount, total.weighted_amount)
        for col in board.columns
        for total in col.totals.by_currency
    }


# --- columns and totals ---------------------------------------------------------------------------------------


def test_the_board_shows_a_column_per_live_stage_in_the_types_order_with_its_open_sales_when_opened(
    world: dict[str, Any], manager_user: User
) -> None:
    # When the manager opens the board of "New customer"
    board = the_board(world, manager_user)

    # Then there is a column per stage, in order, with the stage's probability and only open sales of this type
    assert [(c.name, c.probability) for c in board.columns] == [("Lead", 10), ("Offer", 50), ("Contract", 90)]
    assert titles(column(board, world["lead"])) == ["Small deal"]
    assert sorted(titles(column(board, world["offer"]))) == ["Big deal", "Boss deal", "Dollar deal"]
    assert titles(column(board, world["contract"])) == ["Nearly there"]


def test_the_column_totals_equal_the_raw_aggregate_per_currency_when_the_board_is_not_narrowed(
    world: dict[str, Any], manager_user: User, salesperson_user: User
) -> None:
    # When the board is read for everyone, and for Sam alone
    everyone = the_board(world, manager_user)
    sams = the_board(world, manager_user, owner=salesperson_user.pk)

    # Then its totals are the plain SQL's, currency by currency
    assert totals_of(everyone) == raw_totals(world["new"].pk)
    assert totals_of(sams) == raw_totals(world["new"].pk, salesperson_user.pk)
    # 100,001 × 50% = 50,000.5 → 50,001 (rounded per sale, half up)
    assert column(sams, world["offer"]).totals.weighted_amount == 50_001


def test_a_column_with_two_currencies_shows_each_and_no_single_amount_when_sales_differ_in_currency(
    world: dict[str, Any], manager_user: User
) -> None:
    # When the board is read
    offer = column(the_board(world, manager_user), world["offer"])

    # Then the Offer column holds euros and dollars apart, and its count is of every sale
    assert [(t.currency, t.count, t.amount, t.weighted_amount) for t in offer.totals.by_currency] == [
        ("EUR", 2, 150_001, 75_001),
        ("USD", 1, 10_000, 5_000),
    ]
    assert (offer.totals.count, offer.totals.currency, offer.totals.amount) == (3, None, None)
    lead = column(the_board(world, manager_user), world["lead"]).totals
    assert (lead.count, lead.currency, lead.amount, lead.weighted_amount) == (1, "EUR", 2_550, 255)


def test_totals_cover_the_whole_column_when_only_a_first_page_of_cards_is_shown(
    world: dict[str, Any], manager_user: User
) -> None:
    # When a page holds one card
    offer = column(the_board(world, manager_user, limit=1), world["offer"])

    # Then the column shows one card, a cursor to the rest, and the totals of all three sales
    assert len(offer.cards) == 1
    assert offer.next is not None
    assert offer.totals.count == 3


def test_an_empty_column_has_zero_totals_when_no_sale_is_in_its_stage(
    world: dict[str, Any], manager_user: User, salesperson_user: User
) -> None:
    # When Sam's own board is read: nothing of his is in Contract
    contract = column(the_board(world, manager_user, owner=salesperson_user.pk), world["contract"])

    # Then the column is there, empty, with zeros
    assert (contract.cards, contract.next) == ([], None)
    assert (contract.totals.count, contract.totals.amount, contract.totals.weighted_amount) == (0, 0, 0)


def test_a_removed_stage_is_no_column_when_the_type_no_longer_uses_it(
    world: dict[str, Any], admin_user: User, manager_user: User
) -> None:
    # Given Contract is deleted (its open sale moves on, here back to the previous remaining stage or kept)
    catalog.delete_stage(admin_user, world["contract"].pk)

    # When the board is read
    board = the_board(world, manager_user)

    # Then only the live stages are columns, and every open sale of the type is on one of them
    assert [c.name for c in board.columns] == ["Lead", "Offer"]
    assert (
        sum(c.totals.count for c in board.columns) == Sale.objects.filter(sale_type=world["new"], status="open").count()
    )


# --- cards ------------------------------------------------------------------------------------------------------


def test_a_card_shows_what_the_board_needs_when_read(
    world: dict[str, Any], admin_user: User, manager_user: User
) -> None:
    # Given Big deal has a call planned next week
    big = world["ids"]["big"]
    activity_type = catalog.create_activity_type(admin_user, name="Call", kind="call")
    start = in_days(7)
    activities.create_activity(manager_user, activity_type_id=activity_type.pk, title="Call", start=start, sale_id=big)

    # When the board is read ten days later
    later = in_days(10)
    card = next(c for c in column(the_board(world, manager_user, now=later), world["offer"]).cards if c.id == big)

    # Then the card has its title, company, money, owner, days in stage, next activity and version
    sale = Sale.objects.get(pk=big)
    assert (card.title, card.company, card.amount, card.currency, card.owner) == (
        "Big deal",
        "ACME BV",
        100_001,
        "EUR",
        "Sam Seller",
    )
    assert card.days_in_stage == 10
    assert card.expected_days == 7
    assert card.next_activity_at == start
    assert card.version == sale.version
    # The planned call is in the past by then: nothing planned from now on, 10 days > 7: stale
    assert card.stale is True


def test_a_card_is_stale_only_when_longer_in_its_stage_than_expected_and_nothing_is_planned(
    world: dict[str, Any], manager_user: User
) -> None:
    # When the board is read now, and eight days later (Offer expects 7 days)
    today = column(the_board(world, manager_user), world["offer"])
    later = column(the_board(world, manager_user, now=in_days(8)), world["offer"])

    # Then nobody is stale today, every Offer card is stale later; a stage without expected days never is
    assert [c.stale for c in today.cards] == [False, False, False]
    assert [c.stale for c in later.cards] == [True, True, True]
    lead_later = column(the_board(world, manager_user, now=in_days(80)), world["lead"])
    assert [c.stale for c in lead_later.cards] == [False]


def test_cards_are_ordered_latest_arrival_in_the_stage_first_when_moved_in_at_different_times(
    world: dict[str, Any], manager_user: User
) -> None:
    # Given Boss deal is moved back to Lead and into Offer again: it arrived last
    boss = world["ids"]["boss"]
    sales.move_sale_to_stage(manager_user, boss, world["lead"].pk)
    sales.move_sale_to_stage(manager_user, boss, world["offer"].pk)

    # When the board is read
    offer = column(the_board(world, manager_user), world["offer"])

    # Then the card just moved in is at the top; the others in the reverse order of their arrival
    assert titles(offer) == ["Boss deal", "Dollar deal", "Big deal"]


def test_the_manager_may_move_every_card_and_a_salesperson_only_their_own_when_the_board_is_read(
    world: dict[str, Any], manager_user: User, salesperson_user: User
) -> None:
    # When each reads the board
    by_manager = column(the_board(world, manager_user), world["offer"])
    by_sam = column(the_board(world, salesperson_user), world["offer"])

    # Then the manager may drop any card on any other column; Sam only his own
    others = (world["lead"].pk, world["contract"].pk)
    assert {c.title: c.move_to for c in by_manager.cards} == {
        "Big deal": others,
        "Boss deal": others,
        "Dollar deal": others,
    }
    assert {c.title: c.movable for c in by_sam.cards} == {"Big deal": True, "Boss deal": False, "Dollar deal": False}


# --- filters ----------------------------------------------------------------------------------------------------


def test_owner_scope_gives_a_salesperson_their_own_board_and_a_manager_everyones_when_nothing_is_chosen(
    world: dict[str, Any], manager_user: User, salesperson_user: User
) -> None:
    # When each opens the board with the default scope, and Sam asks for the team's
    sams = the_board(world, salesperson_user, owner=owner_scope(salesperson_user))
    team = the_board(world, salesperson_user, owner=owner_scope(salesperson_user, team=True))
    managers = the_board(world, manager_user, owner=owner_scope(manager_user))

    # Then Sam sees his own two sales, and the team's board is the manager's
    assert sum(len(c.cards) for c in sams.columns) == 2
    assert totals_of(team) == totals_of(managers) == raw_totals(world["new"].pk)


def test_words_narrow_the_cards_and_the_totals_when_searched(world: dict[str, Any], manager_user: User) -> None:
    # When "acme deal" is searched: "acme" is only in Big deal's company name
    board = the_board(world, manager_user, q="acme deal")

    # Then only Big deal is on the board, and the totals count it alone
    assert [titles(c) for c in board.columns] == [[], ["Big deal"], []]
    assert totals_of(board) == {(world["offer"].pk, "EUR"): (1, 100_001, 50_001)}


def test_blank_words_filter_nothing_when_searched(world: dict[str, Any], manager_user: User) -> None:
    assert totals_of(the_board(world, manager_user, q="   ")) == raw_totals(world["new"].pk)


def test_stale_only_keeps_the_stale_sales_and_their_totals_when_asked(
    world: dict[str, Any], admin_user: User, manager_user: User
) -> None:
    # Given Big deal entered Offer ten days ago and Boss deal has a call planned
    big, boss = world["ids"]["big"], world["ids"]["boss"]
    entered_stage_at(big, NOW - dt.timedelta(days=10))
    entered_stage_at(boss, NOW - dt.timedelta(days=10))
    activity_type = catalog.create_activity_type(admin_user, name="Call", kind="call")
    activities.create_activity(
        manager_user, activity_type_id=activity_type.pk, title="Call", start=in_days(1), sale_id=boss
    )

    # When only stale sales are asked for
    board = the_board(world, manager_user, stale=True)

    # Then Big deal alone is left (Boss deal has something planned; the others are not overdue)
    assert [titles(c) for c in board.columns] == [[], ["Big deal"], []]
    assert totals_of(board) == {(world["offer"].pk, "EUR"): (1, 100_001, 50_001)}
    assert [c.stale for c in column(board, world["offer"]).cards] == [True]
    assert totals_of(the_board(world, manager_user, stale=True, owner=manager_user.pk)) == {}


# --- paging -----------------------------------------------------------------------------------------------------


def test_following_a_columns_cursor_gives_every_card_once_in_order_when_paged(
    world: dict[str, Any], manager_user: User
) -> None:
    # Given twelve more sales in Offer
    for number in range(12):
        made = sales.create_sale(manager_user, title=f"Extra {number}", sale_type_id=world["new"].pk)
        sales.move_sale_to_stage(manager_user, made.pk, world["offer"].pk)
    everything = titles(column(the_board(world, manager_user, limit=100), world["offer"]))

    # When the column is read five cards at a time
    first = column(the_board(world, manager_user, limit=5), world["offer"])
    seen, cursor = titles(first), first.next
    while cursor is not None:
        page = read_model.column_page(
            world["new"].pk,
            world["offer"].pk,
            BoardFilters(),
            now=NOW,
            may_move=may_move_for(manager_user),
            limit=5,
            after=cursor,
        )
        seen += [card.title for card in page.cards]
        cursor = page.next

    # Then the pages together are the whole column, in its order, each card once
    assert len(everything) == 15
    assert seen == everything


def test_a_damaged_cursor_is_refused_when_a_column_is_paged(world: dict[str, Any], manager_user: User) -> None:
    with pytest.raises(ValidationFailed):
        read_model.column_page(
            world["new"].pk, world["offer"].pk, BoardFilters(), now=NOW, may_move=may_move_for(manager_user), after="x"
        )


def test_an_unknown_or_deleted_sale_type_or_a_stage_of_another_type_is_not_found_when_asked_for(
    world: dict[str, Any], admin_user: User, manager_user: User
) -> None:
    may_move = may_move_for(manager_user)
    with pytest.raises(NotFound):
        read_model.board(999_999, BoardFilters(), now=NOW, may_move=may_move)
    with pytest.raises(NotFound):
        read_model.column_page(world["other"].pk, world["contract"].pk, BoardFilters(), now=NOW, may_move=may_move)
    sale_types.delete_sale_type(admin_user, world["other"].pk)
    with pytest.raises(NotFound):
        read_model.board(world["other"].pk, BoardFilters(), now=NOW, may_move=may_move)


def test_the_default_board_is_the_remembered_type_else_the_first_with_open_sales(
    world: dict[str, Any], admin_user: User
) -> None:
    # Given an empty sale type ranked first
    empty = sale_types.create_sale_type(admin_user, name="Empty", stage_ids=[world["lead"].pk])
    sale_types.reorder_sale_types(admin_user, [empty.pk, world["new"].pk, world["other"].pk])

    # When the choices are read
    choices = read_model.sale_type_choices()

    # Then the first type with open sales opens, unless another live type was remembered
    assert [(c.name, c.has_open_sales) for c in choices] == [("Empty", False), ("New customer", True), ("Other", True)]
    assert read_model.default_sale_type(choices) == world["new"].pk
    assert read_model.default_sale_type(choices, remembered=world["other"].pk) == world["other"].pk
    assert read_model.default_sale_type(choices, remembered=999_999) == world["new"].pk
    assert read_model.default_sale_type([]) is None


# --- cost ------------------------------------------------------------------------------------------------------


def _queries_of(call: Callable[[], Any]) -> int:
    with CaptureQueriesContext(connection) as captured:
        call()
    return len(captured)


@pytest.mark.parametrize("filters", [{}, {"q": "deal"}, {"stale": True}, {"owner": "max"}])
def test_the_board_costs_the_same_number_of_queries_when_it_holds_ten_times_more_sales(
    world: dict[str, Any], manager_user: User, filters: dict[str, Any]
) -> None:
    wanted = {**filters, **({"owner": manager_user.pk} if "owner" in filters else {})}

    later = in_days(30)

    def read() -> None:
        board = the_board(world, manager_user, limit=3, now=later, **wanted)
        for col in board.columns:
            for card in col.cards:
                assert card.owner and card.days_in_stage is not None
        read_model.column_page(
            world["new"].pk,
            world["offer"].pk,
            BoardFilters(**wanted),
            now=later,
            may_move=may_move_for(manager_user),
            limit=3,
            after=column(board, world["offer"]).next,
        )

    # Given the board as it is, and then with fifty more sales spread over the stages
    few = _queries_of(read)
    for number in range(50):
        made = sales.create_sale(manager_user, title=f"More deal {number}", sale_type_id=world["new"].pk)
        stage = (world["lead"], world["offer"], world["contract"])[number % 3]
        if stage != world["lead"]:
            sales.move_sale_to_stage(manager_user, made.pk, stage.pk)
    many = _queries_of(read)

    # Then reading it costs the same, and little: the stages, the totals and every first page for the board; the
    # stages, the page and its cards for a column (the stale filter adds none: the stored aging, decision 0011;
    # on PostgreSQL a word first looks up the companies holding it, once for the board and once for the column:
    # decision 0009)
    word_lookups = 2 if filters.get("q") and connection.vendor == "postgresql" else 0
    assert few == many
    assert many == 3 + 3 + word_lookups
