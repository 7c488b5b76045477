"""The kept pipeline totals (decision 0007) always equal the open sales aggregated directly, whatever sequence of
changes the sale services make: created, moved, re-weighted, handed over, re-priced, closed, stalled, reopened,
re-typed, deleted, and moved by a stage's removal. Runs on SQLite and on PostgreSQL with the rest of the suite."""

from __future__ import annotations

import contextlib
import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesguide.domain.errors import DomainError
from salesguide.domain.money import weighted_amount
from salesguide.models import Sale
from salesguide.queries.pipeline_totals import open_sale_totals, pipeline_totals
from salesguide.services import catalog, sale_lines, sale_types, sales
from salesguide.services import pipeline_totals as kept

pytestmark = pytest.mark.django_db

OPERATIONS = (
    "create",
    "move",
    "probability",
    "owner",
    "amount",
    "currency",
    "lines",
    "sold",
    "lost",
    "stall",
    "reopen",
    "retype",
    "delete",
)


@pytest.fixture
def pipeline(admin_user: Any, make_user: Any) -> dict[str, Any]:
    stages = [
        catalog.create_stage(admin_user, name=f"Stage {n}", probability=p) for n, p in enumerate((10, 33, 67, 95))
    ]
    first = sale_types.create_sale_type(admin_user, name="First", stage_ids=[s.pk for s in stages[:3]])
    second = sale_types.create_sale_type(
        admin_user, name="Second", stage_ids=[s.pk for s in stages[1:]], probability_policy="keep_manual"
    )
    owners = [admin_user, make_user("ann", "salesperson"), make_user("bob", "manager")]
    return {"admin": admin_user, "stages": stages, "types": [first, second], "owners": owners}


def _as_table(totals: list[Any]) -> dict[tuple[Any, ...], tuple[int, int, int]]:
    return {
        (t.sale_type_id, t.stage_id, t.owner_id, t.currency): (t.count, t.amount, t.weighted_amount) for t in totals
    }


def _by_hand() -> dict[tuple[Any, ...], tuple[int, int, int]]:
    """The open sales summed in Python with the domain's rounding."""
    table: dict[tuple[Any, ...], list[int]] = defaultdict(lambda: [0, 0, 0])
    for sale in Sale.objects.filter(status="open", stage__isnull=False):
        group = table[(sale.sale_type_id, sale.stage_id, sale.owner_id, sale.currency)]
        group[0] += 1
        group[1] += sale.amount
        group[2] += weighted_amount(sale.amount, sale.probability)
    return {key: (n, amount, weighted) for key, (n, amount, weighted) in table.items()}


def _apply(world: dict[str, Any], operation: str, pick: int, value: int) -> None:
    admin = world["admin"]
    existing = list(Sale.objects.order_by("id").values_list("id", flat=True))
    if operation == "create" or not existing:
        sale_type = world["types"][pick % 2]
        sales.create_sale(
            admin,
            title=f"Sale {value}",
            sale_type_id=sale_type.pk,
            owner_id=world["owners"][value % 3].pk,
            amount=value * 37 % 100_000,
            currency=("EUR", "USD")[value % 2],
        )
        return
    sale_id = existing[pick % len(existing)]
    version = Sale.objects.get(pk=sale_id).version
    stages = world["stages"]
    calls = {
        "move": lambda: sales.move_sale_to_stage(admin, sale_id, stages[value % 4].pk, version=version),
        "probability": lambda: sales.set_sale_probability(admin, sale_id, value % 101, version=version),
        "owner": lambda: sales.update_sale(admin, sale_id, version=version, owner_id=world["owners"][value % 3].pk),
        "amount": lambda: sales.update_sale(admin, sale_id, version=version, amount=value * 7919 % 10_000_000),
        "currency": lambda: sales.update_sale(
            admin, sale_id, version=version, currency=("EUR", "USD", "GBP")[value % 3]
        ),
        "lines": lambda: sale_lines.replace_sale_lines(
            admin, sale_id, [{"description": "Work", "quantity": "1.5", "unit_price": value * 13}], version=version
        ),
        "sold": lambda: sales.close_sale_as_sold(admin, sale_id, version=version),
        "lost": lambda: sales.close_sale_as_lost(admin, sale_id, version=version),
        "stall": lambda: sales.stall_sale(
            admin, sale_id, reopen_date=dt.datetime.now(dt.UTC).date() + dt.timedelta(days=30), version=version
        ),
        "reopen": lambda: sales.reopen_sale(admin, sale_id, version=version),
        "retype": lambda: sales.change_sale_type(admin, sale_id, world["types"][value % 2].pk, version=version),
        "delete": lambda: sales.delete_sale(admin, sale_id, version=version),
    }
    # A refused change must leave the totals as they were, which the comparison checks too.
    with contextlib.suppress(DomainError):
        calls[operation]()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    steps=st.lists(
        st.tuples(st.sampled_from(OPERATIONS), st.integers(0, 50), st.integers(0, 10**6)), min_size=1, max_size=25
    )
)
def test_kept_totals_equal_the_open_sales_after_any_sequence_of_changes(
    pipeline: dict[str, Any], steps: list[tuple[str, int, int]]
) -> None:
    for operation, pick, value in steps:
        _apply(pipeline, operation, pick, value)

    by_everything = ("sale_type", "stage", "owner")
    kept_totals = _as_table(pipeline_totals(by=by_everything))
    assert kept_totals == _as_table(open_sale_totals(Sale.objects.all(), by=by_everything))
    assert kept_totals == _by_hand()


def test_removing_a_stage_moves_its_open_sales_share_to_the_next_stage(pipeline: dict[str, Any]) -> None:
    admin, stages, first = pipeline["admin"], pipeline["stages"], pipeline["types"][0]
    sale = sales.create_sale(admin, title="Laptops", sale_type_id=first.pk, amount=10_001)
    sales.move_sale_to_stage(admin, sale.pk, stages[1].pk)

    catalog.delete_stage(admin, stages[1].pk)

    [moved] = pipeline_totals(sale_type_id=first.pk)
    assert (moved.stage_id, moved.count, moved.amount) == (stages[2].pk, 1, 10_001)
    assert moved.weighted_amount == weighted_amount(10_001, stages[2].probability) == 6_701


def test_rebuilding_gives_the_totals_the_services_kept(pipeline: dict[str, Any]) -> None:
    admin, first = pipeline["admin"], pipeline["types"][0]
    for amount in (1_005, 2_015, 333):
        sales.create_sale(admin, title="Chairs", sale_type_id=first.pk, amount=amount)
    before = pipeline_totals(by=("sale_type", "stage", "owner"))

    kept.rebuild_pipeline_totals()

    assert pipeline_totals(by=("sale_type", "stage", "owner")) == before
    assert [(t.count, t.amount, t.weighted_amount) for t in before] == [(3, 3_353, 101 + 202 + 33)]


def test_reading_the_board_totals_is_one_query_whatever_the_number_of_sales(pipeline: dict[str, Any]) -> None:
    admin, first = pipeline["admin"], pipeline["types"][0]
    sales.create_sale(admin, title="One", sale_type_id=first.pk, amount=100)
    with CaptureQueriesContext(connection) as few:
        pipeline_totals(sale_type_id=first.pk)
    for n in range(20):
        sales.create_sale(admin, title=f"More {n}", sale_type_id=first.pk, amount=n)
    with CaptureQueriesContext(connection) as many:
        pipeline_totals(sale_type_id=first.pk)
    assert len(few) == len(many) == 1
