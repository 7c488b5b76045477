"""The weighted pipeline (SPEC 4.2): open sales per stage, sale type, owner or expected-close month, with their
count, amount and weighted amount, per currency.

Without a period the figures are the totals the sale services keep (``queries.pipeline_totals``, decision
0007): a few thousand rows whatever the number of sales. A period (expected-close dates) or the month grouping
cannot come from those totals, so they are a filtered aggregate over open sales (``expected_date`` is indexed).
Weighted amounts are summed as ``domain.money.weighted_amount`` rounds them (``money_sql``), never across
currencies.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, F, Q, Sum

from salesguide.domain.errors import gettext_noop
from salesguide.models import Sale, SaleType, SaleTypeStage, Stage, User
from salesguide.models.sales import SaleStatus
from salesguide.queries.money_sql import weighted_amount_sql
from salesguide.queries.pipeline_totals import Grouping, pipeline_totals
from salesguide.queries.reports.months import YearMonth
from salesguide.queries.reports.table import Column, ReportFilters, ReportTable

GROUPS: tuple[tuple[str, str], ...] = (
    ("stage", gettext_noop("Stage")),
    ("sale_type", gettext_noop("Sale type")),
    ("owner", gettext_noop("Owner")),
    ("month", gettext_noop("Expected close month")),
)
_KEY_COLUMN = {
    "stage": Column("stage_id", gettext_noop("Stage id"), "id"),
    "sale_type": Column("sale_type_id", gettext_noop("Sale type id"), "id"),
    "owner": Column("owner_id", gettext_noop("Owner id"), "id"),
    "month": Column("month", gettext_noop("Month"), "month"),
}
_NAME_LABEL = {"stage": gettext_noop("Stage"), "sale_type": gettext_noop("Sale type"), "owner": gettext_noop("Owner")}
_FIGURES = (
    Column("currency", gettext_noop("Currency"), "currency"),
    Column("count", gettext_noop("Open sales"), "int"),
    Column("amount", gettext_noop("Amount"), "money"),
    Column("weighted_amount", gettext_noop("Weighted amount"), "money"),
)
# Every column the report can answer, for the API's schema; a row has those of its grouping.
COLUMNS: tuple[Column, ...] = (
    _KEY_COLUMN["stage"],
    _KEY_COLUMN["sale_type"],
    _KEY_COLUMN["owner"],
    _KEY_COLUMN["month"],
    Column("name", gettext_noop("Name"), "text"),
    *_FIGURES,
)
SOMETIMES = frozenset({"stage_id", "sale_type_id", "owner_id", "month", "name"})


def columns_for(group: str) -> tuple[Column, ...]:
    key = _KEY_COLUMN[group]
    if group == "month":
        return (key, *_FIGURES)
    return (key, Column("name", _NAME_LABEL[group], "text"), *_FIGURES)


def _names(group: str, ids: set[int], sale_type: int | None) -> tuple[dict[int, str], dict[int, tuple[Any, ...]]]:
    """Names of the groups and the order they are shown in: stages in their sale type's order (or the list's
    order), sale types in theirs, owners by name. One query, two for stages of one sale type."""
    if not ids:
        return {}, {}
    if group == "stage":
        stages = Stage.objects.filter(pk__in=ids).values_list("pk", "name", "rank")
        names = {pk: name for pk, name, _rank in stages}
        order: dict[int, tuple[Any, ...]] = {pk: (1, rank, pk) for pk, _name, rank in stages}
        if sale_type is not None:
            links = SaleTypeStage.objects.filter(sale_type_id=sale_type, stage_id__in=ids).values_list(
                "stage_id", "rank"
            )
            order.update({stage_id: (0, rank, stage_id) for stage_id, rank in links})
        return names, order
    if group == "sale_type":
        types = SaleType.objects.filter(pk__in=ids).values_list("pk", "name", "rank")
        return {pk: name for pk, name, _rank in types}, {pk: (rank, pk) for pk, _name, rank in types}
    users = User.objects.filter(pk__in=ids).values_list("pk", "first_name", "last_name", "username")
    names = {pk: f"{first} {last}".strip() or username for pk, first, last, username in users}
    return names, {pk: (names[pk].casefold(), pk) for pk in names}


def _from_totals(group: Grouping, filters: ReportFilters) -> list[dict[str, Any]]:
    totals = pipeline_totals(by=(group,), sale_type_id=filters.sale_type, owner_id=filters.owner)
    return [
        {
            "key": getattr(total, f"{group}_id"),
            "currency": total.currency,
            "count": total.count,
            "amount": total.amount,
            "weighted_amount": total.weighted_amount,
        }
        for total in totals
        if total.count
    ]


def _aggregate(group: str, filters: ReportFilters) -> list[dict[str, Any]]:
    queryset = Sale.objects.filter(status=SaleStatus.OPEN, stage__isnull=False)
    if filters.sale_type is not None:
        queryset = queryset.filter(sale_type_id=filters.sale_type)
    if filters.owner is not None:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.date_from is not None or filters.date_to is not None:
        period = Q()
        if filters.date_from is not None:
            period &= Q(expected_date__gte=filters.date_from)
        if filters.date_to is not None:
            period &= Q(expected_date__lte=filters.date_to)
        queryset = queryset.filter(period)
    key = YearMonth("expected_date") if group == "month" else F(f"{group}_id")
    rows = (
        queryset.order_by()
        .annotate(key=key)
        .values("key", "currency")
        .annotate(n=Count("id"), total=Sum("amount"), weighted=Sum(weighted_amount_sql()))
    )
    return [
        {
            "key": row["key"],
            "currency": row["currency"],
            "count": row["n"],
            "amount": row["total"] or 0,
            "weighted_amount": row["weighted"] or 0,
        }
        for row in rows
    ]


def pipeline_report(viewer: User, filters: ReportFilters, *, now: dt.datetime, group: str = "stage") -> ReportTable:
    """One row per group and currency. ``filters.owner`` is already the owner in scope (None: everyone);
    ``date_from``/``date_to`` bound the expected-close date (a sale without one then drops out)."""
    if group not in _KEY_COLUMN:
        group = "stage"
    period = filters.date_from is not None or filters.date_to is not None
    # The kept totals answer a stage, sale type or owner grouping over all time; the rest is aggregated.
    found = _aggregate(group, filters) if group == "month" or period else _from_totals(group, filters)  # type: ignore[arg-type]
    columns = columns_for(group)
    key_name = columns[0].key
    if group == "month":
        found.sort(key=lambda row: (row["key"] is None, row["key"] or "", row["currency"]))
        rows = [{"month": row.pop("key"), **row} for row in found]
        return ReportTable("pipeline", columns, rows)
    names, order = _names(group, {row["key"] for row in found}, filters.sale_type)
    found.sort(key=lambda row: (order.get(row["key"], (2, 0, row["key"])), row["currency"]))
    rows = [{key_name: row["key"], "name": names.get(row["key"], ""), **_without_key(row)} for row in found]
    return ReportTable("pipeline", columns, rows)


def _without_key(row: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in row.items() if name != "key"}
