"""A sale's next steps with their reasons (SPEC 6.1, issue 12), as the API's ``GET /sales/{id}/next-steps``
shows them: the facts ``domain.next_steps`` ranks, read in two queries besides the guide (``sale_guide``: five)
— the sale's open activities, and nothing else, because the guide's view already holds the suggestions' and
stages' names, the expected days and what was created from each suggestion."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from salesguide.domain import aging
from salesguide.domain.next_steps import DEFAULT_LIMIT, NextStep, OpenActivity, SaleFacts, next_steps
from salesguide.models import Activity, Sale
from salesguide.queries.sale_guide import SaleGuide, sale_guide


def sale_facts(sale: Sale, now: dt.datetime, *, guide: SaleGuide | None = None) -> SaleFacts:
    """What the ranking needs of ``sale`` at ``now`` (an aware moment; the reasons' dates are in its zone)."""
    guide = guide if guide is not None else sale_guide(sale)
    stages = guide.guide.stages
    current = next((stage for stage in stages if stage.stage_id == sale.stage_id), None)
    open_activities = [
        OpenActivity(row["id"], row["title"], timezone.localtime(row["start"], now.tzinfo))
        for row in Activity.objects.filter(sale=sale, completed_at__isnull=True)
        .order_by("start", "id")
        .values("id", "title", "start")
    ]
    return SaleFacts(
        guide=guide.on_guide,
        now=now,
        open_activities=open_activities,
        days_in_stage=aging.days_in_stage(sale.stage_entered_at, now),
        expected_days=current.expected_days if current is not None else None,
        followup_names={f.id: f.name for stage in stages for f in stage.followups},
        document_names={d.id: d.name for stage in stages for d in stage.documents},
        stage_names={stage.stage_id: stage.name for stage in stages},
    )


def sale_next_steps(
    sale: Sale, now: dt.datetime, *, guide: SaleGuide | None = None, limit: int = DEFAULT_LIMIT
) -> list[NextStep]:
    """The ranked next steps of ``sale`` (none unless it is open)."""
    return next_steps(sale_facts(sale, now, guide=guide), limit=limit)
