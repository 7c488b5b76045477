"""Months in reports: a date column as its ``YYYY-MM`` month in SQL, and the months of a period.

Django's ``TruncMonth`` on SQLite calls a Python function for every row (``django_date_trunc``), which at a
million sales costs more than the rest of the query; SQLite stores a date as ``YYYY-MM-DD`` text, so its first
seven characters are the month, computed inside SQLite. PostgreSQL formats it with ``to_char``. Both give the
same ``YYYY-MM`` text, which sorts as the months do.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models
from django.db.models import Func


class YearMonth(Func):
    """``YYYY-MM`` of a date column (None stays None)."""

    output_field = models.CharField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="substr(%(expressions)s, 1, 7)", **extra)

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template="to_char(%(expressions)s, 'YYYY-MM')", **extra)


def month_of(day: dt.date) -> str:
    return f"{day.year:04d}-{day.month:02d}"


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month ``months`` after ``day``'s month (negative: before)."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


def months_between(first: dt.date, last: dt.date) -> list[str]:
    """Every month from ``first``'s to ``last``'s, both included, as ``YYYY-MM``."""
    months: list[str] = []
    day = first.replace(day=1)
    while day <= last:
        months.append(month_of(day))
        day = add_months(day, 1)
    return months
