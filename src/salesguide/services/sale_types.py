"""Sale types, the ordered stages they use, and switching their guide on and off."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction

from salesguide.domain import catalog as rules
from salesguide.domain.errors import FieldProblem, Message, NotFound, gettext_noop
from salesguide.domain.exit_criteria import ExitMode
from salesguide.models import Category, SaleType, SaleTypeStage, Stage, User
from salesguide.queries.guides import live_links
from salesguide.services import lists, sales, stored_aging
from salesguide.services.permissions import require_admin

_UNSET: Any = object()


def sale_type_problems(fields: dict[str, Any]) -> list[FieldProblem]:
    """What is wrong with the given fields of a sale type, all at once; a form whose other fields did not parse
    shows these with its own (issue 9, item 12)."""
    problems: list[FieldProblem] = []
    if "name" in fields:
        problems += rules.name_problems(fields["name"])
    if "description" in fields and not isinstance(fields["description"] or "", str):
        problems.append(FieldProblem(("description",), Message(gettext_noop("The description must be text."))))
    if "duration" in fields:
        problems += rules.non_negative_problems(fields["duration"] or 0, ("duration",), maximum=10_000)
    if "duration_unit" in fields:
        problems += rules.choice_problems(
            fields["duration_unit"], [u.value for u in rules.DurationUnit], ("duration_unit",)
        )
    if "probability_policy" in fields:
        problems += rules.choice_problems(
            fields["probability_policy"], [p.value for p in rules.ProbabilityPolicy], ("probability_policy",)
        )
    if "exit_criteria" in fields:
        problems += rules.choice_problems(fields["exit_criteria"], [m.value for m in ExitMode], ("exit_criteria",))
    if "stage_ids" in fields:
        problems += rules.stage_ids_problems(list(fields["stage_ids"] or []))
    return problems


def _live_stages(stage_ids: Sequence[int]) -> list[Stage]:
    found = {s.pk: s for s in Stage.objects.filter(pk__in=stage_ids, deleted=False)}
    missing = [i for i in stage_ids if i not in found]
    if missing:
        raise NotFound(Message(gettext_noop("No stage with id %(id)s."), {"id": ", ".join(str(i) for i in missing)}))
    return [found[i] for i in stage_ids]


def _category(category_id: int | None) -> Category | None:
    if category_id is None:
        return None
    return lists.get_item(Category, category_id, include_deleted=False)


def active_links(sale_type: SaleType) -> list[SaleTypeStage]:
    """The stages a sale type uses, in order (removed links and deleted stages left out)."""
    return list(live_links(sale_type.pk).select_related("stage"))


def set_stages(sale_type: SaleType, stage_ids: Sequence[int], actor: User | None = None) -> None:
    """Make ``stage_ids`` the type's ordered stages. A stage taken out keeps its link (marked removed) and its
    suggestions, so putting it back brings them back; open sales in it move on (SPEC 3.10)."""
    stages = _live_stages(stage_ids)
    order_before = [link.stage_id for link in active_links(sale_type)] if sale_type.pk else []
    links = {link.stage_id: link for link in sale_type.links.all()}
    keep = set(stage_ids)
    for rank, stage in enumerate(stages):
        link = links.get(stage.pk)
        if link is None:
            SaleTypeStage.objects.create(sale_type=sale_type, stage=stage, rank=rank)
        elif link.rank != rank or link.removed:
            link.rank, link.removed = rank, False
            link.save(update_fields=["rank", "removed"])
    taken_out = []
    for stage_id, link in links.items():
        if stage_id not in keep and not link.removed:
            link.removed = True
            link.save(update_fields=["removed"])
            taken_out.append(link)
    for link in taken_out:
        sales.move_open_sales_after_stage_removal(
            actor, [sale_type.pk], link.stage_id, {sale_type.pk: order_before}, reason=link.stage.name
        )


@transaction.atomic
def create_sale_type(
    actor: User,
    *,
    name: str,
    description: str = "",
    category_id: int | None = None,
    duration: int = 0,
    duration_unit: str = "days",
    stage_ids: Sequence[int] = (),
    has_guide: bool = False,
    auto_advance: bool = False,
    probability_policy: str = "follow_stage",
    exit_criteria: str = "off",
) -> SaleType:
    require_admin(actor)
    fields = {
        "name": name,
        "description": description,
        "duration": duration,
        "duration_unit": duration_unit,
        "probability_policy": probability_policy,
        "exit_criteria": exit_criteria,
        "stage_ids": stage_ids,
    }
    rules.raise_if_problems(sale_type_problems(fields))
    lists.ensure_unique_name(SaleType, name)
    stage_ids = list(stage_ids)
    rules.check_guide_can_be_on(has_guide, len(stage_ids))
    sale_type = SaleType.objects.create(
        name=name.strip(),
        description=description or "",
        category=_category(category_id),
        duration=duration or 0,
        duration_unit=duration_unit,
        has_guide=has_guide,
        auto_advance=auto_advance,
        probability_policy=probability_policy,
        exit_criteria=exit_criteria,
        rank=lists.next_rank(SaleType.objects.all()),
    )
    set_stages(sale_type, stage_ids)
    return sale_type


@transaction.atomic
def update_sale_type(actor: User, sale_type_id: int, **changes: Any) -> SaleType:
    """Change any of the fields of ``create_sale_type``; ``stage_ids`` replaces the ordered stages."""
    require_admin(actor)
    allowed = {
        "name",
        "description",
        "category_id",
        "duration",
        "duration_unit",
        "stage_ids",
        "has_guide",
        "auto_advance",
        "probability_policy",
        "exit_criteria",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    sale_type = SaleType.objects.select_for_update().filter(pk=sale_type_id).first()
    if sale_type is None:
        raise lists.not_found(SaleType, sale_type_id)
    rules.raise_if_problems(sale_type_problems(changes))
    if "name" in changes:
        if not sale_type.deleted:
            lists.ensure_unique_name(SaleType, changes["name"], exclude_id=sale_type.pk)
        sale_type.name = changes["name"].strip()
    for field in ("description", "duration"):
        if field in changes:
            setattr(sale_type, field, changes[field] or ("" if field == "description" else 0))
    for field in ("duration_unit", "probability_policy", "exit_criteria", "auto_advance"):
        if field in changes:
            setattr(sale_type, field, changes[field])
    if "category_id" in changes:
        sale_type.category = _category(changes["category_id"])
    if "stage_ids" in changes:
        set_stages(sale_type, list(changes["stage_ids"] or []), actor)
    stage_count = len(active_links(sale_type))
    has_guide = changes.get("has_guide", sale_type.has_guide)
    # Only refuse what this change asks for: a guide that is already on keeps running if a stage is deleted.
    if "has_guide" in changes or "stage_ids" in changes:
        rules.check_guide_can_be_on(bool(has_guide), stage_count)
    sale_type.has_guide = bool(has_guide)
    sale_type.save()
    return sale_type


def set_guide_active(actor: User, sale_type_id: int, active: bool) -> SaleType:
    """Deactivate / reactivate a guide (SPEC 2.6): only the flag changes, every suggestion stays."""
    return update_sale_type(actor, sale_type_id, has_guide=active)


@transaction.atomic
def delete_sale_type(actor: User, sale_type_id: int) -> SaleType:
    require_admin(actor)
    return lists.soft_delete(lists.get_item(SaleType, sale_type_id))


@transaction.atomic
def restore_sale_type(actor: User, sale_type_id: int) -> SaleType:
    require_admin(actor)
    return lists.restore(lists.get_item(SaleType, sale_type_id))


def reorder_sale_types(actor: User, ids: Sequence[int]) -> None:
    require_admin(actor)
    lists.apply_order(SaleType.objects.filter(deleted=False), ids)


@transaction.atomic
def set_expected_days(actor: User, sale_type_id: int, stage_id: int, expected_days: int | None) -> None:
    require_admin(actor)
    rules.raise_if_problems(rules.non_negative_problems(expected_days, ("expected_days",), maximum=3650))
    link = SaleTypeStage.objects.filter(sale_type_id=sale_type_id, stage_id=stage_id, removed=False).first()
    if link is None:
        raise NotFound(Message(gettext_noop("This sale type does not use that stage.")))
    link.expected_days = expected_days
    link.save(update_fields=["expected_days"])
    stored_aging.refresh_link(sale_type_id, stage_id, expected_days)  # its open sales' stale_from, set-based
