"""Generating documents through their services, against the test database (SPEC 3.3, 3.4, 7): a Word template
gives a .docx with the sale's values, an e-mail template an unsent .eml to the contact; the file follows the sale
when generated again; templates that cannot be filled in are refused at upload and create nothing later."""

from __future__ import annotations

import datetime as dt
import email
import io
from dataclasses import dataclass
from email.policy import default as default_policy

import docx
import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from salesguide.domain.errors import NotAllowed, RuleViolation, ValidationFailed
from salesguide.models import Document, DocumentTemplate, Sale, SaleLine, SuggestedDocument, User
from salesguide.services import catalog, customers, documents, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
COMPANY = "Bakkerij Ëlzé & Zn <B.V.>"


def word_file(*paragraphs: str, table: list[list[str]] | None = None) -> bytes:
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
    document = docx.Document(io.BytesIO(content))
    return [p.text for p in document.paragraphs] + [
        cell.text for table in document.tables for row in table.rows for cell in row.cells
    ]


QUOTATION = word_file(
    "Aan {{ company.name }}, t.a.v. {{ contact.name }}",
    "Betreft: {{ sale.title }}",
    "Totaal: {{ sale.amount }}",
    table=[
        ["{%tr for line in sale.lines %}", ""],
        ["{{ line.description }}", "{{ line.total }}"],
        ["{%tr endfor %}", ""],
    ],
)


@dataclass
class Guide:
    sale_type_id: int
    letter: SuggestedDocument
    mail: SuggestedDocument
    letter_template: DocumentTemplate
    mail_template: DocumentTemplate


@pytest.fixture
def guide(admin_user: User) -> Guide:
    """Two stages; the first suggests a Word quotation and an HTML e-mail."""
    stage = catalog.create_stage(admin_user, name="Offer", probability=40)
    closing = catalog.create_stage(admin_user, name="Closing", probability=80)
    sale_type = sale_types.create_sale_type(
        admin_user, name="New customer", stage_ids=[stage.pk, closing.pk], has_guide=True
    )
    letter_template = templates.create_docx_template(
        admin_user, name="Quotation", kind="quote", content=QUOTATION, filename="quotation.docx"
    )
    mail_template = templates.create_text_template(
        admin_user,
        name="Cover mail",
        body="<p>Dear {{ contact.first_name }},</p>\n<p>Our offer for {{ company.name }}: {{ sale.amount }}.</p>",
    )
    letter = guides.add_suggested_document(
        admin_user,
        sale_type.pk,
        stage.pk,
        name="Quotation",
        template_id=letter_template.pk,
        subject="Quotation {{ company.name }}",
        our_reference="Q-{{ sale.id }}",
    )
    mail = guides.add_suggested_document(
        admin_user,
        sale_type.pk,
        stage.pk,
        name="Cover mail",
        template_id=mail_template.pk,
        subject="Our offer",
        our_reference="",
    )
    return Guide(sale_type.pk, letter, mail, letter_template, mail_template)


@pytest.fixture
def sale(guide: Guide, salesperson_user: User) -> Sale:
    """The salesperson's sale to a company with markup characters and Dutch letters in its name."""
    company = customers.create_company(salesperson_user, name=COMPANY)
    contact = customers.create_contact(
        salesperson_user,
        first_name="Anouk",
        last_name="van den Berg",
        company_id=company.pk,
        email="anouk@example.com",
    )
    made = sales.create_sale(
        salesperson_user,
        title="Kassa's voor 3 filialen",
        sale_type_id=guide.sale_type_id,
        company_id=company.pk,
        contact_id=contact.pk,
        amount=1_254_050,
        currency="EUR",
    )
    return made


@pytest.fixture
def lines(sale: Sale) -> None:
    """Two lines on the sale, its amount their total (as the sale lines service keeps it)."""
    SaleLine.objects.create(sale=sale, rank=1, description="Kassasysteem", quantity=3, unit_price=349_900)
    SaleLine.objects.create(sale=sale, rank=2, description="Training", quantity="2.5", unit_price=48_500)
    Sale.objects.filter(pk=sale.pk).update(amount=1_170_950)


def stored(document: Document) -> bytes:
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        return handle.read()


# --- creating ----------------------------------------------------------------------------------------------------


def test_a_word_suggestion_gives_a_docx_with_the_sales_values_and_lines(guide, sale, lines, salesperson_user):
    # When
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.letter.pk)

    # Then
    assert (document.file_name, document.content_type) == (
        "Quotation Bakkerij Ëlzé & Zn B.V.docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )
    assert document.generated_at is not None
    assert word_text(stored(document)) == [
        f"Aan {COMPANY}, t.a.v. Anouk van den Berg",
        "Betreft: Kassa's voor 3 filialen",
        "Totaal: €11,709.50",
        "Kassasysteem",
        "€10,497.00",
        "Training",
        "€1,212.50",
    ]


def test_a_document_is_written_in_the_language_of_the_user_who_makes_it(guide, sale, make_user):
    # Given a Dutch-speaking manager
    manager = make_user("marloes", "manager", language="nl")

    # When
    document = documents.create_document_from_suggestion(manager, sale.pk, guide.letter.pk)

    # Then
    assert word_text(stored(document))[:3] == [
        f"Aan {COMPANY}, t.a.v. Anouk van den Berg",
        "Betreft: Kassa's voor 3 filialen",
        f"Totaal: €{NBSP}12.540,50",
    ]


def test_an_email_suggestion_gives_an_unsent_message_to_the_contact(guide, sale, salesperson_user):
    # When
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.mail.pk)

    # Then
    assert (document.file_name, document.content_type) == ("Our offer.eml", "message/rfc822")
    message = email.message_from_bytes(stored(document), policy=default_policy)
    assert message["Subject"] == "Our offer"
    assert message["To"] == "Anouk van den Berg <anouk@example.com>"
    owner = salesperson_user.get_full_name() or salesperson_user.get_username()
    assert message["From"] == f"{owner} <{salesperson_user.email}>"
    html = message.get_body(preferencelist=("html",)).get_content()
    assert "<p>Dear Anouk,</p>" in html
    assert "Bakkerij Ëlzé &amp; Zn &lt;B.V.&gt;: €12,540.50" in html


def test_a_template_that_cannot_be_filled_in_creates_nothing(guide, sale, salesperson_user):
    # Given a template that broke after it was checked (stored directly, as an older version might have)
    DocumentTemplate.objects.filter(pk=guide.mail_template.pk).update(body="<p>{{ sale.amount }</p>")

    # When
    with pytest.raises(RuleViolation) as refused:
        documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.mail.pk)

    # Then
    message = refused.value.message.render()
    assert message.startswith("The template “Cover mail” cannot be used: ")
    assert "on line 1" in message
    assert not Document.objects.exists()


# --- generating again --------------------------------------------------------------------------------------------


def test_generating_again_after_the_sale_changed_shows_the_new_title_and_amount(guide, sale, salesperson_user):
    # Given
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.letter.pk)
    first_file, first_time = document.file.name, document.generated_at
    sale.refresh_from_db()
    sales.update_sale(
        salesperson_user, sale.pk, version=sale.version, title="Kassa's voor 4 filialen", amount=1_600_000
    )

    # When
    again = documents.regenerate_document(salesperson_user, document.pk)

    # Then
    text = word_text(stored(again))
    assert text[1:3] == ["Betreft: Kassa's voor 4 filialen", "Totaal: €16,000.00"]
    assert again.generated_at > first_time
    assert again.file.name != first_file


def test_the_old_file_is_removed_once_the_new_one_is_saved(
    guide, sale, salesperson_user, django_capture_on_commit_callbacks
):
    # Given
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.letter.pk)
    old = document.file.name

    # When
    with django_capture_on_commit_callbacks(execute=True):
        documents.regenerate_document(salesperson_user, document.pk)

    # Then
    assert not default_storage.exists(old)
    assert default_storage.exists(Document.objects.get(pk=document.pk).file.name)


def test_changing_the_subject_and_reference_generates_the_email_again_with_them(guide, sale, salesperson_user):
    # Given
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.mail.pk)

    # When
    changed = documents.update_document(
        salesperson_user, document.pk, subject="  Offer, revised ", our_reference="Q-7b"
    )

    # Then
    assert (changed.subject, changed.our_reference, changed.file_name) == (
        "Offer, revised",
        "Q-7b",
        "Offer, revised.eml",
    )
    message = email.message_from_bytes(stored(changed), policy=default_policy)
    assert message["Subject"] == "Offer, revised"


def test_a_document_subject_may_not_be_emptied(guide, sale, salesperson_user):
    # Given
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.mail.pk)

    # When
    with pytest.raises(ValidationFailed) as refused:
        documents.update_document(salesperson_user, document.pk, subject=" ")

    # Then
    assert [(p.loc, p.message.render()) for p in refused.value.problems] == [(("subject",), "A subject is required.")]


def test_a_subject_or_reference_with_a_line_break_is_refused_and_the_file_stays(guide, sale, salesperson_user):
    # Given an e-mail document (its subject becomes a mail header)
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.mail.pk)
    before = document.file.name

    # When a line break is typed into the subject and the reference
    with pytest.raises(ValidationFailed) as refused:
        documents.update_document(salesperson_user, document.pk, subject="Hello\r\nBcc: all", our_reference="A\nB")

    # Then both are refused, and nothing changed
    assert [(p.loc, p.message.render()) for p in refused.value.problems] == [
        (("subject",), "Keep it on one line."),
        (("our_reference",), "Keep it on one line."),
    ]
    document.refresh_from_db()
    assert document.file.name == before and "\n" not in document.subject


def test_a_salesperson_cannot_generate_again_a_document_of_someone_elses_sale_but_a_manager_can(
    guide, sale, salesperson_user, make_user, manager_user
):
    # Given
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.letter.pk)
    colleague = make_user("kim", "salesperson")

    # When
    with pytest.raises(NotAllowed) as refused:
        documents.regenerate_document(colleague, document.pk)
    by_manager = documents.regenerate_document(manager_user, document.pk)

    # Then
    assert refused.value.message.render() == "Only the owner of this document or a manager can generate it again."
    assert by_manager.generated_at > document.generated_at
    with pytest.raises(NotAllowed):
        documents.update_document(colleague, document.pk, subject="Mine now")


def test_a_document_made_before_files_were_generated_gets_its_file_when_it_is_downloaded(guide, sale, salesperson_user):
    # Given a document as the previous version stored it: no file
    old = Document.objects.create(
        template=guide.letter_template,
        subject="Old quotation",
        sale=sale,
        company_id=sale.company_id,
        contact_id=sale.contact_id,
        owner=salesperson_user,
        suggested_document=guide.letter,
    )

    # When
    generated = documents.document_file(salesperson_user, old.pk)

    # Then
    assert generated.file_name == "Old quotation.docx"
    assert word_text(generated.content)[1] == "Betreft: Kassa's voor 3 filialen"
    old.refresh_from_db()
    assert old.file and old.generated_at is not None


def test_deleting_a_document_removes_its_file_from_storage(
    guide, sale, salesperson_user, django_capture_on_commit_callbacks
):
    # Given
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.letter.pk)
    name = document.file.name
    assert default_storage.exists(name)

    # When
    with django_capture_on_commit_callbacks(execute=True):
        documents.delete_document(salesperson_user, document.pk)

    # Then
    assert not default_storage.exists(name)
    assert not Document.objects.filter(pk=document.pk).exists()


# --- previews ----------------------------------------------------------------------------------------------------


def test_the_preview_of_a_suggestion_fills_in_the_sale_and_creates_nothing(guide, sale, salesperson_user):
    # When
    draft, preview = documents.render_suggestion_preview(salesperson_user, sale.pk, guide.letter.pk)

    # Then
    assert draft.subject == f"Quotation {COMPANY}"
    assert preview.problem is None
    assert "Aan Bakkerij Ëlzé &amp; Zn &lt;B.V.&gt;" in preview.page.html
    assert not Document.objects.exists()


def test_the_preview_of_a_created_email_shows_its_body(guide, sale, salesperson_user):
    # Given
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.mail.pk)

    # When
    _document, preview = documents.render_document_preview(salesperson_user, document.pk)

    # Then
    assert "<p>Dear Anouk,</p>" in preview.page.html


# --- checking templates at upload --------------------------------------------------------------------------------

ESCAPES = [
    "{{ ''.__class__.__mro__ }}",
    "{{ cycler.__init__.__globals__ }}",
    "{{ lipsum.__globals__ }}",
    "{{ self._TemplateReference__context }}",
    "{{ 'a' * 10**8 }}",
    "{% include '/etc/passwd' %}",
    "{{ config }}",
]


@pytest.mark.parametrize("attempt", ESCAPES)
def test_a_word_template_with_an_escape_attempt_is_refused_naming_its_paragraph(admin_user, attempt):
    # When
    with pytest.raises(ValidationFailed) as refused:
        templates.create_docx_template(
            admin_user, name="Sneaky", content=word_file("Hello", f"Total {attempt}"), filename="sneaky.docx"
        )

    # Then
    [problem] = refused.value.problems
    assert problem.loc == ("file",)
    assert "near “Total " in problem.message.render()
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize("attempt", ESCAPES)
def test_an_email_template_with_an_escape_attempt_is_refused_naming_its_line(admin_user, attempt):
    # When
    with pytest.raises(ValidationFailed) as refused:
        templates.create_text_template(admin_user, name="Sneaky", body=f"<p>Hello</p>\n<p>{attempt}</p>")

    # Then
    [problem] = refused.value.problems
    assert problem.loc == ("body",)
    assert "on line 2" in problem.message.render()


def test_a_word_template_with_a_syntax_error_is_refused_naming_its_paragraph(admin_user):
    with pytest.raises(ValidationFailed) as refused:
        templates.create_docx_template(
            admin_user, name="Broken", content=word_file("Dear {% if contact.name %}"), filename="broken.docx"
        )

    [problem] = refused.value.problems
    assert problem.loc == ("file",)
    assert problem.message.render().startswith("The template cannot be filled in near “Dear {% if contact.name %}”")


def test_a_text_template_with_a_syntax_error_is_refused_naming_its_line(admin_user):
    with pytest.raises(ValidationFailed) as refused:
        templates.create_text_template(admin_user, name="Broken", body="Dear all,\n{{ sale.title }", format="text")

    [problem] = refused.value.problems
    assert (problem.loc, problem.message.render()[:52]) == (
        ("body",),
        "The template cannot be filled in on line 2: syntax e",
    )


def test_replacing_the_word_file_is_checked_the_same_way(admin_user, guide):
    with pytest.raises(ValidationFailed) as refused:
        templates.update_template(
            admin_user, guide.letter_template.pk, content=word_file("{{ lipsum.__globals__ }}"), filename="new.docx"
        )

    assert [p.loc for p in refused.value.problems] == [("file",)]
    assert templates.template_content(DocumentTemplate.objects.get(pk=guide.letter_template.pk)) == QUOTATION


def test_a_word_template_larger_than_the_limit_is_refused(admin_user, settings):
    # Given
    settings.TEMPLATE_UPLOAD_MAX_BYTES = 10 * 1024
    content = word_file("x" * 20_000)

    # When
    with pytest.raises(ValidationFailed) as refused:
        templates.create_docx_template(admin_user, name="Huge", content=content, filename="huge.docx")

    # Then
    assert [(p.loc, p.message.render()) for p in refused.value.problems] == [
        (("file",), "The file is too large (at most 10 KB).")
    ]


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        (b"%PDF-1.7 not a letter", "letter.pdf", "Upload a Word document (.docx)."),
        (b"%PDF-1.7 not a letter", "letter.docx", "This is not a valid Word document (.docx)."),
        (b"", "letter.docx", "The file is empty."),
    ],
    ids=["a pdf", "a pdf named .docx", "an empty file"],
)
def test_a_file_that_is_not_a_word_document_is_refused(admin_user, content, filename, message):
    with pytest.raises(ValidationFailed) as refused:
        templates.create_docx_template(admin_user, name="Letter", content=content, filename=filename)

    assert [(p.loc, p.message.render()) for p in refused.value.problems] == [(("file",), message)]


def test_a_valid_template_using_merge_fields_and_a_lines_table_is_stored(admin_user):
    # When
    template = templates.create_docx_template(
        admin_user, name="Quotation", content=QUOTATION, filename="quotation.docx"
    )

    # Then
    assert (template.format, template.original_filename) == ("docx", "quotation.docx")
    assert templates.template_content(template) == QUOTATION


def test_generated_at_is_the_time_of_generation(guide, sale, salesperson_user):
    # Given
    before = timezone.now()

    # When
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.mail.pk)

    # Then
    assert before <= document.generated_at <= timezone.now() + dt.timedelta(seconds=1)
