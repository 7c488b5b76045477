"""Previews of documents (SPEC 3.4): in the Guide tab's side panel, a suggested document as it would be made for
this sale and a created document as it was generated, creating nothing; in the guide designer, a suggested
document filled in with the example sale."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from salesguide.models import Document, DocumentTemplate, Sale, SaleType, SuggestedDocument, User
from salesguide.services import customers, documents, sales
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def sale(db: None, salesperson_user: User) -> Sale:
    load_starter_guides("en")
    sale_type = SaleType.objects.get(name="Sale to new customer")
    company = customers.create_company(salesperson_user, name="Harbour Bakery Ltd", city="Leeds")
    contact = customers.create_contact(
        salesperson_user, first_name="Emma", last_name="Clarke", company_id=company.pk, email="emma@harbour.example"
    )
    return sales.create_sale(
        salesperson_user,
        title="Tills for three shops",
        sale_type_id=sale_type.pk,
        company_id=company.pk,
        contact_id=contact.pk,
        amount=1_250_000,
        currency="EUR",
    )


def suggestion(sale: Sale, name: str) -> SuggestedDocument:
    return SuggestedDocument.objects.get(link__sale_type_id=sale.sale_type_id, name=name, deleted=False)


def guide_url(name: str, sale: Sale, **kwargs: Any) -> str:
    return reverse(f"sales:sale_guide:{name}", kwargs={"sale_id": sale.pk, **kwargs})


class _Frames(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.frames: list[dict[str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "iframe":
            self.frames.append(dict(attrs))


def frames(html: str) -> list[dict[str, str | None]]:
    """The iframes of a page with their attributes as the browser reads them (entities decoded once)."""
    parser = _Frames()
    parser.feed(html)
    return parser.frames


def srcdoc_of(html: str) -> str:
    [frame] = frames(html)
    assert "sandbox" in frame and not frame["sandbox"]  # sandboxed, with nothing allowed
    return frame["srcdoc"] or ""


# --- the Guide tab's side panel ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "reference"), [("Quotation", "Q-"), ("Meeting confirmation", "S-")])
def test_the_preview_of_a_suggested_document_shows_it_filled_in_and_creates_nothing(
    name: str, reference: str, salesperson_client: Client, sale: Sale
) -> None:
    # Given a Word suggestion (the quotation) and an e-mail one (the meeting confirmation)
    url = guide_url("document_preview", sale, suggestion_id=suggestion(sale, name).pk)
    # When the salesperson opens its preview in the side panel
    response = salesperson_client.get(url, **HTMX)
    # Then the panel shows the template, subject and reference as they would be
    assert response.status_code == 200
    panel = response.content.decode()
    assert "A preview: nothing is created until you choose Create." in panel
    assert suggestion(sale, name).template.name in panel
    assert "Tills for three shops" in panel and f"{reference}{sale.pk}" in panel
    # And the document itself in a sandboxed frame, with the company merged in
    assert "Harbour Bakery Ltd" in srcdoc_of(panel)
    # And nothing was created
    assert Document.objects.count() == 0


def test_without_htmx_the_preview_is_a_page_of_its_own(salesperson_client: Client, sale: Sale) -> None:
    url = guide_url("document_preview", sale, suggestion_id=suggestion(sale, "Quotation").pk)
    page = salesperson_client.get(url).content.decode()
    assert "<html" in page and "Back to the sale" in page
    assert "Harbour Bakery Ltd" in srcdoc_of(page)


def test_a_template_that_cannot_be_filled_in_shows_the_problem_instead_of_the_page(
    salesperson_client: Client, sale: Sale
) -> None:
    # Given the e-mail template got broken outside the upload check (an old template, say)
    meeting = suggestion(sale, "Meeting confirmation")
    DocumentTemplate.objects.filter(pk=meeting.template_id).update(body="Dear {{ contact.first_name ")
    # When the salesperson previews the suggestion
    panel = salesperson_client.get(guide_url("document_preview", sale, suggestion_id=meeting.pk), **HTMX)
    # Then the panel says what is wrong, and shows no frame
    html = panel.content.decode()
    assert panel.status_code == 200
    assert "The template cannot be filled in on line 1" in html
    assert frames(html) == []


def test_the_preview_of_a_created_document_shows_its_file_and_offers_the_download(
    salesperson_client: Client, salesperson_user: User, sale: Sale
) -> None:
    # Given a quotation made for the sale
    made = documents.create_document_from_suggestion(salesperson_user, sale.pk, suggestion(sale, "Quotation").pk)
    # When it is previewed from the guide
    panel = salesperson_client.get(guide_url("document_view", sale, document_id=made.pk), **HTMX).content.decode()
    # Then the panel shows the generated file and links to download it and to the document's card
    assert "Harbour Bakery Ltd" in srcdoc_of(panel)
    assert f'href="{reverse("sales:document_file", args=[sale.pk, made.pk])}"' in panel
    assert f'href="{reverse("sales:document", args=[sale.pk, made.pk])}"' in panel
    assert "A preview: nothing is created" not in panel


def test_creating_a_document_from_the_guide_confirms_it_and_offers_the_download(
    salesperson_client: Client, sale: Sale
) -> None:
    # When the salesperson creates the quotation from the guide
    url = guide_url("document_create", sale, suggestion_id=suggestion(sale, "Quotation").pk)
    response = salesperson_client.post(url, {"subject": "Our quotation", "our_reference": "Q-1"}, follow=True)
    # Then the confirmation names it and links to its file
    made = Document.objects.get()
    page = response.content.decode()
    assert "Document “Our quotation” created." in page
    assert f'href="{reverse("sales:document_file", args=[sale.pk, made.pk])}" download>Download</a>' in page


# --- the guide designer --------------------------------------------------------------------------------------


def designer_preview(document: SuggestedDocument) -> str:
    return reverse("guides:document_preview", args=[document.pk])


def test_the_designer_offers_a_preview_of_each_suggested_document(admin_client: Client, sale: Sale) -> None:
    quotation = suggestion(sale, "Quotation")
    page = admin_client.get(
        reverse("guides:designer", args=[sale.sale_type_id]) + f"?stage={quotation.link.stage_id}"
    ).content.decode()
    assert designer_preview(quotation) in page
    assert 'id="documents-column-preview"' in page


def test_the_designer_preview_fills_the_document_in_with_the_example_sale(admin_client: Client, sale: Sale) -> None:
    # When the administrator previews the quotation in the designer's document column
    response = admin_client.get(designer_preview(suggestion(sale, "Quotation")), **HTMX)
    # Then the column shows it filled in with the example sale, and says so
    assert response.status_code == 200
    panel = response.content.decode()
    assert "filled in with an example sale" in panel
    assert "Close the preview" in panel
    srcdoc = srcdoc_of(panel)
    assert "Harper &amp; Sons Bakery Ltd" in srcdoc
    assert "Harbour Bakery Ltd" not in srcdoc


def test_without_htmx_the_designer_preview_is_a_page_with_the_way_back(admin_client: Client, sale: Sale) -> None:
    quotation = suggestion(sale, "Quotation")
    page = admin_client.get(designer_preview(quotation)).content.decode()
    assert "<html" in page and "Back to the designer" in page
    assert f"{reverse('guides:designer', args=[sale.sale_type_id])}?stage={quotation.link.stage_id}" in page
    assert "Harper &amp; Sons Bakery Ltd" in srcdoc_of(page)


def test_the_designer_preview_is_for_administrators(salesperson_client: Client, sale: Sale) -> None:
    assert salesperson_client.get(designer_preview(suggestion(sale, "Quotation"))).status_code == 403
    anonymous = Client().get(designer_preview(suggestion(sale, "Quotation")))
    assert anonymous.status_code == 302 and anonymous["Location"].startswith(reverse("login"))


def test_a_deleted_suggestion_has_no_designer_preview(admin_client: Client, sale: Sale) -> None:
    quotation = suggestion(sale, "Quotation")
    SuggestedDocument.objects.filter(pk=quotation.pk).update(deleted=True)
    assert admin_client.get(designer_preview(quotation)).status_code == 404
