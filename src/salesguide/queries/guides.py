"""The guide of a sale type as the designer, the preview and the API show it."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Prefetch

from salesguide.domain.catalog import guide_status
from salesguide.models import SaleType, SaleTypeStage, SuggestedDocument, SuggestedFollowup


@dataclass(frozen=True)
class FollowupView:
    id: int
    name: str
    purpose: str
    activity_type_id: int
    activity_type_name: str
    activity_kind: str
    days_offset: int
    duration_minutes: int | None
    text: str
    auto_suggest: bool
    rank: int


@dataclass(frozen=True)
class DocumentView:
    id: int
    name: str
    purpose: str
    template_id: int
    template_name: str
    template_kind: str
    subject: str
    our_reference: str
    rank: int


@dataclass(frozen=True)
class GuideStageView:
    stage_id: int
    name: str
    probability: int
    description: str
    expected_days: int | None
    followups: list[FollowupView] = field(default_factory=list)
    documents: list[DocumentView] = field(default_factory=list)


@dataclass(frozen=True)
class GuideView:
    sale_type_id: int
    name: str
    has_guide: bool
    auto_advance: bool
    probability_policy: str
    stages: list[GuideStageView]

    @property
    def active(self) -> bool:
        return guide_status(self.has_guide, len(self.stages)).active


def has_active_guide(sale_type: SaleType) -> bool:
    """``guide_of_sale_type(sale_type).active`` in one count query (none when the guide is off), for pages that
    only need to know whether to show a guide."""
    if not sale_type.has_guide:
        return False
    live = SaleTypeStage.objects.filter(sale_type_id=sale_type.pk, removed=False, stage__deleted=False)
    return guide_status(True, live.count()).active


def guide_of_sale_type(sale_type: SaleType) -> GuideView:
    """Three queries whatever the size of the guide: links with stages, follow-ups, documents."""
    links = (
        SaleTypeStage.objects.filter(sale_type=sale_type, removed=False, stage__deleted=False)
        .select_related("stage")
        .prefetch_related(
            Prefetch(
                "followups",
                queryset=SuggestedFollowup.objects.filter(deleted=False)
                .select_related("activity_type")
                .order_by("rank", "id"),
            ),
            Prefetch(
                "documents",
                queryset=SuggestedDocument.objects.filter(deleted=False)
                .select_related("template")
                .order_by("rank", "id"),
            ),
        )
        .order_by("rank", "id")
    )
    stages = [
        GuideStageView(
            stage_id=link.stage_id,
            name=link.stage.name,
            probability=link.stage.probability,
            description=link.stage.description,
            expected_days=link.expected_days,
            followups=[
                FollowupView(
                    id=f.pk,
                    name=f.name,
                    purpose=f.purpose,
                    activity_type_id=f.activity_type_id,
                    activity_type_name=f.activity_type.name,
                    activity_kind=f.activity_type.kind,
                    days_offset=f.days_offset,
                    duration_minutes=f.duration_minutes,
                    text=f.text,
                    auto_suggest=f.auto_suggest,
                    rank=f.rank,
                )
                for f in link.followups.all()
            ],
            documents=[
                DocumentView(
                    id=d.pk,
                    name=d.name,
                    purpose=d.purpose,
                    template_id=d.template_id,
                    template_name=d.template.name,
                    template_kind=d.template.kind,
                    subject=d.subject,
                    our_reference=d.our_reference,
                    rank=d.rank,
                )
                for d in link.documents.all()
            ],
        )
        for link in links
    ]
    return GuideView(
        sale_type_id=sale_type.pk,
        name=sale_type.name,
        has_guide=sale_type.has_guide,
        auto_advance=sale_type.auto_advance,
        probability_policy=sale_type.probability_policy,
        stages=stages,
    )
