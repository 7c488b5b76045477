"""Every report in one place: its read model, its columns, its chart and the filters it takes (SPEC 4.2–4.7).

The web's report pages, the API's report endpoints and the files they offer are built from this catalogue, so a
report added here shows up on the index page, at /reports/<name>/ and at /api/v1/reports/<name> with its CSV
and XLSX, all answering from the one read model. ``run_report`` is the one way in: it decides whose sales are
counted (``report_scope.owner_scope``) and checks the filters before the read model runs.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from salesguide.domain.errors import FieldProblem, Message, NotFound, ValidationFailed, gettext_noop
from salesguide.models import SaleType, User
from salesguide.queries.report_scope import owner_scope
from salesguide.queries.reports import adherence, calibration, forecast, funnel, pipeline
from salesguide.queries.reports.table import Column, ReportFilters, ReportTable

ChartKind = Literal["bar", "stacked_bar", "line"]
Filter = Literal["sale_type", "owner", "period"]
ReadModel = Callable[..., ReportTable]


@dataclass(frozen=True)
class ChartShape:
    """What the chart draws from the table: the x axis is labelled by the first of ``x`` the table has, and each
    column in ``series`` (money or counts) is one series. Money is drawn per currency (one chart each)."""

    kind: ChartKind
    x: tuple[str, ...]
    series: tuple[str, ...]


@dataclass(frozen=True)
class ReportSpec:
    name: str  # the URL's and the API's name: pipeline, forecast, funnel, calibration, adherence
    title: str  # gettext_noop
    summary: str  # gettext_noop: one line on the index page and under the page's title
    read: ReadModel  # (viewer, filters, *, now[, group]) -> ReportTable
    columns: tuple[Column, ...]  # every column the report can answer (the API's response schema)
    chart: ChartShape | None
    filters: frozenset[Filter]
    needs_sale_type: bool = False
    # Choices of grouping the read model takes as ``group=`` (the first is the default); () for none.
    groups: tuple[tuple[str, str], ...] = ()
    # Columns only some groupings have (left out of the rows of the others).
    sometimes: frozenset[str] = frozenset()
    # What the period filter is about, e.g. "Expected close" (gettext_noop).
    period_label: str = ""
    # What the page says when there are no rows: what to do next (gettext_noop).
    empty: str = gettext_noop("No sales match these filters yet.")
    # The period used when none is given (from today), for the page to say; None: all time.
    default_period: Callable[[dt.date], tuple[dt.date, dt.date]] | None = None


REPORTS: dict[str, ReportSpec] = {
    spec.name: spec
    for spec in (
        ReportSpec(
            name="pipeline",
            title=gettext_noop("Weighted pipeline"),
            summary=gettext_noop(
                "Open sales per stage, sale type, owner or month: how many, their amount and their weighted amount."
            ),
            read=pipeline.pipeline_report,
            columns=pipeline.COLUMNS,
            chart=ChartShape("bar", x=("name", "month"), series=("amount", "weighted_amount")),
            filters=frozenset({"sale_type", "owner", "period"}),
            groups=pipeline.GROUPS,
            sometimes=pipeline.SOMETIMES,
            period_label=gettext_noop("Expected close"),
            empty=gettext_noop("No open sales here yet. Create a sale, or load the demo data with “salesguide demo”."),
        ),
        ReportSpec(
            name="forecast",
            title=gettext_noop("Forecast"),
            summary=gettext_noop(
                "Open sales by the month they are expected to close, with what was sold in each month beside them."
            ),
            read=forecast.forecast_report,
            columns=forecast.COLUMNS,
            chart=ChartShape("bar", x=("month",), series=("weighted_amount", "sold_amount")),
            filters=frozenset({"sale_type", "owner", "period"}),
            period_label=gettext_noop("Period"),
            default_period=forecast.default_period,
            empty=gettext_noop(
                "No open sales expected to close in these months, and nothing sold. Give open sales an expected "
                "date, or choose other months."
            ),
        ),
        ReportSpec(
            name="funnel",
            title=gettext_noop("Funnel and conversion"),
            summary=gettext_noop(
                "For each stage: how many sales reached it, went on, were sold or lost there, and how many days "
                "they stayed (median and p90)."
            ),
            read=funnel.funnel_report,
            columns=funnel.COLUMNS,
            chart=ChartShape("bar", x=("name",), series=("reached", "advanced", "sold")),
            filters=frozenset({"sale_type", "owner", "period"}),
            needs_sale_type=True,
            period_label=gettext_noop("Entered the stage"),
            empty=gettext_noop(
                "This sale type has no stages. An administrator adds them under Settings; or choose another sale type."
            ),
        ),
        ReportSpec(
            name="calibration",
            title=gettext_noop("Probability calibration"),
            summary=gettext_noop(
                "For each stage: its probability beside the share of the closed sales that were in it and were sold."
            ),
            read=calibration.calibration_report,
            columns=calibration.COLUMNS,
            chart=ChartShape("bar", x=("name",), series=("configured", "observed")),
            filters=frozenset({"sale_type", "owner", "period"}),
            needs_sale_type=True,
            period_label=gettext_noop("Entered the stage"),
            empty=gettext_noop(
                "This sale type has no stages. An administrator adds them under Settings; or choose another sale type."
            ),
        ),
        ReportSpec(
            name="adherence",
            title=gettext_noop("Guide adherence"),
            summary=gettext_noop(
                "For each stage, and per owner if you like: the share of the guide's suggested items done before a "
                "sale left the stage, and the win rate with every item done versus without."
            ),
            read=adherence.adherence_report,
            columns=adherence.COLUMNS,
            chart=ChartShape("bar", x=("name",), series=("adherence", "win_rate_with", "win_rate_without")),
            filters=frozenset({"sale_type", "owner", "period"}),
            needs_sale_type=True,
            groups=adherence.GROUPS,
            sometimes=adherence.OWNER_KEYS,
            period_label=gettext_noop("Entered the stage"),
            empty=gettext_noop(
                "No sale of this type has left a stage in this period yet. Work sales on through their guide, or "
                "choose another sale type or period."
            ),
        ),
    )
}


def report_spec(name: str) -> ReportSpec | None:
    return REPORTS.get(name)


def _not_found(what: object, item_id: int) -> NotFound:
    return NotFound(Message(gettext_noop("No %(what)s with id %(id)s."), {"what": what, "id": item_id}))


def run_report(
    spec: ReportSpec,
    viewer: User,
    *,
    now: dt.datetime,
    sale_type: int | None = None,
    owner: int | None = None,
    team: bool = False,
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
    group: str | None = None,
) -> ReportTable:
    """The report for ``viewer``: a salesperson's own sales unless they ask for an ``owner`` or the ``team``;
    everyone's for a manager or an administrator. A missing sale type where the report needs one, or a period
    that ends before it starts, is a ``ValidationFailed`` at the query parameter; an unknown sale type or owner
    is ``NotFound``. Filters the report does not take are ignored."""
    problems: list[FieldProblem] = []
    if "sale_type" not in spec.filters:
        sale_type = None
    if "period" not in spec.filters:
        date_from = date_to = None
    if spec.needs_sale_type and sale_type is None:
        problems.append(
            FieldProblem(
                ("query", "sale_type"), Message(gettext_noop("Choose a sale type: this report is per sale type."))
            )
        )
    if date_from is not None and date_to is not None and date_to < date_from:
        problems.append(
            FieldProblem(("query", "date_to"), Message(gettext_noop("The end of the period is before its start.")))
        )
    if problems:
        raise ValidationFailed(problems)
    if sale_type is not None and not SaleType.objects.filter(pk=sale_type).exists():
        raise _not_found(SaleType._meta.verbose_name, sale_type)
    if owner is not None and not User.objects.filter(pk=owner).exists():
        raise _not_found(User._meta.verbose_name, owner)
    filters = ReportFilters(
        sale_type=sale_type,
        owner=owner_scope(viewer, owner=owner, team=team) if "owner" in spec.filters else None,
        date_from=date_from,
        date_to=date_to,
    )
    if spec.groups:
        chosen = group if group in {value for value, _label in spec.groups} else spec.groups[0][0]
        return spec.read(viewer, filters, now=now, group=chosen)
    return spec.read(viewer, filters, now=now)
