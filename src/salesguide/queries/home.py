"""The home pages (SPEC 4.8), one read model that decides what each home shows; the web only renders it.

- A salesperson's day (``salesperson_home``): their overdue and today's open follow-ups (the activity list's
  read model: overdue ones from earlier days, then today's), their own open sales that need attention — stale
  ones first (``queries.aging.stale_sales``), then those with nothing planned (no open activity from now on,
  ``queries.aging.planned_ahead``), each with why — and their own pipeline totals per currency.
- A manager's or administrator's view (``manager_home``): the team's open pipeline per stage and per owner
  (``queries.pipeline_totals``), the forecast of the next three months (the forecast report's own read model,
  so the home and the report give the same figures) and, compact, their own follow-ups.

Everything is bounded: each list has a LIMIT and is read through indexed filters (an activity's owner, completion
and start; a sale's owner and status), so a home costs the same fixed number of queries at ten sales and at a
million. "Now" comes from the caller, in the viewer's time zone (``services.clock.now_for``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.db.models.expressions import RawSQL

from salesguide.domain.activities import is_overdue
from salesguide.domain.aging import days_in_stage, is_stale
from salesguide.domain.next_steps import NextStep
from salesguide.models import Activity, Sale, SaleTypeStage, Stage, User
from salesguide.models.sales import SaleStatus
from salesguide.queries import activity_list
from salesguide.queries.aging import planned_ahead, stale_sales
from salesguide.queries.next_steps import next_steps_of_sales
from salesguide.queries.paging import keyset_page
from salesguide.queries.pipeline_totals import Grouping, PipelineTotal, pipeline_totals
from salesguide.queries.report_scope import owner_scope, sees_everyone_by_default
from salesguide.queries.reports.forecast import forecast_report
from salesguide.queries.reports.table import ReportFilters

FOLLOWUPS_SHOWN = 8  # per list (overdue, today) on a salesperson's home
COMPACT_FOLLOWUPS_SHOWN = 4  # per list on a manager's home
ATTENTION_SHOWN = 8
_BY_STAGE: tuple[Grouping, ...] = ("stage",)
_BY_OWNER: tuple[Grouping, ...] = ("owner",)
FORECAST_MONTHS = 3

# Longest in the stage first: the sale that has waited longest is looked at first.
ATTENTION_ORDER = ("stage_entered_at", "id")


# --- follow-ups -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FollowupItem:
    activity: Activity  # with its type, sale and the sale's company
    overdue: bool  # its start has passed (domain.activities.is_overdue)


@dataclass(frozen=True)
class Followups:
    """Open follow-ups of one person: ``overdue`` started on an earlier day, ``today`` start today (those
    earlier today are overdue too, and say so). Each list is capped; ``more_*`` says there are more."""

    overdue: list[FollowupItem]
    today: list[FollowupItem]
    more_overdue: bool
    more_today: bool

    @property
    def empty(self) -> bool:
        return not (self.overdue or self.today)


def followups(viewer: User, *, now: dt.datetime, limit: int = FOLLOWUPS_SHOWN) -> Followups:
    """The viewer's open follow-ups of earlier days and of today (two queries, each with its sale)."""
    yesterday = now.date() - dt.timedelta(days=1)
    earlier = activity_list.ActivityFilters(owner=viewer.pk, completed=False, starts_to=yesterday)
    today = activity_list.ActivityFilters(owner=viewer.pk, completed=False, period=activity_list.Period.TODAY)
    overdue_page = activity_list.activity_page(viewer, earlier, now=now, limit=limit)
    today_page = activity_list.activity_page(viewer, today, now=now, limit=limit)
    return Followups(
        overdue=[FollowupItem(activity, overdue=True) for activity in overdue_page.items],
        today=[FollowupItem(activity, overdue=is_overdue(activity.start, now)) for activity in today_page.items],
        more_overdue=overdue_page.next is not None,
        more_today=today_page.next is not None,
    )


# --- sales that need attention ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AttentionItem:
    """An open sale with nothing planned; ``stale`` when it has also been in its stage longer than expected
    (``days_in_stage`` > ``expected_days``). The reason shown is "N days in stage, expected E" for a stale sale
    and "nothing planned" otherwise."""

    sale: Sale
    stale: bool
    days_in_stage: int | None
    expected_days: int | None


@dataclass(frozen=True)
class Attention:
    items: list[AttentionItem]
    more: bool  # there are more than shown: link to the whole list
    next: str | None = None  # the cursor of the next page (the whole list only)


def _own_open_sales(owner_id: int) -> QuerySet[Sale]:
    # Owner and status lead every index these lists use. Every writer stamps ``stage_entered_at`` when a sale
    # gets a stage (services.sales, the only one), so an open sale in a stage always has it; the order and the
    # cursor rely on that.
    return Sale.objects.filter(
        owner_id=owner_id, status=SaleStatus.OPEN, stage__isnull=False, stage_entered_at__isnull=False
    ).select_related("stage", "company", "sale_type")


def _expected_days(sales: list[Sale]) -> dict[tuple[int, int], int]:
    """Expected days of the (sale type, stage) links of ``sales``: one query over a few configured links."""
    if not sales:
        return {}
    links = SaleTypeStage.objects.filter(
        sale_type_id__in={sale.sale_type_id for sale in sales}, removed=False, expected_days__isnull=False
    ).values_list("sale_type_id", "stage_id", "expected_days")
    return {(sale_type, stage): expected for sale_type, stage, expected in links if expected is not None}


def _items(sales: list[Sale], now: dt.datetime) -> list[AttentionItem]:
    """Sales with nothing planned, with why (the domain's stale rule, the same one the SQL filter applies)."""
    expected = _expected_days(sales)
    items = []
    for sale in sales:
        days = days_in_stage(sale.stage_entered_at, now)
        wanted = expected.get((sale.sale_type_id, sale.stage_id or 0))
        stale = is_stale(days, wanted, has_planned_activity=False)
        items.append(AttentionItem(sale=sale, stale=stale, days_in_stage=days, expected_days=wanted))
    return items


def _ordered(queryset: QuerySet[Sale]) -> QuerySet[Sale]:
    return queryset.order_by(*ATTENTION_ORDER)


def attention(viewer: User, *, now: dt.datetime, limit: int = ATTENTION_SHOWN) -> Attention:
    """The viewer's own open sales that need attention, capped at ``limit``: stale ones first (longest in the
    stage first), then those with nothing planned. Four queries whatever the number of sales."""
    own = _own_open_sales(viewer.pk)
    stale = list(_ordered(stale_sales(own, now))[: limit + 1])  # one query: the stored aging (decision 0011)
    unplanned = list(_ordered(own.exclude(planned_ahead(now)).exclude(pk__in=[s.pk for s in stale]))[: limit + 1])
    shown = (stale + unplanned)[:limit]
    return Attention(items=_items(shown, now), more=len(stale) + len(unplanned) > limit)


def attention_page(
    viewer: User, *, now: dt.datetime, stale_only: bool = False, limit: int, after: str | None = None
) -> Attention:
    """The whole list behind the home's "need attention": the viewer's open sales with nothing planned (or only
    the stale ones), longest in the stage first, one page (raises ValidationFailed for a damaged ``after``)."""
    own = _own_open_sales(viewer.pk)
    wanted = stale_sales(own, now) if stale_only else own.exclude(planned_ahead(now))
    page = keyset_page(wanted, ATTENTION_ORDER, limit=limit, after=after)
    return Attention(items=_items(page.items, now), more=page.next is not None, next=page.next)


# --- next steps ---------------------------------------------------------------------------------------------

NEXT_STEPS_SHOWN = 10
# Per kind of candidate: enough to fill the list after one sale's step outranks another's.
CANDIDATES_PER_KIND = 12


@dataclass(frozen=True)
class NextStepItem:
    sale: Sale  # with its sale type, stage and company
    step: NextStep


@dataclass(frozen=True)
class HomeNextSteps:
    """The most urgent step of the viewer's most urgent open sales, one a sale, most urgent first; and how many of
    their open sales are stale (the sale list's "Only stale sales" shows them)."""

    items: list[NextStepItem]
    stale_count: int


def _candidates(own: QuerySet[Sale], now: dt.datetime) -> RawSQL:
    """A few dozen of the viewer's open sales that may have the most urgent steps, each kind read through an index
    with a LIMIT (so the cost does not grow with their number of sales): an overdue activity first (earliest
    first), then stale ones and those with nothing planned (longest in the stage first), then the longest in
    their stage (for the guide's own steps)."""
    per_kind = [
        own.filter(next_activity_at__lt=now).order_by("next_activity_at", "id"),
        _ordered(stale_sales(own, now)),
        _ordered(own.exclude(planned_ahead(now))),
        _ordered(own),
    ]
    parts: list[str] = []
    params: list[object] = []
    for index, queryset in enumerate(per_kind):
        # Django compiled this SQL itself; every value in it is a parameter, never part of the text.
        sql, kind_params = queryset.values("pk")[:CANDIDATES_PER_KIND].query.sql_with_params()
        parts.append(f"SELECT * FROM ({sql}) AS home_candidates_{index}")  # noqa: S608
        params.extend(kind_params)
    return RawSQL(" UNION ".join(parts), params)  # noqa: S611


def next_steps_home(viewer: User, *, now: dt.datetime, limit: int = NEXT_STEPS_SHOWN) -> HomeNextSteps:
    """The "Next steps" of a salesperson's home: the full ranking of a few candidate sales only
    (``_candidates``), never of every sale. A fixed number of queries whatever the number of sales (the
    candidates with their rows: one; the stale count; their activities and documents; three per sale type among
    them)."""
    own = _own_open_sales(viewer.pk)
    # One statement for the candidates and their rows; their order among equals: the longest in the stage first.
    candidates = list(_ordered(own.filter(pk__in=_candidates(own, now))))
    return HomeNextSteps(
        items=[NextStepItem(sale, step) for sale, step in next_steps_of_sales(candidates, now, limit=limit)],
        stale_count=stale_sales(own, now).count(),
    )


# --- totals -----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Totals:
    """Count, amount and weighted amount of open sales in one currency, of one group (a stage, an owner)."""

    currency: str
    count: int
    amount: int
    weighted_amount: int


@dataclass(frozen=True)
class StageTotals:
    stage_id: int
    name: str
    totals: list[Totals]  # one per currency


@dataclass(frozen=True)
class OwnerTotals:
    owner: User
    totals: list[Totals]  # one per currency


def _totals(rows: list[PipelineTotal]) -> list[Totals]:
    return [Totals(row.currency, row.count, row.amount, row.weighted_amount) for row in rows]


def _per_currency(rows: Iterable[PipelineTotal | Totals]) -> list[Totals]:
    """Rows of any grouping summed per currency (never across currencies)."""
    sums: dict[str, list[int]] = {}
    for row in rows:
        figures = sums.setdefault(row.currency, [0, 0, 0])
        figures[0] += row.count
        figures[1] += row.amount
        figures[2] += row.weighted_amount
    return [Totals(currency, *figures) for currency, figures in sorted(sums.items())]


def stage_totals(owner_id: int | None) -> list[StageTotals]:
    """The open pipeline per stage (in the stages' order), per currency. Two queries."""
    rows = pipeline_totals(by=_BY_STAGE, owner_id=owner_id)
    ids = {row.stage_id for row in rows if row.stage_id is not None}
    stages = list(Stage.objects.filter(pk__in=ids).order_by("rank", "name", "id").values_list("pk", "name"))
    return [
        StageTotals(stage_id=pk, name=name, totals=_totals([row for row in rows if row.stage_id == pk]))
        for pk, name in stages
    ]


def owner_totals() -> list[OwnerTotals]:
    """The open pipeline per owner (by name), per currency. Two queries."""
    rows = pipeline_totals(by=_BY_OWNER)
    owners = User.objects.filter(pk__in={row.owner_id for row in rows}).order_by("first_name", "last_name", "username")
    return [
        OwnerTotals(owner=owner, totals=_totals([row for row in rows if row.owner_id == owner.pk])) for owner in owners
    ]


# --- forecast ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastFigures:
    """Open sales in one currency expected to close in a month, and what was sold that month (``sold_amount``:
    to date for this month, nothing yet for the months ahead)."""

    currency: str
    count: int
    amount: int
    weighted_amount: int
    sold_amount: int


@dataclass(frozen=True)
class ForecastMonth:
    month: dt.date  # its first day
    figures: list[ForecastFigures]  # one per currency; empty: nothing expected or sold that month


def _month_start(day: dt.date, months_ahead: int = 0) -> dt.date:
    index = day.year * 12 + day.month - 1 + months_ahead
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_of(value: Any) -> dt.date:
    """A report's month ("YYYY-MM", or a date) as its first day."""
    if isinstance(value, dt.date):
        return value.replace(day=1)
    year, month = str(value)[:7].split("-")
    return dt.date(int(year), int(month), 1)


def forecast_at_a_glance(viewer: User, *, now: dt.datetime) -> list[ForecastMonth]:
    """This month and the two after it, from the forecast report's read model (so the figures are the
    report's), each with its figures per currency."""
    months = [_month_start(now.date(), ahead) for ahead in range(FORECAST_MONTHS)]
    figures: dict[dt.date, list[ForecastFigures]] = {month: [] for month in months}
    last = _month_start(now.date(), FORECAST_MONTHS) - dt.timedelta(days=1)
    wanted = ReportFilters(owner=owner_scope(viewer), date_from=months[0], date_to=last)
    for row in forecast_report(viewer, wanted, now=now).rows:
        month = _month_of(row["month"])
        if month in figures:
            figures[month].append(
                ForecastFigures(
                    currency=row["currency"],
                    count=row["count"],
                    amount=row["amount"],
                    weighted_amount=row["weighted_amount"],
                    sold_amount=row["sold_amount"],
                )
            )
    return [ForecastMonth(month, sorted(figures[month], key=lambda f: f.currency)) for month in months]


# --- the homes --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SalespersonHome:
    followups: Followups
    attention: Attention
    next_steps: HomeNextSteps
    totals: list[Totals]  # the viewer's own open pipeline, one per currency; empty: no open sales


@dataclass(frozen=True)
class ManagerHome:
    followups: Followups  # the manager's own day, compact
    totals: list[Totals]  # the team's open pipeline, one per currency; empty: no open sales
    stages: list[StageTotals]
    owners: list[OwnerTotals]
    forecast: list[ForecastMonth]  # this month first, then the two after it


def shows_team_home(viewer: User) -> bool:
    """A manager and an administrator land on the team's view; a salesperson on their day."""
    return sees_everyone_by_default(viewer)


def salesperson_home(viewer: User, *, now: dt.datetime) -> SalespersonHome:
    return SalespersonHome(
        followups=followups(viewer, now=now),
        attention=attention(viewer, now=now),
        next_steps=next_steps_home(viewer, now=now),
        totals=_per_currency(pipeline_totals(by=(), owner_id=viewer.pk)),
    )


def manager_home(viewer: User, *, now: dt.datetime) -> ManagerHome:
    team = owner_scope(viewer)  # None: everyone
    stages = stage_totals(team)
    return ManagerHome(
        followups=followups(viewer, now=now, limit=COMPACT_FOLLOWUPS_SHOWN),
        totals=_per_currency(total for stage in stages for total in stage.totals),
        stages=stages,
        owners=owner_totals(),
        forecast=forecast_at_a_glance(viewer, now=now),
    )


def home(viewer: User, *, now: dt.datetime) -> SalespersonHome | ManagerHome:
    """The home the viewer lands on."""
    return manager_home(viewer, now=now) if shows_team_home(viewer) else salesperson_home(viewer, now=now)
