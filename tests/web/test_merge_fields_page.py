"""The merge fields page for administrators (issue 4, SPEC 3.3), its links from the document templates, and how a
template that cannot be filled in is refused next to the field it came in."""

from __future__ import annotations

import io
import re
from typing import Any

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from salesguide.documents.fields import MERGE_FIELDS
from salesguide.models import DocumentTemplate

pytestmark = pytest.mark.django_db

PAGE = "/settings/templates/merge-fields/"


def row_of(page: str, written: str) -> str:
    """The text of the table row whose first cell is ``written``, tags removed."""
    for row in re.findall(r"<tr>(.*?)</tr>", page, flags=re.S):
        if f'<code class="merge-code merge-code--inline">{written}</code>' in row:
            # Only ASCII white space is collapsed: the no-break space inside "€ 12.540,50" is part of the value.
            return re.sub(r"[ \t\n]+", " ", re.sub(r"<[^>]+>", " ", row)).strip(" \t\n")
    raise AssertionError(f"no row for {written}")


def test_the_page_is_where_the_url_says(admin_client: Client) -> None:
    assert reverse("catalog:merge_fields") == PAGE
    assert admin_client.get(PAGE).status_code == 200


def test_every_merge_field_is_listed_with_how_to_write_it_and_an_english_example(admin_client: Client) -> None:
    # When an English-speaking administrator opens the page
    page = admin_client.get(PAGE).content.decode()
    # Then every documented field has its row
    for field in MERGE_FIELDS:
        if field.name != "sale.lines" and not field.name.endswith(".address_lines"):  # lists: written as loops
            assert row_of(page, f"{{{{ {field.name} }}}}")
    # And the title shows how to write it, what it is and the example sale's value
    assert row_of(page, "{{ sale.title }}") == (
        "{{ sale.title }} The title of the sale. Point-of-sale system for 3 shops"
    )
    assert row_of(page, "{{ sale.amount }}").endswith("€12,540.50")
    assert row_of(page, "{{ company.name }}").endswith("Harper &amp; Sons Bakery Ltd")


def test_the_lines_are_shown_as_a_loop_with_each_example_line(admin_client: Client) -> None:
    page = admin_client.get(PAGE).content.decode()
    row = row_of(page, "{%tr for line in sale.lines %} … {{ line.description }} … {%tr endfor %}")
    assert "1. Compact till system, installed — 3 × €3,499.00 = €10,497.00" in row


def test_a_dutch_administrator_sees_the_examples_written_the_dutch_way(make_user: Any) -> None:
    # Given an administrator who reads Dutch
    client = Client()
    client.force_login(make_user("beheerder", "admin", language="nl"))
    # When they open the page
    page = client.get(PAGE).content.decode()
    # Then the example sale is the Dutch one, its amount and date written the Dutch way
    assert row_of(page, "{{ sale.title }}").endswith("Kassasysteem voor 3 filialen")
    assert row_of(page, "{{ sale.amount }}").endswith("€\u00a012.540,50")
    assert row_of(page, "{{ sale.expected_date }}").endswith("30 april 2026")


def test_the_page_explains_conditions_table_rows_and_the_check_on_upload(admin_client: Client) -> None:
    page = admin_client.get(PAGE).content.decode()
    assert "{% if sale.lines %}" in page
    assert "{%tr for line in sale.lines %}" in page and "{%tr endfor %}" in page
    assert "when you upload or save it" in page


def test_only_administrators_open_the_page(salesperson_client: Client, manager_client: Client) -> None:
    assert salesperson_client.get(PAGE).status_code == 403
    assert manager_client.get(PAGE).status_code == 403
    response = Client().get(PAGE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_template_list_and_the_template_forms_link_to_the_page(admin_client: Client) -> None:
    for url in ("catalog:template_list", "catalog:template_add_docx", "catalog:template_add_text"):
        assert f'href="{PAGE}"' in admin_client.get(reverse(url)).content.decode(), url


# --- refused templates: the problem next to its field ---------------------------------------------------------


def word_file(*paragraphs: str) -> SimpleUploadedFile:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return SimpleUploadedFile(
        "offer.docx",
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    )


def field_error(page: str, field: str) -> str:
    match = re.search(rf'<div class="field__error" id="id_{field}_error">(.*?)</div>', page, flags=re.S)
    assert match, f"no error next to {field}"
    return re.sub(r"<[^>]+>", "", match.group(1)).strip()


@pytest.mark.parametrize(
    ("paragraph", "problem"),
    [
        ("Offer for {{ sale.title ", "near “Offer for {{ sale.title”: syntax error"),
        ("Offer {{ sale.__class__.__mro__ }}", "it uses something templates may not use"),
        ("Dear {{ contact.nickname }}", "unknown merge field"),
    ],
)
def test_an_upload_that_cannot_be_filled_in_is_refused_next_to_the_file_field(
    paragraph: str, problem: str, admin_client: Client
) -> None:
    # When the administrator uploads a Word template with a mistake in a paragraph
    response = admin_client.post(
        reverse("catalog:template_add_docx"),
        {
            "name": "Offer",
            "kind": "quote",
            "file": word_file("Hello", paragraph),
        },
    )
    # Then the form comes back with the problem next to the file field, and nothing is saved
    error = field_error(response.content.decode(), "file")
    assert error.startswith("The template cannot be filled in") and problem in error
    assert not DocumentTemplate.objects.filter(name="Offer").exists()


def test_a_body_that_cannot_be_filled_in_is_refused_next_to_the_body_field(admin_client: Client) -> None:
    response = admin_client.post(
        reverse("catalog:template_add_text"),
        {
            "name": "Reminder",
            "kind": "email",
            "format": "text",
            "body": "Hello\nDear {{ contact.first_name ",
        },
    )
    error = field_error(response.content.decode(), "body")
    assert error.startswith("The template cannot be filled in on line 2")
    assert not DocumentTemplate.objects.filter(name="Reminder").exists()


def test_our_company_and_the_address_lines_are_listed_with_english_examples_in_english_order(
    admin_client: Client,
) -> None:
    page = admin_client.get(PAGE).content.decode()
    assert row_of(page, "{{ our_company.name }}").endswith("Northwind Till Systems Ltd")
    assert row_of(page, "{{ our_company.iban }}").endswith("GB29 NWBK 6016 1331 9268 19")
    assert row_of(page, "{{ our_company.logo }}").endswith("(an image)")
    # The English customer's address: the town above the postcode, no country for a letter within the UK
    row = row_of(page, "{%p for line in company.address_lines %} {{ line }} {%p endfor %}")
    assert row.endswith("12 Kirkgate Leeds LS1 6BY")
    assert row_of(page, "{{ company.address_line }}").endswith("12 Kirkgate, Leeds, LS1 6BY")
