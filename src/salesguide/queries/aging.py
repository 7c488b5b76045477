"""Stale sales in SQL, the same rule as ``domain.aging.is_stale``: open, in the stage longer than its expected
days for the sale's type (whole days since entering it), and no open activity starting at or after ``now``."""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q, QuerySet

from salesguide.models import Activity, Sale, SaleTypeStage
from salesguide.models.sales import SaleStatus


def _overdue_in_stage(now: dt.datetime, sale_type_id: int | None) -> Q:
    """Sales past their stage's expected days: one (type, stage, entered before) condition per stage that has
    expected days (a few hundred at most), so each is an index range and no date arithmetic runs per row."""
    links = SaleTypeStage.objects.filter(removed=False, expected_days__isnull=False)
    if sale_type_id is not None:
        links = links.filter(sale_type_id=sale_type_id)
    condition = Q(pk__in=[])
    for link_type, link_stage, expected in links.values_list("sale_type_id", "stage_id", "expected_days"):
        if expected is None:  # excluded above; the type checker does not know
            continue
        # days_in_stage > expected  ⇔  entered more than (expected + 1) whole days ago
        condition |= Q(
            sale_type_id=link_type,
            stage_id=link_stage,
            stage_entered_at__lte=now - dt.timedelta(days=expected + 1),
        )
    return condition


def planned_ahead(now: dt.datetime) -> Exists:
    """The sale has an open activity starting at or after ``now``."""
    return Exists(Activity.objects.filter(sale_id=OuterRef("pk"), completed_at__isnull=True, start__gte=now))


def stale_sales(queryset: QuerySet[Sale], now: dt.datetime, *, sale_type_id: int | None = None) -> QuerySet[Sale]:
    """``queryset`` narrowed to its stale sales."""
    return queryset.filter(_overdue_in_stage(now, sale_type_id), status=SaleStatus.OPEN).exclude(planned_ahead(now))
