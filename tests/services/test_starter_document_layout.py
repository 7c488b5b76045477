"""How the starter Word documents, filled in for a sale, lay out in Word and LibreOffice (issue 9): the contract's
signatures stay on one page together with the sentence that introduces them, and a quotation's amounts up to
€ 999.999,99 stay on one line in their column, also where Calibri is missing and another font stands in.

The layout is read from the document's XML (what both programs follow), and amounts are measured with the
fonts' own glyph widths, so no office program is needed to run these tests."""

from __future__ import annotations

import io
from decimal import Decimal
from pathlib import Path
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Emu, Twips
from docx.table import Table
from docx.text.paragraph import Paragraph
from fontTools.ttLib import TTFont

from salesguide.models import Document, Sale, SuggestedDocument
from salesguide.services import customers, documents, sale_lines, sales
from salesguide.services.starter import load_starter_guides
from salesguide.starter.texts import TEXTS

pytestmark = pytest.mark.django_db

FONT_DIR = Path("/usr/share/fonts/truetype")
# The fonts a Calibri document is laid out with where Calibri is not installed: Carlito (metric-compatible,
# installed by scripts/system-deps.sh) and DejaVu Sans, the wide font LibreOffice falls back to without it.
STAND_INS = {
    "Carlito": (FONT_DIR / "crosextra/Carlito-Regular.ttf", FONT_DIR / "crosextra/Carlito-Bold.ttf"),
    "DejaVu Sans": (FONT_DIR / "dejavu/DejaVuSans.ttf", FONT_DIR / "dejavu/DejaVuSans-Bold.ttf"),
}
# Word's default left and right cell margins (the "Normal Table" style of the starter documents), in twips.
CELL_MARGINS = Twips(2 * 108)


def text_width(text: str, font_file: Path, size_pt: float) -> Emu:
    """The width ``text`` takes on a line in the font of ``font_file``, from its glyphs' advance widths."""
    assert font_file.is_file(), f"{font_file} is missing: run scripts/system-deps.sh run"
    font = TTFont(str(font_file))
    glyphs, advances, per_em = font.getBestCmap(), font["hmtx"], font["head"].unitsPerEm
    # A font without a no-break space is given an ordinary one in its place.
    width_pt = sum(advances[glyphs.get(ord(c), glyphs[ord(" ")])][0] for c in text) / per_em * size_pt
    return Emu(round(width_pt * 12700))


@pytest.fixture(params=["nl", "en"])
def seller(make_user: Any, request: Any) -> Any:
    return make_user("jeroen", "salesperson", first_name="Jeroen", last_name="Bakker", language=request.param)


def a_sale(seller: Any) -> Sale:
    sale_type = load_starter_guides(seller.language)[0]
    company = customers.create_company(seller, name="Smit & Zonen B.V.", city="Amsterdam")
    contact = customers.create_contact(seller, first_name="Zoë", last_name="van 't Hoff", company_id=company.pk)
    return sales.create_sale(
        seller, title="Ovens", sale_type_id=sale_type.pk, company_id=company.pk, contact_id=contact.pk, amount=100
    )


def made_documents(seller: Any, sale: Sale, kind: str) -> list[Any]:
    """Every document of ``kind`` the sale's guide suggests, made through the service and opened."""
    suggestions = SuggestedDocument.objects.filter(
        link__sale_type_id=sale.sale_type_id, link__removed=False, deleted=False, template__kind=kind
    ).order_by("link__rank", "rank", "id")
    made: list[Document] = [documents.create_document_from_suggestion(seller, sale.pk, s.pk) for s in suggestions]
    assert made, f"the starter guide suggests no {kind}"
    opened = []
    for document in made:
        with document.file.open("rb") as handle:
            opened.append(docx.Document(io.BytesIO(handle.read())))
    return opened


def has(element: Any, path: str) -> bool:
    return element.find(path) is not None


# --- the contract's signatures ----------------------------------------------------------------------------------


def test_the_contracts_signatures_stay_on_one_page_with_their_closing_sentence_when_the_contract_is_made(seller):
    # Given a sale on a starter guide that suggests a contract
    sale = a_sale(seller)
    # When the contract is made for it
    for contract in made_documents(seller, sale, "contract"):
        signatures = contract.tables[-1]
        # Then no row of the signature table may break across a page
        for row in signatures.rows:
            assert has(row._tr, f"{qn('w:trPr')}/{qn('w:cantSplit')}"), "a signature row may split across pages"
        # And the closing sentence right before it is kept on the page of the table
        before = signatures._tbl.getprevious()
        assert before.tag == qn("w:p")
        assert Paragraph(before, contract).text == TEXTS[seller.language]["contract_signed"]
        assert has(before, f"{qn('w:pPr')}/{qn('w:keepNext')}"), "the closing sentence may stay behind"
        # And the table still names both parties
        customer, supplier = (cell.text for cell in signatures.rows[0].cells)
        assert "Zoë van 't Hoff" in customer and "Jeroen Bakker" in supplier


def test_the_quotations_acceptance_block_stays_together_when_the_quotation_is_made(seller):
    # Given a sale; When its quotations are made
    t = TEXTS[seller.language]
    for quotation in made_documents(seller, a_sale(seller), "quote"):
        paragraphs = quotation.paragraphs
        start = next(i for i, p in enumerate(paragraphs) if p.text == t["quote_acceptance"])
        block = paragraphs[start:]
        # Then the heading, "on behalf of" and the lines to fill in are kept together on one page
        assert [p.text.split(":")[0] for p in block[-3:]] == [t["name"], t["date"], t["signature"]]
        for paragraph in block[:-1]:
            assert paragraph.paragraph_format.keep_with_next, paragraph.text
        # And no row of the lines table breaks across a page
        for table in quotation.tables:
            for row in table.rows:
                assert has(row._tr, f"{qn('w:trPr')}/{qn('w:cantSplit')}")


# --- the quotation's amounts ------------------------------------------------------------------------------------


def column_widths(table: Table) -> list[Emu]:
    """The table's grid: what LibreOffice lays a fixed table out by (Word follows the cells, set the same)."""
    return [Emu(Twips(int(column.get(qn("w:w"))))) for column in table._tbl.tblGrid.findall(qn("w:gridCol"))]


def cell_runs(table: Table) -> list[tuple[int, str, bool]]:
    """(column, text, bold) of every cell of the amount columns."""
    found = []
    for row in table.rows:
        for column, cell in enumerate(row.cells):
            if column == 0:
                continue  # the description wraps as text does
            for paragraph in cell.paragraphs:
                if paragraph.text:
                    found.append((column, paragraph.text, any(bool(run.bold) for run in paragraph.runs)))
    return found


@pytest.mark.parametrize("font", sorted(STAND_INS))
def test_a_six_digit_total_stays_on_one_line_in_a_quotation_when_calibri_is_missing(seller, font):
    # Given a sale with a line of € 999.999,99, the largest six-digit amount
    sale = a_sale(seller)
    sale_lines.replace_sale_lines(
        seller,
        sale.pk,
        [{"description": "Bakery line “Große” complete", "quantity": Decimal("1"), "unit_price": 99_999_999}],
        version=sale.version,
    )
    # When its quotations are made and laid out in a font that stands in for Calibri
    regular, bold = STAND_INS[font]
    for quotation in made_documents(seller, sale, "quote"):
        table = quotation.tables[0]
        size = quotation.styles["Normal"].font.size.pt
        widths = column_widths(table)
        amounts = cell_runs(table)
        assert sum("999" in text for _column, text, _bold in amounts) == 3  # unit price, line total and total
        # Then every amount and heading fits its column on one line
        for column, text, is_bold in amounts:
            needed = Emu(text_width(text, bold if is_bold else regular, size) + CELL_MARGINS)
            assert needed <= widths[column], (
                f"{text!r} needs {needed.cm:.2f} cm, column {column} is {widths[column].cm:.2f} cm"
            )
        # And the table still fits between the margins of the page
        section = quotation.sections[0]
        assert sum(widths) <= section.page_width - section.left_margin - section.right_margin
