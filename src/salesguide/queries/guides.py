"""The guide of a sale type as the designer, the preview and the API show it."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from salesguide.domain.catalog import GuideStatus, guide_status
from salesguide.models import Sale, SaleStatus, SaleType, SaleTypeStage, SuggestedDocument, SuggestedFollowup


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
    # What a follow-up made from it lasts when the suggestion gives no duration.
    activity_type_minutes: int = 0
    # Required before leaving this stage (SPEC 6.3); the sale type's ``exit_criteria`` says what that means.
    required: bool = False

    @property
    def minutes(self) -> int:
        return self.duration_minutes or self.activity_type_minutes


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
    required: bool = False


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
    exit_criteria: str = "off"
    # A deleted sale type's guide is shown to nobody, although its flag and suggestions are kept for a restore.
    sale_type_deleted: bool = False

    @property
    def active(self) -> bool:
        """Whether salespeople see this guide on their sales: on, with two stages, of a live sale type."""
        return not self.sale_type_deleted and guide_status(self.has_guide, len(self.stages)).active


def live_link_filter(prefix: str = "") -> Q:
    """The one definition of a live stage of a sale type: the link is not taken out of the type and the stage
    is not deleted (decision 0003). ``prefix`` reaches the links through a relation (``"links__"``), for counts."""
    return Q(**{f"{prefix}removed": False, f"{prefix}stage__deleted": False})


def live_links(sale_type_id: int | None = None) -> QuerySet[SaleTypeStage]:
    """The live links of one sale type (or of every type, for a prefetch), in the type's order."""
    links = SaleTypeStage.objects.filter(live_link_filter())
    if sale_type_id is not None:
        links = links.filter(sale_type_id=sale_type_id)
    return links.order_by("rank", "id")


@dataclass(frozen=True)
class LiveStage:
    stage_id: int
    name: str
    probability: int
    rank: int
    # The sale type's expected days in this stage (SPEC 6.2): the stored aging of a sale entering it.
    expected_days: int | None = None


def live_stages(sale_type_id: int) -> list[LiveStage]:
    """The live stages of a sale type in order, in one query: what a stage select, the rules of selling
    (``services.sales.stages_of``) and every other list of a type's stages start from."""
    rows = live_links(sale_type_id).values_list(
        "stage_id", "stage__name", "stage__probability", "rank", "expected_days"
    )
    return [LiveStage(*row) for row in rows]


def has_active_guide(sale_type: SaleType) -> bool:
    """``guide_of_sale_type(sale_type).active`` in one count query (none when the guide is off or the sale type
    is deleted), for pages that only need to know whether to show a guide."""
    if not sale_type.has_guide or sale_type.deleted:
        return False
    return guide_status(True, live_links(sale_type.pk).count()).active


def guide_of_sale_type(sale_type: SaleType) -> GuideView:
    """Three queries whatever the size of the guide: links with stages, follow-ups, documents. Plain values, not
    model objects: the card reads this on every open (decision 0005), and building some sixty model instances
    cost more than the three statements."""
    links = list(
        live_links(sale_type.pk).values_list(
            "id", "stage_id", "stage__name", "stage__probability", "stage__description", "expected_days"
        )
    )
    link_ids = [link[0] for link in links]
    followups: dict[int, list[FollowupView]] = {link_id: [] for link_id in link_ids}
    documents: dict[int, list[DocumentView]] = {link_id: [] for link_id in link_ids}
    if link_ids:
        followup_rows: Iterable[tuple[Any, ...]] = (
            SuggestedFollowup.objects.filter(link_id__in=link_ids, deleted=False)
            .order_by("rank", "id")
            .values_list(
                "link_id",
                "id",
                "name",
                "purpose",
                "activity_type_id",
                "activity_type__name",
                "activity_type__kind",
                "days_offset",
                "duration_minutes",
                "text",
                "auto_suggest",
                "rank",
                "activity_type__default_duration_minutes",
                "required",
            )
        )
        for link_id, *values in followup_rows:
            followups[link_id].append(FollowupView(*values))
        document_rows: Iterable[tuple[Any, ...]] = (
            SuggestedDocument.objects.filter(link_id__in=link_ids, deleted=False)
            .order_by("rank", "id")
            .values_list(
                "link_id",
                "id",
                "name",
                "purpose",
                "template_id",
                "template__name",
                "template__kind",
                "subject",
                "our_reference",
                "rank",
                "required",
            )
        )
        for link_id, *values in document_rows:
            documents[link_id].append(DocumentView(*values))
    stages = [
        GuideStageView(
            stage_id=stage_id,
            name=name,
            probability=probability,
            description=description,
            expected_days=expected_days,
            followups=followups[link_id],
            documents=documents[link_id],
        )
        for link_id, stage_id, name, probability, description, expected_days in links
    ]
    return GuideView(
        sale_type_id=sale_type.pk,
        name=sale_type.name,
        has_guide=sale_type.has_guide,
        auto_advance=sale_type.auto_advance,
        probability_policy=sale_type.probability_policy,
        stages=stages,
        exit_criteria=sale_type.exit_criteria,
        sale_type_deleted=sale_type.deleted,
    )


@dataclass(frozen=True)
class StageLink:
    """A sale type a stage is in (or was in when the stage was deleted: deleting a stage keeps its links), as
    deleting and restoring the stage show it."""

    sale_type_id: int
    sale_type_name: str
    sale_type_deleted: bool
    has_guide: bool
    # The type's live stages in order with this stage in its place, and their names.
    order: tuple[int, ...]
    stage_names: dict[int, str]
    # The live suggestions on this stage of this type, by name, in their order.
    followups: tuple[str, ...]
    documents: tuple[str, ...]
    # Open sales of this type in this stage.
    open_sales: int

    def order_without(self, stage_id: int) -> list[int]:
        return [s for s in self.order if s != stage_id]

    @property
    def guide_status(self) -> GuideStatus:
        """The type's guide with this stage in it (what a restore that puts it back leads to)."""
        return guide_status(self.has_guide, len(self.order))


def stage_links(stage_id: int) -> list[StageLink]:
    """Every sale type whose link to the stage is not taken out, deleted sale types included, in the order of
    the sale types. Five queries whatever the number of sale types, stages or suggestions."""
    links = list(
        SaleTypeStage.objects.filter(stage_id=stage_id, removed=False)
        .select_related("sale_type")
        .prefetch_related(
            Prefetch("followups", queryset=SuggestedFollowup.objects.filter(deleted=False).order_by("rank", "id")),
            Prefetch("documents", queryset=SuggestedDocument.objects.filter(deleted=False).order_by("rank", "id")),
        )
        .order_by("sale_type__rank", "sale_type__name", "sale_type_id")
    )
    type_ids = [link.sale_type_id for link in links]
    orders: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for sale_type_id, linked_stage_id, name in (
        SaleTypeStage.objects.filter(sale_type_id__in=type_ids, removed=False)
        .filter(Q(stage__deleted=False) | Q(stage_id=stage_id))
        .order_by("sale_type_id", "rank", "id")
        .values_list("sale_type_id", "stage_id", "stage__name")
    ):
        orders.setdefault(sale_type_id, []).append(linked_stage_id)
        names[linked_stage_id] = name
    open_sales = dict(
        Sale.objects.filter(stage_id=stage_id, status=SaleStatus.OPEN, sale_type_id__in=type_ids)
        .values("sale_type_id")
        .annotate(count=Count("id"))
        .values_list("sale_type_id", "count")
    )
    return [
        StageLink(
            sale_type_id=link.sale_type_id,
            sale_type_name=link.sale_type.name,
            sale_type_deleted=link.sale_type.deleted,
            has_guide=link.sale_type.has_guide,
            order=tuple(orders.get(link.sale_type_id, [])),
            stage_names={s: names[s] for s in orders.get(link.sale_type_id, [])},
            followups=tuple(f.name for f in link.followups.all()),
            documents=tuple(d.name for d in link.documents.all()),
            open_sales=open_sales.get(link.sale_type_id, 0),
        )
        for link in links
    ]
