"""A report's table as a CSV or XLSX file, the same rows the page and the API show.

Values are written by their column's kind (``queries.reports.table.ColumnKind``):

- ``money`` is stored in minor units with the row's ``currency`` beside it; files show it in major units
  (``1250.50``), in XLSX as a number with that currency's number format, so a spreadsheet can add it up;
- ``percent`` is 0–100 in the table; XLSX stores the fraction with a percent format (``42.5%``), CSV the number;
- ``int``, ``id`` and ``days`` are numbers, ``text``, ``month`` and ``currency`` text, ``bool`` yes or no;
- None is an empty cell;
- text that a spreadsheet would take for a formula (``=``, ``+``, ``-``, ``@`` first) is written in CSV with a
  leading apostrophe (``domain.file_values.formula_guarded``; the import takes it off); XLSX cells are typed
  strings, never formulas.

CSV is UTF-8 with a byte-order mark (Excel reads it as UTF-8 only then), numbers without grouping, and the
decimal mark and separator of the reader's language: Dutch Excel expects ``;`` between fields and ``,`` in
numbers (``1250,50``), English Excel ``,`` and ``.``. XLSX numbers are locale-free: Excel shows them the
reader's way.

The list files (companies, contacts, sales, activities; issue 11) are written the same way but streamed: rows
come in as tuples in the order of the columns, from an iterator that may hold a million of them, and go out as
CSV chunks (``csv_chunks``) or into an XLSX file on disk (``write_xlsx``), never all in memory. They also have
``date`` (ISO ``2026-12-31`` in CSV, both Excels read it; a date cell in XLSX) and ``datetime`` (ISO with its
offset in CSV; the wall-clock time in XLSX, which has no time zones) values.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any, Literal, Protocol

import xlsxwriter
from babel.numbers import get_currency_symbol

from salesguide.domain.file_values import formula_guarded

Translate = Callable[[str], str]
FileFormat = Literal["csv", "xlsx"]
FORMATS: tuple[FileFormat, ...] = ("csv", "xlsx")
CONTENT_TYPES: dict[FileFormat, str] = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})
_MIN_WIDTH, _MAX_WIDTH = 8, 50


class ColumnLike(Protocol):
    @property
    def key(self) -> str: ...
    @property
    def label(self) -> str: ...  # an English msgid; ``translate`` makes it the reader's language
    @property
    def kind(self) -> str: ...


class MessageLike(Protocol):
    def render(self, translate: Any = None) -> str: ...


class TableLike(Protocol):
    @property
    def name(self) -> str: ...
    @property
    def columns(self) -> Sequence[ColumnLike]: ...
    @property
    def rows(self) -> Sequence[Mapping[str, Any]]: ...
    @property
    def notes(self) -> Sequence[MessageLike]: ...


@dataclass(frozen=True)
class ReportFile:
    content: bytes
    content_type: str
    filename: str


def file_name(report: str, today: dt.date, file_format: FileFormat) -> str:
    """``pipeline-2026-03-01.xlsx``: the report and the day it was made, so downloads do not overwrite."""
    return f"{report}-{today.isoformat()}.{file_format}"


def report_file(
    table: TableLike,
    file_format: FileFormat,
    *,
    translate: Translate,
    language: str,
    decimal_mark: str,
    today: dt.date,
    title: str = "",
) -> ReportFile:
    """The table as a downloadable file. ``title`` (translated) names the XLSX sheet."""
    if file_format == "csv":
        content = csv_bytes(table, translate=translate, decimal_mark=decimal_mark)
    else:
        content = xlsx_bytes(table, translate=translate, language=language, title=title or table.name)
    return ReportFile(content, CONTENT_TYPES[file_format], file_name(table.name, today, file_format))


# --- CSV ----------------------------------------------------------------------------------------------------


def _plain_number(value: Decimal | int | float, decimal_mark: str, places: int | None = None) -> str:
    text = f"{value:.{places}f}" if places is not None else str(value)
    return text.replace(".", decimal_mark)


def csv_cell(value: Any, kind: str, *, translate: Translate, decimal_mark: str = ".") -> str:
    """One value as CSV text (see the module's docstring)."""
    if value is None:
        return ""
    if kind == "money":
        return _plain_number(Decimal(int(value)).scaleb(-2), decimal_mark, 2)
    if kind in ("percent", "days"):
        number = float(value)
        return _plain_number(int(number) if number.is_integer() else round(number, 2), decimal_mark)
    if kind == "bool":
        return translate("Yes") if value else translate("No")
    if kind == "datetime" and isinstance(value, dt.datetime):
        return value.isoformat(timespec="seconds")
    if kind == "date" and isinstance(value, dt.date):
        return value.isoformat()
    return formula_guarded(str(value))


def csv_bytes(table: TableLike, *, translate: Translate, decimal_mark: str = ".") -> bytes:
    """The table's rows under its translated labels. A comma as decimal mark puts ``;`` between fields."""
    keys = [column.key for column in table.columns]
    rows = ([row.get(key) for key in keys] for row in table.rows)
    return b"".join(csv_chunks(table.columns, rows, translate=translate, decimal_mark=decimal_mark))


# Rows per chunk a CSV stream yields: big enough that the per-chunk overhead of a streamed answer disappears,
# small enough that a chunk is a few hundred kilobytes.
CSV_CHUNK_ROWS = 1000


def csv_chunks(
    columns: Sequence[ColumnLike],
    rows: Iterable[Sequence[Any]],
    *,
    translate: Translate,
    decimal_mark: str = ".",
    labels: Mapping[str, Mapping[Any, str]] | None = None,
) -> Iterator[bytes]:
    """The CSV file in chunks of bytes: the byte-order mark and the translated header first, then the rows (each
    a sequence in the order of ``columns``) ``CSV_CHUNK_ROWS`` at a time. A value that ``labels`` names for its
    column (such as a sale's status) is written as that label. Everything language-dependent is looked up here,
    before the first chunk: the chunks may be produced after the request's language is gone."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";" if decimal_mark == "," else ",", lineterminator="\r\n")
    writer.writerow([translate(column.label) for column in columns])
    yes_no = {True: translate("Yes"), False: translate("No")}
    cell_writers = [
        _csv_cell_writer(column, decimal_mark, yes_no, (labels or {}).get(column.key)) for column in columns
    ]
    header = out.getvalue().encode("utf-8-sig")

    def chunks() -> Iterator[bytes]:
        yield header
        pending: list[str] = []
        for count, row in enumerate(rows, start=1):
            out.seek(0)
            out.truncate()
            writer.writerow([write(value) for write, value in zip(cell_writers, row, strict=True)])
            pending.append(out.getvalue())
            if count % CSV_CHUNK_ROWS == 0:
                yield "".join(pending).encode("utf-8")
                pending.clear()
        if pending:
            yield "".join(pending).encode("utf-8")

    return chunks()


def _csv_cell_writer(
    column: ColumnLike, decimal_mark: str, yes_no: Mapping[bool, str], labels: Mapping[Any, str] | None
) -> Callable[[Any], str]:
    """How one column's values become text, decided once per column rather than per cell (a million rows)."""
    kind = column.kind
    if labels is not None:
        return lambda value: "" if value is None else labels.get(value, str(value))
    if kind == "bool":
        return lambda value: "" if value is None else yes_no[bool(value)]
    if kind in ("text", "reference", "currency", "status"):
        return lambda value: "" if value is None else formula_guarded(str(value))
    if kind in ("id", "int"):
        return lambda value: "" if value is None else str(int(value))

    def cell(value: Any) -> str:
        return csv_cell(value, kind, translate=lambda text: yes_no[text == "Yes"], decimal_mark=decimal_mark)

    return cell


# --- XLSX ---------------------------------------------------------------------------------------------------


def currency_format(currency: str, language: str) -> str:
    """An Excel number format showing the currency's symbol in the reader's language: ``[$€] #,##0.00``."""
    symbol = get_currency_symbol(currency or "EUR", locale=language).replace("]", "").replace("-", "")
    return f"[${symbol}] #,##0.00"


def sheet_name(title: str) -> str:
    """A worksheet name Excel accepts: at most 31 characters, none of ``[]:*?/\\``."""
    return (title.translate(_SHEET_NAME_FORBIDDEN).strip() or "Report")[:31]


def _width_of(value: Any, kind: str) -> int:
    if value is None:
        return 0
    if kind == "money":
        return len(f"{Decimal(int(value)).scaleb(-2):,.2f}") + 5  # with the symbol
    return len(str(value))


def xlsx_bytes(table: TableLike, *, translate: Translate, language: str, title: str) -> bytes:
    """One worksheet: a bold, frozen header row, the rows typed by kind, widths to fit, the notes below."""
    out = io.BytesIO()
    # constant_memory writes each row as it goes instead of keeping the sheet in memory (rows in order only).
    workbook = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = workbook.add_worksheet(sheet_name(title))
    header = workbook.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    note = workbook.add_format({"italic": True})
    formats: dict[str, Any] = {
        "percent": workbook.add_format({"num_format": "0.0%"}),
        "days": workbook.add_format({"num_format": "0.0"}),
        "int": workbook.add_format({"num_format": "#,##0"}),
    }
    money_formats: dict[str, Any] = {}

    def money_format(currency: str) -> Any:
        if currency not in money_formats:
            money_formats[currency] = workbook.add_format({"num_format": currency_format(currency, language)})
        return money_formats[currency]

    columns = list(table.columns)
    labels = [translate(column.label) for column in columns]
    # Widths must be set before the first row is written (constant_memory).
    for index, (column, label) in enumerate(zip(columns, labels, strict=True)):
        widest = max([len(label) + 2, *(_width_of(row.get(column.key), column.kind) + 1 for row in table.rows)])
        sheet.set_column(index, index, max(_MIN_WIDTH, min(_MAX_WIDTH, widest)))
    sheet.freeze_panes(1, 0)
    for index, label in enumerate(labels):
        sheet.write_string(0, index, label, header)
    for row_number, row in enumerate(table.rows, start=1):
        for index, column in enumerate(columns):
            value = row.get(column.key)
            if value is None:
                continue
            kind = column.kind
            if kind == "money":
                sheet.write_number(
                    row_number, index, float(Decimal(int(value)).scaleb(-2)), money_format(row.get("currency") or "")
                )
            elif kind == "percent":
                sheet.write_number(row_number, index, float(value) / 100, formats["percent"])
            elif kind in ("days", "int"):
                sheet.write_number(row_number, index, float(value), formats[kind])
            elif kind == "id":
                sheet.write_number(row_number, index, int(value))
            elif kind == "bool":
                sheet.write_boolean(row_number, index, bool(value))
            else:
                sheet.write_string(row_number, index, str(value))
    if table.rows and columns:
        sheet.autofilter(0, 0, len(table.rows), len(columns) - 1)
    for offset, message in enumerate(table.notes):
        sheet.write_string(len(table.rows) + 2 + offset, 0, message.render(translate), note)
    workbook.close()
    return out.getvalue()


# Excel's last row is 1,048,576; a longer list goes on to a second sheet (with the header again).
XLSX_MAX_ROWS = 1_048_576
# Widths of list file columns by kind: a stream cannot be measured before it is written (constant_memory sets
# widths first), so a column is as wide as its header or what its kind usually holds.
_LIST_WIDTHS = {"id": 8, "int": 10, "money": 14, "currency": 9, "date": 12, "datetime": 17, "bool": 8, "status": 12}


def write_xlsx(
    target: IO[bytes],
    columns: Sequence[ColumnLike],
    rows: Iterable[Sequence[Any]],
    *,
    translate: Translate,
    language: str,
    title: str,
    labels: Mapping[str, Mapping[Any, str]] | None = None,
) -> int:
    """Write the rows (each a sequence in the order of ``columns``) as an XLSX workbook into ``target``, row by
    row (XlsxWriter's constant_memory: memory does not grow with the rows). Money is a number with its row's
    currency format (the row's ``currency`` column), dates and times date cells, ids and numbers numbers, a value
    ``labels`` names written as its label. Returns the number of rows written."""
    workbook = xlsxwriter.Workbook(target, {"constant_memory": True, "strings_to_numbers": False})
    header = workbook.add_format({"bold": True, "bottom": 1})
    formats: dict[str, Any] = {
        "int": workbook.add_format({"num_format": "#,##0"}),
        "date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
        "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
    }
    money_formats: dict[str, Any] = {}
    keys = [column.key for column in columns]
    currency_at = keys.index("currency") if "currency" in keys else None
    kinds = [column.kind for column in columns]
    column_labels = [(labels or {}).get(key) for key in keys]
    texts = [translate(column.label) for column in columns]
    base_title = sheet_name(title)

    def new_sheet(number: int) -> Any:
        name = base_title if number == 1 else f"{base_title[:26]} ({number})"
        sheet = workbook.add_worksheet(name)
        for index, (kind, text) in enumerate(zip(kinds, texts, strict=True)):
            width = max(_MIN_WIDTH, len(text) + 2, _LIST_WIDTHS.get(kind, 24))
            sheet.set_column(index, index, min(_MAX_WIDTH, width))
        sheet.freeze_panes(1, 0)
        for index, text in enumerate(texts):
            sheet.write_string(0, index, text, header)
        return sheet

    def money_format(currency: str) -> Any:
        if currency not in money_formats:
            money_formats[currency] = workbook.add_format({"num_format": currency_format(currency, language)})
        return money_formats[currency]

    sheets = 1
    sheet = new_sheet(sheets)
    row_number = 0
    written = 0
    for row in rows:
        row_number += 1
        if row_number == XLSX_MAX_ROWS:
            sheet.autofilter(0, 0, row_number - 1, len(columns) - 1)
            sheets += 1
            sheet = new_sheet(sheets)
            row_number = 1
        for index, value in enumerate(row):
            if value is None or value == "":
                continue
            kind = kinds[index]
            value_labels = column_labels[index]
            if value_labels is not None:
                sheet.write_string(row_number, index, value_labels.get(value, str(value)))
            elif kind == "money":
                currency = str(row[currency_at] or "") if currency_at is not None else ""
                sheet.write_number(row_number, index, float(Decimal(int(value)).scaleb(-2)), money_format(currency))
            elif kind in ("id", "int"):
                sheet.write_number(row_number, index, int(value), formats["int"] if kind == "int" else None)
            elif kind == "datetime" and isinstance(value, dt.datetime):
                # Excel knows no time zones: the wall-clock time the reader's list shows.
                sheet.write_datetime(row_number, index, value.replace(tzinfo=None), formats["datetime"])
            elif kind == "date" and isinstance(value, dt.date):
                sheet.write_datetime(row_number, index, value, formats["date"])
            elif kind == "bool":
                sheet.write_boolean(row_number, index, bool(value))
            else:
                sheet.write_string(row_number, index, str(value))
        written += 1
    if columns:
        sheet.autofilter(0, 0, max(row_number, 1), len(columns) - 1)
    workbook.close()
    return written
