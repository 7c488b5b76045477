"""Keyset ("cursor") paging for lists: a page costs the same whatever its position in the list.

A cursor names the sort key of the last item of the previous page; the next page starts after it. Cursors are
opaque to clients (base64 of a small JSON list) and are checked strictly, so a forged or damaged cursor is a
clear 422, never a database error.
"""

from __future__ import annotations

import base64
import binascii
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


def _value_type(model: type[models.Model], field_name: str) -> type:
    field = model._meta.get_field("id" if field_name == "pk" else field_name)
    if isinstance(field, models.IntegerField):
        return int
    if isinstance(field, models.CharField | models.TextField):
        return str
    raise TypeError(f"cannot page on {model.__name__}.{field_name}")


def encode_cursor(values: Sequence[Any]) -> str:
    raw = json.dumps(list(values), separators=(",", ":"), ensure_ascii=True).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, model: type[models.Model], order: Sequence[str]) -> list[Any]:
    """The sort key a cursor names, checked against the fields it must fit (raises ValidationFailed)."""
    if not cursor or len(cursor) > _MAX_CURSOR_LENGTH:
        raise _invalid_cursor()
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        values = json.loads(raw.decode("utf-8"))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise _invalid_cursor() from None
    if not isinstance(values, list) or len(values) != len(order):
        raise _invalid_cursor()
    for value, field_name in zip(values, order, strict=True):
        expected = _value_type(model, field_name)
        if expected is int and (
            isinstance(value, bool) or not isinstance(value, int) or not _MIN_INT <= value <= _MAX_INT
        ):
            raise _invalid_cursor()
        if expected is str and (not isinstance(value, str) or "\x00" in value):
            raise _invalid_cursor()
    return values


def _after(order: Sequence[str], values: Sequence[Any]) -> Q:
    """Rows that sort after ``values`` on ascending ``order``: (a > x) or (a = x and b > y) or ..."""
    alternatives = []
    for index, field_name in enumerate(order):
        equal = {order[i]: values[i] for i in range(index)}
        alternatives.append(Q(**equal, **{f"{field_name}__gt": values[index]}))
    return reduce(lambda left, right: left | right, alternatives)


def keyset_page(queryset: models.QuerySet[M], order: Sequence[str], *, limit: int, after: str | None = None) -> Page[M]:
    """One page of ``queryset`` sorted ascending on ``order`` (which must end in a unique field such as
    ``id``), starting after the item the cursor ``after`` names."""
    model = queryset.model
    if after is not None:
        queryset = queryset.filter(_after(order, decode_cursor(after, model, order)))
    rows = list(queryset.order_by(*order)[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit and items:
        last = items[-1]
        next_cursor = encode_cursor([getattr(last, "pk" if f == "pk" else f) for f in order])
    return Page(items=items, next=next_cursor)
