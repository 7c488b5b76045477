"""Companies and contacts as the lists, the cards and the API show them.

Lists sort by name ignoring case (``acme`` next to ``Acme``, not after ``Zeta``) and page by keyset on that
sort, so the thousandth page costs what the first does. A search matches every word of ``q`` somewhere in the
item, so "jansen acme" finds Jan Jansen of Acme.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import reduce

from django.db import models
from django.db.models import Count, Q, Value
from django.db.models.functions import Concat, Lower

from salesguide.models import Company, Contact
from salesguide.queries.paging import Page, decode_cursor, encode_cursor

# A longer search is a paste accident, not a query; the words after these are ignored.
MAX_SEARCH_WORDS = 8

COMPANY_SEARCH_FIELDS = ("name", "city", "email", "org_number")
CONTACT_SEARCH_FIELDS = ("search_name", "email", "phone", "title", "company__name")


@dataclass(frozen=True)
class SortKey:
    """One column of a list's order: the annotation it is sorted on, its expression, and the model field whose
    type a cursor value must have."""

    alias: str
    expression: models.Expression | models.F
    field: str


COMPANY_ORDER = (SortKey("sort_name", Lower("name"), "name"), SortKey("sort_id", models.F("id"), "id"))
CONTACT_ORDER = (
    SortKey("sort_last", Lower("last_name"), "last_name"),
    SortKey("sort_first", Lower("first_name"), "first_name"),
    SortKey("sort_id", models.F("id"), "id"),
)


def search_words(q: str | None) -> list[str]:
    return (q or "").split()[:MAX_SEARCH_WORDS]


def _matching(queryset: models.QuerySet, fields: Sequence[str], q: str | None) -> models.QuerySet:
    for word in search_words(q):
        queryset = queryset.filter(reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return queryset


def companies(q: str | None = None) -> models.QuerySet[Company]:
    """Companies whose name, city, e-mail address or registration number contain every word of ``q``."""
    return _matching(Company.objects.all(), COMPANY_SEARCH_FIELDS, q)


def contacts(q: str | None = None, company_id: int | None = None) -> models.QuerySet[Contact]:
    """Contacts (with their company) whose name, e-mail, phone, job title or company name contain every word of
    ``q``; only those of one company when ``company_id`` is given."""
    queryset = Contact.objects.select_related("company")
    if company_id is not None:
        queryset = queryset.filter(company_id=company_id)
    if search_words(q):
        queryset = queryset.alias(search_name=Concat("first_name", Value(" "), "last_name"))
    return _matching(queryset, CONTACT_SEARCH_FIELDS, q)


def sorted_page(queryset: models.QuerySet, order: Sequence[SortKey], *, limit: int, after: str | None = None) -> Page:
    """One page of ``queryset`` in ``order`` (ascending; the last key unique), after the cursor ``after``.

    Like ``paging.keyset_page`` (and with its cursors), but on expressions such as ``Lower("name")``, which
    that function's field names cannot express."""
    queryset = queryset.annotate(**{key.alias: key.expression for key in order})
    if after is not None:
        values = decode_cursor(after, queryset.model, [key.field for key in order])
        later = []
        for index, key in enumerate(order):
            equal = {order[i].alias: values[i] for i in range(index)}
            later.append(Q(**equal, **{f"{key.alias}__gt": values[index]}))
        queryset = queryset.filter(reduce(lambda a, b: a | b, later))
    rows = list(queryset.order_by(*(key.alias for key in order))[: limit + 1])
    items = rows[:limit]
    next_cursor = None
    if len(rows) > limit:
        next_cursor = encode_cursor([getattr(items[-1], key.alias) for key in order])
    return Page(items=items, next=next_cursor)


def company_page(q: str | None = None, *, limit: int, after: str | None = None) -> Page[Company]:
    return sorted_page(companies(q), COMPANY_ORDER, limit=limit, after=after)


def contact_page(
    q: str | None = None, company_id: int | None = None, *, limit: int, after: str | None = None
) -> Page[Contact]:
    return sorted_page(contacts(q, company_id), CONTACT_ORDER, limit=limit, after=after)


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
    return CompanyCard(company=company, contacts=people, sales_count=company.sales_count)  # type: ignore[attr-defined]


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
