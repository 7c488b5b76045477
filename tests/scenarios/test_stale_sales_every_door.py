"""Only stale sales (SPEC 6.2, issue 12): the same sales through every door that lists them — the read model,
``GET /api/v1/sales?stale=true``, its CSV, the web list's "Only stale sales", the web export, ``salesguide export
sales --stale`` and the board's export link. Stale: open, longer in the stage than its expected days, and no
open activity from now on."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import re
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from tests.aging_helpers import entered_stage_at

from salesguide.models import ActivityType
from salesguide.queries import sale_list
from salesguide.services import accounts, activities, catalog, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    """Offer expects 7 days. "Forgotten" entered it 10 days ago with nothing planned: stale. "Planned" also 10
    days ago but with a call next week; "Fresh" 2 days ago; "Won" was sold; "Lead only" is in a stage without
    expected days, 30 days in."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    sale_types.set_expected_days(admin_user, sale_type.pk, offer.pk, 7)
    now = timezone.now()

    def sale(title: str, days: int, stage: Any = offer) -> int:
        made = sales.create_sale(admin_user, title=title, sale_type_id=sale_type.pk)
        if stage != lead:
            sales.move_sale_to_stage(admin_user, made.pk, stage.pk)
        entered_stage_at(made.pk, now - dt.timedelta(days=days))
        return int(made.pk)

    ids = {
        "forgotten": sale("Forgotten", 10),
        "planned": sale("Planned", 10),
        "fresh": sale("Fresh", 2),
        "won": sale("Won", 10),
        "lead": sale("Lead only", 30, lead),
    }
    call = ActivityType.objects.first() or catalog.create_activity_type(admin_user, name="Call", kind="call")
    activities.create_activity(
        admin_user, activity_type_id=call.pk, title="Call", start=now + dt.timedelta(days=7), sale_id=ids["planned"]
    )
    sales.close_sale_as_sold(admin_user, ids["won"])
    return {"ids": ids, "sale_type": sale_type}


def _web(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _csv_titles(content: bytes) -> list[str]:
    rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    return [row["Title"] for row in rows]


def test_every_door_lists_the_same_stale_sales(world: dict[str, Any], admin_user: Any) -> None:
    token = accounts.create_token(admin_user, "tests")[1]
    api = Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    web = _web(admin_user)
    cli = io.StringIO()
    call_command("export", "sales", "--stale", "--language", "en", stdout=cli, stderr=io.StringIO())
    web_page = web.get("/sales/", {"stale": "1"}).content.decode()

    doors = {
        "read model": [s.title for s in sale_list.sales(sale_list.SaleFilters(stale=True))],
        "API": [s["title"] for s in api.get("/api/v1/sales", {"stale": "true"}).json()["items"]],
        "API file": _csv_titles(
            b"".join(api.get("/api/v1/sales", {"stale": "true", "format": "csv"}).streaming_content)
        ),
        "web list": [
            html.unescape(t) for t in re.findall(r'class="table__primary" href="/sales/\d+/">([^<]+)<', web_page)
        ],
        "web export": _csv_titles(b"".join(web.get("/sales/export.csv", {"stale": "1"}).streaming_content)),
        "CLI": _csv_titles(cli.getvalue().encode()),
    }

    assert doors == dict.fromkeys(doors, ["Forgotten"])
    # And without the filter every door has all five
    assert len(api.get("/api/v1/sales").json()["items"]) == 5


def test_the_web_list_keeps_its_stale_filter_checked_and_the_board_exports_only_what_it_shows(
    world: dict[str, Any], admin_user: Any
) -> None:
    web = _web(admin_user)

    listed = web.get("/sales/", {"stale": "1"}).content.decode()
    board = web.get("/board/", {"sale_type": world["sale_type"].pk, "stale": "1"}).content.decode()

    assert re.search(r'id="filter-stale" name="stale" value="1" checked', listed)
    export = html.unescape(re.search(r'href="(/sales/export\.csv\?[^"]+)"', board).group(1))  # type: ignore[union-attr]
    assert "stale=1" in export
    assert _csv_titles(b"".join(web.get(export).streaming_content)) == ["Forgotten"]


def test_a_wrong_stale_value_in_the_api_is_a_422_with_a_detail(world: dict[str, Any], admin_user: Any) -> None:
    token = accounts.create_token(admin_user, "tests")[1]
    api = Client(headers={"Authorization": f"Bearer {token}"})

    response = api.get("/api/v1/sales", {"stale": "yes"})

    assert response.status_code == 422
    assert response.json()["detail"]
