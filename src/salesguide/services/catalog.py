"""Stages and the small lists (activity types, reasons, competitors, categories)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction

from salesguide.domain import catalog as rules
from salesguide.domain import selling
from salesguide.domain.errors import DuplicateName, FieldProblem, Message, gettext_noop
from salesguide.models import ActivityType, Category, Competitor, Reason, SaleType, SaleTypeStage, Stage, User
from salesguide.queries.guides import StageLink, stage_links
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


def stage_problems(fields: Mapping[str, Any]) -> list[FieldProblem]:
    """What ``create_stage`` or ``update_stage`` refuses about the given fields, all at once and without writing:
    a form whose other fields did not parse shows these with its own (issue 9, item 12)."""
    return _stage_problems(
        fields.get("name", _UNSET), fields.get("probability", _UNSET), fields.get("description", _UNSET)
    )


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


@dataclass(frozen=True)
class StageDeletionEffect:
    """What deleting a stage does to one sale type that uses it (decision 0006)."""

    sale_type_id: int
    sale_type_name: str
    sale_type_deleted: bool
    guide_on: bool
    # The guide would keep fewer than two stages, so deleting the stage switches it off.
    guide_switched_off: bool
    # Open sales of this type in the stage, and the stage they move to (SPEC 3.10); None: no stage is left.
    open_sales: int
    move_to_stage_id: int | None
    move_to_stage_name: str | None

    @property
    def notice(self) -> Message | None:
        if not self.guide_switched_off:
            return None
        return Message(
            gettext_noop("The guide of “%(sale_type)s” is switched off: a guide needs at least two stages."),
            {"sale_type": self.sale_type_name},
        )


@dataclass(frozen=True)
class StageDeletion:
    """A stage deletion, planned (``stage_deletion_plan``) or done (``delete_stage``): the same effects."""

    stage: Stage
    effects: list[StageDeletionEffect]

    @property
    def notices(self) -> list[Message]:
        return [e.notice for e in self.effects if e.notice is not None]


def _deletion_effect(link: StageLink, stage_id: int) -> StageDeletionEffect:
    remaining = link.order_without(stage_id)
    target = selling.stage_after_removal(list(link.order), stage_id, remaining)
    return StageDeletionEffect(
        sale_type_id=link.sale_type_id,
        sale_type_name=link.sale_type_name,
        sale_type_deleted=link.sale_type_deleted,
        guide_on=link.has_guide,
        guide_switched_off=link.has_guide and not rules.guide_status(True, len(remaining)).active,
        open_sales=link.open_sales,
        move_to_stage_id=target,
        move_to_stage_name=link.stage_names.get(target) if target is not None else None,
    )


def stage_deletion_plan(actor: User, stage_id: int) -> StageDeletion:
    """What ``delete_stage`` would do, for the confirmation: each sale type that uses the stage, whether its
    guide is switched off, and how many open sales move where. Changes nothing."""
    require_admin(actor)
    stage = lists.get_item(Stage, stage_id)
    if stage.deleted:
        return StageDeletion(stage, [])
    return StageDeletion(stage, [_deletion_effect(link, stage.pk) for link in stage_links(stage.pk)])


@transaction.atomic
def delete_stage(actor: User, stage_id: int) -> StageDeletion:
    """Soft delete: guides hide the stage, records that use it keep showing its name, an admin can restore it.
    Open sales in it move to the next remaining stage of their type (SPEC 3.10), and a guide left with fewer
    than two stages is switched off (decision 0006): the delete goes through and the answer says so."""
    require_admin(actor)
    stage = lists.get_item(Stage, stage_id)
    if stage.deleted:
        return StageDeletion(stage, [])
    links = stage_links(stage.pk)
    effects = [_deletion_effect(link, stage.pk) for link in links]
    orders_before = {link.sale_type_id: list(link.order) for link in links}
    lists.soft_delete(stage)
    sales.move_open_sales_after_stage_removal(actor, list(orders_before), stage.pk, orders_before, reason=stage.name)
    switched_off = [e.sale_type_id for e in effects if e.guide_switched_off]
    if switched_off:
        SaleType.objects.filter(pk__in=switched_off).update(has_guide=False)
    return StageDeletion(stage, effects)


def stage_restore_plan(actor: User, stage_id: int) -> list[StageLink]:
    """The sale types a deleted stage was in, with their suggestions on it, for the admin to choose which it goes
    back into. Empty for a live stage."""
    require_admin(actor)
    stage = lists.get_item(Stage, stage_id)
    return stage_links(stage.pk) if stage.deleted else []


@dataclass(frozen=True)
class StageRestore:
    stage: Stage
    back_in: list[StageLink]
    left_out: list[StageLink]


@transaction.atomic
def restore_stage(actor: User, stage_id: int, *, sale_type_ids: Sequence[int] | None = None) -> StageRestore:
    """Bring a deleted stage back, into the sale types in ``sale_type_ids`` (None: every one it was in). A sale
    type left out gets the link marked removed, so its suggestions come back if the stage is put into that type
    again (decision 0003). Sales that moved when it was deleted stay where they are; a guide switched off then
    stays off. Restoring a live stage changes nothing."""
    require_admin(actor)
    stage = lists.get_item(Stage, stage_id)
    if not stage.deleted:
        return StageRestore(stage, [], [])
    links = stage_links(stage.pk)
    known = {link.sale_type_id for link in links}
    chosen = known if sale_type_ids is None else set(sale_type_ids)
    strangers = sorted(chosen - known)
    if strangers:
        rules.raise_if_problems(
            [
                FieldProblem(
                    ("sale_type_ids",),
                    Message(
                        gettext_noop("The stage was not in these sale types when it was deleted: %(ids)s."),
                        {"ids": ", ".join(map(str, strangers))},
                    ),
                )
            ]
        )
    lists.restore(stage)
    left_out = [link for link in links if link.sale_type_id not in chosen]
    if left_out:
        SaleTypeStage.objects.filter(stage=stage, sale_type_id__in=[link.sale_type_id for link in left_out]).update(
            removed=True
        )
    return StageRestore(stage, [link for link in links if link.sale_type_id in chosen], left_out)


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


def activity_type_problems(fields: Mapping[str, Any]) -> list[FieldProblem]:
    """What the activity type services refuse about the given fields, without writing (see ``stage_problems``)."""
    return _activity_type_problems(
        fields.get("name", _UNSET), fields.get("kind", _UNSET), fields.get("default_duration_minutes", _UNSET)
    )


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
