"""What a sale offers its viewer, through both doors: the buttons of the sale card and the ``actions`` of the API's
sale answer come from the same decision (``services.permissions.allowed_actions``), so one table of cases is run
through both and each must show exactly the expected actions."""

from __future__ import annotations

import dataclasses
import datetime as dt
import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesguide.models import Sale
from salesguide.services import accounts, catalog, sale_types, sales
from salesguide.services.permissions import SaleActions

pytestmark = pytest.mark.django_db

# The card's header actions, by the address each one goes to.
CARD_ACTIONS = {
    "edit": "sales:edit",
    "sold": "sales:sold",
    "lost": "sales:lost",
    "stall": "sales:stall",
    "reopen": "sales:reopen",
    "completed": "sales:completed",  # the tick; the API says "complete" or "uncomplete"
    "delete": "sales:delete",
}

CASES = [
    # (who looks, whose sale, its status, what the card and the API offer)
    ("salesperson", "someone else", "open", set()),
    ("salesperson", "someone else", "sold", set()),
    ("salesperson", "own", "open", {"edit", "sold", "lost", "stall", "delete"}),
    ("salesperson", "own", "sold", {"edit", "reopen", "completed", "delete"}),
    ("salesperson", "own", "stalled", {"edit", "reopen", "delete"}),
    ("manager", "someone else", "lost", {"edit", "reopen", "completed", "delete"}),
]


@pytest.fixture
def sale_type(admin_user: Any) -> Any:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])


def _sale(owner: Any, status: str, sale_type: Any) -> Sale:
    sale = sales.create_sale(owner, title="Acme website", sale_type_id=sale_type.pk)
    if status == "sold":
        sales.close_sale_as_sold(owner, sale.pk)
    elif status == "lost":
        sales.close_sale_as_lost(owner, sale.pk)
    elif status == "stalled":
        sales.stall_sale(owner, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=30))
    return sale


def _offered_on_the_card(client: Client, sale: Sale) -> set[str]:
    html = client.get(reverse("sales:card", args=[sale.pk])).content.decode()
    return {
        name
        for name, url_name in CARD_ACTIONS.items()
        if re.search(rf'(href|action)="{re.escape(reverse(url_name, args=[sale.pk]))}"', html)
    }


def _offered_by_the_api(user: Any, sale: Sale) -> set[str]:
    token = accounts.create_token(user, "tests")[1]
    answer = Client().get(f"/api/v1/sales/{sale.pk}", headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 200
    actions = answer.json()["actions"]
    offered = {name for name in CARD_ACTIONS if actions.get(name)}
    return offered | ({"completed"} if actions["complete"] or actions["uncomplete"] else set())


@pytest.mark.parametrize(("viewer", "whose", "status", "expected"), CASES)
def test_the_card_and_the_api_offer_the_same_actions_when_a_user_looks_at_a_sale(
    viewer: str,
    whose: str,
    status: str,
    expected: set[str],
    salesperson_user: Any,
    manager_user: Any,
    make_user: Any,
    sale_type: Any,
) -> None:
    # Given a sale in this status, the viewer's own or someone else's
    user = {"salesperson": salesperson_user, "manager": manager_user}[viewer]
    owner = user if whose == "own" else make_user("sally", "salesperson")
    sale = _sale(owner, status, sale_type)
    client = Client()
    client.force_login(user)
    # When the viewer opens its card, and asks the API for it
    on_the_card = _offered_on_the_card(client, sale)
    by_the_api = _offered_by_the_api(user, sale)
    # Then both offer exactly these actions
    assert on_the_card == expected
    assert by_the_api == expected


def test_the_api_names_every_action_a_sale_can_offer(salesperson_user: Any, sale_type: Any) -> None:
    sale = _sale(salesperson_user, "open", sale_type)
    token = accounts.create_token(salesperson_user, "tests")[1]
    answer = Client().get(f"/api/v1/sales/{sale.pk}", headers={"Authorization": f"Bearer {token}"}).json()
    assert set(answer["actions"]) == {field.name for field in dataclasses.fields(SaleActions)}


def test_a_salesperson_who_opens_the_sold_page_of_someone_elses_sale_is_refused_and_it_stays_open(
    salesperson_user: Any, make_user: Any, sale_type: Any
) -> None:
    # Given someone else's open sale, whose card offers the salesperson no "Sold"
    sale = _sale(make_user("sally", "salesperson"), "open", sale_type)
    client = Client()
    client.force_login(salesperson_user)
    # When they post the Sold form anyway
    response = client.post(reverse("sales:sold", args=[sale.pk]), {"version": 1, "date": "", "amount": ""})
    # Then they are refused with the reason, and the sale is still open
    assert response.status_code == 403
    assert "Only the owner of this sale or a manager can change it." in response.content.decode()
    assert Sale.objects.get(pk=sale.pk).status == "open"
