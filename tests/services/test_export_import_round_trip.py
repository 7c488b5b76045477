"""An exported file imports back to the same data (issue 11): the companies, contacts and sales files the export
writes (``queries.list_files`` + ``reporting.files``), in English and Dutch, as CSV and XLSX, read back by
``services.imports.import_file``."""

from __future__ import annotations

import io
from typing import Any

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
