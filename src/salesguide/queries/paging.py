"""Keyset ("cursor") paging for every list: a page costs the same whatever its position in the list.

A list is sorted on a tuple of keys (fields such as a rank, a name ignoring case, a time, and finally the id,
each ascending or descending). A cursor names the sort key of the last item of the previous page; the next
page starts after it. Cursors are opaque to clients (base64 of a small JSON list; a time as whole
microseconds since 1970, exact and free of time zones) and are checked strictly against the types of the keys,
so a forged or damaged cursor is a clear 422, never a database error. This is the only cursor implementation:
the web lists and the API lists of sales, activities, companies, contacts, the history and the small lists
all page through ``keyset_page``.
"""

from __future__ import annotations

import base64
import binascii
import datetime as dt
import json
from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q

from salesguide.domain.errors import FieldProblem, Message, ValidationFailed, gettext_noop

M = TypeVar("M", bound=models.Model)

# Cursor values go into SQL comparisons; outside this range SQLite and PostgreSQL refuse them.
_MIN_INT, _MAX_INT = -(2**63), 2**63 - 1
_MAX_CURSOR_LENGTH = 2048
CURSOR_LOC: tuple[str, ...] = ("query", "after")


@dataclass(frozen=True)
class Page(Generic[M]):
    items: list[M]
    next: str | None


def _invalid_cursor() -> ValidationFailed:
    return ValidationFailed(
        [
            FieldProblem(
                CURSOR_LOC,
                Message(gettext_noop("This cursor is not valid; pass the “next” value of a previous page unchanged.")),
            )
        ]
    )


@dataclass(frozen=True)
class SortKey:
    """One key of a list's order.

    ``field`` is the model field sorted on, or, with ``expression`` (such as ``Lower("name")``), the field whose
    type the expression's value has (and so the type a cursor value must have). Sort keys must not be null in
    the rows paged (filter such rows out first), and the last key must be unique (the id)."""

    field: str
    descending: bool = False
    expression: models.Expression | None = None


OrderSpec = str | SortKey


def sort_keys(order: Sequence[OrderSpec]) -> tuple[SortKey, ...]:
    """``("rank", "-id")`` as sort keys: a leading ``-`` sorts that field descending."""
    return tuple(
        spec if isinstance(spec, SortKey) else SortKey(spec.removeprefix("-"), descending=spec.startswith("-"))
        for spec in order
    )


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_MICROSECOND = dt.timedelta(microseconds=1)


class _Id(int):
    """The kind of a primary key: a positive whole number."""


def _value_kind(model: type[models.Model], field_name: str) -> type:
    field = model._meta.get_field("id" if field_name == "pk" else field_name)
    if isinstance(field, models.DateTimeField):
        return dt.datetime
    if isinstance(field, models.AutoField | models.BigAutoField | models.SmallAutoField):
        return _Id
    if isinstance(field, models.IntegerField):
        return int
    if isinstance(field, models.CharField | models.TextField):
        return str
    raise TypeError(f"cannot page on {model.__name__}.{field_name}")


def _to_cursor_value(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        # Whole microseconds since the epoch: exact, and free of the time zone the row was read in.
        return (value - _EPOCH) // _MICROSECOND
    if value is None:
        raise TypeError("a sort key of a paged list is null; filter such rows out before paging")
    return value


def _from_cursor_value(value: Any, kind: type) -> Any:
    """The value a cursor holds for a key of ``kind``, checked; raises ValidationFailed when it does not fit."""
    if kind is str:
        if not isinstance(value, str) or "\x00" in value:
            raise _invalid_cursor()
        return value
    if isinstance(value, bool) or not isinstance(value, int) or not _MIN_INT <= value <= _MAX_INT:
        raise _invalid_cursor()
    if kind is _Id and value < 1:
        raise _invalid_cursor()
    if kind is dt.datetime:
        try:
            moment = _EPOCH + value * _MICROSECOND
        except OverflowError:
            raise _invalid_cursor() from None
        # Years the databases and every time zone conversion handle.
        if not 1900 <= moment.year <= 2999:
            raise _invalid_cursor()
        return moment
    return value


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps([_to_cursor_value(value) for value in values], separators=(",", ":"), ensure_ascii=True)
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[models.Model], order: Sequence[OrderSpec]) -> list[Any]:
    """The sort key a cursor names, checked against the keys it must fit (raises ValidationFailed)."""
    if not cursor or len(cursor) > _MAX_CURSOR_LENGTH:
        raise _invalid_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid_cursor() from None
    keys = sort_keys(order)
    if not isinstance(values, list) or len(values) != len(keys):
        raise _invalid_cursor()
    return [_from_cursor_value(value, _value_kind(model, key.field)) for value, key in zip(values, keys, strict=True)]


def _after(names: Sequence[str], keys: Sequence[SortKey], values: Sequence[Any]) -> Q:
    """Rows that sort after ``values``: (a > x) or (a = x and b > y) or ..., with < for a descending key."""
    alternatives = []
    for index, (name, key) in enumerate(zip(names, keys, strict=True)):
        equal = {names[i]: values[i] for i in range(index)}
        alternatives.append(Q(**equal, **{f"{name}__{'lt' if key.descending else 'gt'}": values[index]}))
    return reduce(lambda left, right: left | right, alternatives)


def keyset_page(
    queryset: models.QuerySet[M], order: Sequence[OrderSpec], *, limit: int, after: str | None = None
) -> Page[M]:
    """One page of ``queryset`` sorted on ``order`` (field names, ``-`` for descending, or ``SortKey``s; the
    last one unique, such as ``id``), starting after the item the cursor ``after`` names. One query."""
    model = queryset.model
    keys = sort_keys(order)
    # An expression is sorted and compared through an annotation; a plain field by its own name.
    names = [f"keyset_{index}" if key.expression is not None else key.field for index, key in enumerate(keys)]
    expressions = {name: key.expression for name, key in zip(names, keys, strict=True) if key.expression is not None}
    if expressions:
        queryset = queryset.annotate(**expressions)
    if after is not None:
        queryset = queryset.filter(_after(names, keys, decode_cursor(after, model, keys)))
    ordering = [f"-{name}" if key.descending else name for name, key in zip(names, keys, strict=True)]
    rows = list(queryset.order_by(*ordering)[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit and items:
        last = items[-1]
        next_cursor = encode_cursor([getattr(last, name) for name in names])
    return Page(items=items, next=next_cursor)
