"""Request and response bodies for companies and contacts (``XIn`` create, ``XPatch`` change, ``XOut`` answer).

Lengths, e-mail and web addresses are checked by the services (``domain/customers.py``), so the API, the web
and imports give the same message; the JSON schemas here only document those limits.
"""

from __future__ import annotations

from typing import Annotated, Any

from ninja import Schema
from pydantic import Field, WithJsonSchema

from salesguide.api.fields import Line, NotNull, RefId, ShortText, Text
from salesguide.api.paging import PageParams
from salesguide.api.schemas import InSchema
from salesguide.domain.customers import COMPANY_RULES, CONTACT_RULES, TextRule


def _documented(rule: TextRule) -> WithJsonSchema:
    schema: dict[str, Any] = {"type": "string", "maxLength": rule.max_length}
    if rule.required:
        schema["minLength"] = 1
    return WithJsonSchema(schema)


CompanyName = Annotated[ShortText, _documented(COMPANY_RULES["name"])]
OrgNumber = Annotated[ShortText, _documented(COMPANY_RULES["org_number"])]
Address = Annotated[ShortText, _documented(COMPANY_RULES["address"])]
PostalCode = Annotated[ShortText, _documented(COMPANY_RULES["postal_code"])]
City = Annotated[ShortText, _documented(COMPANY_RULES["city"])]
Country = Annotated[ShortText, _documented(COMPANY_RULES["country"])]
Phone = Annotated[ShortText, _documented(COMPANY_RULES["phone"])]
Email = Annotated[ShortText, _documented(COMPANY_RULES["email"])]
Website = Annotated[ShortText, _documented(COMPANY_RULES["website"])]
Notes = Annotated[Text, _documented(COMPANY_RULES["notes"])]
PersonName = Annotated[ShortText, _documented(CONTACT_RULES["first_name"])]
LastName = Annotated[ShortText, _documented(CONTACT_RULES["last_name"])]
JobTitle = Annotated[ShortText, _documented(CONTACT_RULES["title"])]

# In a PATCH a field left out keeps its value; null is refused (send "" to empty a field).
CompanyNamePatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["name"])]
OrgNumberPatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["org_number"])]
AddressPatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["address"])]
PostalCodePatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["postal_code"])]
CityPatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["city"])]
CountryPatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["country"])]
PhonePatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["phone"])]
EmailPatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["email"])]
WebsitePatch = Annotated[ShortText | None, NotNull, _documented(COMPANY_RULES["website"])]
NotesPatch = Annotated[Text | None, NotNull, _documented(COMPANY_RULES["notes"])]
PersonNamePatch = Annotated[ShortText | None, NotNull, _documented(CONTACT_RULES["first_name"])]
LastNamePatch = Annotated[ShortText | None, NotNull, _documented(CONTACT_RULES["last_name"])]
JobTitlePatch = Annotated[ShortText | None, NotNull, _documented(CONTACT_RULES["title"])]

SEARCH_DESCRIPTION = "Words that must each appear somewhere in the item (any case)."


# --- companies ---------------------------------------------------------------------------------------------


class CompanyIn(InSchema):
    name: CompanyName
    org_number: OrgNumber = Field("", description="Registration number (Chamber of Commerce, VAT, ...).")
    address: Address = ""
    postal_code: PostalCode = ""
    city: City = ""
    country: Country = ""
    phone: Phone = ""
    email: Email = Field("", description="An e-mail address, or empty.")
    website: Website = Field("", description="A web address such as `www.example.com`, or empty.")
    notes: Notes = ""


class CompanyPatch(InSchema):
    name: CompanyNamePatch = None
    org_number: OrgNumberPatch = None
    address: AddressPatch = None
    postal_code: PostalCodePatch = None
    city: CityPatch = None
    country: CountryPatch = None
    phone: PhonePatch = None
    email: EmailPatch = None
    website: WebsitePatch = None
    notes: NotesPatch = None


class CompanyOut(Schema):
    id: int
    name: str
    org_number: str
    address: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    website: str
    notes: str


class CompanyListOut(Schema):
    items: list[CompanyOut]
    next: str | None


class CompanyListParams(PageParams):
    q: Line | None = Field(None, description=SEARCH_DESCRIPTION + " Searches name, city, e-mail, registration number.")


# --- contacts ----------------------------------------------------------------------------------------------


class ContactIn(InSchema):
    first_name: PersonName = ""
    last_name: LastName
    company_id: RefId | None = Field(None, description="The contact's company, or null for none.")
    title: JobTitle = Field("", description="Job title.")
    email: Email = Field("", description="An e-mail address, or empty.")
    phone: Phone = ""


class ContactPatch(InSchema):
    first_name: PersonNamePatch = None
    last_name: LastNamePatch = None
    company_id: RefId | None = Field(None, description="Another company, or null to take the contact off theirs.")
    title: JobTitlePatch = None
    email: EmailPatch = None
    phone: PhonePatch = None


class ContactOut(Schema):
    id: int
    first_name: str
    last_name: str
    name: str = Field(description="First and last name.")
    company_id: int | None
    company_name: str | None
    title: str
    email: str
    phone: str


class ContactListOut(Schema):
    items: list[ContactOut]
    next: str | None


class ContactListParams(PageParams):
    q: Line | None = Field(
        None, description=SEARCH_DESCRIPTION + " Searches name, e-mail, phone, job title and company name."
    )
    company: RefId | None = Field(None, description="Only the contacts of this company.")
