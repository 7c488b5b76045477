"""The merge fields of our company and of addresses (issue 9, items 20 and 21), filled in without a database."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import replace

import docx
import pytest

from salesguide.documents import render
from salesguide.documents.fields import EXAMPLE_LOGO, MERGE_FIELDS, example_context, example_facts
from salesguide.documents.merge import OurCompanyFacts, PartyFacts, merge_context
from salesguide.domain.our_company import is_iban, logo_problem, our_company_problems, written_iban

TODAY = dt.date(2026, 3, 2)
SELLER = OurCompanyFacts(
    name="Kassa Centraal B.V.",
    address="Stationsplein 45",
    postal_code="3013 AK",
    city="Rotterdam",
    country="Nederland",
    registration_number="87654321",
    vat_number="NL123456789B01",
    iban="NL91 ABNA 0417 1643 00",
    logo=EXAMPLE_LOGO,
)
LEEDS = PartyFacts(name="Northgate", address="3 Canal Wharf", postal_code="LS11 5PS", city="Leeds", country="UK")
UTRECHT = PartyFacts(name="Dijkstra", address="Oudegracht 112", postal_code="3511 AX", city="Utrecht", country="NL")


def context(customer: PartyFacts | None, seller: OurCompanyFacts = SELLER) -> dict:
    facts = replace(example_facts("nl"), company=customer, our_company=seller)
    return merge_context(facts, language="nl", today=TODAY)


def test_every_our_company_field_is_documented():
    documented = {field.name for field in MERGE_FIELDS}
    for name in ("name", "address_lines", "address_line", "phone", "email", "website", "registration_number"):
        assert f"our_company.{name}" in documented
    assert {"our_company.vat_number", "our_company.iban", "our_company.logo", "company.address_lines"} <= documented


def test_a_letter_to_england_writes_the_customers_address_the_english_way_and_names_both_countries():
    values = context(LEEDS)
    assert values["company"]["address_lines"] == ["3 Canal Wharf", "Leeds", "LS11 5PS", "UK"]
    assert values["our_company"]["address_lines"] == ["Stationsplein 45", "3013 AK Rotterdam", "Nederland"]
    assert values["our_company"]["address_line"] == "Stationsplein 45, 3013 AK Rotterdam, Nederland"


def test_a_letter_within_the_netherlands_names_no_country_on_either_side():
    values = context(UTRECHT)
    assert values["company"]["address_lines"] == ["Oudegracht 112", "3511 AX Utrecht"]
    assert values["our_company"]["address_lines"] == ["Stationsplein 45", "3013 AK Rotterdam"]


def test_our_company_fields_are_empty_not_missing_when_nobody_filled_them_in():
    values = context(UTRECHT, OurCompanyFacts())
    assert values["our_company"]["name"] == ""
    assert values["our_company"]["address_lines"] == []
    assert values["our_company"]["logo"] == ""
    assert render.render_body("{{ our_company.name }}|{{ our_company.logo }}", values, html=True, strict=True) == "|"


def test_the_logo_writes_nothing_in_an_email_but_tells_that_there_is_one():
    body = "{% if our_company.logo %}logo:{{ our_company.logo }}.{% endif %}"
    assert render.render_body(body, context(UTRECHT), html=True, strict=True) == "logo:."


def _word(paragraphs: list[str]) -> bytes:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def test_the_logo_becomes_an_image_in_a_word_document_and_the_address_one_paragraph_per_line():
    template = _word(
        [
            "{%p if our_company.logo %}",
            "{{ our_company.logo }}",
            "{%p endif %}",
            "{%p for line in company.address_lines %}",
            "{{ line }}",
            "{%p endfor %}",
        ]
    )

    filled = docx.Document(io.BytesIO(render.render_docx(template, context(LEEDS), strict=True)))

    assert len(filled.inline_shapes) == 1
    assert filled.inline_shapes[0].height == render.LOGO_HEIGHT
    assert [p.text for p in filled.paragraphs if p.text] == ["3 Canal Wharf", "Leeds", "LS11 5PS", "UK"]


def test_a_very_wide_logo_is_made_narrower_instead_of_running_off_the_page():
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (2000, 100), (0, 0, 0)).save(out, "PNG")
    wide = replace(SELLER, logo=replace(EXAMPLE_LOGO, content=out.getvalue()))

    filled = docx.Document(io.BytesIO(render.render_docx(_word(["{{ our_company.logo }}"]), context(LEEDS, wide))))

    assert filled.inline_shapes[0].width == render.LOGO_MAX_WIDTH


def test_the_example_sale_is_sold_by_our_company_once_it_has_a_name():
    assert example_context("en")["our_company"]["name"] == "Northwind Till Systems Ltd"
    ours = example_context("en", our_company=SELLER)["our_company"]
    assert (ours["name"], ours["address_line"]) == (
        "Kassa Centraal B.V.",
        "Stationsplein 45, 3013 AK Rotterdam, Nederland",
    )
    assert example_context("en", our_company=OurCompanyFacts())["our_company"]["name"] == "Northwind Till Systems Ltd"


@pytest.mark.parametrize(
    ("iban", "valid"),
    [
        ("NL91 ABNA 0417 1643 00", True),
        ("nl91abna0417164300", True),
        ("GB29 NWBK 6016 1331 9268 19", True),
        ("DE89 3704 0044 0532 0130 00", True),
        ("BE68 5390 0754 7034", True),
        ("NL91 ABNA 0417 1643 01", False),
        ("NL91", False),
        ("9191 ABNA 0417 1643 00", False),
        ("NL91 ABNA 0417 1643 0é", False),
    ],
)
def test_an_iban_is_checked_by_its_check_digits(iban, valid):
    assert is_iban(iban) is valid


def test_an_iban_is_written_in_groups_of_four():
    assert written_iban("nl91abna0417164300") == "NL91 ABNA 0417 1643 00"


def test_our_company_without_a_name_is_refused_but_every_other_field_may_be_empty():
    problems = our_company_problems({"name": "", "address": "", "iban": "", "vat_number": ""})
    assert [(p.loc, p.message.render()) for p in problems] == [(("name",), "A name is required.")]


@pytest.mark.parametrize(
    ("size", "kind", "width", "height", "message"),
    [
        (0, None, 0, 0, "The file is empty."),
        (2_000_000, "PNG", 10, 10, "The file is too large (at most 1024 KB)."),
        (100, "GIF", 10, 10, "Upload the logo as a PNG or JPEG image."),
        (100, None, 0, 0, "Upload the logo as a PNG or JPEG image."),
        (100, "PNG", 5000, 10, "The logo is too large; it may be at most 4000 pixels wide and high."),
        (100, "JPEG", 400, 100, None),
    ],
)
def test_a_logo_must_be_a_small_png_or_jpeg(size, kind, width, height, message):
    problem = logo_problem(size, kind, width, height)
    assert (problem.render() if problem else None) == message
