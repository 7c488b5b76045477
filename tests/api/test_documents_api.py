"""Generated documents through the API (SPEC 3.3, 3.4, 7): downloading the file, generating it again, changing
its subject, its readable preview, the merge fields a template can use, and templates refused at upload."""

from __future__ import annotations

import datetime as dt
import email
import io
from email.policy import default as default_policy
from types import SimpleNamespace

import docx
import pytest

from salesguide.documents.fields import MERGE_FIELDS
from salesguide.models import DocumentTemplate
from salesguide.services import catalog, customers, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
NBSP = "\u00a0"


def word_file(*paragraphs: str) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def word_text(content: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(content)).paragraphs]


def moment(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text)


def upload(content: bytes, name: str = "letter.docx") -> io.BytesIO:
    file = io.BytesIO(content)
    file.name = name
    return file


@pytest.fixture
def guide(admin_user):
    """A guide whose first stage suggests a Word letter and an HTML e-mail."""
    offer = catalog.create_stage(admin_user, name="Offer", probability=40)
    closing = catalog.create_stage(admin_user, name="Closing", probability=80)
    sale_type = sale_types.create_sale_type(
        admin_user, name="New customer", stage_ids=[offer.pk, closing.pk], has_guide=True
    )
    letter = templates.create_docx_template(
        admin_user,
        name="Letter",
        content=word_file("Dear {{ contact.first_name }},", "{{ sale.title }}", "Total: {{ sale.amount }}"),
        filename="letter.docx",
    )
    mail = templates.create_text_template(admin_user, name="Mail", body="<p>Offer for {{ company.name }}</p>")
    return SimpleNamespace(
        sale_type=sale_type,
        letter=guides.add_suggested_document(
            admin_user,
            sale_type.pk,
            offer.pk,
            name="Letter",
            template_id=letter.pk,
            subject="Offer café {{ company.name }}",
        ),
        mail=guides.add_suggested_document(
            admin_user, sale_type.pk, offer.pk, name="Mail", template_id=mail.pk, subject="Our offer"
        ),
        mail_template=mail,
    )


@pytest.fixture
def sale(guide, salesperson_user):
    company = customers.create_company(salesperson_user, name="Dijkstra & Zn")
    contact = customers.create_contact(
        salesperson_user, first_name="Anouk", last_name="Berg", company_id=company.pk, email="anouk@example.com"
    )
    return sales.create_sale(
        salesperson_user,
        title="Tills for 3 shops",
        sale_type_id=guide.sale_type.pk,
        company_id=company.pk,
        contact_id=contact.pk,
        amount=1_254_050,
        currency="EUR",
    )


@pytest.fixture
def letter(salesperson_api, sale, guide):
    """The salesperson's letter, made through the API."""
    response = salesperson_api.post(f"sales/{sale.pk}/guide/documents/{guide.letter.pk}")
    assert response.status_code == 201, response.content
    # The document as every other answer shows it; creating it also says what the guide offers now.
    return {k: v for k, v in response.json().items() if k not in ("offer_advance", "offer_close_as_sold")}


# --- the document and its file ---------------------------------------------------------------------------------


def test_a_created_document_tells_its_file_name_type_time_and_where_to_download_it(letter):
    assert letter == {
        **letter,
        "subject": "Offer café Dijkstra & Zn",
        "file_name": "Offer café Dijkstra & Zn.docx",
        "content_type": DOCX,
        "file_url": f"/api/v1/documents/{letter['id']}/file",
    }
    assert letter["generated_at"] is not None


def test_the_file_downloads_as_an_attachment_with_a_name_safe_for_any_browser(salesperson_api, letter):
    # When
    response = salesperson_api.get(letter["file_url"])

    # Then
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert response["Content-Disposition"] == (
        'attachment; filename="Offer cafe Dijkstra & Zn.docx"; '
        "filename*=utf-8''Offer%20caf%C3%A9%20Dijkstra%20%26%20Zn.docx"
    )
    assert word_text(response.content) == ["Dear Anouk,", "Tills for 3 shops", "Total: €12,540.50"]


def test_an_email_document_downloads_as_an_unsent_message(salesperson_api, sale, guide):
    # Given
    created = salesperson_api.post(f"sales/{sale.pk}/guide/documents/{guide.mail.pk}").json()

    # When
    response = salesperson_api.get(created["file_url"])

    # Then
    assert (created["content_type"], response["Content-Type"]) == ("message/rfc822", "message/rfc822")
    message = email.message_from_bytes(response.content, policy=default_policy)
    assert (message["Subject"], message["To"]) == ("Our offer", "Anouk Berg <anouk@example.com>")
    assert "<p>Offer for Dijkstra &amp; Zn</p>" in message.get_body(preferencelist=("html",)).get_content()


def test_generating_again_shows_what_changed_on_the_sale(salesperson_api, letter, sale):
    # Given
    current = salesperson_api.get(f"sales/{sale.pk}").json()
    changed = salesperson_api.patch(
        f"sales/{sale.pk}", {"version": current["version"], "title": "Tills for 4 shops", "amount": 1_600_000}
    )
    assert changed.status_code == 200, changed.content

    # When
    response = salesperson_api.post(f"documents/{letter['id']}/regenerate")

    # Then
    assert response.status_code == 200
    assert moment(response.json()["generated_at"]) > moment(letter["generated_at"])
    download = salesperson_api.get(letter["file_url"])
    assert word_text(download.content) == ["Dear Anouk,", "Tills for 4 shops", "Total: €16,000.00"]


def test_changing_the_subject_renames_the_file_and_keeps_the_rest(salesperson_api, letter):
    # When
    response = salesperson_api.patch(f"documents/{letter['id']}", {"subject": "Revised offer", "our_reference": "R2"})

    # Then
    assert response.status_code == 200
    assert response.json() == {
        **letter,
        "subject": "Revised offer",
        "our_reference": "R2",
        "file_name": "Revised offer.docx",
        "generated_at": response.json()["generated_at"],
    }
    assert salesperson_api.get(f"documents/{letter['id']}").json() == response.json()


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ({"subject": " "}, [{"loc": ["body", "subject"], "msg": "A subject is required."}]),
        ({"subject": None}, [{"loc": ["body", "subject"], "msg": "This field cannot be null; leave it out instead."}]),
        ({"title": "x"}, [{"loc": ["body", "title"], "msg": "This field is not allowed here."}]),
    ],
    ids=["a blank subject", "a null subject", "an unknown field"],
)
def test_a_bad_change_is_refused_with_422(salesperson_api, letter, body, detail):
    # When
    response = salesperson_api.patch(f"documents/{letter['id']}", body)

    # Then
    assert response.status_code == 422
    assert response.json() == {"detail": detail}


def test_the_preview_is_a_readable_page_that_runs_nothing(salesperson_api, letter):
    # When
    response = salesperson_api.get(f"documents/{letter['id']}/preview")

    # Then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response["Content-Security-Policy"].startswith("sandbox")
    page = response.content.decode()
    assert page.startswith("<!doctype html>")
    assert "<p>Dear Anouk,</p>" in page and "Total: €12,540.50" in page


def test_the_preview_of_a_suggestion_includes_the_filled_in_page(salesperson_api, sale, guide):
    # When
    body = salesperson_api.get(f"sales/{sale.pk}/guide/preview/documents/{guide.mail.pk}").json()

    # Then
    assert (body["subject"], body["problem"]) == ("Our offer", None)
    assert "<p>Offer for Dijkstra &amp; Zn</p>" in body["html"]


# --- templates that cannot be filled in --------------------------------------------------------------------------


def test_a_template_that_broke_after_upload_gives_422_and_creates_nothing(salesperson_api, sale, guide):
    # Given a body stored without the check (as an older version may have)
    DocumentTemplate.objects.filter(pk=guide.mail_template.pk).update(body="<p>\n{{ company.name }</p>")

    # When
    created = salesperson_api.post(f"sales/{sale.pk}/guide/documents/{guide.mail.pk}")
    preview = salesperson_api.get(f"sales/{sale.pk}/guide/preview/documents/{guide.mail.pk}")

    # Then
    assert created.status_code == 422
    assert created.json()["detail"].startswith("The template “Mail” cannot be used: ")
    assert "line 2" in created.json()["detail"]
    assert salesperson_api.get("documents", sale=sale.pk).json()["items"] == []
    assert preview.status_code == 200
    assert preview.json()["html"] is None
    assert "line 2" in preview.json()["problem"]


def test_generating_again_with_a_broken_template_gives_422_and_keeps_the_file(salesperson_api, sale, guide):
    # Given
    created = salesperson_api.post(f"sales/{sale.pk}/guide/documents/{guide.mail.pk}").json()
    before = salesperson_api.get(created["file_url"]).content
    DocumentTemplate.objects.filter(pk=guide.mail_template.pk).update(body="{% for %}")

    # When
    response = salesperson_api.post(f"documents/{created['id']}/regenerate")

    # Then
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], str)
    assert salesperson_api.get(created["file_url"]).content == before


def test_uploading_a_word_template_with_an_escape_attempt_names_the_paragraph(api):
    # Given
    content = word_file("Dear customer,", "See {{ cycler.__init__.__globals__ }}")

    # When
    response = api.upload("document-templates", {"name": "Sneaky", "file": upload(content)})

    # Then
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "file"]
    assert problem["msg"].startswith("The template cannot be filled in near “See {{ cycler.__init__.__globals__ }}”")
    assert api.get("document-templates").json()["items"] == []


def test_an_email_template_with_an_escape_attempt_names_the_line(api):
    # When
    response = api.post(
        "document-templates", {"name": "Sneaky", "kind": "email", "body": "<p>Hi</p>\n{{ ''.__class__.__mro__ }}"}
    )

    # Then
    assert response.status_code == 422
    [problem] = response.json()["detail"]
    assert problem["loc"] == ["body", "body"]
    assert "on line 2" in problem["msg"]


# --- who may do what ---------------------------------------------------------------------------------------------


def test_unknown_documents_are_not_found(salesperson_api):
    for response in (
        salesperson_api.get("documents/999999/file"),
        salesperson_api.get("documents/999999/preview"),
        salesperson_api.post("documents/999999/regenerate"),
        salesperson_api.patch("documents/999999", {"subject": "x"}),
    ):
        assert response.status_code == 404
        assert response.json()["detail"] == "No document with id 999999."


def test_without_login_nothing_is_shown(anonymous_api, letter):
    for response in (
        anonymous_api.get(letter["file_url"]),
        anonymous_api.get(f"documents/{letter['id']}/preview"),
        anonymous_api.post(f"documents/{letter['id']}/regenerate"),
        anonymous_api.get("document-templates/merge-fields"),
    ):
        assert response.status_code == 401


def test_another_salesperson_reads_the_file_but_cannot_change_it_and_a_manager_can(
    make_api, token_for, make_user, manager_api, letter
):
    # Given
    colleague = make_api(token_for(make_user("kim", "salesperson")))

    # When
    read = colleague.get(letter["file_url"])
    regenerated = colleague.post(f"documents/{letter['id']}/regenerate")
    patched = colleague.patch(f"documents/{letter['id']}", {"subject": "Mine"})
    by_manager = manager_api.post(f"documents/{letter['id']}/regenerate")

    # Then
    assert read.status_code == 200
    assert (regenerated.status_code, patched.status_code) == (403, 403)
    assert regenerated.json()["detail"] == "Only the owner of this document or a manager can generate it again."
    assert by_manager.status_code == 200


# --- merge fields ------------------------------------------------------------------------------------------------


def test_the_merge_fields_are_listed_with_english_descriptions_and_examples(salesperson_api):
    # When
    response = salesperson_api.get("document-templates/merge-fields")

    # Then
    assert response.status_code == 200
    fields = response.json()
    assert [f["name"] for f in fields] == [f.name for f in MERGE_FIELDS]
    by_name = {f["name"]: f for f in fields}
    assert by_name["sale.amount"] == {
        "name": "sale.amount",
        "description": "The amount with its currency, written the way the language does.",
        "example": "€12,540.50",
    }
    assert by_name["sale.id"]["example"] == "1042"
    assert by_name["sale.lines"]["example"].startswith("3 × Compact till system, installed; 2.5 × ")


def test_the_merge_fields_speak_dutch_when_asked(make_api, token_for, salesperson_user):
    # Given
    dutch = make_api(token_for(salesperson_user), language="nl")

    # When
    fields = {f["name"]: f for f in dutch.get("document-templates/merge-fields").json()}

    # Then
    assert fields["sale.amount"]["example"] == f"€{NBSP}12.540,50"
    assert fields["sale.expected_date"]["example"] == "30 april 2026"
    assert fields["company.name"]["example"] == "Bakkerij Dijkstra & Zn. B.V."


# --- the OpenAPI document ----------------------------------------------------------------------------------------


def test_the_openapi_document_describes_the_file_as_binary_with_every_status(anonymous_api):
    # When
    paths = anonymous_api.get("openapi.json").json()["paths"]

    # Then
    download = paths["/api/v1/documents/{id}/file"]["get"]["responses"]
    assert set(download) == {"200", "401", "404", "422", "429"}
    assert download["200"]["content"][DOCX]["schema"] == {"type": "string", "format": "binary"}
    assert "message/rfc822" in download["200"]["content"]
    assert "text/html" in paths["/api/v1/documents/{id}/preview"]["get"]["responses"]["200"]["content"]
    assert set(paths["/api/v1/documents/{id}"]) == {"get", "patch", "delete"}
    assert "post" in paths["/api/v1/documents/{id}/regenerate"]
    assert "get" in paths["/api/v1/document-templates/merge-fields"]
