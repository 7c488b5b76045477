"""Importing a spreadsheet as a person does it, in Chromium (issue 11): from the sale list to the import page,
upload a file, read the dry run, import without choosing the file again, and find the sales in the list — in Dutch
with a Dutch Excel CSV and in English with an English one."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect
from tests.services.import_world import world  # noqa: F401 (a fixture)

from salesguide.models import Sale

FILES = {
    "nl": (
        "verkoopkansen.csv",
        (
            "Titel;Verkooptype;Bedrijf;Fase;Bedrag;Verwachte datum\r\n"
            "Nieuwe ovens;New customer;Bakkerij Van der Meer;Offer;1.250,50;31-12-2026\r\n"
            "Onderhoud;New customer;Garage Jansen;Lead;€ 99,95;15-01-2027\r\n"
        ).encode("cp1252"),
    ),
    "en": (
        "sales.csv",
        (
            b"Title,Sale type,Company,Stage,Amount,Expected date\r\n"
            b'Nieuwe ovens,New customer,Bakkerij Van der Meer,Offer,"1,250.50",2026-12-31\r\n'
            b"Onderhoud,New customer,Garage Jansen,Lead,99.95,2027-01-15\r\n"
        ),
    ),
}
SAYS = {
    "nl": {
        "import": "Importeren",
        "check": "Bestand controleren",
        "file": "Bestand",
        "counts": "2 rijen: 2 nieuw, 0 bijgewerkt.",
        "run": "2 rijen importeren",
        "done": "2 rijen geïmporteerd: 2 nieuw, 0 bijgewerkt.",
        "list": "Naar de verkopen",
    },
    "en": {
        "import": "Import",
        "check": "Check the file",
        "file": "File",
        "counts": "2 rows: 2 new, 0 updated.",
        "run": "Import 2 rows",
        "done": "Imported 2 rows: 2 new, 0 updated.",
        "list": "See the sales",
    },
}


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("world")
@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_salesperson_imports_a_spreadsheet_of_sales_after_its_dry_run(
    page: Page, login: Callable[..., Page], make_user: Callable[..., Any], tmp_path: Path, language: str
) -> None:
    # Given a salesperson who reads the app in their language, and the spreadsheet they have
    says = SAYS[language]
    name, content = FILES[language]
    spreadsheet = tmp_path / name
    spreadsheet.write_bytes(content)
    login(make_user("importer", "salesperson", language=language))

    # When they open the import from the sale list and upload the file
    page.goto("/sales/")
    page.get_by_role("link", name=says["import"], exact=True).click()
    page.get_by_label(says["file"], exact=True).set_input_files(str(spreadsheet))
    page.get_by_role("button", name=says["check"]).click()

    # Then the dry run says what would happen, and nothing has happened yet
    expect(page.get_by_text(says["counts"])).to_be_visible()
    assert not Sale.objects.exists()

    # When they import
    page.get_by_role("button", name=says["run"]).click()

    # Then the sales are there, and the list shows them
    expect(page.get_by_text(says["done"])).to_be_visible()
    page.get_by_role("link", name=says["list"]).click()
    expect(page.get_by_role("link", name="Nieuwe ovens")).to_be_visible()
    expect(page.get_by_role("link", name="Onderhoud")).to_be_visible()
    amounts = dict(Sale.objects.values_list("title", "amount"))
    assert amounts == {"Nieuwe ovens": 125050, "Onderhoud": 9995}
