"""Imports: ``POST /api/v1/imports/{companies|contacts|sales}`` with a CSV or XLSX file (issue 11)."""

from __future__ import annotations

from typing import Any, BinaryIO, cast

from django.http import HttpRequest
from django.utils.translation import gettext, ngettext
from ninja import Field, Query, Router, Schema

from salesguide.api.auth import actor
from salesguide.api.errors import WRITE, FieldErrorOut, InvalidInput, UnsupportedMediaType, responses
from salesguide.api.fields import QueryBool
from salesguide.domain.file_columns import COLUMNS, IMPORTABLE, FileKind
from salesguide.services.imports import ImportResult, import_file

router = Router(tags=["Import and export"])


class ImportParams(Schema):
    dry_run: QueryBool = Field(False, description="`true`: check every row and write nothing.")


class ImportProblemOut(Schema):
    row: int = Field(description="The row as a spreadsheet numbers it (the header is row 1; 0: the whole file).")
    column: str = Field(description="The column's header as the file spells it; empty for the whole row.")
    message: str


class ImportResultOut(Schema):
    rows: int
    created: int
    updated: int = Field(description="Rows that changed an existing record (a row that changes nothing: neither).")
    problems: list[ImportProblemOut]
    dry_run: bool
    warnings: list[ImportProblemOut] = Field(
        default_factory=list,
        description="Rows written with a word to say: a sale moved on although required items of its stage were "
        "not done (a sale type whose exit criteria warn).",
    )


class ImportRefusedOut(Schema):
    """422: the file's problems with the counts (nothing written), or — when the upload itself is wrong (no
    ``file``) — the field problems every endpoint answers with."""

    detail: str | list[FieldErrorOut]
    rows: int | None = None
    created: int | None = None
    updated: int | None = None
    problems: list[ImportProblemOut] | None = None
    dry_run: bool | None = None


def result_out(result: ImportResult) -> dict[str, Any]:
    return {
        "rows": result.rows,
        "created": result.created,
        "updated": result.updated,
        "problems": [
            {"row": problem.row, "column": problem.column, "message": problem.message.render(gettext)}
            for problem in result.problems
        ],
        "dry_run": result.dry_run,
        "warnings": [
            {"row": warning.row, "column": warning.column, "message": warning.message.render(gettext)}
            for warning in result.warnings
        ],
    }


_MATCHING: dict[str, str] = {
    "companies": "A row updates the company with its id, else its registration number, else its name (case "
    "ignored); any other row creates one.",
    "contacts": "A row updates the contact with its id, else its e-mail address (case ignored); any other row "
    "creates one. The company is named by name, registration number or id and must exist.",
    "sales": "A row updates the sale with its id, else its external reference; any other row creates one, in the "
    "stage and status given (an open sale without a stage starts in its type's first stage), with one history "
    "row saying it was imported. Company, contact, sale type, stage and owner are named by name or id (the "
    "owner also by username) and must exist. A changed stage or status of an existing sale goes through the "
    "same rules as on its card. A salesperson imports their own sales; a manager anyone's.",
}


def _columns_text(kind: FileKind) -> str:
    lines = []
    for column in COLUMNS[kind]:
        if column.export_only:
            continue
        names = ", ".join(f"`{name}`" for name in (column.label, *column.aliases))
        lines.append(f"* {names}{' (required to create)' if column.required else ''}: {column.kind}")
    return "\n".join(lines)


def _description(kind: FileKind) -> str:
    return (
        "Multipart `file`: a CSV (`;` or `,`, UTF-8 or Windows-1252, decimal comma or point) or XLSX file whose "
        "first row names the columns, in English or Dutch (case ignored). All or nothing: any problem → 422 with "
        "every problem by row and column, and nothing written; `?dry_run=true` checks only. "
        f"{_MATCHING[kind]} Importing the same file twice changes nothing the second time.\n\n"
        f"Columns (English header, then other accepted spellings; the Dutch header is accepted too):\n\n"
        f"{_columns_text(kind)}"
    )


_UPLOAD_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "properties": {"file": {"type": "string", "format": "binary"}},
                    "required": ["file"],
                }
            }
        },
    }
}


def _import(request: HttpRequest, kind: FileKind, dry_run: bool) -> tuple[int, dict[str, Any]]:
    if request.content_type != "multipart/form-data":
        raise UnsupportedMediaType(["multipart/form-data"])
    upload = request.FILES.get("file")
    if upload is None:
        raise InvalidInput([{"loc": ["body", "file"], "msg": gettext("Upload a CSV or XLSX file.")}])
    # An upload is a binary file (in memory or on disk), read as it streams.
    result = import_file(actor(request), kind, cast(BinaryIO, upload), upload.name or "", dry_run=dry_run)
    body = result_out(result)
    if result.problems:
        count = len(result.problems)
        detail = ngettext(
            "The file has %(count)d problem; nothing was imported.",
            "The file has %(count)d problems; nothing was imported.",
            count,
        ) % {"count": count}
        return 422, {**body, "detail": detail}
    return 200, body


def _operation(kind: FileKind) -> None:
    def view(request: HttpRequest, params: Query[ImportParams]) -> tuple[int, dict[str, Any]]:
        return _import(request, kind, params.dry_run)

    view.__name__ = f"import_{kind}"
    router.post(
        f"/imports/{kind}",
        response={**responses({200: ImportResultOut}, *WRITE, 400, 413, 415), 422: ImportRefusedOut},
        summary=f"Import {kind} from a CSV or XLSX file",
        description=_description(kind),
        openapi_extra=_UPLOAD_BODY,
    )(view)


for _kind in IMPORTABLE:
    _operation(_kind)
