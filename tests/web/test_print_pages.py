"""Printing a sale (SPEC 3.4) through the test client: the print view at /sales/<id>/print/ and the PDF at
/sales/<id>/print.pdf, read back with pypdf. Sales are built on the starter guides with the services, as a
user would build them. Also pins how many queries the print view costs, and checks that making the PDF
fetches nothing but our own static files."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path
from typing import Any

import pypdf
import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesguide.documents.pdf import PAGE_ORIGIN, FetchRefused, StaticFilesOnly
from salesguide.models import Sale, SaleType, Stage, SuggestedDocument, SuggestedFollowup, User
from salesguide.services import activities, customers, documents, sale_lines, sales
from salesguide.services.starter import load_starter_guides

pytestmark = pytest.mark.django_db

COMPANY = "Bäckerei Müller & Söhne <GmbH>"
TITLE = "Ovens & <fryers> for Café Zoë"


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags dropped, entities read, whitespace collapsed."""
    import html as html_module

    page = response.content.decode()
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", page))).strip()


def pdf_text(response: Any) -> str:
    """Every page of the PDF as text, whitespace collapsed (also the non-breaking spaces of amounts)."""
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))


def pdf_pages(response: Any) -> int:
    return len(pypdf.PdfReader(io.BytesIO(response.content)).pages)


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def stage(name: str) -> Stage:
    return Stage.objects.get(name=name)


def build_sale(owner: User, *, sale_type_name: str, first_stage: str, second_stage: str) -> Sale:
    """A sale of ``sale_type_name`` at a company and contact with awkward names, two lines, the guide's first
    follow-up created and completed, its first document created, one own activity, and a move to the second
    stage with a reason."""
    sale_type = SaleType.objects.get(name=sale_type_name)
    company = customers.create_company(owner, name=COMPANY)
    contact = customers.create_contact(owner, first_name="Zoë", last_name="Ørsted", company_id=company.pk)
    sale = sales.create_sale(
        owner, title=TITLE, sale_type_id=sale_type.pk, company_id=company.pk, contact_id=contact.pk
    )
    sale_lines.replace_sale_lines(
        owner,
        sale.pk,
        [
            {"description": "Oven “Große” & tray", "quantity": "2", "unit_price": 125050},
            {"description": "Installation", "quantity": "1.5", "unit_price": 8000},
        ],
        version=sale.version,
    )
    first_followup = (
        SuggestedFollowup.objects.filter(link__sale_type=sale_type, link__stage__name=first_stage)
        .order_by("rank", "id")
        .first()
    )
    assert first_followup is not None
    made = activities.create_followup_from_suggestion(owner, sale.pk, first_followup.pk)
    activities.complete_activity(owner, made.pk)
    first_document = (
        SuggestedDocument.objects.filter(link__sale_type=sale_type, link__stage__name=first_stage)
        .order_by("rank", "id")
        .first()
    )
    assert first_document is not None
    documents.create_document_from_suggestion(owner, sale.pk, first_document.pk)
    activities.create_activity(
        owner,
        activity_type_id=made.activity_type_id,
        title="Call about <prices> & delivery",
        start=dt.datetime(2030, 3, 10, 9, 0, tzinfo=dt.UTC),
        sale_id=sale.pk,
    )
    sales.move_sale_to_stage(owner, sale.pk, stage(second_stage).pk, reason="Budget confirmed")
    return Sale.objects.get(pk=sale.pk)


@pytest.fixture
def english_guides(admin_user: User) -> None:
    load_starter_guides("en")


@pytest.fixture
def english_sale(english_guides: None, salesperson_user: User) -> Sale:
    return build_sale(
        salesperson_user,
        sale_type_name="Sale to new customer",
        first_stage="Qualification",
        second_stage="Needs analysis",
    )


def print_url(sale: Sale | int) -> str:
    return reverse("sales:print", args=[sale if isinstance(sale, int) else sale.pk])


def pdf_url(sale: Sale | int) -> str:
    return reverse("sales:print_pdf", args=[sale if isinstance(sale, int) else sale.pk])


# --- the print view ---------------------------------------------------------------------------------------------


def test_the_print_view_shows_the_header_with_lines_status_and_next_activity(
    salesperson_client: Client, english_sale: Sale
) -> None:
    # Given a sale with two lines and an open activity planned
    # When its owner opens the print view
    response = salesperson_client.get(print_url(english_sale))
    # Then the header says what the sale is and where it stands
    assert response.status_code == 200
    page = text_of(response)
    assert TITLE in page and COMPANY in page and "Zoë Ørsted" in page and "Sam Seller" in page
    assert "Sale to new customer" in page and "Open" in page
    assert "Needs analysis · 25%" in page
    assert "Probability of this sale 25%" in page
    # And the lines with their total, which is the sale's amount
    assert "Oven “Große” & tray 2 €1,250.50 €2,501.00" in page
    assert "Installation 1.5 €80.00 €120.00" in page
    assert "Total €2,621.00" in page
    assert "Amount €2,621.00" in page
    # And the next activity, in the reader's time zone (Amsterdam, an hour ahead of UTC in March)
    assert "Next activity 10 Mar 2030 10:00 · Call about <prices> & delivery" in page


def test_the_print_view_shows_every_stage_of_the_guide_with_its_state_and_suggestions(
    salesperson_client: Client, english_sale: Sale
) -> None:
    # Given a sale moved from Qualification to Needs analysis, with Qualification's first follow-up done
    page = text_of(salesperson_client.get(print_url(english_sale)))
    # Then the guide lists every stage in order, each with its state and probability
    guide = page[page.index("Guide Qualification") : page.index("Activities When")]
    order = ["Qualification", "Needs analysis", "Demonstration", "Proposal", "Negotiation", "Contract"]
    positions = [guide.index(f"{name} ") for name in order]
    assert positions == sorted(positions)
    assert "Qualification 10% completed" in page
    assert "Needs analysis 25% current stage" in page
    assert "Demonstration" in page and "still to come" in page
    # And each suggestion with what was made of it
    assert "☑ Introductory phone call · Phone call (out)" in page
    assert "☐ Research the company · Task — not created yet" in page
    assert "☑ Meeting confirmation · document" in page
    assert "Our meeting about Ovens & <fryers> for Café Zoë" in page


def test_the_print_view_lists_activities_documents_and_history(salesperson_client: Client, english_sale: Sale) -> None:
    page = text_of(salesperson_client.get(print_url(english_sale)))
    # Then every activity with its type, owner and whether it is done
    assert "Phone call (out) Introductory phone call Sam Seller ☑" in page
    assert "Phone call (out) Call about <prices> & delivery Sam Seller ☐" in page
    # And the document made from the guide
    assert "Our meeting about Ovens & <fryers> for Café Zoë Meeting confirmation (e-mail)" in page
    assert f"S-{english_sale.pk}" in page
    # And the history, oldest first, with who, the stages, the probabilities and the reason
    assert "Sam Seller Created in stage Qualification, probability 10%." in page
    assert "Sam Seller Stage changed: Qualification → Needs analysis, probability 10% → 25%. Budget confirmed" in page
    assert page.index("Created in stage Qualification") < page.index("Stage changed")


def test_the_print_view_has_a_print_button_and_a_pdf_link(salesperson_client: Client, english_sale: Sale) -> None:
    html = salesperson_client.get(print_url(english_sale)).content.decode()
    # The button's behaviour comes from a static script (the Content-Security-Policy forbids inline ones)
    assert 'id="print-now" data-print' in html and '/static/salesguide/salesguide.js"' in html
    assert f'href="{pdf_url(english_sale)}"' in html
    assert '/static/salesguide/print.css"' in html


def test_the_card_offers_print_to_a_reader_who_may_not_edit(
    english_guides: None, manager_user: User, salesperson_user: User
) -> None:
    # Given a sale of the manager, and a salesperson who may only read it
    sale = sales.create_sale(
        manager_user, title="Manager's deal", sale_type_id=SaleType.objects.get(name="Sale to new customer").pk
    )
    client = client_for(salesperson_user)
    # Then the card links to the print view and the salesperson can open it
    card = client.get(reverse("sales:card", args=[sale.pk])).content.decode()
    assert f'href="{print_url(sale)}"' in card
    assert client.get(print_url(sale)).status_code == 200
    assert client.get(pdf_url(sale)).status_code == 200


def test_a_sale_without_a_guide_prints_without_the_guide_and_without_lines(
    english_guides: None, admin_user: User, salesperson_client: Client, salesperson_user: User
) -> None:
    from salesguide.services import sale_types

    plain = sale_types.create_sale_type(admin_user, name="Plain", stage_ids=[stage("Qualification").pk])
    sale = sales.create_sale(salesperson_user, title="Small thing", sale_type_id=plain.pk, amount=99950)
    page = text_of(salesperson_client.get(print_url(sale)))
    assert "Amount €999.50" in page
    assert "Guide" not in page and "What is offered" not in page
    assert "No activities." in page and "No documents." in page


def test_an_unknown_sale_is_not_found(salesperson_client: Client) -> None:
    assert salesperson_client.get(print_url(999_999)).status_code == 404
    assert salesperson_client.get(pdf_url(999_999)).status_code == 404


def test_printing_needs_a_login(english_sale: Sale) -> None:
    for url in (print_url(english_sale), pdf_url(english_sale)):
        response = Client().get(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


# --- the PDF -----------------------------------------------------------------------------------------------------


def test_the_pdf_is_an_attachment_named_after_the_sale(salesperson_client: Client, english_sale: Sale) -> None:
    response = salesperson_client.get(pdf_url(english_sale))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == (
        f'attachment; filename="sale-{english_sale.pk}-ovens-fryers-for-cafe-zoe.pdf"'
    )
    assert response.content.startswith(b"%PDF-")


def test_the_pdf_holds_the_whole_sale_and_its_special_characters(
    salesperson_client: Client, english_sale: Sale
) -> None:
    text = pdf_text(salesperson_client.get(pdf_url(english_sale)))
    # The header, with &, < and diacritics as typed and the amount in euros
    assert TITLE in text and COMPANY in text and "Zoë Ørsted" in text
    assert "€2,621.00" in text and "Oven “Große” & tray" in text
    # The guide's stages, an activity and a history row
    for name in ("Qualification", "Needs analysis", "Demonstration", "Proposal", "Negotiation", "Contract"):
        assert name in text
    assert "Call about <prices> & delivery" in text
    assert "Qualification → Needs analysis" in text and "10% → 25%" in text and "Budget confirmed" in text


def test_the_pdf_says_when_it_was_printed_and_numbers_its_pages(salesperson_client: Client, english_sale: Sale) -> None:
    # Given a sale with enough activities to fill more than one page
    for number in range(60):
        activities.create_activity(
            english_sale.owner,
            activity_type_id=english_sale.activities.first().activity_type_id,  # type: ignore[union-attr]
            title=f"Visit number {number}",
            start=dt.datetime(2030, 4, 1, 8, 0, tzinfo=dt.UTC),
            sale_id=english_sale.pk,
        )
    # When it is downloaded as a PDF
    response = salesperson_client.get(pdf_url(english_sale))
    pages = pdf_pages(response)
    text = pdf_text(response)
    # Then every page names the sale and says which page of how many it is
    assert pages > 1
    assert f"Page 1 of {pages}" in text and f"Page {pages} of {pages}" in text
    assert text.count(f"{TITLE} · Printed on") == pages
    assert "Visit number 59" in text


def test_the_pdf_speaks_the_readers_language(admin_user: User, make_user: Any) -> None:
    # Given the Dutch starter guides and a sale on them, and a Dutch and an English reader
    load_starter_guides("nl")
    dutch = make_user("dutch", "salesperson", language="nl", first_name="Daan", last_name="de Vries")
    english = make_user("english", "salesperson", language="en")
    sale = build_sale(
        dutch, sale_type_name="Verkoop aan nieuwe klant", first_stage="Kwalificatie", second_stage="Behoefteanalyse"
    )
    # When each downloads the PDF
    in_dutch = pdf_text(client_for(dutch).get(pdf_url(sale)))
    in_english = pdf_text(client_for(english).get(pdf_url(sale)))
    # Then the Dutch reader reads Dutch labels and Dutch amounts
    # (labels are set in capitals, and a PDF holds the letters as shown, so they are compared regardless of case)
    for label in ("Bedrag", "Eigenaar", "Volgende activiteit", "Verkoopgids", "Activiteiten", "Geschiedenis"):
        assert label.casefold() in in_dutch.casefold()
    assert "€ 2.621,00" in in_dutch and "Kwalificatie → Behoefteanalyse" in in_dutch
    assert "amount" not in in_dutch.casefold() and "history" not in in_dutch.casefold()
    # And the English reader the same sale with English labels
    for label in ("Amount", "Owner", "Next activity", "Guide", "Activities", "History"):
        assert label.casefold() in in_english.casefold()
    assert "€2,621.00" in in_english and "bedrag" not in in_english.casefold()


def pdf_catalog(response: Any) -> Any:
    return pypdf.PdfReader(io.BytesIO(response.content)).trailer["/Root"]


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_pdf_is_tagged_and_names_the_readers_language_when_downloaded(
    english_sale: Sale, make_user: Any, language: str
) -> None:
    # Given a reader who reads in ``language``
    reader = make_user(f"reader-{language}", "salesperson", language=language)
    # When they download the PDF of a sale
    catalog = pdf_catalog(client_for(reader).get(pdf_url(english_sale)))
    # Then a screen reader finds its structure (a tagged PDF) and the language to read it in
    assert "/StructTreeRoot" in catalog
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert catalog["/Lang"] == language


def test_times_are_shown_in_the_readers_own_time_zone(english_sale: Sale, make_user: Any) -> None:
    # Given a reader in New York (the activity is at 09:00 UTC, 5 a.m. there in March 2030)
    reader = make_user("newyorker", "salesperson", time_zone="America/New_York")
    client = client_for(reader)
    page = text_of(client.get(print_url(english_sale)))
    assert "10 Mar 2030 05:00 · Call about <prices> & delivery" in page
    assert "10 Mar 2030 05:00 · Call about <prices> & delivery" in pdf_text(client.get(pdf_url(english_sale)))


# --- queries ----------------------------------------------------------------------------------------------------


def _print_queries(client: Client, sale: Sale) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(print_url(sale)).status_code == 200
    return len(queries)


def test_the_print_view_costs_the_same_queries_with_few_or_many_activities_and_changes(
    salesperson_client: Client, salesperson_user: User, english_sale: Sale
) -> None:
    # Given the sale as built: a few activities, one document, two history rows
    few = _print_queries(salesperson_client, english_sale)
    # When it gets twenty more activities (some completed), twenty stage changes and more lines
    call_type = english_sale.activities.first().activity_type_id  # type: ignore[union-attr]
    for number in range(20):
        made = activities.create_activity(
            salesperson_user,
            activity_type_id=call_type,
            title=f"Call {number}",
            start=dt.datetime(2030, 5, 1, 9, 0, tzinfo=dt.UTC),
            sale_id=english_sale.pk,
        )
        if number % 2:
            activities.complete_activity(salesperson_user, made.pk)
        target = "Demonstration" if number % 2 == 0 else "Needs analysis"
        sales.move_sale_to_stage(salesperson_user, english_sale.pk, stage(target).pk)
    fresh = Sale.objects.get(pk=english_sale.pk)
    sale_lines.replace_sale_lines(
        salesperson_user,
        fresh.pk,
        [{"description": f"Item {n}", "quantity": "1", "unit_price": 100} for n in range(10)],
        version=fresh.version,
    )
    # Then the print view reads exactly as many queries as before: the session and the user, the sale, its
    # lines, the guide (five), the activities, the documents, the history and our company (the letterhead)
    assert _print_queries(salesperson_client, english_sale) == few
    assert few == 13


# --- what the PDF may fetch ----------------------------------------------------------------------------------------


def test_making_a_pdf_serves_our_static_files_and_refuses_everything_else() -> None:
    fetcher = StaticFilesOnly(settings.STATIC_URL, [Path(d) for d in settings.STATICFILES_DIRS])
    served = fetcher.fetch(f"{PAGE_ORIGIN}/static/salesguide/print.css")
    assert b"@page" in served.read()
    for url in (
        "http://example.com/tracker.png",
        "file:///etc/passwd",
        f"{PAGE_ORIGIN}/static/../settings.py",
        f"{PAGE_ORIGIN}/static/%2e%2e/%2e%2e/settings.py",
        f"{PAGE_ORIGIN}/media/documents/secret.docx",
        f"{PAGE_ORIGIN}/static/salesguide/no-such-file.css",
    ):
        with pytest.raises(FetchRefused):
            fetcher.fetch(url)
