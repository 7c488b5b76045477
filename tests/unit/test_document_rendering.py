"""Filling in document templates, without a database (SPEC 3.3, 7): merge fields formatted per language, values
that are text in Word files and e-mails whatever characters they hold, a sandbox that refuses every known way out,
and faults that say where in the template they are."""

from __future__ import annotations

import datetime as dt
import email
import io
from decimal import Decimal
from email.policy import default as default_policy

import docx
import pytest

from salesguide.documents import render
from salesguide.documents.fields import MERGE_FIELDS, example_context, example_value
from salesguide.documents.merge import LineFacts, PartyFacts, SaleFacts, merge_context, render_line
from salesguide.documents.preview import docx_preview, email_preview
from salesguide.documents.sandbox import document_environment, plain_environment

NBSP = "\u00a0"  # Babel puts a no-break space between the euro sign and the amount in Dutch
TODAY = dt.date(2026, 11, 27)
TRICKY = 'Smit & <Zn> "Ëlzé" ijs'  # what a name may hold: markup characters, quotes, Dutch letters


def facts(**changes) -> SaleFacts:
    values = dict(
        number=7,
        title="Kassa's voor café Ëlzé",
        amount=1_254_050,
        currency="EUR",
        probability=50,
        stage="Offerte",
        stage_probability=40,
        expected_date=dt.date(2026, 4, 30),
        lines=(LineFacts("Kassasysteem", Decimal("3"), 349_900), LineFacts("Training", Decimal("2.50"), 48_500)),
        company=PartyFacts(name=TRICKY, city="IJsselstein"),
        contact=PartyFacts(name="Anouk van den Berg", first_name="Anouk", email="anouk@example.com"),
        owner=PartyFacts(name="Jeroen Smit", email="jeroen@example.com"),
    )
    values.update(changes)
    return SaleFacts(**values)


def context(language: str = "nl", **changes) -> dict:
    return merge_context(facts(**changes), language=language, today=TODAY, subject="Offerte", our_reference="JS/7")


def word_file(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
    """A Word template made with python-docx: the paragraphs, then an optional table (rows of cells)."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    if table:
        grid = document.add_table(rows=len(table), cols=len(table[0]))
        for row, cells in zip(grid.rows, table, strict=True):
            for cell, text in zip(row.cells, cells, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def word_text(content: bytes) -> list[str]:
    """The paragraphs of a Word file as a reader sees them, then every table cell."""
    document = docx.Document(io.BytesIO(content))
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return [p.text for p in document.paragraphs] + cells


# --- merge fields, formatted for the language -----------------------------------------------------------------


def test_dutch_amounts_dates_quantities_and_percentages_are_written_the_dutch_way():
    # When
    sale = context("nl")["sale"]

    # Then
    assert sale["amount"] == f"€{NBSP}12.540,50"
    assert sale["weighted_amount"] == f"€{NBSP}6.270,25"
    assert sale["expected_date"] == "30 april 2026"
    assert sale["probability"] == "50%"
    assert sale["stage_probability"] == "40%"
    assert [line["quantity"] for line in sale["lines"]] == ["3", "2,5"]
    assert context("nl")["today"] == "27 november 2026"


def test_english_amounts_dates_quantities_and_percentages_are_written_the_english_way():
    # When
    sale = context("en")["sale"]

    # Then
    assert sale["amount"] == "€12,540.50"
    assert sale["expected_date"] == "30 April 2026"
    assert sale["probability"] == "50%"
    assert [line["quantity"] for line in sale["lines"]] == ["3", "2.5"]
    assert context("en")["today"] == "27 November 2026"


def test_lines_are_numbered_with_their_totals_rounded_to_the_cent():
    # Given a third of an hour at € 1,00
    lines = (LineFacts("Advice", Decimal("0.33"), 100), LineFacts("Licences", Decimal("10.00"), 12_345))

    # When
    sale = context("en", lines=lines)["sale"]

    # Then
    assert [(line["number"], line["quantity"], line["total"]) for line in sale["lines"]] == [
        (1, "0.33", "€0.33"),
        (2, "10", "€1,234.50"),
    ]
    assert sale["lines_total"] == "€1,234.83"


def test_a_sale_without_company_contact_lines_or_stage_gives_empty_fields_instead_of_errors():
    # When
    result = context("en", company=None, contact=None, lines=(), stage="", stage_probability=None)

    # Then
    assert result["company"]["name"] == "" and result["contact"]["email"] == ""
    assert result["sale"]["lines"] == [] and result["sale"]["lines_total"] == ""
    assert result["sale"]["stage_probability"] == ""


def test_a_subject_line_is_filled_in_and_a_broken_one_is_kept_as_written():
    # Given
    values = context("nl")

    # When / Then
    assert render_line("Offerte voor {{ company.city }}", values) == "Offerte voor IJsselstein"
    assert render_line("Offerte {{ company.name ", values) == "Offerte {{ company.name "
    assert render_line("{{ ''.__class__ }}", values) == ""


# --- values stay text --------------------------------------------------------------------------------------------


def test_a_word_document_shows_markup_characters_quotes_diacritics_and_the_euro_sign_as_typed():
    # Given
    template = word_file(
        "Aan {{ company.name }} te {{ company.city }}", "Bedrag: {{ sale.amount }}", "Betreft: {{ sale.title }}"
    )

    # When
    filled = render.render_docx(template, context("nl"))

    # Then
    assert word_text(filled)[:3] == [
        f"Aan {TRICKY} te IJsselstein",
        f"Bedrag: €{NBSP}12.540,50",
        "Betreft: Kassa's voor café Ëlzé",
    ]


def test_a_word_document_repeats_a_table_row_for_every_line_of_the_sale():
    # Given docxtpl's row loop: the tags in the first and last cell of a row of their own
    template = word_file(
        "Offerte",
        table=[
            ["#", "Omschrijving", "Aantal", "Totaal"],
            ["{%tr for line in sale.lines %}", "", "", ""],
            ["{{ line.number }}", "{{ line.description }}", "{{ line.quantity }}", "{{ line.total }}"],
            ["{%tr endfor %}", "", "", ""],
        ],
    )

    # When
    cells = word_text(render.render_docx(template, context("nl")))[1:]

    # Then
    assert cells == [
        "#",
        "Omschrijving",
        "Aantal",
        "Totaal",
        "1",
        "Kassasysteem",
        "3",
        f"€{NBSP}10.497,00",
        "2",
        "Training",
        "2,5",
        f"€{NBSP}1.212,50",
    ]


def test_an_html_email_escapes_each_value_exactly_once():
    # When
    body = render.render_body("<p>Beste {{ company.name }}, {{ sale.amount }}</p>", context("nl"), html=True)

    # Then
    assert body == f"<p>Beste Smit &amp; &lt;Zn&gt; &#34;Ëlzé&#34; ijs, €{NBSP}12.540,50</p>"
    assert "&amp;amp;" not in body


def test_a_text_email_keeps_the_values_as_typed():
    # When
    body = render.render_body("Beste {{ company.name }},\n{{ sale.amount }}", context("nl"), html=False)

    # Then
    assert body == f"Beste {TRICKY},\n€{NBSP}12.540,50"


def test_an_email_file_opens_in_a_mail_program_with_subject_addressee_and_both_bodies():
    # Given
    body = render.render_body("<p>Beste {{ contact.first_name }} van {{ company.name }}</p>", context("nl"), html=True)

    # When
    content = render.email_file(
        subject="Offerte café Ëlzé",
        body=body,
        html=True,
        to_name="Anouk van den Berg",
        to_address="anouk@example.com",
        from_name="Jeroen Smit",
        from_address="jeroen@example.com",
    )

    # Then
    message = email.message_from_bytes(content, policy=default_policy)
    assert message["Subject"] == "Offerte café Ëlzé"
    assert message["To"] == "Anouk van den Berg <anouk@example.com>"
    assert message["From"] == "Jeroen Smit <jeroen@example.com>"
    assert message["X-Unsent"] == "1"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "Beste Anouk van Smit &amp; &lt;Zn&gt; &#34;Ëlzé&#34; ijs" in html
    assert message.get_body(preferencelist=("plain",)).get_content().strip() == f"Beste Anouk van {TRICKY}"
    assert render.email_body(content) == (html, True)


def test_a_download_name_comes_from_the_subject_without_path_characters():
    assert render.file_name_for("Offerte café Ëlzé", "docx") == "Offerte café Ëlzé.docx"
    assert render.file_name_for("../../etc/passwd", "eml") == "etcpasswd.eml"
    assert render.file_name_for("///", "docx") == "document.docx"


# --- the sandbox -------------------------------------------------------------------------------------------------

# Known ways out of a Jinja template, each with what it tries. ``2 ** 10**8`` is left out on purpose: Jinja reads
# ``**`` from left to right, so it is (2 ** 10) ** 8, a harmless number (see the test after the table).
ESCAPE_ATTEMPTS = {
    "the class hierarchy": "{{ ''.__class__.__mro__ }}",
    "a global's module": "{{ cycler.__init__.__globals__ }}",
    "lipsum's globals": "{{ lipsum.__globals__ }}",
    "the template's context": "{{ self._TemplateReference__context }}",
    "str.format reaching attributes": "{{ '{0.__class__}'.format(sale) }}",
    "a huge string": "{{ 'a' * 10**8 }}",
    "a huge number": "{{ 2 ** (10**8) }}",
    "a huge range": "{{ range(10**9) | list | length }}",
    "reading a file": "{% include '/etc/passwd' %}",
    "importing a module": "{% import 'os' as os %}{{ os.system('id') }}",
    "Flask's config": "{{ config }}",
    "Flask's request": "{{ request }}",
}
LEAKS = ("<class", "<module", "<function", "<built-in", "__", "root:", "uid=", "os.")


@pytest.mark.parametrize("attempt", ESCAPE_ATTEMPTS.values(), ids=ESCAPE_ATTEMPTS.keys())
def test_an_escape_attempt_in_a_word_template_is_refused_when_checked_and_named_by_its_paragraph(attempt):
    # Given
    template = word_file("Beste klant,", f"Zie: {attempt}")

    # When
    with pytest.raises(render.TemplateFault) as fault:
        render.render_docx(template, context("en"), strict=True)

    # Then
    assert "near “Zie: " in fault.value.message.render()


@pytest.mark.parametrize("attempt", ESCAPE_ATTEMPTS.values(), ids=ESCAPE_ATTEMPTS.keys())
def test_an_escape_attempt_in_an_email_body_is_refused_when_checked_and_named_by_its_line(attempt):
    # Given
    body = f"<p>Beste klant,</p>\n<p>Groet</p>\n<p>{attempt}</p>"

    # When
    with pytest.raises(render.TemplateFault) as fault:
        render.render_body(body, context("en"), html=True, strict=True)

    # Then
    assert "on line 3" in fault.value.message.render()


@pytest.mark.parametrize("attempt", ESCAPE_ATTEMPTS.values(), ids=ESCAPE_ATTEMPTS.keys())
def test_an_escape_attempt_generates_nothing_or_an_empty_place_and_never_leaks_anything(attempt):
    # Given a template that got past the check some other way, filled in leniently as documents are
    outputs = []

    # When
    for fill_in in (
        lambda: "\n".join(word_text(render.render_docx(word_file("Beste klant,", attempt), context("en")))),
        lambda: render.render_body(f"<p>{attempt}</p>", context("en"), html=True),
        lambda: render.render_body(attempt, context("en"), html=False),
    ):
        try:
            outputs.append(fill_in())
        except render.TemplateFault as fault:
            outputs.append(fault.message.render())

    # Then: a fault may quote the template, nothing else
    for output in outputs:
        assert not any(leak in output.replace(attempt, "") for leak in LEAKS), output
    assert len("".join(outputs)) < 2_000


def test_the_power_operator_reads_from_left_to_right_so_a_tower_of_powers_stays_small():
    assert render.render_body("{{ 2 ** 10**8 }}", context("en"), html=False, strict=True) == str(2**80)


def test_a_long_result_within_the_limits_is_allowed():
    assert render.render_body("{{ '-' * 80 }}", context("en"), html=False, strict=True) == "-" * 80


def test_the_sandbox_escapes_for_documents_and_not_for_subjects():
    assert document_environment().from_string("{{ x }}").render(x="<b>") == "&lt;b&gt;"
    assert plain_environment().from_string("{{ x }}").render(x="<b>") == "<b>"


# --- faults say what and where -----------------------------------------------------------------------------------


def test_an_unknown_merge_field_in_a_word_template_names_the_field_and_its_paragraph_when_checked():
    # Given
    template = word_file("Beste {{ contact.first_name }},", "Uw bestelling {{ sale.titel }} is klaar.")

    # When
    with pytest.raises(render.TemplateFault) as fault:
        render.render_docx(template, context("en"), strict=True)

    # Then
    message = fault.value.message.render()
    assert "near “Uw bestelling {{ sale.titel }} is klaar.”" in message
    assert "titel" in message


def test_an_unknown_merge_field_is_left_empty_when_a_document_is_generated():
    # When
    filled = render.render_docx(word_file("Uw bestelling {{ sale.titel }} is klaar."), context("en"))

    # Then
    assert word_text(filled) == ["Uw bestelling  is klaar."]


def test_a_syntax_error_in_a_word_template_names_its_paragraph():
    # Given
    template = word_file("Beste klant,", "Totaal {{ sale.amount }", "Groet")

    # When
    with pytest.raises(render.TemplateFault) as fault:
        render.render_docx(template, context("en"))

    # Then
    # docxtpl joins the text after an unclosed tag to its paragraph; the place still starts where the error is.
    message = fault.value.message.render()
    assert "near “Totaal {{ sale.amount }" in message and "syntax error" in message


def test_a_syntax_error_in_an_email_body_names_its_line():
    with pytest.raises(render.TemplateFault) as fault:
        render.render_body("Beste klant,\n\n{% if sale.amount %}Totaal", context("en"), html=False)

    assert "on line 3: syntax error" in fault.value.message.render()


def test_a_file_that_is_not_a_word_document_is_refused():
    with pytest.raises(render.TemplateFault) as fault:
        render.render_docx(b"PK\x03\x04 not really a zip", context("en"))

    assert fault.value.message.render() == "This is not a valid Word document (.docx)."


# --- the documented merge fields ---------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["en", "nl"])
def test_every_documented_merge_field_has_an_example_except_the_closing_date_of_an_open_sale(language):
    # Given
    values = example_context(language)

    # When
    empty = [field.name for field in MERGE_FIELDS if example_value(field.name, values) in ("", None, [])]

    # Then
    assert empty == ["sale.closed_date"]
    assert all(field.description for field in MERGE_FIELDS)


@pytest.mark.parametrize("language", ["en", "nl"])
def test_a_template_using_every_documented_merge_field_passes_the_strict_check(language):
    # Given
    template = word_file(*(f"{field.name}: {{{{ {field.name} }}}}" for field in MERGE_FIELDS))

    # When
    text = word_text(render.render_docx(template, example_context(language), strict=True))

    # Then
    assert len(text) == len(MERGE_FIELDS)
    assert text[0].startswith("sale.title: ") and len(text[0]) > len("sale.title: ")


def test_the_example_sale_speaks_the_language_of_the_list():
    assert example_value("sale.amount", example_context("nl")) == f"€{NBSP}12.540,50"
    assert example_value("sale.amount", example_context("en")) == "€12,540.50"
    assert example_value("company.name", example_context("nl")) == "Bakkerij Dijkstra & Zn. B.V."


# --- previews ----------------------------------------------------------------------------------------------------


def test_a_word_preview_is_a_whole_page_with_the_text_escaped():
    # Given
    filled = render.render_docx(word_file("Aan {{ company.name }}"), context("nl"))

    # When
    page = docx_preview(filled).html

    # Then
    assert page.startswith("<!doctype html>")
    assert "Aan Smit &amp; &lt;Zn&gt;" in page


def test_a_text_email_preview_shows_markup_as_text():
    page = email_preview("Beste <script>alert(1)</script>", html=False).html

    assert "&lt;script&gt;" in page and "<script>" not in page
