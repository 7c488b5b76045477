"""Stale sales in SQL, the same rule as ``domain.aging.is_stale`` (SPEC 6.2), on the stored aging (decision 0011):
open, ``stale_from`` (entered the stage + its expected days + 1 day, ``domain.aging.stale_from``) passed, and no
open activity starting at or after ``now`` (``last_planned_at``, the latest start of the open ones, before it).
The partial indexes on the sales with a ``stale_from`` (``sale_stale_idx``, ``sale_owner_stale_idx``) hold
both columns in the lists' order, so a page is a walk through the index that stops after the page."""

from __future__ import annotations

import datetime as dt

from django.db.models import OuterRef, Q, QuerySet, Subquery

from salesguide.models import Sale, SaleTypeStage


def planned_ahead(now: dt.datetime) -> Q:
    """The sale has an open activity starting at or after ``now``."""
    return Q(last_planned_at__gte=now)


def stale_condition(now: dt.datetime) -> Q:
    """The stale rule on a sale's stored columns. "Open" is in ``stale_from`` (set on open sales only, by every
    writer): a ``status`` term would lead SQLite's planner to the board's (status, …) index and a sort of every
    open sale instead of the walk down ``sale_stale_idx``."""
    return Q(stale_from__lte=now) & (Q(last_planned_at__isnull=True) | Q(last_planned_at__lt=now))


def stale_sales(queryset: QuerySet[Sale], now: dt.datetime, *, sale_type_id: int | None = None) -> QuerySet[Sale]:
    """``queryset`` narrowed to its stale sales (``sale_type_id`` is kept for the callers: the queryset already
    narrows to a type when asked to)."""
    del sale_type_id
    return queryset.filter(stale_condition(now))


def with_expected_days(queryset: QuerySet[Sale]) -> QuerySet[Sale]:
    """Each sale with ``stage_expected_days``: its type's expected days in its stage (None: no limit, or no
    stage), read in the sale's own statement (the type and stage's link by its unique key), not one more."""
    link = SaleTypeStage.objects.filter(sale_type_id=OuterRef("sale_type_id"), stage_id=OuterRef("stage_id"))
    return queryset.annotate(stage_expected_days=Subquery(link.filter(removed=False).values("expected_days")[:1]))
