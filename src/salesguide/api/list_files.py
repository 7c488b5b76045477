"""``?format=csv|xlsx`` on the lists (``GET /api/v1/{companies|contacts|sales|activities}``, issue 11): the whole
filtered list as a file, streamed, in the request's language (headers, decimal mark, separator).

The list operations parse their filters as always and hand the read model's rows (``queries.list_files``) to
``file_answer``; ``limit`` and ``after`` do not apply to a file. CSV goes out as it is written
(``StreamingHttpResponse``); XLSX is written to a temporary file first (a workbook is a zip whose index comes
last) and then streamed from disk (``FileResponse``), so neither holds the list in memory.
"""

from __future__ import annotations

import tempfile
from typing import Any, Literal

from django.http import FileResponse, HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.utils import translation
from django.utils.formats import get_format
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from ninja import Schema
from pydantic import Field

from salesguide.api.auth import actor
from salesguide.queries.list_files import TITLES, ListFile
from salesguide.reporting.files import CONTENT_TYPES, FileFormat, csv_chunks, file_name, write_xlsx
from salesguide.services.clock import today_for


class FileFormatParams(Schema):
    format: Literal["json", "csv", "xlsx"] = Field(
        "json",
        description=(
            "`csv` or `xlsx` answers the whole filtered list as a file (streamed; `limit` and `after` do not "
            "apply): the columns of the import, headers and numbers in the request's language (Dutch: `;` "
            "between fields and a decimal comma), money in major units, dates ISO."
        ),
    )


def file_operation() -> dict[str, Any]:
    """``openapi_extra`` of a list that answers files too: the 200 answer's CSV and XLSX content types."""
    binary = {"schema": {"type": "string", "format": "binary"}}
    return {"responses": {200: {"content": {content_type: binary for content_type in CONTENT_TYPES.values()}}}}


def file_answer(request: HttpRequest, made: ListFile, file_format: FileFormat) -> HttpResponseBase:
    """The list file as a download named after the list and today (``sales-2026-12-03.csv``)."""
    # Looked up now, while the request's language is active: the rows are written after this returns.
    language = translation.get_language() or "en"
    decimal_mark = str(get_format("DECIMAL_SEPARATOR"))
    response: HttpResponseBase
    if file_format == "csv":
        chunks = csv_chunks(made.columns, made.rows, translate=gettext, decimal_mark=decimal_mark, labels=made.labels)
        response = StreamingHttpResponse(chunks, content_type=CONTENT_TYPES["csv"])
    else:
        target = tempfile.TemporaryFile()  # noqa: SIM115 (FileResponse closes it, and so removes it, when sent)
        write_xlsx(
            target,
            made.columns,
            made.rows,
            translate=gettext,
            language=language,
            title=gettext(TITLES[made.kind]),
            labels=made.labels,
        )
        target.seek(0)
        response = FileResponse(target, content_type=CONTENT_TYPES["xlsx"])
    name = file_name(made.kind, today_for(actor(request)), file_format)
    response["Content-Disposition"] = content_disposition_header(as_attachment=True, filename=name)
    response["Cache-Control"] = "no-store"
    return response
