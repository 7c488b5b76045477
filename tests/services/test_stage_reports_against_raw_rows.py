"""The funnel, calibration and adherence reports give what counting the rows by hand gives.

Hypothesis generates sale histories by the rules of selling — moves forwards, backwards and to a stage taken out
of the type, probability changes, closing, stalling, reopening, type changes, stage removals, rows at the same
moment and a fraction of a second apart — with follow-ups and documents made from suggestions (of the stage, of
another stage, deleted ones), completed before or after the sale left the stage or not at all. Each report's
read model (one SQL statement with window functions) must equal the plain computation of
``stage_reports_world`` for everyone, for one owner and for a period. Runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st
from stage_reports_world import (
    START,
    ReportWorld,
    SalePlan,
    build_world,
    facts_of,
    plain_adherence,
    plain_calibration,
    plain_funnel,
    sale_plans,
    write_histories,
)

from salesguide.domain import report_maths
from salesguide.models import Sale, User
from salesguide.queries.guides import live_stages
from salesguide.queries.reports.adherence import adherence_report, items_per_stage
from salesguide.queries.reports.calibration import calibration_report
from salesguide.queries.reports.funnel import funnel_report
from salesguide.queries.reports.stage_history import period_bounds
from salesguide.queries.reports.table import ReportFilters

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 6, 1, 12, 0, tzinfo=dt.UTC)
PERIODS = st.one_of(
    st.just((None, None)),
    st.tuples(
        st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
        st.one_of(st.none(), st.integers(min_value=0, max_value=60)),
    ).map(
        lambda days: tuple(None if d is None else START.date() + dt.timedelta(days=d) for d in days)  # type: ignore[return-value]
    ),
)


@pytest.fixture
def world(make_user: Any) -> ReportWorld:
    return build_world(make_user)


def _expected_funnel(
    world: ReportWorld, type_id: int, owner_id: int | None, period: tuple[Any, Any]
) -> list[dict[str, Any]]:
    stages = live_stages(type_id)
    start, end = period_bounds(*period, dt.UTC)
    plain = plain_funnel([s.stage_id for s in stages], facts_of(type_id, owner_id), start, end)
    rows = []
    for index, stage in enumerate(stages):
        counts = plain[stage.stage_id]
        median, p90 = report_maths.median_and_p90(counts["days"])
        rows.append(
            {
                "stage_id": stage.stage_id,
                "reached": counts["reached"],
                "advanced": counts["advanced"],
                "sold": counts["sold"],
                "lost_here": counts["lost_here"],
                "visits": sum(counts["days"].values()),
                "median_days": median,
                "p90_days": p90,
                "to_next_percent": None
                if index == len(stages) - 1
                else report_maths.share(counts["advanced"], counts["reached"]),
                "to_sold_percent": report_maths.share(counts["sold"], counts["reached"]),
            }
        )
    return rows


def _expected_calibration(type_id: int, owner_id: int | None, period: tuple[Any, Any]) -> list[dict[str, Any]]:
    stages = live_stages(type_id)
    start, end = period_bounds(*period, dt.UTC)
    plain = plain_calibration([s.stage_id for s in stages], facts_of(type_id, owner_id), start, end)
    return [
        {
            "stage_id": s.stage_id,
            "configured": s.probability,
            "closed_sales": plain[s.stage_id][0],
            "observed": report_maths.share(plain[s.stage_id][1], plain[s.stage_id][0]),
        }
        for s in stages
    ]


def _expected_adherence(
    type_id: int, owner_id: int | None, period: tuple[Any, Any], *, per_owner: bool = True
) -> list[tuple[Any, ...]]:
    """(stage, owner or None, figures) in the stage order, then by owner name."""
    stages = live_stages(type_id)
    start, end = period_bounds(*period, dt.UTC)
    items = items_per_stage(type_id)
    groups = plain_adherence(type_id, [s.stage_id for s in stages], facts_of(type_id, owner_id), start, end)
    merged: dict[tuple[int, int | None], list[report_maths.LeftSales]] = defaultdict(list)
    for (stage_id, owner), left in groups.items():
        merged[stage_id, owner if per_owner else None] += left
    names = {user.pk: user.get_full_name() for user in User.objects.all()}
    order = {s.stage_id: i for i, s in enumerate(stages)}
    rows = sorted(merged.items(), key=lambda item: (order[item[0][0]], names.get(item[0][1] or 0, "")))
    return [
        (stage_id, owner, report_maths.adherence(items.get(stage_id, (0, 0))[0], left, items.get(stage_id, (0, 0))[1]))
        for (stage_id, owner), left in rows
    ]


def _sorted_adherence(rows: list[dict[str, Any]]) -> list[tuple[Any, ...]]:
    return [
        (
            row["stage_id"],
            row.get("owner_id"),
            report_maths.Adherence(
                row["sales"],
                row["items_suggested"],
                row["items_done"],
                row["adherence"],
                row["closed_with"],
                row["win_rate_with"],
                row["closed_without"],
                row["win_rate_without"],
                row["required_suggested"],
                row["required_done"],
                row["required_adherence"],
            ),
        )
        for row in rows
    ]


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(plans=sale_plans(), owner_pick=st.one_of(st.none(), st.integers(0, 2)), period=PERIODS, on_beta=st.booleans())
def test_the_three_reports_equal_the_rows_counted_by_hand_when_histories_are_generated(
    world: ReportWorld, plans: list[SalePlan], owner_pick: int | None, period: tuple[Any, Any], on_beta: bool
) -> None:
    Sale.objects.all().delete()  # each example starts without sales
    write_histories(world, plans)
    type_id = world.beta if on_beta else world.alpha
    owner_id = None if owner_pick is None else world.owners[owner_pick].pk
    filters = ReportFilters(sale_type=type_id, owner=owner_id, date_from=period[0], date_to=period[1])
    viewer = world.admin

    funnel = funnel_report(viewer, filters, now=NOW)
    assert [{k: row[k] for k in _expected_funnel(world, type_id, owner_id, period)[0]} for row in funnel.rows] == (
        _expected_funnel(world, type_id, owner_id, period)
    )

    calibration = calibration_report(viewer, filters, now=NOW)
    assert [
        {k: row[k] for k in ("stage_id", "configured", "closed_sales", "observed")} for row in calibration.rows
    ] == _expected_calibration(type_id, owner_id, period)

    adherence = adherence_report(viewer, filters, now=NOW, group="owner")
    assert _sorted_adherence(adherence.rows) == _expected_adherence(type_id, owner_id, period)
    per_stage = adherence_report(viewer, filters, now=NOW, group="stage")
    assert _sorted_adherence(per_stage.rows) == _expected_adherence(type_id, owner_id, period, per_owner=False)
    # What the examples reached (pytest --hypothesis-show-statistics).
    for what, seen in [
        ("went on", any(row["advanced"] for row in funnel.rows)),
        ("lost here", any(row["lost_here"] for row in funnel.rows)),
        ("a median", any(row["median_days"] for row in funnel.rows)),
        ("sold of closed", any(row["observed"] for row in calibration.rows)),
        ("items done", any(row["items_done"] for row in adherence.rows)),
        ("required items done", any(row["required_done"] for row in adherence.rows)),
        ("closed with every item", any(row["closed_with"] for row in adherence.rows)),
    ]:
        event(f"{what}: {seen}")
