"""Stored aging (SPEC 6.2, decision 0011): ``Sale.stale_from`` and ``Sale.last_planned_at``, so the stale list is an
index walk instead of a condition per (sale type, stage) and a subquery per sale.

``stale_from`` is the moment from which an open sale has been in its stage longer than its type expects:
``domain.aging.stale_from`` (the one rule, beside ``is_stale``). The sale services set it on every change of
stage or status (``services.sales``), ``set_expected_days`` moves it for the open sales of that link here, set-based;
``last_planned_at`` is the latest start of the sale's open activities, kept by ``services.activities`` in the
statement that keeps ``next_activity_at``. ``rebuild_stored_aging`` recomputes both from the sales, their stages
and activities (after a restore or a bulk load, or to repair), in a few set-based statements.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, Max, OuterRef, Subquery
from django.db.models.expressions import CombinedExpression

from salesguide.models import Activity, Sale, SaleTypeStage
from salesguide.models.sales import SaleStatus


def _stale_from_expression(expected_days: int) -> ExpressionWrapper[CombinedExpression]:
    """``stage_entered_at`` + (expected days + 1) days, in SQL (``domain.aging.stale_from``)."""
    return ExpressionWrapper(F("stage_entered_at") + dt.timedelta(days=expected_days + 1), output_field=DateTimeField())


def refresh_link(
    sale_type_id: int, stage_id: int, expected_days: int | None, *, sale_ids: Collection[int] | None = None
) -> int:
    """Set ``stale_from`` on the open sales of one sale type in one stage after its expected days changed (one
    statement; only ``sale_ids`` when given); returns how many sales it wrote."""
    sales = Sale.objects.filter(sale_type_id=sale_type_id, stage_id=stage_id, status=SaleStatus.OPEN)
    if sale_ids is not None:
        sales = sales.filter(pk__in=sale_ids)
    if expected_days is None:
        return sales.filter(stale_from__isnull=False).update(stale_from=None)
    return sales.update(stale_from=_stale_from_expression(expected_days))


@transaction.atomic
def rebuild_stored_aging(sale_ids: Collection[int] | None = None) -> int:
    """Recompute ``stale_from`` and ``last_planned_at`` of every sale (or of ``sale_ids``): one statement per stage
    of a type that has expected days (a few hundred at most), and two for the activities. Returns the sales that
    count as aging."""
    sales = Sale.objects.all() if sale_ids is None else Sale.objects.filter(pk__in=sale_ids)
    sales.filter(stale_from__isnull=False).update(stale_from=None)
    aging = 0
    links = SaleTypeStage.objects.filter(removed=False, expected_days__isnull=False)
    for sale_type_id, stage_id, expected in links.values_list("sale_type_id", "stage_id", "expected_days"):
        aging += refresh_link(sale_type_id, stage_id, expected, sale_ids=sale_ids)
    open_activities = Activity.objects.filter(completed_at__isnull=True)
    latest = (
        open_activities.filter(sale_id=OuterRef("pk")).order_by().values("sale_id").annotate(m=Max("start")).values("m")
    )
    sales.filter(last_planned_at__isnull=False).update(last_planned_at=None)
    sales.filter(pk__in=open_activities.filter(sale_id__isnull=False).values("sale_id")).update(
        last_planned_at=Subquery(latest[:1])
    )
    return aging
