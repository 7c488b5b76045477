"""The pipeline board (API.md, "Pipeline board"): the read model ``queries.board``, as the web's board shows it.

Moving a card is not here: it is ``POST /api/v1/sales/{id}/stage`` with the card's ``version``, the same rules
as every other move.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from django.utils import timezone
from ninja import Query, Router, Schema
from pydantic import Field

from salesguide.api.auth import actor
from salesguide.api.errors import QUERY, READ, responses
from salesguide.api.fields import Line, PathId, QueryBool, RefId
from salesguide.models import User
from salesguide.queries import board as read_model
from salesguide.queries.report_scope import owner_scope
from salesguide.services import lists
from salesguide.services.clock import now_for
from salesguide.services.permissions import allowed_actions
from salesguide.wording import in_language

router = Router(tags=["Pipeline board"])

MAX_CARDS = 100


class BoardParams(Schema):
    sale_type: RefId = Field(description="The sale type whose board this is (required).")
    owner: RefId | None = Field(
        None, description="Only this user's sales. Leave out for the default: a salesperson's own, everyone's else."
    )
    team: QueryBool = Field(False, description="`true`: everyone's sales, also for a salesperson.")
    q: Line | None = Field(
        None, description="Words (at most 8 count) that must each be in the title or the company's name, in any case."
    )
    stale: QueryBool = Field(
        False, description="`true`: only stale sales (longer in their stage than expected, nothing planned)."
    )
    limit: int = Field(read_model.PAGE_SIZE, ge=1, le=MAX_CARDS, description="Cards per column page (1 to 100).")


class ColumnParams(BoardParams):
    after: str | None = Field(
        None, max_length=2048, description="The column's “next” cursor; leave out for its first page."
    )


class CurrencyTotalOut(Schema):
    currency: str
    count: int
    amount: int
    weighted_amount: int = Field(description="Each sale's amount × probability / 100, rounded per sale, summed.")


class BoardCardStepOut(Schema):
    kind: Literal["overdue", "nothing_planned", "too_long_in_stage"]
    reason: str = Field(description="Why, in the request's language: “No activity planned”.")


class BoardCardOut(Schema):
    id: int
    title: str
    company_id: int | None
    company: str | None = Field(description="The company's name.")
    amount: int = Field(description="In minor units (cents).")
    currency: str
    owner_id: int
    owner: str = Field(description="The owner's name.")
    days_in_stage: int | None = Field(description="Whole days since the sale entered its stage.")
    expected_days: int | None = Field(description="The days the sale type expects a sale in this stage, if any.")
    next_activity_date: dt.date | None
    stale: bool
    probability: int
    probability_is_manual: bool = Field(description="Set by hand rather than the stage's probability.")
    version: int = Field(description="Send it with `POST /api/v1/sales/{id}/stage` to move the card.")
    may_move: bool = Field(description="Whether you may move this sale.")
    move_to: list[int] = Field(description="The columns (stage ids) you may move it to; empty when you may not.")
    next_step: BoardCardStepOut | None = Field(
        None,
        description="Its most urgent step as far as the card itself tells (`overdue`, `nothing_planned`, "
        "`too_long_in_stage`; the whole list: `GET /sales/{id}/next-steps`); null when none of these.",
    )


class BoardColumnOut(Schema):
    stage_id: int
    name: str
    probability: int
    expected_days: int | None
    count: int = Field(description="Open sales in the whole column (every currency).")
    currency: str | None = Field(description="The column's currency; null when it is empty or holds several.")
    amount: int | None = Field(description="The whole column's amount in `currency`; null when it holds several.")
    weighted_amount: int | None = Field(description="As `amount`, weighted; null when the column holds several.")
    totals: list[CurrencyTotalOut] = Field(description="The whole column's totals per currency, never added up.")
    items: list[BoardCardOut] = Field(description="The column's first page of cards, latest arrival first.")
    next: str | None = Field(description="Pass as `after` to `/board/columns/{stage_id}` for the next page.")


class BoardOut(Schema):
    sale_type_id: int
    owner_id: int | None = Field(description="Whose sales are counted; null: everyone's.")
    probability_policy: Literal["follow_stage", "keep_manual"] = Field(
        description="The sale type's probability policy: `follow_stage` (every move takes the stage's probability) "
        "or `keep_manual` (a probability set by hand stays until it is reset)."
    )
    columns: list[BoardColumnOut]


class BoardColumnPageOut(Schema):
    stage_id: int
    items: list[BoardCardOut]
    next: str | None


def _card_out(card: read_model.Card) -> dict[str, Any]:
    next_activity = card.next_activity_at
    return {
        "id": card.id,
        "title": card.title,
        "company_id": card.company_id,
        "company": card.company,
        "amount": card.amount,
        "currency": card.currency,
        "owner_id": card.owner_id,
        "owner": card.owner,
        "days_in_stage": card.days_in_stage,
        "expected_days": card.expected_days,
        # As ``GET /sales/{id}`` gives it: the date in the installation's time zone.
        "next_activity_date": (
            timezone.localtime(next_activity, timezone.get_default_timezone()).date()
            if next_activity is not None
            else None
        ),
        "stale": card.stale,
        "probability": card.probability,
        "probability_is_manual": card.probability_is_manual,
        "version": card.version,
        "may_move": card.movable,
        "move_to": list(card.move_to),
        "next_step": {"kind": card.next_step.kind.value, "reason": in_language(card.next_step.reason)}
        if card.next_step is not None
        else None,
    }


def _column_out(column: read_model.Column) -> dict[str, Any]:
    totals = column.totals
    return {
        "stage_id": column.stage_id,
        "name": column.name,
        "probability": column.probability,
        "expected_days": column.expected_days,
        "count": totals.count,
        "currency": totals.currency,
        "amount": totals.amount,
        "weighted_amount": totals.weighted_amount,
        "totals": [vars(total) for total in totals.by_currency],
        "items": [_card_out(card) for card in column.cards],
        "next": column.next,
    }


def _filters(viewer: User, params: BoardParams) -> read_model.BoardFilters:
    if params.owner is not None:
        # An owner that is not there is an unknown id (404), not an empty board.
        lists.get_item(User, params.owner)
    return read_model.BoardFilters(
        owner=owner_scope(viewer, owner=params.owner, team=params.team), q=params.q, stale=params.stale
    )


def _may_move(viewer: User) -> read_model.MayMove:
    return lambda sale: allowed_actions(viewer, sale).move


@router.get(
    "/board",
    response=responses({200: BoardOut}, *READ, *QUERY, 404),
    summary="The pipeline board of a sale type",
    description=(
        "A column per live stage of the sale type, in its order, with the whole column's totals of open sales "
        "(`count`, and per currency in `totals`; `currency`, `amount` and `weighted_amount` when the column holds "
        "one currency) and its first page of cards, latest arrival in the stage first. Filters: `owner` or "
        "`team` (a salesperson sees their own sales by default, a manager and an administrator everyone's), `q` "
        "and `stale`; the totals follow them. Move a card with `POST /api/v1/sales/{id}/stage` and its `version`. "
        "An unknown or deleted sale type, or an unknown owner, answers 404."
    ),
)
def get_board(request: HttpRequest, params: Query[BoardParams]) -> dict[str, Any]:
    viewer = actor(request)
    board = read_model.board(
        params.sale_type,
        _filters(viewer, params),
        now=now_for(viewer),
        may_move=_may_move(viewer),
        limit=params.limit,
    )
    return {
        "sale_type_id": board.sale_type_id,
        "owner_id": board.filters.owner,
        "probability_policy": board.probability_policy,
        "columns": [_column_out(column) for column in board.columns],
    }


@router.get(
    "/board/columns/{int:stage_id}",
    response=responses({200: BoardColumnPageOut}, *READ, *QUERY, 404),
    summary="The next page of a column of the pipeline board",
    description=(
        "The cards after `after` (a column's `next`), with the same filters as the board. A stage that is not a "
        "live stage of the sale type answers 404; a damaged cursor 422."
    ),
)
def get_board_column(request: HttpRequest, stage_id: PathId, params: Query[ColumnParams]) -> dict[str, Any]:
    viewer = actor(request)
    page = read_model.column_page(
        params.sale_type,
        stage_id,
        _filters(viewer, params),
        now=now_for(viewer),
        may_move=_may_move(viewer),
        limit=params.limit,
        after=params.after,
    )
    return {"stage_id": page.stage_id, "items": [_card_out(card) for card in page.cards], "next": page.next}
