"""Our company through the API (issue 9, item 20): everyone reads it, administrators change it, bad input is a
422 with every problem, and a refused change changes nothing."""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from salesguide.models import OurCompany

pytestmark = pytest.mark.django_db

URL = "settings/company"
FULL = {
    "name": "Northwind Till Systems Ltd",
    "address": "200 Aldersgate Street",
    "postal_code": "EC1A 4HD",
    "city": "London",
    "country": "United Kingdom",
    "phone": "020 7946 0321",
    "email": "sales@northwindtills.example",
    "website": "www.northwindtills.example",
    "registration_number": "01234567",
    "vat_number": "GB 123 4567 89",
    "iban": "gb29nwbk60161331926819",
}


def png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (90, 30), (31, 78, 121)).save(out, "PNG")
    return out.getvalue()


def _put(api, body):
    return api._send("put", URL, body)


def test_our_company_reads_empty_for_anyone_logged_in_when_nobody_filled_it_in(salesperson_api):
    response = salesperson_api.get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["name"] == ""
    assert body["address_lines"] == []
    assert body["logo_url"] is None


def test_an_administrator_puts_our_company_and_reads_it_back_with_its_address_in_english_order(api):
    # When
    response = _put(api, FULL)

    # Then
    assert response.status_code == 200, response.content
    body = api.get(URL).json()
    assert body["name"] == "Northwind Till Systems Ltd"
    assert body["iban"] == "GB29 NWBK 6016 1331 9268 19"
    assert body["address_lines"] == ["200 Aldersgate Street", "London", "EC1A 4HD", "United Kingdom"]


def test_a_put_empties_the_fields_it_leaves_out_and_a_patch_keeps_them(api):
    _put(api, FULL)

    assert api.patch(URL, {"phone": "020 7946 0999"}).json()["city"] == "London"
    body = _put(api, {"name": "Northwind"}).json()
    assert (body["name"], body["city"], body["phone"]) == ("Northwind", "", "")


def test_a_salesperson_cannot_change_our_company_and_nothing_changes(api, salesperson_api):
    _put(api, FULL)

    assert _put(salesperson_api, {**FULL, "name": "Mine now"}).status_code == 403
    assert salesperson_api.patch(URL, {"name": "Mine now"}).status_code == 403
    assert salesperson_api.upload(f"{URL}/logo", {"logo": SimpleUploadedFile("l.png", png())}).status_code == 403
    assert salesperson_api.delete(f"{URL}/logo").status_code == 403

    assert OurCompany.objects.get().name == "Northwind Till Systems Ltd"
    assert api.get(URL).json()["logo_url"] is None


def test_bad_input_is_a_422_listing_every_field_and_nothing_changes(api):
    _put(api, FULL)

    response = _put(api, {**FULL, "name": "", "email": "nope", "iban": "GB00 0000", "vat_number": "GB<1>"})

    assert response.status_code == 422
    problems = {tuple(item["loc"]): item["msg"] for item in response.json()["detail"]}
    assert problems == {
        ("body", "name"): "A name is required.",
        ("body", "email"): "Enter a valid e-mail address.",
        ("body", "iban"): "This is not a valid IBAN; check the number.",
        ("body", "vat_number"): "Use only letters, digits, spaces, dots and hyphens.",
    }
    assert OurCompany.objects.get().email == "sales@northwindtills.example"


@pytest.mark.parametrize(
    "body",
    [{"name": None}, {"name": 5}, {"nmae": "typo"}, {"name": "x" * 201}, {"name": "A\x00B"}],
    ids=["null", "number", "unknown-field", "too-long", "nul"],
)
def test_a_patch_with_a_wrong_type_or_an_unknown_field_is_a_422_and_nothing_changes(api, body):
    _put(api, FULL)
    response = api.patch(URL, body)
    assert response.status_code == 422
    assert isinstance(response.json()["detail"], list)
    assert OurCompany.objects.get().name == "Northwind Till Systems Ltd"


def test_a_put_without_a_name_is_a_422(api):
    response = _put(api, {"city": "London"})
    assert response.status_code == 422
    assert not OurCompany.objects.exists()


def test_the_logo_is_uploaded_read_by_anyone_and_removed(api, salesperson_api):
    _put(api, FULL)

    uploaded = api.upload(f"{URL}/logo", {"logo": SimpleUploadedFile("logo.png", png(), "image/png")})
    assert uploaded.status_code == 200, uploaded.content
    logo_url = uploaded.json()["logo_url"]
    assert logo_url == "/api/v1/settings/company/logo"

    read = salesperson_api.get(logo_url)
    assert read.status_code == 200
    assert read["Content-Type"] == "image/png"
    assert read.content == png()

    assert api.delete(f"{URL}/logo").json()["logo_url"] is None
    assert salesperson_api.get(logo_url).status_code == 404


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (
            SimpleUploadedFile("logo.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
            "Upload the logo as a PNG or JPEG image.",
        ),
        (
            SimpleUploadedFile("logo.png", b"\x89PNG\r\n\x1a\n" + b"0" * (1024 * 1024)),
            "The file is too large (at most 1024 KB).",
        ),
    ],
    ids=["svg", "too-large"],
)
def test_a_logo_that_is_no_small_png_or_jpeg_is_a_422_and_the_old_logo_stays(api, upload, message):
    _put(api, FULL)
    api.upload(f"{URL}/logo", {"logo": SimpleUploadedFile("logo.png", png())})

    response = api.upload(f"{URL}/logo", {"logo": upload})

    assert response.status_code == 422
    assert response.json()["detail"] == [{"loc": ["body", "logo"], "msg": message}]
    assert api.get(f"{URL}/logo").content == png()


def test_a_logo_upload_without_a_file_or_not_as_multipart_is_refused(api):
    assert api.upload(f"{URL}/logo", {}).status_code == 422
    assert api.post(f"{URL}/logo", {"logo": "aGVsbG8="}).status_code == 415


def test_the_merge_fields_list_names_our_company_with_an_example(api):
    fields = {field["name"]: field["example"] for field in api.get("document-templates/merge-fields").json()}
    assert fields["our_company.name"] == "Northwind Till Systems Ltd"
    assert fields["our_company.address_lines"] == "200 Aldersgate Street / London / EC1A 4HD"
    assert fields["company.address_lines"] == "12 Kirkgate / Leeds / LS1 6BY"
    assert "our_company.logo" in fields
