"""The shape every report answers in: declared columns and rows of plain values.

A report's read model returns a ``ReportTable``; the web page renders it as a table and a chart, the API returns
its rows (each row a dict keyed by the column keys, which are the API's field names), and the CSV and XLSX files
write the same rows under the columns' translated labels. Columns are declared once per report (a module-level
tuple), so the API can build its response schema from them and a test can check every door shows every column.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Literal

from salesguide.domain.errors import Message

# How a column's values are typed and written:
# id (int or None), text (str), int, money (int minor units; the row has a "currency" column beside it),
# percent (float 0–100 or None when there is nothing to divide by), days (float or None), month ("YYYY-MM"),
# currency (ISO 4217 code), bool.
ColumnKind = Literal["id", "text", "int", "money", "percent", "days", "month", "currency", "bool"]


@dataclass(frozen=True)
class Column:
    key: str  # the API field name (API.md), also the CSV/XLSX column's identity
    label: str  # English, marked with gettext_noop; translated by the door that shows it
    kind: ColumnKind


@dataclass(frozen=True)
class ReportFilters:
    """What every report can be narrowed by. ``owner`` None means everyone ``report_scope.owner_scope`` lets the
    viewer see; ``date_from``/``date_to`` bound the period the report is about (expected-close date for the
    pipeline and forecast, the date a sale entered a stage for funnel, calibration and adherence)."""

    sale_type: int | None = None
    owner: int | None = None
    date_from: dt.date | None = None
    date_to: dt.date | None = None


@dataclass(frozen=True)
class ReportTable:
    name: str  # "pipeline", "forecast", "funnel", "calibration", "adherence"
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]
    # Said above the table and in the files (e.g. "fewer than 20 closed sales behind these figures").
    notes: list[Message] = field(default_factory=list)
