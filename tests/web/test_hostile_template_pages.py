"""Templates that would spend the server, as an administrator and a salesperson meet them in the pages (issue 9,
item 22): the upload form says why next to the field, the previews say why instead of showing a page, and
creating a document for the one sale a template explodes on says why and creates nothing."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from salesguide.models import Document, DocumentTemplate, Sale, User
from salesguide.services import catalog, customers, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
WIDE = "{{ '{:>200000000}'.format('x') }}"
TOO_WIDE = "a width of more than 10000 characters is too wide."
BOOM = "{% if sale.title == 'boom' %}" + WIDE + "{% endif %}"


def word_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def text_of(html: str) -> str:
    import html as html_module

    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def error_next_to(response: Any, field: str) -> str:
    match = re.search(rf'id="id_{field}_error">(.*?)</div>', response.content.decode(), re.S)
    return text_of(match.group(1)) if match else ""


def guide_url(name: str, sale: Sale, **kwargs: Any) -> str:
    return reverse(f"sales:sale_guide:{name}", kwargs={"sale_id": sale.pk, **kwargs})


@pytest.fixture
def letter(admin_user: User):
    """A Word letter suggested in the first stage: fine for every sale except one titled 'boom'."""
    offer = catalog.create_stage(admin_user, name="Offer", probability=40)
    closing = catalog.create_stage(admin_user, name="Closing", probability=80)
    sale_type = sale_types.create_sale_type(
        admin_user, name="New customer", stage_ids=[offer.pk, closing.pk], has_guide=True
    )
    template = templates.create_docx_template(
        admin_user, name="Letter", content=word_file("Dear customer,", f"Re: {BOOM}"), filename="letter.docx"
    )
    return guides.add_suggested_document(
        admin_user, sale_type.pk, offer.pk, name="Letter", template_id=template.pk, subject="Our letter"
    )


def make_sale(user: User, letter: Any, title: str) -> Sale:
    company = customers.create_company(user, name="Dijkstra")
    return sales.create_sale(
        user, title=title, sale_type_id=letter.link.sale_type_id, company_id=company.pk, amount=100
    )


def test_a_hostile_word_template_is_refused_next_to_the_file_field(admin_client: Client) -> None:
    # When
    response = admin_client.post(
        "/settings/templates/add/docx/",
        {
            "name": "Letter",
            "kind": "letter",
            "file": SimpleUploadedFile("letter.docx", word_file("Dear customer,", f"See {WIDE}")),
        },
    )

    # Then
    assert error_next_to(response, "file") == f"The template cannot be filled in near “See {WIDE}”: {TOO_WIDE}"
    assert not DocumentTemplate.objects.exists()


def test_a_hostile_email_template_is_refused_next_to_the_body(admin_client: Client) -> None:
    # When
    response = admin_client.post(
        "/settings/templates/add/text/",
        {"name": "Mail", "kind": "email", "format": "html", "body": f"<p>Dear customer,</p>\n{WIDE}"},
    )

    # Then
    assert error_next_to(response, "body") == f"The template cannot be filled in on line 2: {TOO_WIDE}"
    assert not DocumentTemplate.objects.exists()


def test_the_preview_for_the_sale_a_template_explodes_on_says_why_instead_of_showing_a_page(
    salesperson_client: Client, salesperson_user: User, letter: Any
) -> None:
    # Given
    boom = make_sale(salesperson_user, letter, "boom")

    # When
    panel = salesperson_client.get(guide_url("document_preview", boom, suggestion_id=letter.pk), **HTMX)

    # Then
    html = panel.content.decode()
    assert panel.status_code == 200
    assert f"The template cannot be filled in near “Re: {BOOM}”: {TOO_WIDE}" in text_of(html)
    assert "<iframe" not in html


def test_creating_the_document_for_the_sale_a_template_explodes_on_says_why_and_creates_nothing(
    salesperson_client: Client, salesperson_user: User, letter: Any
) -> None:
    # Given
    boom = make_sale(salesperson_user, letter, "boom")

    # When
    response = salesperson_client.post(
        guide_url("document_create", boom, suggestion_id=letter.pk),
        {"subject": "Our letter", "our_reference": ""},
        follow=True,
    )

    # Then
    assert "The template “Letter” cannot be used: The template cannot be filled in near “Re: " in text_of(
        response.content.decode()
    )
    assert TOO_WIDE in text_of(response.content.decode())
    assert not Document.objects.exists()


def test_the_designer_preview_of_a_template_stored_before_the_check_says_why(admin_client: Client, letter: Any) -> None:
    # Given a letter that got in before uploads were checked this way
    template = DocumentTemplate.objects.get(pk=letter.template_id)
    template.file.save("letter.docx", ContentFile(word_file(f"Re: {WIDE}")), save=True)

    # When
    panel = admin_client.get(reverse("guides:document_preview", args=[letter.pk]), **HTMX)

    # Then
    assert f"The template cannot be filled in near “Re: {WIDE}”: {TOO_WIDE}" in text_of(panel.content.decode())
    assert "<iframe" not in panel.content.decode()
