"""Funnel and conversion, lost at stage, and time in stage of one sale type (SPEC 4.4), from stage-change rows.

Per live stage of the type, in its order: how many sales reached it, how many went on to a later stage, how many
were sold in the end, how many were lost while in it, and the median and p90 whole days of its ended visits. The
words (reached, advanced, visit, …) are defined once in ``stage_history``; the arithmetic is
``domain.report_maths``. Time in stage counts only visits that ended (the sale moved on, was closed or stalled):
a sale still open in a stage has no length there yet, and counting it "up to now" would mix unfinished visits
into the figure.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count
from django.utils.translation import gettext_noop

from salesguide.domain import report_maths
from salesguide.domain.errors import Message
from salesguide.models import StageChange, User
from salesguide.queries.guides import live_stages
from salesguide.queries.reports.stage_history import Scope, funnel_counts, funnel_sql, scope_of
from salesguide.queries.reports.table import Column, ReportFilters, ReportTable

NAME = "funnel"

COLUMNS: tuple[Column, ...] = (
    Column("stage_id", gettext_noop("Stage id"), "id"),
    Column("name", gettext_noop("Stage"), "text"),
    Column("reached", gettext_noop("Reached"), "int"),
    Column("advanced", gettext_noop("Went on"), "int"),
    Column("to_next_percent", gettext_noop("On to a later stage"), "percent"),
    Column("sold", gettext_noop("Sold"), "int"),
    Column("to_sold_percent", gettext_noop("On to sold"), "percent"),
    Column("lost_here", gettext_noop("Lost here"), "int"),
    Column("visits", gettext_noop("Ended visits"), "int"),
    Column("median_days", gettext_noop("Median days in stage"), "days"),
    Column("p90_days", gettext_noop("P90 days in stage"), "days"),
    Column("overrides", gettext_noop("Moved on past required items"), "int"),
)

CHOOSE_SALE_TYPE = Message(gettext_noop("Choose a sale type to see its funnel."))
TIME_IN_STAGE = Message(
    gettext_noop(
        "Time in stage counts the visits that ended (the sale moved on, was closed or stalled); "
        "sales still open in a stage are not counted there yet."
    )
)


def override_counts(scope: Scope) -> dict[int, int]:
    """Per stage, how often a manager or administrator moved a sale on (or closed it) past required items not
    done (exit criteria, SPEC 6.3), in the period, of the owner in scope: the history rows with an override
    reason, by the stage they left. One query, on the partial index of those rows."""
    rows = StageChange.objects.filter(
        override_reason__isnull=False, from_stage__isnull=False, sale__sale_type_id=scope.sale_type_id
    )
    if scope.owner_id is not None:
        rows = rows.filter(sale__owner_id=scope.owner_id)
    if scope.entered_from is not None:
        rows = rows.filter(at__gte=scope.entered_from)
    if scope.entered_before is not None:
        rows = rows.filter(at__lt=scope.entered_before)
    counted = rows.order_by().values("from_stage_id").annotate(n=Count("id")).values_list("from_stage_id", "n")
    return {stage_id: n for stage_id, n in counted if stage_id is not None}


def funnel_report(viewer: User, filters: ReportFilters, *, now: dt.datetime) -> ReportTable:
    """Three queries: the type's live stages, one statement for every count, and the overrides per stage."""
    scope = scope_of(filters, now)
    if scope is None:
        return ReportTable(NAME, COLUMNS, [], [CHOOSE_SALE_TYPE])
    stages = live_stages(scope.sale_type_id)
    reach, days = funnel_counts(scope, stages)
    overrides = override_counts(scope)
    rows: list[dict[str, Any]] = []
    for index, stage in enumerate(stages):
        counts = reach.get(stage.stage_id)
        reached = counts.reached if counts else 0
        advanced = counts.advanced if counts else 0
        sold = counts.sold if counts else 0
        median, p90 = report_maths.median_and_p90(days[stage.stage_id])
        last = index == len(stages) - 1
        rows.append(
            {
                "stage_id": stage.stage_id,
                "name": stage.name,
                "reached": reached,
                "advanced": advanced,
                # The last stage has no later stage to go on to.
                "to_next_percent": None if last else report_maths.share(advanced, reached),
                "sold": sold,
                "to_sold_percent": report_maths.share(sold, reached),
                "lost_here": counts.lost_here if counts else 0,
                "visits": sum(days[stage.stage_id].values()),
                "median_days": median,
                "p90_days": p90,
                "overrides": overrides.get(stage.stage_id, 0),
            }
        )
    return ReportTable(NAME, COLUMNS, rows, [TIME_IN_STAGE])


def floor_sql(sale_type_id: int) -> list[tuple[str, list[Any]]]:
    """The raw SQL of the same question for everyone and every period, for the benchmark's floor: the one
    statement the report runs (its stages read beforehand, as the report does)."""
    return [funnel_sql(Scope(sale_type_id), live_stages(sale_type_id))]
