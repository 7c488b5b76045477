"""Word search, the same in every list and through every door: an item matches when it holds *every* word of
the query, ignoring case, in at least one of the list's search fields. So "acme deal" finds the sale "Big deal"
of the company "ACME BV", and "jansen acme" finds Jan Jansen of Acme."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import TypeVar

from django.db import models
from django.db.models import Q

M = TypeVar("M", bound=models.Model)

# A longer search is a paste accident, not a query; the words after these are ignored.
MAX_SEARCH_WORDS = 8


def search_words(q: str | None) -> list[str]:
    """The words of a query that count: split on white space, at most ``MAX_SEARCH_WORDS``."""
    return (q or "").replace("\x00", "").split()[:MAX_SEARCH_WORDS]


def matching(queryset: models.QuerySet[M], fields: Sequence[str], q: str | None) -> models.QuerySet[M]:
    """The items of ``queryset`` holding every word of ``q`` in one of ``fields`` (all of them when ``q`` has no
    words)."""
    for word in search_words(q):
        queryset = queryset.filter(reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return queryset
