"""Sales: the single writer of every change of stage, status and probability (SPEC 3).

Whatever path a change takes — the card, the guide tab, the API, later the board or an import — it comes here,
is decided by the pure rules in ``domain.selling``, and writes exactly one ``StageChange`` row per change.
Edits carry the ``version`` the client read; a stale one is refused (optimistic locking).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone

from salesguide.domain import aging, exit_criteria, money, selling
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import (
    FieldProblem,
    Message,
    NotAllowed,
    StaleVersion,
    gettext_noop,
)
from salesguide.models import (
    Company,
    Competitor,
    Contact,
    Reason,
    Sale,
    SaleType,
    SaleTypeStage,
    StageChange,
    User,
)
from salesguide.queries.guides import live_stages
from salesguide.services import exit_checks, lists, pipeline_totals, sale_fields
from salesguide.services.clock import today_for
from salesguide.services.permissions import (
    may_change_sale,
    may_choose_owner,
    require_change_sale,
    require_user,
    sale_state,
)

# Checked with the other fields' problems by forms and the API too: they ask ``services.sales`` for them.
from salesguide.services.sale_fields import sale_problems

# --- loading, permissions, writing ---------------------------------------------------------------------------


def stages_of(sale_type_id: int) -> list[selling.StageInfo]:
    """The ordered live stages of a sale type, as the rules see them (with their expected days, for the stored
    aging: ``_take_state``)."""
    return [
        selling.StageInfo(stage.stage_id, stage.probability, stage.expected_days) for stage in live_stages(sale_type_id)
    ]


# The sale as the rules see it and who may change it are decided once, in services.permissions. The short names
# stay for this module and for callers not yet moved to permissions (web/sales/guide_views.py).
state_of = sale_state
may_edit = may_change_sale
require_edit = require_change_sale


def lock_sale(sale_id: int, version: int | None = None) -> Sale:
    """The sale, locked for this transaction; ``version`` (when given) must be the one stored."""
    # The sale type comes along (its probability policy decides moves); only the sale's row is locked.
    # At most one row by its key: no ORDER BY/LIMIT to build (``first()`` would add both).
    locked = Sale.objects.select_for_update(of=("self",)).select_related("sale_type").filter(pk=sale_id)
    sale = next(iter(locked), None)
    if sale is None:
        raise lists.not_found(Sale, sale_id)
    if version is not None and version != sale.version:
        raise StaleVersion(
            Message(
                gettext_noop(
                    "Someone else changed this sale meanwhile (version %(current)d, you had %(yours)d). "
                    "Reload it and try again."
                ),
                {"current": sale.version, "yours": version},
            )
        )
    return sale


def _apply(
    sale: Sale,
    outcome: selling.Outcome,
    actor: User | None,
    *,
    reason: str = "",
    at: dt.datetime | None = None,
    exit_verdict: exit_criteria.Verdict | None = None,
    stages: Sequence[selling.StageInfo] | None = None,
) -> None:
    """Copy the new state onto the row and write its history row (with the override reason of ``exit_verdict``
    when a manager moved on past required items). ``stages``: the sale's type's stages the rules used (their
    expected days spare a statement for the stored aging). The caller saves the sale."""
    now = at or timezone.now()
    _take_state(sale, outcome.state, now, stages)
    override = exit_verdict.override_reason if exit_verdict is not None else None
    _write_history(sale, outcome.change, actor, reason=reason, at=now, override_reason=override)
    sale.exit_warnings = exit_verdict.warnings if exit_verdict is not None else ()


def _take_state(
    sale: Sale, state: selling.SaleState, now: dt.datetime, stages: Sequence[selling.StageInfo] | None = None
) -> None:
    moved = state.stage_id != sale.stage_id or state.status != sale.status
    if state.stage_id != sale.stage_id:
        sale.stage_entered_at = now
    sale.stage_id = state.stage_id
    sale.probability = state.probability
    sale.probability_is_manual = state.probability_is_manual
    sale.status = state.status
    sale.stage_when_closed_id = state.stage_when_closed_id
    sale.completed = state.completed
    if moved or stages is not None:
        _keep_stale_from(sale, stages)


def _keep_stale_from(sale: Sale, stages: Sequence[selling.StageInfo] | None) -> None:
    """The stored aging of the sale's new state (``domain.aging.stale_from``, decision 0011): the stage's expected
    days from ``stages`` when given (no statement), else read from the sale type's link."""
    is_open = sale.status == selling.SaleStatus.OPEN
    if not is_open or sale.stage_id is None or sale.stage_entered_at is None:
        sale.stale_from = None
        return
    known = {stage.id: stage.expected_days for stage in stages or ()}
    if sale.stage_id in known:
        expected = known[sale.stage_id]
    else:
        expected = (
            SaleTypeStage.objects.filter(sale_type_id=sale.sale_type_id, stage_id=sale.stage_id, removed=False)
            .values_list("expected_days", flat=True)
            .first()
        )
    sale.stale_from = aging.stale_from(sale.stage_entered_at, expected, is_open=is_open)


def _write_history(
    sale: Sale,
    change: selling.StageChange | None,
    actor: User | None,
    *,
    reason: str,
    at: dt.datetime,
    override_reason: str | None = None,
) -> None:
    if change is not None:
        StageChange.objects.create(
            sale=sale,
            kind=change.kind,
            from_stage_id=change.from_stage_id,
            to_stage_id=change.to_stage_id,
            from_status=change.from_status or "",
            to_status=change.to_status,
            probability_before=change.probability_before,
            probability_after=change.probability_after,
            at=at,
            by=actor if actor is not None and actor.is_authenticated else None,
            reason=reason[:300],
            override_reason=override_reason,
        )


def _changed_fields(sale: Sale) -> list[str] | None:
    """The fields that differ from what was loaded (None when it was not loaded whole: save every field)."""
    loaded = sale.loaded
    if loaded is None:
        return None
    changed = []
    for model_field in Sale._meta.concrete_fields:
        if model_field.primary_key:
            continue
        if model_field.attname not in loaded:
            return None
        if getattr(sale, model_field.attname) != loaded[model_field.attname]:
            changed.append(model_field.name)
    return changed


def save_sale(sale: Sale) -> Sale:
    """Save a changed sale: a new version, only the fields that changed, and its share of the pipeline totals
    moved in the same transaction (decision 0007). Every write of an existing sale ends here."""
    before = pipeline_totals.share_as_loaded(sale)
    sale.version += 1
    changed = _changed_fields(sale)
    sale.save(update_fields=None if changed is None else {*changed, "version", "updated_at"})
    pipeline_totals.record_change(before, pipeline_totals.share_now(sale))
    sale.loaded = {
        model_field.attname: getattr(sale, model_field.attname) for model_field in Sale._meta.concrete_fields
    }
    return sale


def _company(company_id: int | None) -> Company | None:
    return None if company_id is None else lists.get_item(Company, company_id)


def _contact(contact_id: int | None, company: Company | None) -> Contact | None:
    if contact_id is None:
        return None
    contact = lists.get_item(Contact, contact_id)
    if company is not None and contact.company_id not in (None, company.pk):
        # ``sale_problems`` reports this with the other problems; this stays as the write's own guard.
        raise_if_problems(
            [FieldProblem(("contact_id",), Message(gettext_noop("This contact works at another company.")))]
        )
    return contact


def _owner(owner_id: int | None, actor: User) -> User:
    if owner_id is None:
        return actor
    owner = User.objects.filter(pk=owner_id, is_active=True).first()
    if owner is None:
        raise lists.not_found(User, owner_id)
    return owner


def _live_sale_type(sale_type_id: int) -> SaleType:
    return lists.get_item(SaleType, sale_type_id, include_deleted=False)


# --- use cases -----------------------------------------------------------------------------------------------


@transaction.atomic
def create_sale(
    actor: User,
    *,
    title: str,
    sale_type_id: int,
    company_id: int | None = None,
    contact_id: int | None = None,
    owner_id: int | None = None,
    amount: int = 0,
    currency: str | None = None,
    expected_date: dt.date | None = None,
    description: str = "",
) -> Sale:
    """SPEC 3.1: first stage of the type, its probability, expected date today + the type's duration."""
    require_user(actor)
    fields = {
        "title": title,
        "amount": amount,
        "currency": currency,
        "expected_date": expected_date,
        "description": description,
    }
    raise_if_problems(sale_problems({**fields, "company_id": company_id, "contact_id": contact_id}))
    sale_type = _live_sale_type(sale_type_id)
    company = _company(company_id)
    contact = _contact(contact_id, company)
    if company is None and contact is not None and contact.company_id:
        company = contact.company
    owner = _owner(owner_id, actor)
    if owner.pk != actor.pk and not may_choose_owner(actor):
        raise NotAllowed(Message(gettext_noop("Only a manager can create a sale for someone else.")))
    # "Today" where the user who creates the sale is, whichever door they came through.
    today = today_for(actor)
    stages = stages_of(sale_type.pk)
    outcome = selling.start(stages)
    sale = Sale(
        title=title.strip(),
        sale_type=sale_type,
        company=company,
        contact=contact,
        owner=owner,
        amount=amount or 0,
        currency=money.normalise_currency(sale_fields.currency_or_default(currency)),
        expected_date=expected_date or selling.add_duration(today, sale_type.duration, sale_type.duration_unit),
        description=description or "",
        version=1,
    )
    now = timezone.now()
    _take_state(sale, outcome.state, now, stages)
    sale.save()
    _write_history(sale, outcome.change, actor, reason="", at=now)
    pipeline_totals.record_change(None, pipeline_totals.share_now(sale))
    sale.loaded = {
        model_field.attname: getattr(sale, model_field.attname) for model_field in Sale._meta.concrete_fields
    }
    return sale


@transaction.atomic
def update_sale(actor: User, sale_id: int, *, version: int, override_reason: str | None = None, **changes: Any) -> Sale:
    """Edit any field; ``stage_id``, ``probability`` and ``sale_type_id`` go through their rules (a new stage
    through the exit criteria too, with ``override_reason`` for a manager moving on past required items)."""
    allowed = {
        "title",
        "description",
        "company_id",
        "contact_id",
        "owner_id",
        "amount",
        "currency",
        "expected_date",
        "stage_id",
        "probability",
        "sale_type_id",
        "external_ref",
    }
    unknown = set(changes) - allowed
    if unknown:
        raise TypeError(f"unknown fields: {sorted(unknown)}")
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    raise_if_problems(sale_problems(changes, sale=sale))
    for name in ("title", "external_ref"):
        if name in changes:
            setattr(sale, name, changes[name].strip())
    for name in ("description", "amount", "expected_date"):
        if name in changes:
            setattr(sale, name, changes[name] if changes[name] is not None or name == "expected_date" else "")
    if "currency" in changes:
        sale.currency = money.normalise_currency(sale_fields.currency_or_default(changes["currency"]))
    if "company_id" in changes:
        sale.company = _company(changes["company_id"])
    if "contact_id" in changes or "company_id" in changes:
        sale.contact = _contact(changes.get("contact_id", sale.contact_id), sale.company)
    if "owner_id" in changes:
        if changes["owner_id"] != sale.owner_id and not may_choose_owner(actor):
            raise NotAllowed(Message(gettext_noop("Only a manager can hand a sale to someone else.")))
        sale.owner = _owner(changes["owner_id"], actor)
    if "sale_type_id" in changes and changes["sale_type_id"] != sale.sale_type_id:
        # SPEC 3.9 with the stage chosen beside the type: one change, landing on that stage when it is one of
        # the new type's (a client that sends the whole sale back sends the old stage too: then the first).
        new_type = _live_sale_type(changes["sale_type_id"])
        new_stages = stages_of(new_type.pk)
        outcome = selling.change_sale_type(
            state_of(sale), new_stages, changes.get("stage_id"), new_type.probability_policy
        )
        _apply(sale, outcome, actor, stages=new_stages)
        sale.sale_type = new_type
    elif "stage_id" in changes and changes["stage_id"] != sale.stage_id:
        stages = stages_of(sale.sale_type_id)
        outcome = selling.move_to_stage(state_of(sale), stages, changes["stage_id"], sale.sale_type.probability_policy)
        verdict = exit_checks.exit_verdict(actor, sale, changes["stage_id"], override_reason)
        _apply(sale, outcome, actor, exit_verdict=verdict, stages=stages)
    if "probability" in changes and changes["probability"] != sale.probability:
        _apply(sale, selling.set_probability(state_of(sale), changes["probability"]), actor)
    return save_sale(sale)


@transaction.atomic
def move_sale_to_stage(
    actor: User,
    sale_id: int,
    stage_id: int,
    *,
    version: int | None = None,
    reason: str = "",
    override_reason: str | None = None,
) -> Sale:
    """Every door's stage move (card, guide tab, board, API, import): the rules of selling, then the exit
    criteria of the stages it leaves (block mode refuses, warn mode answers with ``sale.exit_warnings``)."""
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    stages = stages_of(sale.sale_type_id)
    outcome = selling.move_to_stage(state_of(sale), stages, stage_id, sale.sale_type.probability_policy)
    if outcome.change is None:
        return sale
    verdict = exit_checks.exit_verdict(actor, sale, stage_id, override_reason)
    _apply(sale, outcome, actor, reason=reason, exit_verdict=verdict, stages=stages)
    return save_sale(sale)


@transaction.atomic
def set_sale_probability(actor: User, sale_id: int, probability: int, *, version: int | None = None) -> Sale:
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    _apply(sale, selling.set_probability(state_of(sale), probability), actor)
    return save_sale(sale)


@transaction.atomic
def reset_sale_probability(actor: User, sale_id: int, *, version: int | None = None) -> Sale:
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    _apply(sale, selling.reset_probability(state_of(sale), stages_of(sale.sale_type_id)), actor)
    return save_sale(sale)


def _reason(reason_id: int | None, kind: str) -> Reason | None:
    if reason_id is None:
        return None
    reason = lists.get_item(Reason, reason_id, include_deleted=False)
    if reason.kind != kind:
        raise_if_problems([FieldProblem(("reason_id",), Message(gettext_noop("Choose a reason of the right kind.")))])
    return reason


def _closing_date(value: dt.date | None, actor: User) -> dt.date:
    return value or today_for(actor)


@transaction.atomic
def close_sale_as_sold(
    actor: User,
    sale_id: int,
    *,
    date: dt.date | None = None,
    reason_id: int | None = None,
    amount: int | None = None,
    version: int | None = None,
    override_reason: str | None = None,
) -> Sale:
    """Sold: leaving the current stage, so its required items count (SPEC 6.3) as in a move."""
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    if amount is not None:
        raise_if_problems(sale_fields.field_problems({"amount": amount}))
        sale_fields.refuse_amount_apart_from_lines(sale, amount)
        sale.amount = amount
    reason = _reason(reason_id, "sold")
    outcome = selling.close_as_sold(state_of(sale))
    verdict = exit_checks.exit_verdict(actor, sale, None, override_reason)
    _apply(sale, outcome, actor, reason=reason.name if reason else "", exit_verdict=verdict)
    sale.closed_date, sale.reason, sale.competitor, sale.reopen_date = _closing_date(date, actor), reason, None, None
    return save_sale(sale)


@transaction.atomic
def close_sale_as_lost(
    actor: User,
    sale_id: int,
    *,
    date: dt.date | None = None,
    reason_id: int | None = None,
    competitor_id: int | None = None,
    version: int | None = None,
) -> Sale:
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    reason = _reason(reason_id, "lost")
    competitor = None if competitor_id is None else lists.get_item(Competitor, competitor_id, include_deleted=False)
    _apply(sale, selling.close_as_lost(state_of(sale)), actor, reason=reason.name if reason else "")
    sale.closed_date, sale.reason, sale.competitor = _closing_date(date, actor), reason, competitor
    sale.reopen_date = None
    return save_sale(sale)


@transaction.atomic
def stall_sale(
    actor: User, sale_id: int, *, reopen_date: dt.date, reason_id: int | None = None, version: int | None = None
) -> Sale:
    """Stalled until ``reopen_date``. The follow-up on that date is proposed by the caller (activities)."""
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    reason = _reason(reason_id, "stalled")
    _apply(
        sale,
        selling.stall(state_of(sale), reopen_date, today_for(actor)),
        actor,
        reason=reason.name if reason else "",
    )
    sale.reopen_date, sale.reason, sale.closed_date = reopen_date, reason, None
    return save_sale(sale)


def _probability_before_closing(sale: Sale) -> int | None:
    """The sale's own probability before it was sold or lost: the closing history row's "before" (a closed sale's
    100 or 0 is its status's). None when it is not closed, or its rows do not say."""
    if sale.status not in (selling.SaleStatus.SOLD, selling.SaleStatus.LOST):
        return None
    closing = (
        StageChange.objects.filter(sale=sale, kind__in=(selling.ChangeKind.SOLD, selling.ChangeKind.LOST))
        .order_by("-at", "-id")
        .values_list("probability_before", flat=True)
        .first()
    )
    return closing


@transaction.atomic
def reopen_sale(actor: User, sale_id: int, *, version: int | None = None) -> Sale:
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    stages = stages_of(sale.sale_type_id)
    outcome = selling.reopen(
        state_of(sale),
        stages,
        sale.sale_type.probability_policy,
        probability_before_closing=_probability_before_closing(sale),
    )
    _apply(sale, outcome, actor, stages=stages)
    sale.closed_date, sale.reason, sale.competitor, sale.reopen_date = None, None, None, None
    return save_sale(sale)


@transaction.atomic
def complete_sale(actor: User, sale_id: int, *, completed: bool = True, version: int | None = None) -> Sale:
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    sale.completed = selling.set_completed(state_of(sale), completed).completed
    return save_sale(sale)


@transaction.atomic
def change_sale_type(actor: User, sale_id: int, sale_type_id: int, *, version: int | None = None) -> Sale:
    """SPEC 3.9: the old guide is hidden, every created activity and document is kept."""
    return update_sale(
        actor,
        sale_id,
        version=version if version is not None else lock_sale(sale_id).version,
        sale_type_id=sale_type_id,
    )


@transaction.atomic
def delete_sale(actor: User, sale_id: int, *, version: int | None = None) -> None:
    sale = lock_sale(sale_id, version)
    require_edit(actor, sale)
    pipeline_totals.record_change(pipeline_totals.share_as_loaded(sale), None)
    sale.delete()


def move_open_sales_after_stage_removal(
    actor: User | None,
    sale_type_ids: Sequence[int],
    stage_id: int,
    orders_before: dict[int, list[int]],
    reason: str,
) -> int:
    """SPEC 3.10: open sales in a stage that was deleted or taken out of their type move to the next remaining
    stage of their type (or the previous one if it was the last), each with a stage-change row saying why.
    Called inside the configuration service's transaction. Returns how many sales moved."""
    moved = 0
    for sale_type_id in sale_type_ids:
        stages_after = stages_of(sale_type_id)
        target = selling.stage_after_removal(
            orders_before.get(sale_type_id, []), stage_id, [s.id for s in stages_after]
        )
        for sale in Sale.objects.select_for_update().filter(
            sale_type_id=sale_type_id, stage_id=stage_id, status=selling.SaleStatus.OPEN
        ):
            policy = SaleType.objects.values_list("probability_policy", flat=True).get(pk=sale_type_id)
            outcome = selling.move_after_removal(state_of(sale), stages_after, target, policy)
            _apply(sale, outcome, actor, reason=reason, stages=stages_after)
            save_sale(sale)
            moved += 1
    return moved
