"""``salesguide import <companies|contacts|sales> FILE [--dry-run] [--as USERNAME]`` (issue 11)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from salesguide.models import Company, Sale
from salesguide.services import catalog, sale_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def new_customer(admin_user: Any) -> Any:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk])


def write(tmp_path: Path, name: str, text: str, encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return str(path)


def run(*args: str) -> tuple[str, str]:
    out, err = io.StringIO(), io.StringIO()
    call_command("import", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_importing_companies_prints_one_line_with_the_counts(admin_user, tmp_path):
    file = write(tmp_path, "bedrijven.csv", "Naam;Plaats\nDrukkerij Delta;Delft\nGarage Jansen;Haarlem\n", "cp1252")
    out, _err = run("companies", file)
    assert out == "Imported 2 rows: 2 created, 0 updated.\n"
    assert Company.objects.count() == 2
    again, _err = run("companies", file)
    assert again == "Imported 2 rows: 0 created, 0 updated.\n"


def test_a_dry_run_says_what_would_happen_and_writes_nothing(admin_user, tmp_path):
    file = write(tmp_path, "companies.csv", "Name\nDelta\n")
    out, _err = run("companies", file, "--dry-run")
    assert out == "Dry run: 1 row checked, no problems: 1 would be created and 0 updated.\n"
    assert Company.objects.count() == 0


def test_a_file_with_problems_lists_each_on_standard_error_and_exits_non_zero(admin_user, new_customer, tmp_path):
    # Given a sales file with an unknown column, an unknown stage and a missing title
    file = write(
        tmp_path, "sales.csv", "Title,Sale type,Stage,Colour\nOvens,New customer,Nowhere,red\n,New customer,,\n"
    )
    err = io.StringIO()
    # When it is imported
    with pytest.raises(CommandError) as caught:
        call_command("import", "sales", file, stdout=io.StringIO(), stderr=err)
    # Then every problem is on its own line, the exit message counts them, and nothing was written
    assert err.getvalue().splitlines() == [
        "Row 1, Colour: This column is not known.",
        "Row 2, Stage: This sale type has no stage “Nowhere”.",
        "Row 3, Title: A title is required.",
    ]
    assert str(caught.value) == "Nothing was imported: 3 problems."
    assert Sale.objects.count() == 0


def test_sales_are_imported_as_the_user_named_and_refused_for_others_they_may_not_own(
    salesperson_user, admin_user, new_customer, tmp_path
):
    file = write(tmp_path, "sales.csv", f"Title,Sale type,Owner\nOvens,New customer,{admin_user.username}\n")
    with pytest.raises(CommandError):
        call_command(
            "import", "sales", file, "--as", salesperson_user.username, stdout=io.StringIO(), stderr=io.StringIO()
        )
    out, _err = run("sales", file)  # as the first administrator
    assert out == "Imported 1 row: 1 created, 0 updated.\n"
    assert Sale.objects.get().owner_id == admin_user.pk


def test_an_unknown_user_or_a_missing_file_is_a_one_line_error(admin_user, tmp_path):
    with pytest.raises(CommandError, match="There is no active user “nobody”."):
        run("companies", write(tmp_path, "c.csv", "Name\nX\n"), "--as", "nobody")
    with pytest.raises(CommandError, match="Cannot read"):
        run("companies", str(tmp_path / "missing.csv"))


def test_without_an_administrator_the_import_asks_for_a_user(salesperson_user, tmp_path):
    with pytest.raises(CommandError, match="name a user with --as"):
        run("companies", write(tmp_path, "c.csv", "Name\nX\n"))
