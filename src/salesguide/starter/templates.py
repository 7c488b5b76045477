"""The starter document templates, in Dutch and English: a meeting confirmation e-mail (HTML) and three Word
documents (quotation, contract, follow-up letter) with docxtpl merge fields such as ``{{ sale.title }}``
(``salesguide.documents.fields.MERGE_FIELDS``).

They are meant to look like what a company sends: a sender block, the recipient's address, date, our reference
and subject, a table of the sale's lines in a quotation, numbered articles and a signature table in a contract,
a footer with the page number. A merge field that may be empty (a sale without company or contact) sits inside
``{% if %}``, or ``{%p if %}`` for whole paragraphs, so an empty one leaves no half sentence behind.

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
from string import Template
from typing import Any

import docx
from docx.document import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_TAB_ALIGNMENT, WD_TAB_LEADER
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from salesguide.starter.texts import TEXTS

FIXED_DATE = dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
ZIP_DATE = (2025, 1, 1, 0, 0, 0)
ACCENT = RGBColor(0x1F, 0x4E, 0x79)
ACCENT_HEX = str(ACCENT)  # "1F4E79", for the XML python-docx has no API for
GREY = RGBColor(0x59, 0x59, 0x59)
FONT = "Calibri"
LABEL_WIDTH = Cm(3.5)


@dataclass(frozen=True)
class StarterTemplate:
    name: str
    kind: str
    format: str
    filename: str = ""
    content: bytes = b""
    body: str = ""


# --- the e-mail -----------------------------------------------------------------------------------------------

# E-mail programs ignore style sheets and often images: inline styles and a simple table only, the font on
# every cell (Outlook does not pass it on to a nested table) and "border: 0" so that the preview, which draws
# table borders, shows the e-mail as a mail program does. Each row of the table is on one line with
# "Label: </td> <td>", so that the plain-text part (the HTML without its tags) reads well too.
_CELL = "font-family: Arial, Helvetica, sans-serif; font-size: 14px; line-height: 1.5; color: #222222; border: 0;"
_LABEL = "padding: 2px 16px 2px 12px; color: #595959;"
_VALUE = "padding: 2px 12px 2px 0;"
_P = "margin: 0 0 12px 0;"
EMAIL_BODY = Template(
    f'<table role="presentation" width="100%" cellpadding="0" cellspacing="0" border="0">\n'
    f'<tr><td style="{_CELL}">\n'
    f'<p style="{_P}">$greeting</p>\n'
    f'<p style="{_P}">$confirmation</p>\n'
    f'<table role="presentation" cellpadding="0" cellspacing="0" border="0" '
    f'style="margin: 0 0 16px 0; border-left: 3px solid #{ACCENT_HEX};">\n'
    f'<tr><td style="{_CELL} {_LABEL}">$subject_label:</td> <td style="{_CELL} {_VALUE}">'
    f"<strong>{{{{ subject }}}}</strong></td></tr>\n"
    f'{{% if contact.name or company.name %}}<tr><td style="{_CELL} {_LABEL}">$with_label:</td> '
    f'<td style="{_CELL} {_VALUE}">{{{{ contact.name }}}}{{% if contact.name and company.name %}}, {{% endif %}}'
    f"{{{{ company.name }}}}</td></tr>\n{{% endif %}}"
    f'{{% if our_reference %}}<tr><td style="{_CELL} {_LABEL}">$reference_label:</td> '
    f'<td style="{_CELL} {_VALUE}">{{{{ our_reference }}}}</td></tr>\n{{% endif %}}'
    f"</table>\n"
    f'<p style="{_P}">$agenda</p>\n'
    f'<p style="{_P}">$change</p>\n'
    f'<p style="{_P}">$looking_forward</p>\n'
    f'<p style="margin: 0;">$regards<br>\n'
    f"<strong>{{{{ owner.name }}}}</strong>{{% if our_company.name %}}<br>\n{{{{ our_company.name }}}}{{% endif %}}"
    f"{{% if owner.email %}}<br>\n"
    f'<a href="mailto:{{{{ owner.email }}}}" style="color: #{ACCENT_HEX};">{{{{ owner.email }}}}</a>{{% endif %}}'
    f"{{% if our_company.phone %}}<br>\n{{{{ our_company.phone }}}}{{% endif %}}"
    f"{{% if our_company.website %}}<br>\n{{{{ our_company.website }}}}{{% endif %}}</p>\n"
    f"</td></tr>\n"
    f"</table>\n"
)


def email_body(t: Mapping[str, str]) -> str:
    return EMAIL_BODY.substitute(
        greeting=t["email_greeting"],
        confirmation=t["email_confirmation"],
        subject_label=t["subject"],
        with_label=t["email_with"],
        reference_label=t["reference"],
        agenda=t["email_agenda"],
        change=t["email_change"],
        looking_forward=t["email_looking_forward"],
        regards=t["regards"],
    )


# --- Word: styles and small pieces ----------------------------------------------------------------------------


def _plain_fonts(rpr: Any) -> None:
    """Fonts named in the style itself: the default template's theme fonts (Cambria for headings) would win
    over a font name set next to them."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attribute), None)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs"):
        fonts.set(qn(attribute), FONT)


def _styles(document: Document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(10.5)
    normal.paragraph_format.space_after = Pt(8)
    normal.paragraph_format.line_spacing = 1.15
    _plain_fonts(normal.element.get_or_add_rPr())
    for name, size, before in (("Heading 1", 18, 0), ("Heading 2", 11.5, 14)):
        style = document.styles[name]
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.color.rgb = ACCENT
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(6)
        _plain_fonts(style.element.get_or_add_rPr())


def _new_document(title: str) -> Document:
    document = docx.Document()
    section = document.sections[0]
    section.page_height, section.page_width = Cm(29.7), Cm(21.0)
    section.top_margin, section.bottom_margin = Cm(2.0), Cm(2.5)
    section.left_margin = section.right_margin = Cm(2.5)
    section.footer_distance = Cm(1.2)
    _styles(document)
    properties = document.core_properties
    properties.title = title
    properties.author = properties.last_modified_by = "Salesguide"
    properties.created = properties.modified = FIXED_DATE
    properties.revision = 1
    return document


def _paragraph(
    document: Document, text: str = "", *, after: float | None = None, align: WD_ALIGN_PARAGRAPH | None = None
) -> Paragraph:
    paragraph = document.add_paragraph(text)
    if after is not None:
        paragraph.paragraph_format.space_after = Pt(after)
    if align is not None:
        paragraph.alignment = align
    return paragraph


def _small(paragraph: Paragraph, text: str, *, color: RGBColor = GREY, bold: bool = False) -> None:
    run = paragraph.add_run(text)
    run.font.size = Pt(9)
    run.font.color.rgb = color
    run.bold = bold


def _tag_paragraph(document: Document, tag: str) -> None:
    """A ``{%p ... %}`` tag: docxtpl replaces the whole paragraph by the tag, so it leaves no empty line."""
    document.add_paragraph(tag)


def _field(paragraph: Paragraph, instruction: str) -> None:
    """A Word field such as PAGE, which Word fills in when it lays the pages out."""
    for part in ("begin", "instruction", "separate", "result", "end"):
        run = paragraph.add_run()
        if part == "instruction":
            code = OxmlElement("w:instrText")
            code.set(qn("xml:space"), "preserve")
            code.text = f" {instruction} "
            run._r.append(code)
        elif part == "result":
            run.add_text("1")  # shown until Word updates the field
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), part)
            run._r.append(char)
        run.font.size = Pt(8.5)
        run.font.color.rgb = GREY


def _seller_footer(document: Document, t: Mapping[str, str]) -> Paragraph:
    """Our company's name and numbers (registration, VAT, IBAN) on one small line above the page number, as
    business letters carry them; nothing until our company has a name. Returns the paragraph after it."""
    footer = document.sections[0].footer
    numbers = "".join(
        f"{{% if our_company.{field} %}} · {t[label]} {{{{ our_company.{field} }}}}{{% endif %}}"
        for field, label in (
            ("registration_number", "registration_label"),
            ("vat_number", "vat_label"),
            ("iban", "iban_label"),
        )
    )
    footer.paragraphs[0].add_run("{%p if our_company.name %}")
    line = footer.add_paragraph()
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    line.paragraph_format.space_after = Pt(2)
    _small(line, "{{ our_company.name }}" + numbers)
    footer.add_paragraph("{%p endif %}")
    return footer.add_paragraph()


def _footer(document: Document, t: Mapping[str, str]) -> None:
    """Our company's numbers, our reference and "page 1 of 2", small and centred, on every page."""
    paragraph = _seller_footer(document, t)
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _small(paragraph, "{% if our_reference %}{{ our_reference }} · {% endif %}" + t["page"])
    _field(paragraph, "PAGE")
    _small(paragraph, t["page_of"])
    _field(paragraph, "NUMPAGES")


def _labelled(document: Document, label: str, value: str, *, strong: bool = False, after: float = 0) -> None:
    """ "Label    value" with the value at a tab stop, wrapping under itself."""
    paragraph = _paragraph(document, after=after)
    paragraph.paragraph_format.left_indent = LABEL_WIDTH
    paragraph.paragraph_format.first_line_indent = -LABEL_WIDTH
    paragraph.paragraph_format.tab_stops.add_tab_stop(LABEL_WIDTH)
    _small(paragraph, label)
    run = paragraph.add_run("\t" + value)
    run.bold = strong
    if strong:
        run.font.color.rgb = ACCENT


def _dotted(
    document: Document | _Cell, label: str, width: Cm, *, before: float = 0, keep_with_next: bool = False
) -> None:
    """A line to fill in by hand: "Name ........"."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(before)
    if keep_with_next:
        paragraph.paragraph_format.keep_with_next = True
    paragraph.paragraph_format.tab_stops.add_tab_stop(width, WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)
    paragraph.add_run(label)


# --- Word: the parts of a letter ------------------------------------------------------------------------------


def _sender(document: Document) -> None:
    """Our company top right (Settings › Our company): its logo, name, address in the order of its country,
    phone, e-mail and website, each line only when it has a value. Until an administrator fills it in, the
    salesperson's name and e-mail stand there instead."""
    _tag_paragraph(document, "{%p if our_company.logo %}")
    _paragraph(document, "{{ our_company.logo }}", after=6, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _tag_paragraph(document, "{%p endif %}")
    _tag_paragraph(document, "{%p if our_company.name %}")
    name = _paragraph(document, after=0, align=WD_ALIGN_PARAGRAPH.RIGHT).add_run("{{ our_company.name }}")
    name.bold = True
    name.font.color.rgb = ACCENT
    _tag_paragraph(document, "{%p for line in our_company.address_lines %}")
    _small(_paragraph(document, after=0, align=WD_ALIGN_PARAGRAPH.RIGHT), "{{ line }}")
    _tag_paragraph(document, "{%p endfor %}")
    for field in ("phone", "email", "website"):
        _tag_paragraph(document, f"{{%p if our_company.{field} %}}")
        _small(_paragraph(document, after=0, align=WD_ALIGN_PARAGRAPH.RIGHT), f"{{{{ our_company.{field} }}}}")
        _tag_paragraph(document, "{%p endif %}")
    _paragraph(document, after=30)
    _tag_paragraph(document, "{%p else %}")
    paragraph = _paragraph(document, after=30, align=WD_ALIGN_PARAGRAPH.RIGHT)
    name = paragraph.add_run("{{ owner.name }}")
    name.bold = True
    name.font.color.rgb = ACCENT
    paragraph.add_run("{% if owner.email %}")
    email = paragraph.add_run()
    email.add_break()
    email.add_text("{{ owner.email }}")
    email.font.size = Pt(9)
    email.font.color.rgb = GREY
    paragraph.add_run("{% endif %}")
    _tag_paragraph(document, "{%p endif %}")


def _address(document: Document, t: Mapping[str, str]) -> None:
    """The recipient, one line per paragraph so that a line without a value disappears completely; the
    address in the order of the company's country ("Leeds" above "LS11 5PS" in England), with the country only
    when it is not ours."""
    lines = (("company.name", "{{ company.name }}"), ("contact.name", t["attn"]))
    for condition, text in lines:
        _tag_paragraph(document, f"{{%p if {condition} %}}")
        _paragraph(document, text, after=0)
        _tag_paragraph(document, "{%p endif %}")
    _tag_paragraph(document, "{%p for line in company.address_lines %}")
    _paragraph(document, "{{ line }}", after=0)
    _tag_paragraph(document, "{%p endfor %}")
    _paragraph(document, after=24)


def _references(document: Document, t: Mapping[str, str]) -> None:
    _labelled(document, t["date"], "{{ today }}")
    _tag_paragraph(document, "{%p if our_reference %}")
    _labelled(document, t["reference"], "{{ our_reference }}")
    _tag_paragraph(document, "{%p endif %}")
    _labelled(document, t["subject"], "{{ subject }}", strong=True, after=24)


def _letterhead(document: Document, t: Mapping[str, str]) -> None:
    _sender(document)
    _address(document, t)
    _references(document, t)


def _closing(document: Document, t: Mapping[str, str]) -> None:
    _paragraph(document, t["regards"], after=36)
    paragraph = _paragraph(document, "{{ owner.name }}", after=0)
    paragraph.add_run("{% if owner.email %}")
    email = paragraph.add_run()
    email.add_break()
    email.add_text("{{ owner.email }}")
    email.font.color.rgb = GREY
    paragraph.add_run("{% endif %}")


def _cell(
    cell: _Cell, text: str, width: Cm, *, bold: bool = False, right: bool = False, color: RGBColor | None = None
) -> None:
    cell.width = width
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.paragraph_format.space_before = Pt(2)
    if right:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    run = paragraph.add_run(text)
    run.bold = bold
    if color is not None:
        run.font.color.rgb = color


def _rows_cannot_split(table: Table) -> None:
    """No row breaks across a page (a signature, an amount and its line stay whole), in Word and LibreOffice."""
    for row in table.rows:
        # First child: the schema puts cantSplit before trHeight and tblHeader.
        row._tr.get_or_add_trPr().insert(0, OxmlElement("w:cantSplit"))


def _cell_look(cell: _Cell, *, fill: str = "", top: str = "", bottom: str = "") -> None:
    """Shading and top/bottom borders of a cell (python-docx has no API for them)."""
    properties = cell._tc.get_or_add_tcPr()
    borders = OxmlElement("w:tcBorders")
    for side, color in (("top", top), ("bottom", bottom)):
        if color:
            border = OxmlElement(f"w:{side}")
            for key, value in (
                ("val", "single"),
                ("sz", "8" if color == ACCENT_HEX else "4"),
                ("space", "0"),
                ("color", color),
            ):
                border.set(qn(f"w:{key}"), value)
            borders.append(border)
    if len(borders):
        properties.append(borders)
    if fill:
        shading = OxmlElement("w:shd")
        for key, value in (("val", "clear"), ("color", "auto"), ("fill", fill)):
            shading.set(qn(f"w:{key}"), value)
        properties.append(shading)


# --- Word: the three documents --------------------------------------------------------------------------------

# Wide enough for "€ 999.999,99" (bold in the total row) and "Prijs per stuk" on one line also where Calibri is
# missing and a wider font stands in for it (DejaVu Sans, without Carlito), together 16 cm between the margins.
_LINE_WIDTHS = (Cm(6.9), Cm(2.2), Cm(3.3), Cm(3.6))


def _lines_table(document: Document, t: Mapping[str, str]) -> None:
    """Header row, one row per sale line (docxtpl's ``{%tr for %}`` rows repeat the row between them), total."""
    columns = t["quote_columns"].split("|")
    table = document.add_table(rows=5, cols=4)
    table.alignment = WD_TABLE_ALIGNMENT.LEFT
    table.autofit = False
    for column, width in zip(table.columns, _LINE_WIDTHS, strict=True):
        column.width = width  # the grid, which LibreOffice follows rather than the cell widths
    header, loop_start, line, loop_end, total = table.rows
    for index, (cell, heading, width) in enumerate(zip(header.cells, columns, _LINE_WIDTHS, strict=True)):
        _cell(cell, heading, width, bold=True, right=index > 0, color=RGBColor(0xFF, 0xFF, 0xFF))
        _cell_look(cell, fill=ACCENT_HEX)
    repeat = OxmlElement("w:tblHeader")  # the header row again on every page of a long quotation
    header._tr.get_or_add_trPr().append(repeat)
    fields = ("{{ line.description }}", "{{ line.quantity }}", "{{ line.unit_price }}", "{{ line.total }}")
    for index, (cell, text, width) in enumerate(zip(line.cells, fields, _LINE_WIDTHS, strict=True)):
        _cell(cell, text, width, right=index > 0)
        _cell_look(cell, bottom="BFBFBF")
    for row, tag in ((loop_start, "{%tr for line in sale.lines %}"), (loop_end, "{%tr endfor %}")):
        for cell, width in zip(row.cells, _LINE_WIDTHS, strict=True):
            cell.width = width
        row.cells[0].paragraphs[0].add_run(tag)
    for index, (cell, width) in enumerate(zip(total.cells, _LINE_WIDTHS, strict=True)):
        text = {0: t["quote_total"], 3: "{{ sale.lines_total }}"}.get(index, "")
        _cell(cell, text, width, bold=True, right=index > 0)
        _cell_look(cell, top=ACCENT_HEX)
    _rows_cannot_split(table)


def _quotation(t: Mapping[str, str]) -> Document:
    document = _new_document(t["quote_title"])
    _letterhead(document, t)
    _paragraph(document, t["dear"])
    _paragraph(document, t["quote_intro"])
    _tag_paragraph(document, "{%p if sale.lines %}")
    _paragraph(document, t["quote_lines_intro"], after=6)
    _lines_table(document, t)
    _paragraph(document, after=0)
    _tag_paragraph(document, "{%p else %}")
    _paragraph(document, t["quote_amount"])
    _tag_paragraph(document, "{%p endif %}")
    document.add_heading(t["quote_terms_title"], level=2)
    for text in t["quote_terms"].split("\n"):
        _paragraph(document, text)
    _paragraph(document, t["quote_close"])
    _closing(document, t)
    # The acceptance block is one piece: each paragraph is kept with the next, down to the signature line.
    document.add_heading(t["quote_acceptance"], level=2).paragraph_format.keep_with_next = True
    _tag_paragraph(document, "{%p if company.name %}")
    _paragraph(document, t["quote_on_behalf"], after=0).paragraph_format.keep_with_next = True
    _tag_paragraph(document, "{%p endif %}")
    for label, before in ((t["name"], 12), (t["date"], 12), (t["signature"], 30)):
        _dotted(document, label + ":\t", Cm(9), before=before, keep_with_next=label != t["signature"])
    _footer(document, t)
    return document


def _numbered(document: Document, number: int, runs: tuple[tuple[str, bool], ...]) -> None:
    paragraph = _paragraph(document)
    paragraph.paragraph_format.left_indent = Cm(0.75)
    paragraph.paragraph_format.first_line_indent = -Cm(0.75)
    paragraph.paragraph_format.tab_stops.add_tab_stop(Cm(0.75))
    paragraph.add_run(f"{number}.\t")
    for text, bold in runs:
        paragraph.add_run(text).bold = bold


def _signatures(document: Document, t: Mapping[str, str]) -> None:
    table = document.add_table(rows=1, cols=2)
    table.autofit = False
    width = Cm(8)
    for column in table.columns:
        column.width = width
    parties = (
        (t["the_customer"], t["contract_customer_name"], "contact.name", "{{ contact.name }}"),
        (t["the_supplier"], t["contract_supplier_name"], "owner.name", "{{ owner.name }}"),
    )
    for cell, (party, name, condition, signer) in zip(table.rows[0].cells, parties, strict=True):
        _cell(cell, party, width, bold=True, color=ACCENT)
        _cell_look(cell, bottom=ACCENT_HEX)
        # Our company's name; empty until it is set, which still keeps the lines of both columns level.
        cell.add_paragraph().add_run(name).bold = True
        _dotted(cell, f"{t['name']}: {{% if {condition} %}}{signer}{{% else %}}\t{{% endif %}}", Cm(7.4), before=10)
        for label, before in ((t["place"], 10), (t["date"], 10), (t["signature"], 36)):
            _dotted(cell, label + ":\t", Cm(7.4), before=before)
    _rows_cannot_split(table)


def _contract(t: Mapping[str, str]) -> Document:
    document = _new_document(t["contract_title"])
    _tag_paragraph(document, "{%p if our_company.logo %}")
    _paragraph(document, "{{ our_company.logo }}", after=6, align=WD_ALIGN_PARAGRAPH.RIGHT)
    _tag_paragraph(document, "{%p endif %}")
    document.add_heading(t["contract_title"], level=1)
    subtitle = _paragraph(document, after=18)
    subtitle.add_run("{{ sale.title }}").bold = True
    subtitle.add_run("{% if our_reference %}")
    reference = subtitle.add_run()
    reference.add_break()
    reference.add_text(t["reference"] + ": {{ our_reference }}")
    reference.font.color.rgb = GREY
    subtitle.add_run("{% endif %}")
    _paragraph(document, t["contract_parties"])
    _numbered(document, 1, ((t["contract_customer_name"], True), (t["contract_customer"], False)))
    _numbered(document, 2, ((t["contract_supplier_name"], True), (t["contract_supplier"], False)))
    _paragraph(document, t["contract_agree"])
    for number, article in enumerate(t["contract_articles"].split("\n"), start=1):
        title, text = article.split("|")
        document.add_heading(f"{t['article']} {number} – {title}", level=2)
        _paragraph(document, text)
    # The closing sentence is kept on the page of the signatures, which cannot split (``_signatures``): the
    # parties never sign below a sentence on the previous page.
    closing = _paragraph(document, t["contract_signed"]).paragraph_format
    closing.space_before = Pt(12)
    closing.keep_with_next = True
    _signatures(document, t)
    _footer(document, t)
    return document


def _followup_letter(t: Mapping[str, str]) -> Document:
    document = _new_document(t["followup_title"])
    _letterhead(document, t)
    _paragraph(document, t["dear"])
    for text in t["followup_body"].split("\n"):
        _paragraph(document, text)
    _closing(document, t)
    _footer(document, t)
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


WORD_TEMPLATES: tuple[tuple[str, str, str, Callable[[Mapping[str, str]], Document]], ...] = (
    ("quote_name", "quote", "quotation", _quotation),
    ("contract_name", "contract", "contract", _contract),
    ("followup_name", "letter", "follow-up-letter", _followup_letter),
)


@cache
def starter_templates(language: str) -> Mapping[str, StarterTemplate]:
    """The starter templates of ``language`` ("nl" or "en") by name (built once per process)."""
    t = TEXTS[language]
    templates = [StarterTemplate(name=t["email_name"], kind="email", format="html", body=email_body(t))]
    for name_key, kind, filename, build in WORD_TEMPLATES:
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
