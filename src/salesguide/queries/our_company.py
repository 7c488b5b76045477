"""The installation's own company as pages, documents and the print view read it (Settings › Our company)."""

from __future__ import annotations

import base64
from dataclasses import dataclass, field

from salesguide.documents.merge import OurCompanyFacts, Picture
from salesguide.domain.addresses import PostalAddress, address_lines
from salesguide.models import OUR_COMPANY_ID, OurCompany


@dataclass(frozen=True)
class Logo:
    content: bytes
    content_type: str


def our_company() -> OurCompany:
    """The stored settings, or empty ones (not saved) while an administrator has not filled them in."""
    return OurCompany.objects.filter(pk=OUR_COMPANY_ID).first() or OurCompany(pk=OUR_COMPANY_ID)


def logo_of(company: OurCompany) -> Logo | None:
    """The logo's bytes, or None when there is none or its file has gone missing."""
    if not company.logo:
        return None
    try:
        with company.logo.open("rb") as handle:
            content = handle.read()
    except OSError:
        return None
    return Logo(content, company.logo_content_type) if content else None


def our_company_facts(company: OurCompany | None = None) -> OurCompanyFacts:
    """What the merge fields ``our_company.*`` hold: the settings, with the logo read from its file."""
    company = company if company is not None else our_company()
    logo = logo_of(company)
    return OurCompanyFacts(
        name=company.name,
        address=company.address,
        postal_code=company.postal_code,
        city=company.city,
        country=company.country,
        phone=company.phone,
        email=company.email,
        website=company.website,
        registration_number=company.registration_number,
        vat_number=company.vat_number,
        iban=company.iban,
        logo=Picture(logo.content, logo.content_type) if logo else None,
    )


@dataclass(frozen=True)
class Letterhead:
    """Our company as the print view shows it at the top of the page."""

    name: str
    address_lines: list[str]
    phone: str
    email: str
    website: str
    registration_number: str
    vat_number: str
    has_logo: bool
    company: OurCompany = field(repr=False)

    def logo_data_url(self) -> str:
        """The logo inside the page, for the PDF (its printer fetches nothing else); "" when there is none."""
        logo = logo_of(self.company)
        if logo is None:
            return ""
        return f"data:{logo.content_type};base64,{base64.b64encode(logo.content).decode('ascii')}"


def letterhead(company: OurCompany | None = None) -> Letterhead | None:
    """The print view's sender block, or None while our company has no name."""
    company = company if company is not None else our_company()
    if not company.name:
        return None
    postal = PostalAddress(company.address, company.postal_code, company.city, company.country)
    return Letterhead(
        name=company.name,
        address_lines=address_lines(postal, home_country=company.country),
        phone=company.phone,
        email=company.email,
        website=company.website,
        registration_number=company.registration_number,
        vat_number=company.vat_number,
        has_logo=bool(company.logo),
        company=company,
    )
