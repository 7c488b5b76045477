"""The merge fields of a sale: plain facts in, the dictionary a template sees out, formatted for a language.

The facts are plain dataclasses so that the same code builds the context of a real sale (services) and of the
example sale that the merge-field list and the guide designer's previews show (``fields.EXAMPLE``). Amounts and
dates are formatted with Babel for the language the document is made in (``nl`` → ``€ 1.234,50``,
``27 november 2026``; ``en`` → ``€1,234.50``, ``27 November 2026``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from jinja2 import TemplateError
from jinja2.exceptions import SecurityError

from salesguide.documents import budget
from salesguide.documents.sandbox import plain_environment
from salesguide.domain.addresses import PostalAddress, address_line, address_lines
from salesguide.domain.money import weighted_amount
from salesguide.domain.sale_lines import line_total

LOCALES = {"nl": "nl_NL", "en": "en_GB"}


def locale_for(language: str) -> str:
    return LOCALES.get((language or "en")[:2], "en_GB")


def format_money(minor_units: int, currency: str, language: str) -> str:
    return format_currency(Decimal(minor_units) / 100, currency or "EUR", locale=locale_for(language))


def format_long_date(value: dt.date | None, language: str) -> str:
    return format_date(value, "long", locale=locale_for(language)) if value else ""


@dataclass(frozen=True)
class LineFacts:
    description: str
    quantity: Decimal
    unit_price: int


@dataclass(frozen=True)
class PartyFacts:
    """A company, a contact or a user: every field optional so one shape serves all three."""

    name: str = ""
    first_name: str = ""
    last_name: str = ""
    job_title: str = ""
    email: str = ""
    phone: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    website: str = ""
    registration_number: str = ""


@dataclass(frozen=True)
class Picture:
    """An image a Word template can show (``{{ our_company.logo }}``): ``render.render_docx`` puts it in the
    document. Elsewhere (an e-mail, a subject line) it writes nothing, and ``{% if our_company.logo %}`` tells
    whether there is one."""

    content: bytes
    content_type: str

    def __str__(self) -> str:
        return ""

    def __bool__(self) -> bool:
        return bool(self.content)


@dataclass(frozen=True)
class OurCompanyFacts:
    """The seller: the installation's own company (Settings › Our company)."""

    name: str = ""
    address: str = ""
    postal_code: str = ""
    city: str = ""
    country: str = ""
    phone: str = ""
    email: str = ""
    website: str = ""
    registration_number: str = ""
    vat_number: str = ""
    iban: str = ""
    logo: Picture | None = None


@dataclass(frozen=True)
class SaleFacts:
    number: int
    title: str
    description: str = ""
    sale_type: str = ""
    stage: str = ""
    stage_probability: int | None = None
    probability: int = 0
    amount: int = 0
    currency: str = "EUR"
    status: str = ""
    expected_date: dt.date | None = None
    closed_date: dt.date | None = None
    lines: Sequence[LineFacts] = ()
    company: PartyFacts | None = None
    contact: PartyFacts | None = None
    owner: PartyFacts = field(default_factory=PartyFacts)
    our_company: OurCompanyFacts = field(default_factory=OurCompanyFacts)


def _postal(address: str, postal_code: str, city: str, country: str, home_country: str) -> dict[str, Any]:
    """The address in the order of its country, as lines (for a letter's address block) and on one line (for
    a sentence); a country line only when the letter goes abroad."""
    postal = PostalAddress(address, postal_code, city, country)
    return {
        "address_lines": address_lines(postal, home_country=home_country),
        "address_line": address_line(postal, home_country=home_country),
    }


def _our_company(company: OurCompanyFacts, reader_country: str) -> dict[str, Any]:
    return {
        "name": company.name,
        "address": company.address,
        "postal_code": company.postal_code,
        "city": company.city,
        "country": company.country,
        # Seen from the reader: our country is named only when the letter crosses a border.
        **_postal(company.address, company.postal_code, company.city, company.country, reader_country),
        "phone": company.phone,
        "email": company.email,
        "website": company.website,
        "registration_number": company.registration_number,
        "vat_number": company.vat_number,
        "iban": company.iban,
        "logo": company.logo if company.logo else "",
    }


def _party(party: PartyFacts | None, home_country: str = "") -> dict[str, Any]:
    party = party or PartyFacts()
    return {
        "name": party.name,
        "first_name": party.first_name,
        "last_name": party.last_name,
        "job_title": party.job_title,
        "email": party.email,
        "phone": party.phone,
        "address": party.address,
        "postal_code": party.postal_code,
        "city": party.city,
        "country": party.country,
        "website": party.website,
        "registration_number": party.registration_number,
        **_postal(party.address, party.postal_code, party.city, party.country, home_country),
    }


def merge_context(
    facts: SaleFacts, *, language: str, today: dt.date, subject: str = "", our_reference: str = ""
) -> dict[str, Any]:
    """What ``{{ ... }}`` in a template can use. Every key is always there (empty when the sale has no
    contact, say), so a template never fails on a missing company or contact."""
    locale = locale_for(language)

    def money(minor: int) -> str:
        return format_money(minor, facts.currency, language)

    lines = [
        {
            "number": index,
            "description": line.description,
            "quantity": format_decimal(line.quantity.normalize() if line.quantity else 0, locale=locale),
            "unit_price": money(line.unit_price),
            "total": money(line_total(line.quantity, line.unit_price)),
        }
        for index, line in enumerate(facts.lines, start=1)
    ]
    lines_total = sum(line_total(line.quantity, line.unit_price) for line in facts.lines)
    return {
        "sale": {
            "id": facts.number,
            "title": facts.title,
            "description": facts.description,
            "type": facts.sale_type,
            "stage": facts.stage,
            "stage_probability": (
                format_percent(facts.stage_probability / 100, locale=locale)
                if facts.stage_probability is not None
                else ""
            ),
            "probability": format_percent(facts.probability / 100, locale=locale),
            "amount": money(facts.amount),
            "weighted_amount": money(weighted_amount(facts.amount, facts.probability)),
            "currency": facts.currency,
            "status": facts.status,
            "expected_date": format_long_date(facts.expected_date, language),
            "closed_date": format_long_date(facts.closed_date, language),
            "lines": lines,
            "lines_total": money(lines_total) if lines else "",
        },
        "company": _party(facts.company, facts.our_company.country),
        "our_company": _our_company(
            facts.our_company, (facts.company.country if facts.company else "") or facts.our_company.country
        ),
        "contact": _party(facts.contact),
        "owner": _party(facts.owner),
        "today": format_long_date(today, language),
        "subject": subject,
        "our_reference": our_reference,
    }


def render_line(text: str, context: dict[str, Any]) -> str:
    """One line of text (a subject, our reference) with its merge fields filled in. A line that does not render
    (a typing error in a suggestion's subject) is returned as written rather than failing the whole document."""
    if "{" not in text:
        return text
    try:
        return budget.run(_render_line, text, context, seconds=LINE_SECONDS)
    except budget.OverBudget:  # a line that would take the server's time is not a subject either
        return text


# A subject or reference is cut to 255 characters where it is stored; a line rendering to far more is not one.
LINE_MAX = 10_000
# A line fills in in milliseconds: a second is plenty, and keeps a document's draft (two lines, then the
# document) well within a few seconds.
LINE_SECONDS = 1.0


def _render_line(text: str, context: dict[str, Any]) -> str:
    try:
        line = plain_environment().from_string(text).render(context).strip()
    except (TemplateError, SecurityError, TypeError, ValueError, OverflowError, RecursionError):
        return text
    return line if len(line) <= LINE_MAX else text
