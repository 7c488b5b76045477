"""Report files and charts (``salesguide.reporting``) without a database: values written by their column's kind,
and a chart that needs no JavaScript and says what it shows to a screen reader."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from typing import Any

import openpyxl

from salesguide.domain.errors import Message
from salesguide.reporting.charts import Series, chart_svg
from salesguide.reporting.files import csv_bytes, sheet_name, xlsx_bytes


@dataclass(frozen=True)
class Col:
    key: str
    label: str
    kind: str


@dataclass(frozen=True)
class Table:
    name: str
    columns: tuple[Col, ...]
    rows: list[dict[str, Any]]
    notes: list[Message] = field(default_factory=list)


TABLE = Table(
    "calibration",
    (
        Col("name", "Stage", "text"),
        Col("currency", "Currency", "currency"),
        Col("amount", "Amount", "money"),
        Col("observed", "Observed", "percent"),
        Col("days", "Median days", "days"),
        Col("enough", "Enough sales", "bool"),
    ),
    [
        {"name": "Quote", "currency": "EUR", "amount": 1_234_56, "observed": 42.5, "days": 3.25, "enough": True},
        {"name": "Deal", "currency": "JPY", "amount": 1_00, "observed": None, "days": None, "enough": False},
    ],
    [Message("Fewer than %(n)s closed sales.", {"n": 20})],
)


def dutch(text: str) -> str:
    return {"Stage": "Fase", "Amount": "Bedrag", "Yes": "Ja", "No": "Nee"}.get(text, text)


def test_csv_in_dutch_writes_semicolons_decimal_commas_and_empty_cells_for_nothing() -> None:
    content = csv_bytes(TABLE, translate=dutch, decimal_mark=",")

    assert content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))
    assert rows == [
        ["Fase", "Currency", "Bedrag", "Observed", "Median days", "Enough sales"],
        ["Quote", "EUR", "1234,56", "42,5", "3,25", "Ja"],
        ["Deal", "JPY", "1,00", "", "", "Nee"],
    ]


def test_xlsx_writes_money_percent_and_days_as_numbers_with_formats_and_the_notes_below() -> None:
    sheet = openpyxl.load_workbook(
        io.BytesIO(xlsx_bytes(TABLE, translate=str, language="nl", title="Calibration: [per stage]"))
    ).active

    assert sheet.title == "Calibration   per stage"
    assert [cell.value for cell in sheet[2]] == ["Quote", "EUR", 1234.56, 0.425, 3.25, True]
    assert [cell.value for cell in sheet[3]] == ["Deal", "JPY", 1.0, None, None, False]
    assert sheet["C2"].number_format == "[$€] #,##0.00"
    assert "¥" in sheet["C3"].number_format
    assert sheet["D2"].number_format == "0.0%"
    assert sheet["A5"].value == "Fewer than 20 closed sales."
    assert sheet.freeze_panes == "A2"


def test_a_sheet_name_is_cut_to_what_excel_accepts() -> None:
    assert sheet_name("x" * 40) == "x" * 31
    assert sheet_name("?*") == "Report"


def test_a_chart_has_no_script_and_a_title_and_description_for_screen_readers() -> None:
    svg = chart_svg(
        "stacked_bar",
        title="Funnel",
        description="Sales per stage",
        x_labels=["Intake", "Quote"],
        series=[Series("Reached", [3, 2]), Series("Sold", [1, None])],
    )

    assert svg.startswith("<svg") and "<?xml" not in svg
    assert "<script" not in svg
    assert 'role="img"' in svg
    assert ">Funnel</title>" in svg and ">Sales per stage</desc>" in svg
    assert "Intake" in svg and "Reached" in svg
