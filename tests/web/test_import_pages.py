"""The import page (issue 11): choose what to import, upload a CSV or XLSX, see a dry run with every problem by
row and column, then import without uploading again; a column guide in the user's language; the upload is kept
for an hour under a random token that only its own session can use."""

from __future__ import annotations

import html
import re
import time
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from tests.services.import_world import world  # noqa: F401 (a fixture)

from salesguide.models import Company, Contact, Sale
from salesguide.web.imports import held_files

pytestmark = pytest.mark.django_db

COMPANIES_CSV = b"Name,City,Registration number\r\nGarage Jansen,Delft,\r\nKapsalon Els,Utrecht,87654321\r\n"
COMPANIES_WITH_PROBLEMS = (
    "Naam;Plaats;Kleur\r\nKapsalon Els;Utrecht;rood\r\n;Delft;blauw\r\nBloemist Roos;Gouda;geel\r\n;Zwolle;\r\n"
).encode("cp1252")
SALES_CSV = (
    "Titel;Verkooptype;Bedrijf;Fase;Bedrag;Verwachte datum\r\n"
    "Nieuwe ovens;New customer;Bakkerij Van der Meer;Offer;1.250,50;31-12-2026\r\n"
).encode("cp1252")


@pytest.fixture(autouse=True)
def _data_dir_per_test(settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path


def shown(response: Any) -> str:
    """The page's text as a reader sees it: no tags, entities decoded, spaces collapsed."""
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode()))).strip()


def upload(client: Client, kind: str, content: bytes, name: str = "file.csv") -> Any:
    return client.post(reverse("imports:start"), {"kind": kind, "file": SimpleUploadedFile(name, content)})


def token_of(response: Any) -> str:
    found = re.search(r'name="token" value="([^"]+)"', response.content.decode())
    assert found, "the dry run offers no import"
    return found.group(1)


def held_count() -> int:
    folder = Path(settings.DATA_DIR) / "imports"
    return len(list(folder.iterdir())) if folder.exists() else 0


def test_the_import_page_offers_the_three_kinds_and_a_column_guide_in_english(salesperson_client: Client) -> None:
    response = salesperson_client.get(reverse("imports:start"), {"kind": "sales"})

    page = shown(response)
    assert response.status_code == 200
    assert "Companies" in page and "Contacts" in page and "Sales" in page
    assert '<option value="sales" selected>' in response.content.decode()
    assert "Sale type" in page and "Expected date" in page and "1250.50 or 1.250,50" in page


def test_the_column_guide_names_the_dutch_headers_for_a_dutch_user(make_user: Any) -> None:
    client = Client()
    client.force_login(make_user("els", "salesperson", language="nl"))

    page = shown(client.get(reverse("imports:start")))

    assert "Importeren" in page
    assert "Verkooptype" in page and "Verwachte datum" in page and "Bedrijf" in page


@pytest.mark.usefixtures("world")
def test_a_dry_run_shows_what_would_change_and_changes_nothing_then_import_writes_it(
    salesperson_client: Client,
) -> None:
    # given two companies in a file, one of which exists already
    before = Company.objects.count()

    # when the file is uploaded
    dry_run = upload(salesperson_client, "companies", COMPANIES_CSV, "bedrijven.csv")

    # then the dry run counts them, nothing is written yet, and the import is offered
    page = shown(dry_run)
    assert dry_run.status_code == 200
    assert "2 rows: 1 new, 1 updated" in page
    assert "No problems" in page
    assert Company.objects.count() == before

    # when the user imports
    done = salesperson_client.post(reverse("imports:run"), {"token": token_of(dry_run)})

    # then the companies are there and the result links to their list
    page = shown(done)
    assert done.status_code == 200
    assert "Imported 2 rows: 1 new, 1 updated" in page
    assert reverse("customers:company_list") in done.content.decode()
    assert Company.objects.get(name="Kapsalon Els").org_number == "87654321"
    assert Company.objects.get(name="Garage Jansen").city == "Delft"
    assert held_count() == 0


@pytest.mark.usefixtures("world")
def test_a_dutch_excel_csv_of_sales_imports_after_its_dry_run(salesperson_client: Client) -> None:
    dry_run = upload(salesperson_client, "sales", SALES_CSV, "verkoopkansen.csv")
    assert "1 row: 1 new, 0 updated" in shown(dry_run)

    salesperson_client.post(reverse("imports:run"), {"token": token_of(dry_run)})

    sale = Sale.objects.get(title="Nieuwe ovens")
    assert (sale.amount, sale.stage.name, sale.company.name) == (125050, "Offer", "Bakkerij Van der Meer")


@pytest.mark.usefixtures("world")
def test_a_dry_run_with_problems_lists_every_one_by_row_and_column_and_offers_no_import(
    salesperson_client: Client,
) -> None:
    before = Company.objects.count()

    response = upload(salesperson_client, "companies", COMPANIES_WITH_PROBLEMS, "bedrijven.csv")

    page = shown(response)
    assert response.status_code == 422
    assert "Nothing was imported" in page
    assert "Kleur" in page and "This column is not known." in page
    rows = re.findall(r'<tr class="problem">\s*<td[^>]*>(\d+)</td>', response.content.decode())
    assert rows == ["1", "3", "5"]
    assert 'name="token"' not in response.content.decode()
    assert Company.objects.count() == before
    assert held_count() == 0


def test_a_file_that_is_not_a_spreadsheet_is_a_problem_of_the_file(salesperson_client: Client) -> None:
    response = upload(salesperson_client, "contacts", b"\x89PNG\r\n\x1a\n" + b"\0" * 100, "photo.csv")

    assert response.status_code == 422
    assert "This is not a CSV or spreadsheet file." in shown(response)
    assert Contact.objects.count() == 0


@pytest.mark.parametrize(
    ("data", "field_error"),
    [({"kind": "companies"}, "This field is required."), ({"kind": "activities"}, "Select a valid choice.")],
)
def test_an_upload_without_a_file_or_with_a_kind_that_cannot_be_imported_is_refused(
    salesperson_client: Client, data: dict[str, str], field_error: str
) -> None:
    response = salesperson_client.post(reverse("imports:start"), data)

    assert response.status_code == 422
    assert field_error in shown(response)
    assert held_count() == 0


@pytest.mark.usefixtures("world")
def test_the_import_cannot_be_run_from_another_session(salesperson_client: Client, manager_client: Client) -> None:
    # given a dry run by one user
    token = token_of(upload(salesperson_client, "companies", COMPANIES_CSV))
    before = Company.objects.count()

    # when someone else posts its token
    response = manager_client.post(reverse("imports:run"), {"token": token}, follow=True)

    # then nothing is imported and they are asked to upload the file
    assert "upload it again" in shown(response)
    assert Company.objects.count() == before


@pytest.mark.parametrize("token", ["../secret_key", "", "x" * 500], ids=["a-path", "empty", "long"])
def test_a_token_that_is_not_one_of_ours_is_refused(salesperson_client: Client, token: str) -> None:
    # given a file next to the folder the uploads are kept in
    secret = Path(settings.DATA_DIR) / "secret_key"
    secret.write_text("keep me")

    response = salesperson_client.post(reverse("imports:run"), {"token": token}, follow=True)

    assert "upload it again" in shown(response)
    assert secret.read_text() == "keep me"


@pytest.mark.usefixtures("world")
def test_an_upload_older_than_an_hour_is_gone(salesperson_client: Client, monkeypatch: pytest.MonkeyPatch) -> None:
    token = token_of(upload(salesperson_client, "companies", COMPANIES_CSV))
    before = Company.objects.count()
    later = time.time() + held_files.KEPT_FOR + 1
    monkeypatch.setattr(held_files, "time", SimpleNamespace(time=lambda: later))

    response = salesperson_client.post(reverse("imports:run"), {"token": token}, follow=True)

    assert "upload it again" in shown(response)
    assert Company.objects.count() == before
    assert held_count() == 0


def test_an_old_upload_of_anyone_is_removed_when_the_next_file_is_uploaded(
    salesperson_client: Client, manager_client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    upload(salesperson_client, "companies", COMPANIES_CSV)
    assert held_count() == 1
    later = time.time() + held_files.KEPT_FOR + 1
    monkeypatch.setattr(held_files, "time", SimpleNamespace(time=lambda: later))

    upload(manager_client, "companies", COMPANIES_CSV)

    assert held_count() == 1


@pytest.mark.parametrize(
    ("list_url", "kind"),
    [("customers:company_list", "companies"), ("customers:contact_list", "contacts"), ("sales:list", "sales")],
)
def test_each_list_links_to_the_import_of_its_kind(salesperson_client: Client, list_url: str, kind: str) -> None:
    response = salesperson_client.get(reverse(list_url))

    assert f'href="{reverse("imports:start")}?kind={kind}"' in response.content.decode()


def test_settings_offer_the_import_to_administrators(admin_client: Client) -> None:
    response = admin_client.get(reverse("catalog:index"))

    assert reverse("imports:start") in response.content.decode()
