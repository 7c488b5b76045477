"""A sale's next steps with their reasons (SPEC 6.1, issue 12), as the API's ``GET /sales/{id}/next-steps``
shows them: the facts ``domain.next_steps`` ranks, read in two queries besides the guide (``sale_guide``: five)
— the sale's open activities, and nothing else, because the guide's view already holds the suggestions' and
stages' names, the expected days and what was created from each suggestion."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.utils import timezone

from salesguide.domain import aging
from salesguide.domain.guide_progress import SaleOnGuide
from salesguide.domain.next_steps import (
    DEFAULT_LIMIT,
    NextStep,
    OpenActivity,
    SaleFacts,
    most_urgent_of_sales,
    next_steps,
)
from salesguide.models import Activity, Document, Sale
from salesguide.queries.guides import GuideView, guide_of_sale_type
from salesguide.queries.sale_guide import CreatedActivityView, SaleGuide, on_guide_of, sale_guide


def sale_facts(sale: Sale, now: dt.datetime, *, guide: SaleGuide | None = None) -> SaleFacts:
    """What the ranking needs of ``sale`` at ``now`` (an aware moment; the reasons' dates are in its zone)."""
    guide = guide if guide is not None else sale_guide(sale)
    open_activities = [
        OpenActivity(row["id"], row["title"], timezone.localtime(row["start"], now.tzinfo))
        for row in Activity.objects.filter(sale=sale, completed_at__isnull=True)
        .order_by("start", "id")
        .values("id", "title", "start")
    ]
    return _facts(sale, guide.guide, guide.on_guide, open_activities, now)


def _facts(
    sale: Sale, guide: GuideView, on_guide: SaleOnGuide, open_activities: list[OpenActivity], now: dt.datetime
) -> SaleFacts:
    stages = guide.stages
    current = next((stage for stage in stages if stage.stage_id == sale.stage_id), None)
    return SaleFacts(
        guide=on_guide,
        now=now,
        open_activities=open_activities,
        days_in_stage=aging.days_in_stage(sale.stage_entered_at, now),
        expected_days=current.expected_days if current is not None else None,
        followup_names={f.id: f.name for stage in stages for f in stage.followups},
        document_names={d.id: d.name for stage in stages for d in stage.documents},
        stage_names={stage.stage_id: stage.name for stage in stages},
        # Read with the guide (plain values of its view): the required marks cost no statement of their own.
        required_followups=frozenset(f.id for stage in stages for f in stage.followups if f.required),
        required_documents=frozenset(d.id for stage in stages for d in stage.documents if d.required),
    )


def sale_next_steps(
    sale: Sale, now: dt.datetime, *, guide: SaleGuide | None = None, limit: int = DEFAULT_LIMIT
) -> list[NextStep]:
    """The ranked next steps of ``sale`` (none unless it is open)."""
    return next_steps(sale_facts(sale, now, guide=guide), limit=limit)


def next_steps_of_sales(sales: list[Sale], now: dt.datetime, *, limit: int) -> list[tuple[Sale, NextStep]]:
    """The most urgent step of each of a handful of ``sales`` (each with its ``sale_type``), most urgent first
    across them (``domain.next_steps.most_urgent_of_sales``), at most ``limit``. Three queries per sale type among
    them (its guide) and two in all (the sales' activities, their guide documents), whatever the number of sales:
    the caller picks the few candidates (``queries.home``)."""
    if not sales:
        return []
    guides: dict[int, GuideView] = {}
    for sale in sales:
        if sale.sale_type_id not in guides:
            guides[sale.sale_type_id] = guide_of_sale_type(sale.sale_type)
    created: dict[int, dict[int, list[CreatedActivityView]]] = defaultdict(dict)
    open_activities: dict[int, list[OpenActivity]] = defaultdict(list)
    for row in (
        Activity.objects.filter(sale__in=[sale.pk for sale in sales])
        .order_by("start", "id")
        .values("id", "sale_id", "title", "start", "completed_at", "owner_id", "suggested_followup_id")
    ):
        if row["completed_at"] is None:
            open_activities[row["sale_id"]].append(
                OpenActivity(row["id"], row["title"], timezone.localtime(row["start"], now.tzinfo))
            )
        if row["suggested_followup_id"] is not None:
            created[row["sale_id"]].setdefault(row["suggested_followup_id"], []).append(
                CreatedActivityView(
                    row["id"], row["title"], row["start"], row["completed_at"] is not None, row["owner_id"]
                )
            )
    documents: dict[int, dict[int, list[int]]] = defaultdict(dict)
    for sale_id, suggestion_id, document_id in (
        Document.objects.filter(sale__in=[sale.pk for sale in sales], suggested_document_id__isnull=False)
        .order_by("created_at", "id")
        .values_list("sale_id", "suggested_document_id", "id")
    ):
        documents[sale_id].setdefault(suggestion_id, []).append(document_id)
    by_id = {sale.pk: sale for sale in sales}
    steps: dict[int, list[NextStep]] = {}
    for sale in sales:
        guide = guides[sale.sale_type_id]
        # Only what was created from this guide's suggestions counts, as in ``sale_guide`` (one sale's read).
        followup_ids = {f.id for stage in guide.stages for f in stage.followups}
        document_ids = {d.id for stage in guide.stages for d in stage.documents}
        on_guide = on_guide_of(
            sale,
            guide,
            {key: value for key, value in created[sale.pk].items() if key in followup_ids},
            {key: value for key, value in documents[sale.pk].items() if key in document_ids},
        )
        steps[sale.pk] = next_steps(_facts(sale, guide, on_guide, open_activities[sale.pk], now), limit=1)
    return [(by_id[sale_id], step) for sale_id, step in most_urgent_of_sales(steps, limit=limit)]
