"""The pipeline board (SPEC 4.1, 4.9): one read model behind /board/ and ``GET /api/v1/board``.

For a sale type, one column per live stage of the type, in the type's order (``guides.live_links``, the one
definition of a live stage). Each column has its totals over the *whole* column — count, amount and weighted
amount of its open sales, per currency, never summed across currencies — and its first page of cards; the next
pages come from ``column_page`` (keyset paging, ``queries.paging``).

Filters: ``owner`` (already decided by ``queries.report_scope.owner_scope``: None is everyone), ``q`` (the word
search of the sale list: every word in the title or the company's name) and ``stale`` (``queries.aging``).
Without ``q`` and ``stale`` the totals come from ``queries.pipeline_totals`` (kept by the sale services, so they
cost the same at a million sales); with either they are a filtered aggregate of the column's sales.

Cards are in the order a sales team reads a column: the sale that arrived in the stage most recently first (a
card just dragged into a column shows at its top), the one waiting longest at the end; ``stale`` brings the
forgotten ones forward. Ties by the newest sale. The indexes ``sale_board_column_idx`` and (for one owner's
board) ``sale_board_owner_column_idx`` serve that order, so a page is a short range read at any size.

Whether the viewer may move a card is decided by the services (``services.permissions.allowed_actions``), which
this layer cannot import: the doors pass that predicate in as ``may_move``, and each card says which columns it
may be dropped on.

Cost: the whole board is three queries however many sales, stages or columns there are (the live stages, the
totals, and one statement with every column's first page); a further page of a column is three (the stages, the
page, its cards). The stale filter adds none (the stored aging, ``queries.aging``, decision 0011).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Exists, OuterRef, QuerySet, Sum
from django.db.models.expressions import RawSQL

from salesguide.domain import selling
from salesguide.domain.aging import days_in_stage, is_stale
from salesguide.domain.errors import Message, NotFound, gettext_noop
from salesguide.domain.next_steps import NextStep, card_step
from salesguide.models import Sale, SaleType, Stage
from salesguide.models.sales import SaleStatus
from salesguide.queries.aging import planned_ahead, stale_sales
from salesguide.queries.guides import live_links
from salesguide.queries.money_sql import weighted_amount_sql
from salesguide.queries.paging import decode_cursor, encode_cursor, keyset_page, sort_keys
from salesguide.queries.pipeline_totals import Grouping, pipeline_totals
from salesguide.queries.sale_list import SaleFilters, sales

PAGE_SIZE = 20
# Latest arrival in the stage first, then the newest sale (see the module's docstring).
CARD_ORDER = ("-stage_entered_at", "-id")
# What a card shows and what ``allowed_actions`` reads: nothing else of the sale row is loaded.
_CARD_NAMES = ("owner__username", "owner__first_name", "owner__last_name", "company__name")
_CARD_FIELDS = (
    "id",
    "title",
    "amount",
    "currency",
    "sale_type_id",
    "stage_id",
    "status",
    "probability",
    "probability_is_manual",
    "stage_when_closed_id",
    "completed",
    "owner_id",
    "company_id",
    "stage_entered_at",
    "next_activity_at",
    "version",
)

# ``Model.from_db`` takes a subset of the columns in the model's own order.
_IN_MODEL_ORDER = tuple(field.attname for field in Sale._meta.concrete_fields if field.attname in _CARD_FIELDS)

MayMove = Callable[[Sale], bool]
_BY_STAGE: tuple[Grouping, ...] = ("stage",)


@dataclass(frozen=True)
class BoardFilters:
    """``owner``: whose sales (None: everyone), as ``owner_scope`` decided; ``q``: words to find; ``stale``: only
    stale sales."""

    owner: int | None = None
    q: str | None = None
    stale: bool = False

    @property
    def narrowed(self) -> bool:
        """Whether the totals must be counted from the sales (the kept totals know owners, not words or age)."""
        return bool((self.q or "").split()) or self.stale


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    count: int
    amount: int
    weighted_amount: int


@dataclass(frozen=True)
class ColumnTotals:
    """A column's totals, one entry per currency (sorted by currency)."""

    by_currency: tuple[CurrencyTotal, ...] = ()

    @property
    def count(self) -> int:
        # A number of sales adds up across currencies; money does not.
        return sum(total.count for total in self.by_currency)

    @property
    def currency(self) -> str | None:
        """The column's one currency; None when it is empty or holds several."""
        return self.by_currency[0].currency if len(self.by_currency) == 1 else None

    @property
    def amount(self) -> int | None:
        """The amount in the column's one currency; 0 for an empty column, None when it holds several."""
        return self._single("amount")

    @property
    def weighted_amount(self) -> int | None:
        return self._single("weighted_amount")

    def _single(self, name: str) -> int | None:
        if not self.by_currency:
            return 0
        if len(self.by_currency) > 1:
            return None
        return int(getattr(self.by_currency[0], name))


@dataclass(frozen=True)
class Card:
    id: int
    title: str
    company_id: int | None
    company: str | None
    amount: int
    currency: str
    owner_id: int
    owner: str
    stage_id: int
    days_in_stage: int | None
    expected_days: int | None
    next_activity_at: dt.datetime | None
    stale: bool
    version: int
    probability: int
    # Set by hand rather than the stage's (``selling.probability_shown_as_manual``, as on the card and the API).
    probability_is_manual: bool
    # The columns (stage ids) this card may be dropped on by the viewer: empty when they may not move it.
    move_to: tuple[int, ...]
    # Its most urgent step as far as the card's own columns tell (``domain.next_steps.card_step``): an overdue
    # activity, nothing planned, or too long in the stage; None when none of these.
    next_step: NextStep | None = None

    @property
    def movable(self) -> bool:
        return bool(self.move_to)


@dataclass(frozen=True)
class Column:
    stage_id: int
    name: str
    probability: int
    expected_days: int | None
    totals: ColumnTotals
    cards: list[Card]
    next: str | None


@dataclass(frozen=True)
class Board:
    sale_type_id: int
    filters: BoardFilters
    columns: list[Column]
    # The sale type's probability policy (``ProbabilityPolicy``): what a move does with a probability set by hand.
    probability_policy: str


@dataclass(frozen=True)
class ColumnPage:
    stage_id: int
    cards: list[Card]
    next: str | None
    # Every column of the board, for the cards' "move to" menus.
    stages: list[BoardStage]


@dataclass(frozen=True)
class SaleTypeChoice:
    id: int
    name: str
    has_open_sales: bool


@dataclass(frozen=True)
class BoardStage:
    """A column's stage: what a "move to" menu lists."""

    stage_id: int
    name: str
    probability: int
    expected_days: int | None


# --- the sale types a board can show ---------------------------------------------------------------------------


def sale_type_choices() -> list[SaleTypeChoice]:
    """The live sale types in their order, each saying whether it has open sales; one query."""
    open_sales = Sale.objects.filter(sale_type_id=OuterRef("pk"), status=SaleStatus.OPEN)
    rows = (
        SaleType.objects.filter(deleted=False)
        .annotate(has_open=Exists(open_sales))
        .order_by("rank", "name", "id")
        .values_list("id", "name", "has_open")
    )
    return [SaleTypeChoice(pk, name, bool(has_open)) for pk, name, has_open in rows]


def default_sale_type(choices: Iterable[SaleTypeChoice], remembered: int | None = None) -> int | None:
    """The board to open: the one remembered (when still live), else the first type with open sales, else the
    first type."""
    listed = list(choices)
    if remembered is not None and any(choice.id == remembered for choice in listed):
        return remembered
    with_sales = [choice.id for choice in listed if choice.has_open_sales]
    if with_sales:
        return with_sales[0]
    return listed[0].id if listed else None


# --- the board -------------------------------------------------------------------------------------------------


def _not_found(model: type[SaleType] | type[Stage], item_id: int) -> NotFound:
    # The verbose name stays lazy: it is translated into the language of whoever reads the message.
    return NotFound(
        Message(gettext_noop("No %(what)s with id %(id)s."), {"what": model._meta.verbose_name, "id": item_id})
    )


def _stages(sale_type_id: int) -> list[BoardStage]:
    """The live stages of a live sale type, in order (one query); NotFound for a type that is not there."""
    return _stages_and_policy(sale_type_id)[0]


def _stages_and_policy(sale_type_id: int) -> tuple[list[BoardStage], str]:
    """``_stages`` and the sale type's probability policy (one query, two for a type without live stages)."""
    rows = list(
        live_links(sale_type_id)
        .filter(sale_type__deleted=False)
        .values_list("stage_id", "stage__name", "stage__probability", "expected_days", "sale_type__probability_policy")
    )
    found: str | None = rows[0][4] if rows else None
    if found is None:
        found = (
            SaleType.objects.filter(pk=sale_type_id, deleted=False).values_list("probability_policy", flat=True).first()
        )
        if found is None:
            raise _not_found(SaleType, sale_type_id)
    stages = [BoardStage(stage_id, name, probability, expected) for stage_id, name, probability, expected, _ in rows]
    return stages, found


def _open_sales(sale_type_id: int, filters: BoardFilters, now: dt.datetime) -> QuerySet[Sale]:
    """The open sales of the type the filters keep; the same search as the sale list's."""
    queryset = sales(
        SaleFilters(sale_type=sale_type_id, status=SaleStatus.OPEN, owner=filters.owner, q=filters.q or None)
    )
    if filters.stale:
        queryset = stale_sales(queryset, now, sale_type_id=sale_type_id)
    return queryset


def _totals(sale_type_id: int, filters: BoardFilters, open_sales: QuerySet[Sale]) -> dict[int, ColumnTotals]:
    """Each column's totals, per currency; one query."""
    found: dict[int, list[CurrencyTotal]] = defaultdict(list)
    if not filters.narrowed:
        for total in pipeline_totals(by=_BY_STAGE, sale_type_id=sale_type_id, owner_id=filters.owner):
            if total.stage_id is not None and total.count:
                found[total.stage_id].append(
                    CurrencyTotal(total.currency, total.count, total.amount, total.weighted_amount)
                )
    else:
        rows = (
            open_sales.order_by()
            .values("stage_id", "currency")
            .annotate(n=Count("id"), total=Sum("amount"), weighted=Sum(weighted_amount_sql()))
        )
        for row in rows:
            if row["stage_id"] is not None:
                found[row["stage_id"]].append(
                    CurrencyTotal(row["currency"], row["n"], row["total"] or 0, row["weighted"] or 0)
                )
    return {
        stage_id: ColumnTotals(tuple(sorted(totals, key=lambda total: total.currency)))
        for stage_id, totals in found.items()
    }


def _card_rows(sale_ids: Any, now: dt.datetime) -> list[dict[str, Any]]:
    """What the cards of these sales (ids, or the SQL that selects them) show, with their owner's and company's
    names and whether something is planned from ``now`` on; one query. Plain rows, not model instances: a board
    has a few hundred cards, and three model instances a card cost more than the query."""
    return list(
        Sale.objects.filter(pk__in=sale_ids).order_by().values(*_CARD_FIELDS, *_CARD_NAMES, planned=planned_ahead(now))
    )


def _sale_of(row: dict[str, Any]) -> Sale:
    """The sale as ``may_move`` (``allowed_actions``) reads it: its own columns, nothing loaded (built as a query
    builds its rows, the rest of its columns deferred, which is several times cheaper than ``Sale(**fields)``)."""
    return Sale.from_db(None, _IN_MODEL_ORDER, [row[name] for name in _IN_MODEL_ORDER])


def _card(row: dict[str, Any], stages: list[BoardStage], now: dt.datetime, may_move: MayMove) -> Card:
    stage_id = int(row["stage_id"] or 0)
    expected = next((stage.expected_days for stage in stages if stage.stage_id == stage_id), None)
    days = days_in_stage(row["stage_entered_at"], now)
    owner_name = f"{row['owner__first_name']} {row['owner__last_name']}".strip()
    movable = may_move(_sale_of(row))
    return Card(
        id=row["id"],
        title=row["title"],
        company_id=row["company_id"],
        company=row["company__name"],
        amount=row["amount"],
        currency=row["currency"],
        owner_id=row["owner_id"],
        # As ``User.get_full_name() or username``.
        owner=owner_name or row["owner__username"],
        stage_id=stage_id,
        days_in_stage=days,
        expected_days=expected,
        next_activity_at=row["next_activity_at"],
        stale=is_stale(days, expected, has_planned_activity=bool(row["planned"])),
        version=row["version"],
        probability=row["probability"],
        probability_is_manual=selling.probability_shown_as_manual(
            selling.SaleState(
                stage_id=stage_id,
                probability=row["probability"],
                status=selling.SaleStatus(row["status"]),
                probability_is_manual=row["probability_is_manual"],
            )
        ),
        move_to=tuple(stage.stage_id for stage in stages if stage.stage_id != stage_id) if movable else (),
        next_step=card_step(
            now=now,
            next_activity_at=row["next_activity_at"],
            planned_ahead=bool(row["planned"]),
            days_in_stage=days,
            expected_days=expected,
        ),
    )


def _order_key(row: dict[str, Any]) -> tuple[dt.datetime, int]:
    return (row["stage_entered_at"], row["id"])


def _first_pages(
    open_sales: QuerySet[Sale], stage_ids: list[int], limit: int, now: dt.datetime
) -> dict[int, list[dict[str, Any]]]:
    """Up to ``limit + 1`` cards of every column in their order, in one statement: each column's first page is an
    index range scan with its own LIMIT (a UNION ALL of them, which Django's ORM cannot write on SQLite), and
    the outer query reads those sales' cards."""
    if not stage_ids:
        return {}
    ordering = [f"-{key.field}" if key.descending else key.field for key in sort_keys(CARD_ORDER)]
    parts: list[str] = []
    params: list[object] = []
    for index, stage_id in enumerate(stage_ids):
        page = open_sales.filter(stage_id=stage_id).order_by(*ordering).values("pk")[: limit + 1]
        # Django compiled this SQL itself; every value in it is a parameter, never part of the text.
        sql, page_params = page.query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS board_column_{index}")  # noqa: S608
        params.extend(page_params)
    first_pages = RawSQL(" UNION ALL ".join(parts), params)  # noqa: S611
    by_stage: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for row in _card_rows(first_pages, now):
        by_stage[int(row["stage_id"] or 0)].append(row)
    for column in by_stage.values():
        # The statement's own order is not kept through IN: sort each column as CARD_ORDER says.
        column.sort(key=_order_key, reverse=True)
    return by_stage


def _next_cursor(page: list[dict[str, Any]], limit: int) -> str | None:
    if len(page) <= limit:
        return None
    last = page[limit - 1]
    return encode_cursor([last[key.field] for key in sort_keys(CARD_ORDER)])


def board(
    sale_type_id: int,
    filters: BoardFilters,
    *,
    now: dt.datetime,
    may_move: MayMove,
    limit: int = PAGE_SIZE,
) -> Board:
    """The board of a live sale type (NotFound otherwise): every live stage's column with its totals and its first
    ``limit`` cards. ``now`` is the viewer's (``services.clock.now_for``); ``may_move`` says whether the viewer
    may move a sale (``allowed_actions(viewer, sale).move``)."""
    stages, policy = _stages_and_policy(sale_type_id)
    open_sales = _open_sales(sale_type_id, filters, now)
    totals = _totals(sale_type_id, filters, open_sales)
    pages = _first_pages(open_sales, [stage.stage_id for stage in stages], limit, now)
    columns = []
    for stage in stages:
        page = pages.get(stage.stage_id, [])
        columns.append(
            Column(
                stage_id=stage.stage_id,
                name=stage.name,
                probability=stage.probability,
                expected_days=stage.expected_days,
                totals=totals.get(stage.stage_id, ColumnTotals()),
                cards=[_card(row, stages, now, may_move) for row in page[:limit]],
                next=_next_cursor(page, limit),
            )
        )
    return Board(sale_type_id=sale_type_id, filters=filters, columns=columns, probability_policy=policy)


def column_page(
    sale_type_id: int,
    stage_id: int,
    filters: BoardFilters,
    *,
    now: dt.datetime,
    may_move: MayMove,
    limit: int = PAGE_SIZE,
    after: str | None = None,
) -> ColumnPage:
    """A further page of one column, after the card the cursor names (ValidationFailed for a damaged cursor;
    NotFound for a type that is not there or a stage that is not one of its live ones)."""
    stages = _stages(sale_type_id)
    if all(stage.stage_id != stage_id for stage in stages):
        raise _not_found(Stage, stage_id)
    column = (
        _open_sales(sale_type_id, filters, now)
        .filter(stage_id=stage_id)
        .select_related(None)
        .only("id", "stage_entered_at")
    )
    if after is not None:
        # The cursor's first key bounds the range, so the database starts reading at the cursor instead of at the
        # column's top (the paging's "a > x or (a = x and ...)" is no range for the index on either database).
        entered = decode_cursor(after, Sale, CARD_ORDER)[0]
        column = column.filter(stage_entered_at__lte=entered)
    page = keyset_page(column, CARD_ORDER, limit=limit, after=after)
    rows = sorted(_card_rows([sale.pk for sale in page.items], now), key=_order_key, reverse=True)
    return ColumnPage(
        stage_id=stage_id,
        cards=[_card(row, stages, now, may_move) for row in rows],
        next=page.next,
        stages=stages,
    )
