"""Shared mechanics for the admin's list items: unique live names, soft delete, restore, reorder.

Every list (stages, activity types, templates, reasons, competitors, categories, sale types) uses these, so
the rules are the same everywhere: names unique among live items ignoring case, delete is soft, restore
refuses a name that was taken meanwhile, a reorder names the full new order.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, TypeVar

from django.db import models, transaction

from salesguide.domain import catalog as rules
from salesguide.domain.errors import DuplicateName, Message, NotFound, gettext_noop

M = TypeVar("M", bound=models.Model)


def not_found(model: type[models.Model], item_id: object) -> NotFound:
    # The model's verbose name stays lazy, so it is translated into the language of whoever reads the message.
    return NotFound(
        Message(gettext_noop("No %(what)s with id %(id)s."), {"what": model._meta.verbose_name, "id": item_id})
    )


def get_item(model: type[M], item_id: int, *, include_deleted: bool = True) -> M:
    qs = model._default_manager.all()
    if not include_deleted:
        qs = qs.filter(deleted=False)
    try:
        return qs.get(pk=item_id)
    except (model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise not_found(model, item_id) from None


def ensure_unique_name(
    model: type[models.Model], name: str, *, exclude_id: int | None = None, scope: dict[str, Any] | None = None
) -> None:
    qs = model._default_manager.filter(name__iexact=name.strip(), deleted=False, **(scope or {}))
    if exclude_id is not None:
        qs = qs.exclude(pk=exclude_id)
    existing = qs.values_list("name", flat=True).first()
    if existing is not None:
        raise DuplicateName(
            Message(
                gettext_noop("There is already a %(what)s named “%(name)s”."),
                {"what": model._meta.verbose_name, "name": existing},
            )
        )


def next_rank(qs: models.QuerySet[Any]) -> int:
    last = qs.order_by("-rank").values_list("rank", flat=True).first()
    return 0 if last is None else last + 1


def soft_delete(item: M) -> M:
    if not item.deleted:  # type: ignore[attr-defined]
        item.deleted = True  # type: ignore[attr-defined]
        item.save(update_fields=["deleted"])
    return item


def restore(item: M, *, unique_scope: dict[str, Any] | None = None) -> M:
    if item.deleted:  # type: ignore[attr-defined]
        ensure_unique_name(type(item), item.name, exclude_id=item.pk, scope=unique_scope)  # type: ignore[attr-defined]
        item.deleted = False  # type: ignore[attr-defined]
        item.save(update_fields=["deleted"])
    return item


@transaction.atomic
def apply_order(qs: models.QuerySet[Any], ids: Sequence[int]) -> None:
    """Give the items of ``qs`` the ranks of ``ids`` (the full new order of ``qs``)."""
    current = list(qs.values_list("pk", flat=True))
    order = rules.reordered(current, list(ids))
    by_id = {obj.pk: obj for obj in qs.select_for_update()}
    changed = []
    for rank, pk in enumerate(order):
        obj = by_id[pk]
        if obj.rank != rank:
            obj.rank = rank
            changed.append(obj)
    if changed:
        qs.model._default_manager.bulk_update(changed, ["rank"])


def move_in_order(qs: models.QuerySet[Any], item_id: int, offset: int) -> None:
    """Move one item up (negative offset) or down within ``qs``."""
    current = list(qs.values_list("pk", flat=True))
    apply_order(qs, rules.moved(current, item_id, offset))
