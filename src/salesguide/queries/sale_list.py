"""The sale list, the one read model behind /sales/ and ``GET /api/v1/sales`` (and the board to come).

Both doors translate their parameters into ``SaleFilters`` (named as the API's query parameters) and get the
same sales in the same order: newest first, so a new sale shows at the top of the first page, paged by keyset
so the hundredth page costs what the first does (with ``q`` too: decision 0009). A page is one query (on
PostgreSQL, with ``q``, after one lookup of the companies holding each word): the sales with their stage, company,
owner and sale type joined in, which is all a row of either door shows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models
from django.utils import timezone

from salesguide.models import Sale
from salesguide.models.sales import SaleStatus
from salesguide.queries.aging import stale_sales, with_expected_days
from salesguide.queries.paging import OrderSpec, Page, SortKey, decode_cursor, encode_cursor, keyset_page
from salesguide.queries.search import SearchIndex, matching_newest_first

# ``q`` finds a sale by its title or its company's name (the FTS table on SQLite: migration 0010).
SALE_SEARCH = SearchIndex(("title", "company__name"), fts_table="salesguide_sale_search")
SALE_SEARCH_FIELDS = SALE_SEARCH.fields
SALE_ORDER = ("-id",)


@dataclass(frozen=True)
class SaleFilters:
    """Every filter given narrows the list; None (or an empty ``q``) filters nothing."""

    sale_type: int | None = None
    stage: int | None = None
    status: str | None = None
    owner: int | None = None
    company: int | None = None
    q: str | None = None
    # Only stale sales (SPEC 6.2: open, longer in the stage than expected, nothing planned; ``queries.aging``).
    stale: bool = False


def sales(filters: SaleFilters) -> models.QuerySet[Sale]:
    """Sales matching every filter, with what their rows show selected with them; ``q`` matches every word in
    the title or the company's name."""
    return _searched_sales(filters)[0]


def _searched_sales(filters: SaleFilters) -> tuple[models.QuerySet[Sale], tuple[OrderSpec, ...]]:
    """``sales`` with the order to page them in: newest first, on the search index's rowid when the search reads
    one in that order (the same values as the id, so cursors are the same either way)."""
    queryset = with_expected_days(Sale.objects.select_related("stage", "company", "owner", "sale_type"))
    if filters.sale_type is not None:
        queryset = queryset.filter(sale_type_id=filters.sale_type)
    if filters.stage is not None:
        queryset = queryset.filter(stage_id=filters.stage)
    if filters.status and not filters.stale:
        queryset = queryset.filter(status=filters.status)
    elif filters.status and filters.status != SaleStatus.OPEN:
        queryset = queryset.none()  # only open sales are stale; "open" itself is in the stale rule (queries.aging)
    if filters.owner is not None:
        queryset = queryset.filter(owner_id=filters.owner)
    if filters.company is not None:
        queryset = queryset.filter(company_id=filters.company)
    if filters.stale:
        queryset = stale_sales(queryset, timezone.now(), sale_type_id=filters.sale_type)
    queryset, key = matching_newest_first(queryset, SALE_SEARCH, filters.q)
    if key is None:
        return queryset, SALE_ORDER
    return queryset, (SortKey("id", descending=True, expression=key),)


def sale_page(filters: SaleFilters, *, limit: int, after: str | None = None) -> Page[Sale]:
    """One page of the sale list, newest first (raises ValidationFailed for a damaged ``after``)."""
    queryset, order = _searched_sales(filters)
    return keyset_page(queryset, order, limit=limit, after=after)


@dataclass(frozen=True)
class SaleListRow:
    """What a row of the web list shows, as plain values: building fifty sales with their stage, company and
    owner as model instances cost several times what the query does."""

    id: int
    title: str
    completed: bool
    probability: int
    amount: int
    currency: str
    next_activity_at: dt.datetime | None
    status: str
    stage_name: str | None
    company_name: str | None
    owner_first_name: str
    owner_last_name: str
    owner_username: str


_ROW_FIELDS = (
    "id",
    "title",
    "completed",
    "probability",
    "amount",
    "currency",
    "next_activity_at",
    "status",
    "stage__name",
    "company__name",
    "owner__first_name",
    "owner__last_name",
    "owner__username",
)


@dataclass(frozen=True)
class SaleRowPage:
    items: list[SaleListRow]
    next: str | None


def sale_row_page(filters: SaleFilters, *, limit: int, after: str | None = None) -> SaleRowPage:
    """``sale_page`` as ``SaleListRow``s: the same sales in the same order, with the same cursors (raises
    ValidationFailed for a damaged ``after``). The order is the id alone, newest first."""
    assert SALE_ORDER == ("-id",), "sale_row_page pages on the id alone"
    queryset, order = _searched_sales(filters)
    key = order[0].expression if isinstance(order[0], SortKey) else None
    if key is not None:
        queryset = queryset.alias(newest=key)
    newest = "newest" if key is not None else "id"
    if after is not None:
        (last_id,) = decode_cursor(after, Sale, SALE_ORDER)
        queryset = queryset.filter(**{f"{newest}__lt": last_id})
    ordered = queryset.order_by(f"-{newest}").values_list(*_ROW_FIELDS)
    rows = [SaleListRow(*values) for values in ordered[: limit + 1]]
    items = rows[:limit]
    return SaleRowPage(items=items, next=encode_cursor([items[-1].id]) if len(rows) > limit and items else None)
