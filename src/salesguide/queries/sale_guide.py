"""A sale on its guide, as the guide tab and ``GET /sales/{id}/guide`` show it (SPEC 3.2).

Five queries whatever the number of stages, suggestions, activities or sales: the guide's stages, follow-up
and document suggestions (three, from ``guide_of_sale_type``), the sale's guide activities and its guide
documents.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from salesguide.domain import guide_progress as progress
from salesguide.domain.selling import SaleStatus
from salesguide.models import Activity, Document, Sale
from salesguide.queries.guides import DocumentView, FollowupView, GuideView, guide_of_sale_type


@dataclass(frozen=True)
class CreatedActivityView:
    id: int
    title: str
    start: dt.datetime
    completed: bool
    owner_id: int


@dataclass(frozen=True)
class CreatedDocumentView:
    id: int
    subject: str
    created_at: dt.datetime
    owner_id: int | None = None


@dataclass(frozen=True)
class FollowupOnSale:
    suggestion: FollowupView
    activities: list[CreatedActivityView] = field(default_factory=list)

    @property
    def done(self) -> bool:
        return bool(self.activities) and all(a.completed for a in self.activities)


@dataclass(frozen=True)
class DocumentOnSale:
    suggestion: DocumentView
    documents: list[CreatedDocumentView] = field(default_factory=list)


@dataclass(frozen=True)
class StageOnSale:
    stage_id: int
    name: str
    probability: int
    description: str
    state: progress.StageState
    done: int
    total: int
    followups: list[FollowupOnSale]
    documents: list[DocumentOnSale]


@dataclass(frozen=True)
class SaleGuide:
    sale_id: int
    has_guide: bool
    auto_advance: bool
    current_stage_id: int | None
    stages: list[StageOnSale]
    on_guide: progress.SaleOnGuide
    guide: GuideView

    def stage(self, stage_id: int) -> StageOnSale | None:
        return next((s for s in self.stages if s.stage_id == stage_id), None)


def on_guide_of(
    sale: Sale,
    guide: GuideView,
    activities: dict[int, list[CreatedActivityView]],
    documents: dict[int, list[int]],
) -> progress.SaleOnGuide:
    """Where ``sale`` is on ``guide``, from what was created from each suggestion on it (activities and document
    ids by suggestion id) — for one sale here, for a handful at once in ``queries.next_steps``."""
    return progress.SaleOnGuide(
        stages=[
            progress.GuideStagePlan(
                stage_id=s.stage_id,
                followups=[progress.FollowupBlueprint(f.id, f.days_offset, f.auto_suggest) for f in s.followups],
                document_ids=[d.id for d in s.documents],
            )
            for s in guide.stages
        ],
        current_stage_id=sale.stage_id,
        status=SaleStatus(sale.status),
        activities={
            # In local time: a follow-up days later keeps its time of day across a daylight-saving change.
            key: [progress.CreatedActivity(a.id, timezone.localtime(a.start), a.completed) for a in value]
            for key, value in activities.items()
        },
        documents=documents,
    )


def sale_guide(sale: Sale, *, guide: GuideView | None = None) -> SaleGuide:
    """``guide``: the sale type's guide when it was read already in this request (then two queries)."""
    guide = guide if guide is not None else guide_of_sale_type(sale.sale_type)
    followup_ids = [f.id for s in guide.stages for f in s.followups]
    document_ids = [d.id for s in guide.stages for d in s.documents]
    activities: dict[int, list[CreatedActivityView]] = {}
    for row in (
        Activity.objects.filter(sale=sale, suggested_followup_id__in=followup_ids)
        .order_by("start", "id")
        .values("id", "title", "start", "completed_at", "owner_id", "suggested_followup_id")
    ):
        activities.setdefault(row["suggested_followup_id"], []).append(
            CreatedActivityView(row["id"], row["title"], row["start"], row["completed_at"] is not None, row["owner_id"])
        )
    documents: dict[int, list[CreatedDocumentView]] = {}
    for doc in (
        Document.objects.filter(sale=sale, suggested_document_id__in=document_ids)
        .order_by("created_at", "id")
        .values("id", "subject", "created_at", "owner_id", "suggested_document_id")
    ):
        documents.setdefault(doc["suggested_document_id"], []).append(
            CreatedDocumentView(doc["id"], doc["subject"], doc["created_at"], doc["owner_id"])
        )
    on_guide = on_guide_of(sale, guide, activities, {key: [d.id for d in value] for key, value in documents.items()})
    states = progress.stage_states([s.stage_id for s in guide.stages], sale.stage_id)
    stages = []
    for stage, plan in zip(guide.stages, on_guide.stages, strict=True):
        done, total = progress.stage_progress(on_guide, plan)
        stages.append(
            StageOnSale(
                stage_id=stage.stage_id,
                name=stage.name,
                probability=stage.probability,
                description=stage.description,
                state=states[stage.stage_id],
                done=done,
                total=total,
                followups=[FollowupOnSale(f, activities.get(f.id, [])) for f in stage.followups],
                documents=[DocumentOnSale(d, documents.get(d.id, [])) for d in stage.documents],
            )
        )
    return SaleGuide(
        sale_id=sale.pk,
        has_guide=guide.active,
        auto_advance=guide.auto_advance,
        current_stage_id=sale.stage_id,
        stages=stages,
        on_guide=on_guide,
        guide=guide,
    )
