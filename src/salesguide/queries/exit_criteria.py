"""What the exit criteria (``domain.exit_criteria``) need to know of a sale: the required suggestions of the
stages a move leaves, and which of them the sale has done — at most four queries, asked only when the sale type's
mode is warn or block and the move leaves a stage (a sale type with exit criteria off costs the move nothing)."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from salesguide.domain.exit_criteria import ItemKind, RequiredItem
from salesguide.domain.guide_progress import CreatedActivity, followup_done
from salesguide.models import Activity, Document, SuggestedDocument, SuggestedFollowup


def required_items(sale_type_id: int, stage_ids: Collection[int]) -> list[RequiredItem]:
    """The live suggestions marked required in ``stage_ids`` of the sale type, follow-ups first, each in the
    guide's order (stage rank, then the suggestion's rank)."""
    if not stage_ids:
        return []
    where = {
        "required": True,
        "deleted": False,
        "link__sale_type_id": sale_type_id,
        "link__stage_id__in": list(stage_ids),
        "link__removed": False,
    }
    items: list[RequiredItem] = []
    for model, kind in ((SuggestedFollowup, ItemKind.FOLLOWUP), (SuggestedDocument, ItemKind.DOCUMENT)):
        rows = (
            model.objects.filter(**where)
            .order_by("link__rank", "link_id", "rank", "id")
            .values_list("id", "name", "link__stage_id")
        )
        items.extend(RequiredItem(suggestion_id, name, kind, stage_id) for suggestion_id, name, stage_id in rows)
    return items


def done_items(sale_id: int, required: Sequence[RequiredItem]) -> tuple[set[int], set[int]]:
    """The ids of ``required`` follow-ups done on the sale (created, and everything created from it completed)
    and of required documents created for it."""
    followup_ids = [item.suggestion_id for item in required if item.kind == ItemKind.FOLLOWUP]
    document_ids = [item.suggestion_id for item in required if item.kind == ItemKind.DOCUMENT]
    created: dict[int, list[CreatedActivity]] = {}
    if followup_ids:
        for activity_id, suggestion_id, start, completed_at in Activity.objects.filter(
            sale_id=sale_id, suggested_followup_id__in=followup_ids
        ).values_list("id", "suggested_followup_id", "start", "completed_at"):
            created.setdefault(suggestion_id, []).append(CreatedActivity(activity_id, start, completed_at is not None))
    done_documents: set[int] = set()
    if document_ids:
        done_documents = set(
            Document.objects.filter(sale_id=sale_id, suggested_document_id__in=document_ids).values_list(
                "suggested_document_id", flat=True
            )
        )
    return {suggestion_id for suggestion_id, made in created.items() if followup_done(made)}, done_documents
