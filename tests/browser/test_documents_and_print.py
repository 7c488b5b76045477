"""A salesperson makes a quotation from the guide and prints the sale, in Chromium (issue 4, SPEC 3.3, 3.4): previews
the suggested quotation in the side panel (the letter filled in for this sale, nothing created), creates it,
downloads the Word file, then opens the print view and downloads the sale as PDF. Once in Dutch, once in English.

Words on buttons are looked up in the user's translation catalogue, as in ``test_selling_with_the_guide``."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from pypdf import PdfReader

from salesguide.models import Company, Contact, Document, Sale, SaleType, Stage, User
from salesguide.services import sale_lines, sales
from salesguide.services.starter import load_starter_guides

PASSWORD = "quote-maker-password"


def words(language: str) -> Callable[..., str]:
    """What the UI says in ``language`` for an English msgid."""

    def say(msgid: str, **params: Any) -> str:
        with translation.override(language):
            text = translation.gettext(msgid)
        return text % params if params else text

    return say


@dataclass(frozen=True)
class Case:
    language: str
    sale_type: str
    proposal_stage: str
    quotation: str  # the suggested document of the proposal stage
    title: str
    line: str
    amount_in_letter: str  # the line total as the letter writes it in this language


DUTCH = Case(
    "nl",
    "Verkoop aan nieuwe klant",
    "Offerte",
    "Offerte",
    "Kassa's voor Bakkerij Dijkstra",
    "Kassasysteem Compact, incl. installatie",
    "€\u00a06.998,00",
)
ENGLISH = Case(
    "en",
    "Sale to new customer",
    "Proposal",
    "Quotation",
    "Tills for Dijkstra Bakery",
    "Compact till system, installed",
    "€6,998.00",
)


def _sale_in_the_proposal_stage(case: Case, seller: User) -> Sale:
    load_starter_guides(case.language)
    company = Company.objects.create(
        name="Bakkerij Dijkstra & Zn. B.V.", address="Oudegracht 112", postal_code="3511 AX", city="Utrecht"
    )
    contact = Contact.objects.create(
        first_name="Zoë", last_name="van 't Hoff", company=company, email="zoe@dijkstra.example"
    )
    sale_type = SaleType.objects.get(name=case.sale_type, deleted=False)
    sale = sales.create_sale(
        seller, title=case.title, sale_type_id=sale_type.pk, company_id=company.pk, contact_id=contact.pk
    )
    stage = Stage.objects.get(name=case.proposal_stage, deleted=False)
    sale = sales.move_sale_to_stage(seller, sale.pk, stage.pk)
    sale_lines.replace_sale_lines(
        seller,
        sale.pk,
        [{"description": case.line, "quantity": Decimal("2"), "unit_price": 349_900}],
        version=sale.version,
    )
    return Sale.objects.get(pk=sale.pk)


def make_a_quotation_and_print_the_sale(page: Page, login: Callable[..., Page], case: Case, tmp_path: Path) -> None:
    say = words(case.language)
    seller = User.objects.create_user(
        username="seller",
        password=PASSWORD,
        role="salesperson",
        language=case.language,
        first_name="Sanne",
        last_name="Verkoper",
    )
    sale = _sale_in_the_proposal_stage(case, seller)
    login("seller", PASSWORD)
    page.goto(f"/sales/{sale.pk}/")

    # Previewing the suggested quotation shows the letter filled in for this sale, and creates nothing
    tab = page.locator("#guide-tab")
    tab.get_by_role("link", name=case.quotation, exact=True).click()
    panel = page.locator("#preview-panel")
    expect(panel.get_by_text(say("Document preview"))).to_be_visible()
    letter = panel.frame_locator("iframe")
    expect(letter.get_by_text("Bakkerij Dijkstra & Zn. B.V.").first).to_be_visible()
    expect(letter.get_by_text(case.line).first).to_be_visible()
    assert not Document.objects.filter(sale=sale).exists()

    # Creating it makes the Word file, which the salesperson downloads
    item = tab.locator(".guide-item").filter(has=page.get_by_role("link", name=case.quotation, exact=True))
    item.get_by_role("link", name=f"{say('Create')} {case.quotation}", exact=True).click()
    page.locator("#guide-tab form").get_by_role("button", name=say("Create document"), exact=True).click()
    expect(item.get_by_role("link", name=re.compile(re.escape(case.title)))).to_be_visible()
    document = Document.objects.get(sale=sale)
    page.goto(f"/sales/{sale.pk}/?tab=documents")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(f"^{re.escape(say('Download'))}")).first.click()
    saved = tmp_path / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    assert saved.suffix == ".docx"
    text = _docx_text(saved.read_bytes())
    assert case.title in text and "Bakkerij Dijkstra & Zn. B.V." in text
    assert case.line in text and case.amount_in_letter in text
    assert document.file_name == saved.name

    # Printing the sale: the print view, then the same as PDF
    page.goto(f"/sales/{sale.pk}/")
    page.get_by_role("link", name=say("Print"), exact=True).click()
    expect(page.get_by_role("heading", name=case.title)).to_be_visible()
    expect(page.get_by_text(case.proposal_stage).first).to_be_visible()
    with page.expect_download() as pdf_info:
        page.get_by_role("link", name=say("Download PDF")).click()
    pdf_path = tmp_path / "sale.pdf"
    pdf_info.value.save_as(pdf_path)
    pdf_text = " ".join(p.extract_text() for p in PdfReader(str(pdf_path)).pages)
    assert case.title in pdf_text and "Bakkerij Dijkstra & Zn. B.V." in pdf_text
    assert case.proposal_stage in pdf_text


def _docx_text(content: bytes) -> str:
    word = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in word.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in word.paragraphs] + cells)


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("case", [DUTCH, ENGLISH], ids=["nl", "en"])
def test_a_salesperson_previews_creates_and_downloads_a_quotation_and_prints_the_sale(
    page: Page, login: Callable[..., Page], case: Case, tmp_path: Path
) -> None:
    make_a_quotation_and_print_the_sale(page, login, case, tmp_path)
