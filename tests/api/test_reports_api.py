"""The reports through the API (API.md "Reports"): the rows of each report as JSON with exactly its fields, the
same figures as CSV and XLSX files, whose sales each role counts, and the filters refused with 422 or 404."""

from __future__ import annotations

import csv
import datetime as dt
import io
from typing import Any

import openpyxl
import pytest

from salesguide.models import Sale
from salesguide.services import catalog, sale_types, sales
from salesguide.services.clock import today_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any, manager_user: Any, salesperson_user: Any) -> dict[str, Any]:
    """One sale type with two stages (10 % and 50 %); the salesperson has 1,000.05 EUR in the first stage and
    333.33 USD in the second; the manager 2,000.00 EUR in the second and a sale of 500.00 EUR sold today."""
    first = catalog.create_stage(admin_user, name="Lead", probability=10)
    second = catalog.create_stage(admin_user, name="Offer", probability=50)
    kind = sale_types.create_sale_type(admin_user, name="Hardware", stage_ids=[first.pk, second.pk])
    today = today_for(admin_user)

    def sale(owner: Any, amount: int, currency: str, stage: Any, days: int = 10) -> Sale:
        made = sales.create_sale(
            admin_user,
            title="Sale",
            sale_type_id=kind.pk,
            owner_id=owner.pk,
            amount=amount,
            currency=currency,
            expected_date=today + dt.timedelta(days=days),
        )
        if stage != first:
            made = sales.move_sale_to_stage(admin_user, made.pk, stage.pk)
        return made

    sale(salesperson_user, 1_000_05, "EUR", first)
    sale(salesperson_user, 333_33, "USD", second)
    sale(manager_user, 2_000_00, "EUR", second)
    sold = sale(manager_user, 500_00, "EUR", first)
    sales.close_sale_as_sold(admin_user, sold.pk, date=today)
    return {"first": first, "second": second, "type": kind, "today": today}


def test_the_pipeline_answers_a_row_per_stage_and_currency_with_exactly_the_fields_of_api_md(
    manager_api: Any, world: dict[str, Any]
) -> None:
    response = manager_api.get("reports/pipeline")

    assert response.status_code == 200
    assert response.json() == [
        {
            "stage_id": world["first"].pk,
            "name": "Lead",
            "currency": "EUR",
            "count": 1,
            "amount": 1_000_05,
            "weighted_amount": 100_01,  # 100.005 rounded half up, per sale
        },
        {
            "stage_id": world["second"].pk,
            "name": "Offer",
            "currency": "EUR",
            "count": 1,
            "amount": 2_000_00,
            "weighted_amount": 1_000_00,
        },
        {
            "stage_id": world["second"].pk,
            "name": "Offer",
            "currency": "USD",
            "count": 1,
            "amount": 333_33,
            "weighted_amount": 166_67,
        },
    ]


def test_the_pipeline_grouped_by_owner_or_month_names_its_group_in_the_rows(
    manager_api: Any, world: dict[str, Any], salesperson_user: Any, manager_user: Any
) -> None:
    by_owner = manager_api.get("reports/pipeline", group="owner").json()
    by_month = manager_api.get("reports/pipeline", group="month").json()

    assert {(row["owner_id"], row["name"], row["currency"], row["count"]) for row in by_owner} == {
        (salesperson_user.pk, "Sam Seller", "EUR", 1),
        (salesperson_user.pk, "Sam Seller", "USD", 1),
        (manager_user.pk, "Max Manager", "EUR", 1),
    }
    month = (world["today"] + dt.timedelta(days=10)).strftime("%Y-%m")
    assert by_month == [
        {"month": month, "currency": "EUR", "count": 2, "amount": 3_000_05, "weighted_amount": 1_100_01},
        {"month": month, "currency": "USD", "count": 1, "amount": 333_33, "weighted_amount": 166_67},
    ]


def test_the_forecast_answers_months_with_what_was_sold_beside_them(manager_api: Any, world: dict[str, Any]) -> None:
    rows = manager_api.get("reports/forecast").json()

    this_month = world["today"].strftime("%Y-%m")
    assert set(rows[0]) == {"month", "currency", "count", "amount", "weighted_amount", "sold_amount"}
    sold = [row for row in rows if row["sold_amount"]]
    assert sold == [
        {
            "month": this_month,
            "currency": "EUR",
            "count": sold[0]["count"],
            "amount": sold[0]["amount"],
            "weighted_amount": sold[0]["weighted_amount"],
            "sold_amount": 500_00,
        }
    ]
    assert sum(row["amount"] for row in rows if row["currency"] == "EUR") == 3_000_05
    assert sum(row["amount"] for row in rows if row["currency"] == "USD") == 333_33


def test_a_salesperson_gets_their_own_figures_unless_they_ask_for_the_team(
    salesperson_api: Any, world: dict[str, Any]
) -> None:
    own = salesperson_api.get("reports/pipeline").json()
    team = salesperson_api.get("reports/pipeline", team="true").json()

    assert sorted((row["currency"], row["amount"]) for row in own) == [("EUR", 1_000_05), ("USD", 333_33)]
    assert sorted((row["currency"], row["amount"]) for row in team) == [
        ("EUR", 1_000_05),
        ("EUR", 2_000_00),
        ("USD", 333_33),
    ]


@pytest.mark.parametrize(
    ("params", "status", "where"),
    [
        ({"sale_type": 987_654}, 404, None),
        ({"owner": 987_654}, 404, None),
        ({"date_from": "2026-05-02", "date_to": "2026-05-01"}, 422, ["query", "date_to"]),
        ({"team": "1"}, 422, ["query", "team"]),
        ({"group": "planet"}, 422, ["query", "group"]),
        ({"format": "pdf"}, 422, ["query", "format"]),
        ({"date_from": "tomorrow"}, 422, ["query", "date_from"]),
    ],
)
def test_a_filter_that_cannot_be_used_is_refused_and_says_which(
    manager_api: Any, world: dict[str, Any], params: dict[str, Any], status: int, where: list[str] | None
) -> None:
    response = manager_api.get("reports/pipeline", **params)

    assert response.status_code == status, response.content
    detail = response.json()["detail"]
    if where is None:
        assert isinstance(detail, str) and "987654" in detail
    else:
        assert [problem["loc"] for problem in detail] == [where]


def test_the_csv_file_has_the_json_figures_under_english_headers(manager_api: Any, world: dict[str, Any]) -> None:
    rows = manager_api.get("reports/pipeline").json()

    response = manager_api.get("reports/pipeline", format="csv")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith(
        f'attachment; filename="pipeline-{world["today"].isoformat()}.csv"'
    )
    assert response.content.startswith(b"\xef\xbb\xbf")  # so Excel reads it as UTF-8
    read = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(read[0]) == ["Stage id", "Stage", "Currency", "Open sales", "Amount", "Weighted amount"]
    assert [
        (int(row["Stage id"]), row["Currency"], int(row["Open sales"]), row["Amount"], row["Weighted amount"])
        for row in read
    ] == [
        (
            row["stage_id"],
            row["currency"],
            row["count"],
            f"{row['amount'] / 100:.2f}",
            f"{row['weighted_amount'] / 100:.2f}",
        )
        for row in rows
    ]


def test_the_csv_file_in_dutch_has_dutch_headers_semicolons_and_decimal_commas(
    make_api: Any, manager_user: Any, token_for: Any, world: dict[str, Any]
) -> None:
    dutch = make_api(token_for(manager_user), language="nl")

    response = dutch.get("reports/pipeline", format="csv")

    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[1:3] == ["Fase", "Valuta"]
    assert lines[1].split(";")[1:] == ["Lead", "EUR", "1", "1000,05", "100,01"]


def test_the_xlsx_file_has_the_json_figures_as_numbers_with_currency_formats(
    manager_api: Any, world: dict[str, Any]
) -> None:
    rows = manager_api.get("reports/pipeline").json()

    response = manager_api.get("reports/pipeline", format="xlsx")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert f'filename="pipeline-{world["today"].isoformat()}.xlsx"' in response["Content-Disposition"]
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.title == "Weighted pipeline"
    assert sheet.freeze_panes == "A2"
    header = [cell.value for cell in sheet[1]]
    assert header == ["Stage id", "Stage", "Currency", "Open sales", "Amount", "Weighted amount"]
    assert all(cell.font.bold for cell in sheet[1])
    found = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=2, max_row=1 + len(rows))]
    assert found == [
        [row["stage_id"], row["name"], row["currency"], row["count"], row["amount"] / 100, row["weighted_amount"] / 100]
        for row in rows
    ]
    euro, dollar = sheet.cell(row=2, column=5).number_format, sheet.cell(row=4, column=5).number_format
    assert "€" in euro and "0.00" in euro
    assert "$" in dollar


def test_the_forecast_as_xlsx_equals_its_json(manager_api: Any, world: dict[str, Any]) -> None:
    rows = manager_api.get("reports/forecast").json()

    sheet = openpyxl.load_workbook(io.BytesIO(manager_api.get("reports/forecast", format="xlsx").content)).active

    found = [[cell.value for cell in line] for line in sheet.iter_rows(min_row=2, max_row=1 + len(rows))]
    assert found == [
        [
            row["month"],
            row["currency"],
            row["count"],
            row["amount"] / 100,
            row["weighted_amount"] / 100,
            row["sold_amount"] / 100,
        ]
        for row in rows
    ]


def test_the_openapi_document_shows_each_reports_own_fields(manager_api: Any) -> None:
    document = manager_api.get("openapi.json").json()

    rows = {
        name: document["paths"][f"/api/v1/reports/{name}"]["get"]["responses"]["200"]
        for name in ("pipeline", "forecast")
    }
    schemas = document["components"]["schemas"]
    assert list(schemas["ForecastReportRow"]["properties"]) == [
        "month",
        "currency",
        "count",
        "amount",
        "weighted_amount",
        "sold_amount",
    ]
    assert {"stage_id", "name", "count", "amount", "weighted_amount", "currency"} <= set(
        schemas["PipelineReportRow"]["properties"]
    )
    assert {"application/json", "text/csv; charset=utf-8"} <= set(rows["pipeline"]["content"])


def test_a_report_needs_a_login(anonymous_api: Any) -> None:
    assert anonymous_api.get("reports/pipeline").status_code == 401


@pytest.mark.parametrize("name", ["funnel", "calibration", "adherence"])
def test_a_report_per_sale_type_without_one_is_refused_with_the_parameter_named(manager_api: Any, name: str) -> None:
    response = manager_api.get(f"reports/{name}")

    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["query", "sale_type"], "msg": "Choose a sale type: this report is per sale type."}
    ]
