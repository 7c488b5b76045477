"""A sale printed as a PDF through the API (``GET /api/v1/sales/{id}/print.pdf``): what the PDF says, in which
language, who may fetch it, and how the OpenAPI document declares it."""

from __future__ import annotations

import datetime as dt
import io
import re

import pypdf
import pytest

from salesguide.models import ActivityType, SaleType, Stage
from salesguide.services import activities, customers, sales
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db


def pdf_text(response) -> str:
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def _sale_on(sale_type_name: str, second_stage: str, owner):
    """A sale of a starter guide at "Smith & Söhne <Ltd>", with one planned call, moved to ``second_stage``."""
    sale_type = SaleType.objects.get(name=sale_type_name)
    company = customers.create_company(owner, name="Smith & Söhne <Ltd>")
    sale = sales.create_sale(
        owner, title="Kitchen “Deluxe” & more", sale_type_id=sale_type.pk, company_id=company.pk, amount=1_234_550
    )
    activities.create_activity(
        owner,
        activity_type_id=ActivityType.objects.order_by("rank", "id").first().pk,
        title="Call the chef",
        start=dt.datetime(2030, 6, 1, 12, 0, tzinfo=dt.UTC),
        sale_id=sale.pk,
    )
    sales.move_sale_to_stage(owner, sale.pk, Stage.objects.get(name=second_stage).pk, reason="Met the chef")
    return sale


@pytest.fixture
def english_sale(salesperson_user):
    load_starter_guides("en")
    return _sale_on("Sale to new customer", "Needs analysis", salesperson_user)


def test_the_sale_comes_as_a_pdf_attachment_with_its_guide_activities_and_history(salesperson_api, english_sale):
    # When a script fetches the printed sale
    response = salesperson_api.get(f"sales/{english_sale.pk}/print.pdf")
    # Then it gets a PDF to file, named after the sale
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'attachment; filename="sale-{english_sale.pk}-kitchen-deluxe-more.pdf"'
    text = pdf_text(response)
    # And it holds the header, the guide's stages, the activity and the history, special characters intact
    assert "Kitchen “Deluxe” & more" in text and "Smith & Söhne <Ltd>" in text and "€12,345.50" in text
    assert "Qualification" in text and "Needs analysis" in text and "Contract" in text
    assert "Call the chef" in text
    assert "Qualification → Needs analysis" in text and "Met the chef" in text
    assert "Page 1 of" in text


def test_the_pdf_follows_the_requested_language(make_api, token_for, make_user):
    # Given a sale on the Dutch starter guides
    load_starter_guides("nl")
    owner = make_user("dutch", "salesperson", language="nl")
    sale = _sale_on("Verkoop aan nieuwe klant", "Behoefteanalyse", owner)
    # When the same script asks in Dutch and in English
    dutch = pdf_text(make_api(token_for(owner), language="nl").get(f"sales/{sale.pk}/print.pdf")).casefold()
    english = pdf_text(make_api(token_for(owner), language="en").get(f"sales/{sale.pk}/print.pdf")).casefold()
    # Then the labels and the amounts follow the language asked for
    assert "bedrag" in dutch and "geschiedenis" in dutch and "€ 12.345,50" in dutch
    assert "amount" in english and "history" in english and "€12,345.50" in english
    assert "bedrag" not in english and "history" not in dutch


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pdf_is_tagged_and_names_its_language_when_a_script_asks_in_a_language(
    make_api, token_for, english_sale, language
):
    # Given a sale; When a script asks for its PDF in ``language``
    response = make_api(token_for(english_sale.owner), language=language).get(f"sales/{english_sale.pk}/print.pdf")
    # Then the PDF is tagged (its structure readable by assistive technology) and says its language
    catalog = pypdf.PdfReader(io.BytesIO(response.content)).trailer["/Root"]
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == language


def test_an_unknown_sale_is_404_with_a_detail(salesperson_api):
    response = salesperson_api.get("sales/999999/print.pdf")
    assert response.status_code == 404
    assert response.json() == {"detail": "No sale with id 999999."}


def test_printing_needs_authentication(anonymous_api, english_sale):
    response = anonymous_api.get(f"sales/{english_sale.pk}/print.pdf")
    assert response.status_code == 401
    assert "detail" in response.json()


def test_anyone_who_may_read_the_sale_may_print_it(manager_api, api, english_sale):
    assert manager_api.get(f"sales/{english_sale.pk}/print.pdf").status_code == 200
    assert api.get(f"sales/{english_sale.pk}/print.pdf").status_code == 200


def test_the_openapi_document_declares_the_pdf_and_every_status(anonymous_api):
    operation = anonymous_api.get("openapi.json").json()["paths"]["/api/v1/sales/{id}/print.pdf"]["get"]
    assert set(operation["responses"]) == {"200", "401", "404", "429"}
    assert operation["responses"]["200"]["content"] == {
        "application/pdf": {"schema": {"type": "string", "format": "binary"}}
    }
    assert operation["operationId"] == "print_sale"
