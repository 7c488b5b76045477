"""An exported file imports back to the same data (issue 11): the companies, contacts and sales files the export
writes (``queries.list_files`` + ``reporting.files``), in English and Dutch, as CSV and XLSX, read back by
``services.imports.import_file``."""

from __future__ import annotations

import csv
import io
from typing import Any

import openpyxl
import pytest
from django.utils import translation
from django.utils.formats import get_format
from django.utils.translation import gettext

from list_files_world import build_world
from salesguide.domain.file_columns import COLUMNS
from salesguide.models import Company, Contact, Sale
from salesguide.queries import customers, list_files, sale_list
from salesguide.reporting.files import csv_chunks, write_xlsx
from salesguide.services import customers as customer_service
from salesguide.services import sales as sale_service
from salesguide.services.imports import import_file

pytestmark = pytest.mark.django_db

KINDS = ("companies", "contacts", "sales")


@pytest.fixture
def world(admin_user, salesperson_user):
    return build_world(admin_user, salesperson_user)


def exported(kind: str, file_format: str, language: str) -> bytes:
    """The whole list of ``kind`` as the export writes it for a reader of ``language``."""
    with translation.override(language):
        if kind == "companies":
            made = list_files.company_file(customers.CompanyFilters())
        elif kind == "contacts":
            made = list_files.contact_file(customers.ContactFilters())
        else:
            made = list_files.sale_file(sale_list.SaleFilters())
        if file_format == "csv":
            mark = str(get_format("DECIMAL_SEPARATOR"))
            return b"".join(
                csv_chunks(made.columns, made.rows, translate=gettext, decimal_mark=mark, labels=made.labels)
            )
        target = io.BytesIO()
        write_xlsx(
            target, made.columns, made.rows, translate=gettext, language=language, title=kind, labels=made.labels
        )
        return target.getvalue()


def snapshot() -> dict[str, list[tuple[Any, ...]]]:
    return {
        # What the files carry (the times a row was written change with every write, as they should).
        "companies": list(Company.objects.order_by("id").values_list(*(c.key for c in COLUMNS["companies"]))),
        "contacts": list(
            Contact.objects.order_by("id").values_list(
                "id", "first_name", "last_name", "company_id", "title", "email", "phone"
            )
        ),
        "sales": list(
            Sale.objects.order_by("id").values_list(
                "id",
                "external_ref",
                "title",
                "sale_type_id",
                "company_id",
                "contact_id",
                "owner_id",
                "amount",
                "currency",
                "stage_id",
                "probability",
                "status",
                "expected_date",
                "closed_date",
                "description",
                "version",
            )  # fmt: skip
        ),
    }


@pytest.mark.parametrize(("file_format", "language"), [("csv", "en"), ("csv", "nl"), ("xlsx", "en"), ("xlsx", "nl")])
def test_importing_what_was_exported_changes_nothing(world, file_format, language):
    files = {kind: exported(kind, file_format, language) for kind in KINDS}
    before = snapshot()

    results = {
        kind: import_file(world.admin, kind, io.BytesIO(content), f"{kind}.{file_format}")
        for kind, content in files.items()
    }

    assert {kind: [str(p.message.render(gettext)) for p in r.problems] for kind, r in results.items()} == {
        kind: [] for kind in KINDS
    }
    assert {kind: (r.rows, r.created, r.updated) for kind, r in results.items()} == {
        "companies": (2, 0, 0),
        "contacts": (2, 0, 0),
        "sales": (4, 0, 0),
    }
    assert snapshot() == before


@pytest.mark.parametrize(("file_format", "language"), [("csv", "nl"), ("xlsx", "en")])
def test_an_exported_file_brings_back_what_was_changed_since(world, file_format, language):
    files = {kind: exported(kind, file_format, language) for kind in KINDS}
    exported_state = snapshot()
    customer_service.update_company(world.admin, world.acme.pk, city="Amersfoort")
    customer_service.update_contact(world.admin, world.jan.pk, title="Directeur")
    version = Sale.objects.get(pk=world.big_deal.pk).version
    sale_service.update_sale(world.admin, world.big_deal.pk, version=version, amount=1, description="Changed")

    results = [
        import_file(world.admin, kind, io.BytesIO(content), f"{kind}.{file_format}") for kind, content in files.items()
    ]

    assert [(r.problems, r.created, r.updated) for r in results] == [([], 0, 1), ([], 0, 1), ([], 0, 1)]
    restored = snapshot()
    assert restored["companies"] == exported_state["companies"]
    assert restored["contacts"] == exported_state["contacts"]
    big = next(row for row in restored["sales"] if row[0] == world.big_deal.pk)
    assert (big[7], big[14]) == (1_250_50, "With a, comma")


FORMULA_TEXTS = {
    "city": '=HYPERLINK("http://evil.example","Utrecht")',
    "phone": "+31 20 123 4567",
    "title": "-5% discount",
    "description": "@SUM(1+1)*cmd|' /C calc'!A0",
}


def _with_formula_texts(world) -> None:
    customer_service.update_company(world.admin, world.acme.pk, city=FORMULA_TEXTS["city"])
    customer_service.update_contact(world.admin, world.jan.pk, phone=FORMULA_TEXTS["phone"])
    version = Sale.objects.get(pk=world.big_deal.pk).version
    sale_service.update_sale(
        world.admin,
        world.big_deal.pk,
        version=version,
        title=FORMULA_TEXTS["title"],
        description=FORMULA_TEXTS["description"],
    )


@pytest.mark.parametrize("language", ["en", "nl"])
def test_text_a_spreadsheet_would_run_as_a_formula_is_exported_as_text_and_imports_back_unchanged(world, language):
    _with_formula_texts(world)
    files = {kind: exported(kind, "csv", language) for kind in KINDS}
    delimiter = ";" if language == "nl" else ","
    cells = {
        cell
        for content in files.values()
        for row in csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=delimiter)
        for cell in row
    }
    # Each starts with an apostrophe in the CSV file: Excel and LibreOffice show it as text, never run it.
    assert {text: "'" + text in cells for text in FORMULA_TEXTS.values()} == dict.fromkeys(FORMULA_TEXTS.values(), True)
    assert not {text for text in FORMULA_TEXTS.values() if text in cells}
    before = snapshot()

    results = {
        kind: import_file(world.admin, kind, io.BytesIO(content), f"{kind}.csv") for kind, content in files.items()
    }

    assert {kind: (r.problems, r.created, r.updated) for kind, r in results.items()} == {
        kind: ([], 0, 0) for kind in KINDS
    }
    assert snapshot() == before
    assert Company.objects.get(pk=world.acme.pk).city == FORMULA_TEXTS["city"]


def test_text_that_looks_like_a_formula_is_a_text_cell_in_xlsx(world):
    _with_formula_texts(world)
    workbook = openpyxl.load_workbook(io.BytesIO(exported("sales", "xlsx", "en")))
    sheet = workbook.active
    cells = [cell for row in sheet.iter_rows(min_row=2) for cell in row if cell.value in FORMULA_TEXTS.values()]

    assert sorted((cell.value, cell.data_type) for cell in cells) == sorted(
        [(FORMULA_TEXTS["title"], "s"), (FORMULA_TEXTS["description"], "s")]
    )
