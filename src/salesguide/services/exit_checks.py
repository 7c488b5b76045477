"""Exit criteria as the service that moves sales asks them (SPEC 6.3, decision 0012): what a move to a stage (or
closing as sold) leaves undone of the required items, read only (``exit_preview``, which the move dialog shows
before anything is written), and the verdict that lets the move go ahead, warns, or refuses it
(``exit_verdict``, called by ``services.sales`` inside the move's transaction)."""

from __future__ import annotations

from dataclasses import dataclass

from salesguide.domain import exit_criteria
from salesguide.models import Sale, User
from salesguide.queries import exit_criteria as exit_queries
from salesguide.queries.guides import live_stages
from salesguide.services.permissions import may_override_exit_criteria


def exit_verdict(
    actor: User, sale: Sale, target_stage_id: int | None, override_reason: str | None
) -> exit_criteria.Verdict:
    """The exit criteria's verdict on moving ``sale`` to ``target_stage_id`` (None: closing it as sold), raising
    when block mode refuses it (SPEC 6.3). Called after the rules of selling allowed the move, so a move refused
    for another reason keeps that reason. A type with the criteria off, or without its guide on, asks nothing."""
    exit_criteria.clean_override_reason(override_reason)  # a reason too long is refused in every mode
    preview = exit_preview(actor, sale, target_stage_id)
    return exit_criteria.verdict(
        preview.mode, preview.missing, override_reason=override_reason, may_override=preview.may_override
    )


@dataclass(frozen=True)
class ExitPreview:
    """What moving a sale on would meet, for the move dialog to show before anything is written: the sale type's
    mode, the required items not done, and whether the user may move on past them with a reason."""

    mode: exit_criteria.ExitMode
    missing: tuple[exit_criteria.RequiredItem, ...]
    may_override: bool

    @property
    def blocks(self) -> bool:
        return self.mode == exit_criteria.ExitMode.BLOCK and bool(self.missing)

    @property
    def warns(self) -> bool:
        return self.mode == exit_criteria.ExitMode.WARN and bool(self.missing)


def exit_preview(actor: User, sale: Sale, target_stage_id: int | None) -> ExitPreview:
    """The exit criteria of moving ``sale`` to ``target_stage_id`` (None: closing it as sold), read only."""
    mode = exit_criteria.ExitMode(sale.sale_type.exit_criteria)
    missing: tuple[exit_criteria.RequiredItem, ...] = ()
    if mode != exit_criteria.ExitMode.OFF and sale.sale_type.has_guide:
        order = [stage.stage_id for stage in live_stages(sale.sale_type_id)]
        left = exit_criteria.stages_left(order, sale.stage_id, target_stage_id)
        required = exit_queries.required_items(sale.sale_type_id, left)
        if required:
            done_followups, done_documents = exit_queries.done_items(sale.pk, required)
            missing = tuple(
                exit_criteria.missing_items(
                    required, left, done_followups=done_followups, done_documents=done_documents
                )
            )
    return ExitPreview(mode, missing, may_override_exit_criteria(actor))
