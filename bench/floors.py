"""The raw SQL floor of each question: the same data fetched with hand-written SQL on a raw cursor, without the
framework (no ORM, no request, no serialisation). A report whose module offers ``floor_sql(sale_type_id)`` (the
statements it runs, as raw SQL) is measured with those; the others are written here.

A floor is a list of (sql, params) statements, run one after the other and timed together.
"""

from __future__ import annotations

import importlib
from typing import Any

from django.db import connection

from salesguide.models import Company, Contact, PipelineTotal, Sale, SaleType, Stage, User

Statements = list[tuple[str, list[Any]]]


def _t(model: type[Any]) -> str:
    return str(connection.ops.quote_name(model._meta.db_table))


def _month(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"to_char({column}, 'YYYY-MM')"
    return f"strftime('%%Y-%%m', {column})"


WEIGHTED = "SUM((amount * probability + 50) / 100)"


def sales_list(after_id: int | None) -> Statements:
    """A page of the sale list, newest first, with what a row shows joined in."""
    where = "WHERE s.id < %s " if after_id is not None else ""
    sql = (
        f"SELECT s.id, s.title, s.amount, s.currency, s.status, s.probability, s.next_activity_at, "  # noqa: S608
        f"st.name, c.name, u.username, t.name "
        f"FROM {_t(Sale)} s LEFT JOIN {_t(Stage)} st ON st.id = s.stage_id "
        f"LEFT JOIN {_t(Company)} c ON c.id = s.company_id JOIN {_t(User)} u ON u.id = s.owner_id "
        f"JOIN {_t(SaleType)} t ON t.id = s.sale_type_id {where}ORDER BY s.id DESC LIMIT 51"
    )
    return [(sql, [after_id] if after_id is not None else [])]


def stale_list(now: Any) -> Statements:
    """The first page of the sale list filtered to stale sales (SPEC 6.2, decision 0011: the stored aging)."""
    sql = (
        f"SELECT s.id, s.title, s.amount, s.currency, s.status, s.probability, s.next_activity_at, "  # noqa: S608
        f"st.name, c.name, u.username, t.name "
        f"FROM {_t(Sale)} s LEFT JOIN {_t(Stage)} st ON st.id = s.stage_id "
        f"LEFT JOIN {_t(Company)} c ON c.id = s.company_id JOIN {_t(User)} u ON u.id = s.owner_id "
        f"JOIN {_t(SaleType)} t ON t.id = s.sale_type_id "
        "WHERE s.stale_from <= %s AND (s.last_planned_at IS NULL OR s.last_planned_at < %s) "
        "ORDER BY s.id DESC LIMIT 51"
    )
    stamp = connection.ops.adapt_datetimefield_value(now)
    return [(sql, [stamp, stamp])]


def sale_detail(sale_id: int) -> Statements:
    sql = (
        f"SELECT s.*, st.name, st.probability, c.name FROM {_t(Sale)} s "  # noqa: S608
        f"LEFT JOIN {_t(Stage)} st ON st.id = s.stage_id LEFT JOIN {_t(Company)} c ON c.id = s.company_id "
        "WHERE s.id = %s"
    )
    return [(sql, [sale_id])]


def pipeline_aggregate() -> Statements:
    """The plain GROUP BY over the open sales that the pipeline report answers (what decision 0007 avoids)."""
    sql = (
        f"SELECT stage_id, currency, COUNT(*), SUM(amount), {WEIGHTED} FROM {_t(Sale)} "  # noqa: S608
        "WHERE status = 'open' AND stage_id IS NOT NULL GROUP BY stage_id, currency"
    )
    return [(sql, [])]


def pipeline_totals_table() -> Statements:
    """The same totals read from the kept totals table."""
    sql = (
        f"SELECT stage_id, currency, SUM(count), SUM(amount), SUM(weighted_amount) "  # noqa: S608
        f"FROM {_t(PipelineTotal)} GROUP BY stage_id, currency"
    )
    return [(sql, [])]


def _column_page(sale_type_id: int, stage_id: int) -> tuple[str, list[Any]]:
    sql = (
        f"SELECT s.id, s.title, s.amount, s.currency, s.owner_id, s.stage_entered_at, s.next_activity_at, "  # noqa: S608
        f"s.version, c.name, u.username FROM {_t(Sale)} s LEFT JOIN {_t(Company)} c ON c.id = s.company_id "
        f"JOIN {_t(User)} u ON u.id = s.owner_id WHERE s.status = 'open' AND s.sale_type_id = %s AND s.stage_id = %s "
        "ORDER BY s.stage_entered_at DESC, s.id DESC LIMIT 26"
    )
    return sql, [sale_type_id, stage_id]


def board(sale_type_id: int, stage_ids: list[int]) -> Statements:
    """Every column's totals (a GROUP BY over the type's open sales) and first page."""
    totals = (
        f"SELECT stage_id, currency, COUNT(*), SUM(amount), {WEIGHTED} FROM {_t(Sale)} "  # noqa: S608
        "WHERE status = 'open' AND sale_type_id = %s GROUP BY stage_id, currency"
    )
    return [(totals, [sale_type_id]), *(_column_page(sale_type_id, stage_id) for stage_id in stage_ids)]


def board_column(sale_type_id: int, stage_id: int) -> Statements:
    return [_column_page(sale_type_id, stage_id)]


def forecast(first: Any, last: Any) -> Statements:
    """Open sales by expected month and sold sales by closed month, per currency, over a period."""
    open_sql = (
        f"SELECT {_month('expected_date')} AS m, currency, COUNT(*), SUM(amount), {WEIGHTED} "  # noqa: S608
        f"FROM {_t(Sale)} WHERE status = 'open' AND expected_date BETWEEN %s AND %s GROUP BY m, currency"
    )
    sold_sql = (
        f"SELECT {_month('closed_date')} AS m, currency, SUM(amount) FROM {_t(Sale)} "  # noqa: S608
        "WHERE status = 'sold' AND closed_date BETWEEN %s AND %s GROUP BY m, currency"
    )
    return [(open_sql, [first, last]), (sold_sql, [first, last])]


def of_report(name: str, sale_type_id: int) -> Statements | None:
    """The statements a report module says it runs (``floor_sql``), or None when it offers none."""
    try:
        module = importlib.import_module(f"salesguide.queries.reports.{name}")
    except ImportError:
        return None
    floor_sql = getattr(module, "floor_sql", None)
    return list(floor_sql(sale_type_id)) if callable(floor_sql) else None


def run(statements: Statements) -> int:
    """Run the statements on a raw cursor and fetch every row; returns the rows fetched."""
    rows = 0
    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


# --- word search (decision 0009): the same question asked of the search index by hand --------------------------


def _search_words(q: str) -> list[str]:
    return q.split()


def _fts(words: list[str]) -> str:
    return " AND ".join('"' + word.replace('"', '""') + '"' for word in words)


def _upper_like(columns: list[str], words: list[str], company_column: str | None = None) -> tuple[str, list[Any]]:
    """Every word in one of the columns (or the company's name), as PostgreSQL's trigram indexes answer it: the
    companies holding the word as an array read once, so that each branch of the OR can use an index."""
    clauses, params = [], []
    for word in words:
        tests = [f"UPPER({column}) LIKE UPPER(%s)" for column in columns]
        params += [f"%{word}%"] * len(columns)
        if company_column is not None:
            tests.append(
                f"{company_column} = ANY(ARRAY(SELECT id FROM {_t(Company)} WHERE UPPER(name) LIKE UPPER(%s)))"
            )
            params.append(f"%{word}%")
        clauses.append("(" + " OR ".join(tests) + ")")
    return " AND ".join(clauses), params


def search_sales(q: str) -> Statements:
    """The first page of the sales holding every word of ``q`` in their title or company name, newest first."""
    words = _search_words(q)
    shown = (
        f"s.id, s.title, s.amount, s.currency, s.status, s.probability, s.next_activity_at, st.name, c.name, "
        f"u.username, t.name FROM {{source}} LEFT JOIN {_t(Stage)} st ON st.id = s.stage_id "
        f"LEFT JOIN {_t(Company)} c ON c.id = s.company_id JOIN {_t(User)} u ON u.id = s.owner_id "
        f"JOIN {_t(SaleType)} t ON t.id = s.sale_type_id"
    )
    if connection.vendor == "sqlite":
        source = f"salesguide_sale_search f JOIN {_t(Sale)} s ON s.id = f.rowid"
        sql = (
            f"SELECT {shown.format(source=source)} WHERE salesguide_sale_search MATCH %s ORDER BY f.rowid DESC LIMIT 51"  # noqa: S608
        )
        return [(sql, [_fts(words)])]
    where, params = _upper_like(["s.title"], words, "s.company_id")
    sql = f"SELECT {shown.format(source=f'{_t(Sale)} s')} WHERE {where} ORDER BY s.id DESC LIMIT 51"  # noqa: S608
    return [(sql, params)]


def _search_by_name(
    table: str, fts_table: str, columns: list[str], order: str, q: str, company_column: str | None = None
) -> Statements:
    words = _search_words(q)
    if connection.vendor == "sqlite":
        sql = (
            f"SELECT * FROM {table} WHERE id IN (SELECT rowid FROM {fts_table} WHERE {fts_table} MATCH %s) "  # noqa: S608
            f"ORDER BY {order} LIMIT 51"
        )
        return [(sql, [_fts(words)])]
    where, params = _upper_like(columns, words, company_column)
    return [(f"SELECT * FROM {table} WHERE {where} ORDER BY {order} LIMIT 51", params)]  # noqa: S608


def search_companies(q: str) -> Statements:
    """The first page of the companies holding every word of ``q`` in their name, city, e-mail or number."""
    columns = ["name", "city", "email", "org_number"]
    return _search_by_name(_t(Company), "salesguide_company_search", columns, "LOWER(name), id", q)


def search_contacts(q: str) -> Statements:
    """The first page of the contacts holding every word of ``q`` in their name, e-mail, phone, job title or
    company name."""
    # The name as the trigram index on it has it (migration 0010).
    name = "(COALESCE(first_name, '') || COALESCE((COALESCE(' ', '') || COALESCE(last_name, '')), ''))::text"
    columns = [name if connection.vendor == "postgresql" else "first_name", "email", "phone", "title"]
    return _search_by_name(
        _t(Contact), "salesguide_contact_search", columns, "LOWER(last_name), LOWER(first_name), id", q, "company_id"
    )
