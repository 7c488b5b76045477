"""The query parameters every list takes, and the page it answers."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from django.db import models
from ninja import Schema
from pydantic import Field

from salesguide.api.fields import QueryBool
from salesguide.queries.paging import keyset_page

M = TypeVar("M", bound=models.Model)

DEFAULT_LIMIT = 50
MAX_LIMIT = 500


class PageParams(Schema):
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT, description="Items per page (1 to 500).")
    after: str | None = Field(
        None,
        max_length=2048,
        description="The “next” cursor of the previous page; leave out for the first page.",
    )


class ListParams(PageParams):
    include_deleted: QueryBool = Field(False, description="Also list soft-deleted items (`true` or `false`).")


def page(
    queryset: models.QuerySet[M],
    params: PageParams,
    present: Callable[[M], dict[str, Any]],
    order: Sequence[str] = ("rank", "id"),
) -> dict[str, Any]:
    """``{"items": [...], "next": cursor-or-null}`` for one page of ``queryset``; soft-deleted items are left
    out unless the parameters ask for them."""
    if isinstance(params, ListParams) and not params.include_deleted:
        queryset = queryset.filter(deleted=False)
    result = keyset_page(queryset, order, limit=params.limit, after=params.after)
    return {"items": [present(item) for item in result.items], "next": result.next}
