"""The pipeline board at /board/ (SPEC 4.1, 4.9): the read model ``queries.board`` rendered as columns of cards.

The page parses its filters (sale type, owner, words, stale only), asks the read model, and renders; with htmx a
filter change swaps only the board's body, and "show more" only a column's next cards. Moving a card — dragged by
``board.js`` or chosen in its "move to" menu, which also works without JavaScript as a plain form — posts to
``move``, which calls the one service every move goes through (``services.sales.move_sale_to_stage``, with the
card's version) and shows its answer: the board's body again (htmx), or a redirect back to the board with the
same filters. The view decides nothing: a refused or stale move is the service's message, and the card is drawn
where the database now has it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from salesguide.domain.errors import DomainError, ValidationFailed
from salesguide.domain.exit_criteria import ExitCriteriaNotMet
from salesguide.models import User
from salesguide.queries import board as read_model
from salesguide.queries.report_scope import owner_scope, sees_everyone_by_default
from salesguide.services import sales as sale_service
from salesguide.services.clock import now_for
from salesguide.services.permissions import allowed_actions
from salesguide.web.activities.forms import active_users, user_label
from salesguide.web.domain_errors import translate
from salesguide.web.sales import exit_views
from salesguide.web.sales.access import actor, go_to, is_htmx
from salesguide.web.sales.card_views import policy_label
from salesguide.web.sales.money import format_amount
from salesguide.web.sales.next_steps import KIND_BADGES, KIND_LABELS
from salesguide.wording import in_language

SESSION_KEY = "board_sale_type"
MINE, EVERYONE = "me", "all"
MAX_QUERY = 200
ID_MAX = 2**63 - 1


def _id(value: str | None) -> int | None:
    number = int(value) if value and value.isdigit() else None
    return number if number is not None and 0 < number <= ID_MAX else None


@dataclass(frozen=True)
class BoardQuery:
    """The board's filters as the URL carries them: ``owner`` is "me", "all" or a user's id."""

    sale_type: int
    owner: str
    q: str
    stale: bool

    def params(self, **extra: Any) -> str:
        """The query string of these filters (and ``extra``), for links and forms that come back here."""
        values: dict[str, Any] = {"sale_type": self.sale_type, "owner": self.owner}
        if self.q:
            values["q"] = self.q
        if self.stale:
            values["stale"] = "1"
        values.update({name: value for name, value in extra.items() if value is not None})
        return urlencode(values)

    def export_params(self) -> str:
        """The query string of the sale list's export of these sales: the open sales of the sale type, of the
        owner, with the words, only the stale ones when the board shows only those."""
        values: dict[str, Any] = {"sale_type": self.sale_type, "status": "open"}
        if self.owner != EVERYONE:
            values["owner"] = self.owner
        if self.q:
            values["q"] = self.q
        if self.stale:
            values["stale"] = "1"
        return urlencode(values)

    def filters(self, viewer: User) -> read_model.BoardFilters:
        """Whose sales: one decision for every door (``owner_scope``)."""
        if self.owner == MINE:
            owner = owner_scope(viewer, owner=viewer.pk)
        elif self.owner == EVERYONE:
            owner = owner_scope(viewer, team=True)
        else:
            owner = owner_scope(viewer, owner=int(self.owner))
        return read_model.BoardFilters(owner=owner, q=self.q or None, stale=self.stale)


def _owner_choice(value: str | None, viewer: User) -> str:
    if value in (MINE, EVERYONE):
        return value
    if _id(value) is not None:
        return str(_id(value))
    return EVERYONE if sees_everyone_by_default(viewer) else MINE


def _board_query(request: HttpRequest, params: Any, sale_type: int) -> BoardQuery:
    viewer = actor(request)
    return BoardQuery(
        sale_type=sale_type,
        owner=_owner_choice(params.get("owner"), viewer),
        q=(params.get("q") or "").replace("\x00", "").strip()[:MAX_QUERY],
        stale=params.get("stale") in ("1", "on", "true"),
    )


def _may_move(viewer: User) -> read_model.MayMove:
    return lambda sale: allowed_actions(viewer, sale).move


# --- what the templates show ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TotalLine:
    currency: str
    count: int
    amount: str
    weighted_amount: str


def _total_lines(totals: read_model.ColumnTotals) -> list[TotalLine]:
    return [
        TotalLine(
            total.currency,
            total.count,
            format_amount(total.amount, total.currency),
            format_amount(total.weighted_amount, total.currency),
        )
        for total in totals.by_currency
    ]


@dataclass(frozen=True)
class CardView:
    card: read_model.Card
    amount: str
    sale_url: str
    move_url: str  # with the board's filters, to come back to
    options: list[tuple[int, str]]  # the "Move to" menu: the columns the card may go to
    step: CardStep | None = None  # the badge of its most urgent step, when the card's own columns tell one


@dataclass(frozen=True)
class CardStep:
    kind: str
    label: str
    reason: str
    badge: str


def _card_step(card: read_model.Card) -> CardStep | None:
    step = card.next_step
    if step is None:
        return None
    return CardStep(
        step.kind.value,
        str(KIND_LABELS[step.kind]),
        in_language(step.reason),
        KIND_BADGES.get(step.kind, "badge--info"),
    )


def _card_views(cards: list[read_model.Card], stages: list[tuple[int, str]], query: BoardQuery) -> list[CardView]:
    # Two hundred cards: their links are made from one reversed pattern each, not reversed two hundred times.
    sale_url = reverse("sales:card", args=[0]).removesuffix("0/")
    move_url = reverse("board:move", args=[0]).removesuffix("0/move/")
    back = query.params()
    return [
        CardView(
            card=card,
            amount=format_amount(card.amount, card.currency),
            sale_url=f"{sale_url}{card.id}/",
            move_url=f"{move_url}{card.id}/move/?{back}",
            options=[(stage_id, name) for stage_id, name in stages if stage_id in card.move_to],
            step=_card_step(card),
        )
        for card in cards
    ]


@dataclass(frozen=True)
class ColumnView:
    column: read_model.Column
    totals: list[TotalLine]
    cards: list[CardView]
    more_url: str


def _more_url(query: BoardQuery, stage_id: int, cursor: str | None) -> str:
    if cursor is None:
        return ""
    return f"{reverse('board:column', args=[stage_id])}?{query.params(after=cursor)}"


def _body_context(request: HttpRequest, query: BoardQuery) -> dict[str, Any]:
    viewer = actor(request)
    board = read_model.board(query.sale_type, query.filters(viewer), now=now_for(viewer), may_move=_may_move(viewer))
    stages = [(column.stage_id, column.name) for column in board.columns]
    columns = [
        ColumnView(
            column,
            _total_lines(column.totals),
            _card_views(column.cards, stages, query),
            _more_url(query, column.stage_id, column.next),
        )
        for column in board.columns
    ]
    return {
        "query": query,
        "query_string": query.params(),
        "columns": columns,
        "sale_count": sum(column.totals.count for column in board.columns),
        "filtered": bool(query.q or query.stale),
        "policy_label": policy_label(board.probability_policy),
    }


def _render_body(request: HttpRequest, query: BoardQuery) -> HttpResponse:
    context = _body_context(request, query)
    context["messages_out_of_band"] = True
    return render(request, "board/_body.html", context)


# --- the pages --------------------------------------------------------------------------------------------------


@login_required
def board(request: HttpRequest) -> HttpResponse:
    choices = read_model.sale_type_choices()
    asked = _id(request.GET.get("sale_type"))
    if "sale_type" in request.GET and request.GET["sale_type"] and asked not in {c.id for c in choices}:
        raise Http404(_("There is no such sale type. It may have been deleted."))
    sale_type = asked or read_model.default_sale_type(choices, request.session.get(SESSION_KEY))
    if sale_type is None:
        return render(request, "board/board.html", {"choices": [], "query": None})
    if request.session.get(SESSION_KEY) != sale_type:
        # Written only when it changes: the session is not saved again on every look at the board.
        request.session[SESSION_KEY] = sale_type
    query = _board_query(request, request.GET, sale_type)
    if is_htmx(request):
        return _render_body(request, query)
    people = list(active_users())
    context = {
        **_body_context(request, query),
        "choices": choices,
        "owner_choices": [(MINE, _("Mine")), (EVERYONE, _("Everyone"))]
        + [(str(person.pk), user_label(person)) for person in people],
    }
    return render(request, "board/board.html", context)


@login_required
def column(request: HttpRequest, stage_id: int) -> HttpResponse:
    """The next cards of a column: the "show more" of the board (htmx swaps them in), or, without JavaScript, a
    page of its own."""
    viewer = actor(request)
    sale_type = _id(request.GET.get("sale_type"))
    if sale_type is None:
        raise Http404(_("There is no such sale type. It may have been deleted."))
    query = _board_query(request, request.GET, sale_type)
    try:
        page = read_model.column_page(
            sale_type,
            stage_id,
            query.filters(viewer),
            now=now_for(viewer),
            may_move=_may_move(viewer),
            after=request.GET.get("after") or None,
        )
    except ValidationFailed:
        # A damaged or outdated "show more" link: the board from its start.
        return redirect(f"{reverse('board:board')}?{query.params()}")
    except DomainError as error:
        raise Http404(translate(error.message)) from None
    context = {
        "query": query,
        "query_string": query.params(),
        "cards": _card_views(page.cards, [(stage.stage_id, stage.name) for stage in page.stages], query),
        "stage": next(stage for stage in page.stages if stage.stage_id == stage_id),
        "more_url": _more_url(query, stage_id, page.next),
    }
    if is_htmx(request):
        return render(request, "board/_cards.html", context)
    return render(request, "board/column.html", context)


@login_required
@require_POST
def move(request: HttpRequest, sale_id: int) -> HttpResponse:
    """Move a card: the same service, rules and version check as every other move; then the board as it now is."""
    viewer = actor(request)
    sale_type = _id(request.GET.get("sale_type"))
    stage_id = _id(request.POST.get("stage_id"))
    version = _id(request.POST.get("version"))
    if stage_id is None:
        messages.error(request, _("Choose a stage to move to."))
    else:
        try:
            moved = sale_service.move_sale_to_stage(viewer, sale_id, stage_id, version=version)
        except ExitCriteriaNotMet as error:
            board = reverse("board:board")
            back = f"{board}?{_board_query(request, request.GET, sale_type).params()}" if sale_type else board
            return exit_views.refused(request, error, sale_id, stage_id, back)
        except DomainError as error:
            messages.error(request, translate(error.message))
        else:
            exit_views.warn_if_needed(request, moved)
            messages.success(
                request,
                _("“%(title)s” is now in stage “%(stage)s” (%(probability)d%%).")
                % {
                    "title": moved.title,
                    "stage": moved.stage.name if moved.stage else "—",
                    "probability": moved.probability,
                },
            )
    if sale_type is None:
        return go_to(request, reverse("board:board"))
    query = _board_query(request, request.GET, sale_type)
    back = f"{reverse('board:board')}?{query.params()}"
    if is_htmx(request):
        try:
            return _render_body(request, query)
        except DomainError:
            # The sale type went away meanwhile: the whole page, which says so.
            return go_to(request, back)
    return redirect(back)
