"""Names in the web forms (issue 9, item 24): a control character, a line break or a direction override in a
name is refused next to the field with the same message as the API gives, and nothing is saved."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from salesguide.models import Company, Sale, Stage
from salesguide.services import catalog, sale_types

pytestmark = pytest.mark.django_db

OVERRIDE = "invoice\u202efdp.exe"
OVERRIDE_MESSAGE = "Characters that change the direction of text are not allowed here (U+202E)."


def error_next_to(response: Any, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', response.content.decode(), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def test_a_stage_name_with_a_direction_override_is_refused_next_to_the_name(admin_client: Client) -> None:
    response = admin_client.post("/settings/stages/add/", {"name": OVERRIDE, "probability": "10"})

    assert error_next_to(response, "name") == OVERRIDE_MESSAGE
    assert not Stage.objects.exists()


def test_a_company_name_with_a_control_character_is_refused_next_to_the_name(salesperson_client: Client) -> None:
    response = salesperson_client.post(reverse("customers:company_add"), {"name": "Dijkstra\x07", "city": "Utrecht"})

    assert error_next_to(response, "name") == "Control characters are not allowed here (U+0007)."
    assert not Company.objects.exists()


def test_a_sale_title_with_a_line_break_is_refused_next_to_the_title(
    salesperson_client: Client, admin_user: Any
) -> None:
    # Given
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])

    # When
    response = salesperson_client.post(
        reverse("sales:new"),
        {"title": "Tills\nfor shops", "sale_type": sale_type.pk, "amount": "0", "currency": "EUR"},
    )

    # Then
    assert error_next_to(response, "title") == "Keep this on one line: remove the line break (U+000A)."
    assert not Sale.objects.exists()
