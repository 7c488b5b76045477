"""The starter document templates, in Dutch and English: a meeting confirmation e-mail (HTML) and three Word
letters (quotation, contract, follow-up letter) with docxtpl merge fields such as ``{{ sale.title }}``.

The Word files are generated here rather than kept in the repository as binaries, and generated the same,
byte for byte, every time (fixed dates in the document properties and the zip), so loading the starter
guides twice or exporting them gives the same files.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import cache

import docx
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Cm, Pt, RGBColor

FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (2025, 1, 1, 0, 0, 0)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)


@dataclass(frozen=True)
class StarterTemplate:
    name: str
    kind: str
    format: str
    filename: str = ""
    content: bytes = b""
    body: str = ""


# --- texts per language ------------------------------------------------------------------------------------

TEXTS: Mapping[str, Mapping[str, str]] = {
    "en": {
        "attn": "Attn. {{ contact.name }}",
        "date": "Date",
        "reference": "Our reference",
        "subject": "Subject",
        "dear": "Dear {{ contact.name }},",
        "regards": "Kind regards,",
        "quote_title": "Quotation",
        "quote_subject": "Quotation {{ sale.title }}",
        "quote_intro": (
            "Thank you for your interest and for the pleasant conversations. As promised, we are pleased to "
            "make you the following offer for {{ sale.title }}."
        ),
        "quote_columns": "Description|Quantity|Unit price|Total",
        "quote_terms": (
            "This quotation is valid for 30 days from the date above. Prices exclude VAT. Our general terms "
            "and conditions apply."
        ),
        "quote_close": (
            "We trust this offer meets your wishes. If you have any questions, please do not hesitate to "
            "contact me. To accept, simply sign a copy of this quotation and return it to us."
        ),
        "contract_title": "Agreement",
        "contract_subject": "Agreement {{ sale.title }}",
        "contract_parties": "The undersigned:",
        "contract_party_customer": (
            "{{ company.name }}, hereinafter “the Customer”, duly represented by {{ contact.name }};"
        ),
        "contract_party_us": "our company, hereinafter “the Supplier”, duly represented by {{ owner.name }};",
        "contract_agree": "agree as follows:",
        "contract_articles": (
            "Subject|The Supplier delivers {{ sale.title }} to the Customer as described in the quotation "
            "with reference {{ our_reference }}, which forms part of this agreement.\n"
            "Term|This agreement takes effect on the date of signing and remains in force until the "
            "delivery has been completed and paid for.\n"
            "Price and payment|The Customer pays the price stated in the quotation within 30 days of the "
            "invoice date.\n"
            "Confidentiality|Both parties keep confidential all information they receive from each other "
            "under this agreement.\n"
            "Applicable law|This agreement is governed by the law of the Supplier's country of establishment."
        ),
        "article": "Article",
        "signed": "Signed in duplicate on {{ today }}.",
        "for_customer": "For {{ company.name }}",
        "for_us": "For the Supplier",
        "signature": "Name: {}\nSignature:\n\n",
        "followup_title": "Following up on our conversation",
        "followup_subject": "Following up on {{ sale.title }}",
        "followup_body": (
            "Thank you for the time you made for our recent conversation about {{ sale.title }}. It was good "
            "to hear more about your plans and what matters most to you.\n"
            "As agreed, I am sending you this letter to summarise where we stand and to propose the next "
            "steps. I will call you in the coming days to discuss them and to answer any questions you may "
            "have.\n"
            "If anything is unclear in the meantime, you can reach me directly."
        ),
        "email_name": "Meeting confirmation (e-mail)",
        "quote_name": "Quotation",
        "contract_name": "Contract",
        "followup_name": "Follow-up letter",
        "email_body": (
            "<p>Dear {{ contact.name }},</p>\n"
            "<p>Thank you for making time to meet. This e-mail confirms our appointment to talk about "
            "{{ sale.title }}.</p>\n"
            "<p>In the meeting we would like to get to know your situation and wishes better, show you how "
            "we can help, and agree on the next steps together. If the time no longer suits you, or you "
            "would like a colleague to join, just let me know.</p>\n"
            "<p>I look forward to meeting you.</p>\n"
            "<p>Kind regards,<br>\n{{ owner.name }}</p>\n"
            "<p><small>Our reference: {{ our_reference }}</small></p>\n"
        ),
    },
    "nl": {
        "attn": "T.a.v. {{ contact.name }}",
        "date": "Datum",
        "reference": "Onze referentie",
        "subject": "Betreft",
        "dear": "Geachte {{ contact.name }},",
        "regards": "Met vriendelijke groet,",
        "quote_title": "Offerte",
        "quote_subject": "Offerte {{ sale.title }}",
        "quote_intro": (
            "Hartelijk dank voor uw interesse en de prettige gesprekken. Zoals toegezegd doen wij u graag de "
            "volgende aanbieding voor {{ sale.title }}."
        ),
        "quote_columns": "Omschrijving|Aantal|Prijs per stuk|Totaal",
        "quote_terms": (
            "Deze offerte is 30 dagen geldig vanaf bovenstaande datum. Prijzen zijn exclusief btw. Op al "
            "onze aanbiedingen zijn onze algemene voorwaarden van toepassing."
        ),
        "quote_close": (
            "Wij vertrouwen erop dat deze aanbieding aan uw wensen voldoet. Heeft u vragen, neem dan gerust "
            "contact met mij op. Voor akkoord kunt u een getekend exemplaar van deze offerte aan ons "
            "terugsturen."
        ),
        "contract_title": "Overeenkomst",
        "contract_subject": "Overeenkomst {{ sale.title }}",
        "contract_parties": "De ondergetekenden:",
        "contract_party_customer": (
            "{{ company.name }}, hierna „de Klant”, rechtsgeldig vertegenwoordigd door {{ contact.name }};"
        ),
        "contract_party_us": (
            "onze onderneming, hierna „de Leverancier”, rechtsgeldig vertegenwoordigd door {{ owner.name }};"
        ),
        "contract_agree": "komen het volgende overeen:",
        "contract_articles": (
            "Onderwerp|De Leverancier levert {{ sale.title }} aan de Klant zoals beschreven in de offerte "
            "met referentie {{ our_reference }}, die deel uitmaakt van deze overeenkomst.\n"
            "Looptijd|Deze overeenkomst gaat in op de dag van ondertekening en loopt tot de levering is "
            "voltooid en betaald.\n"
            "Prijs en betaling|De Klant betaalt de in de offerte genoemde prijs binnen 30 dagen na "
            "factuurdatum.\n"
            "Geheimhouding|Beide partijen houden alle informatie die zij in het kader van deze overeenkomst "
            "van elkaar ontvangen geheim.\n"
            "Toepasselijk recht|Op deze overeenkomst is het recht van het land van vestiging van de "
            "Leverancier van toepassing."
        ),
        "article": "Artikel",
        "signed": "Aldus in tweevoud opgemaakt en ondertekend op {{ today }}.",
        "for_customer": "Namens {{ company.name }}",
        "for_us": "Namens de Leverancier",
        "signature": "Naam: {}\nHandtekening:\n\n",
        "followup_title": "Naar aanleiding van ons gesprek",
        "followup_subject": "Vervolg op ons gesprek over {{ sale.title }}",
        "followup_body": (
            "Hartelijk dank voor de tijd die u onlangs vrijmaakte voor ons gesprek over {{ sale.title }}. "
            "Het was goed om meer te horen over uw plannen en over wat voor u het belangrijkst is.\n"
            "Zoals afgesproken stuur ik u deze brief om samen te vatten waar we staan en de volgende stappen "
            "voor te stellen. Ik bel u de komende dagen om ze met u door te nemen en uw vragen te "
            "beantwoorden.\n"
            "Is er in de tussentijd iets onduidelijk, dan kunt u mij rechtstreeks bereiken."
        ),
        "email_name": "Bevestiging afspraak (e-mail)",
        "quote_name": "Offerte",
        "contract_name": "Overeenkomst",
        "followup_name": "Opvolgbrief",
        "email_body": (
            "<p>Geachte {{ contact.name }},</p>\n"
            "<p>Hartelijk dank dat u tijd maakt voor een afspraak. Met deze e-mail bevestig ik ons gesprek "
            "over {{ sale.title }}.</p>\n"
            "<p>In het gesprek willen we uw situatie en wensen beter leren kennen, laten zien hoe wij u "
            "kunnen helpen en samen de volgende stappen afspreken. Komt het tijdstip u toch niet goed uit, "
            "of wilt u dat een collega aansluit, laat het mij dan gerust weten.</p>\n"
            "<p>Ik kijk uit naar ons gesprek.</p>\n"
            "<p>Met vriendelijke groet,<br>\n{{ owner.name }}</p>\n"
            "<p><small>Onze referentie: {{ our_reference }}</small></p>\n"
        ),
    },
}


# --- building the Word documents ----------------------------------------------------------------------------


def _new_document(title: str) -> Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(11)
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = "Salesguide"
    properties.created = properties.modified = FIXED_DATE
    properties.revision = 1
    return document


def _letterhead(document: Document, t: Mapping[str, str], subject: str) -> None:
    sender = document.add_paragraph()
    sender.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = sender.add_run("{{ owner.name }}")
    run.bold = True
    run.font.color.rgb = ACCENT
    document.add_paragraph()
    address = document.add_paragraph()
    address.add_run("{{ company.name }}").bold = True
    address.add_run().add_break()
    address.add_run(t["attn"])
    document.add_paragraph()
    table = document.add_table(rows=3, cols=2)
    rows = [(t["date"], "{{ today }}"), (t["reference"], "{{ our_reference }}"), (t["subject"], subject)]
    for row, (label, value) in zip(table.rows, rows, strict=True):
        row.cells[0].width, row.cells[1].width = Cm(4), Cm(12)
        row.cells[0].paragraphs[0].add_run(label).bold = True
        row.cells[1].paragraphs[0].add_run(value)
    document.add_paragraph()


def _paragraphs(document: Document, text: str) -> None:
    for line in text.split("\n"):
        document.add_paragraph(line)


def _closing(document: Document, t: Mapping[str, str]) -> None:
    document.add_paragraph()
    document.add_paragraph(t["regards"])
    document.add_paragraph()
    document.add_paragraph("{{ owner.name }}")


def _quotation(t: Mapping[str, str]) -> Document:
    document = _new_document(t["quote_title"])
    _letterhead(document, t, t["quote_subject"])
    document.add_paragraph(t["dear"])
    document.add_paragraph(t["quote_intro"])
    columns = t["quote_columns"].split("|")
    table = document.add_table(rows=3, cols=len(columns))
    table.style = document.styles["Light Grid Accent 1"]
    for cell, heading in zip(table.rows[0].cells, columns, strict=True):
        cell.paragraphs[0].add_run(heading).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run("{{ sale.title }}")
    table.rows[1].cells[1].paragraphs[0].add_run("1")
    document.add_paragraph()
    document.add_paragraph(t["quote_terms"])
    document.add_paragraph(t["quote_close"])
    _closing(document, t)
    return document


def _contract(t: Mapping[str, str]) -> Document:
    document = _new_document(t["contract_title"])
    heading = document.add_heading(t["contract_title"], level=0)
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = document.add_paragraph()
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle.add_run("{{ sale.title }} — {{ our_reference }}").italic = True
    document.add_paragraph(t["contract_parties"])
    document.add_paragraph(t["contract_party_customer"], style="List Number")
    document.add_paragraph(t["contract_party_us"], style="List Number")
    document.add_paragraph(t["contract_agree"])
    for number, article in enumerate(t["contract_articles"].split("\n"), start=1):
        title, text = article.split("|")
        document.add_heading(f"{t['article']} {number}. {title}", level=2)
        document.add_paragraph(text)
    document.add_paragraph()
    document.add_paragraph(t["signed"])
    table = document.add_table(rows=2, cols=2)
    table.rows[0].cells[0].paragraphs[0].add_run(t["for_customer"]).bold = True
    table.rows[0].cells[1].paragraphs[0].add_run(t["for_us"]).bold = True
    table.rows[1].cells[0].paragraphs[0].add_run(t["signature"].format("{{ contact.name }}"))
    table.rows[1].cells[1].paragraphs[0].add_run(t["signature"].format("{{ owner.name }}"))
    return document


def _followup_letter(t: Mapping[str, str]) -> Document:
    document = _new_document(t["followup_title"])
    _letterhead(document, t, t["followup_subject"])
    document.add_paragraph(t["dear"])
    _paragraphs(document, t["followup_body"])
    _closing(document, t)
    return document


def docx_bytes(document: Document) -> bytes:
    """The document as .docx bytes, the same every time: python-docx stamps each zip entry with the current
    time, so the entries are rewritten with a fixed one."""
    raw = io.BytesIO()
    document.save(raw)
    fixed = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw.getvalue())) as source, zipfile.ZipFile(fixed, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=ZIP_DATE)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return fixed.getvalue()


_WORD_TEMPLATES: tuple[tuple[str, str, str, Callable[[Mapping[str, str]], Document]], ...] = (
    ("quote_name", "quote", "quotation", _quotation),
    ("contract_name", "contract", "contract", _contract),
    ("followup_name", "letter", "follow-up-letter", _followup_letter),
)


@cache
def starter_templates(language: str) -> Mapping[str, StarterTemplate]:
    """The starter templates of ``language`` ("nl" or "en") by name (built once per process)."""
    t = TEXTS[language]
    templates = [StarterTemplate(name=t["email_name"], kind="email", format="html", body=t["email_body"])]
    for name_key, kind, filename, build in _WORD_TEMPLATES:
        templates.append(
            StarterTemplate(
                name=t[name_key],
                kind=kind,
                format="docx",
                filename=f"{filename}-{language}.docx",
                content=docx_bytes(build(t)),
            )
        )
    return {template.name: template for template in templates}
