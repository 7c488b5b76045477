"""The ordered list of stages a sale type uses, as the admin arranges it in a form before saving.

The list travels in the form as hidden ``stage_ids`` inputs; buttons named ``op`` (``add``, ``up:<id>``,
``down:<id>``, ``remove:<id>``) change it and re-show the form, with or without JavaScript. Nothing is saved
until the admin saves the whole form, so arranging never leaves a half-made sale type behind.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.http import QueryDict

from salesguide.domain import catalog as rules
from salesguide.domain.errors import DomainError
from salesguide.models import Stage

ARRANGE_OPS = ("add", "up:", "down:", "remove:")


def parse_ids(values: Sequence[str]) -> list[int]:
    """Whole positive ids in their order, each once; anything else is dropped (it can only come from a
    tampered form, and the service checks the stages again)."""
    ids: list[int] = []
    for value in values:
        if value.isdigit() and int(value) not in ids:
            ids.append(int(value))
    return ids


def is_arrange_op(op: str) -> bool:
    return op == "add" or op.startswith(ARRANGE_OPS[1:])


def arranged(data: QueryDict) -> list[int]:
    """The stage list after the ``op`` the admin pressed."""
    ids = parse_ids(data.getlist("stage_ids"))
    op = data.get("op", "")
    if op == "add":
        new = parse_ids([data.get("add_stage", "")])
        return ids + [i for i in new if i not in ids]
    action, _, raw_id = op.partition(":")
    if not raw_id.isdigit() or int(raw_id) not in ids:
        return ids
    stage_id = int(raw_id)
    if action == "remove":
        return [i for i in ids if i != stage_id]
    try:
        return rules.moved(ids, stage_id, -1 if action == "up" else 1)
    except DomainError:
        return ids


@dataclass(frozen=True)
class StagePicker:
    chosen: list[Stage]
    available: list[Stage]

    @property
    def chosen_ids(self) -> list[int]:
        return [stage.pk for stage in self.chosen]


def stage_picker(stage_ids: Sequence[int]) -> StagePicker:
    """The chosen stages in order (deleted ones left out) and the live stages that can still be added."""
    live = list(Stage.objects.filter(deleted=False).order_by("rank", "id"))
    by_id = {stage.pk: stage for stage in live}
    chosen = [by_id[i] for i in stage_ids if i in by_id]
    taken = {stage.pk for stage in chosen}
    return StagePicker(chosen=chosen, available=[stage for stage in live if stage.pk not in taken])
