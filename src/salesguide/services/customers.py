"""Companies and contacts: create, change, delete.

Every logged-in user works with customers (salespeople create the companies they sell to), so any active user
may write them. Deleting is open to everyone too, because the one deletion that would lose work — a company
that still has sales — is refused for everybody.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import ProtectedError

from salesguide.domain import customers as rules
from salesguide.domain.catalog import raise_if_problems
from salesguide.domain.errors import FieldProblem
from salesguide.models import Company, Contact, User
from salesguide.services import lists
from salesguide.services.permissions import require_user

_UNSET: Any = object()


def _given(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: value for name, value in fields.items() if value is not _UNSET}


def _stored(fields: dict[str, Any]) -> dict[str, Any]:
    return {name: rules.cleaned(value) for name, value in fields.items()}


# --- companies ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_company(
    actor: User,
    *,
    name: str,
    org_number: str = "",
    address: str = "",
    postal_code: str = "",
    city: str = "",
    country: str = "",
    phone: str = "",
    email: str = "",
    website: str = "",
    notes: str = "",
) -> Company:
    require_user(actor)
    fields = {
        "name": name,
        "org_number": org_number,
        "address": address,
        "postal_code": postal_code,
        "city": city,
        "country": country,
        "phone": phone,
        "email": email,
        "website": website,
        "notes": notes,
    }
    raise_if_problems(rules.company_problems(fields))
    return Company.objects.create(**_stored(fields))


@transaction.atomic
def update_company(
    actor: User,
    company_id: int,
    *,
    name: Any = _UNSET,
    org_number: Any = _UNSET,
    address: Any = _UNSET,
    postal_code: Any = _UNSET,
    city: Any = _UNSET,
    country: Any = _UNSET,
    phone: Any = _UNSET,
    email: Any = _UNSET,
    website: Any = _UNSET,
    notes: Any = _UNSET,
) -> Company:
    """Change the fields that are given; the others keep their value."""
    require_user(actor)
    company = lists.get_item(Company, company_id)
    changes = _given(
        {
            "name": name,
            "org_number": org_number,
            "address": address,
            "postal_code": postal_code,
            "city": city,
            "country": country,
            "phone": phone,
            "email": email,
            "website": website,
            "notes": notes,
        }
    )
    raise_if_problems(rules.company_problems(changes))
    for field, value in _stored(changes).items():
        setattr(company, field, value)
    company.save()
    return company


@transaction.atomic
def delete_company(actor: User, company_id: int) -> Company:
    """Delete a company that has no sales. Its contacts stay, without a company; activities and documents that
    named it keep their sale and contact."""
    require_user(actor)
    company = lists.get_item(Company, company_id)
    rules.check_company_can_be_deleted(company.sales.count())
    pk = company.pk
    try:
        with transaction.atomic():
            company.delete()
    except ProtectedError:
        # Someone added a sale between the count and the delete.
        rules.check_company_can_be_deleted(max(1, company.sales.count()))
        raise
    company.pk = pk
    return company


# --- contacts ----------------------------------------------------------------------------------------------


def _company_problems(company_id: Any) -> list[FieldProblem]:
    if company_id is None:
        return []
    if (
        isinstance(company_id, bool)
        or not isinstance(company_id, int)
        or not Company.objects.filter(pk=company_id).exists()
    ):
        return [rules.unknown_company_problem(company_id)]
    return []


@transaction.atomic
def create_contact(
    actor: User,
    *,
    last_name: str,
    first_name: str = "",
    company_id: int | None = None,
    title: str = "",
    email: str = "",
    phone: str = "",
) -> Contact:
    require_user(actor)
    fields = {"first_name": first_name, "last_name": last_name, "title": title, "email": email, "phone": phone}
    raise_if_problems(rules.contact_problems(fields) + _company_problems(company_id))
    return Contact.objects.create(company_id=company_id, **_stored(fields))


@transaction.atomic
def update_contact(
    actor: User,
    contact_id: int,
    *,
    first_name: Any = _UNSET,
    last_name: Any = _UNSET,
    company_id: Any = _UNSET,
    title: Any = _UNSET,
    email: Any = _UNSET,
    phone: Any = _UNSET,
) -> Contact:
    """Change the fields that are given; ``company_id=None`` takes the contact away from their company."""
    require_user(actor)
    contact = lists.get_item(Contact, contact_id)
    changes = _given({"first_name": first_name, "last_name": last_name, "title": title, "email": email, "phone": phone})
    company_problems = _company_problems(company_id) if company_id is not _UNSET else []
    raise_if_problems(rules.contact_problems(changes) + company_problems)
    for field, value in _stored(changes).items():
        setattr(contact, field, value)
    if company_id is not _UNSET:
        contact.company_id = company_id
    contact.save()
    return contact


@transaction.atomic
def delete_contact(actor: User, contact_id: int) -> Contact:
    """Delete a contact. Sales, activities and documents that named them keep everything else."""
    require_user(actor)
    contact = lists.get_item(Contact, contact_id)
    pk = contact.pk
    contact.delete()
    contact.pk = pk
    return contact
