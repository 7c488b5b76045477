"""The documented merge fields (shown to administrators, with an example each) and the example sale that fills
them in wherever there is no real sale: the merge-field list, the guide designer's previews, and the check of an
uploaded template."""

from __future__ import annotations

import base64
import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from salesguide.documents.merge import LineFacts, OurCompanyFacts, PartyFacts, Picture, SaleFacts, merge_context
from salesguide.domain.errors import gettext_noop


@dataclass(frozen=True)
class MergeField:
    name: str  # as written in a template, without the braces: "sale.title"
    description: str  # English msgid


MERGE_FIELDS: tuple[MergeField, ...] = (
    MergeField("sale.title", gettext_noop("The title of the sale.")),
    MergeField("sale.id", gettext_noop("The number of the sale in Salesguide.")),
    MergeField("sale.description", gettext_noop("The description of the sale.")),
    MergeField("sale.type", gettext_noop("The sale type.")),
    MergeField("sale.stage", gettext_noop("The stage the sale is in.")),
    MergeField("sale.stage_probability", gettext_noop("The probability of that stage.")),
    MergeField("sale.probability", gettext_noop("The sale's own probability.")),
    MergeField("sale.amount", gettext_noop("The amount with its currency, written the way the language does.")),
    MergeField("sale.weighted_amount", gettext_noop("The amount times the probability.")),
    MergeField("sale.currency", gettext_noop("The currency code (ISO 4217).")),
    MergeField("sale.expected_date", gettext_noop("The expected closing date, written out.")),
    MergeField("sale.closed_date", gettext_noop("The date the sale was sold or lost (empty while open).")),
    MergeField(
        "sale.lines",
        gettext_noop(
            "The sale's lines, for a table: each has number, description, quantity, unit_price and total. "
            "Empty when the sale has no lines; test it with {% if sale.lines %}."
        ),
    ),
    MergeField("sale.lines_total", gettext_noop("The total of the lines (empty when there are none).")),
    MergeField("company.name", gettext_noop("The customer's company name.")),
    MergeField("company.address", gettext_noop("Street and number of the company.")),
    MergeField("company.postal_code", gettext_noop("Postal code of the company.")),
    MergeField("company.city", gettext_noop("City of the company.")),
    MergeField("company.country", gettext_noop("Country of the company.")),
    MergeField("company.phone", gettext_noop("Phone number of the company.")),
    MergeField("company.email", gettext_noop("E-mail address of the company.")),
    MergeField("company.website", gettext_noop("Website of the company.")),
    MergeField("company.registration_number", gettext_noop("Chamber of commerce or registration number.")),
    MergeField(
        "company.address_lines",
        gettext_noop(
            "The company's postal address as lines, in the order of its country; the country only when it is "
            "not ours. For an address block, one paragraph per line."
        ),
    ),
    MergeField("company.address_line", gettext_noop("The same address on one line, for a sentence.")),
    MergeField("contact.name", gettext_noop("Full name of the contact person.")),
    MergeField("contact.first_name", gettext_noop("First name of the contact person.")),
    MergeField("contact.last_name", gettext_noop("Last name of the contact person.")),
    MergeField("contact.job_title", gettext_noop("Job title of the contact person.")),
    MergeField("contact.email", gettext_noop("E-mail address of the contact person.")),
    MergeField("contact.phone", gettext_noop("Phone number of the contact person.")),
    MergeField("owner.name", gettext_noop("Name of the salesperson who owns the sale.")),
    MergeField("owner.first_name", gettext_noop("First name of the salesperson.")),
    MergeField("owner.email", gettext_noop("E-mail address of the salesperson.")),
    MergeField("our_company.name", gettext_noop("The name of our own company (Settings › Our company).")),
    MergeField("our_company.address", gettext_noop("Street and number of our company.")),
    MergeField("our_company.postal_code", gettext_noop("Postal code of our company.")),
    MergeField("our_company.city", gettext_noop("City of our company.")),
    MergeField("our_company.country", gettext_noop("Country of our company.")),
    MergeField(
        "our_company.address_lines",
        gettext_noop(
            "Our postal address as lines, in the order of our country; the country only when the customer is "
            "abroad. For the sender block, one paragraph per line."
        ),
    ),
    MergeField("our_company.address_line", gettext_noop("Our address on one line, for a sentence.")),
    MergeField("our_company.phone", gettext_noop("Phone number of our company.")),
    MergeField("our_company.email", gettext_noop("E-mail address of our company.")),
    MergeField("our_company.website", gettext_noop("Website of our company.")),
    MergeField(
        "our_company.registration_number",
        gettext_noop("Our chamber of commerce or company registration number."),
    ),
    MergeField("our_company.vat_number", gettext_noop("Our VAT number.")),
    MergeField("our_company.iban", gettext_noop("Our bank account (IBAN), in groups of four.")),
    MergeField(
        "our_company.logo",
        gettext_noop(
            "Our logo, as an image in a Word document (empty in e-mails). Put it in a paragraph of its own: "
            "{% if our_company.logo %}{{ our_company.logo }}{% endif %}."
        ),
    ),
    MergeField("today", gettext_noop("Today's date, written out.")),
    MergeField("subject", gettext_noop("The subject of the document.")),
    MergeField("our_reference", gettext_noop("Our reference of the document.")),
)

EXAMPLE_TODAY = dt.date(2026, 3, 2)
# A small logo (three bars and two lines, 96 × 32 pixels) for the example seller, so that the upload check and
# the previews show where a template puts ``our_company.logo``.
EXAMPLE_LOGO = Picture(
    base64.b64decode(
        "iVBORw0KGgoAAAANSUhEUgAAAGAAAAAgAgMAAACQrpXHAAAACVBMVEX///8fTnlbm9V5wKT2AAAAAXRSTlMAQObYZgAAAEZJREFUeNpjYMAB"
        "GKF0KMPrAygSTLh0DBcJFgYGBoZVDNeuUskoeEAiwGtqOxcKVqNKrGK4Rn07VsEY1xqoH+xQEDZoEgMA/08KYGhj5YkAAAAASUVORK5CYII="
    ),
    "image/png",
)
# What the merge-field lists show for an image, which has no text.
IMAGE_EXAMPLE = gettext_noop("(an image)")

_EXAMPLES: dict[str, SaleFacts] = {
    "nl": SaleFacts(
        number=1042,
        title="Kassasysteem voor 3 filialen",
        description="Vervanging van de kassa's in Utrecht.",
        sale_type="Verkoop aan nieuwe klant",
        stage="Offerte",
        stage_probability=40,
        probability=50,
        amount=1_254_050,
        currency="EUR",
        status="Open",
        expected_date=dt.date(2026, 4, 30),
        lines=(
            LineFacts("Kassasysteem Compact, incl. installatie", Decimal("3"), 349_900),
            LineFacts("Training personeel (dagdeel)", Decimal("2.5"), 48_500),
            LineFacts("Servicecontract eerste jaar", Decimal("1"), 83_100),
        ),
        company=PartyFacts(
            name="Bakkerij Dijkstra & Zn. B.V.",
            address="Oudegracht 112",
            postal_code="3511 AX",
            city="Utrecht",
            country="Nederland",
            phone="030 231 45 67",
            email="info@bakkerijdijkstra.example",
            website="bakkerijdijkstra.example",
            registration_number="30123456",
        ),
        contact=PartyFacts(
            name="Anouk van den Berg",
            first_name="Anouk",
            last_name="van den Berg",
            job_title="Bedrijfsleider",
            email="anouk@bakkerijdijkstra.example",
            phone="06 12 34 56 78",
        ),
        owner=PartyFacts(name="Jeroen Smit", first_name="Jeroen", last_name="Smit", email="jeroen@example.com"),
        our_company=OurCompanyFacts(
            name="Kassa Centraal B.V.",
            address="Stationsplein 45",
            postal_code="3013 AK",
            city="Rotterdam",
            country="Nederland",
            phone="010 123 45 67",
            email="verkoop@kassacentraal.example",
            website="www.kassacentraal.example",
            registration_number="87654321",
            vat_number="NL123456789B01",
            iban="NL91 ABNA 0417 1643 00",
            logo=EXAMPLE_LOGO,
        ),
    ),
    "en": SaleFacts(
        number=1042,
        title="Point-of-sale system for 3 shops",
        description="Replacing the tills in Leeds.",
        sale_type="Sale to new customer",
        stage="Quotation",
        stage_probability=40,
        probability=50,
        amount=1_254_050,
        currency="EUR",
        status="Open",
        expected_date=dt.date(2026, 4, 30),
        lines=(
            LineFacts("Compact till system, installed", Decimal("3"), 349_900),
            LineFacts("Staff training (half day)", Decimal("2.5"), 48_500),
            LineFacts("Service contract, first year", Decimal("1"), 83_100),
        ),
        company=PartyFacts(
            name="Harper & Sons Bakery Ltd",
            address="12 Kirkgate",
            postal_code="LS1 6BY",
            city="Leeds",
            country="United Kingdom",
            phone="0113 496 0123",
            email="info@harperbakery.example",
            website="harperbakery.example",
            registration_number="09876543",
        ),
        contact=PartyFacts(
            name="Emma Clarke",
            first_name="Emma",
            last_name="Clarke",
            job_title="Operations manager",
            email="emma@harperbakery.example",
            phone="07700 900123",
        ),
        owner=PartyFacts(name="Jeroen Smit", first_name="Jeroen", last_name="Smit", email="jeroen@example.com"),
        our_company=OurCompanyFacts(
            name="Northwind Till Systems Ltd",
            address="200 Aldersgate Street",
            postal_code="EC1A 4HD",
            city="London",
            country="United Kingdom",
            phone="020 7946 0321",
            email="sales@northwindtills.example",
            website="www.northwindtills.example",
            registration_number="01234567",
            vat_number="GB 123 4567 89",
            iban="GB29 NWBK 6016 1331 9268 19",
            logo=EXAMPLE_LOGO,
        ),
    ),
}


def example_facts(language: str) -> SaleFacts:
    return _EXAMPLES.get((language or "en")[:2], _EXAMPLES["en"])


def example_context(
    language: str, *, subject: str = "", our_reference: str = "", our_company: OurCompanyFacts | None = None
) -> dict[str, Any]:
    """The merge context of the example sale; subject and reference default to examples too. With
    ``our_company`` (the installation's, once its name is filled in) the example is sold by us, so a preview
    shows our own letterhead."""
    nl = (language or "")[:2] == "nl"
    facts = example_facts(language)
    if our_company is not None and our_company.name:
        facts = replace(facts, our_company=our_company)
    return merge_context(
        facts,
        language=language,
        today=EXAMPLE_TODAY,
        subject=subject or ("Offerte kassasysteem" if nl else "Quotation till system"),
        our_reference=our_reference or "JS/2026/1042",
    )


def example_text(value: Any, translate: Callable[[str], str] = str) -> str:
    """An example value as the merge-field lists show it: the lines of an address joined with " / ", an
    image as "(an image)" in the reader's language (``translate``: gettext)."""
    if isinstance(value, Picture):
        return translate(IMAGE_EXAMPLE) if value else ""
    if isinstance(value, list) and all(isinstance(line, str) for line in value):
        return " / ".join(value)
    return "" if value is None else str(value)


def example_value(name: str, context: dict[str, Any]) -> Any:
    """The value of ``sale.title`` (say) in a merge context."""
    value: Any = context
    for part in name.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value
