"""The report pages at /reports/: the index, and per report its filters, chart, table, files and empty states, in
the reader's language, with the figures of the same read model the API answers from."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

import openpyxl
import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesguide.services import catalog, sale_types, sales
from salesguide.services.clock import today_for

pytestmark = pytest.mark.django_db


def text_of(response: Any) -> str:
    """The page's visible words, tags and surplus spaces removed."""
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def world(admin_user: Any, manager_user: Any, salesperson_user: Any) -> dict[str, Any]:
    first = catalog.create_stage(admin_user, name="Lead", probability=10)
    second = catalog.create_stage(admin_user, name="Offer", probability=50)
    kind = sale_types.create_sale_type(admin_user, name="Hardware", stage_ids=[first.pk, second.pk])
    today = today_for(admin_user)
    made = []
    for owner, amount in ((salesperson_user, 1_000_05), (manager_user, 2_000_00)):
        made.append(
            sales.create_sale(
                admin_user,
                title="Sale",
                sale_type_id=kind.pk,
                owner_id=owner.pk,
                amount=amount,
                currency="EUR",
                expected_date=today + dt.timedelta(days=5),
            )
        )
    sales.move_sale_to_stage(admin_user, made[1].pk, second.pk)
    return {"type": kind, "first": first, "second": second, "today": today}


def page(client: Client, name: str, **params: Any) -> Any:
    return client.get(reverse("reports:report", args=[name]), params)


def test_the_index_lists_every_report_with_what_it_shows(salesperson_client: Client) -> None:
    response = salesperson_client.get(reverse("reports:index"))

    assert response.status_code == 200
    words = text_of(response)
    assert "Weighted pipeline Open sales per stage, sale type, owner or month" in words
    assert "Forecast Open sales by the month they are expected to close" in words
    assert 'href="/reports/pipeline/"' in response.content.decode()


def test_a_manager_sees_everyones_pipeline_with_a_chart_a_table_and_files_to_download(
    manager_client: Client, world: dict[str, Any]
) -> None:
    response = page(manager_client, "pipeline")

    html = response.content.decode()
    words = text_of(response)
    assert response.status_code == 200
    assert "Lead EUR 1 €1,000.05 €100.01" in words
    assert "Offer EUR 1 €2,000.00 €1,000.00" in words
    assert re.search(r'<option value="all" selected>Everyone</option>', html)
    assert html.count('<svg xmlns="http://www.w3.org/2000/svg"') == 1
    assert re.search(
        r'<svg[^>]+role="img"[^>]+aria-labelledby="[^"]+"><title id="[^"]+">Weighted pipeline</title>', html
    )
    assert "<script" not in html.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert 'href="?format=csv"' in html and 'href="?format=xlsx"' in html
    assert "Whose sales: Everyone · Rows per: Stage" in words  # what paper says instead of the form


def test_a_salesperson_sees_their_own_pipeline_and_the_teams_when_they_choose_everyone(
    salesperson_client: Client, world: dict[str, Any]
) -> None:
    own = page(salesperson_client, "pipeline")
    team = page(salesperson_client, "pipeline", owner="all")

    assert re.search(r'<option value="me" selected>Me</option>', own.content.decode())
    assert "Lead EUR 1 €1,000.05" in text_of(own) and "Offer" not in text_of(own).split("Open sales", 1)[1]
    assert "Offer EUR 1 €2,000.00" in text_of(team)


def test_the_downloads_carry_the_filters_and_hold_the_figures_of_the_page(
    manager_client: Client, world: dict[str, Any], salesperson_user: Any
) -> None:
    filters = {"owner": str(salesperson_user.pk), "group": "owner"}
    shown = page(manager_client, "pipeline", **filters).content.decode()
    assert f'href="?owner={salesperson_user.pk}&amp;group=owner&amp;format=xlsx"' in shown

    response = page(manager_client, "pipeline", **filters, format="xlsx")

    assert response["Content-Disposition"] == f'attachment; filename="pipeline-{world["today"].isoformat()}.xlsx"'
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert [[cell.value for cell in row] for row in sheet.iter_rows()] == [
        ["Owner id", "Owner", "Currency", "Open sales", "Amount", "Weighted amount"],
        [salesperson_user.pk, "Sam Seller", "EUR", 1, 1000.05, 100.01],
    ]


def test_the_csv_download_of_the_forecast_has_a_row_per_month(manager_client: Client, world: dict[str, Any]) -> None:
    response = page(manager_client, "forecast", format="csv")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "Month,Currency,Open sales,Amount,Weighted amount,Sold"
    assert len(lines) == 1 + 16  # three months back, this month, twelve ahead
    month = (world["today"] + dt.timedelta(days=5)).strftime("%Y-%m")
    assert f"{month},EUR,2,3000.05,1100.01,0.00" in lines


def test_the_forecast_says_which_months_it_shows_without_dates(manager_client: Client, world: dict[str, Any]) -> None:
    words = text_of(page(manager_client, "forecast"))

    assert re.search(r"Without dates: 1 \w{3} \d{4} to 3[01] \w{3} \d{4}\.", words)


def test_a_period_that_ends_before_it_starts_is_explained_beside_the_dates(
    manager_client: Client, world: dict[str, Any]
) -> None:
    response = page(manager_client, "pipeline", date_from="2026-05-02", date_to="2026-05-01")

    words = text_of(response)
    assert "The end of the period is before its start." in words
    assert "Correct the filters above to see the report." in words
    assert "Download XLSX" not in words


def test_a_report_without_sales_says_what_to_do(manager_client: Client, world: dict[str, Any]) -> None:
    response = page(manager_client, "pipeline", date_from="2001-01-01", date_to="2001-12-31")

    words = text_of(response)
    assert "No open sales here yet. Create a sale, or load the demo data with “salesguide demo”." in words
    assert "Clear the filters" in words
    assert 'href="/sales/new/"' in response.content.decode()
    assert "<svg xmlns" not in response.content.decode()


def test_without_sale_types_the_page_says_an_administrator_sets_them_up(admin_client: Client) -> None:
    response = page(admin_client, "forecast")

    assert "There are no sale types yet" in text_of(response)
    assert reverse("guides:sale_type_list") in response.content.decode()


def test_an_unknown_report_is_not_found(manager_client: Client) -> None:
    assert page(manager_client, "horoscope").status_code == 404


def test_the_pages_speak_dutch_to_a_dutch_user(make_user: Any, world: dict[str, Any]) -> None:
    client = Client()
    client.force_login(make_user("jan", "manager", language="nl"))

    words = text_of(page(client, "pipeline"))

    assert "Lead EUR 1 € 1.000,05 € 100,01" in words
    assert "Iedereen" in words and "Tonen" in words


@pytest.mark.parametrize("name", ["pipeline", "forecast"])
def test_a_report_page_takes_the_same_number_of_queries_whatever_the_number_of_sales(
    manager_client: Client, world: dict[str, Any], admin_user: Any, name: str
) -> None:
    with CaptureQueriesContext(connection) as few:
        page(manager_client, name)
    for n in range(12):
        sales.create_sale(
            admin_user,
            title=f"More {n}",
            sale_type_id=world["type"].pk,
            amount=n * 100,
            currency=("EUR", "USD")[n % 2],
            expected_date=world["today"] + dt.timedelta(days=30 * n),
        )
    with CaptureQueriesContext(connection) as many:
        page(manager_client, name)

    # session, user, the sale types and people to pick from, and the report's own two queries
    assert len(few) == len(many) == 6
