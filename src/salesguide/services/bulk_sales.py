"""Writing thousands of new sales and their history rows at once, for an import (issue 11).

Django's ``bulk_create`` spends most of a million-row import building model instances and SQL with a few dozen
rows per statement (SQLite's parameter limit); here each batch is one prepared ``INSERT`` run over plain tuples
(``executemany``), the sales' ids taken up front so their history rows can name them. Every column is given,
so a column added to ``Sale`` or ``StageChange`` without a value here fails loudly (``SALE_DEFAULTS``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any

from django.db import connection, models

from salesguide.domain import aging
from salesguide.models import Sale, StageChange
from salesguide.models.sales import SaleStatus


def _columns(model: type[models.Model]) -> tuple[list[str], list[str]]:
    fields = list(model._meta.concrete_fields)
    return [field.attname for field in fields], [str(field.column) for field in fields]


def _insert_sql(model: type[models.Model], columns: Sequence[str]) -> str:
    """``INSERT INTO table (columns) VALUES``, the rows' placeholders to follow."""
    quote = connection.ops.quote_name
    names = ", ".join(quote(column) for column in columns)
    return f"INSERT INTO {quote(model._meta.db_table)} ({names}) VALUES "  # noqa: S608 - model's own names


def _insert(model: type[models.Model], columns: Sequence[str], sql: str, rows: Sequence[Sequence[Any]]) -> None:
    """SQLite: one prepared statement run over every row, per row in C. PostgreSQL: ``COPY`` (psycopg's
    ``executemany`` composes every row's statement in Python, the client cursor Django uses: measured 5× slower)."""
    if not rows:
        return
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            quote = connection.ops.quote_name
            names = ", ".join(quote(column) for column in columns)
            with cursor.cursor.copy(f"COPY {quote(model._meta.db_table)} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        one = "(" + ", ".join(["%s"] * len(rows[0])) + ")"
        cursor.executemany(sql + one, rows)


# SQLite's page cache while a bulk write runs, in KiB: a new sale goes into a dozen indexes at places spread over
# each of them, and with the default 2 MiB cache most of those pages are read from disk again and again. A fixed
# amount, so memory still does not grow with the file (measured: see the README's import figures).
BULK_CACHE_KIB = 262_144


@contextmanager
def bulk_write_cache() -> Iterator[None]:
    """A larger page cache for the block on SQLite (this connection only; set back after it)."""
    if connection.vendor != "sqlite":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        before = int(cursor.fetchone()[0])
        cursor.execute(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {before}")


def take_sale_ids(count: int) -> list[int]:
    """``count`` new sale ids, never given before. SQLite: the transaction holds the only write lock (settings:
    ``BEGIN IMMEDIATE``), so the ids after the largest ever given are ours; PostgreSQL: from the id sequence."""
    if count == 0:
        return []
    table = Sale._meta.db_table
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, count]
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(
            f"SELECT max(coalesce((SELECT max(id) FROM {table}), 0), "  # noqa: S608 - the model's own table
            "coalesce((SELECT seq FROM sqlite_sequence WHERE name = %s), 0))",
            [table],
        )
        last = int(cursor.fetchone()[0])
    return list(range(last + 1, last + 1 + count))


class SaleRows:
    """New sales as plain values (by attribute name) and their one history row each, written by ``write``. A sale
    may carry ``expected_days`` (its stage's, SPEC 6.2) instead of its stored aging: ``write`` sets that."""

    def __init__(self) -> None:
        self.sale_names, sale_columns = _columns(Sale)
        change_names, change_columns = _columns(StageChange)
        self.change_names = [name for name in change_names if name != "id"]
        self.sale_columns = sale_columns
        self.change_columns = [column for column in change_columns if column != "id"]
        self.sale_sql = _insert_sql(Sale, self.sale_columns)
        self.change_sql = _insert_sql(StageChange, self.change_columns)
        self.sales: list[dict[str, Any]] = []
        self.changes: list[dict[str, Any]] = []

    def __len__(self) -> int:
        return len(self.sales)

    def add(self, sale: Mapping[str, Any], change: Mapping[str, Any]) -> None:
        self.sales.append(dict(sale))
        self.changes.append(dict(change))

    def write(self, now: dt.datetime) -> int:
        """Insert the sales and their history rows; returns how many sales."""
        if not self.sales:
            return 0
        ops = connection.ops
        stamp = ops.adapt_datetimefield_value(now)
        ids = take_sale_ids(len(self.sales))
        sale_rows = []
        for sale_id, sale in zip(ids, self.sales, strict=True):
            # Entering its stage now: its stored aging from the stage's expected days (decision 0011).
            expected = sale.pop("expected_days", None)
            stale_from = aging.stale_from(now, expected, is_open=sale["status"] == SaleStatus.OPEN)
            sale.update(
                id=sale_id,
                created_at=stamp,
                updated_at=stamp,
                stage_entered_at=stamp,
                stale_from=ops.adapt_datetimefield_value(stale_from),
                last_planned_at=None,
            )
            for name in ("expected_date", "closed_date"):
                sale[name] = ops.adapt_datefield_value(sale[name])
            sale_rows.append([sale[name] for name in self.sale_names])
        change_rows = []
        for sale_id, change in zip(ids, self.changes, strict=True):
            change.update(sale_id=sale_id, at=stamp)
            change_rows.append([change[name] for name in self.change_names])
        _insert(Sale, self.sale_columns, self.sale_sql, sale_rows)
        _insert(StageChange, self.change_columns, self.change_sql, change_rows)
        written = len(self.sales)
        self.sales, self.changes = [], []
        return written
