"""Stages and the small lists (activity types, reasons, competitors, categories)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import IntegrityError, transaction

from salesguide.domain import catalog as rules
from salesguide.domain.errors import DuplicateName, FieldProblem, Message, gettext_noop
from salesguide.models import ActivityType, Category, Competitor, Reason, SaleTypeStage, Stage, User
from salesguide.queries.guides import live_links
from salesguide.services import lists, sales
from salesguide.services.permissions import require_admin

_UNSET: Any = object()


def _duplicate_from_integrity(what: Any, name: str) -> DuplicateName:
    return DuplicateName(
        Message(gettext_noop("There is already a %(what)s named “%(name)s”."), {"what": what, "name": name.strip()})
    )


# --- stages -------------------------------------------------------------------------------------------


def _stage_problems(name: Any, probability: Any, description: Any) -> list[FieldProblem]:
    problems = []
    if name is not _UNSET:
        problems += rules.name_problems(name)
    if probability is not _UNSET:
        problems += rules.probability_problems(probability)
    if description is not _UNSET and description is not None and not isinstance(description, str):
        problems.append(FieldProblem(("description",), Message(gettext_noop("The description must be text."))))
    return problems


@transaction.atomic
def create_stage(actor: User, *, name: str, probability: int, description: str = "") -> Stage:
    require_admin(actor)
    rules.raise_if_problems(_stage_problems(name, probability, description))
    lists.ensure_unique_name(Stage, name)
    try:
        with transaction.atomic():
            return Stage.objects.create(
                name=name.strip(),
                probability=probability,
                description=description or "",
                rank=lists.next_rank(Stage.objects.all()),
            )
    except IntegrityError:
        raise _duplicate_from_integrity(Stage._meta.verbose_name, name) from None


@transaction.atomic
def update_stage(
    actor: User,
    stage_id: int,
    *,
    name: Any = _UNSET,
    probability: Any = _UNSET,
    description: Any = _UNSET,
) -> Stage:
    require_admin(actor)
    stage = lists.get_item(Stage, stage_id)
    rules.raise_if_problems(_stage_problems(name, probability, description))
    if name is not _UNSET:
        if not stage.deleted:
            lists.ensure_unique_name(Stage, name, exclude_id=stage.pk)
        stage.name = name.strip()
    if probability is not _UNSET:
        stage.probability = probability
    if description is not _UNSET:
        stage.description = description or ""
    try:
        with transaction.atomic():
            stage.save()
    except IntegrityError:
        raise _duplicate_from_integrity(Stage._meta.verbose_name, stage.name) from None
    return stage


@transaction.atomic
def delete_stage(actor: User, stage_id: int) -> Stage:
    """Soft delete: guides hide the stage, records that use it keep showing its name, an admin can restore it.
    Open sales in it move to the next remaining stage of their type (SPEC 3.10)."""
    require_admin(actor)
    stage = lists.get_item(Stage, stage_id)
    if stage.deleted:
        return stage
    orders_before = _orders_of_types_using(stage.pk)
    lists.soft_delete(stage)
    sales.move_open_sales_after_stage_removal(actor, list(orders_before), stage.pk, orders_before, reason=stage.name)
    return stage


def _orders_of_types_using(stage_id: int) -> dict[int, list[int]]:
    """For every sale type that uses the stage: its ordered live stage ids."""
    type_ids = SaleTypeStage.objects.filter(stage_id=stage_id, removed=False).values_list("sale_type_id", flat=True)
    orders: dict[int, list[int]] = {}
    for sale_type_id, linked_stage_id in (
        live_links()
        .filter(sale_type_id__in=list(type_ids))
        .order_by("sale_type_id", "rank", "id")
        .values_list("sale_type_id", "stage_id")
    ):
        orders.setdefault(sale_type_id, []).append(linked_stage_id)
    return orders


@transaction.atomic
def restore_stage(actor: User, stage_id: int) -> Stage:
    require_admin(actor)
    return lists.restore(lists.get_item(Stage, stage_id))


def reorder_stages(actor: User, ids: Sequence[int]) -> None:
    require_admin(actor)
    lists.apply_order(Stage.objects.filter(deleted=False), ids)


def move_stage(actor: User, stage_id: int, offset: int) -> None:
    require_admin(actor)
    lists.move_in_order(Stage.objects.filter(deleted=False), stage_id, offset)


# --- activity types -------------------------------------------------------------------------------------


def _activity_type_problems(name: Any, kind: Any, minutes: Any) -> list[FieldProblem]:
    problems = []
    if name is not _UNSET:
        problems += rules.name_problems(name)
    if kind is not _UNSET:
        problems += rules.choice_problems(kind, [k.value for k in rules.ActivityKind], ("kind",))
    if minutes is not _UNSET:
        problems += rules.non_negative_problems(minutes, ("default_duration_minutes",), maximum=24 * 60 * 7)
    return problems


@transaction.atomic
def create_activity_type(
    actor: User, *, name: str, kind: str = "task", default_duration_minutes: int = 30
) -> ActivityType:
    require_admin(actor)
    rules.raise_if_problems(_activity_type_problems(name, kind, default_duration_minutes))
    lists.ensure_unique_name(ActivityType, name)
    return ActivityType.objects.create(
        name=name.strip(),
        kind=kind,
        default_duration_minutes=default_duration_minutes or 0,
        rank=lists.next_rank(ActivityType.objects.all()),
    )


@transaction.atomic
def update_activity_type(
    actor: User, item_id: int, *, name: Any = _UNSET, kind: Any = _UNSET, default_duration_minutes: Any = _UNSET
) -> ActivityType:
    require_admin(actor)
    item = lists.get_item(ActivityType, item_id)
    rules.raise_if_problems(_activity_type_problems(name, kind, default_duration_minutes))
    if name is not _UNSET:
        if not item.deleted:
            lists.ensure_unique_name(ActivityType, name, exclude_id=item.pk)
        item.name = name.strip()
    if kind is not _UNSET:
        item.kind = kind
    if default_duration_minutes is not _UNSET:
        item.default_duration_minutes = default_duration_minutes or 0
    item.save()
    return item


# --- reasons, competitors, categories ---------------------------------------------------------------------


@transaction.atomic
def create_reason(actor: User, *, name: str, kind: str) -> Reason:
    require_admin(actor)
    rules.raise_if_problems(
        rules.name_problems(name) + rules.choice_problems(kind, [k.value for k in rules.ReasonKind], ("kind",))
    )
    lists.ensure_unique_name(Reason, name, scope={"kind": kind})
    return Reason.objects.create(name=name.strip(), kind=kind, rank=lists.next_rank(Reason.objects.filter(kind=kind)))


@transaction.atomic
def update_reason(actor: User, item_id: int, *, name: Any = _UNSET, kind: Any = _UNSET) -> Reason:
    require_admin(actor)
    item = lists.get_item(Reason, item_id)
    problems = []
    if name is not _UNSET:
        problems += rules.name_problems(name)
    if kind is not _UNSET:
        problems += rules.choice_problems(kind, [k.value for k in rules.ReasonKind], ("kind",))
    rules.raise_if_problems(problems)
    new_name = name.strip() if name is not _UNSET else item.name
    new_kind = kind if kind is not _UNSET else item.kind
    if not item.deleted:
        lists.ensure_unique_name(Reason, new_name, exclude_id=item.pk, scope={"kind": new_kind})
    item.name, item.kind = new_name, new_kind
    item.save()
    return item


@transaction.atomic
def create_named_item(actor: User, model: type[Competitor] | type[Category], *, name: str) -> Any:
    """Competitors and categories: a name and nothing else."""
    require_admin(actor)
    rules.raise_if_problems(rules.name_problems(name))
    lists.ensure_unique_name(model, name)
    return model._default_manager.create(name=name.strip(), rank=lists.next_rank(model._default_manager.all()))


@transaction.atomic
def rename_item(actor: User, model: type[Competitor] | type[Category], item_id: int, *, name: str) -> Any:
    require_admin(actor)
    item = lists.get_item(model, item_id)
    rules.raise_if_problems(rules.name_problems(name))
    if not item.deleted:
        lists.ensure_unique_name(model, name, exclude_id=item.pk)
    item.name = name.strip()
    item.save()
    return item


LIST_MODELS: dict[str, type[Any]] = {
    "stage": Stage,
    "activity_type": ActivityType,
    "reason": Reason,
    "competitor": Competitor,
    "category": Category,
}


@transaction.atomic
def delete_list_item(actor: User, model: type[Any], item_id: int) -> Any:
    require_admin(actor)
    return lists.soft_delete(lists.get_item(model, item_id))


@transaction.atomic
def restore_list_item(actor: User, model: type[Any], item_id: int) -> Any:
    require_admin(actor)
    item = lists.get_item(model, item_id)
    scope = {"kind": item.kind} if model is Reason else None
    return lists.restore(item, unique_scope=scope)


def reorder_list(actor: User, model: type[Any], ids: Sequence[int]) -> None:
    require_admin(actor)
    lists.apply_order(model._default_manager.filter(deleted=False), ids)


def move_list_item(actor: User, model: type[Any], item_id: int, offset: int) -> None:
    require_admin(actor)
    qs = model._default_manager.filter(deleted=False)
    if model is Reason:
        qs = qs.filter(kind=lists.get_item(Reason, item_id).kind)
    lists.move_in_order(qs, item_id, offset)
