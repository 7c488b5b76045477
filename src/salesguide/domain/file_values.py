"""Values in imported files as people write them, read into what the import checks (issue 11).

One cell at a time: ``parse_value`` turns what a CSV or a workbook holds into a Python value for its column's
kind (``domain.file_columns``) or raises ``ValueProblem`` with a message that quotes the cell, so the problems
list tells the user what to change. ``match_headers`` maps a file's header row to the columns, in English, in the
language the caller passes and by the aliases people use.

Files come from Dutch and English spreadsheets, so an amount may be "1.250,50" or "1,250.50"; a lone separator
followed by three digits ("1,250") is a thousand in one style and a fraction in the other, and only the file's
style (``decimal_comma``) can tell — without it the cell is refused rather than guessed. Dates are read day
first (31-12-2026, the European way) or ISO; a date that only makes sense month first (12/31/2026) is refused.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from salesguide.domain.errors import Message, gettext_noop
from salesguide.domain.file_columns import ColumnKind, FileColumn

# What a file's cell may hold: text from a CSV, typed values from a workbook, None for an empty cell.
Cell = str | int | float | bool | dt.date | dt.datetime | None


class ValueProblem(Exception):
    def __init__(self, message: Message) -> None:
        super().__init__(message.render())
        self.message = message


def parse_value(kind: ColumnKind, cell: Cell, *, decimal_comma: bool | None, default_tz: dt.tzinfo = dt.UTC) -> Any:
    """The value of ``cell`` for a column of ``kind``: ``str`` for text ("" when empty), ``int`` for int and id,
    minor units (``int``) for money, an upper-case code for currency, ``dt.date``, an aware ``dt.datetime``
    (naive ones are in ``default_tz``), ``bool``, a status value ("open", "sold", "lost", "stalled"), and for a
    reference the name (``str``) or the id (``int``) when it is a plain number. An empty cell is None for every
    kind but text. Raises ``ValueProblem`` when the cell cannot be read as its kind."""
    if kind == "text":
        return _text(cell)
    if cell is None or (isinstance(cell, str) and not cell.strip()):
        return None
    return _READERS[kind](cell, decimal_comma, default_tz)


_NOT_WHOLE = gettext_noop("“%(value)s” is not a whole number.")
_NOT_AN_ID = gettext_noop("“%(value)s” is not an id (a whole number above zero).")
_NOT_AN_AMOUNT = gettext_noop("“%(value)s” is not an amount; write it as 1250.50 or 1.250,50.")
_NOT_A_DATE = gettext_noop("“%(value)s” is not a date; write it as 2026-12-31 or 31-12-2026.")
_NOT_A_MOMENT = gettext_noop("“%(value)s” is not a date and time; write it as 2026-12-31 14:30.")


# A spreadsheet program opening a CSV file takes a cell that starts with one of these as a formula: a company
# called "=HYPERLINK(...)" would run as one in the reader's Excel. Exported text that starts so is written with
# a leading apostrophe (what Excel itself shows for text typed that way), and an import takes it off again, so
# an exported file imports back to the same text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def formula_guarded(text: str) -> str:
    """``text`` as a CSV cell may hold it without a spreadsheet taking it for a formula."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def formula_unguarded(text: str) -> str:
    """The text ``formula_guarded`` was given: the apostrophe before a formula's first character taken off."""
    return text[1:] if text.startswith("'") and text[1:2] and text[1] in "=+-@\t\r" else text


def _shown(cell: Cell) -> str:
    """The cell as a problem quotes it."""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    if isinstance(cell, dt.date):
        return cell.isoformat()
    return str(cell).strip()


def _problem(text: str, cell: Cell) -> ValueProblem:
    return ValueProblem(Message(text, {"value": _shown(cell)}))


def _text(cell: Cell) -> str:
    if cell is None:
        return ""
    if isinstance(cell, bool):
        return "yes" if cell else "no"
    # A workbook holds a registration number or a postal code typed as a number: 12345678.0 is "12345678".
    return formula_unguarded(_shown(cell))


_WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def _int(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> int:
    if isinstance(cell, str):
        # A probability is often written "60%".
        text = cell.strip().removesuffix("%").rstrip()
        if text.isdigit() or _WHOLE_NUMBER.fullmatch(text):
            return int(text)
    elif isinstance(cell, int) and not isinstance(cell, bool):
        return cell
    elif isinstance(cell, float) and cell.is_integer():
        return int(cell)
    raise _problem(_NOT_WHOLE, cell)


def _id(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> int:
    try:
        number = _int(cell, decimal_comma, default_tz)
    except ValueProblem:
        raise _problem(_NOT_AN_ID, cell) from None
    if number < 1:
        raise _problem(_NOT_AN_ID, cell)
    return number


_CENT = Decimal("0.01")
# Currency signs and codes around an amount ("€ 1.250,50", "EUR 1,250.50", "1250 USD") and the spaces people
# group thousands with (also the no-break and narrow no-break spaces that spreadsheets write).
_AROUND_AMOUNT = re.compile(r"^[^\d+-]*|[^\d]*$")
_GROUPING_SPACES = re.compile(r"[\s\u00a0\u202f']")
_PLAIN_AMOUNT = re.compile(r"[+-]?\d+(\.\d+)?")
_GROUPED = re.compile(r"\d{1,3}(?:G\d{3})+|\d+")
_SIMPLE_AMOUNT = re.compile(r"(\d+)(?:[.,](\d{1,2}))?")
# "1.250,50" and "1,250.50": grouped thousands and a different decimal mark, which leaves no doubt.
_GROUPED_AMOUNT = re.compile(r"(\d{1,3}(?:([.,])\d{3})(?:\2\d{3})*)(?!\2)[.,](\d{1,2})")


def _money(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> int:
    if isinstance(cell, str):
        # Most amounts are plain ("1250", "1250.50", "1250,5"): read them without the general path.
        simple = _SIMPLE_AMOUNT.fullmatch(cell.strip())
        if simple:
            whole, fraction = simple.groups()
            return int(whole) * 100 + (int(fraction.ljust(2, "0")) if fraction else 0)
        grouped = _GROUPED_AMOUNT.fullmatch(cell.strip())
        if grouped:
            whole, grouping, fraction = grouped.groups()
            return int(whole.replace(grouping, "")) * 100 + int(fraction.ljust(2, "0"))
    if isinstance(cell, bool) or not isinstance(cell, int | float | str):
        raise _problem(_NOT_AN_AMOUNT, cell)
    if isinstance(cell, int):
        return cell * 100
    if isinstance(cell, float):
        # A typed number in a workbook carries binary noise (0.1 + 0.2): round to the cent.
        return int((Decimal(repr(cell)) / _CENT).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    text = _GROUPING_SPACES.sub("", _AROUND_AMOUNT.sub("", cell.strip()))
    number = _amount_in_point_style(text, decimal_comma, cell)
    if number is None or not _PLAIN_AMOUNT.fullmatch(number):
        raise _problem(_NOT_AN_AMOUNT, cell)
    try:
        amount = Decimal(number)
    except InvalidOperation:
        raise _problem(_NOT_AN_AMOUNT, cell) from None
    if amount != amount.quantize(_CENT):
        raise _problem(gettext_noop("“%(value)s” has more than two decimals."), cell)
    return int(amount / _CENT)


def _amount_in_point_style(text: str, decimal_comma: bool | None, cell: Cell) -> str | None:
    """``text`` with "." as the decimal point and no thousands separators, or None when it is not a number."""
    sign = text[:1] if text[:1] in "+-" else ""
    digits = text[len(sign) :]
    commas, points = digits.count(","), digits.count(".")
    if commas and points:
        # Both: the last one is the decimal mark, the other groups thousands.
        decimal_mark = "," if digits.rfind(",") > digits.rfind(".") else "."
        grouping = "." if decimal_mark == "," else ","
        whole, _, fraction = digits.rpartition(decimal_mark)
        if decimal_mark in whole or not _GROUPED.fullmatch(whole.replace(grouping, "G")):
            return None
        return sign + whole.replace(grouping, "") + "." + fraction
    if not commas and not points:
        return sign + digits
    mark = "," if commas else "."
    whole, _, fraction = digits.rpartition(mark)
    if commas + points > 1:
        # "1.250.000": only thousands separators.
        return sign + digits.replace(mark, "") if _GROUPED.fullmatch(digits.replace(mark, "G")) else None
    if len(fraction) != 3 or not whole or whole.startswith("0"):
        return sign + whole + "." + fraction
    # "1,250" or "1.250": a thousand or a fraction, as the file's number style says.
    if decimal_comma is None:
        raise _problem(
            gettext_noop(
                "It is unclear whether “%(value)s” is a whole number or has decimals; "
                "write it with two decimals, as 1250.00."
            ),
            cell,
        )
    mark_is_decimal = (mark == ",") == decimal_comma
    return sign + whole + ("." + fraction if mark_is_decimal else fraction)


_CURRENCY_SIGNS = {"€": "EUR", "$": "USD", "£": "GBP", "¥": "JPY", "CHF": "CHF"}


def _currency(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> str:
    if not isinstance(cell, str):
        raise _problem(gettext_noop("“%(value)s” is not a currency code such as EUR."), cell)
    code = cell.strip().upper()
    # Whether the code is ISO 4217 is the sale's rule (domain.money), checked by the service like any other door.
    return _CURRENCY_SIGNS.get(code, code)


_DAY_FIRST = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})")
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})")
_TIME = re.compile(r"(?:[ T](\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?)?")
# A workbook date without a date format is the count of days since 30 December 1899 (Excel's and
# LibreOffice's day zero); anything past 9999-12-31 is not a date.
_SERIAL_DAY_ZERO = dt.date(1899, 12, 30)
_LAST_SERIAL = (dt.date(9999, 12, 31) - _SERIAL_DAY_ZERO).days


def _date(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> dt.date:
    if isinstance(cell, str):
        text = cell.strip()
        if len(text) == 10 and text[4] == "-":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
        day_first = _DAY_FIRST.fullmatch(text)
        if day_first:
            day, month, year = day_first.groups()
            try:
                return dt.date(int(year), int(month), int(day))
            except ValueError:
                raise _problem(_NOT_A_DATE, cell) from None
        parsed = _date_and_time(text)
        if parsed is not None:
            return parsed[0]
    elif isinstance(cell, dt.datetime):
        return cell.date()
    elif isinstance(cell, dt.date):
        return cell
    elif (
        isinstance(cell, int | float)
        and not isinstance(cell, bool)
        and float(cell).is_integer()
        and 1 <= cell <= _LAST_SERIAL
    ):
        return _SERIAL_DAY_ZERO + dt.timedelta(days=int(cell))
    raise _problem(_NOT_A_DATE, cell)


def _date_and_time(text: str) -> tuple[dt.date, dt.time | None] | None:
    for pattern, order in ((_ISO_DATE, (0, 1, 2)), (_DAY_FIRST, (2, 1, 0))):
        found = pattern.match(text)
        if not found:
            continue
        time = _TIME.fullmatch(text, found.end())
        if not time:
            return None
        parts = found.groups()
        try:
            day = dt.date(int(parts[order[0]]), int(parts[order[1]]), int(parts[order[2]]))
            if time.group(1) is None:
                return day, None
            return day, dt.time(int(time.group(1)), int(time.group(2)), int(time.group(3) or 0))
        except ValueError:
            return None
    return None


def _datetime(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> dt.datetime:
    moment: dt.datetime
    if isinstance(cell, dt.datetime):
        moment = cell
    elif isinstance(cell, dt.date):
        moment = dt.datetime.combine(cell, dt.time())
    elif isinstance(cell, str):
        try:
            moment = dt.datetime.fromisoformat(cell.strip())
        except ValueError:
            parsed = _date_and_time(cell.strip())
            if parsed is None:
                raise _problem(_NOT_A_MOMENT, cell) from None
            moment = dt.datetime.combine(parsed[0], parsed[1] or dt.time())
    else:
        raise _problem(_NOT_A_MOMENT, cell)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=default_tz)
    return moment.astimezone(dt.UTC)


_YES = frozenset({"yes", "y", "ja", "j", "true", "waar", "1", "x"})
_NO = frozenset({"no", "n", "nee", "false", "onwaar", "0"})


def _bool(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> bool:
    if isinstance(cell, bool):
        return cell
    if isinstance(cell, int | float) and cell in (0, 1):
        return bool(cell)
    word = str(cell).strip().casefold()
    if word in _YES:
        return True
    if word in _NO:
        return False
    raise _problem(gettext_noop("“%(value)s” is not yes or no."), cell)


# A sale status by its value, its English label or its Dutch label (the .po's translations of SaleStatus, checked
# by a test), and the words other CRMs export.
_STATUSES = {
    "open": "open",
    "sold": "sold",
    "verkocht": "sold",
    "won": "sold",
    "gewonnen": "sold",
    "lost": "lost",
    "verloren": "lost",
    "stalled": "stalled",
    "uitgesteld": "stalled",
    "on hold": "stalled",
    "gestaakt": "stalled",
}


def _status(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> str:
    status = _STATUSES.get(" ".join(str(cell).split()).casefold())
    if status is None:
        raise _problem(gettext_noop("“%(value)s” is not a status; use open, sold, lost or stalled."), cell)
    return status


def _reference(cell: Cell, decimal_comma: bool | None, default_tz: dt.tzinfo) -> str | int:
    if isinstance(cell, int | float) and not isinstance(cell, bool) and float(cell).is_integer():
        return int(cell)
    text = formula_unguarded(_shown(cell))
    return int(text) if text.isdigit() else text


_READERS = {
    "int": _int,
    "id": _id,
    "money": _money,
    "currency": _currency,
    "date": _date,
    "datetime": _datetime,
    "bool": _bool,
    "status": _status,
    "reference": _reference,
}


@dataclass
class HeaderMatch:
    """Which header is which column. ``positions``: column key → index in the header row (the first of
    duplicates); ``unknown``: headers of no column, as the file spells them; ``duplicates``: headers of a column
    already matched; ``missing``: required columns no header names (a problem only for rows that create)."""

    positions: dict[str, int] = field(default_factory=dict)
    unknown: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    missing: list[FileColumn] = field(default_factory=list)


def _header_key(header: str) -> str:
    """A header as it is compared: case, surrounding and doubled spaces, "_" for " " and a trailing "*" (the
    mark of a required column in templates people make) do not count."""
    return " ".join(header.replace("_", " ").strip().removesuffix("*").split()).casefold()


def match_headers(
    columns: Sequence[FileColumn], headers: Sequence[str], labels: Mapping[str, Sequence[str]]
) -> HeaderMatch:
    """Match ``headers`` to ``columns`` by each column's English label, the spellings in ``labels`` (per column
    key, such as the Dutch translation), its key and its aliases — labels first, so that one column's alias never
    takes another column's label. A header of an ``export_only`` column is known but not read."""
    spellings: dict[str, FileColumn] = {}
    for column in columns:
        for spelling in (column.label, *labels.get(column.key, ()), column.key):
            spellings.setdefault(_header_key(spelling), column)
    for column in columns:
        for alias in column.aliases:
            spellings.setdefault(_header_key(alias), column)

    match = HeaderMatch()
    seen: set[str] = set()
    for index, header in enumerate(headers):
        if not header.strip():
            continue  # an empty header over a column nobody named (often a stray last column)
        named = spellings.get(_header_key(header))
        if named is None:
            match.unknown.append(header)
        elif named.key in seen:
            match.duplicates.append(header)
        else:
            seen.add(named.key)
            if not named.export_only:
                match.positions[named.key] = index
    match.missing = [column for column in columns if column.required and column.key not in seen]
    return match
