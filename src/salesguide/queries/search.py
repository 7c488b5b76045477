"""Word search, the same in every list and through every door: an item matches when it holds *every* word of
the query, ignoring case, in at least one of the list's search fields. So "acme deal" finds the sale "Big deal"
of the company "ACME BV", and "jansen acme" finds Jan Jansen of Acme.

That rule is the ``icontains`` filter below, and it stays the rule on both databases. What makes it fast at a
million sales is an index that narrows the rows it is tried on (decision 0009):

- SQLite: an FTS5 table per list with the ``trigram`` tokenizer (rowid = the item's id), kept in step by
  triggers (migration 0010). Each word of three or more characters becomes a phrase that must occur in the
  item's text; the rows it finds are a superset of the rule's (the tokenizer folds case at least as much as
  ``LIKE`` does), and the rule itself is applied to them. Shorter words cannot be looked up in a trigram index
  and are only filtered by the rule. A list sorted newest first reads the FTS table in descending rowid order,
  so a page stops after its last row whether the word is rare or common (``newest_first_key``).
- PostgreSQL: ``pg_trgm`` GIN indexes on ``UPPER(field)``, the very expression ``icontains`` compares, so the
  planner may answer each word from the indexes or walk the list's order and filter, whichever it expects
  cheaper. A related field (a sale's company name) is asked through the ids of the related rows holding the
  word, looked up first (one statement per word) so that the planner knows how many there are.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce
from typing import TypeVar

from django.db import connections, models
from django.db.models import Q
from django.db.models.expressions import RawSQL

M = TypeVar("M", bound=models.Model)

# A longer search is a paste accident, not a query; the words after these are ignored.
MAX_SEARCH_WORDS = 8
# The trigram tokenizer indexes runs of three characters: a shorter word cannot be looked up.
TRIGRAM = 3


@dataclass(frozen=True)
class SearchIndex:
    """A list's word search: the fields the rule reads (model field paths) and, on SQLite, the FTS5 table whose
    rowid is the item's id and whose columns hold the text of those fields."""

    fields: tuple[str, ...]
    fts_table: str


def search_words(q: str | None) -> list[str]:
    """The words of a query that count: split on white space, at most ``MAX_SEARCH_WORDS``."""
    return (q or "").replace("\x00", "").split()[:MAX_SEARCH_WORDS]


# Beyond this many related rows holding a word (a word in most company names), the list is walked in its order
# and each row's related field compared: a page then fills after a few rows.
MAX_RELATED_IDS = 2000


def _holds(model: type[models.Model], field: str, word: str, *, postgresql: bool) -> Q:
    """The rule for one field and one word: ``icontains``. On PostgreSQL a field of a related row (such as
    ``company__name``) is asked as "the relation is one of the related rows holding the word" (the same rows),
    with their ids looked up first through the related table's trigram index. Written into the query as
    constants, their number lets the planner weigh the choice a join hides: fetch the few rows the indexes name
    and sort them, or walk the list in its order until a page is full."""
    relation, _, rest = field.partition("__")
    if postgresql and rest:
        related = model._meta.get_field(relation).related_model
        if isinstance(related, type) and issubclass(related, models.Model):
            holding = related._default_manager.filter(**{f"{rest}__icontains": word}).order_by()
            ids = list(holding.values_list("pk", flat=True)[: MAX_RELATED_IDS + 1])
            if len(ids) <= MAX_RELATED_IDS:
                return Q(**{f"{relation}__in": ids})
    return Q(**{f"{field}__icontains": word})


def _rule(queryset: models.QuerySet[M], fields: Sequence[str], words: Sequence[str]) -> models.QuerySet[M]:
    postgresql = connections[queryset.db].vendor == "postgresql"
    for word in words:
        holds = (_holds(queryset.model, field, word, postgresql=postgresql) for field in fields)
        queryset = queryset.filter(reduce(lambda a, b: a | b, holds))
    return queryset


def _fts_query(words: Sequence[str]) -> str | None:
    """The FTS5 query that finds the rows holding every word of three or more characters (each a quoted phrase,
    so no character of a word is FTS syntax), or None when there is no such word."""
    phrases = ['"' + word.replace('"', '""') + '"' for word in words if len(word) >= TRIGRAM]
    return " AND ".join(phrases) if phrases else None


def _uses_fts(queryset: models.QuerySet[M]) -> bool:
    return connections[queryset.db].vendor == "sqlite"


def matching(queryset: models.QuerySet[M], index: SearchIndex, q: str | None) -> models.QuerySet[M]:
    """The items of ``queryset`` holding every word of ``q`` in one of the index's fields (all of them when
    ``q`` has no words). On SQLite the FTS table narrows the items first (their ids, as a subquery)."""
    words = search_words(q)
    if not words:
        return queryset
    fts = _fts_query(words) if _uses_fts(queryset) else None
    if fts is not None:
        table = index.fts_table
        queryset = queryset.filter(
            # A fixed table name; the query is a parameter.
            pk__in=RawSQL(f'SELECT rowid FROM "{table}" WHERE "{table}" MATCH %s', (fts,))  # noqa: S608, S611
        )
    return _rule(queryset, index.fields, words)


def matching_newest_first(
    queryset: models.QuerySet[M], index: SearchIndex, q: str | None
) -> tuple[models.QuerySet[M], models.Expression | None]:
    """``matching`` for a list sorted by id, newest first: also the expression to sort (and page) on instead of
    the id, or None to sort on the id itself.

    On SQLite the FTS table is joined and its rowid (equal to the id) is the sort key: FTS5 hands its matches
    over in descending rowid order, one at a time, so the first page of a word in every sale costs what the
    first page of a word in three sales does. Sorting on the sale's id instead would make SQLite collect every
    match and sort them (a third of a second for a common word at a million sales)."""
    words = search_words(q)
    fts = _fts_query(words) if words and _uses_fts(queryset) else None
    if fts is None:
        return matching(queryset, index, q), None
    table = index.fts_table
    own = queryset.model._meta.db_table
    queryset = queryset.extra(  # noqa: S610 - a fixed table name; the query is a parameter
        tables=[table],
        where=[f'"{table}"."rowid" = "{own}"."id"', f'"{table}" MATCH %s'],
        params=[fts],
    )
    key = RawSQL(f'"{table}"."rowid"', (), output_field=models.BigIntegerField())  # noqa: S611
    return _rule(queryset, index.fields, words), key
