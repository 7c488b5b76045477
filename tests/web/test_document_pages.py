"""Documents on a sale in the browser (SPEC 3.3): the Documents tab, the document's card with its readable
preview, downloading the generated file, generating it again after the sale changed, and editing its subject and
our reference. Made with the English starter guides, whose "Quotation" is a Word template."""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

import docx
import pytest
from django.test import Client
from django.urls import reverse

from salesguide.models import Document, Sale, SaleType, SuggestedDocument, User
from salesguide.services import customers, documents, sales
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db


# --- a sale with a quotation --------------------------------------------------------------------------------


def suggestion(sale: Sale, name: str) -> SuggestedDocument:
    return SuggestedDocument.objects.get(link__sale_type_id=sale.sale_type_id, name=name, deleted=False)


def make_sale(owner: User, title: str = "Tills for three shops", company: str = "Harbour Bakery Ltd") -> Sale:
    sale_type = SaleType.objects.get(name="Sale to new customer")
    made = customers.create_company(owner, name=company, city="Leeds")
    contact = customers.create_contact(
        owner, first_name="Emma", last_name="Clarke", company_id=made.pk, email="emma@harbour.example"
    )
    return sales.create_sale(
        owner,
        title=title,
        sale_type_id=sale_type.pk,
        company_id=made.pk,
        contact_id=contact.pk,
        amount=1_250_000,
        currency="EUR",
    )


@pytest.fixture
def starter_guides(db: None) -> None:
    load_starter_guides("en")


@pytest.fixture
def sale(starter_guides: None, salesperson_user: User) -> Sale:
    return make_sale(salesperson_user)


@pytest.fixture
def quotation(sale: Sale, salesperson_user: User) -> Document:
    return documents.create_document_from_suggestion(salesperson_user, sale.pk, suggestion(sale, "Quotation").pk)


def tab(sale: Sale) -> str:
    return reverse("sales:card", args=[sale.pk]) + "?tab=documents"


def page_url(name: str, document: Document) -> str:
    return reverse(f"sales:{name}", args=[document.sale_id, document.pk])


def docx_text(content: bytes) -> str:
    """Every paragraph and table cell of a Word file, as a user reading it sees them."""
    file = docx.Document(io.BytesIO(content))
    parts = [p.text for p in file.paragraphs]
    for table in file.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def downloaded(client: Client, document: Document) -> Any:
    response = client.get(page_url("document_file", document))
    assert response.status_code == 200
    return response


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


# --- the tab -------------------------------------------------------------------------------------------------


def test_the_documents_tab_lists_each_document_with_its_template_reference_and_actions(
    salesperson_client: Client, sale: Sale, quotation: Document
) -> None:
    # Given a sale with a quotation made from the guide
    # When its owner opens the Documents tab
    page = salesperson_client.get(tab(sale)).content.decode()
    # Then the document links to its card and offers download, generate again, edit and delete
    assert f'href="{page_url("document", quotation)}"' in page
    assert f"Quotation {sale.title}" in page
    assert "Quotation" in page and f"Q-{sale.pk}" in page
    assert f'href="{page_url("document_file", quotation)}"' in page
    assert f'action="{page_url("document_regenerate", quotation)}"' in page
    assert page_url("document_edit", quotation) in page
    assert f'href="{page_url("document_delete", quotation)}"' in page


def test_another_salesperson_sees_the_document_but_only_the_download(
    make_user: Any, sale: Sale, quotation: Document
) -> None:
    # Given a salesperson who does not own the sale
    other = Client()
    other.force_login(make_user("other", "salesperson"))
    # When they open the Documents tab
    page = other.get(tab(sale)).content.decode()
    # Then they can download the file but not change it
    assert page_url("document_file", quotation) in page
    assert page_url("document_regenerate", quotation) not in page
    assert page_url("document_edit", quotation) not in page


def test_downloading_gives_the_word_file_with_the_sale_merged_in(
    salesperson_client: Client, sale: Sale, quotation: Document
) -> None:
    # When the owner downloads the quotation
    response = downloaded(salesperson_client, quotation)
    # Then it is an attachment of the Word type, named after the subject
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert response["Content-Disposition"].startswith("attachment;")
    assert ".docx" in response["Content-Disposition"]
    # And Word shows the sale's title and company in it
    text = docx_text(response.content)
    assert "Tills for three shops" in text
    assert "Harbour Bakery Ltd" in text


def test_a_file_name_that_is_not_ascii_is_sent_the_rfc_5987_way(
    salesperson_client: Client, salesperson_user: User, sale: Sale, quotation: Document
) -> None:
    # Given a document whose subject has non-ASCII letters
    documents.update_document(salesperson_user, quotation.pk, subject="Offerte Müller café")
    # When it is downloaded
    disposition = downloaded(salesperson_client, quotation)["Content-Disposition"]
    # Then the name is encoded for every browser
    assert "filename*=utf-8''" in disposition
    assert "M%C3%BCller" in disposition


def test_generate_again_after_renaming_the_sale_changes_the_file(
    salesperson_client: Client, salesperson_user: User, sale: Sale, quotation: Document
) -> None:
    # Given the sale got a new title after the quotation was made
    sales.update_sale(
        salesperson_user, sale.pk, version=Sale.objects.get(pk=sale.pk).version, title="Tills for five shops"
    )
    assert "Tills for five shops" not in docx_text(downloaded(salesperson_client, quotation).content)
    # When the owner chooses Generate again on the Documents tab
    response = salesperson_client.post(page_url("document_regenerate", quotation), {"next": tab(sale)}, follow=True)
    # Then they are back on the tab with the confirmation
    assert response.redirect_chain[-1][0] == tab(sale)
    assert "Generated again from the sale as it is now" in response.content.decode()
    # And the file shows the new title; only the subject, which the document keeps, has the old one
    text = docx_text(downloaded(salesperson_client, quotation).content)
    assert "Tills for five shops" in text
    assert text.count("Tills for three shops") == 1 and "Quotation Tills for three shops" in text


def test_generate_again_needs_a_post(salesperson_client: Client, quotation: Document) -> None:
    assert salesperson_client.get(page_url("document_regenerate", quotation)).status_code == 405


def test_a_salesperson_may_not_generate_someone_elses_document_again(
    make_user: Any, sale: Sale, quotation: Document
) -> None:
    # Given another salesperson
    other = Client()
    other.force_login(make_user("other", "salesperson"))
    before = Document.objects.get(pk=quotation.pk).generated_at
    # When they post Generate again on a document of a sale that is not theirs
    response = other.post(page_url("document_regenerate", quotation))
    # Then they are refused and the file stays as it was
    assert response.status_code == 403
    assert Document.objects.get(pk=quotation.pk).generated_at == before
    assert other.get(page_url("document_edit", quotation)).status_code == 403


def test_a_manager_may_generate_a_salespersons_document_again(manager_client: Client, quotation: Document) -> None:
    response = manager_client.post(page_url("document_regenerate", quotation))
    assert response.status_code == 302
    assert response["Location"] == page_url("document", quotation)


# --- editing -------------------------------------------------------------------------------------------------


def test_editing_the_subject_generates_the_file_again_with_it(
    salesperson_client: Client, sale: Sale, quotation: Document
) -> None:
    # Given the edit form shows the current subject and reference
    form = salesperson_client.get(page_url("document_edit", quotation)).content.decode()
    assert f'value="Quotation {sale.title}"' in form and f'value="Q-{sale.pk}"' in form
    # When the owner saves a new subject and reference
    response = salesperson_client.post(
        page_url("document_edit", quotation), {"subject": "Final offer", "our_reference": "FO-1"}, follow=True
    )
    # Then the document's card shows them, with the confirmation
    assert response.redirect_chain[-1][0] == page_url("document", quotation)
    page = response.content.decode()
    assert "Final offer" in page and "FO-1" in page and "generated again" in page
    # And the file is generated again under the new subject
    saved = Document.objects.get(pk=quotation.pk)
    assert saved.subject == "Final offer" and saved.our_reference == "FO-1"
    assert "Final offer" in downloaded(salesperson_client, quotation)["Content-Disposition"]


def test_an_empty_subject_is_refused_next_to_the_field(salesperson_client: Client, quotation: Document) -> None:
    response = salesperson_client.post(page_url("document_edit", quotation), {"subject": "", "our_reference": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert 'id="id_subject_error"' in page
    assert Document.objects.get(pk=quotation.pk).subject == quotation.subject


# --- the card ------------------------------------------------------------------------------------------------


def test_the_document_card_shows_what_the_document_is_and_the_file_readable(
    salesperson_client: Client, sale: Sale, quotation: Document
) -> None:
    # When the owner opens the document's card
    response = salesperson_client.get(page_url("document", quotation))
    assert response.status_code == 200
    page = response.content.decode()
    # Then the header says what it is and where it belongs
    for shown in (
        quotation.subject,
        "Quotation",
        sale.title,
        "Harbour Bakery Ltd",
        "Emma Clarke",
        "Sam Seller",
        f"Q-{sale.pk}",
        "Back to the sale",
    ):
        assert shown in page
    # And the generated file is shown in a sandboxed frame, its HTML escaped into the srcdoc attribute
    [frame] = frames(page)
    assert "sandbox" in frame and not frame["sandbox"]  # sandboxed, with nothing allowed
    srcdoc = frame["srcdoc"] or ""
    assert srcdoc.startswith("<!doctype html>")
    assert "Harbour Bakery Ltd" in srcdoc and "Tills for three shops" in srcdoc
    assert 'srcdoc="<' not in page  # the markup is escaped, not pasted into the attribute


def test_markup_in_the_sale_stays_text_inside_the_frame(
    salesperson_client: Client, salesperson_user: User, starter_guides: None
) -> None:
    # Given a sale whose title looks like markup
    sale = make_sale(salesperson_user, title='Tills "quoted" <script>alert(1)</script> & more')
    made = documents.create_document_from_suggestion(salesperson_user, sale.pk, suggestion(sale, "Quotation").pk)
    # When its card is shown
    page = salesperson_client.get(page_url("document", made)).content.decode()
    # Then the frame's document has the title as text, never as a tag
    [frame] = frames(page)
    srcdoc = frame["srcdoc"] or ""
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; more" in srcdoc
    assert "<script>" not in srcdoc


def test_a_document_of_another_sale_is_not_found(
    salesperson_client: Client, salesperson_user: User, quotation: Document
) -> None:
    other_sale = make_sale(salesperson_user, title="Other", company="Other Ltd")
    for name in ("document", "document_file", "document_edit"):
        url = reverse(f"sales:{name}", args=[other_sale.pk, quotation.pk])
        assert salesperson_client.get(url).status_code == 404


def test_anonymous_visitors_are_sent_to_the_login_page(quotation: Document) -> None:
    client = Client()
    for name in ("document", "document_file", "document_edit"):
        response = client.get(page_url(name, quotation))
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    response = client.post(page_url("document_regenerate", quotation))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
