"""Templates that would spend the server, through the API (issue 9, item 22): 422 with the reason at upload and
at generation, the reason in a preview's ``problem``; nothing is stored or created for them."""

from __future__ import annotations

import io
from types import SimpleNamespace

import docx
import pytest

from salesguide.models import Document, DocumentTemplate
from salesguide.services import catalog, customers, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

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


def upload(content: bytes, name: str = "letter.docx") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def boom_guide(admin_user, salesperson_user):
    """A letter that is fine for every sale but the one titled 'boom', and that sale."""
    offer = catalog.create_stage(admin_user, name="Offer", probability=40)
    closing = catalog.create_stage(admin_user, name="Closing", probability=80)
    sale_type = sale_types.create_sale_type(
        admin_user, name="New customer", stage_ids=[offer.pk, closing.pk], has_guide=True
    )
    template = templates.create_docx_template(
        admin_user, name="Letter", content=word_file("Dear customer,", f"Re: {BOOM}"), filename="letter.docx"
    )
    letter = guides.add_suggested_document(
        admin_user, sale_type.pk, offer.pk, name="Letter", template_id=template.pk, subject="Our letter"
    )
    company = customers.create_company(salesperson_user, name="Dijkstra")
    boom = sales.create_sale(
        salesperson_user, title="boom", sale_type_id=sale_type.pk, company_id=company.pk, amount=100
    )
    return SimpleNamespace(letter=letter, boom=boom)


def test_a_hostile_email_template_is_refused_with_422_and_the_reason(api):
    # When
    response = api.post(
        "document-templates", {"name": "Mail", "kind": "email", "body": f"<p>Dear customer,</p>\n{WIDE}"}
    )

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "body"], "msg": f"The template cannot be filled in on line 2: {TOO_WIDE}"}
    ]
    assert not DocumentTemplate.objects.exists()


def test_a_hostile_word_template_is_refused_with_422_and_the_reason(api):
    # When
    response = api.upload(
        "document-templates",
        {"name": "Letter", "kind": "letter", "file": upload(word_file("Dear customer,", f"See {WIDE}"))},
    )

    # Then
    assert response.status_code == 422
    [error] = response.json()["detail"]
    assert error["msg"] == f"The template cannot be filled in near “See {WIDE}”: {TOO_WIDE}"
    assert not DocumentTemplate.objects.exists()


def test_a_hostile_body_in_a_patch_is_refused_and_the_old_body_kept(api, admin_user):
    # Given
    template = templates.create_text_template(admin_user, name="Mail", body="<p>Dear customer</p>")

    # When
    response = api.patch(f"document-templates/{template.pk}", {"body": f"<p>Dear customer</p>\n{WIDE}"})

    # Then
    assert response.status_code == 422
    assert TOO_WIDE in response.json()["detail"][0]["msg"]
    assert DocumentTemplate.objects.get(pk=template.pk).body == "<p>Dear customer</p>"


def test_generating_for_the_sale_a_template_explodes_on_is_refused_with_422_and_creates_nothing(
    salesperson_api, boom_guide
):
    # When
    preview = salesperson_api.get(f"sales/{boom_guide.boom.pk}/guide/preview/documents/{boom_guide.letter.pk}")
    response = salesperson_api.post(f"sales/{boom_guide.boom.pk}/guide/documents/{boom_guide.letter.pk}")

    # Then
    problem = f"The template cannot be filled in near “Re: {BOOM}”: {TOO_WIDE}"
    assert preview.status_code == 200
    assert (preview.json()["html"], preview.json()["problem"]) == (None, problem)
    assert response.status_code == 422
    assert response.json()["detail"] == f"The template “Letter” cannot be used: {problem}"
    assert not Document.objects.exists()
