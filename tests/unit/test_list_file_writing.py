"""Writing the list files (``reporting.files``, issue 11) without a database: rows streamed in, CSV chunks or an
XLSX workbook out, values by their column's kind, and nothing held that grows with the rows."""

from __future__ import annotations

import csv
import datetime as dt
import io
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import openpyxl
import pytest

from salesguide.reporting import files
from salesguide.reporting.files import CSV_CHUNK_ROWS, csv_chunks, write_xlsx


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str


COLUMNS = (
    Col("id", "Id", "id"),
    Col("title", "Title", "text"),
    Col("amount", "Amount", "money"),
    Col("currency", "Currency", "currency"),
    Col("status", "Status", "status"),
    Col("expected_date", "Expected date", "date"),
    Col("start", "Start", "datetime"),
)
AMSTERDAM = zoneinfo.ZoneInfo("Europe/Amsterdam")
ROW = (
    7,
    "Big deal; “quoted”",
    1_250_50,
    "EUR",
    "sold",
    dt.date(2031, 12, 31),
    dt.datetime(2031, 1, 15, 9, 30, tzinfo=AMSTERDAM),
)
LABELS = {"status": {"sold": "Verkocht"}}


def dutch(text: str) -> str:
    return {"Title": "Titel", "Amount": "Bedrag", "Yes": "Ja", "No": "Nee"}.get(text, text)


def test_a_dutch_csv_row_has_decimal_commas_iso_dates_and_times_with_their_offset() -> None:
    content = b"".join(csv_chunks(COLUMNS, [ROW], translate=dutch, decimal_mark=",", labels=LABELS))

    assert content.startswith(b"\xef\xbb\xbf")
    assert list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";")) == [
        ["Id", "Titel", "Bedrag", "Currency", "Status", "Expected date", "Start"],
        ["7", "Big deal; “quoted”", "1250,50", "EUR", "Verkocht", "2031-12-31", "2031-01-15T09:30:00+01:00"],
    ]


def test_empty_values_are_empty_cells_in_csv_and_xlsx() -> None:
    empty = (8, "", None, "EUR", None, None, None)

    content = b"".join(csv_chunks(COLUMNS, [empty], translate=str))
    target = io.BytesIO()
    write_xlsx(target, COLUMNS, [empty], translate=str, language="en", title="Sales")

    assert content.decode("utf-8-sig").splitlines()[1] == "8,,,EUR,,,"
    sheet = openpyxl.load_workbook(target).active
    assert [cell.value for cell in sheet[2]] == [8, None, None, "EUR", None, None, None]


def test_the_csv_header_is_made_before_the_first_row_is_asked_for_and_rows_go_out_in_chunks() -> None:
    asked: list[int] = []

    def rows() -> Iterator[tuple[Any, ...]]:
        for number in range(2 * CSV_CHUNK_ROWS + 1):
            asked.append(number)
            yield (number, "x", 0, "EUR", "open", None, None)

    chunks = csv_chunks(COLUMNS, rows(), translate=str)
    header = next(chunks)

    assert header.decode("utf-8-sig").startswith("Id,Title,Amount")
    assert asked == []
    assert next(chunks).count(b"\r\n") == CSV_CHUNK_ROWS
    assert len(asked) == CSV_CHUNK_ROWS
    assert [chunk.count(b"\r\n") for chunk in chunks] == [CSV_CHUNK_ROWS, 1]


def test_an_xlsx_has_typed_cells_the_labels_and_the_rows_currency_format() -> None:
    target = io.BytesIO()

    written = write_xlsx(target, COLUMNS, iter([ROW]), translate=dutch, language="nl", title="Verkopen", labels=LABELS)

    assert written == 1
    sheet = openpyxl.load_workbook(target).active
    assert sheet.title == "Verkopen"
    assert [cell.value for cell in sheet[1]] == [
        "Id",
        "Titel",
        "Bedrag",
        "Currency",
        "Status",
        "Expected date",
        "Start",
    ]
    values = [cell.value for cell in sheet[2]]
    assert values[:5] == [7, "Big deal; “quoted”", 1250.5, "EUR", "Verkocht"]
    # Date cells; Excel knows no time zones, so the time is the wall clock's.
    assert [value.isoformat() for value in values[5:]] == ["2031-12-31T00:00:00", "2031-01-15T09:30:00"]
    assert sheet["C2"].number_format == "[$€] #,##0.00"
    assert sheet["F2"].number_format == "yyyy-mm-dd"
    assert sheet.freeze_panes == "A2"


def test_rows_beyond_excels_last_row_go_on_to_a_second_sheet_with_the_header_again(monkeypatch) -> None:
    monkeypatch.setattr(files, "XLSX_MAX_ROWS", 4)  # a header and three rows per sheet
    target = io.BytesIO()

    written = write_xlsx(
        target, COLUMNS[:2], ((n, f"Sale {n}") for n in range(1, 6)), translate=str, language="en", title="Sales"
    )

    book = openpyxl.load_workbook(target)
    assert written == 5
    assert book.sheetnames == ["Sales", "Sales (2)"]
    assert [row for row in book["Sales"].iter_rows(values_only=True)] == [
        ("Id", "Title"),
        (1, "Sale 1"),
        (2, "Sale 2"),
        (3, "Sale 3"),
    ]
    assert [row for row in book["Sales (2)"].iter_rows(values_only=True)] == [
        ("Id", "Title"),
        (4, "Sale 4"),
        (5, "Sale 5"),
    ]


@pytest.mark.parametrize("decimal_mark", [".", ","])
def test_a_report_csv_is_what_the_list_writer_writes_for_its_rows(decimal_mark: str) -> None:
    @dataclass(frozen=True)
    class Table:
        name: str
        columns: tuple[Col, ...]
        rows: list[dict[str, Any]]
        notes: tuple[()] = ()

    table = Table("t", COLUMNS[:4], [{"id": 1, "title": "A", "amount": 5, "currency": "EUR"}])

    assert files.csv_bytes(table, translate=str, decimal_mark=decimal_mark) == b"".join(
        csv_chunks(COLUMNS[:4], [(1, "A", 5, "EUR")], translate=str, decimal_mark=decimal_mark)
    )
