"""The lines of a sale through the API: GET and PUT /api/v1/sales/{id}/lines, the amount that follows them, the
field problems, the version, who may change them, and what the OpenAPI document says."""

from __future__ import annotations

from typing import Any

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale_type(make_sale_type: Any) -> dict[str, Any]:
    return make_sale_type("New customer")


@pytest.fixture
def sale(salesperson_api: Any, sale_type: dict[str, Any]) -> dict[str, Any]:
    """A salesperson's sale of 500.00 EUR, without lines."""
    response = salesperson_api.post(
        "sales", {"title": "Acme website", "sale_type_id": sale_type["id"], "amount": 50_000, "currency": "EUR"}
    )
    assert response.status_code == 201, response.content
    return response.json()


def put(client: Any, path: str, body: Any) -> Any:
    return client._send("put", path, body)


def lines_of(sale: dict[str, Any]) -> str:
    return f"sales/{sale['id']}/lines"


def test_a_sale_without_lines_answers_an_empty_list_with_its_amount(salesperson_api: Any, sale: dict[str, Any]) -> None:
    response = salesperson_api.get(lines_of(sale))
    assert response.status_code == 200
    assert response.json() == {"lines": [], "amount": 50_000, "currency": "EUR", "version": sale["version"]}


def test_putting_lines_stores_them_in_order_and_the_sale_shows_their_total(
    salesperson_api: Any, sale: dict[str, Any]
) -> None:
    # Given a sale of 500.00
    # When its owner puts two lines, one quantity as a number and one as a string
    response = put(
        salesperson_api,
        lines_of(sale),
        {
            "version": sale["version"],
            "lines": [
                {"description": "Design", "quantity": 2.5, "unit_price": 8_000},
                {"description": "Hosting", "quantity": "12", "unit_price": 1_499},
            ],
        },
    )
    # Then the answer lists them with string quantities and their totals, the new amount and version
    assert response.status_code == 200, response.content
    body = response.json()
    assert [(line["description"], line["quantity"], line["unit_price"], line["total"]) for line in body["lines"]] == [
        ("Design", "2.50", 8_000, 20_000),
        ("Hosting", "12.00", 1_499, 17_988),
    ]
    assert all(isinstance(line["id"], int) for line in body["lines"])
    assert (body["amount"], body["currency"], body["version"]) == (37_988, "EUR", sale["version"] + 1)
    # And reading them again, and reading the sale, agree
    assert salesperson_api.get(lines_of(sale)).json() == body
    assert salesperson_api.get(f"sales/{sale['id']}").json()["amount"] == 37_988


def test_wrong_lines_answer_422_naming_each_field_and_change_nothing(
    salesperson_api: Any, sale: dict[str, Any]
) -> None:
    # When a PUT has an empty description, a quantity with three decimals and a negative price
    response = put(
        salesperson_api,
        lines_of(sale),
        {
            "version": sale["version"],
            "lines": [
                {"description": "Fine", "quantity": 1, "unit_price": 100},
                {"description": " ", "quantity": "1.125", "unit_price": -5},
            ],
        },
    )
    # Then every problem is listed at its place in the body
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "lines", 1, "description"], "msg": "Describe what this line offers."},
        {"loc": ["body", "lines", 1, "quantity"], "msg": "Use at most two decimals."},
        {"loc": ["body", "lines", 1, "unit_price"], "msg": "The unit price cannot be negative."},
    ]
    # And nothing changed
    assert salesperson_api.get(lines_of(sale)).json()["lines"] == []


@pytest.mark.parametrize(
    ("bad_line", "field", "message"),
    [
        ({"description": "A", "quantity": 0, "unit_price": 1}, "quantity", "The quantity must be more than 0."),
        ({"description": "A", "quantity": -2, "unit_price": 1}, "quantity", "The quantity must be more than 0."),
        (
            {"description": "A", "quantity": "lots", "unit_price": 1},
            "quantity",
            "Enter a quantity such as 1, 2.5 or 12.75.",
        ),
        (
            {"description": "A", "quantity": True, "unit_price": 1},
            "quantity",
            "Enter a quantity such as 1, 2.5 or 12.75.",
        ),
        (
            {"description": "A", "quantity": None, "unit_price": 1},
            "quantity",
            "Enter a quantity such as 1, 2.5 or 12.75.",
        ),
        ({"description": "A", "quantity": 1, "unit_price": "cheap"}, "unit_price", "Enter a whole number."),
        ({"description": "A", "quantity": 1}, "unit_price", "This field is required."),
    ],
)
def test_a_quantity_or_price_that_is_not_one_answers_422_at_its_field(
    salesperson_api: Any, sale: dict[str, Any], bad_line: dict[str, Any], field: str, message: str
) -> None:
    response = put(salesperson_api, lines_of(sale), {"version": sale["version"], "lines": [bad_line]})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "lines", 0, field], "msg": message}]


def test_more_than_two_hundred_lines_answer_422(salesperson_api: Any, sale: dict[str, Any]) -> None:
    many = [{"description": "Item", "quantity": 1, "unit_price": 1}] * 201
    response = put(salesperson_api, lines_of(sale), {"version": sale["version"], "lines": many})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "lines"], "msg": "A sale can have at most 200 lines."}]


def test_lines_with_a_stale_version_answer_409(salesperson_api: Any, sale: dict[str, Any]) -> None:
    # Given the sale was changed after it was read
    changed = salesperson_api.patch(f"sales/{sale['id']}", {"version": sale["version"], "title": "Acme shop"})
    assert changed.status_code == 200
    # When lines are put with the version read before
    response = put(
        salesperson_api,
        lines_of(sale),
        {"version": sale["version"], "lines": [{"description": "Design", "quantity": 1, "unit_price": 100}]},
    )
    # Then the answer is 409 with a sentence, and nothing changed
    assert response.status_code == 409
    assert "Someone else changed this sale meanwhile" in response.json()["detail"]
    assert salesperson_api.get(lines_of(sale)).json()["lines"] == []


def test_lines_without_a_version_answer_422(salesperson_api: Any, sale: dict[str, Any]) -> None:
    response = put(salesperson_api, lines_of(sale), {"lines": []})
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "version"], "msg": "This field is required."}]


def test_another_salesperson_reads_the_lines_but_cannot_change_them(
    sale: dict[str, Any], make_user: Any, token_for: Any, make_api: Any, manager_api: Any
) -> None:
    other = make_api(token_for(make_user("other", "salesperson")))
    assert other.get(lines_of(sale)).status_code == 200
    body = {"version": sale["version"], "lines": [{"description": "Design", "quantity": 1, "unit_price": 100}]}
    assert put(other, lines_of(sale), body).status_code == 403
    assert put(manager_api, lines_of(sale), body).status_code == 200


def test_an_unknown_sale_answers_404_and_no_login_answers_401(api: Any, anonymous_api: Any) -> None:
    assert api.get("sales/999999/lines").status_code == 404
    assert put(api, "sales/999999/lines", {"version": 1, "lines": []}).status_code == 404
    assert anonymous_api.get("sales/1/lines").status_code == 401


def test_patching_the_amount_of_a_sale_with_lines_answers_422_until_the_lines_are_gone(
    salesperson_api: Any, sale: dict[str, Any]
) -> None:
    # Given a sale with one line of 100.00
    with_lines = put(
        salesperson_api,
        lines_of(sale),
        {"version": sale["version"], "lines": [{"description": "Design", "quantity": 1, "unit_price": 10_000}]},
    ).json()
    # When its amount is patched to 999.00
    refused = salesperson_api.patch(f"sales/{sale['id']}", {"version": with_lines["version"], "amount": 99_900})
    # Then it is refused at the amount
    assert refused.status_code == 422
    [problem] = refused.json()["detail"]
    assert problem["loc"] == ["body", "amount"]
    assert problem["msg"].startswith("This sale has lines, so its amount is their total.")
    # When every line is removed, the amount stays and can be patched again
    emptied = put(salesperson_api, lines_of(sale), {"version": with_lines["version"], "lines": []}).json()
    assert (emptied["lines"], emptied["amount"]) == ([], 10_000)
    patched = salesperson_api.patch(f"sales/{sale['id']}", {"version": emptied["version"], "amount": 99_900})
    assert patched.status_code == 200
    assert patched.json()["amount"] == 99_900


def test_the_openapi_document_describes_both_operations_and_their_answers(anonymous_api: Any) -> None:
    paths = anonymous_api.get("openapi.json").json()["paths"]["/api/v1/sales/{id}/lines"]
    assert {str(code) for code in paths["get"]["responses"]} == {"200", "401", "404", "429"}
    assert {str(code) for code in paths["put"]["responses"]} == {
        "200",
        "400",
        "401",
        "403",
        "404",
        "409",
        "413",
        "422",
        "429",
    }
