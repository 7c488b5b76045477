"""Templates that would spend the server, through the services (issue 9, item 22): refused with a message when
uploaded, previewed or filled in, and a template that explodes only for some sale creates nothing for it."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import docx
import pytest
from django.conf import settings

from salesguide.domain.errors import RuleViolation, ValidationFailed
from salesguide.models import Document, DocumentTemplate, Sale, Stage, User
from salesguide.services import catalog, customers, documents, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

HOSTILE = {
    "a loop of loops": "{% for i in range(100000) %}{% for j in range(100000) %}{% endfor %}{% endfor %}",
    "a huge format width": "{{ '{:>200000000}'.format('x') }}",
    "a huge %-width": "{{ '%200000000d' % 1 }}",
    "the center filter": "{{ 'x'|center(200000000) }}",
    "lipsum": "{{ lipsum(n=200000) }}",
    "a replace that multiplies": "{{ ('x'*10000)|replace('x','y'*10000) }}",
}
BOOM = "{% if sale.title == 'boom' %}{{ '{:>200000000}'.format('x') }}{% endif %}"


def word_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return sorted(path for path in root.rglob("*") if path.is_file()) if root.exists() else []


@pytest.fixture
def sale_type(admin_user: User):
    offer = catalog.create_stage(admin_user, name="Offer", probability=40)
    closing = catalog.create_stage(admin_user, name="Closing", probability=80)
    return sale_types.create_sale_type(
        admin_user, name="New customer", stage_ids=[offer.pk, closing.pk], has_guide=True
    )


def suggest(admin_user: User, sale_type, template: DocumentTemplate):
    """The template suggested in the first stage of the sale type."""
    offer = Stage.objects.get(name="Offer")
    return guides.add_suggested_document(
        admin_user, sale_type.pk, offer.pk, name=template.name, template_id=template.pk, subject="Offer"
    )


def make_sale(user: User, sale_type, title: str) -> Sale:
    company = customers.create_company(user, name="Dijkstra")
    return sales.create_sale(user, title=title, sale_type_id=sale_type.pk, company_id=company.pk, amount=100)


# --- upload -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_email_template_is_refused_at_upload_with_the_reason_and_not_stored(admin_user, hostile):
    # When
    with pytest.raises(ValidationFailed) as refused:
        templates.create_text_template(admin_user, name="Mail", body=f"<p>Dear customer,</p>\n<p>{hostile}</p>")

    # Then
    [problem] = refused.value.problems
    assert problem.loc == ("body",)
    assert problem.message.render().startswith("The template cannot be filled in on line 2: ")
    assert not DocumentTemplate.objects.exists()


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_word_template_is_refused_at_upload_and_not_stored(admin_user, hostile):
    # When
    with pytest.raises(ValidationFailed) as refused:
        templates.create_docx_template(
            admin_user, name="Letter", content=word_file("Dear customer,", f"See {hostile}"), filename="letter.docx"
        )

    # Then
    [problem] = refused.value.problems
    assert problem.loc == ("file",)
    assert problem.message.render().startswith("The template cannot be filled in near “See ")
    assert not DocumentTemplate.objects.exists()
    assert stored_files() == []


def test_a_hostile_body_does_not_replace_a_good_one(admin_user):
    # Given
    template = templates.create_text_template(admin_user, name="Mail", body="<p>Dear {{ contact.first_name }}</p>")

    # When
    with pytest.raises(ValidationFailed):
        templates.update_template(admin_user, template.pk, body=HOSTILE["a huge format width"])

    # Then
    template.refresh_from_db()
    assert template.body == "<p>Dear {{ contact.first_name }}</p>"


def test_a_word_file_that_unpacks_beyond_the_budget_is_refused_before_it_is_read(admin_user):
    # Given a Word file with 25 MB of text that compresses to little
    content = word_file("x" * 1000)
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(content)) as original, zipfile.ZipFile(buffer, "w") as copy:
        for item in original.infolist():
            data = original.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace(b"x" * 1000, b"x" * 25_000_000)
            copy.writestr(item, data, compress_type=zipfile.ZIP_DEFLATED)

    # When
    with pytest.raises(ValidationFailed) as refused:
        templates.create_docx_template(admin_user, name="Letter", content=buffer.getvalue(), filename="letter.docx")

    # Then
    assert refused.value.problems[0].message.render() == (
        "The template cannot be filled in: the filled-in document would be larger than 20 MB."
    )


# --- preview and generation -----------------------------------------------------------------------------------


@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_a_hostile_template_stored_before_the_check_is_refused_at_preview_and_generation(
    admin_user, salesperson_user, sale_type, hostile
):
    # Given a template that got in before uploads were checked this way
    template = templates.create_text_template(admin_user, name="Mail", body="<p>Dear customer</p>")
    DocumentTemplate.objects.filter(pk=template.pk).update(body=f"<p>Dear customer</p>\n{hostile}")
    suggestion = suggest(admin_user, sale_type, template)
    sale = make_sale(salesperson_user, sale_type, "Tills")

    # When
    _, preview = documents.render_suggestion_preview(salesperson_user, sale.pk, suggestion.pk)
    designer = documents.render_designer_preview(admin_user, suggestion.pk)
    with pytest.raises(RuleViolation) as refused:
        documents.create_document_from_suggestion(salesperson_user, sale.pk, suggestion.pk)

    # Then
    assert preview.page is None
    assert preview.problem.render().startswith("The template cannot be filled in on line 2: ")
    assert designer.problem == preview.problem
    assert refused.value.message.render().startswith("The template “Mail” cannot be used: The template cannot be")
    assert not Document.objects.exists()
    assert stored_files() == []


def test_a_template_that_explodes_only_for_some_sale_passes_the_upload_and_fails_for_that_sale_creating_nothing(
    admin_user, salesperson_user, sale_type
):
    # Given a Word template that is fine for the example sale and for most sales
    template = templates.create_docx_template(
        admin_user, name="Letter", content=word_file("Dear customer,", f"Re: {BOOM}"), filename="letter.docx"
    )
    suggestion = suggest(admin_user, sale_type, template)
    fine = make_sale(salesperson_user, sale_type, "Tills")
    boom = make_sale(salesperson_user, sale_type, "boom")
    files_before = stored_files()

    # When
    made = documents.create_document_from_suggestion(salesperson_user, fine.pk, suggestion.pk)
    _, preview = documents.render_suggestion_preview(salesperson_user, boom.pk, suggestion.pk)
    with pytest.raises(RuleViolation) as refused:
        documents.create_document_from_suggestion(salesperson_user, boom.pk, suggestion.pk)

    # Then
    assert made.file
    assert preview.problem.render() == (
        "The template cannot be filled in near “Re: {% if sale.title == 'boom' %}{{ '{:>200000000}'.format('x') }}"
        "{% endif %}”: a width of more than 10000 characters is too wide."
    )
    assert refused.value.message.render() == f"The template “Letter” cannot be used: {preview.problem.render()}"
    assert list(Document.objects.values_list("sale_id", flat=True)) == [fine.pk]
    assert len(stored_files()) == len(files_before) + 1


def test_a_document_made_again_after_its_sale_became_boom_keeps_its_old_file(admin_user, salesperson_user, sale_type):
    # Given
    template = templates.create_text_template(admin_user, name="Mail", body=f"<p>Dear customer</p>{BOOM}")
    suggestion = suggest(admin_user, sale_type, template)
    sale = make_sale(salesperson_user, sale_type, "Tills")
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, suggestion.pk)
    before = document.file.read()
    Sale.objects.filter(pk=sale.pk).update(title="boom")

    # When
    with pytest.raises(RuleViolation):
        documents.regenerate_document(salesperson_user, document.pk)

    # Then
    document.refresh_from_db()
    assert document.file.open("rb").read() == before
    assert os.path.exists(document.file.path)
