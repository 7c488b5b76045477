"""The documented merge fields (shown to administrators, with an example each) and the example sale that fills
them in wherever there is no real sale: the merge-field list, the guide designer's previews, and the check of an
uploaded template."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from salesguide.documents.merge import LineFacts, PartyFacts, SaleFacts, merge_context
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
    MergeField("contact.name", gettext_noop("Full name of the contact person.")),
    MergeField("contact.first_name", gettext_noop("First name of the contact person.")),
    MergeField("contact.last_name", gettext_noop("Last name of the contact person.")),
    MergeField("contact.job_title", gettext_noop("Job title of the contact person.")),
    MergeField("contact.email", gettext_noop("E-mail address of the contact person.")),
    MergeField("contact.phone", gettext_noop("Phone number of the contact person.")),
    MergeField("owner.name", gettext_noop("Name of the salesperson who owns the sale.")),
    MergeField("owner.first_name", gettext_noop("First name of the salesperson.")),
    MergeField("owner.email", gettext_noop("E-mail address of the salesperson.")),
    MergeField("today", gettext_noop("Today's date, written out.")),
    MergeField("subject", gettext_noop("The subject of the document.")),
    MergeField("our_reference", gettext_noop("Our reference of the document.")),
)

EXAMPLE_TODAY = dt.date(2026, 3, 2)

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
    ),
}


def example_facts(language: str) -> SaleFacts:
    return _EXAMPLES.get((language or "en")[:2], _EXAMPLES["en"])


def example_context(language: str, *, subject: str = "", our_reference: str = "") -> dict[str, Any]:
    """The merge context of the example sale; subject and reference default to examples too."""
    nl = (language or "")[:2] == "nl"
    return merge_context(
        example_facts(language),
        language=language,
        today=EXAMPLE_TODAY,
        subject=subject or ("Offerte kassasysteem" if nl else "Quotation till system"),
        our_reference=our_reference or "JS/2026/1042",
    )


def example_value(name: str, context: dict[str, Any]) -> Any:
    """The value of ``sale.title`` (say) in a merge context."""
    value: Any = context
    for part in name.split("."):
        value = value.get(part, "") if isinstance(value, dict) else ""
    return value
