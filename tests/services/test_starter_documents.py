"""The starter document templates (issue 4): every document the starter guides suggest, made for a sale through
the documents service in Dutch and in English, reads like what a company sends — the sale's values merged in and
escaped, no template tags left, the sale's lines as a table when it has them and the amount in a sentence when it
has none, and no half sentences for a sale without company or contact."""

from __future__ import annotations

import email
import html
import io
import re
import zipfile
from dataclasses import dataclass
from decimal import Decimal
from email.message import EmailMessage
from email.policy import default as default_policy

import docx
import pytest
from django.utils import timezone

from salesguide.models import Document, Sale, SaleType, SuggestedDocument
from salesguide.services import customers, documents, sale_lines, sales
from salesguide.services.starter import load_starter_guides
from salesguide.services.templates import body_problems, docx_problems
from salesguide.starter.templates import WORD_TEMPLATES, docx_bytes, starter_templates
from salesguide.starter.texts import TEXTS

pytestmark = pytest.mark.django_db

COMPANY = "Smit & <Zonen> B.V."
CONTACT = "Zoë van 't Hoff"
CONTACT_EMAIL = "zoe@smit-zonen.example"
NBSP = "\u00a0"  # Babel writes Dutch amounts with a non-breaking space after the euro sign

# What a user sees, per language: the sale's amount (€ 12.345,50), its two lines and their total.
SEEN = {
    "nl": {
        "title": "Kassasysteem voor drie filialen",
        "amount": f"€{NBSP}12.345,50",
        "lines": [
            ("Kassasysteem Compact", "2", f"€{NBSP}12.500,00", f"€{NBSP}25.000,00"),
            ("Training personeel (dagdeel)", "1,5", f"€{NBSP}450,00", f"€{NBSP}675,00"),
        ],
        "lines_total": f"€{NBSP}25.675,00",
        "total": "Totaal exclusief btw",
        "date": "Datum",
        "subject": "Betreft",
        "regards": "Met vriendelijke groet,",
        "other_language": ["Kind regards", "Subject", "Dear", "Attn.", "Article", "Page"],
        "letter_greeting": "Geachte Zoë van 't Hoff,",
        "anonymous_greeting": "Geachte heer, mevrouw,",
        "email_greeting": "Beste Zoë,",
        "attn": "T.a.v.",
        "registration": "ingeschreven bij de Kamer van Koophandel onder nummer 30123456",
        "columns": ["Omschrijving", "Aantal", "Prijs per stuk", "Totaal"],
        "amount_sentence": "bedraagt",
    },
    "en": {
        "title": "Till system for three shops",
        "amount": "€12,345.50",
        "lines": [
            ("Compact till system", "2", "€12,500.00", "€25,000.00"),
            ("Staff training (half day)", "1.5", "€450.00", "€675.00"),
        ],
        "lines_total": "€25,675.00",
        "total": "Total excluding VAT",
        "date": "Date",
        "subject": "Subject",
        "regards": "Kind regards,",
        "other_language": ["Met vriendelijke groet", "Betreft", "Geachte", "T.a.v.", "Artikel", "Pagina"],
        "letter_greeting": "Dear Zoë van 't Hoff,",
        "anonymous_greeting": "Dear Sir or Madam,",
        "email_greeting": "Dear Zoë,",
        "attn": "Attn.",
        "registration": "registered under company number 30123456",
        "columns": ["Description", "Quantity", "Unit price", "Total"],
        "amount_sentence": "The price for",
    },
}


@dataclass
class WordFile:
    paragraphs: list[str]
    rows: list[list[str]]
    footer: str
    xml: str

    @property
    def text(self) -> str:
        return "\n".join(self.paragraphs + [" | ".join(row) for row in self.rows] + [self.footer])


def word_file(content: bytes) -> WordFile:
    document = docx.Document(io.BytesIO(content))
    rows = [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        xml = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".xml"))
    return WordFile(
        paragraphs=[p.text for p in document.paragraphs],
        rows=rows,
        footer=" ".join(p.text for p in document.sections[0].footer.paragraphs),
        xml=xml,
    )


def mail_of(content: bytes) -> tuple[EmailMessage, str]:
    """The e-mail and the text of its HTML body as a mail program shows it (tags gone, entities decoded)."""
    message = email.message_from_bytes(content, policy=default_policy)
    assert isinstance(message, EmailMessage)
    part = message.get_body(preferencelist=("html",))
    assert part is not None
    body = str(part.get_content())
    return message, html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def file_of(document: Document) -> bytes:
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def seller(make_user, request):
    return make_user(
        "jeroen",
        "salesperson",
        first_name="Jeroen",
        last_name="Bakker",
        email="jeroen@example.com",
        language=request.param,
    )


def a_sale(seller, sale_type: SaleType, *, with_customer: bool = True) -> Sale:
    company = contact = None
    if with_customer:
        company = customers.create_company(
            seller,
            name=COMPANY,
            org_number="30123456",
            address="Keizersgracht 12",
            postal_code="1015 CS",
            city="Amsterdam",
            country="Nederland",
        )
        contact = customers.create_contact(
            seller,
            first_name="Zoë",
            last_name="van 't Hoff",
            company_id=company.pk,
            title="Directeur",
            email=CONTACT_EMAIL,
        )
    return sales.create_sale(
        seller,
        title=SEEN[seller.language]["title"],
        sale_type_id=sale_type.pk,
        company_id=company.pk if company else None,
        contact_id=contact.pk if contact else None,
        amount=1_234_550,
        currency="EUR",
    )


def with_two_lines(seller, sale: Sale) -> Sale:
    """Two lines, 2 × € 12.500,00 and 1,5 × € 450,00, through the service that makes their total the amount."""
    (first, *_), (second, *_) = SEEN[seller.language]["lines"]
    return sale_lines.replace_sale_lines(
        seller,
        sale.pk,
        [
            {"description": first, "quantity": Decimal("2"), "unit_price": 1_250_000},
            {"description": second, "quantity": Decimal("1.5"), "unit_price": 45_000},
        ],
        version=sale.version,
    )


def every_suggested_document(seller, sale: Sale) -> list[Document]:
    """Every document of every stage of the sale's guide, made through the service."""
    suggestions = SuggestedDocument.objects.filter(
        link__sale_type_id=sale.sale_type_id, link__removed=False, deleted=False
    ).order_by("link__rank", "rank", "id")
    return [documents.create_document_from_suggestion(seller, sale.pk, s.pk) for s in suggestions]


def assert_no_template_tags_left(word: WordFile) -> None:
    for tag in ("{{", "}}", "{%", "%}"):
        assert tag not in word.xml


MONTHS = {
    "nl": [
        "januari",
        "februari",
        "maart",
        "april",
        "mei",
        "juni",
        "juli",
        "augustus",
        "september",
        "oktober",
        "november",
        "december",
    ],
    "en": [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ],
}


def today_written(language: str) -> str:
    """Today as the letters write it: "27 november 2026" in Dutch, "27 November 2026" in English."""
    today = timezone.localdate()
    return f"{today.day} {MONTHS[language][today.month - 1]} {today.year}"


# --- the templates themselves ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["nl", "en"])
def test_every_starter_template_passes_the_check_an_uploaded_template_gets(language):
    templates = starter_templates(language)

    assert {t.kind for t in templates.values()} == {"email", "quote", "contract", "letter"}
    for template in templates.values():
        if template.format == "docx":
            assert docx_problems(template.content, template.filename) == [], template.name
        else:
            assert body_problems(template.body, template.format) == [], template.name


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_starter_word_templates_are_built_the_same_byte_for_byte_every_time(language):
    for _name_key, _kind, _filename, build in WORD_TEMPLATES:
        assert docx_bytes(build(TEXTS[language])) == docx_bytes(build(TEXTS[language]))


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_starter_word_templates_have_accent_headings_a_readable_body_and_a_page_number(language):
    for template in starter_templates(language).values():
        if template.format != "docx":
            continue
        document = docx.Document(io.BytesIO(template.content))
        assert document.styles["Normal"].font.size.pt in (10, 10.5, 11)
        assert str(document.styles["Heading 2"].font.color.rgb) == "1F4E79"
        footer = "".join(p._p.xml for p in document.sections[0].footer.paragraphs)
        assert "PAGE" in footer, template.name


# --- every suggested document, for a sale with a company and a contact -----------------------------------------


@pytest.mark.parametrize("seller", ["nl", "en"], indirect=True)
def test_every_suggested_document_of_the_starter_guides_is_filled_in_for_the_sale(seller):
    language = seller.language
    seen = SEEN[language]
    made: dict[str, int] = {}
    for sale_type in load_starter_guides(language):
        sale = a_sale(seller, sale_type)

        for document in every_suggested_document(seller, sale):
            made[document.template.kind] = made.get(document.template.kind, 0) + 1
            content = file_of(document)
            if document.template.kind == "email":
                assert_the_confirmation_is_addressed_and_filled_in(document, content, seen)
                continue
            word = word_file(content)
            assert_no_template_tags_left(word)
            assert COMPANY in word.text and CONTACT in word.text and seen["title"] in word.text
            assert document.our_reference and document.our_reference in word.text
            assert not any(other in word.text for other in seen["other_language"])
            if document.template.kind == "contract":
                assert_the_contract_names_the_parties_and_the_price(word, seen)
                continue
            assert_the_letter_is_addressed_dated_and_signed(document, word, seen, language)
            if document.template.kind == "quote":
                assert_the_quotation_states_the_amount_without_a_lines_table(word, seen)

    assert made == {"email": 4, "letter": 4, "quote": 5, "contract": 3}


def assert_the_confirmation_is_addressed_and_filled_in(document: Document, content: bytes, seen: dict) -> None:
    message, text = mail_of(content)
    assert message["Subject"] == document.subject
    assert [(a.display_name, a.addr_spec) for a in message["To"].addresses] == [(CONTACT, CONTACT_EMAIL)]
    assert message["From"].addresses[0].addr_spec == "jeroen@example.com"
    assert text.strip().startswith(seen["email_greeting"])
    assert f"{CONTACT}, {COMPANY}" in text
    assert seen["title"] in text and document.our_reference in text and "Jeroen Bakker" in text
    assert seen["regards"] in text and not any(other in text for other in seen["other_language"])
    assert "{{" not in text and "{%" not in text


def assert_the_letter_is_addressed_dated_and_signed(
    document: Document, word: WordFile, seen: dict, language: str
) -> None:
    """Sender, address block, date, reference and subject, salutation, closing with the salesperson's name."""
    paragraphs = word.paragraphs
    assert paragraphs[0] == "Jeroen Bakker\njeroen@example.com"
    start = paragraphs.index(COMPANY)
    assert paragraphs[start : start + 5] == [
        COMPANY,
        f"{seen['attn']} {CONTACT}",
        "Keizersgracht 12",
        "1015 CS Amsterdam",
        "Nederland",
    ]
    assert f"{seen['date']}\t{today_written(language)}" in paragraphs
    assert f"{seen['subject']}\t{document.subject}" in paragraphs
    assert seen["letter_greeting"] in paragraphs
    closing = paragraphs.index(seen["regards"])
    assert paragraphs[closing + 1] == "Jeroen Bakker\njeroen@example.com"


def assert_the_quotation_states_the_amount_without_a_lines_table(word: WordFile, seen: dict) -> None:
    assert any(seen["amount_sentence"] in p and seen["amount"] in p for p in word.paragraphs)
    assert seen["columns"] not in word.rows
    assert not any(seen["lines_total"] in p for p in word.paragraphs)


def assert_the_contract_names_the_parties_and_the_price(word: WordFile, seen: dict) -> None:
    parties = next(p for p in word.paragraphs if p.startswith("1.\t"))
    assert parties.startswith(f"1.\t{COMPANY}, {seen['registration']}, ")
    assert "Keizersgracht 12, 1015 CS Amsterdam" in parties and CONTACT in parties
    assert any(seen["amount"] in p for p in word.paragraphs)
    signatures = word.rows[-1]
    assert COMPANY in signatures[0] and CONTACT in signatures[0] and "Jeroen Bakker" in signatures[1]


# --- the sale's lines --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seller", ["nl", "en"], indirect=True)
def test_a_quotation_for_a_sale_with_lines_shows_them_in_a_table_with_their_total(seller):
    seen = SEEN[seller.language]
    sale_type = load_starter_guides(seller.language)[0]
    sale = with_two_lines(seller, a_sale(seller, sale_type))
    made = every_suggested_document(seller, sale)
    quotations = [d for d in made if d.template.kind == "quote"]

    assert len(quotations) == 2  # the quotation and the revised quotation
    for quotation in quotations:
        word = word_file(file_of(quotation))
        assert_no_template_tags_left(word)
        assert word.rows == [
            seen["columns"],
            list(seen["lines"][0]),
            list(seen["lines"][1]),
            [seen["total"], "", "", seen["lines_total"]],
        ]
        assert not any(seen["amount_sentence"] in p for p in word.paragraphs)
    contract = word_file(file_of(next(d for d in made if d.template.kind == "contract")))
    assert any(seen["lines_total"] in p for p in contract.paragraphs)  # the amount is the lines' total


# --- a sale without company or contact ---------------------------------------------------------------------------


@pytest.mark.parametrize("seller", ["nl", "en"], indirect=True)
def test_documents_for_a_sale_without_company_or_contact_leave_no_half_sentences(seller):
    seen = SEEN[seller.language]
    sale_type = load_starter_guides(seller.language)[0]
    sale = a_sale(seller, sale_type, with_customer=False)

    for document in every_suggested_document(seller, sale):
        content = file_of(document)
        if document.template.kind == "email":
            message, text = mail_of(content)
            assert message["To"] is None
            assert text.strip().startswith(seen["anonymous_greeting"])
            continue
        word = word_file(content)
        assert_no_template_tags_left(word)
        text = word.text
        assert seen["attn"] not in text
        # "……" is the line the contract leaves to fill in the customer by hand
        assert not re.search(r"\s,|,\s*,|\(\)|\s\.", re.sub("…+", "…", text)), text
        assert not any(p.strip() in (",", ".") for p in word.paragraphs)
        if document.template.kind != "contract":
            assert seen["anonymous_greeting"] in word.paragraphs


# --- previews ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("seller", ["nl", "en"], indirect=True)
def test_every_suggested_document_of_the_starter_guides_previews_filled_in_without_creating_anything(seller):
    seen = SEEN[seller.language]
    for sale_type in load_starter_guides(seller.language):
        sale = with_two_lines(seller, a_sale(seller, sale_type))
        suggestions = SuggestedDocument.objects.filter(
            link__sale_type_id=sale.sale_type_id, link__removed=False, deleted=False
        )
        assert suggestions.exists()

        for suggestion in suggestions:
            draft, preview = documents.render_suggestion_preview(seller, sale.pk, suggestion.pk)

            # The page is there (no problem), with the sale's values readable and escaped once
            assert preview.problem is None and preview.page is not None, suggestion.name
            page = html.unescape(re.sub(r"<[^>]+>", " ", preview.page.html))
            assert COMPANY in page and seen["title"] in page, suggestion.name
            assert "{{" not in page and "{%" not in page
            if suggestion.template.kind == "contract":
                assert draft.our_reference and draft.our_reference in page
            else:
                assert draft.subject and draft.subject in page
            if suggestion.template.kind == "quote":
                assert seen["lines"][0][0] in page and seen["lines_total"] in page
    # And nothing was made
    assert not Document.objects.exists()
