"""What a stage move costs the database through the API (issue 10: at most six statements, also with a
million sales): lock and read the sale with its type, the type's stages, the history row, an UPDATE of only the
changed fields, the pipeline totals' upsert — and the answer read back."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

pytestmark = pytest.mark.django_db


def test_moving_a_sale_through_the_api_takes_at_most_six_statements_besides_authentication(
    api: Any, make_sale_type: Any
) -> None:
    sale_type = make_sale_type("Hardware")
    sale = api.post("sales", {"title": "Forty laptops", "sale_type_id": sale_type["id"], "amount": 120_000}).json()
    target = sale_type["stages"][1]["id"]
    api.get("users/me")  # the token is looked up once per request; measure that on its own

    with CaptureQueriesContext(connection) as doing_nothing:
        api.get("users/me")
    with CaptureQueriesContext(connection) as moving:
        response = api.post(f"sales/{sale['id']}/stage", {"stage_id": target, "version": sale["version"]})

    assert response.status_code == 200, response.content
    assert response.json()["stage_id"] == target
    # The test runs inside a transaction, so the service's own transaction shows as a savepoint; in production it
    # is the connection's BEGIN/COMMIT, which no one counts either.
    statements = [q["sql"] for q in moving.captured_queries if "SAVEPOINT" not in q["sql"]]
    assert len(statements) - len(doing_nothing) <= 6, statements
    assert [s.split()[0] for s in statements[len(doing_nothing) :]] == [
        "SELECT",  # the sale, locked, with its type
        "SELECT",  # the type's live stages
        "INSERT",  # the history row
        "UPDATE",  # only what changed
        "INSERT",  # the pipeline totals' upsert
        "SELECT",  # the sale as the answer shows it
    ]
    assert "title" not in statements[len(doing_nothing) + 3]
