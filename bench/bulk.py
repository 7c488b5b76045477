"""Bulk inserts of prepared rows, the fastest way each database takes them: ``COPY`` on PostgreSQL, one
``executemany`` per table on SQLite. Rows carry their ids (the sale's rows point at it), so PostgreSQL's
sequences are moved past them afterwards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from typing import Any

from django.core.management.color import no_style
from django.db import connection, models

Convert = Callable[[Any], Any]


def _sqlite_value(field: models.Field[Any, Any]) -> Convert | None:
    """What Django's SQLite backend stores for a value of ``field`` (naive UTC text for times, ISO dates)."""
    if isinstance(field, models.DateTimeField):
        return lambda v: None if v is None else v.astimezone(dt.UTC).replace(tzinfo=None).isoformat(" ")
    if isinstance(field, models.DateField):
        return lambda v: None if v is None else v.isoformat()
    if isinstance(field, models.BooleanField):
        return lambda v: None if v is None else int(v)
    return None


def check_columns(model: type[models.Model], columns: Sequence[str]) -> None:
    """The generator writes every column of the table: a column added to the model must be generated too."""
    wanted = {field.column for field in model._meta.concrete_fields}
    if set(columns) != wanted:
        missing, unknown = sorted(wanted - set(columns)), sorted(set(columns) - wanted)
        raise RuntimeError(
            f"bench: the generator's columns of {model.__name__} do not match the model "
            f"(not generated: {missing}; unknown: {unknown}); update bench/history.py"
        )


def insert(model: type[models.Model], columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    """Insert ``rows`` (values in the order of ``columns``) into ``model``'s table, inside the caller's
    transaction."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
            return
        fields = {field.column: field for field in model._meta.concrete_fields}
        converters = [(i, c) for i, name in enumerate(columns) if (c := _sqlite_value(fields[name])) is not None]
        if converters:
            prepared = []
            for row in rows:
                values = list(row)
                for i, convert in converters:
                    values[i] = convert(values[i])
                prepared.append(values)
            rows = prepared
        placeholders = ", ".join(["%s"] * len(columns))
        cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)  # noqa: S608


def next_id(model: type[models.Model]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return int(last or 0) + 1


def reset_sequences(*models_: type[models.Model]) -> None:
    """Move PostgreSQL's id sequences past the ids written (SQLite takes the largest id + 1 by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(models_))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
