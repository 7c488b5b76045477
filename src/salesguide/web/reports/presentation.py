"""A report's table as the page shows it: values written the reader's way, and its chart.

The figures are the read model's (``queries.reports``); this module only writes them: amounts with their
currency (``€ 1.250,50``), percentages and days with the language's decimal mark, months by name. Id columns are
for the API and the files; the page shows the names beside them instead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from babel import Locale
from babel.dates import format_skeleton
from babel.numbers import format_currency
from django.conf import settings
from django.utils import translation
from django.utils.formats import date_format, number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from salesguide.documents.merge import locale_for
from salesguide.queries.reports.catalogue import ReportSpec
from salesguide.queries.reports.table import Column, ReportTable
from salesguide.reporting.charts import Series, chart_svg
from salesguide.web.sales.money import format_amount

_NUMERIC = frozenset({"int", "money", "percent", "days"})


@dataclass(frozen=True)
class Cell:
    text: str
    label: str  # the column's label, for the stacked layout on a narrow screen
    numeric: bool


@dataclass(frozen=True)
class ShownRow:
    cells: list[Cell]
    values: dict[str, Any]  # the read model's row, for row actions


@dataclass(frozen=True)
class ShownChart:
    svg: SafeString
    caption: str


def month_label(month: str | None) -> str:
    if not month:
        return _("No expected date")
    try:
        day = dt.date(int(month[:4]), int(month[5:7]), 1)
    except ValueError:
        return month
    return date_format(day, "YEAR_MONTH_FORMAT")


def short_month(month: str | None) -> str:
    """``sep 2026`` (Dutch) or ``Sep 2026``: months on a chart's axis, where the full name would crowd."""
    if not month:
        return _("No expected date")
    try:
        day = dt.date(int(month[:4]), int(month[5:7]), 1)
    except ValueError:
        return month
    return str(format_skeleton("yMMM", day, locale=_locale()))


def _locale() -> Locale:
    return Locale.parse(locale_for(translation.get_language() or settings.LANGUAGE_CODE))


def cell_text(value: Any, kind: str, row: dict[str, Any]) -> str:
    if kind == "month":
        return month_label(value)
    if value is None:
        return "–"
    if kind == "money":
        return format_amount(int(value), str(row.get("currency") or ""))
    if kind == "percent":
        return f"{number_format(value, decimal_pos=1)} %"
    if kind == "days":
        return number_format(value, decimal_pos=1)
    if kind == "int":
        return number_format(value, force_grouping=True)
    if kind == "bool":
        return _("Yes") if value else _("No")
    return str(value)


def shown_columns(table: ReportTable) -> list[Column]:
    return [column for column in table.columns if column.kind != "id"]


def shown_rows(table: ReportTable) -> list[ShownRow]:
    columns = shown_columns(table)
    labels = [_(column.label) for column in columns]
    return [
        ShownRow(
            cells=[
                Cell(cell_text(row.get(column.key), column.kind, row), label, column.kind in _NUMERIC)
                for column, label in zip(columns, labels, strict=True)
            ],
            values=row,
        )
        for row in table.rows
    ]


def _axis_format(kind: str, currency: str) -> Callable[[float], str]:
    """The y axis' numbers: whole amounts in the language's currency pattern (``€ 12.500``), or counts."""
    if kind == "money":
        locale = _locale()
        pattern = locale.currency_formats["standard"].pattern.replace(".00", "")
        return lambda value: format_currency(
            round(value), currency, format=pattern, locale=locale, currency_digits=False
        )
    return lambda value: number_format(value, decimal_pos=0, force_grouping=True)


def charts(spec: ReportSpec, table: ReportTable) -> list[ShownChart]:
    """The report's chart (one per currency when it draws amounts), or none when it has no rows."""
    shape = spec.chart
    if shape is None or not table.rows:
        return []
    keys = {column.key: column for column in table.columns}
    x_key = next((key for key in shape.x if key in keys), None)
    series_columns = [keys[key] for key in shape.series if key in keys]
    if x_key is None or not series_columns:
        return []
    money = any(column.kind == "money" for column in series_columns)
    currencies = sorted({str(row.get("currency") or "") for row in table.rows}) if money else [""]
    title = _(spec.title)
    shown: list[ShownChart] = []
    for currency in currencies:
        rows = [row for row in table.rows if not currency or row.get("currency") == currency]
        x_labels = [
            short_month(row.get(x_key)) if keys[x_key].kind == "month" else cell_text(row.get(x_key), "text", row)
            for row in rows
        ]
        series = [
            Series(
                _(column.label),
                [
                    None
                    if row.get(column.key) is None
                    else row[column.key] / 100
                    if column.kind == "money"
                    else float(row[column.key])
                    for row in rows
                ],
            )
            for column in series_columns
        ]
        caption = f"{title} ({currency})" if len(currencies) > 1 else title
        described = ", ".join(_(column.label) for column in series_columns)
        svg = chart_svg(
            shape.kind,
            title=caption,
            description=_("%(figures)s per %(axis)s; the table below has every figure.")
            % {"figures": described, "axis": _(keys[x_key].label).lower()},
            x_labels=x_labels,
            series=series,
            value_format=_axis_format(series_columns[0].kind, currency),
        )
        # pygal's own output, from our figures and labels (escaped by its XML writer).
        shown.append(ShownChart(mark_safe(svg), caption))  # noqa: S308
    return shown
