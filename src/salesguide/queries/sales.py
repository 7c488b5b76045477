"""Sales, their history, activities and documents as the API's cards and the smaller lists read them.

The sale list and the activity list have read models of their own (``queries.sale_list``,
``queries.activity_list``). Every list page here is one query (the rows with what they show of their stages,
user or template joined in) and pages by keyset (``queries.paging``), so the thousandth page costs what the
first does.
"""

from __future__ import annotations

from django.db.models import QuerySet

from salesguide.models import Activity, ActivityKind, ActivityType, Document, Sale, StageChange
from salesguide.queries.aging import with_expected_days
from salesguide.queries.paging import Page, keyset_page

# --- sales ---------------------------------------------------------------------------------------------------


def _one(queryset: QuerySet[Sale]) -> Sale | None:
    # Not ``first()``: for one row by its id, sorting by the model's ordering only costs the ORM time (about
    # 0.2 ms of building the statement, on the path of every sale the API answers; issue 10).
    return next(iter(queryset.order_by()[:1]), None)


def sale_card(sale_id: int) -> Sale | None:
    """One sale with its stage, company and sale type (and its stage's expected days), in one query."""
    return _one(with_expected_days(Sale.objects.select_related("stage", "company", "sale_type").filter(pk=sale_id)))


def sale_with_type(sale_id: int) -> Sale | None:
    """One sale with its sale type, as the guide reads it."""
    return _one(Sale.objects.select_related("sale_type").filter(pk=sale_id))


def sale_exists(sale_id: int) -> bool:
    return Sale.objects.filter(pk=sale_id).exists()


# --- the history of a sale ------------------------------------------------------------------------------------


def history_page(sale_id: int, *, limit: int, after: str | None = None) -> Page[StageChange]:
    """The sale's stage-change rows, oldest first, with the stages and the user they name."""
    queryset = StageChange.objects.filter(sale_id=sale_id).select_related("from_stage", "to_stage", "by")
    return keyset_page(queryset, ("at", "id"), limit=limit, after=after)


# --- activities ------------------------------------------------------------------------------------------------


def activity_card(activity_id: int) -> Activity | None:
    return Activity.objects.select_related("activity_type").filter(pk=activity_id).first()


def followup_activity_type() -> ActivityType | None:
    """The type a proposed follow-up gets: the first live phone call type, else the first live type."""
    live = ActivityType.objects.filter(deleted=False).order_by("rank", "id")
    return live.filter(kind=ActivityKind.CALL).first() or live.first()


# --- documents -------------------------------------------------------------------------------------------------


def document_page(sale_id: int | None, *, limit: int, after: str | None = None) -> Page[Document]:
    """In the order they were made, with their template."""
    queryset = Document.objects.select_related("template")
    if sale_id is not None:
        queryset = queryset.filter(sale_id=sale_id)
    return keyset_page(queryset, ("id",), limit=limit, after=after)


def document_card(document_id: int) -> Document | None:
    return Document.objects.select_related("template").filter(pk=document_id).first()
