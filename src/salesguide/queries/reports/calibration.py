"""Probability calibration of one sale type (SPEC 4.5): per live stage, its configured probability beside the
share of the closed sales that reached it and were sold in the end, with the number of closed sales behind that
share and a warning when they are fewer than ``domain.report_maths.MIN_CLOSED_SAMPLE``.

Closed means sold or lost now (an open, stalled or reopened sale has no outcome yet). "Reached" is
``stage_history``'s word. An administrator adopts an observed share through ``services.catalog.update_stage``
(``domain.report_maths.adoptable_probability`` gives the whole percentage), like any change of a stage.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext_noop

from salesguide.domain import report_maths
from salesguide.domain.errors import Message
from salesguide.models import User
from salesguide.queries.guides import live_stages
from salesguide.queries.reports.stage_history import Scope, calibration_counts, calibration_sql, scope_of
from salesguide.queries.reports.table import Column, ReportFilters, ReportTable

NAME = "calibration"

COLUMNS: tuple[Column, ...] = (
    Column("stage_id", gettext_noop("Stage id"), "id"),
    Column("name", gettext_noop("Stage"), "text"),
    Column("configured", gettext_noop("Configured probability"), "percent"),
    Column("observed", gettext_noop("Observed: sold of closed"), "percent"),
    Column("closed_sales", gettext_noop("Closed sales"), "int"),
    Column("sold", gettext_noop("Sold"), "int"),
    Column("small_sample", gettext_noop("Too few closed sales"), "bool"),
)

CHOOSE_SALE_TYPE = Message(gettext_noop("Choose a sale type to see its calibration."))


def small_sample_note() -> Message:
    return Message(
        gettext_noop(
            "Fewer than %(minimum)s closed sales are behind some observed shares: too few to judge by. "
            "Those rows are marked."
        ),
        {"minimum": report_maths.MIN_CLOSED_SAMPLE},
    )


def calibration_report(viewer: User, filters: ReportFilters, *, now: dt.datetime) -> ReportTable:
    """Two queries: the type's live stages, then one statement for the counts."""
    scope = scope_of(filters, now)
    if scope is None:
        return ReportTable(NAME, COLUMNS, [], [CHOOSE_SALE_TYPE])
    stages = live_stages(scope.sale_type_id)
    counts = calibration_counts(scope, stages)
    rows: list[dict[str, Any]] = []
    for stage in stages:
        closed, sold = counts.get(stage.stage_id, (0, 0))
        rows.append(
            {
                "stage_id": stage.stage_id,
                "name": stage.name,
                "configured": stage.probability,
                "observed": report_maths.share(sold, closed),
                "closed_sales": closed,
                "sold": sold,
                "small_sample": report_maths.sample_is_small(closed),
            }
        )
    notes = [small_sample_note()] if any(row["small_sample"] for row in rows) else []
    return ReportTable(NAME, COLUMNS, rows, notes)


def floor_sql(sale_type_id: int) -> list[tuple[str, list[Any]]]:
    """The raw SQL of the same question for everyone and every period, for the benchmark's floor."""
    return [calibration_sql(Scope(sale_type_id), live_stages(sale_type_id))]
