"""Companies and contacts as the lists, the cards and the API show them.

Each list is one read model used by the web list and the API list alike: a filter dataclass named as the
API's query parameters, a word search (``queries.search``: every word of ``q`` somewhere in the item, so
"jansen acme" finds Jan Jansen of Acme), an order by name ignoring case (``acme`` next to ``Acme``, not after
``Zeta``) and keyset paging on that order (``queries.paging``), so the thousandth page costs what the first
does. A page is one query.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.db.models import Count, Value
from django.db.models.functions import Concat, Lower

from salesguide.models import Company, Contact
from salesguide.queries.paging import Page, SortKey, keyset_page
from salesguide.queries.search import SearchIndex, matching, search_words

# The FTS tables on SQLite hold the text of these fields (migration 0010).
COMPANY_SEARCH = SearchIndex(("name", "city", "email", "org_number"), fts_table="salesguide_company_search")
CONTACT_SEARCH = SearchIndex(
    ("search_name", "email", "phone", "title", "company__name"), fts_table="salesguide_contact_search"
)
COMPANY_SEARCH_FIELDS = COMPANY_SEARCH.fields
CONTACT_SEARCH_FIELDS = CONTACT_SEARCH.fields


COMPANY_ORDER = (SortKey("name", expression=Lower("name")), SortKey("id"))
CONTACT_ORDER = (
    SortKey("last_name", expression=Lower("last_name")),
    SortKey("first_name", expression=Lower("first_name")),
    SortKey("id"),
)


@dataclass(frozen=True)
class CompanyFilters:
    q: str | None = None


@dataclass(frozen=True)
class ContactFilters:
    q: str | None = None
    company: int | None = None


def companies(q: str | None = None) -> models.QuerySet[Company]:
    """Companies whose name, city, e-mail address or registration number contain every word of ``q``."""
    return matching(Company.objects.all(), COMPANY_SEARCH, q)


def contacts(q: str | None = None, company_id: int | None = None) -> models.QuerySet[Contact]:
    """Contacts (with their company) whose name, e-mail, phone, job title or company name contain every word of
    ``q``; only those of one company when ``company_id`` is given."""
    queryset = Contact.objects.select_related("company")
    if company_id is not None:
        queryset = queryset.filter(company_id=company_id)
    if search_words(q):
        queryset = queryset.alias(search_name=Concat("first_name", Value(" "), "last_name"))
    return matching(queryset, CONTACT_SEARCH, q)


def company_page(filters: CompanyFilters | None = None, *, limit: int, after: str | None = None) -> Page[Company]:
    """One page of the company list by name (raises ValidationFailed for a damaged ``after``)."""
    filters = filters or CompanyFilters()
    return keyset_page(companies(filters.q), COMPANY_ORDER, limit=limit, after=after)


def contact_page(filters: ContactFilters | None = None, *, limit: int, after: str | None = None) -> Page[Contact]:
    """One page of the contact list by last name, then first name (raises ValidationFailed for a damaged
    ``after``)."""
    filters = filters or ContactFilters()
    return keyset_page(contacts(filters.q, filters.company), CONTACT_ORDER, limit=limit, after=after)


@dataclass(frozen=True)
class CompanyCard:
    company: Company
    contacts: list[Contact]
    sales_count: int


def company_card(company_id: int) -> CompanyCard | None:
    """A company with its contacts in name order and the number of its sales; None when there is no such
    company. Two queries whatever the number of contacts or sales."""
    company = Company.objects.filter(pk=company_id).annotate(sales_count=Count("sales")).first()
    if company is None:
        return None
    people = list(company.contacts.order_by(Lower("last_name"), Lower("first_name"), "id"))
    return CompanyCard(company=company, contacts=people, sales_count=company.sales_count)


def contact_card(contact_id: int) -> Contact | None:
    """A contact with their company, in one query."""
    return Contact.objects.select_related("company").filter(pk=contact_id).first()


def company_choices(q: str | None = None, *, selected_id: int | None = None, limit: int = 50) -> list[Company]:
    """Companies to pick from in a form: the selected one first (even when the search leaves it out), then the
    first ``limit`` that match ``q`` in name order. A picker never lists every company: there may be many."""
    found = list(companies(q).order_by(Lower("name"), "id")[:limit])
    if selected_id is not None and all(company.pk != selected_id for company in found):
        selected = Company.objects.filter(pk=selected_id).first()
        if selected is not None:
            found.insert(0, selected)
    return found
