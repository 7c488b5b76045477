"""Our company (issue 9, item 20): who may change it, what is refused, and that a refused change keeps
everything as it was."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from salesguide.domain.errors import NotAllowed, NotFound, ValidationFailed
from salesguide.models import OurCompany
from salesguide.services import company

pytestmark = pytest.mark.django_db


def png(width: int = 120, height: int = 40) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (31, 78, 121)).save(out, "PNG")
    return out.getvalue()


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (60, 30), (200, 20, 20)).save(out, "JPEG")
    return out.getvalue()


def _problems(error):
    return {problem.loc: problem.message.render() for problem in error.problems}


@pytest.fixture
def named(admin_user):
    return company.update_our_company(
        admin_user,
        name="Kassa Centraal B.V.",
        address="Stationsplein 45",
        postal_code="3013 AK",
        city="Rotterdam",
        country="Nederland",
        iban="NL91 ABNA 0417 1643 00",
        logo=png(),
    )


def test_our_company_is_empty_when_nobody_has_filled_it_in(salesperson_user):
    shown = company.get_our_company(salesperson_user)
    assert (shown.name, shown.city, bool(shown.logo)) == ("", "", False)
    assert not OurCompany.objects.exists()


def test_an_administrator_fills_in_our_company_with_its_text_trimmed_and_the_iban_grouped(admin_user):
    # When
    company.update_our_company(
        admin_user,
        name="  Kassa Centraal B.V. ",
        city=" Rotterdam",
        email="verkoop@kassacentraal.example",
        vat_number="NL123456789B01",
        iban="nl91abna0417164300",
    )

    # Then
    stored = OurCompany.objects.get()
    assert (stored.name, stored.city, stored.iban) == ("Kassa Centraal B.V.", "Rotterdam", "NL91 ABNA 0417 1643 00")


def test_a_change_keeps_the_fields_that_are_not_given(admin_user, named):
    company.update_our_company(admin_user, phone="010 123 45 67")
    stored = OurCompany.objects.get()
    assert (stored.name, stored.city, stored.phone) == ("Kassa Centraal B.V.", "Rotterdam", "010 123 45 67")
    assert stored.logo


@pytest.mark.parametrize("role_user", ["manager_user", "salesperson_user"])
def test_only_an_administrator_may_change_our_company_when_someone_else_tries_nothing_changes(
    request, role_user, named
):
    user = request.getfixturevalue(role_user)
    with pytest.raises(NotAllowed):
        company.update_our_company(user, name="Someone else's company", remove_logo=True)
    stored = OurCompany.objects.get()
    assert stored.name == "Kassa Centraal B.V."
    assert stored.logo


def test_every_problem_is_reported_at_once_and_nothing_changes_when_the_input_is_wrong(admin_user, named):
    # When
    with pytest.raises(ValidationFailed) as refused:
        company.update_our_company(
            admin_user,
            name=" ",
            email="not an address",
            website="javascript:alert(1)",
            iban="NL91 ABNA 0417 1643 01",
            vat_number="NL<script>",
            logo=b"GIF89a not a png",
        )

    # Then
    assert _problems(refused.value) == {
        ("name",): "A name is required.",
        ("email",): "Enter a valid e-mail address.",
        ("website",): "Enter a web address such as www.example.com.",
        ("iban",): "This is not a valid IBAN; check the number.",
        ("vat_number",): "Use only letters, digits, spaces, dots and hyphens.",
        ("logo",): "Upload the logo as a PNG or JPEG image.",
    }
    stored = OurCompany.objects.get()
    assert (stored.name, stored.iban, stored.logo_content_type) == (
        "Kassa Centraal B.V.",
        "NL91 ABNA 0417 1643 00",
        "image/png",
    )


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty."),
        (b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', None),
        (png()[:60], None),  # a damaged file
        (png(4001, 10), "The logo is too large; it may be at most 4000 pixels wide and high."),
        (b"\x89PNG" + b"0" * (1024 * 1024 + 1), "The file is too large (at most 1024 KB)."),
    ],
    ids=["empty", "svg", "damaged", "too-many-pixels", "too-many-bytes"],
)
def test_a_logo_that_is_no_small_png_or_jpeg_is_refused_when_uploaded(admin_user, named, content, message):
    with pytest.raises(ValidationFailed) as refused:
        company.set_our_company_logo(admin_user, content)
    assert _problems(refused.value) == {("logo",): message or "Upload the logo as a PNG or JPEG image."}
    assert company.get_our_company_logo(admin_user).content_type == "image/png"


def test_a_jpeg_logo_replaces_the_png_and_everyone_can_read_it(admin_user, named, salesperson_user):
    company.set_our_company_logo(admin_user, jpeg())
    logo = company.get_our_company_logo(salesperson_user)
    assert logo.content_type == "image/jpeg"
    assert logo.content.startswith(b"\xff\xd8")


def test_the_old_logo_file_is_removed_when_it_is_replaced(admin_user, named, django_capture_on_commit_callbacks):
    old = OurCompany.objects.get().logo
    storage, name = old.storage, old.name
    with django_capture_on_commit_callbacks(execute=True):
        company.set_our_company_logo(admin_user, jpeg())
    assert not storage.exists(name)


def test_removing_the_logo_leaves_our_company_without_one(admin_user, named):
    company.remove_our_company_logo(admin_user)
    with pytest.raises(NotFound):
        company.get_our_company_logo(admin_user)
    assert OurCompany.objects.get().name == "Kassa Centraal B.V."


def test_the_demo_fills_in_our_company_only_when_nobody_has_named_it(admin_user, named):
    assert company.set_up_demo_company({"name": "Demo Ltd"}) is False
    assert OurCompany.objects.get().name == "Kassa Centraal B.V."


# --- in the documents a sale gets -------------------------------------------------------------------------------


def _document_text(document) -> tuple[list[str], str, int]:
    import docx

    with document.file.open("rb") as handle:
        word = docx.Document(io.BytesIO(handle.read()))
    footer = " ".join(p.text for p in word.sections[0].footer.paragraphs)
    return [p.text for p in word.paragraphs], footer, len(word.inline_shapes)


@pytest.fixture
def english_sale(admin_user, salesperson_user):
    from salesguide.models import SaleType
    from salesguide.services import customers, sales
    from salesguide.services.starter import load_starter_guides

    load_starter_guides("en")
    customer = customers.create_company(
        salesperson_user,
        name="Northgate Engineering",
        org_number="09876543",
        address="3 Canal Wharf",
        postal_code="LS11 5PS",
        city="Leeds",
        country="United Kingdom",
    )
    return sales.create_sale(
        salesperson_user,
        title="Till system",
        sale_type_id=SaleType.objects.get(name="Sale to new customer").pk,
        company_id=customer.pk,
    )


def _make(salesperson_user, sale, kind):
    from salesguide.models import SuggestedDocument
    from salesguide.services import documents

    suggestion = SuggestedDocument.objects.filter(link__sale_type_id=sale.sale_type_id, template__kind=kind).first()
    return documents.create_document_from_suggestion(salesperson_user, sale.pk, suggestion.pk)


def test_a_quotation_names_our_company_with_its_logo_and_writes_the_english_address_the_english_way(
    admin_user, salesperson_user, english_sale
):
    # Given our company is an English one with a logo
    company.update_our_company(
        admin_user,
        name="Northwind Till Systems Ltd",
        address="200 Aldersgate Street",
        postal_code="EC1A 4HD",
        city="London",
        country="United Kingdom",
        phone="020 7946 0321",
        vat_number="GB 123 4567 89",
        logo=png(),
    )

    # When a salesperson makes the quotation
    paragraphs, footer, images = _document_text(_make(salesperson_user, english_sale, "quote"))

    # Then the letter comes from our company, with our logo, and is addressed the English way, without the
    # country (it stays in the United Kingdom)
    assert paragraphs[:6] == [
        "",
        "Northwind Till Systems Ltd",
        "200 Aldersgate Street",
        "London",
        "EC1A 4HD",
        "020 7946 0321",
    ]
    start = paragraphs.index("Northgate Engineering")
    assert paragraphs[start : start + 4] == ["Northgate Engineering", "3 Canal Wharf", "Leeds", "LS11 5PS"]
    assert "United Kingdom" not in paragraphs
    assert images == 1
    assert "Northwind Till Systems Ltd · VAT no. GB 123 4567 89" in footer


def test_a_contract_names_our_company_as_the_supplier_and_the_customers_address_in_its_countrys_order(
    admin_user, salesperson_user, english_sale
):
    company.update_our_company(
        admin_user,
        name="Kassa Centraal B.V.",
        address="Stationsplein 45",
        postal_code="3013 AK",
        city="Rotterdam",
        country="Nederland",
        registration_number="87654321",
    )

    paragraphs, _footer, _images = _document_text(_make(salesperson_user, english_sale, "contract"))

    parties = [p for p in paragraphs if p.startswith(("1.", "2."))]
    assert parties[0].startswith(
        "1.\tNorthgate Engineering, registered under company number 09876543, of 3 Canal Wharf, Leeds, LS11 5PS, "
        "United Kingdom,"
    )
    assert parties[1] == (
        "2.\tKassa Centraal B.V., registered under company number 87654321, of Stationsplein 45, 3013 AK Rotterdam, "
        "Nederland, represented by Sam Seller, hereinafter referred to as “the Supplier”,"
    )


def test_a_letter_without_our_company_still_names_the_salesperson_as_the_sender(salesperson_user, english_sale):
    paragraphs, footer, images = _document_text(_make(salesperson_user, english_sale, "quote"))
    assert paragraphs[0] == "Sam Seller\nsalesperson@example.com"
    assert images == 0
    assert "VAT" not in footer
