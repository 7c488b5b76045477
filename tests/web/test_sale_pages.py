"""The sale pages through the Django test client: the list with its filters and paging, creating and editing a
sale (with conflicting edits), the card with its header and tabs, closing (sold, lost, stalled, reopen,
completed), deleting, and the History tab. Also pins how many queries the card costs."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesguide.models import Activity, Company, Competitor, Sale, StageChange
from salesguide.services import activities, catalog, sale_types, sales

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_error(response: Any, field_id: str) -> str:
    """The error text shown next to the input with ``field_id``."""
    html = response.content.decode()
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def top_errors(response: Any) -> str:
    match = re.search(r'class="form__errors"[^>]*>(.*?)</div>', response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    """Stages Lead (10%), Offer (50%), Contract (80%); "New customer" uses Lead → Offer → Contract and takes 30
    days, "Existing customer" uses Offer → Contract. Reasons of every kind, a competitor, a phone call type,
    and the company Acme."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    contract = catalog.create_stage(admin_user, name="Contract", probability=80)
    new_customer = sale_types.create_sale_type(
        admin_user,
        name="New customer",
        duration=30,
        duration_unit="days",
        stage_ids=[lead.pk, offer.pk, contract.pk],
    )
    existing = sale_types.create_sale_type(admin_user, name="Existing customer", stage_ids=[offer.pk, contract.pk])
    return {
        "lead": lead,
        "offer": offer,
        "contract": contract,
        "new_customer": new_customer,
        "existing": existing,
        "price": catalog.create_reason(admin_user, name="Best price", kind="sold"),
        "too_expensive": catalog.create_reason(admin_user, name="Too expensive", kind="lost"),
        "budget": catalog.create_reason(admin_user, name="Budget next year", kind="stalled"),
        "rival": catalog.create_named_item(admin_user, Competitor, name="Rival Ltd"),
        "call": catalog.create_activity_type(
            admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15
        ),
        "acme": Company.objects.create(name="Acme"),
    }


def make_sale(owner: Any, world: dict[str, Any], title: str = "Acme website", **fields: Any) -> Sale:
    fields.setdefault("sale_type_id", world["new_customer"].pk)
    return sales.create_sale(owner, title=title, **fields)


# --- creating ------------------------------------------------------------------------------------------------


def test_creating_a_sale_opens_its_card_in_the_first_stage_with_that_stages_probability(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # Given the new-sale form
    assert salesperson_client.get(reverse("sales:new")).status_code == 200
    # When a salesperson creates a sale of type "New customer" for Acme
    response = salesperson_client.post(
        reverse("sales:new"),
        {
            "title": "Acme website",
            "sale_type": world["new_customer"].pk,
            "company": world["acme"].pk,
            "amount": "1250.50",
            "currency": "EUR",
            "expected_date": "",
            "description": "",
        },
    )
    # Then the card opens, in stage Lead with its 10%, owned by the salesperson
    sale = Sale.objects.get(title="Acme website")
    assert response.status_code == 302
    assert response["Location"] == reverse("sales:card", args=[sale.pk])
    card = text_of(salesperson_client.get(response["Location"]))
    assert "Sale “Acme website” is created in stage “Lead”." in card
    assert "Lead 10%" in card
    assert "Acme" in card
    assert "€1,250.50" in card
    assert sale.owner == salesperson_user
    # And without an expected date it is expected to close after the type's 30 days
    assert sale.expected_date == timezone.localdate() + dt.timedelta(days=30)


def test_an_amount_is_read_in_the_users_language(make_user: Any, world: dict[str, Any]) -> None:
    # Given a Dutch-speaking salesperson
    dutch = client_for(make_user("jan", "salesperson", language="nl"))
    # When they type 1.250,50 as the amount
    dutch.post(
        reverse("sales:new"),
        {"title": "Dutch deal", "sale_type": world["new_customer"].pk, "amount": "1.250,50", "currency": "eur"},
    )
    # Then it is stored as 125050 cents in euros, and shown the Dutch way
    sale = Sale.objects.get(title="Dutch deal")
    assert (sale.amount, sale.currency) == (125050, "EUR")
    assert "€ 1.250,50" in text_of(dutch.get(reverse("sales:list")))


def test_a_sale_without_title_or_with_a_bad_amount_shows_the_messages_next_to_the_fields(
    salesperson_client: Client, world: dict[str, Any]
) -> None:
    response = salesperson_client.post(
        reverse("sales:new"),
        {
            "title": " ",
            "sale_type": world["new_customer"].pk,
            "amount": "12,50,3",
            "currency": "EUR",
        },
    )
    assert response.status_code == 422
    assert field_error(response, "id_amount") == "Enter an amount such as 1250,50 or 1250.50."
    response = salesperson_client.post(
        reverse("sales:new"),
        {
            "title": "Fine",
            "sale_type": world["new_customer"].pk,
            "amount": "10.999",
            "currency": "EUR",
        },
    )
    assert field_error(response, "id_amount") == "Use at most two decimals."
    response = salesperson_client.post(
        reverse("sales:new"),
        {
            "title": " ",
            "sale_type": world["new_customer"].pk,
            "amount": "10.99",
            "currency": "EURO",
        },
    )
    assert field_error(response, "id_title") == "A title is required."
    assert field_error(response, "id_currency") == "Use a three-letter ISO 4217 code, such as EUR."
    response = salesperson_client.post(reverse("sales:new"), {"title": "No type", "amount": "-5"})
    assert field_error(response, "id_sale_type") == "Choose a sale type."
    assert field_error(response, "id_amount") == "The amount cannot be negative."
    assert not Sale.objects.exists()


def test_a_company_or_contact_id_no_database_holds_is_refused_next_to_the_field(
    salesperson_client: Client, world: dict[str, Any]
) -> None:
    huge = "9" * 30
    response = salesperson_client.post(
        reverse("sales:new"),
        {
            "title": "Fine",
            "sale_type": world["new_customer"].pk,
            "company": huge,
            "contact": huge,
            "currency": "EUR",
        },
    )
    assert response.status_code == 422
    assert field_error(response, "id_company") and field_error(response, "id_contact")
    assert not Sale.objects.exists()


def test_a_salesperson_cannot_create_a_sale_for_someone_else_but_a_manager_can(
    salesperson_client: Client, manager_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # A salesperson's owner field is fixed to themselves: a posted owner is ignored.
    salesperson_client.post(
        reverse("sales:new"), {"title": "Mine", "sale_type": world["new_customer"].pk, "owner": 999}
    )
    assert Sale.objects.get(title="Mine").owner == salesperson_user
    manager_client.post(
        reverse("sales:new"),
        {
            "title": "Handed over",
            "sale_type": world["new_customer"].pk,
            "owner": salesperson_user.pk,
            "currency": "EUR",
        },
    )
    assert Sale.objects.get(title="Handed over").owner == salesperson_user


# --- the list ------------------------------------------------------------------------------------------------


def test_the_empty_list_says_how_to_start(salesperson_client: Client, world: dict[str, Any]) -> None:
    page = text_of(salesperson_client.get(reverse("sales:list")))
    assert "No sales yet" in page
    assert "Create your first sale" in page


def test_the_list_filters_by_type_stage_status_owner_company_and_text(
    salesperson_client: Client, salesperson_user: Any, manager_user: Any, world: dict[str, Any]
) -> None:
    # Given four sales of different owners, types, stages and statuses
    mine = make_sale(salesperson_user, world, "Alpha mine", company_id=world["acme"].pk)
    make_sale(manager_user, world, "Bravo theirs")
    existing = make_sale(manager_user, world, "Charlie existing", sale_type_id=world["existing"].pk)
    sold = make_sale(manager_user, world, "Delta sold")
    sales.close_sale_as_sold(manager_user, sold.pk)

    def titles(query: str) -> set[str]:
        page = text_of(salesperson_client.get(f"{reverse('sales:list')}?{query}"))
        return {t for t in ("Alpha mine", "Bravo theirs", "Charlie existing", "Delta sold") if t in page}

    assert titles("") == {"Alpha mine", "Bravo theirs", "Charlie existing", "Delta sold"}
    assert titles("owner=me") == {"Alpha mine"}
    assert titles(f"owner={manager_user.pk}") == {"Bravo theirs", "Charlie existing", "Delta sold"}
    assert titles(f"sale_type={world['existing'].pk}") == {"Charlie existing"}
    assert titles(f"stage={existing.stage_id}") == {"Charlie existing"}
    assert titles("status=sold") == {"Delta sold"}
    assert titles("status=open&q=bravo") == {"Bravo theirs"}
    assert titles("q=acme") == {"Alpha mine"}
    assert titles(f"company={world['acme'].pk}") == {"Alpha mine"}
    assert mine.company == world["acme"]
    # And filters nothing matches say so
    assert "No sales match these filters" in text_of(salesperson_client.get(f"{reverse('sales:list')}?q=zulu"))


def test_filters_that_are_not_understood_are_ignored_instead_of_failing(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    make_sale(salesperson_user, world, "Still listed")
    response = salesperson_client.get(f"{reverse('sales:list')}?stage=abc&owner=999&status=won&company=x&after=%%%")
    assert response.status_code == 200
    assert "Still listed" in text_of(response)


def test_the_list_shows_amount_stage_probability_owner_and_an_overdue_next_activity_in_red(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world, "Late one", amount=99_900, currency="USD")
    activities.create_activity(
        salesperson_user,
        activity_type_id=world["call"].pk,
        title="Call back",
        start=timezone.now() - dt.timedelta(days=2),
        sale_id=sale.pk,
    )
    html = salesperson_client.get(reverse("sales:list")).content.decode()
    row = re.search(r"<tr>\s*<th scope=\"row\"><a[^>]*>Late one.*?</tr>", html, flags=re.S).group(0)
    assert "US$999.00" in row
    assert "Lead" in row and "10%" in row
    assert "Sam Seller" in row
    assert 'class="badge badge--danger"' in row and "(overdue)" in row


def test_the_list_pages_with_a_more_link_newest_first(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # Given 55 sales (a page holds 50)
    for number in range(55):
        make_sale(salesperson_user, world, f"Deal {number:02d}")
    # When the list opens, it shows the newest 50 and a link to more
    html = salesperson_client.get(reverse("sales:list")).content.decode()
    assert "Deal 54" in html and "Deal 05" in html and "Deal 04" not in html
    more = re.search(r'id="sale-more">.*?href="([^"]+)"', html, flags=re.S).group(1).replace("&amp;", "&")
    # Then following it (with htmx) brings just the rest, as rows
    rest = salesperson_client.get(reverse("sales:list") + more, **HTMX)
    text = rest.content.decode()
    assert "<html" not in text
    assert all(f"Deal {n:02d}" in text for n in range(5))
    assert "Deal 05" not in text and 'id="sale-more"' not in text


def _list_queries(client: Client, query: str = "") -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("sales:list") + query)
    assert response.status_code == 200
    return len(queries), response.content.decode()


def test_the_list_reads_the_same_few_queries_on_its_first_and_a_deeper_page_when_there_are_many_sales(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # Given 3 sales, and then 60 more
    for number in range(3):
        make_sale(salesperson_user, world, f"Early {number}")
    salesperson_client.get(reverse("sales:list"))  # the session and the language settle on the first request
    few, _html = _list_queries(salesperson_client)
    for number in range(60):
        make_sale(salesperson_user, world, f"Deal {number:02d}")

    # When the first page opens and then the page its "more" link names
    first, html = _list_queries(salesperson_client)
    more = re.search(r'id="sale-more">.*?href="([^"]+)"', html, flags=re.S).group(1).replace("&amp;", "&")
    deeper, rest = _list_queries(salesperson_client, more)

    # Then each page read as many queries as the list of three did (session, user, the filters' sale types,
    # stages and owners, and the page of sales), and the deeper page goes on where the first stopped
    assert few == first == deeper == 6
    assert "Deal 10" in html and "Deal 09" not in html
    assert "Deal 09" in rest and "Early 0" in rest and "Deal 10" not in rest


# --- the card ------------------------------------------------------------------------------------------------


def test_a_salesperson_sees_someone_elses_sale_but_cannot_change_it(
    salesperson_client: Client, manager_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(manager_user, world, "Manager's deal")
    card = salesperson_client.get(reverse("sales:card", args=[sale.pk]))
    assert card.status_code == 200
    assert "only its owner or a manager can change it" in text_of(card)
    assert reverse("sales:edit", args=[sale.pk]) not in card.content.decode()
    for name in ("edit", "sold", "lost", "stall", "reopen", "delete"):
        url = reverse(f"sales:{name}", args=[sale.pk])
        assert salesperson_client.get(url).status_code == 403, name
        assert salesperson_client.post(url, {"title": "Taken", "version": sale.version}).status_code == 403, name
    assert Sale.objects.get(pk=sale.pk).title == "Manager's deal"


def test_the_card_shows_tabs_and_the_preview_panel(
    salesperson_client: Client, salesperson_user: Any, admin_user: Any, world: dict[str, Any]
) -> None:
    # Given a sale of a type without a guide: no Guide tab, Activities first
    sale = make_sale(salesperson_user, world)
    page = salesperson_client.get(reverse("sales:card", args=[sale.pk])).content.decode()
    assert "?tab=guide" not in page
    assert re.search(r'href="[^"]*\?tab=activities"[^>]*aria-current="page"', page)
    assert '<aside id="preview-panel" class="side-panel"' in page
    assert "Select a suggestion to preview it here." in page
    # When the type's guide is switched on, the Guide tab is there and shown first
    sale_types.update_sale_type(admin_user, world["new_customer"].pk, has_guide=True)
    page = salesperson_client.get(reverse("sales:card", args=[sale.pk])).content.decode()
    assert re.search(r'href="[^"]*\?tab=guide"[^>]*aria-current="page"', page)
    # And an htmx click on a tab answers with the tabs alone
    tabs = salesperson_client.get(reverse("sales:card", args=[sale.pk]) + "?tab=history", **HTMX)
    assert tabs.content.decode().lstrip().startswith('<div id="sale-tabs">')
    assert "Created" in text_of(tabs)


def test_the_card_header_shows_both_probabilities_and_the_policy(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    sales.set_sale_probability(salesperson_user, sale.pk, 35)
    page = text_of(salesperson_client.get(reverse("sales:card", args=[sale.pk])))
    assert "Lead 10%" in page
    assert "Probability of this sale 35% set by hand" in page
    assert "Probability policy: Follow the stage" in page
    # Resetting from the header brings back the stage's probability
    sale.refresh_from_db()
    response = salesperson_client.post(
        reverse("sales:reset_probability", args=[sale.pk]), {"version": sale.version}, follow=True
    )
    assert "The probability follows the stage again: 10%." in text_of(response)
    assert Sale.objects.get(pk=sale.pk).probability == 10


# --- editing -------------------------------------------------------------------------------------------------


def edit_data(sale: Sale, **changes: Any) -> dict[str, Any]:
    data = {
        "title": sale.title,
        "sale_type": sale.sale_type_id,
        "stage": sale.stage_id or "",
        "probability": sale.probability,
        "company": sale.company_id or "",
        "contact": sale.contact_id or "",
        "owner": sale.owner_id,
        "amount": f"{sale.amount / 100:.2f}",
        "currency": sale.currency,
        "expected_date": sale.expected_date.isoformat() if sale.expected_date else "",
        "description": sale.description,
        "version": sale.version,
    }
    data.update(changes)
    return data


def test_editing_with_a_stale_version_shows_the_conflict_and_keeps_what_was_typed(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    form_version = sale.version
    sales.update_sale(salesperson_user, sale.pk, version=sale.version, description="Changed elsewhere")
    response = salesperson_client.post(
        reverse("sales:edit", args=[sale.pk]), edit_data(sale, title="My new title", version=form_version)
    )
    assert response.status_code == 422
    assert "Someone else changed this sale meanwhile" in top_errors(response)
    assert "Reload it and try again." in top_errors(response)
    assert 'value="My new title"' in response.content.decode()
    assert f'href="{reverse("sales:edit", args=[sale.pk])}"' in response.content.decode()
    assert Sale.objects.get(pk=sale.pk).title == "Acme website"


def test_when_two_people_edit_the_same_sale_the_second_save_gets_the_conflict_and_the_first_change_stays(
    salesperson_user: Any, manager_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    seller, manager = client_for(salesperson_user), client_for(manager_user)
    # Both open the edit form at the same version
    assert seller.get(reverse("sales:edit", args=[sale.pk])).status_code == 200
    assert manager.get(reverse("sales:edit", args=[sale.pk])).status_code == 200
    # The manager saves first
    first = manager.post(reverse("sales:edit", args=[sale.pk]), edit_data(sale, title="Manager's title"))
    assert first.status_code == 302
    # The salesperson's save is refused with the conflict
    second = seller.post(reverse("sales:edit", args=[sale.pk]), edit_data(sale, title="Seller's title"))
    assert second.status_code == 422
    assert "Someone else changed this sale meanwhile" in top_errors(second)
    assert Sale.objects.get(pk=sale.pk).title == "Manager's title"


def test_changing_the_stage_in_the_form_moves_the_sale_and_sets_the_stages_probability(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    response = salesperson_client.post(reverse("sales:edit", args=[sale.pk]), edit_data(sale, stage=world["offer"].pk))
    assert response.status_code == 302
    sale.refresh_from_db()
    assert (sale.stage_id, sale.probability) == (world["offer"].pk, 50)
    assert StageChange.objects.filter(sale=sale, kind="stage", to_stage=world["offer"]).exists()


def test_changing_the_sale_type_moves_the_sale_to_the_first_stage_of_the_new_type(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    page = text_of(salesperson_client.get(reverse("sales:edit", args=[sale.pk])))
    assert "the new type&#x27;s first stage unless you pick another" in page
    # Without JavaScript the stage field still says Lead, which the new type does not use: the first stage
    salesperson_client.post(reverse("sales:edit", args=[sale.pk]), edit_data(sale, sale_type=world["existing"].pk))
    sale.refresh_from_db()
    assert (sale.sale_type_id, sale.stage_id, sale.probability) == (world["existing"].pk, world["offer"].pk, 50)


def test_changing_the_sale_type_together_with_a_stage_of_the_new_type_puts_the_sale_in_that_stage(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    data = edit_data(sale, sale_type=world["existing"].pk, stage=world["contract"].pk)

    response = salesperson_client.post(reverse("sales:edit", args=[sale.pk]), data)

    assert response.status_code == 302
    sale.refresh_from_db()
    assert (sale.sale_type_id, sale.stage_id, sale.probability) == (world["existing"].pk, world["contract"].pk, 80)
    rows = list(StageChange.objects.filter(sale=sale).order_by("id").values_list("kind", "to_stage_id"))
    assert rows == [("created", world["lead"].pk), ("sale_type", world["contract"].pk)]


def test_changing_the_sale_type_with_a_stage_and_a_probability_keeps_both_with_a_row_each(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    data = edit_data(sale, sale_type=world["existing"].pk, stage=world["contract"].pk, probability=65)

    salesperson_client.post(reverse("sales:edit", args=[sale.pk]), data)

    sale.refresh_from_db()
    assert (sale.stage_id, sale.probability, sale.probability_is_manual) == (world["contract"].pk, 65, True)
    kinds = list(StageChange.objects.filter(sale=sale).order_by("id").values_list("kind", flat=True))
    assert kinds == ["created", "sale_type", "probability"]


def test_choosing_another_sale_type_on_the_edit_form_offers_that_types_stages(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    form_page = salesperson_client.get(reverse("sales:edit", args=[sale.pk])).content.decode()
    assert 'hx-get="/sales/stage-options/"' in form_page

    response = salesperson_client.get(
        reverse("sales:stage_options"), {"sale_type": world["existing"].pk, "stage": world["lead"].pk}
    )

    options = re.findall(r'<option value="(\d+)"( selected)?>([^<]+)</option>', response.content.decode())
    assert options == [
        (str(world["offer"].pk), " selected", "Offer (50%)"),
        (str(world["contract"].pk), "", "Contract (80%)"),
    ]


def test_a_probability_out_of_range_is_refused_next_to_the_field_and_reset_keeps_typed_changes(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    response = salesperson_client.post(reverse("sales:edit", args=[sale.pk]), edit_data(sale, probability=150))
    assert field_error(response, "id_probability") == "The probability must be a whole number from 0 to 100."
    salesperson_client.post(reverse("sales:edit", args=[sale.pk]), edit_data(sale, probability=60))
    sale.refresh_from_db()
    assert (sale.probability, sale.probability_is_manual) == (60, True)
    # The reset button saves the typed title too
    response = salesperson_client.post(
        reverse("sales:edit", args=[sale.pk]), edit_data(sale, title="Renamed", reset_probability="1"), follow=True
    )
    assert "The probability follows the stage again: 10%." in text_of(response)
    sale.refresh_from_db()
    assert (sale.title, sale.probability, sale.probability_is_manual) == ("Renamed", 10, False)


# --- closing -------------------------------------------------------------------------------------------------


def test_marking_a_sale_sold_sets_probability_100_and_remembers_the_stage(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world, amount=100_00)
    url = reverse("sales:sold", args=[sale.pk])
    form = salesperson_client.get(url).content.decode()
    assert f'value="{timezone.localdate().isoformat()}"' in form
    assert world["price"].name in form and world["too_expensive"].name not in form
    # A reason of another kind and a bad date are refused next to their fields
    refused = salesperson_client.post(
        url, {"version": sale.version, "date": "31-31-2024", "reason": world["too_expensive"].pk}
    )
    assert refused.status_code == 422
    assert field_error(refused, "id_date") == "Enter a valid date."
    assert field_error(refused, "id_reason") == "Choose one of the reasons in the list."
    response = salesperson_client.post(
        url,
        {"version": sale.version, "date": "2024-05-01", "reason": world["price"].pk, "amount": "120.00"},
        follow=True,
    )
    assert "Sale “Acme website” is marked as sold." in text_of(response)
    sale.refresh_from_db()
    assert (sale.status, sale.probability, sale.amount) == ("sold", 100, 120_00)
    assert (sale.closed_date, sale.reason, sale.stage_when_closed_id) == (
        dt.date(2024, 5, 1),
        world["price"],
        world["lead"].pk,
    )
    assert "Stage when closed: Lead" in text_of(response)


def test_marking_a_sale_lost_with_a_competitor(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    response = salesperson_client.post(
        reverse("sales:lost", args=[sale.pk]),
        {
            "version": sale.version,
            "date": "",
            "reason": world["too_expensive"].pk,
            "competitor": world["rival"].pk,
        },
        follow=True,
    )
    page = text_of(response)
    assert "Sale “Acme website” is marked as lost." in page
    assert "Competitor: Rival Ltd" in page and "Reason: Too expensive" in page
    sale.refresh_from_db()
    assert (sale.status, sale.probability, sale.closed_date) == ("lost", 0, timezone.localdate())


def test_closing_an_already_closed_sale_says_to_reopen_it_first(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    sale = sales.close_sale_as_lost(salesperson_user, sale.pk)
    response = salesperson_client.post(reverse("sales:sold", args=[sale.pk]), {"version": sale.version})
    assert response.status_code == 422
    assert top_errors(response) == "Only an open sale can do this; reopen it first."


def test_stalling_asks_for_a_future_date_and_then_proposes_a_follow_up_on_it(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    url = reverse("sales:stall", args=[sale.pk])
    for bad in ("", timezone.localdate().isoformat()):
        refused = salesperson_client.post(url, {"version": sale.version, "reopen_date": bad})
        assert field_error(refused, "id_reopen_date") == "Choose a re-open date after today.", bad
    reopen_on = timezone.localdate() + dt.timedelta(days=60)
    response = salesperson_client.post(
        url, {"version": sale.version, "reopen_date": reopen_on.isoformat(), "reason": world["budget"].pk}
    )
    assert response["Location"] == reverse("sales:stall_followup", args=[sale.pk])
    sale.refresh_from_db()
    assert (sale.status, sale.reopen_date, sale.reason) == ("stalled", reopen_on, world["budget"])
    # The proposed follow-up: a call on the re-open date at 09:00, titled after the sale
    proposal = salesperson_client.get(response["Location"])
    html = proposal.content.decode()
    assert "Sale “Acme website” is stalled until" in text_of(proposal)
    assert 'value="Re-open: Acme website"' in html
    assert f'value="{reopen_on.isoformat()}"' in html and 'value="09:00"' in html
    assert re.search(rf'<option value="{world["call"].pk}" selected>', html)
    saved = salesperson_client.post(
        response["Location"],
        {
            "activity_type": world["call"].pk,
            "title": "Re-open: Acme website",
            "start_date": reopen_on.isoformat(),
            "start_time": "09:00",
            "duration_minutes": "15",
            "text": "",
            "owner": salesperson_user.pk,
        },
    )
    assert saved["Location"] == reverse("sales:card", args=[sale.pk]) + "?tab=activities"
    activity = Activity.objects.get(sale=sale)
    assert timezone.localtime(activity.start).replace(tzinfo=None) == dt.datetime.combine(reopen_on, dt.time(9))


def test_reopening_returns_the_sale_to_open_and_a_stale_form_shows_the_conflict(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    lost = sales.close_sale_as_lost(salesperson_user, sale.pk)
    url = reverse("sales:reopen", args=[sale.pk])
    assert "Reopen “Acme website”?" in text_of(salesperson_client.get(url))
    stale = salesperson_client.post(url, {"version": lost.version - 1})
    assert "Someone else changed this sale meanwhile" in top_errors(stale)
    response = salesperson_client.post(url, {"version": lost.version}, follow=True)
    assert "Sale “Acme website” is open again." in text_of(response)
    sale.refresh_from_db()
    assert (sale.status, sale.stage_id, sale.probability) == ("open", world["lead"].pk, 10)


def test_completed_can_only_be_ticked_on_a_sold_or_lost_sale(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    url = reverse("sales:completed", args=[sale.pk])
    assert 'id="sale-completed"' not in salesperson_client.get(reverse("sales:card", args=[sale.pk])).content.decode()
    response = salesperson_client.post(url, {"version": sale.version, "completed": "1"}, follow=True)
    assert "Only a sold or lost sale can be marked completed." in text_of(response)
    sold = sales.close_sale_as_sold(salesperson_user, sale.pk)
    response = salesperson_client.post(url, {"version": sold.version, "completed": "1"}, follow=True)
    assert "Sale “Acme website” is marked completed." in text_of(response)
    assert Sale.objects.get(pk=sale.pk).completed is True
    response = salesperson_client.post(url, {"version": sold.version + 1}, **HTMX)
    assert response["HX-Redirect"] == reverse("sales:card", args=[sale.pk])
    assert Sale.objects.get(pk=sale.pk).completed is False


def test_deleting_a_sale_asks_first_then_removes_it(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    url = reverse("sales:delete", args=[sale.pk])
    assert "Delete “Acme website”?" in text_of(salesperson_client.get(url))
    response = salesperson_client.post(url, {"version": sale.version}, follow=True)
    assert "Sale “Acme website” is deleted." in text_of(response)
    assert not Sale.objects.filter(pk=sale.pk).exists()


# --- history -------------------------------------------------------------------------------------------------


def test_the_history_tab_lists_every_change_oldest_first_and_explains_a_removed_stage(
    salesperson_client: Client, salesperson_user: Any, admin_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    sales.move_sale_to_stage(salesperson_user, sale.pk, world["offer"].pk)
    # The administrator takes Offer out of the sale type: the sale moves on to Contract
    sale_types.update_sale_type(
        admin_user, world["new_customer"].pk, stage_ids=[world["lead"].pk, world["contract"].pk]
    )
    page = salesperson_client.get(reverse("sales:card", args=[sale.pk]) + "?tab=history")
    rows = re.findall(r"<tr>(.*?)</tr>", page.content.decode(), flags=re.S)[1:]
    texts = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row)).strip() for row in rows]
    assert len(texts) == 3
    assert "Created" in texts[0] and "Lead" in texts[0] and "Sam Seller" in texts[0]
    assert "Stage changed: Lead → Offer, probability 10% → 50%." in texts[1]
    assert (
        "Moved because stage “Offer” was deleted or taken out of this sale type: Offer → Contract, "
        "probability 50% → 80%." in texts[2]
    )


def test_the_history_shows_status_changes(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = make_sale(salesperson_user, world)
    sales.close_sale_as_sold(salesperson_user, sale.pk, reason_id=world["price"].pk)
    page = text_of(salesperson_client.get(reverse("sales:card", args=[sale.pk]) + "?tab=history"))
    assert "Sold in stage Lead, probability 10% → 100%. Best price" in page


# --- queries -------------------------------------------------------------------------------------------------


def _card_queries(client: Client, sale: Sale, tab: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("sales:card", args=[sale.pk]) + f"?tab={tab}").status_code == 200
    return len(queries)


@pytest.mark.parametrize("tab", ["activities", "documents", "history"])
def test_the_card_costs_the_same_queries_with_few_or_many_activities_and_changes(
    tab: str,
    salesperson_client: Client,
    salesperson_user: Any,
    world: dict[str, Any],
    django_assert_max_num_queries: Any,
) -> None:
    # Given a sale with one activity and its creation row
    sale = make_sale(salesperson_user, world, company_id=world["acme"].pk)
    start = timezone.now() + dt.timedelta(days=1)
    activities.create_activity(
        salesperson_user, activity_type_id=world["call"].pk, title="First", start=start, sale_id=sale.pk
    )
    few = _card_queries(salesperson_client, sale, tab)
    # When it gets twenty more activities (some completed) and twenty stage changes
    for number in range(20):
        made = activities.create_activity(
            salesperson_user, activity_type_id=world["call"].pk, title=f"Call {number}", start=start, sale_id=sale.pk
        )
        if number % 2:
            activities.complete_activity(salesperson_user, made.pk)
        target = world["offer"] if number % 2 == 0 else world["lead"]
        sales.move_sale_to_stage(salesperson_user, sale.pk, target.pk)
    # Then the card reads as many queries as before, and few
    assert _card_queries(salesperson_client, sale, tab) == few
    # (Five for the header and the tab, three for the Next steps panel on every tab: the guide's stages, the
    # sale's guide activities and documents — a type without stages reads no suggestions — and its open activities.)
    with django_assert_max_num_queries(8):
        salesperson_client.get(reverse("sales:card", args=[sale.pk]) + f"?tab={tab}")
