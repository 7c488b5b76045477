"""Reading an imported file — a CSV as Dutch or English Excel saves it, or a workbook (XLSX, XLS, ODS) — into its
header row and its rows, streamed.

A file is told apart by its content, not its name: a zip (``PK``) or an OLE compound file is a workbook and goes to
python-calamine; anything else must be text and is read as CSV. A CSV's encoding is told by its byte order mark,
then by whether it is strict UTF-8 (checked over the whole file, so an "é" on the last line is not misread), then
by charset-normalizer among the Western code pages only: left free, it reads short Dutch text as Central European
(cp1250) and turns "è" into "č". Its separator is what csv.Sniffer finds, checked against the header row.

Rows are numbered as a spreadsheet shows them (the header row of a file that starts with it is row 1), so a problem
in the import points at the row the user sees; empty rows are skipped but still counted.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import python_calamine
from charset_normalizer import from_bytes

from salesguide.domain.errors import Message, gettext_noop
from salesguide.domain.file_values import Cell

__all__ = ["LARGEST_FILE", "Cell", "SheetRows", "UnreadableFile", "read_sheet"]

# The largest file accepted (bytes). An XLSX is unpacked whole by calamine, so this bounds the memory it takes.
LARGEST_FILE = 200 * 1024 * 1024

# How much of a CSV is looked at to tell its encoding and its separator.
_SAMPLE = 64 * 1024
_CHUNK = 1024 * 1024
_SEPARATORS = ";,\t"
# Code pages a Dutch or English spreadsheet is saved in when it is not UTF-8 (Windows, old Mac Excel, DOS).
_WESTERN_CODE_PAGES = ["cp1252", "mac_roman", "cp850", "iso8859_15"]
# Zip (XLSX, ODS) and OLE compound files (XLS, and password-protected XLSX, which Office wraps in one).
_WORKBOOK_MAGIC = (b"PK\x03\x04", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1")
_NOT_A_SPREADSHEET = Message(gettext_noop("This is not a CSV or spreadsheet file."))


@dataclass
class SheetRows:
    """A file's header row (as the file spells it, trimmed, without a byte order mark) and its rows, streamed:
    ``(row number as a spreadsheet shows it, cells)``, each row at least as long as the headers. ``decimal_comma``
    is a CSV's number style when its separator tells it (";" → True, "," → False) and None otherwise (a workbook's
    numbers are typed). Reading the rows may raise ``UnreadableFile`` when the file breaks off halfway."""

    headers: list[str]
    rows: Iterator[tuple[int, list[Cell]]]
    decimal_comma: bool | None


class UnreadableFile(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message


def read_sheet(file: BinaryIO, filename: str) -> SheetRows:
    """The header row and the rows of ``file`` (a CSV or the first sheet of a workbook, told by its content;
    ``filename`` is only a hint). Raises ``UnreadableFile`` for an empty, oversized, protected or unreadable
    file and for one without a header row."""
    size = file.seek(0, io.SEEK_END)
    file.seek(0)
    if size == 0:
        raise UnreadableFile(Message(gettext_noop("The file is empty.")))
    if size > LARGEST_FILE:
        raise UnreadableFile(
            Message(gettext_noop("The file is larger than %(limit)s MB."), {"limit": LARGEST_FILE // (1024 * 1024)})
        )
    start = file.read(8)
    file.seek(0)
    if start.startswith(_WORKBOOK_MAGIC) or (not start and filename.lower().endswith((".xlsx", ".xls", ".ods"))):
        return _read_workbook(file)
    return _read_csv(file)


def _read_workbook(file: BinaryIO) -> SheetRows:
    try:
        workbook = python_calamine.CalamineWorkbook.from_filelike(file)
        sheet = workbook.get_sheet_by_index(0)
        rows = enumerate(sheet.iter_rows(), start=1)
    except python_calamine.PasswordError:
        raise UnreadableFile(_PROTECTED) from None
    except python_calamine.WorksheetNotFound:
        raise UnreadableFile(_NO_HEADER) from None
    except (python_calamine.CalamineError, ValueError, OSError) as failed:
        if "password" in str(failed).lower() or "encrypt" in str(failed).lower():
            raise UnreadableFile(_PROTECTED) from None
        raise UnreadableFile(_NOT_A_SPREADSHEET) from None
    # calamine yields rows from the sheet's first row, so their numbers are the spreadsheet's.
    typed = ((number, [_workbook_cell(value) for value in cells]) for number, cells in rows)
    return _with_header(typed, decimal_comma=None)


_PROTECTED = Message(gettext_noop("The file is protected with a password; save it without one and try again."))
_NO_HEADER = Message(gettext_noop("The file has no header row."))


def _workbook_cell(value: object) -> Cell:
    if value == "" or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        # Every number in an XLSX is stored as a float: 60.0 is the 60 the user typed.
        return int(value)
    if isinstance(value, str | int | float | bool | dt.date):
        return value
    if isinstance(value, dt.time):
        return value.isoformat()
    return str(value)  # a duration


def _with_header(rows: Iterator[tuple[int, list[Cell]]], *, decimal_comma: bool | None) -> SheetRows:
    for _number, cells in rows:
        if _is_empty(cells):
            continue
        headers = [_header(cell) for cell in cells]
        while headers and not headers[-1]:
            headers.pop()
        return SheetRows(headers=headers, rows=_data_rows(rows, len(headers)), decimal_comma=decimal_comma)
    raise UnreadableFile(_NO_HEADER)


def _header(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).replace("\ufeff", "").strip()


def _is_empty(cells: Iterable[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in cells)


def _data_rows(rows: Iterator[tuple[int, list[Cell]]], width: int) -> Iterator[tuple[int, list[Cell]]]:
    for number, cells in rows:
        if _is_empty(cells):
            continue
        if len(cells) < width:
            cells.extend([None] * (width - len(cells)))
        yield number, cells


def _read_csv(file: BinaryIO) -> SheetRows:
    encoding = _csv_encoding(file)
    text = io.TextIOWrapper(file, encoding=encoding, errors="replace", newline="")
    sample = text.read(_SAMPLE)
    text.seek(0)
    separator = _separator(sample)
    sheet = _with_header(_csv_rows(text, separator), decimal_comma=None)
    if len(sheet.headers) > 1:
        # Excel writes ";" where the decimal mark is a comma (Dutch), "," where it is a point (English).
        sheet.decimal_comma = {";": True, ",": False}.get(separator)
    return sheet


def _csv_rows(text: io.TextIOWrapper, separator: str) -> Iterator[tuple[int, list[Cell]]]:
    records = csv.reader(text, delimiter=separator)
    number = 0
    try:
        while True:
            try:
                record = next(records)
            except StopIteration:
                return
            except csv.Error as failed:
                raise UnreadableFile(
                    Message(
                        gettext_noop("Row %(row)s cannot be read: %(reason)s"), {"row": number + 1, "reason": failed}
                    )
                ) from None
            number += 1
            yield number, list[Cell](record)
    finally:
        # A text wrapper closes the file under it when it goes; the caller's file stays theirs to close.
        text.detach()


def _csv_encoding(file: BinaryIO) -> str:
    start = file.read(_SAMPLE)
    file.seek(0)
    if start.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if start.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"  # Excel's "Unicode text"
    if b"\0" in start:
        raise UnreadableFile(_NOT_A_SPREADSHEET)
    if _is_utf8(file):
        return "utf-8"
    guess = from_bytes(start, cp_isolation=_WESTERN_CODE_PAGES).best()
    if guess is None:
        raise UnreadableFile(_NOT_A_SPREADSHEET)
    return guess.encoding


def _is_utf8(file: BinaryIO) -> bool:
    decoder = codecs.getincrementaldecoder("utf-8")(errors="strict")
    try:
        while chunk := file.read(_CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return False
    finally:
        file.seek(0)
    return True


def _separator(sample: str) -> str:
    """The field separator: csv.Sniffer's, unless the header row splits into more fields by another one."""
    header = next((line for line in sample.splitlines() if line.strip(_SEPARATORS + " ")), "")
    fields = {separator: len(next(csv.reader([header], delimiter=separator), [])) for separator in _SEPARATORS}
    most = max(fields, key=lambda separator: fields[separator])
    try:
        sniffed = csv.Sniffer().sniff(sample, delimiters=_SEPARATORS).delimiter
    except csv.Error:
        return most
    return sniffed if fields[sniffed] >= fields[most] else most
