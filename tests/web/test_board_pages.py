"""The pipeline board at /board/ through the Django test client: columns, totals and cards; the filters (sale type,
owner, words, stale); "show more"; and moving a card with its "Move to" form — as a plain form without JavaScript
(a redirect back to the board with the same filters) and through htmx (the board's body again) — including a
move the rules refuse and a move with a stale version. Also pins how many queries the board costs."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.aging_helpers import entered_stage_at

from salesguide.models import Company, Sale, StageChange
from salesguide.services import catalog, sale_types, sales

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
BOARD = "/board/"


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(admin_user: Any, manager_user: Any, salesperson_user: Any) -> dict[str, Any]:
    """ "New customer": Lead (10%), Offer (50%, 7 days expected), Contract (90%). Sam has Big deal (ACME BV, Offer,
    € 1.000,01) and Small deal (Lead); Max has Boss deal (Offer). "Empty" comes first and has no sales."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    contract = catalog.create_stage(admin_user, name="Contract", probability=90)
    empty = sale_types.create_sale_type(admin_user, name="Empty", stage_ids=[lead.pk])
    new = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk, contract.pk])
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
    }
    return {"ids": ids, "new": new, "empty": empty, "lead": lead, "offer": offer, "contract": contract}


def page_of(response: Any) -> str:
    assert response.status_code == 200, response.status_code
    return str(response.content.decode())


def column_html(page: str, stage: Any) -> str:
    """One column of the board: from its section to the next."""
    start = page.index(f'data-stage-id="{stage.pk}" aria-labelledby')
    end = page.find("data-board-column", start + 10)
    return page[start : end if end > 0 else len(page)]


def cards_in(page: str, stage: Any) -> list[str]:
    return [
        html.unescape(t) for t in re.findall(r'class="board-card__title"[^>]*>([^<]+)</a>', column_html(page, stage))
    ]


def totals_in(page: str, stage: Any) -> str:
    match = re.search(r'class="board-column__totals"[^>]*>(.*?)</div>', column_html(page, stage), re.S)
    assert match
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", match.group(1)))).strip()


def move_form(page: str, sale_id: int) -> tuple[str, dict[str, str]]:
    """The card's "Move to" form as a browser without JavaScript posts it: its action and hidden fields."""
    start = page.index(f'id="board-card-{sale_id}"')
    form = page[start : page.index("</form>", start)]
    action = html.unescape(re.search(r'<form[^>]*action="([^"]+)"', form).group(1))  # type: ignore[union-attr]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form))
    return action, fields


# --- reading the board ------------------------------------------------------------------------------------------


def test_the_board_shows_each_stage_with_its_totals_and_cards_when_a_manager_opens_it(
    world: dict[str, Any], manager_user: Any
) -> None:
    # When the manager opens the board of "New customer"
    page = page_of(client_for(manager_user).get(BOARD, {"sale_type": world["new"].pk}))

    # Then the columns are the stages in order, each with its probability, totals and cards
    assert re.findall(r'class="board-column__name">([^<]+)<', page) == ["Lead", "Offer", "Contract"]
    assert cards_in(page, world["lead"]) == ["Small deal"]
    assert cards_in(page, world["offer"]) == ["Boss deal", "Big deal"]
    assert totals_in(page, world["offer"]) == "2 sales €1,500.01 weighted €750.01"
    assert totals_in(page, world["contract"]) == "0 sales"
    assert "No open sales in this stage." in column_html(page, world["contract"])
    big = page[page.index(f'id="board-card-{world["ids"]["big"]}"') :]
    assert "ACME BV" in big[:2000] and "Sam Seller" in big[:2000] and "0 days in stage" in big[:2000]
    assert f'href="/sales/{world["ids"]["big"]}/"' in big[:2000]


def test_the_board_opens_on_the_first_sale_type_with_open_sales_and_then_on_the_last_one_chosen(
    world: dict[str, Any], manager_user: Any, admin_user: Any
) -> None:
    client = client_for(manager_user)
    other = sale_types.create_sale_type(admin_user, name="Other", stage_ids=[world["lead"].pk])

    # When the board is opened without a sale type, after choosing "Other", and again without one
    first = page_of(client.get(BOARD))
    page_of(client.get(BOARD, {"sale_type": other.pk}))
    again = page_of(client.get(BOARD))

    # Then "Empty" (ranked first, no sales) is skipped; then the choice is remembered
    assert f'<option value="{world["new"].pk}" selected>' in first
    assert f'<option value="{other.pk}" selected>' in again


def test_an_unknown_sale_type_is_not_found(world: dict[str, Any], manager_user: Any) -> None:
    assert client_for(manager_user).get(BOARD, {"sale_type": 999_999}).status_code == 404


def test_a_salesperson_sees_their_own_sales_by_default_and_everyones_or_one_persons_when_chosen(
    world: dict[str, Any], salesperson_user: Any, manager_user: Any
) -> None:
    client = client_for(salesperson_user)
    new = world["new"].pk

    # When Sam opens the board, then chooses everyone, then Max
    own = page_of(client.get(BOARD, {"sale_type": new}))
    everyone = page_of(client.get(BOARD, {"sale_type": new, "owner": "all"}))
    maxs = page_of(client.get(BOARD, {"sale_type": new, "owner": manager_user.pk}))

    # Then his own board holds his two sales; everyone's all three, of which only his own have a "Move to" menu
    assert '<option value="me" selected>' in own
    assert cards_in(own, world["offer"]) == ["Big deal"]
    assert cards_in(everyone, world["offer"]) == ["Boss deal", "Big deal"]
    assert totals_in(everyone, world["offer"]).startswith("2 sales")
    assert f'action="/board/sales/{world["ids"]["big"]}/move/' in everyone
    assert f'action="/board/sales/{world["ids"]["boss"]}/move/' not in everyone
    assert cards_in(maxs, world["offer"]) == ["Boss deal"]
    assert cards_in(maxs, world["lead"]) == []


def test_words_and_stale_only_narrow_the_cards_and_the_totals_when_filtered(
    world: dict[str, Any], manager_user: Any
) -> None:
    # Given Big deal entered Offer ten days ago (7 expected) with nothing planned
    entered_stage_at(world["ids"]["big"], timezone.now() - dt.timedelta(days=10))
    client = client_for(manager_user)

    # When the manager searches "acme", and asks for stale sales only
    found = page_of(client.get(BOARD, {"sale_type": world["new"].pk, "q": "acme"}))
    stale = page_of(client.get(BOARD, {"sale_type": world["new"].pk, "stale": "1"}))

    # Then both show Big deal alone, and the totals count it alone
    for page in (found, stale):
        assert [cards_in(page, s) for s in (world["lead"], world["offer"], world["contract"])] == [[], ["Big deal"], []]
        assert totals_in(page, world["offer"]) == "1 sale €1,000.01 weighted €500.01"
        assert "No sale in this stage matches the filters." in column_html(page, world["lead"])
    big = stale[stale.index(f'id="board-card-{world["ids"]["big"]}"') :][:2500]
    assert "Stale" in big and "10 days in stage" in big


def test_a_filter_change_through_htmx_answers_only_the_boards_body(world: dict[str, Any], manager_user: Any) -> None:
    response = client_for(manager_user).get(BOARD, {"sale_type": world["new"].pk, "q": "boss"}, **HTMX)

    page = page_of(response)
    assert page.lstrip().startswith('<div id="board-body"')
    assert "<html" not in page
    assert cards_in(page, world["offer"]) == ["Boss deal"]


def test_show_more_loads_a_columns_next_cards_through_htmx_and_as_a_page_without_javascript(
    world: dict[str, Any], manager_user: Any
) -> None:
    # Given thirty more sales in Offer: more than a page
    for number in range(30):
        made = sales.create_sale(manager_user, title=f"Extra {number:02d}", sale_type_id=world["new"].pk)
        sales.move_sale_to_stage(manager_user, made.pk, world["offer"].pk)
    client = client_for(manager_user)
    page = page_of(client.get(BOARD, {"sale_type": world["new"].pk}))
    first = cards_in(page, world["offer"])
    more = html.unescape(re.search(r'class="board-column__more">\s*<a[^>]*href="([^"]+)"', page).group(1))  # type: ignore[union-attr]

    # When "Show more" is followed through htmx, and by a browser without JavaScript
    partial = page_of(client.get(more, **HTMX))
    plain = page_of(client.get(more))

    # Then htmx gets the next cards only; the plain page shows them with the board's header around them
    rest = [html.unescape(t) for t in re.findall(r'class="board-card__title"[^>]*>([^<]+)</a>', partial)]
    assert len(first) == 20 and len(rest) == 12
    assert set(first).isdisjoint(rest)
    assert "<html" not in partial and "<html" in plain
    assert "hx-post" not in plain
    assert parse_qs(urlsplit(more).query)["sale_type"] == [str(world["new"].pk)]


# --- moving a card --------------------------------------------------------------------------------------------


def test_moving_a_card_without_javascript_posts_its_form_and_returns_to_the_board_with_the_same_filters(
    world: dict[str, Any], manager_user: Any
) -> None:
    client = client_for(manager_user)
    board = page_of(client.get(BOARD, {"sale_type": world["new"].pk, "owner": "all", "q": "deal"}))
    action, fields = move_form(board, world["ids"]["big"])

    # When the manager chooses Contract in Big deal's "Move to" menu and presses Move
    response = client.post(action, {**fields, "stage_id": world["contract"].pk})

    # Then the sale is in Contract, and the browser is back on the board with the same filters, showing it there
    assert response.status_code == 302
    assert parse_qs(urlsplit(response["Location"]).query) == {
        "sale_type": [str(world["new"].pk)],
        "owner": ["all"],
        "q": ["deal"],
    }
    assert Sale.objects.get(pk=world["ids"]["big"]).stage_id == world["contract"].pk
    after = client.get(response["Location"])
    page = page_of(after)
    assert cards_in(page, world["contract"]) == ["Big deal"]
    assert totals_in(page, world["contract"]) == "1 sale €1,000.01 weighted €900.01"
    assert totals_in(page, world["offer"]) == "1 sale €500.00 weighted €250.00"
    assert "“Big deal” is now in stage “Contract” (90%)." in page


def test_moving_a_card_through_htmx_answers_the_board_with_the_new_totals_and_the_message(
    world: dict[str, Any], manager_user: Any
) -> None:
    client = client_for(manager_user)
    action, fields = move_form(page_of(client.get(BOARD, {"sale_type": world["new"].pk})), world["ids"]["small"])

    # When the card is dropped on Offer (board.js submits its form; htmx posts it)
    response = client.post(action, {**fields, "stage_id": world["offer"].pk}, **HTMX)

    # Then the answer is the board's body: the card in Offer, both columns' totals new, the message out of band
    page = page_of(response)
    assert page.lstrip().startswith('<div id="board-body"')
    assert cards_in(page, world["offer"]) == ["Small deal", "Boss deal", "Big deal"]
    assert totals_in(page, world["lead"]) == "0 sales"
    assert totals_in(page, world["offer"]).startswith("3 sales €1,525.51")
    assert 'id="messages" class="messages" aria-live="polite" hx-swap-oob="true"' in page
    assert "“Small deal” is now in stage “Offer” (50%)." in page


def test_a_move_with_a_stale_version_shows_the_message_and_the_card_at_its_fresh_place(
    world: dict[str, Any], manager_user: Any, salesperson_user: Any
) -> None:
    # Given the manager's board is open while Sam moves Small deal to Offer himself
    client = client_for(manager_user)
    small = world["ids"]["small"]
    action, fields = move_form(page_of(client.get(BOARD, {"sale_type": world["new"].pk})), small)
    sales.move_sale_to_stage(salesperson_user, small, world["offer"].pk)
    history = StageChange.objects.filter(sale_id=small).count()

    # When the manager drops the card (from the board he read) on Contract
    page = page_of(client.post(action, {**fields, "stage_id": world["contract"].pk}, **HTMX))

    # Then nothing changes: the message says why, and the card is drawn where Sam put it, with its new version
    sale = Sale.objects.get(pk=small)
    assert (sale.stage_id, StageChange.objects.filter(sale_id=small).count()) == (world["offer"].pk, history)
    assert "Someone else changed this sale meanwhile" in page
    assert "message--error" in page
    assert "Small deal" in cards_in(page, world["offer"]) and cards_in(page, world["contract"]) == []
    assert move_form(page, small)[1]["version"] == str(sale.version)


def test_a_move_the_rules_refuse_leaves_the_sale_as_it_was_and_says_why(
    world: dict[str, Any], manager_user: Any, salesperson_user: Any
) -> None:
    # Given Sam's board, and Boss deal (Max's) which he may not move: no menu is offered, so he posts by hand
    client = client_for(salesperson_user)
    boss = world["ids"]["boss"]
    before = Sale.objects.get(pk=boss)
    back = f"/board/sales/{boss}/move/?sale_type={world['new'].pk}&owner=all"

    # When he posts the move anyway
    refused = client.post(back, {"stage_id": world["contract"].pk, "version": before.version})

    # Then it is refused with the services' reason and nothing changed
    assert refused.status_code == 302
    assert "Only the owner of this sale or a manager can change it." in page_of(client.get(refused["Location"]))
    after = Sale.objects.get(pk=boss)
    assert (after.stage_id, after.version) == (before.stage_id, before.version)

    # And moving his own sale to a stage its type does not have is refused too
    wrong = client.post(
        f"/board/sales/{world['ids']['big']}/move/?sale_type={world['new'].pk}", {"stage_id": 999_999}, follow=True
    )
    assert "message--error" in page_of(wrong)
    assert Sale.objects.get(pk=world["ids"]["big"]).stage_id == world["offer"].pk


def test_a_sale_closed_meanwhile_is_refused_and_leaves_the_board(world: dict[str, Any], manager_user: Any) -> None:
    # Given the board is open while Big deal is closed as sold elsewhere
    client = client_for(manager_user)
    big = world["ids"]["big"]
    action, fields = move_form(page_of(client.get(BOARD, {"sale_type": world["new"].pk})), big)
    sales.close_sale_as_sold(manager_user, big)
    fields["version"] = str(Sale.objects.get(pk=big).version)

    # When its card is moved
    page = page_of(client.post(action, {**fields, "stage_id": world["lead"].pk}, **HTMX))

    # Then the move is refused, the sale stays sold, and the board no longer shows it
    assert Sale.objects.get(pk=big).status == "sold"
    assert "message--error" in page
    assert "Big deal" not in page


def test_the_sale_list_links_to_the_board(world: dict[str, Any], manager_user: Any) -> None:
    assert 'href="/board/"' in page_of(client_for(manager_user).get("/sales/"))


def test_the_board_costs_the_same_number_of_queries_when_it_holds_more_sales(
    world: dict[str, Any], manager_user: Any
) -> None:
    client = client_for(manager_user)
    url = f"{BOARD}?sale_type={world['new'].pk}&owner=all"

    def count(**headers: Any) -> int:
        with CaptureQueriesContext(connection) as captured:
            page_of(client.get(url, **headers))
        return len(captured)

    count()
    few, few_htmx = count(), count(**HTMX)
    for number in range(40):
        made = sales.create_sale(manager_user, title=f"More {number}", sale_type_id=world["new"].pk)
        if number % 2:
            sales.move_sale_to_stage(manager_user, made.pk, world["offer"].pk)

    assert (count(), count(**HTMX)) == (few, few_htmx)
    assert few <= 7
