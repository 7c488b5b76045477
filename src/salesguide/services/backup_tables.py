"""The tables a backup holds, their rows in a database-neutral form, and the checksum of each table.

One place for all three, used by ``backup`` (which writes the rows and their checksums), ``restore`` (which
checks them while it loads and again from the database once it has) and the tests (which compare an
installation before and after). A row is a JSON array of its column values in the table's column order:
datetimes as ISO text in UTC, decimals as text, JSON fields as their (key-sorted) JSON. SQLite and PostgreSQL
give the same line for the same data, so a checksum taken on one equals the checksum taken on the other.
"""

from __future__ import annotations

import base64
import datetime as dt
import decimal
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Field, Model
from django.utils.duration import duration_string

# Rows read from the database per round trip: bounds memory whatever the size of a table.
CHUNK_ROWS = 2000

# Tables left out of a backup. Sessions are a browser's login of the moment: kept, they would log a browser in
# as whichever user has that id in the installation a backup is restored into. Restore empties this table.
LEFT_OUT = frozenset({"django_session"})

# Rows that ``migrate`` makes itself (content types and permissions): an installation with only these is empty.
MADE_BY_MIGRATE = frozenset({"django_content_type", "auth_permission"})


@dataclass(frozen=True)
class BackupTable:
    model: type[Model]

    @property
    def name(self) -> str:
        return str(self.model._meta.db_table)

    @property
    def label(self) -> str:
        return str(self.model._meta.label_lower)

    @property
    def fields(self) -> list[Field[Any, Any]]:
        return list(self.model._meta.concrete_fields)

    @property
    def columns(self) -> list[str]:
        return [str(f.column) for f in self.fields]


def backup_tables() -> list[BackupTable]:
    """Every table of every installed app (many-to-many tables included), in a fixed order."""
    tables = [
        BackupTable(model)
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.db_table not in LEFT_OUT
    ]
    return sorted(tables, key=lambda t: t.name)


def _neutral(value: Any) -> Any:
    """A value as JSON can carry it, the same whichever database it came from."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC)
        return value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dt.timedelta):
        return duration_string(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, bytes | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    raise TypeError(f"a {type(value).__name__} cannot go into a backup")


def row_line(values: tuple[Any, ...]) -> bytes:
    """One row as one line of UTF-8 JSON (with its newline): what the backup file holds and the checksum hashes."""
    text = json.dumps(list(values), ensure_ascii=False, sort_keys=True, separators=(",", ":"), default=_neutral)
    return text.encode("utf-8") + b"\n"


def table_rows(table: BackupTable) -> Iterator[tuple[Any, ...]]:
    """The table's rows in primary-key order, streamed (a server-side cursor on PostgreSQL)."""
    attnames = [f.attname for f in table.fields]
    queryset = table.model._base_manager.order_by("pk").values_list(*attnames)
    yield from queryset.iterator(chunk_size=CHUNK_ROWS)


# Columns whose JSON value is already what either database stores (numbers, text, booleans, file names): they
# go in as they are, which makes a restore several times faster than asking every field to convert.
AS_THEY_ARE = frozenset(
    {
        "AutoField",
        "BigAutoField",
        "SmallAutoField",
        "IntegerField",
        "BigIntegerField",
        "SmallIntegerField",
        "PositiveIntegerField",
        "PositiveSmallIntegerField",
        "PositiveBigIntegerField",
        "CharField",
        "TextField",
        "BooleanField",
        "FileField",
    }
)


def _internal_type(field: Field[Any, Any]) -> str:
    target = getattr(field, "target_field", None) if field.is_relation else None
    return str((target or field).get_internal_type())


def row_loader(table: BackupTable) -> Callable[[list[Any]], list[Any]]:
    """A function that turns a row read back from a backup line into the values this database stores."""
    database = connections[DEFAULT_DB_ALIAS]  # the real connection once, not the thread-local proxy per value

    def converter(field: Field[Any, Any]) -> Callable[[Any], Any] | None:
        if _internal_type(field) in AS_THEY_ARE:
            return None
        return lambda value: field.get_db_prep_save(field.to_python(value), database)

    converters = [converter(field) for field in table.fields]

    def load(values: list[Any]) -> list[Any]:
        if not isinstance(values, list) or len(values) != len(converters):
            raise ValueError("a row with another number of columns than its table")
        return [v if convert is None else convert(v) for convert, v in zip(converters, values, strict=True)]

    return load


@dataclass(frozen=True)
class TableChecksum:
    rows: int
    sha256: str


class ChecksumOfLines:
    """The running checksum of a table's lines, fed while they are written or read."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self.rows = 0

    def add(self, line: bytes) -> None:
        self._hash.update(line)
        self.rows += 1

    def result(self) -> TableChecksum:
        return TableChecksum(self.rows, self._hash.hexdigest())


def table_checksum(table: BackupTable) -> TableChecksum:
    """The row count and checksum of a table as the database holds it now."""
    checksum = ChecksumOfLines()
    for values in table_rows(table):
        checksum.add(row_line(values))
    return checksum.result()


def table_checksums() -> dict[str, TableChecksum]:
    """Every backed-up table's row count and checksum, by table name."""
    return {table.name: table_checksum(table) for table in backup_tables()}
