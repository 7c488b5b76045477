"""A manager reads every report in Chromium, in Dutch and in English (issue 10, "Done means"): from the index to
each report's page with its chart and table, and downloads its XLSX, which openpyxl opens with the same rows
under the same headers the page shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

import openpyxl
import pytest
from django.utils import translation
from django.utils.translation import gettext
from playwright.sync_api import Page, expect

from salesguide.models import User
from salesguide.queries.reports.catalogue import REPORTS
from salesguide.services import catalog, sale_types, sales
from salesguide.services.clock import today_for

PASSWORD = "reports-password"


def a_selling_history(manager: User) -> None:
    """One sale type with three stages (set up by an administrator) and six sales of the manager: moved on, sold,
    lost and still open."""
    admin = User.objects.create_user(username="ada", password=PASSWORD, role="admin", language="en")
    stages = [
        catalog.create_stage(admin, name=name, probability=probability)
        for name, probability in (("Intake", 10), ("Quote", 40), ("Deal", 80))
    ]
    kind = sale_types.create_sale_type(admin, name="Machines", stage_ids=[stage.pk for stage in stages])
    today = today_for(manager)
    for n in range(6):
        sale = sales.create_sale(
            manager,
            title=f"Machine {n}",
            sale_type_id=kind.pk,
            amount=(n + 1) * 1_250_00,
            currency="EUR",
            expected_date=today + dt.timedelta(days=20 * n),
        )
        for stage in stages[1 : 1 + n % 3]:
            sales.move_sale_to_stage(manager, sale.pk, stage.pk)
        if n == 4:
            sales.close_sale_as_sold(manager, sale.pk, date=today)
        elif n == 5:
            sales.close_sale_as_lost(manager, sale.pk, date=today)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_manager_reads_every_report_and_opens_its_xlsx(
    page: Page, login: Callable[..., Page], tmp_path: Path, language: str
) -> None:
    # Given a manager who reads the product in this language, and sales that moved, were sold and were lost
    manager = User.objects.create_user(username="max", password=PASSWORD, role="manager", language=language)
    a_selling_history(manager)

    login("max", PASSWORD)
    with translation.override(language):
        for spec in REPORTS.values():
            title = gettext(spec.title)

            # When they open the report from the index
            page.goto("/reports/")
            page.get_by_role("link", name=title).click()

            # Then its page shows its title, a chart and a table
            expect(page.get_by_role("heading", level=1, name=title)).to_be_visible()
            expect(page.locator("svg[role=img]").first).to_be_attached()
            table = page.locator(".report-table table")
            expect(table).to_be_visible()
            headers = [text.strip() for text in table.locator("thead th").all_inner_texts()]
            rows = table.locator("tbody tr").count()
            assert rows > 0

            # And on paper the chart and the table stay, the filters form and the buttons go
            page.emulate_media(media="print")
            expect(page.locator(".report-chart").first).to_be_visible()
            expect(table).to_be_visible()
            expect(page.locator(".report-filters__form")).to_be_hidden()
            expect(page.get_by_role("link", name=gettext("Download XLSX"))).to_be_hidden()
            page.emulate_media(media="screen")

            # And its XLSX has the same rows under the same headers (the file also has the ids the page leaves out)
            with page.expect_download() as download:
                page.get_by_role("link", name=gettext("Download XLSX")).click()
            path = tmp_path / f"{spec.name}-{language}.xlsx"
            download.value.save_as(path)
            assert download.value.suggested_filename.startswith(f"{spec.name}-")
            sheet = openpyxl.load_workbook(path).active
            file_headers = [cell.value for cell in sheet[1]]
            shown = [header for header in headers if header.casefold() in {str(h).casefold() for h in file_headers}]
            assert len(shown) >= len(headers) - 1  # all but a row action's column
            data_rows = [row for row in sheet.iter_rows(min_row=2, values_only=True) if any(v is not None for v in row)]
            assert len(data_rows) - len(_notes_of(sheet)) == rows
            assert sheet.title == gettext(spec.title)[:31]


def _notes_of(sheet: object) -> list[object]:
    """The notes written under the table: one text cell in the first column of an otherwise empty row."""
    return [
        row
        for row in sheet.iter_rows(min_row=2, values_only=True)  # type: ignore[attr-defined]
        if isinstance(row[0], str) and all(value is None for value in row[1:]) and len(row) > 1
    ]
