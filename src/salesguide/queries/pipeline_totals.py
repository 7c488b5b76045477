"""The open pipeline's totals: count, amount and weighted amount of open sales, per currency, grouped by any of
sale type, stage and owner. The board's column totals, the pipeline report and the home pages read them here.

They come from ``PipelineTotal`` rows, which the sale services keep in the transaction of every change (decision
0007): summing at most (sale types × stages × owners × currencies) rows costs the same with a hundred sales as
with a million. ``open_sale_totals`` is the same question asked of the sales themselves, for filters the kept
totals cannot answer (text, stale) and for the tests that prove the two agree.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import Any, Literal

from django.db.models import Count, QuerySet, Sum

from salesguide.models import PipelineTotal as KeptTotal
from salesguide.models import Sale
from salesguide.models.sales import SaleStatus
from salesguide.queries.money_sql import weighted_amount_sql

Grouping = Literal["sale_type", "stage", "owner"]


@dataclass(frozen=True)
class PipelineTotal:
    """Totals of one group; a grouping not asked for is None."""

    sale_type_id: int | None
    stage_id: int | None
    owner_id: int | None
    currency: str
    count: int
    amount: int
    weighted_amount: int


def pipeline_totals(
    *,
    by: Collection[Grouping] = ("sale_type", "stage"),
    sale_type_id: int | None = None,
    stage_id: int | None = None,
    owner_id: int | None = None,
) -> list[PipelineTotal]:
    """Totals of open sales per currency and per each grouping in ``by``, narrowed by the ids given (None:
    all). Ordered by the groupings' ids and the currency."""
    keys = [f"{name}_id" for name in ("sale_type", "stage", "owner") if name in by]
    queryset = KeptTotal.objects.filter(count__gt=0)
    if sale_type_id is not None:
        queryset = queryset.filter(sale_type_id=sale_type_id)
    if stage_id is not None:
        queryset = queryset.filter(stage_id=stage_id)
    if owner_id is not None:
        queryset = queryset.filter(owner_id=owner_id)
    rows = (
        queryset.order_by()
        .values(*keys, "currency")
        .annotate(n=Sum("count"), total=Sum("amount"), weighted=Sum("weighted_amount"))
        .order_by(*keys, "currency")
    )
    return _totals(rows)


def open_sale_totals(
    sales: QuerySet[Sale], *, by: Collection[Grouping] = ("sale_type", "stage")
) -> list[PipelineTotal]:
    """The same totals aggregated over ``sales`` (narrowed to the open ones in a stage) — for a board or report
    filtered by text or staleness, which kept totals cannot answer."""
    keys = [f"{name}_id" for name in ("sale_type", "stage", "owner") if name in by]
    rows = (
        sales.filter(status=SaleStatus.OPEN, stage__isnull=False)
        .order_by()
        .values(*keys, "currency")
        .annotate(n=Count("id"), total=Sum("amount"), weighted=Sum(weighted_amount_sql()))
        .order_by(*keys, "currency")
    )
    return _totals(rows)


def _totals(rows: Iterable[dict[str, Any]]) -> list[PipelineTotal]:
    return [
        PipelineTotal(
            sale_type_id=row.get("sale_type_id"),
            stage_id=row.get("stage_id"),
            owner_id=row.get("owner_id"),
            currency=row["currency"],
            count=row["n"] or 0,
            amount=row["total"] or 0,
            weighted_amount=row["weighted"] or 0,
        )
        for row in rows
    ]
