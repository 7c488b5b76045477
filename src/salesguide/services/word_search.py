"""Keeping the word search's index in step when sales are written in bulk (decision 0009).

On SQLite a trigger adds each new sale to the FTS5 table ``salesguide_sale_search`` (migration 0010): right for
every writer, but one FTS insert per row costs about 40 µs, some 40 s for a million imported sales. Inside
``sales_inserted_in_bulk`` that trigger is off and the new sales are added to the table in one statement at the
end (about 6 µs a sale). SQLite changes its schema inside the transaction, and has one writer at a time, so no
other connection ever sees the trigger missing: the change commits or rolls back with the rows. PostgreSQL's
trigram indexes need nothing of the kind.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connection, transaction

from salesguide.models import Sale

SALE_SEARCH_TABLE = "salesguide_sale_search"
_INSERT_TRIGGER = f"{SALE_SEARCH_TABLE}_insert"


@contextmanager
def sales_inserted_in_bulk() -> Iterator[None]:
    """Sales inserted inside the block (with ids above every sale's before it, as the database or a bulk load
    gives them) join the search index when it ends. Runs inside the caller's transaction, in a savepoint of its
    own: when the block fails, the trigger is back and the block's rows are gone."""
    if connection.vendor != "sqlite":
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("sales_inserted_in_bulk needs the caller's transaction")
    with connection.cursor() as cursor:
        cursor.execute("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = %s", [_INSERT_TRIGGER])
        row = cursor.fetchone()
    if row is None:  # already off: an enclosing block adds the rows
        yield
        return
    with transaction.atomic():
        last = Sale.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        with connection.cursor() as cursor:
            cursor.execute(f'DROP TRIGGER "{_INSERT_TRIGGER}"')
        yield
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {SALE_SEARCH_TABLE}(rowid, title, company) "  # noqa: S608 - fixed names
                "SELECT s.id, s.title, coalesce(c.name, '') FROM salesguide_sale s "
                "LEFT JOIN salesguide_company c ON c.id = s.company_id WHERE s.id > %s",
                [last],
            )
            cursor.execute(row[0])
