"""The reports at /reports/: an index of the catalogue's reports, and one page per report with its filters, its
chart, its table and its CSV and XLSX files (``?format=csv|xlsx`` on the page's own address, with its filters).

Every figure comes from the report's read model through ``catalogue.run_report``, as the API's do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.formats import date_format, get_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from salesguide.domain.errors import NotFound, ValidationFailed
from salesguide.models import SaleType, User
from salesguide.queries.reports.catalogue import REPORTS, ReportSpec, report_spec, run_report
from salesguide.queries.reports.table import ReportTable
from salesguide.reporting.files import FORMATS, report_file
from salesguide.services.clock import now_for, today_for
from salesguide.web.activities.forms import active_users
from salesguide.web.domain_errors import add_to_form, translate
from salesguide.web.reports import presentation
from salesguide.web.reports.forms import ReportChoice, ReportFilterForm
from salesguide.web.sales.access import actor, sale_page


@dataclass(frozen=True)
class RowAction:
    """Something a user can do with one row of a report, e.g. adopt a stage's observed probability: the
    template renders it in the row's last cell (it gets ``row``, the read model's values, and ``back``, this
    page's address); ``allowed`` says who sees it (the service checks again when it is used)."""

    heading: str  # gettext_noop: the column's heading
    template: str
    allowed: Callable[[User], bool]


# Report name → its row action. A report without one has no action column.
ROW_ACTIONS: dict[str, RowAction] = {
    # An administrator adopts a stage's observed probability (adopt_views; the stage service checks again).
    "calibration": RowAction(
        gettext_noop("Adopt"), "reports/_adopt_probability.html", allowed=lambda user: user.is_admin
    ),
}


@sale_page
def report_index(request: HttpRequest) -> HttpResponse:
    return render(request, "reports/index.html", {"reports": list(REPORTS.values())})


def _file(request: HttpRequest, spec: ReportSpec, table: ReportTable, file_format: str) -> HttpResponse:
    made = report_file(
        table,
        "csv" if file_format == "csv" else "xlsx",
        translate=_,
        language=translation.get_language() or "en",
        decimal_mark=str(get_format("DECIMAL_SEPARATOR")),
        today=today_for(actor(request)),
        title=_(spec.title),
    )
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = f'attachment; filename="{made.filename}"'
    response["Cache-Control"] = "no-store"
    return response


@sale_page
def report_page(request: HttpRequest, name: str) -> HttpResponse:
    spec = report_spec(name)
    if spec is None:
        raise Http404(_("There is no such report."))
    viewer = actor(request)
    sale_types = list(SaleType.objects.filter(deleted=False).order_by("rank", "name", "id").values_list("pk", "name"))
    form = ReportFilterForm(request.GET, spec=spec, viewer=viewer, sale_types=sale_types, owners=list(active_users()))
    choice = form.choice()
    table: ReportTable | None = None
    if not (spec.needs_sale_type and choice.sale_type is None):
        try:
            table = run_report(
                spec,
                viewer,
                now=now_for(viewer),
                sale_type=choice.sale_type,
                owner=choice.owner,
                team=choice.team,
                date_from=choice.date_from,
                date_to=choice.date_to,
                group=choice.group,
            )
        except NotFound as error:
            raise Http404(translate(error.message)) from None
        except ValidationFailed as error:
            add_to_form(form, error)
    file_format = request.GET.get("format")
    if table is not None and file_format in FORMATS:
        return _file(request, spec, table, file_format)
    query = request.GET.copy()
    query.pop("format", None)
    action = ROW_ACTIONS.get(spec.name)
    default_period = spec.default_period(today_for(viewer)) if spec.default_period else None
    context = {
        "spec": spec,
        "form": form,
        "choice": choice,
        "table": table,
        "columns": presentation.shown_columns(table) if table else [],
        "rows": presentation.shown_rows(table) if table else [],
        "charts": presentation.charts(spec, table) if table else [],
        "notes": [translate(note) for note in table.notes] if table else [],
        "action": action if action is not None and action.allowed(viewer) else None,
        "back": request.get_full_path(),
        "query": query.urlencode(),
        "csv_query": _with_format(query.urlencode(), "csv"),
        "xlsx_query": _with_format(query.urlencode(), "xlsx"),
        "no_sale_types": not sale_types,
        "default_period": (
            (date_format(default_period[0], "DATE_FORMAT"), date_format(default_period[1], "DATE_FORMAT"))
            if default_period
            else None
        ),
        "numeric_kinds": ("int", "money", "percent", "days"),
        "applied": _applied(spec, form, choice),
        "filtered": any(request.GET.get(key) for key in ("sale_type", "owner", "date_from", "date_to")),
    }
    return render(request, "reports/report.html", context)


def _applied(spec: ReportSpec, form: ReportFilterForm, choice: ReportChoice) -> str:
    """The filters in force as one line, for paper (the form is not printed)."""
    parts: list[str] = []

    def label_of(field: str, value: object) -> str:
        choices = dict(form.fields[field].choices)  # type: ignore[attr-defined]
        return str(choices.get(value, choices.get(str(value), "")))

    if "sale_type" in spec.filters:
        parts.append(f"{_('Sale type')}: {label_of('sale_type', choice.sale_type or '')}")
    if "owner" in spec.filters:
        parts.append(f"{_('Whose sales')}: {label_of('owner', choice.owner_value)}")
    if spec.groups:
        parts.append(f"{_('Rows per')}: {label_of('group', choice.group)}")
    if choice.date_from or choice.date_to:
        first = date_format(choice.date_from, "DATE_FORMAT") if choice.date_from else "…"
        last = date_format(choice.date_to, "DATE_FORMAT") if choice.date_to else "…"
        parts.append(f"{_(spec.period_label or 'Period')}: {first} – {last}")
    return " · ".join(parts)


def _with_format(query: str, file_format: str) -> str:
    return f"{query}&format={file_format}" if query else f"format={file_format}"
