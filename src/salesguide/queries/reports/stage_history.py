"""The SQL the funnel, calibration and adherence reports share: a sale type's stage-change rows read in each
sale's order, with window functions, so a million sales are counted in the database in one pass and only a few
hundred counts come back (the arithmetic on them is ``domain.report_maths``).

The words, decided here once:

- a sale **reached** a stage when any of its rows put it there (created there, moved, reopened, a type change or
  a stage removal landing there); its first such row is when it **entered** the stage, which the period filter
  reads;
- it **advanced** from a stage when a later row (in the sale's order: time, then id) put it in a stage that comes
  later in the sale type's order;
- a **visit** is a run of rows keeping the sale open in the same stage: it starts at the row that made it so and
  ends at the next row that changed the stage or the status (moved, sold, lost, stalled, a stage removal). A visit
  that has not ended — the sale is still open in the stage — has no length yet and is left out of time in stage
  and adherence;
- a sale **left** a stage at the end of its last ended visit there;
- **sold** and **lost** are the sale's status now (a reopened sale is neither), **lost here** that it was lost in
  the stage (its lost row's stage, ``stage_when_closed``).

Only sales whose sale type is the report's now are counted, and only the type's live stages, in its order.

How, cheaply: a row changes the sale's stage or status when its ``from_*`` and ``to_*`` differ (the single writer
records the state before each change), so the rows that start a visit are known without looking at the row
before. One window pass over those rows, in each sale's order, gives each its visit's end (``LEAD``) and the
latest stage still to come (``MAX`` over the following rows). The scope's sales are an ``IN`` list, so SQLite
reads each sale's rows in the order of ``stagechange_sale_at_idx`` and does not sort them for the window. Every
statement is written for both SQLite and PostgreSQL; only the day count differs (``_whole_days_sql``). The
statements are put together from table names and ``%s`` placeholders only; every value is a parameter.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import connection

from salesguide.models import (
    Activity,
    Document,
    Sale,
    SaleTypeStage,
    StageChange,
    SuggestedDocument,
    SuggestedFollowup,
)
from salesguide.models.sales import SaleStatus
from salesguide.queries.guides import LiveStage
from salesguide.queries.reports.table import ReportFilters

SALE = Sale._meta.db_table
CHANGE = StageChange._meta.db_table
ACTIVITY = Activity._meta.db_table
DOCUMENT = Document._meta.db_table
FOLLOWUP = SuggestedFollowup._meta.db_table
SUGGESTED_DOCUMENT = SuggestedDocument._meta.db_table
LINK = SaleTypeStage._meta.db_table

OPEN, SOLD, LOST = SaleStatus.OPEN.value, SaleStatus.SOLD.value, SaleStatus.LOST.value


@dataclass(frozen=True)
class Scope:
    """Which sales and which entries a report counts: the sale type, the owner (None: everyone) and the period
    the sale entered the stage in (either bound None: open)."""

    sale_type_id: int
    owner_id: int | None = None
    entered_from: dt.datetime | None = None
    entered_before: dt.datetime | None = None


def period_bounds(
    date_from: dt.date | None, date_to: dt.date | None, zone: dt.tzinfo | None
) -> tuple[dt.datetime | None, dt.datetime | None]:
    """The first moment of ``date_from`` and the first moment after ``date_to`` on the viewer's wall clock."""
    start = dt.datetime.combine(date_from, dt.time.min, tzinfo=zone) if date_from else None
    end = dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=zone) if date_to else None
    return start, end


def scope_of(filters: ReportFilters, now: dt.datetime) -> Scope | None:
    """The sales and the period a report counts, or None without a sale type. ``filters.owner`` is already the
    owner in scope (``catalogue.run_report`` applies ``report_scope.owner_scope`` for every door)."""
    if filters.sale_type is None:
        return None
    start, end = period_bounds(filters.date_from, filters.date_to, now.tzinfo)
    return Scope(
        sale_type_id=filters.sale_type,
        owner_id=filters.owner,
        entered_from=start,
        entered_before=end,
    )


def _datetime_param(value: dt.datetime) -> Any:
    return connection.ops.adapt_datetimefield_value(value)


def _whole_days_sql(start: str, end: str) -> str:
    """``domain.report_maths.whole_days`` in SQL: whole days between two moments, to the second."""
    if connection.vendor == "postgresql":
        return (
            f"FLOOR((EXTRACT(EPOCH FROM date_trunc('second', {end})) "
            f"- EXTRACT(EPOCH FROM date_trunc('second', {start}))) / 86400)::bigint"
        )
    # SQLite keeps datetimes as text "YYYY-MM-DD HH:MM:SS[.ffffff]"; its date functions round fractions to the
    # millisecond, so the fraction is cut off as text first.
    return (
        f"((CAST(strftime('%%s', substr({end}, 1, 19)) AS INTEGER) "
        f"- CAST(strftime('%%s', substr({start}, 1, 19)) AS INTEGER)) / 86400)"
    )


def _in_list(ids: Sequence[int]) -> tuple[str, list[Any]]:
    return ", ".join(["%s"] * len(ids)), list(ids)


def _position_sql(column: str, stages: Sequence[LiveStage]) -> tuple[str, list[Any]]:
    """The stage's place in the sale type's order (0, 1, …) as a CASE over the few stage ids."""
    whens = " ".join("WHEN %s THEN %s" for _ in stages)
    params: list[Any] = []
    for position, stage in enumerate(stages):
        params += [stage.stage_id, position]
    return f"CASE {column} {whens} END", params


def _sales_sql(scope: Scope) -> tuple[str, list[Any]]:
    """The scope's sales, as a subquery for ``IN``."""
    if scope.owner_id is None:
        return f"SELECT id FROM {SALE} WHERE sale_type_id = %s", [scope.sale_type_id]  # noqa: S608
    return (
        f"SELECT id FROM {SALE} WHERE sale_type_id = %s AND owner_id = %s",  # noqa: S608
        [scope.sale_type_id, scope.owner_id],
    )


def _changes_cte(scope: Scope, stages: Sequence[LiveStage]) -> tuple[str, list[Any]]:
    """``changes``: the rows of the scope's sales that changed the stage or the status (a created row too), each
    with its sale's owner and status now, the end of the state it started (the next such row's moment, NULL when
    it still holds) and the latest place in the type's order any later row reaches (NULL when none)."""
    sales, params = _sales_sql(scope)
    position, position_params = _position_sql("c.to_stage_id", stages)
    sql = f"""changes AS (
        SELECT c.sale_id, c.at, c.to_stage_id AS stage_id, c.to_status AS status,
               s.owner_id, s.status AS sale_status, s.stage_when_closed_id AS closed_stage_id,
               LEAD(c.at) OVER w AS end_at,
               MAX({position}) OVER (w ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING) AS later_pos
        FROM {CHANGE} c JOIN {SALE} s ON s.id = c.sale_id
        WHERE c.sale_id IN ({sales})
          AND (COALESCE(c.to_stage_id, 0) <> COALESCE(c.from_stage_id, 0) OR c.to_status <> c.from_status)
        WINDOW w AS (PARTITION BY c.sale_id ORDER BY c.at, c.id)
    )"""  # noqa: S608
    return sql, position_params + params


def _period_sql(column: str, scope: Scope) -> tuple[str, list[Any]]:
    sql, params = "", []
    if scope.entered_from is not None:
        sql += f" AND {column} >= %s"
        params.append(_datetime_param(scope.entered_from))
    if scope.entered_before is not None:
        sql += f" AND {column} < %s"
        params.append(_datetime_param(scope.entered_before))
    return sql, params


# --- funnel --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class StageReach:
    stage_id: int
    reached: int
    advanced: int
    sold: int
    lost_here: int


def funnel_sql(scope: Scope, stages: Sequence[LiveStage]) -> tuple[str, list[Any]]:
    """One statement: per stage ``('r', stage, reached, advanced, sold, lost_here)`` and, per stage and day count
    of an ended visit, ``('v', stage, days, visits, 0, 0)``."""
    changes, params = _changes_cte(scope, stages)
    ids, id_params = _in_list([s.stage_id for s in stages])
    position, position_params = _position_sql("p.stage_id", stages)
    entered, entered_params = _period_sql("p.first_at", scope)
    started, started_params = _period_sql("at", scope)
    days = _whole_days_sql("at", "end_at")
    sql = f"""WITH {changes},
    reach AS (
        SELECT stage_id, sale_id, MIN(at) AS first_at, MAX(later_pos) AS later_pos,
               MAX(sale_status) AS sale_status, MAX(closed_stage_id) AS closed_stage_id
        FROM changes WHERE stage_id IN ({ids})
        GROUP BY stage_id, sale_id
    )
    SELECT 'r', p.stage_id, COUNT(*),
           SUM(CASE WHEN p.later_pos > {position} THEN 1 ELSE 0 END),
           SUM(CASE WHEN p.sale_status = %s THEN 1 ELSE 0 END),
           SUM(CASE WHEN p.sale_status = %s AND p.closed_stage_id = p.stage_id THEN 1 ELSE 0 END)
    FROM reach p
    WHERE 1 = 1{entered}
    GROUP BY p.stage_id
    UNION ALL
    SELECT 'v', stage_id, days, COUNT(*), 0, 0 FROM (
        SELECT stage_id, {days} AS days FROM changes
        WHERE status = %s AND end_at IS NOT NULL AND stage_id IN ({ids}){started}
    ) ended
    GROUP BY stage_id, days"""  # noqa: S608
    all_params = (
        params + id_params + position_params + [SOLD, LOST] + entered_params + [OPEN] + id_params + started_params
    )
    return sql, all_params


def funnel_counts(scope: Scope, stages: Sequence[LiveStage]) -> tuple[dict[int, StageReach], dict[int, dict[int, int]]]:
    """Per stage its reach, and the day counts of its ended visits ``{stage: {days: visits}}``."""
    reach: dict[int, StageReach] = {}
    days: dict[int, dict[int, int]] = {s.stage_id: {} for s in stages}
    if not stages:
        return reach, days
    sql, params = funnel_sql(scope, stages)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for kind, stage_id, a, b, c, d in cursor.fetchall():
            if kind == "r":
                reach[stage_id] = StageReach(stage_id, int(a), int(b or 0), int(c or 0), int(d or 0))
            else:
                days[stage_id][int(a)] = int(b)
    return reach, days


# --- calibration ---------------------------------------------------------------------------------------------


def calibration_sql(scope: Scope, stages: Sequence[LiveStage]) -> tuple[str, list[Any]]:
    """Per stage: the closed (sold or lost) sales that reached it, and how many of them were sold."""
    ids, id_params = _in_list([s.stage_id for s in stages])
    owner = " AND s.owner_id = %s" if scope.owner_id is not None else ""
    owner_params = [scope.owner_id] if scope.owner_id is not None else []
    entered, entered_params = _period_sql("first_at", scope)
    sql = f"""SELECT stage_id, COUNT(*), SUM(CASE WHEN sale_status = %s THEN 1 ELSE 0 END) FROM (
        SELECT c.sale_id, c.to_stage_id AS stage_id, MIN(c.at) AS first_at, MAX(s.status) AS sale_status
        FROM {SALE} s JOIN {CHANGE} c ON c.sale_id = s.id
        WHERE s.sale_type_id = %s{owner} AND s.status IN (%s, %s) AND c.to_stage_id IN ({ids})
        GROUP BY c.sale_id, c.to_stage_id
    ) reached WHERE 1 = 1{entered}
    GROUP BY stage_id"""  # noqa: S608
    params = [SOLD, scope.sale_type_id, *owner_params, SOLD, LOST, *id_params, *entered_params]
    return sql, params


def calibration_counts(scope: Scope, stages: Sequence[LiveStage]) -> dict[int, tuple[int, int]]:
    """``{stage: (closed sales that reached it, of which sold)}``."""
    if not stages:
        return {}
    sql, params = calibration_sql(scope, stages)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {stage_id: (int(closed), int(sold or 0)) for stage_id, closed, sold in cursor.fetchall()}


# --- adherence -----------------------------------------------------------------------------------------------


def adherence_sql(scope: Scope, stages: Sequence[LiveStage]) -> tuple[str, list[Any]]:
    """Per stage, owner, number of the stage's suggested items done before leaving it and status now: how many
    sales left the stage so. A follow-up counts when an activity made from it on the sale was completed by the
    time the sale left; a document when one was made from it by then."""
    changes, params = _changes_cte(scope, stages)
    ids, id_params = _in_list([s.stage_id for s in stages])
    entered, entered_params = _period_sql("l.first_at", scope)
    sql = f"""WITH {changes},
    left_stage AS (
        SELECT sale_id, stage_id, MIN(at) AS first_at, MAX(end_at) AS left_at,
               MAX(owner_id) AS owner_id, MAX(sale_status) AS sale_status
        FROM changes
        WHERE status = %s AND end_at IS NOT NULL AND stage_id IN ({ids})
        GROUP BY sale_id, stage_id
    ),
    done AS (
        SELECT l.sale_id, l.stage_id, COUNT(DISTINCT a.suggested_followup_id) AS n,
               COUNT(DISTINCT CASE WHEN f.required THEN a.suggested_followup_id END) AS r
        FROM left_stage l
        JOIN {ACTIVITY} a ON a.sale_id = l.sale_id AND a.completed_at <= l.left_at
        JOIN {FOLLOWUP} f ON f.id = a.suggested_followup_id AND f.deleted = %s
        JOIN {LINK} k ON k.id = f.link_id AND k.sale_type_id = %s AND k.stage_id = l.stage_id
        GROUP BY l.sale_id, l.stage_id
        UNION ALL
        SELECT l.sale_id, l.stage_id, COUNT(DISTINCT d.suggested_document_id) AS n,
               COUNT(DISTINCT CASE WHEN g.required THEN d.suggested_document_id END) AS r
        FROM left_stage l
        JOIN {DOCUMENT} d ON d.sale_id = l.sale_id AND d.created_at <= l.left_at
        JOIN {SUGGESTED_DOCUMENT} g ON g.id = d.suggested_document_id AND g.deleted = %s
        JOIN {LINK} k ON k.id = g.link_id AND k.sale_type_id = %s AND k.stage_id = l.stage_id
        GROUP BY l.sale_id, l.stage_id
    ),
    done_per_sale AS (
        SELECT sale_id, stage_id, SUM(n) AS n, SUM(r) AS r FROM done GROUP BY sale_id, stage_id
    )
    SELECT l.stage_id, l.owner_id, COALESCE(d.n, 0) AS items_done, COALESCE(d.r, 0) AS required_done,
           l.sale_status, COUNT(*)
    FROM left_stage l
    LEFT JOIN done_per_sale d ON d.sale_id = l.sale_id AND d.stage_id = l.stage_id
    WHERE 1 = 1{entered}
    GROUP BY l.stage_id, l.owner_id, COALESCE(d.n, 0), COALESCE(d.r, 0), l.sale_status"""  # noqa: S608
    all_params = params + [OPEN] + id_params + [False, scope.sale_type_id, False, scope.sale_type_id] + entered_params
    return sql, all_params


@dataclass(frozen=True)
class LeftGroup:
    stage_id: int
    owner_id: int
    items_done: int
    status: str
    count: int
    required_done: int = 0


def adherence_counts(scope: Scope, stages: Sequence[LiveStage]) -> list[LeftGroup]:
    if not stages:
        return []
    sql, params = adherence_sql(scope, stages)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            LeftGroup(stage_id, owner_id, int(done), status, int(count), int(required))
            for stage_id, owner_id, done, required, status, count in cursor.fetchall()
        ]
