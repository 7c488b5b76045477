"""Document templates: HTML and text bodies as JSON, Word files as multipart uploads."""

from __future__ import annotations

import io

import pytest

from salesguide.services.templates import DOCX_CONTENT_TYPE

pytestmark = pytest.mark.django_db


def _file(content: bytes, name: str = "letter.docx") -> io.BytesIO:
    upload = io.BytesIO(content)
    upload.name = name
    return upload


def test_a_json_template_is_html_unless_text_is_asked_for(api):
    # When
    html = api.post("document-templates", {"name": "Welcome", "kind": "email", "body": "<p>Welcome</p>"})
    text = api.post("document-templates", {"name": "Reminder", "kind": "email", "body": "Hi", "format": "text"})

    # Then
    assert html.status_code == text.status_code == 201
    assert html.json() == {
        "id": html.json()["id"],
        "name": "Welcome",
        "kind": "email",
        "format": "html",
        "body": "<p>Welcome</p>",
        "original_filename": "",
        "file_url": None,
        "rank": 0,
        "deleted": False,
    }
    assert text.json()["format"] == "text"


def test_a_json_template_needs_a_body_and_a_known_kind(api):
    # When
    response = api.post("document-templates", {"name": "Empty", "kind": "fax", "body": ""})

    # Then
    assert response.status_code == 422
    locs = [p["loc"] for p in response.json()["detail"]]
    assert ["body", "kind"] in locs


def test_a_json_template_cannot_be_a_word_file(api):
    # When
    response = api.post("document-templates", {"name": "Letter", "body": "x", "format": "docx"})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "format"]


def test_a_valid_docx_upload_is_stored_and_downloadable(api, make_docx):
    # Given
    content = make_docx("Dear {{ contact.name }},")

    # When
    response = api.upload("document-templates", {"name": "Cover letter", "kind": "letter", "file": _file(content)})

    # Then
    assert response.status_code == 201, response.content
    template = response.json()
    assert (template["format"], template["original_filename"]) == ("docx", "letter.docx")
    assert template["file_url"] == f"/api/v1/document-templates/{template['id']}/file"
    download = api.get(template["file_url"])
    assert download.status_code == 200
    assert download["Content-Type"] == DOCX_CONTENT_TYPE
    assert b"".join(download.streaming_content if download.streaming else [download.content]) == content


@pytest.mark.parametrize(
    ("content", "filename"),
    [
        (b"this is not a zip file", "letter.docx"),
        (b"PK\x03\x04 broken zip", "letter.docx"),
        (b"", "letter.docx"),
    ],
    ids=["text", "broken-zip", "empty"],
)
def test_an_invalid_docx_is_refused_with_422_on_the_file(api, content, filename):
    # When
    response = api.upload("document-templates", {"name": "Bad", "file": _file(content, filename)})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert api.get("document-templates").json()["items"] == []


def test_a_file_that_is_not_a_docx_by_name_is_refused(api, make_docx):
    # When
    response = api.upload("document-templates", {"name": "Bad", "file": _file(make_docx(), "letter.pdf")})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "file"], "msg": "Upload a Word document (.docx)."}]


def test_an_oversize_docx_is_refused_with_422(api, make_docx, settings):
    # Given
    content = make_docx("x" * 1000)
    settings.TEMPLATE_UPLOAD_MAX_BYTES = len(content) - 1

    # When
    response = api.upload("document-templates", {"name": "Big", "file": _file(content)})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "file"]
    assert "too large" in response.json()["detail"][0]["msg"]


def test_an_upload_without_a_file_or_name_lists_both(api):
    # When
    response = api.upload("document-templates", {"kind": "letter"})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "name"], "msg": "This field is required."},
        {"loc": ["body", "file"], "msg": "Upload a Word document (.docx)."},
    ]


def test_an_upload_without_a_file_is_refused(api):
    # When
    response = api.upload("document-templates", {"name": "No file"})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "file"], "msg": "Upload a Word document (.docx)."}]


def test_a_template_in_another_content_type_answers_415(api):
    # When
    response = api.post("document-templates", "name=x", content_type="application/x-www-form-urlencoded")

    # Then
    assert response.status_code == 415


def test_a_duplicate_template_name_answers_409(api):
    # Given
    api.post("document-templates", {"name": "Welcome", "body": "Hi"})

    # When
    response = api.post("document-templates", {"name": "welcome", "body": "Hello"})

    # Then
    assert response.status_code == 409


def test_the_word_file_of_a_template_is_replaced(api, make_docx):
    # Given
    template = api.upload("document-templates", {"name": "Letter", "file": _file(make_docx("old"))}).json()
    new = make_docx("new")

    # When
    response = api.upload(f"document-templates/{template['id']}/file", {"file": _file(new, "new.docx")})

    # Then
    assert response.status_code == 200
    assert response.json()["original_filename"] == "new.docx"
    download = api.get(f"document-templates/{template['id']}/file")
    assert b"".join(download.streaming_content if download.streaming else [download.content]) == new


def test_a_text_template_has_no_file_to_download_or_replace(api, make_docx):
    # Given
    template = api.post("document-templates", {"name": "Mail", "body": "Hi"}).json()

    # When
    download = api.get(f"document-templates/{template['id']}/file")
    replace = api.upload(f"document-templates/{template['id']}/file", {"file": _file(make_docx())})

    # Then
    assert download.status_code == 404
    assert replace.status_code == 422


def test_a_template_body_is_changed_and_the_template_deleted_and_restored(api):
    # Given
    template = api.post("document-templates", {"name": "Mail", "body": "Hi"}).json()
    path = f"document-templates/{template['id']}"

    # When
    patched = api.patch(path, {"body": "Hello", "kind": "quote"})
    deleted = api.delete(path)
    hidden = api.get("document-templates").json()["items"]
    restored = api.post(f"{path}/restore")

    # Then
    assert (patched.json()["body"], patched.json()["kind"]) == ("Hello", "quote")
    assert deleted.json()["deleted"] is True and hidden == []
    assert restored.json()["deleted"] is False


def test_templates_are_filtered_by_kind_and_format(api, make_docx):
    # Given
    api.post("document-templates", {"name": "Mail", "kind": "email", "body": "Hi"})
    api.upload("document-templates", {"name": "Contract", "kind": "contract", "file": _file(make_docx())})

    # When / Then
    assert [t["name"] for t in api.get("document-templates", kind="contract").json()["items"]] == ["Contract"]
    assert [t["name"] for t in api.get("document-templates", format="html").json()["items"]] == ["Mail"]


def test_a_salesperson_cannot_upload_a_template(salesperson_api, make_docx):
    # When
    response = salesperson_api.upload("document-templates", {"name": "Mine", "file": _file(make_docx())})

    # Then
    assert response.status_code == 403
