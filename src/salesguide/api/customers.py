"""Companies and contacts: every logged-in user reads and writes them; a company with sales cannot be deleted."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router

from salesguide.api.auth import actor
from salesguide.api.customer_schemas import (
    CompanyIn,
    CompanyListOut,
    CompanyListParams,
    CompanyOut,
    CompanyPatch,
    ContactIn,
    ContactListOut,
    ContactListParams,
    ContactOut,
    ContactPatch,
)
from salesguide.api.errors import BODY, QUERY, READ, WRITE, responses
from salesguide.api.fields import PathId
from salesguide.api.list_files import FileFormatParams, file_answer, file_operation
from salesguide.models import Company, Contact
from salesguide.queries import customers as queries
from salesguide.queries import list_files
from salesguide.services import customers, lists

router = Router()

COMPANIES = ["Companies"]
CONTACTS = ["Contacts"]


def company_out(company: Company) -> dict[str, Any]:
    return {
        "id": company.pk,
        "name": company.name,
        "org_number": company.org_number,
        "address": company.address,
        "postal_code": company.postal_code,
        "city": company.city,
        "country": company.country,
        "phone": company.phone,
        "email": company.email,
        "website": company.website,
        "notes": company.notes,
    }


def contact_out(contact: Contact) -> dict[str, Any]:
    company = contact.company
    return {
        "id": contact.pk,
        "first_name": contact.first_name,
        "last_name": contact.last_name,
        "name": contact.full_name,
        "company_id": contact.company_id,
        "company_name": company.name if company is not None else None,
        "title": contact.title,
        "email": contact.email,
        "phone": contact.phone,
    }


def _contact(contact_id: int) -> Contact:
    contact = queries.contact_card(contact_id)
    if contact is None:
        raise lists.not_found(Contact, contact_id)
    return contact


# --- companies ---------------------------------------------------------------------------------------------


@router.get(
    "/companies",
    response=responses({200: CompanyListOut}, *READ, *QUERY),
    tags=COMPANIES,
    summary="List companies by name",
    description=(
        "`q` finds companies by name, city, e-mail address or registration number, ignoring case. "
        "`format=csv` or `xlsx`: all of them as a file."
    ),
    openapi_extra=file_operation(),
)
def list_companies(request: HttpRequest, params: Query[CompanyListParams], file: Query[FileFormatParams]) -> Any:
    filters = queries.CompanyFilters(q=params.q)
    if file.format != "json":
        return file_answer(request, list_files.company_file(filters), file.format)
    result = queries.company_page(filters, limit=params.limit, after=params.after)
    return {"items": [company_out(c) for c in result.items], "next": result.next}


@router.post(
    "/companies", response=responses({201: CompanyOut}, *WRITE, *BODY), tags=COMPANIES, summary="Add a company"
)
def create_company(request: HttpRequest, payload: CompanyIn) -> tuple[int, dict[str, Any]]:
    return 201, company_out(customers.create_company(actor(request), **payload.model_dump()))


@router.get(
    "/companies/{int:id}", response=responses({200: CompanyOut}, *READ, 404), tags=COMPANIES, summary="One company"
)
def get_company(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return company_out(lists.get_item(Company, id))


@router.patch(
    "/companies/{int:id}",
    response=responses({200: CompanyOut}, *WRITE, *BODY, 404),
    tags=COMPANIES,
    summary="Change a company",
    description="Only the fields sent change. Send an empty string to empty a field; null is refused.",
)
def update_company(request: HttpRequest, id: PathId, payload: CompanyPatch) -> dict[str, Any]:
    return company_out(customers.update_company(actor(request), id, **payload.model_dump(exclude_unset=True)))


@router.delete(
    "/companies/{int:id}",
    response=responses({204: None}, *WRITE, 404, 422),
    tags=COMPANIES,
    summary="Delete a company",
    description=(
        "Its contacts stay, without a company. A company that still has sales is not deleted: 422 says how "
        "many, so they can be moved or deleted first."
    ),
)
def delete_company(request: HttpRequest, id: PathId) -> tuple[int, None]:
    customers.delete_company(actor(request), id)
    return 204, None


# --- contacts ----------------------------------------------------------------------------------------------


@router.get(
    "/contacts",
    response=responses({200: ContactListOut}, *READ, *QUERY),
    tags=CONTACTS,
    summary="List contacts by last name",
    description=(
        "`q` finds contacts by name, e-mail address, phone, job title or company name, ignoring case; "
        "`company` lists one company's contacts. `format=csv` or `xlsx`: all of them as a file."
    ),
    openapi_extra=file_operation(),
)
def list_contacts(request: HttpRequest, params: Query[ContactListParams], file: Query[FileFormatParams]) -> Any:
    filters = queries.ContactFilters(q=params.q, company=params.company)
    if file.format != "json":
        return file_answer(request, list_files.contact_file(filters), file.format)
    result = queries.contact_page(filters, limit=params.limit, after=params.after)
    return {"items": [contact_out(c) for c in result.items], "next": result.next}


@router.post(
    "/contacts",
    response=responses({201: ContactOut}, *WRITE, *BODY),
    tags=CONTACTS,
    summary="Add a contact",
    description="An unknown `company_id` is refused with 422 at that field.",
)
def create_contact(request: HttpRequest, payload: ContactIn) -> tuple[int, dict[str, Any]]:
    contact = customers.create_contact(actor(request), **payload.model_dump())
    return 201, contact_out(_contact(contact.pk))


@router.get(
    "/contacts/{int:id}", response=responses({200: ContactOut}, *READ, 404), tags=CONTACTS, summary="One contact"
)
def get_contact(request: HttpRequest, id: PathId) -> dict[str, Any]:
    return contact_out(_contact(id))


@router.patch(
    "/contacts/{int:id}",
    response=responses({200: ContactOut}, *WRITE, *BODY, 404),
    tags=CONTACTS,
    summary="Change a contact",
    description="Only the fields sent change; `company_id: null` takes the contact off their company.",
)
def update_contact(request: HttpRequest, id: PathId, payload: ContactPatch) -> dict[str, Any]:
    customers.update_contact(actor(request), id, **payload.model_dump(exclude_unset=True))
    return contact_out(_contact(id))


@router.delete(
    "/contacts/{int:id}", response=responses({204: None}, *WRITE, 404), tags=CONTACTS, summary="Delete a contact"
)
def delete_contact(request: HttpRequest, id: PathId) -> tuple[int, None]:
    customers.delete_contact(actor(request), id)
    return 204, None
