"""Values in imported files as people write them (``domain.file_values``): amounts with decimal commas or points,
dates in the Dutch and the ISO way, yes/no in both languages, sale statuses by their labels, and headers in
either language matched to the file's columns."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import polib
import pytest

from salesguide.domain.file_columns import COMPANY_COLUMNS, SALE_COLUMNS, ColumnKind
from salesguide.domain.file_values import ValueProblem, match_headers, parse_value
from salesguide.domain.selling import SaleStatus

DUTCH = Path(__file__).parents[2] / "src/salesguide/locale/nl/LC_MESSAGES/django.po"


@pytest.mark.parametrize(
    ("kind", "cell", "decimal_comma", "expected"),
    [
        # text: trimmed, numbers from a workbook without ".0", nothing is ""
        ("text", "  Bakkerij de Vries ", None, "Bakkerij de Vries"),
        ("text", None, None, ""),
        ("text", 12345678.0, None, "12345678"),
        ("text", 1234, None, "1234"),
        ("text", dt.date(2026, 12, 31), None, "2026-12-31"),
        # whole numbers
        ("int", "60", None, 60),
        ("int", " 60% ", None, 60),
        ("int", 60.0, None, 60),
        ("id", 17, None, 17),
        ("id", "17", None, 17),
        # money: minor units, both number styles, currency signs, typed workbook numbers
        ("money", "1.250,50", True, 125050),
        ("money", "1,250.50", False, 125050),
        ("money", "1250.5", None, 125050),
        ("money", "1250,5", None, 125050),
        ("money", "€ 1.250,50", True, 125050),
        ("money", "EUR 1,250.50", False, 125050),
        ("money", "1 250,50", True, 125050),
        ("money", "1.250.000", None, 125000000),
        ("money", "1.250.000,50", None, 125000050),
        ("money", "1,250,000.5", None, 125000050),
        ("money", "-1.250,50", True, -125050),
        ("money", "1,250", True, 125),
        ("money", "1,250", False, 125000),
        ("money", "1.250", True, 125000),
        ("money", "1.250", False, 125),
        ("money", "0", None, 0),
        ("money", 1250.5, None, 125050),
        ("money", 0.1 + 0.2, None, 30),
        ("money", 1250, None, 125000),
        # currency
        ("currency", " eur ", None, "EUR"),
        ("currency", "€", None, "EUR"),
        # dates
        ("date", "2026-12-31", None, dt.date(2026, 12, 31)),
        ("date", "31-12-2026", None, dt.date(2026, 12, 31)),
        ("date", "31/12/2026", None, dt.date(2026, 12, 31)),
        ("date", "31.12.2026", None, dt.date(2026, 12, 31)),
        ("date", "1-2-2026", None, dt.date(2026, 2, 1)),
        ("date", "2026-12-31 00:00:00", None, dt.date(2026, 12, 31)),
        ("date", dt.date(2026, 12, 31), None, dt.date(2026, 12, 31)),
        ("date", dt.datetime(2026, 12, 31, 0, 0), None, dt.date(2026, 12, 31)),  # noqa: DTZ001 (a workbook's times carry no zone)
        ("date", 46387, None, dt.date(2026, 12, 31)),
        # date and time: aware, naive ones read as UTC
        ("datetime", "2026-12-31T14:30:00+01:00", None, dt.datetime(2026, 12, 31, 13, 30, tzinfo=dt.UTC)),
        ("datetime", "2026-12-31 14:30", None, dt.datetime(2026, 12, 31, 14, 30, tzinfo=dt.UTC)),
        ("datetime", "31-12-2026 14:30", None, dt.datetime(2026, 12, 31, 14, 30, tzinfo=dt.UTC)),
        ("datetime", dt.datetime(2026, 12, 31, 14, 30), None, dt.datetime(2026, 12, 31, 14, 30, tzinfo=dt.UTC)),  # noqa: DTZ001 (a workbook's times carry no zone)
        # yes and no in both languages
        ("bool", "ja", None, True),
        ("bool", "Nee", None, False),
        ("bool", "TRUE", None, True),
        ("bool", "onwaar", None, False),
        ("bool", "x", None, True),
        ("bool", "0", None, False),
        ("bool", True, None, True),
        ("bool", 1, None, True),
        # sale statuses by value or by their English or Dutch label
        ("status", "sold", None, "sold"),
        ("status", "Verkocht", None, "sold"),
        ("status", "Verloren", None, "lost"),
        ("status", "Uitgesteld", None, "stalled"),
        ("status", "On hold", None, "stalled"),
        ("status", " OPEN ", None, "open"),
        # references: a name, or an id when it is a plain number
        ("reference", "  Bakkerij de Vries ", None, "Bakkerij de Vries"),
        ("reference", "42", None, 42),
        ("reference", 42.0, None, 42),
    ],
)
def test_a_value_is_read_the_way_people_write_it(
    kind: ColumnKind, cell: Any, decimal_comma: bool | None, expected: Any
) -> None:
    assert parse_value(kind, cell, decimal_comma=decimal_comma) == expected


@pytest.mark.parametrize("kind", ["int", "id", "money", "currency", "date", "datetime", "bool", "status", "reference"])
@pytest.mark.parametrize("cell", [None, "", "   "])
def test_an_empty_cell_is_nothing_for_every_kind_but_text(kind: ColumnKind, cell: Any) -> None:
    assert parse_value(kind, cell, decimal_comma=None) is None


@pytest.mark.parametrize(
    ("kind", "cell", "decimal_comma", "says"),
    [
        ("int", "sixty", None, "sixty"),
        ("int", 60.5, None, "60.5"),
        ("id", "-3", None, "-3"),
        ("money", "a lot", None, "a lot"),
        ("money", "1.250,505", True, "1.250,505"),
        ("money", "1,250", None, "1,250"),
        ("money", "1.25.0", None, "1.25.0"),
        ("money", "1,250,50", None, "1,250,50"),
        ("money", "12.50 and 3", None, "12.50 and 3"),
        ("money", True, None, "True"),
        ("date", "31-13-2026", None, "31-13-2026"),
        ("date", "12/31/2026", None, "12/31/2026"),
        ("date", "tomorrow", None, "tomorrow"),
        ("date", "31-12-26", None, "31-12-26"),
        ("datetime", "later", None, "later"),
        ("bool", "maybe", None, "maybe"),
        ("status", "won-ish", None, "won-ish"),
    ],
)
def test_a_value_that_cannot_be_read_is_a_problem_that_quotes_it(
    kind: ColumnKind, cell: Any, decimal_comma: bool | None, says: str
) -> None:
    with pytest.raises(ValueProblem) as refused:
        parse_value(kind, cell, decimal_comma=decimal_comma)

    assert says in refused.value.message.render()


def test_english_headers_match_their_columns_whatever_their_case_spaces_or_stars() -> None:
    match = match_headers(SALE_COLUMNS, ["title*", " Sale type ", "AMOUNT", "expected_date", "Colour"], {})

    assert match.positions == {"title": 0, "sale_type": 1, "amount": 2, "expected_date": 3}
    assert match.unknown == ["Colour"]
    assert match.duplicates == []
    assert match.missing == []


def test_dutch_headers_match_through_the_labels_the_caller_passes() -> None:
    dutch = {"title": ["Titel"], "sale_type": ["Soort verkoop"], "amount": ["Bedrag"], "stage": ["Fase"]}

    match = match_headers(SALE_COLUMNS, ["Titel", "soort verkoop", "Bedrag", "Fase"], dutch)

    assert match.positions == {"title": 0, "sale_type": 1, "amount": 2, "stage": 3}
    assert match.unknown == []


def test_aliases_match_but_a_column_twice_is_a_duplicate_and_a_required_column_left_out_is_missing() -> None:
    match = match_headers(COMPANY_COLUMNS, ["KvK", "Postcode", "Zip", "Plaats"], {"city": ["Plaats"]})

    assert match.positions == {"org_number": 0, "postal_code": 1, "city": 3}
    assert match.duplicates == ["Zip"]
    assert [column.key for column in match.missing] == ["name"]


def test_a_label_wins_over_another_columns_alias() -> None:
    # "Name" is the company's label; an alias elsewhere spelled the same must not take it.
    match = match_headers(COMPANY_COLUMNS, ["Name", "Company"], {})

    assert match.positions == {"name": 0}
    assert match.duplicates == ["Company"]


@pytest.mark.parametrize("status", list(SaleStatus))
def test_every_sale_status_is_read_by_its_english_and_its_dutch_label(status: SaleStatus) -> None:
    # given the labels the screens show (models.SaleStatus: "Open", "Sold", ...) and their Dutch translation
    english = status.value.capitalize()
    dutch = polib.pofile(str(DUTCH)).find(english, msgctxt=None)
    assert dutch is not None and dutch.msgstr

    # then a file may say either
    assert parse_value("status", english, decimal_comma=None) == status.value
    assert parse_value("status", dutch.msgstr, decimal_comma=None) == status.value
