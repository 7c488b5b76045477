"""The forecast (SPEC 4.3): open sales by the month they are expected to close — count, amount and weighted
amount — with the amount sold in that month (sales closed as sold, by their closed date) beside them, per
currency.

Two grouped queries over a date range: open sales by ``expected_date``, sold sales by ``closed_date``. Each reads
one index alone (``sale_forecast_open_idx`` and ``sale_forecast_sold_idx``: status, the date, currency, amount
and probability) and groups by the date itself, in the index's order, so the database neither sorts nor fetches
a sale's row; the few hundred days are then added up into months here. Grouping by a month computed in SQL
(``substr``/``to_char``) made the database sort every open sale first: three times slower on SQLite.

The period defaults to the three months before this one up to twelve months ahead. Every month of the period
gets a row per currency that has figures, zeros included, so the chart has no holes.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet, Sum

from salesguide.domain.errors import Message, gettext_noop
from salesguide.models import Sale, User
from salesguide.models.sales import SaleStatus
from salesguide.queries.money_sql import weighted_amount_sql
from salesguide.queries.reports.months import add_months, month_end, month_of, months_between
from salesguide.queries.reports.table import Column, ReportFilters, ReportTable

COLUMNS: tuple[Column, ...] = (
    Column("month", gettext_noop("Month"), "month"),
    Column("currency", gettext_noop("Currency"), "currency"),
    Column("count", gettext_noop("Open sales"), "int"),
    Column("amount", gettext_noop("Amount"), "money"),
    Column("weighted_amount", gettext_noop("Weighted amount"), "money"),
    Column("sold_amount", gettext_noop("Sold"), "money"),
)
MONTHS_BEFORE, MONTHS_AHEAD = 3, 12
# Beyond this many months only the months with figures get a row (a period of centuries is no chart).
_MAX_FILLED_MONTHS = 120


def default_period(today: dt.date) -> tuple[dt.date, dt.date]:
    """From the first day of the month three months ago to the last day of the month twelve months ahead."""
    return add_months(today, -MONTHS_BEFORE), month_end(add_months(today, MONTHS_AHEAD))


def _scoped(queryset: QuerySet[Sale], filters: ReportFilters) -> QuerySet[Sale]:
    if filters.sale_type is not None:
        queryset = queryset.filter(sale_type_id=filters.sale_type)
    if filters.owner is not None:
        queryset = queryset.filter(owner_id=filters.owner)
    return queryset


def forecast_report(viewer: User, filters: ReportFilters, *, now: dt.datetime) -> ReportTable:
    """``filters.owner`` is already the owner in scope (None: everyone); the period defaults as above, and an
    open end takes its default."""
    first_default, last_default = default_period(now.date())
    first = filters.date_from or first_default
    last = filters.date_to or last_default
    open_rows = (
        _scoped(Sale.objects.filter(status=SaleStatus.OPEN, expected_date__range=(first, last)), filters)
        .order_by()
        .values_list("expected_date", "currency")
        .annotate(n=Count("*"), total=Sum("amount"), weighted=Sum(weighted_amount_sql()))
    )
    sold_rows = (
        _scoped(Sale.objects.filter(status=SaleStatus.SOLD, closed_date__range=(first, last)), filters)
        .order_by()
        .values_list("closed_date", "currency")
        .annotate(total=Sum("amount"))
    )
    figures: dict[tuple[str, str], dict[str, Any]] = {}

    def row(month: str, currency: str) -> dict[str, Any]:
        return figures.setdefault(
            (month, currency),
            {"month": month, "currency": currency, "count": 0, "amount": 0, "weighted_amount": 0, "sold_amount": 0},
        )

    for day, currency, count, amount, weighted in open_rows:
        entry = row(month_of(day), currency)
        entry["count"] += count
        entry["amount"] += amount or 0
        entry["weighted_amount"] += weighted or 0
    for day, currency, amount in sold_rows:
        row(month_of(day), currency)["sold_amount"] += amount or 0
    currencies = sorted({currency for _month, currency in figures})
    months = months_between(first, last)
    if len(months) <= _MAX_FILLED_MONTHS:
        for month in months:
            for currency in currencies:
                row(month, currency)
    rows = [figures[key] for key in sorted(figures)]
    notes: list[Message] = []
    if len(currencies) > 1:
        notes.append(Message(gettext_noop("Amounts in different currencies are shown apart and never added up.")))
    return ReportTable("forecast", COLUMNS, rows, notes)
