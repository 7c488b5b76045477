"""Reading imported files (``datafiles.reading``) as people really have them: a Dutch Excel CSV (";",
Windows-1252, decimal commas, day-first dates), the same with a UTF-8 byte order mark, an English CSV (",",
UTF-8), workbooks written by openpyxl and by XlsxWriter, and files that cannot be read, each with a message that
says why. The files are built here, as the programs that people use write them."""

from __future__ import annotations

import datetime as dt
import io

import openpyxl
import pytest
import xlsxwriter

from salesguide.datafiles.reading import Cell, SheetRows, UnreadableFile, read_sheet

DUTCH_CSV = (
    "Titel;Bedrijf;Bedrag;Verwachte datum\r\n"
    "Koffiemachines;Café Ré;1.250,50;31-12-2026\r\n"
    "Onderhoud € 12 p/m;Bakkerij;99,95;01-02-2027\r\n"
    ";;;\r\n"
    ";;;\r\n"
)


def rows_of(sheet: SheetRows) -> list[tuple[int, list[Cell]]]:
    return list(sheet.rows)


def test_a_dutch_excel_csv_in_windows_1252_reads_with_semicolons_and_decimal_commas() -> None:
    # given the CSV that Dutch Excel saves: ";" between fields, Windows-1252, empty rows at the end
    file = io.BytesIO(DUTCH_CSV.encode("cp1252"))

    sheet = read_sheet(file, "verkoopkansen.csv")

    assert sheet.headers == ["Titel", "Bedrijf", "Bedrag", "Verwachte datum"]
    assert sheet.decimal_comma is True
    assert rows_of(sheet) == [
        (2, ["Koffiemachines", "Café Ré", "1.250,50", "31-12-2026"]),
        (3, ["Onderhoud € 12 p/m", "Bakkerij", "99,95", "01-02-2027"]),
    ]


def test_a_dutch_csv_with_a_utf8_byte_order_mark_reads_the_same_without_the_mark_in_the_first_header() -> None:
    file = io.BytesIO(DUTCH_CSV.encode("utf-8-sig"))

    sheet = read_sheet(file, "verkoopkansen.csv")

    assert sheet.headers[0] == "Titel"
    assert sheet.decimal_comma is True
    assert rows_of(sheet)[0] == (2, ["Koffiemachines", "Café Ré", "1.250,50", "31-12-2026"])


def test_an_english_csv_in_utf8_reads_with_commas_and_quoted_thousands() -> None:
    text = 'Title,Company,Amount,Expected date\n"Coffee machines","Zoë & Co","1,250.50",2026-12-31\n'

    sheet = read_sheet(io.BytesIO(text.encode()), "sales.csv")

    assert sheet.headers == ["Title", "Company", "Amount", "Expected date"]
    assert sheet.decimal_comma is False
    assert rows_of(sheet) == [(2, ["Coffee machines", "Zoë & Co", "1,250.50", "2026-12-31"])]


def test_a_tab_separated_file_reads_and_leaves_the_number_style_open() -> None:
    text = "Name\tCity\n  Bakkerij de Vries \tUtrecht\n"

    sheet = read_sheet(io.BytesIO(text.encode()), "companies.txt")

    assert sheet.headers == ["Name", "City"]
    assert sheet.decimal_comma is None
    assert rows_of(sheet) == [(2, ["  Bakkerij de Vries ", "Utrecht"])]


def test_quoted_fields_with_newlines_stay_one_row_and_rows_are_numbered_as_a_spreadsheet_shows_them() -> None:
    # given a note over three lines in the first row, and an empty row in the middle
    text = 'Name;Notes\r\nDe Vries;"Koffie\r\nen thee\r\nelke week"\r\n;\r\nJansen;"zegt ""ja"""\r\n'

    sheet = read_sheet(io.BytesIO(text.encode("cp1252")), "bedrijven.csv")

    assert rows_of(sheet) == [(2, ["De Vries", "Koffie\r\nen thee\r\nelke week"]), (4, ["Jansen", 'zegt "ja"'])]


def test_short_rows_are_filled_up_to_the_headers_so_every_column_has_a_cell() -> None:
    sheet = read_sheet(io.BytesIO(b"Name,City,Phone\nDe Vries,Utrecht\n"), "companies.csv")

    assert rows_of(sheet) == [(2, ["De Vries", "Utrecht", None])]


def test_headers_are_trimmed() -> None:
    sheet = read_sheet(io.BytesIO(b" Name ; City\nA;B\n"), "companies.csv")

    assert sheet.headers == ["Name", "City"]


def test_a_workbook_made_by_openpyxl_reads_its_first_sheet_with_typed_cells_from_its_first_non_empty_row() -> None:
    # given a workbook with a title row left empty, Dutch headers, typed numbers and dates
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append([None])
    sheet.append(["Titel", "Bedrag", "Verwachte datum", "Kans"])
    sheet.append(["Koffiemachines", 1250.5, dt.date(2026, 12, 31), 60])
    sheet.append([None, None, None, None])
    sheet.append(["Onderhoud", None, dt.datetime(2027, 2, 1, 9, 30), None])  # noqa: DTZ001 (a workbook's times carry no zone)
    workbook.create_sheet("Second").append(["Not", "read"])
    file = io.BytesIO()
    workbook.save(file)
    file.seek(0)

    read = read_sheet(file, "verkoopkansen.xlsx")

    assert read.headers == ["Titel", "Bedrag", "Verwachte datum", "Kans"]
    assert read.decimal_comma is None
    assert rows_of(read) == [
        (3, ["Koffiemachines", 1250.5, dt.date(2026, 12, 31), 60]),
        (5, ["Onderhoud", None, dt.datetime(2027, 2, 1, 9, 30), None]),  # noqa: DTZ001 (a workbook's times carry no zone)
    ]


def test_a_workbook_made_by_xlsxwriter_reads_dates_stored_as_numbers_with_a_date_format() -> None:
    # given another writer: strings shared or inline, dates as numbers with a date format, data not in column A
    file = io.BytesIO()
    workbook = xlsxwriter.Workbook(file, {"in_memory": True, "strings_to_numbers": False})
    sheet = workbook.add_worksheet("Sales")
    day = workbook.add_format({"num_format": "dd-mm-yyyy"})
    sheet.write_row(0, 1, ["Title", "Amount", "Expected date", "Reference"])
    sheet.write_row(1, 1, ["Coffee machines", 1250.5])
    sheet.write_datetime(1, 3, dt.datetime(2026, 12, 31), day)  # noqa: DTZ001 (a workbook's times carry no zone)
    sheet.write_string(1, 4, "0042")
    workbook.close()
    file.seek(0)

    read = read_sheet(file, "export.xlsx")

    assert read.headers == ["Title", "Amount", "Expected date", "Reference"]
    assert rows_of(read) == [(2, ["Coffee machines", 1250.5, dt.date(2026, 12, 31), "0042"])]


def test_a_workbook_is_told_by_its_content_whatever_its_name() -> None:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.append(["Name"])
    sheet.append(["De Vries"])
    file = io.BytesIO()
    workbook.save(file)
    file.seek(0)

    read = read_sheet(file, "companies.csv")

    assert rows_of(read) == [(2, ["De Vries"])]


def test_a_csv_is_told_by_its_content_even_when_named_xlsx() -> None:
    read = read_sheet(io.BytesIO(b"Name;City\nDe Vries;Utrecht\n"), "companies.xlsx")

    assert rows_of(read) == [(2, ["De Vries", "Utrecht"])]


@pytest.mark.parametrize(
    ("content", "filename", "says"),
    [
        (b"", "empty.csv", "The file is empty."),
        (b"\r\n\r\n;;\r\n", "blank.csv", "The file has no header row."),
        (bytes(range(256)) * 20, "junk.csv", "This is not a CSV or spreadsheet file."),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 200, "photo.csv", "This is not a CSV or spreadsheet file."),
        (b"PK\x03\x04 this zip is broken" * 10, "broken.xlsx", "This is not a CSV or spreadsheet file."),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_with_a_message_that_says_why(
    content: bytes, filename: str, says: str
) -> None:
    with pytest.raises(UnreadableFile) as refused:
        read_sheet(io.BytesIO(content), filename)

    assert refused.value.message.render() == says


def test_a_workbook_without_a_header_row_is_refused() -> None:
    workbook = openpyxl.Workbook()
    file = io.BytesIO()
    workbook.save(file)
    file.seek(0)

    with pytest.raises(UnreadableFile) as refused:
        read_sheet(file, "empty.xlsx")

    assert refused.value.message.render() == "The file has no header row."


def test_a_file_with_only_a_header_row_reads_as_no_rows() -> None:
    sheet = read_sheet(io.BytesIO(b"Name;City\r\n"), "companies.csv")

    assert sheet.headers == ["Name", "City"]
    assert rows_of(sheet) == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    from salesguide.datafiles import reading

    monkeypatch.setattr(reading, "LARGEST_FILE", 1000)

    with pytest.raises(UnreadableFile) as refused:
        read_sheet(io.BytesIO(b"Name\n" + b"De Vries\n" * 200), "companies.csv")

    assert "larger than" in refused.value.message.render()


@pytest.mark.parametrize("read_all", [True, False])
def test_the_file_stays_open_for_its_owner_after_reading(read_all: bool) -> None:
    import gc

    file = io.BytesIO(b"Name;City\nDe Vries;Utrecht\nJansen;Delft\n")
    sheet = read_sheet(file, "companies.csv")
    if read_all:
        list(sheet.rows)
    else:
        next(sheet.rows)

    del sheet
    gc.collect()

    assert not file.closed


def test_a_csv_that_breaks_off_halfway_says_which_row_while_the_rows_are_read() -> None:
    # given a cell far larger than any cell people type (the csv module's limit is 128 KB)
    content = b"Name;Notes\nDe Vries;ok\nJansen;" + b"x" * 200_000 + b"\n"
    sheet = read_sheet(io.BytesIO(content), "companies.csv")

    with pytest.raises(UnreadableFile) as refused:
        list(sheet.rows)

    assert refused.value.message.render().startswith("Row 3 cannot be read:")
