"""``salesguide export <companies|contacts|sales|activities> [-o FILE] [--language nl|en] [filters]`` (issue 11)."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from list_files_world import SALE_HEADERS_EN, build_world, read_csv, read_xlsx

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user, salesperson_user):
    return build_world(admin_user, salesperson_user)


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def fails(*args: str) -> str:
    with pytest.raises(CommandError) as caught:
        call_command("export", *args, stdout=io.StringIO(), stderr=io.StringIO())
    assert "\n" not in str(caught.value)
    return str(caught.value)


def test_export_sales_without_a_file_writes_csv_to_standard_output(world):
    out = run("sales", "--status", "open", "--sale-type", "licences")

    _separator, rows = read_csv(b"\xef\xbb\xbf" + out.encode("utf-8"))
    assert rows[0] == SALE_HEADERS_EN
    assert [row[2] for row in rows[1:]] == ["Seller's own", "Big deal; “quoted”"]


def test_export_sales_to_a_dutch_csv_file_has_semicolons_and_decimal_commas(world, tmp_path):
    target = tmp_path / "verkopen.csv"

    out = run("sales", "-o", str(target), "--language", "nl", "--owner", "admin", "--company", "acme bv")

    separator, rows = read_csv(target.read_bytes())
    assert separator == ";"
    assert rows[0][2] == "Titel"
    assert [(row[2], row[7], row[11]) for row in rows[1:]] == [
        ("Renewal", "10000,00", "Verkocht"),
        ("Big deal; “quoted”", "1250,50", "Open"),
    ]
    # The command speaks the language it was asked for.
    assert out.strip() == f"2 rijen geëxporteerd naar {target}."


def test_export_to_an_xlsx_file_is_chosen_by_the_extension(world, tmp_path):
    target = tmp_path / "companies.XLSX"

    run("companies", "-o", str(target), "-q", "café")

    rows = read_xlsx(target.read_bytes())
    assert rows[0][:3] == ["Id", "Name", "Registration number"]
    assert rows[1][:2] == [world.cafe.pk, "Café Zoë"]
    assert len(rows) == 2


def test_export_contacts_of_a_company_named_by_id(world):
    out = run("contacts", "--company", str(world.acme.pk))

    _separator, rows = read_csv(b"\xef\xbb\xbf" + out.encode("utf-8"))
    assert [row[1:3] for row in rows[1:]] == [["Jan", "Jansen"]]


def test_export_activities_lists_everyones_with_the_filters(world, tmp_path):
    target = tmp_path / "activities.xlsx"

    run("activities", "-o", str(target), "--open", "--from", "2031-01-20")

    rows = read_xlsx(target.read_bytes())
    assert [row[2] for row in rows[1:]] == ["Visit the café"]
    assert rows[1][3].isoformat() == "2031-02-01T14:00:00"  # the installation's wall clock (Europe/Amsterdam)
    assert rows[1][5] == "salesperson"


def test_an_unknown_owner_is_a_one_line_error_and_no_file(world, tmp_path):
    target = tmp_path / "sales.csv"

    message = fails("sales", "--owner", "nobody", "-o", str(target))

    assert message == "There is no user “nobody”."
    assert not target.exists()


def test_another_extension_is_refused(world, tmp_path):
    message = fails("sales", "-o", str(tmp_path / "sales.pdf"))

    assert message == "Name the file .csv or .xlsx: the export writes CSV or XLSX."
    assert not (tmp_path / "sales.pdf").exists()


def test_a_file_that_cannot_be_written_is_a_one_line_error(world, tmp_path):
    message = fails("companies", "-o", str(tmp_path / "no such folder" / "companies.csv"))

    assert message.startswith("Cannot write ")
