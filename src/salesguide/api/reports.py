"""Reports (API.md "Reports"): ``GET /api/v1/reports/<name>`` for each report of the catalogue
(``queries.reports.catalogue``), answering its rows as JSON, or as a CSV or XLSX file with ``?format=``.

One operation per report, so the OpenAPI document shows each report's own fields: the response schema is made
from the columns the report declares. The rows are the read model's, as the web page and the files show them.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext
from ninja import Query, Router, Schema
from pydantic import Field, create_model

from salesguide.api.auth import actor
from salesguide.api.documents import attachment_header
from salesguide.api.errors import QUERY, READ, responses
from salesguide.api.fields import MAX_ID, QueryBool
from salesguide.queries.reports.catalogue import REPORTS, ReportSpec, run_report
from salesguide.queries.reports.table import Column
from salesguide.reporting.files import CONTENT_TYPES, report_file
from salesguide.services.clock import now_for, today_for

router = Router(tags=["Reports"])

_TYPES: dict[str, Any] = {
    "id": int | None,
    "text": str,
    "int": int,
    "money": int,
    "percent": float | None,
    "days": float | None,
    "month": str | None,
    "currency": str,
    "bool": bool,
}
_DESCRIPTIONS = {
    "money": "In minor units (cents) of the row's `currency`.",
    "percent": "0 to 100; null when there is nothing to divide by.",
    "days": "Days; null when there are no sales behind it.",
    "month": "`YYYY-MM`.",
}


def row_schema(spec: ReportSpec) -> type[Schema]:
    """The JSON of one row: a field per declared column, in order. Columns only some groupings have are optional
    (and left out of the rows of the others)."""
    fields: dict[str, Any] = {}
    for column in spec.columns:
        kind: Any = _TYPES[column.kind]
        description = f"{column.label}. {_DESCRIPTIONS.get(column.kind, '')}".strip()
        if column.key in spec.sometimes:
            fields[column.key] = (kind | None, Field(None, description=description))
        else:
            fields[column.key] = (kind, Field(description=description))
    model: type[Schema] = create_model(f"{spec.name.title()}ReportRow", __base__=Schema, **fields)
    return model


class ReportParams(Schema):
    sale_type: int | None = Field(None, ge=1, le=MAX_ID, description="Only sales of this sale type.")
    owner: int | None = Field(None, ge=1, le=MAX_ID, description="Only the sales of this user.")
    team: QueryBool = Field(
        False,
        description=(
            "`true`: everyone's sales. Without `owner` or `team` a salesperson sees their own sales, a manager or "
            "an administrator everyone's."
        ),
    )
    date_from: dt.date | None = Field(None, description="Start of the period (`YYYY-MM-DD`), included.")
    date_to: dt.date | None = Field(None, description="End of the period (`YYYY-MM-DD`), included.")
    format: Literal["json", "csv", "xlsx"] = Field(
        "json", description="`csv` or `xlsx` answers the same rows as a file (headers in the request's language)."
    )


def _file_operation() -> dict[str, Any]:
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"content": {content_type: binary for content_type in CONTENT_TYPES.values()}}}}


def _answer(request: HttpRequest, spec: ReportSpec, params: ReportParams, group: str | None) -> Any:
    viewer = actor(request)
    table = run_report(
        spec,
        viewer,
        now=now_for(viewer),
        sale_type=params.sale_type,
        owner=params.owner,
        team=params.team,
        date_from=params.date_from,
        date_to=params.date_to,
        group=group,
    )
    if params.format == "json":
        return [{column.key: row.get(column.key) for column in table.columns} for row in table.rows]
    made = report_file(
        table,
        params.format,
        translate=gettext,
        language=translation.get_language() or "en",
        decimal_mark=str(get_format("DECIMAL_SEPARATOR")),
        today=today_for(viewer),
        title=gettext(spec.title),
    )
    response = HttpResponse(made.content, content_type=made.content_type)
    response["Content-Disposition"] = attachment_header(made.filename)
    response["Cache-Control"] = "no-store"
    return response


def _columns_text(columns: tuple[Column, ...]) -> str:
    return ", ".join(f"`{column.key}`" for column in columns)


def _register(spec: ReportSpec) -> None:
    filters = ", ".join(f"`{name}`" for name in ("sale_type", "owner", "date_from", "date_to") if _takes(spec, name))
    description = (
        f"{spec.summary} Filters: {filters or 'none'}; `team=true` for everyone's sales. "
        f"{'`sale_type` is required (422 without it). ' if spec.needs_sale_type else ''}"
        f"{f'The period is about: {spec.period_label.lower()}. ' if spec.period_label else ''}"
        "Amounts are per `currency`, never added across currencies. An unknown sale type or owner answers 404."
    )
    row: Any = row_schema(spec)
    response = responses({200: list[row]}, *READ, *QUERY, 404)
    extra = _file_operation()
    if spec.groups:
        choices = tuple(value for value, _label in spec.groups)
        group_type: Any = Literal[choices]
        params_model: Any = create_model(
            f"{spec.name.title()}ReportParams",
            __base__=ReportParams,
            group=(group_type, Field(choices[0], description=f"Rows per {', '.join(choices)}.")),
        )

        def view(request: HttpRequest, params: Any) -> Any:
            return _answer(request, spec, params, params.group)

    else:
        params_model = ReportParams

        def view(request: HttpRequest, params: Any) -> Any:
            return _answer(request, spec, params, None)

    # Real objects, not this module's postponed annotation strings: Ninja reads them to parse the query.
    query: Any = Query
    view.__annotations__ = {"request": HttpRequest, "params": query[params_model], "return": Any}
    view.__name__ = f"{spec.name}_report"
    router.get(
        f"/reports/{spec.name}",
        response=response,
        summary=spec.title,
        description=description,
        openapi_extra=extra,
        url_name=f"report_{spec.name}",
        # A row has exactly its table's columns: those of other groupings are left out, not written as null.
        exclude_unset=True,
    )(view)


def _takes(spec: ReportSpec, name: str) -> bool:
    if name in ("date_from", "date_to"):
        return "period" in spec.filters
    return name in spec.filters


for _spec in REPORTS.values():
    _register(_spec)
