"""The pipeline and forecast reports (SPEC 4.2, 4.3) equal the sales summed by hand, with the domain's rounding
per sale and per currency, whatever sales the services made and whatever filters are asked; and they count the
sales the viewer's role lets them see. Runs on SQLite and on PostgreSQL with the rest of the suite."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesguide.domain.errors import NotFound, ValidationFailed
from salesguide.domain.money import weighted_amount
from salesguide.models import Sale
from salesguide.queries.reports import catalogue
from salesguide.queries.reports.forecast import default_period, forecast_report
from salesguide.queries.reports.pipeline import pipeline_report
from salesguide.queries.reports.table import ReportFilters
from salesguide.services import catalog, sale_types, sales

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("Europe/Amsterdam"))
TODAY = NOW.date()


@pytest.fixture
def world(admin_user: Any, make_user: Any) -> dict[str, Any]:
    stages = [catalog.create_stage(admin_user, name=f"Step {n}", probability=p) for n, p in enumerate((10, 33, 67))]
    first = sale_types.create_sale_type(admin_user, name="First", stage_ids=[s.pk for s in stages])
    second = sale_types.create_sale_type(admin_user, name="Second", stage_ids=[s.pk for s in reversed(stages[1:])])
    owners = [admin_user, make_user("ann", "salesperson"), make_user("bob", "manager")]
    return {"admin": admin_user, "stages": stages, "types": [first, second], "owners": owners}


def make_sale(world: dict[str, Any], spec: tuple[int, int, int, str, int, int | None, int, str, int]) -> None:
    """One sale through the services: type, owner, amount, currency, stage moves, manual probability, expected
    date (days from today), and its end (open, sold, lost or stalled) on a closed date (days from today)."""
    kind, owner, amount, currency, moves, probability, expected, end, closed = spec
    admin = world["admin"]
    sale_type = world["types"][kind]
    sale = sales.create_sale(
        admin,
        title="Sale",
        sale_type_id=sale_type.pk,
        owner_id=world["owners"][owner].pk,
        amount=amount,
        currency=currency,
        expected_date=TODAY + dt.timedelta(days=expected),
    )
    links = list(sale_type.links.filter(removed=False).order_by("rank").values_list("stage_id", flat=True))
    if moves:
        sale = sales.move_sale_to_stage(admin, sale.pk, links[moves % len(links)])
    if probability is not None:
        sale = sales.set_sale_probability(admin, sale.pk, probability)
    day = TODAY + dt.timedelta(days=closed)
    if end == "sold":
        sales.close_sale_as_sold(admin, sale.pk, date=day)
    elif end == "lost":
        sales.close_sale_as_lost(admin, sale.pk, date=day)
    elif end == "stalled":
        sales.stall_sale(admin, sale.pk, reopen_date=TODAY + dt.timedelta(days=400))


SALES = st.lists(
    st.tuples(
        st.integers(0, 1),
        st.integers(0, 2),
        st.integers(0, 10**9),
        st.sampled_from(("EUR", "USD")),
        st.integers(0, 3),
        st.none() | st.integers(0, 100),
        st.integers(-200, 500),
        st.sampled_from(("open", "open", "sold", "lost", "stalled")),
        st.integers(-150, 0),
    ),
    min_size=0,
    max_size=12,
)
PERIOD = st.none() | st.tuples(st.integers(-200, 400), st.integers(0, 300))


def _filters(world: dict[str, Any], kind: int | None, owner: int | None, period: Any) -> ReportFilters:
    first = last = None
    if period is not None:
        first = TODAY + dt.timedelta(days=period[0])
        last = first + dt.timedelta(days=period[1])
    return ReportFilters(
        sale_type=None if kind is None else world["types"][kind].pk,
        owner=None if owner is None else world["owners"][owner].pk,
        date_from=first,
        date_to=last,
    )


def _matching(filters: ReportFilters, status: str) -> list[Sale]:
    queryset = Sale.objects.filter(status=status)
    if filters.sale_type is not None:
        queryset = queryset.filter(sale_type_id=filters.sale_type)
    if filters.owner is not None:
        queryset = queryset.filter(owner_id=filters.owner)
    return list(queryset)


def pipeline_by_hand(filters: ReportFilters, group: str) -> dict[tuple[Any, str], tuple[int, int, int]]:
    table: dict[tuple[Any, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for sale in _matching(filters, "open"):
        if filters.date_from is not None and (sale.expected_date is None or sale.expected_date < filters.date_from):
            continue
        if filters.date_to is not None and (sale.expected_date is None or sale.expected_date > filters.date_to):
            continue
        key = sale.expected_date.strftime("%Y-%m") if group == "month" else getattr(sale, f"{group}_id")
        figures = table[(key, sale.currency)]
        figures[0] += 1
        figures[1] += sale.amount
        figures[2] += weighted_amount(sale.amount, sale.probability)
    return {key: (n, amount, weighted) for key, (n, amount, weighted) in table.items()}


def forecast_by_hand(filters: ReportFilters) -> dict[tuple[str, str], tuple[int, int, int, int]]:
    first_default, last_default = default_period(TODAY)
    first, last = filters.date_from or first_default, filters.date_to or last_default
    table: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for sale in _matching(filters, "open"):
        if sale.expected_date is not None and first <= sale.expected_date <= last:
            figures = table[(sale.expected_date.strftime("%Y-%m"), sale.currency)]
            figures[0] += 1
            figures[1] += sale.amount
            figures[2] += weighted_amount(sale.amount, sale.probability)
    for sale in _matching(filters, "sold"):
        if sale.closed_date is not None and first <= sale.closed_date <= last:
            table[(sale.closed_date.strftime("%Y-%m"), sale.currency)][3] += sale.amount
    return {key: (a, b, c, d) for key, (a, b, c, d) in table.items()}


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    made=SALES,
    kind=st.none() | st.integers(0, 1),
    owner=st.none() | st.integers(0, 2),
    period=PERIOD,
    group=st.sampled_from(("stage", "sale_type", "owner", "month")),
)
def test_pipeline_report_equals_the_open_sales_summed_by_hand_per_currency(
    world: dict[str, Any], made: list[Any], kind: int | None, owner: int | None, period: Any, group: str
) -> None:
    for spec in made:
        make_sale(world, spec)
    filters = _filters(world, kind, owner, period)

    table = pipeline_report(world["admin"], filters, now=NOW, group=group)

    key = table.columns[0].key
    shown = {(row[key], row["currency"]): (row["count"], row["amount"], row["weighted_amount"]) for row in table.rows}
    assert shown == pipeline_by_hand(filters, group)
    assert len(shown) == len(table.rows)  # one row per group and currency: never added across currencies


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=SALES, kind=st.none() | st.integers(0, 1), owner=st.none() | st.integers(0, 2), period=PERIOD)
def test_forecast_equals_open_sales_by_expected_month_and_sold_by_closed_month_summed_by_hand(
    world: dict[str, Any], made: list[Any], kind: int | None, owner: int | None, period: Any
) -> None:
    for spec in made:
        make_sale(world, spec)
    filters = _filters(world, kind, owner, period)

    table = forecast_report(world["admin"], filters, now=NOW)

    shown = {
        (row["month"], row["currency"]): (row["count"], row["amount"], row["weighted_amount"], row["sold_amount"])
        for row in table.rows
    }
    with_figures = {key: figures for key, figures in shown.items() if any(figures)}
    assert with_figures == {key: figures for key, figures in forecast_by_hand(filters).items() if any(figures)}
    assert len(shown) == len(table.rows)


def test_forecast_shows_every_month_from_three_months_ago_to_twelve_ahead_when_no_period_is_given(
    world: dict[str, Any],
) -> None:
    make_sale(world, (0, 0, 100_00, "EUR", 0, None, 10, "open", 0))

    table = forecast_report(world["admin"], ReportFilters(), now=NOW)

    months = [row["month"] for row in table.rows]
    assert months[0] == "2026-03" and months[-1] == "2027-06" and len(months) == 16
    assert [row for row in table.rows if row["count"]] == [
        {
            "month": "2026-06",
            "currency": "EUR",
            "count": 1,
            "amount": 100_00,
            "weighted_amount": 10_00,
            "sold_amount": 0,
        }
    ]


def test_pipeline_by_stage_follows_the_sale_types_order_of_stages_and_names_them(world: dict[str, Any]) -> None:
    second = world["types"][1]
    for moves in (0, 1):
        make_sale(world, (1, 0, 1_000, "EUR", moves, None, 10, "open", 0))

    table = pipeline_report(world["admin"], ReportFilters(sale_type=second.pk), now=NOW, group="stage")

    assert [row["name"] for row in table.rows] == ["Step 2", "Step 1"]
    assert [column.key for column in table.columns] == [
        "stage_id",
        "name",
        "currency",
        "count",
        "amount",
        "weighted_amount",
    ]


def test_pipeline_without_a_period_reads_the_kept_totals_in_the_same_queries_whatever_the_number_of_sales(
    world: dict[str, Any],
) -> None:
    make_sale(world, (0, 0, 1_000, "EUR", 0, None, 10, "open", 0))
    with CaptureQueriesContext(connection) as few:
        pipeline_report(world["admin"], ReportFilters(), now=NOW)
    for n in range(15):
        make_sale(world, (n % 2, n % 3, n * 1_000, ("EUR", "USD")[n % 2], n, None, n, "open", 0))
    with CaptureQueriesContext(connection) as many:
        pipeline_report(world["admin"], ReportFilters(), now=NOW)

    assert len(few) == len(many) == 2  # the totals, and the stages' names
    assert "pipelinetotal" in many.captured_queries[0]["sql"].lower()


# --- whose sales: roles -----------------------------------------------------------------------------------------


def _owners_counted(world: dict[str, Any], viewer: Any, **asked: Any) -> set[int]:
    spec = catalogue.REPORTS["pipeline"]
    table = catalogue.run_report(spec, viewer, now=NOW, group="owner", **asked)
    return {row["owner_id"] for row in table.rows}


def test_a_salesperson_counts_their_own_sales_by_default_and_everyones_when_they_ask_for_the_team(
    world: dict[str, Any],
) -> None:
    for owner in range(3):
        make_sale(world, (0, owner, 500, "EUR", 0, None, 5, "open", 0))
    admin, ann, bob = world["owners"]

    assert _owners_counted(world, ann) == {ann.pk}
    assert _owners_counted(world, ann, team=True) == {admin.pk, ann.pk, bob.pk}
    assert _owners_counted(world, ann, owner=bob.pk) == {bob.pk}


def test_a_manager_and_an_administrator_count_everyones_sales_by_default(world: dict[str, Any]) -> None:
    for owner in range(3):
        make_sale(world, (0, owner, 500, "EUR", 0, None, 5, "open", 0))
    admin, ann, bob = world["owners"]

    assert _owners_counted(world, bob) == {admin.pk, ann.pk, bob.pk}
    assert _owners_counted(world, admin) == {admin.pk, ann.pk, bob.pk}
    assert _owners_counted(world, bob, owner=ann.pk) == {ann.pk}


def test_a_period_that_ends_before_it_starts_or_an_unknown_sale_type_is_refused(world: dict[str, Any]) -> None:
    spec = catalogue.REPORTS["forecast"]
    with pytest.raises(ValidationFailed) as refused:
        catalogue.run_report(spec, world["admin"], now=NOW, date_from=TODAY, date_to=TODAY - dt.timedelta(days=1))
    assert [problem.loc for problem in refused.value.problems] == [("query", "date_to")]
    with pytest.raises(NotFound):
        catalogue.run_report(spec, world["admin"], now=NOW, sale_type=987_654)
    with pytest.raises(NotFound):
        catalogue.run_report(spec, world["admin"], now=NOW, owner=987_654)
