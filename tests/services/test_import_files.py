"""Real-world files through ``services.imports.import_file`` (issue 11): a Dutch Excel CSV, an English CSV and an
XLSX with Dutch headers land as the same sales; importing a file twice changes nothing the second time; a file
with problems in many rows lists every one and writes nothing."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import openpyxl
import pytest
from tests.services.import_world import ImportWorld, build_import_world

from salesguide.models import Company, Sale, StageChange
from salesguide.services.imports import ImportResult, import_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any, salesperson_user: Any) -> ImportWorld:
    return build_import_world(admin_user, salesperson_user)


DUTCH_CSV = (
    "\ufeffTitel;Verkooptype;Bedrijf;Fase;Status;Bedrag;Verwachte datum;Afsluitdatum\r\n"
    "Ovens café;New customer;Bakkerij Van der Meer;Offer;open;1.250,50;31-12-2026;\r\n"
    "Koffiemachine;New customer;12345678;Lead;verkocht;€ 99,95;15-01-2027;30-11-2026\r\n"
).encode("cp1252", errors="ignore")
ENGLISH_CSV = (
    "Title,Sale type,Company,Stage,Status,Amount,Expected date,Closed date\r\n"
    'Ovens café,New customer,Bakkerij Van der Meer,Offer,open,"1,250.50",2026-12-31,\r\n'
    "Koffiemachine,New customer,12345678,Lead,sold,99.95,2027-01-15,2026-11-30\r\n"
).encode()
WANTED = [
    ("Ovens café", "open", "Offer", 125050, dt.date(2026, 12, 31), None),
    ("Koffiemachine", "sold", "Lead", 9995, dt.date(2027, 1, 15), dt.date(2026, 11, 30)),
]


def dutch_workbook() -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["Titel", "Verkooptype", "Bedrijf", "Fase", "Status", "Bedrag", "Verwachte datum", "Afsluitdatum"])
    sheet.append(
        ["Ovens café", "New customer", "Bakkerij Van der Meer", "Offer", "open", 1250.5, dt.date(2026, 12, 31)]
    )
    sheet.append(
        [
            "Koffiemachine",
            "New customer",
            12345678,
            "Lead",
            "Verkocht",
            99.95,
            dt.date(2027, 1, 15),
            dt.date(2026, 11, 30),
        ]
    )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def imported() -> list[tuple[Any, ...]]:
    return list(
        Sale.objects.order_by("id").values_list(
            "title", "status", "stage__name", "amount", "expected_date", "closed_date"
        )
    )


def run(actor: Any, kind: str, content: bytes, name: str, **options: Any) -> ImportResult:
    return import_file(actor, kind, io.BytesIO(content), name, **options)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("content", "name"),
    [(DUTCH_CSV, "verkoopkansen.csv"), (ENGLISH_CSV, "sales.csv"), (dutch_workbook(), "verkoopkansen.xlsx")],
    ids=["dutch-excel-csv", "english-csv", "xlsx-dutch-headers"],
)
def test_a_file_as_people_have_it_imports_the_same_sales(world, salesperson_user, content, name):
    # When the file is imported
    result = run(salesperson_user, "sales", content, name)
    # Then both sales are there, with decimal commas, Dutch dates and the Dutch status read right
    assert (result.rows, result.created, result.updated, result.problems) == (2, 2, 0, [])
    assert imported() == WANTED
    assert Sale.objects.get(title="Koffiemachine").company_id == world.bakery.pk


def test_a_dutch_excel_csv_imported_twice_changes_nothing_the_second_time(world, salesperson_user):
    # Given companies and sales files imported once (the sales matched by their external reference)
    companies = "Naam;KvK-nummer;Plaats\r\nDrukkerij Delta;87654321;Delft\r\nBakkerij Van der Meer;12345678;Utrecht\r\n"
    sales_file = "Id;External reference;Titel;Verkooptype;Fase;Bedrag\r\n;A-1;Ovens;New customer;Offer;1.250,50\r\n"
    first = run(salesperson_user, "companies", companies.encode("cp1252"), "bedrijven.csv")
    first_sales = run(salesperson_user, "sales", sales_file.encode("cp1252"), "verkoopkansen.csv")
    assert (first.created, first.updated, first_sales.created) == (1, 1, 1)
    before = (Company.objects.count(), Sale.objects.count(), StageChange.objects.count())
    # When both are imported again
    again = run(salesperson_user, "companies", companies.encode("cp1252"), "bedrijven.csv")
    again_sales = run(salesperson_user, "sales", sales_file.encode("cp1252"), "verkoopkansen.csv")
    # Then nothing is created or updated
    assert (again.created, again.updated, again_sales.created, again_sales.updated) == (0, 0, 0, 0)
    assert (Company.objects.count(), Sale.objects.count(), StageChange.objects.count()) == before


def test_a_file_with_problems_in_many_rows_lists_every_one_and_writes_nothing(world, salesperson_user):
    # Given an English CSV with an unknown column and a bad value, unknown reference or missing title in many rows
    lines = ["Title,Sale type,Stage,Amount,Colour"]
    for number in range(40):
        lines.append(f"Sale {number},New customer,Offer,{number}.00,red")
    lines += [
        "Broken amount,New customer,Offer,twelve,blue",
        ",Nonsense,Offer,1.00,",
        "Fine,New customer,Nowhere,1.00,",
    ]
    before = (Sale.objects.count(), StageChange.objects.count())
    # When it is imported
    result = run(salesperson_user, "sales", "\n".join(lines).encode(), "sales.csv")
    # Then each problem is listed by row and column as the file spells it, and nothing is written
    listed = [(p.row, p.column, p.message.render()) for p in result.problems]
    assert listed == [
        (1, "Colour", "This column is not known."),
        (42, "Amount", "“twelve” is not an amount; write it as 1250.50 or 1.250,50."),
        (43, "Title", "A title is required."),
        (43, "Sale type", "There is no sale type “Nonsense”."),
        (44, "Stage", "This sale type has no stage “Nowhere”."),
    ]
    assert result.rows == 43
    assert (Sale.objects.count(), StageChange.objects.count()) == before


def test_a_file_that_is_not_a_spreadsheet_is_one_problem_of_the_file(world, salesperson_user):
    result = run(salesperson_user, "companies", b"\x00\x01\x02garbage" * 10, "companies.xlsx")
    assert [(p.row, p.column) for p in result.problems] == [(0, "")]
    assert result.rows == 0
