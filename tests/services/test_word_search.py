"""Word search through the search indexes (decision 0009) finds exactly what the plain rule finds: every word of
the query, ignoring case, in at least one of the list's fields. On SQLite the FTS5 tables kept by triggers narrow
the rows first, on PostgreSQL trigram indexes; these tests hold the answers to the rule, ``icontains`` per word,
on whichever database the suite runs."""

from __future__ import annotations

from collections.abc import Sequence
from functools import reduce
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from salesguide.models import Company, Contact, Sale, SaleType
from salesguide.queries.customers import CompanyFilters, companies, company_page, contacts
from salesguide.queries.sale_list import SaleFilters, sale_page, sale_row_page, sales
from salesguide.queries.search import search_words
from salesguide.services.word_search import sales_inserted_in_bulk

pytestmark = pytest.mark.django_db

# Letters of both cases (with a few that fold differently per database), digits, and what FTS5, LIKE and
# Python treat specially: quotes, wildcards, an asterisk, a hyphen, a colon.
ALPHABET = "abcABCxyzéÉİßẞ019 %_\"'*-:"
TEXT = st.text(alphabet=ALPHABET, min_size=0, max_size=14)
QUERY = st.text(alphabet=ALPHABET, min_size=0, max_size=10)


def by_the_rule(queryset: QuerySet[Any], fields: Sequence[str], q: str) -> set[int]:
    """The ids the plain rule finds: every word ``icontains`` in one of the fields (a full scan)."""
    for word in search_words(q):
        queryset = queryset.filter(reduce(lambda a, b: a | b, (Q(**{f"{f}__icontains": word}) for f in fields)))
    return set(queryset.values_list("id", flat=True))


@pytest.fixture
def owner(make_user: Any) -> Any:
    return make_user("searcher", "manager")


@pytest.fixture
def sale_type(db: None) -> SaleType:
    return SaleType.objects.create(name="Search type")


def make_sale(title: str, company: Company | None, owner: Any, sale_type: SaleType) -> Sale:
    return Sale.objects.create(title=title, company=company, owner=owner, sale_type=sale_type)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=st.lists(st.tuples(TEXT, st.none() | TEXT), min_size=1, max_size=6), q=QUERY)
def test_the_sale_search_finds_exactly_what_the_plain_rule_finds(
    owner: Any, sale_type: SaleType, made: list[tuple[str, str | None]], q: str
) -> None:
    # Given sales with random titles, some at companies with random names
    for title, company_name in made:
        company = None if company_name is None else Company.objects.create(name=company_name)
        make_sale(title, company, owner, sale_type)

    # When a random query is searched
    found = set(sales(SaleFilters(q=q)).values_list("id", flat=True))

    # Then the sales found are those the rule finds, newest first through both pages
    expected = by_the_rule(Sale.objects.all(), ("title", "company__name"), q)
    assert found == expected
    page = sale_page(SaleFilters(q=q), limit=1000)
    assert [sale.pk for sale in page.items] == sorted(expected, reverse=True)
    rows = sale_row_page(SaleFilters(q=q), limit=1000)
    assert [row.id for row in rows.items] == sorted(expected, reverse=True)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=st.lists(st.tuples(TEXT, TEXT, TEXT, TEXT), min_size=1, max_size=5), q=QUERY)
def test_the_company_search_finds_exactly_what_the_plain_rule_finds(
    db: None, made: list[tuple[str, str, str, str]], q: str
) -> None:
    # Given companies with a random name, city, e-mail address and registration number
    for name, city, email, org_number in made:
        Company.objects.create(name=name, city=city, email=email, org_number=org_number)

    # When a random query is searched
    found = set(companies(q).values_list("id", flat=True))

    # Then the companies found are those the rule finds
    assert found == by_the_rule(Company.objects.all(), ("name", "city", "email", "org_number"), q)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(made=st.lists(st.tuples(TEXT, TEXT, TEXT, st.none() | TEXT), min_size=1, max_size=5), q=QUERY)
def test_the_contact_search_finds_exactly_what_the_plain_rule_finds(
    db: None, made: list[tuple[str, str, str, str | None]], q: str
) -> None:
    # Given contacts with random names, e-mail addresses and job titles, some at a company with a random name
    for first_name, last_name, email_or_title, company_name in made:
        company = None if company_name is None else Company.objects.create(name=company_name)
        Contact.objects.create(
            first_name=first_name,
            last_name=last_name,
            email=email_or_title,
            title=email_or_title[::-1],
            company=company,
        )

    # When a random query is searched
    found = set(contacts(q).values_list("id", flat=True))

    # Then the contacts found are those the rule finds
    everyone = Contact.objects.alias(search_name=Concat("first_name", Value(" "), "last_name"))
    assert found == by_the_rule(everyone, ("search_name", "email", "phone", "title", "company__name"), q)


def test_a_renamed_company_is_found_by_its_new_name_in_the_sale_and_contact_lists(
    owner: Any, sale_type: SaleType
) -> None:
    # Given a sale and a contact at "Acme Trading"
    acme = Company.objects.create(name="Acme Trading")
    sale = make_sale("Printers", acme, owner, sale_type)
    contact = Contact.objects.create(first_name="Jan", last_name="Jansen", company=acme)

    # When the company is renamed to "Zenith Holding"
    acme.name = "Zenith Holding"
    acme.save()

    # Then both are found by the new name and no longer by the old one
    assert list(sales(SaleFilters(q="zenith")).values_list("id", flat=True)) == [sale.pk]
    assert list(sales(SaleFilters(q="acme")).values_list("id", flat=True)) == []
    assert list(contacts("zenith jan").values_list("id", flat=True)) == [contact.pk]
    assert list(contacts("acme").values_list("id", flat=True)) == []
    assert list(companies("zenith").values_list("id", flat=True)) == [acme.pk]


def test_an_edited_moved_or_deleted_sale_is_found_as_it_is_now(owner: Any, sale_type: SaleType) -> None:
    # Given a sale "Printers" at Acme, and a company Bolt
    acme, bolt = Company.objects.create(name="Acme"), Company.objects.create(name="Bolt")
    sale = make_sale("Printers", acme, owner, sale_type)

    # When its title changes and it moves to Bolt
    sale.title = "Scanners"
    sale.company = bolt
    sale.save()

    # Then it is found by what it is now, not by what it was
    assert [s.pk for s in sale_page(SaleFilters(q="scanners bolt"), limit=10).items] == [sale.pk]
    assert sale_page(SaleFilters(q="printers"), limit=10).items == []
    assert sale_page(SaleFilters(q="acme"), limit=10).items == []

    # And once deleted it is found no more
    sale.delete()
    assert sale_page(SaleFilters(q="scanners"), limit=10).items == []


def test_a_search_pages_newest_first_with_cursors_that_carry_on_where_the_last_page_stopped(
    owner: Any, sale_type: SaleType
) -> None:
    # Given seven sales, five of them about "renewal" (one only through its company's name)
    renewals = Company.objects.create(name="Renewal Partners")
    made = [
        make_sale(title, company, owner, sale_type)
        for title, company in [
            ("Licence renewal", None),
            ("Printers", None),
            ("Support RENEWAL", None),
            ("Audit", renewals),
            ("Renewal 2027", None),
            ("Scanners", None),
            ("renewal of the lease", None),
        ]
    ]
    expected = [sale.pk for sale in reversed(made) if sale.title not in ("Printers", "Scanners")]

    # When the search is read two at a time, through the API's page and the web list's rows
    def walk(read: Any) -> list[int]:
        seen: list[int] = []
        after = None
        while True:
            page = read(after)
            seen += [item.pk if isinstance(item, Sale) else item.id for item in page.items]
            if page.next is None:
                return seen
            after = page.next

    api_order = walk(lambda after: sale_page(SaleFilters(q="renewal"), limit=2, after=after))
    web_order = walk(lambda after: sale_row_page(SaleFilters(q="renewal"), limit=2, after=after))

    # Then both give the five, newest first, each once
    assert api_order == expected
    assert web_order == expected


def test_a_short_word_is_searched_by_the_rule_alone_and_still_narrows_the_list(owner: Any, sale_type: SaleType) -> None:
    # Given "Big deal" at ACME and "Big plan" at Bolt
    deal = make_sale("Big deal", Company.objects.create(name="ACME"), owner, sale_type)
    make_sale("Big plan", Company.objects.create(name="Bolt"), owner, sale_type)

    # When searched for "de" (too short for the trigram index) with and without a longer word
    # Then only the deal is found
    assert [s.pk for s in sale_page(SaleFilters(q="de"), limit=10).items] == [deal.pk]
    assert [s.pk for s in sale_page(SaleFilters(q="big de"), limit=10).items] == [deal.pk]
    assert [s.pk for s in sale_page(SaleFilters(q="acm g"), limit=10).items] == [deal.pk]


def test_the_company_list_searched_pages_by_name(db: None) -> None:
    # Given three companies in Utrecht and one elsewhere
    for name, city in [("Cedar", "Utrecht"), ("alpha", "Utrecht"), ("Bravo", "Utrecht"), ("Delta", "Gent")]:
        Company.objects.create(name=name, city=city)

    # When the list is searched for "utrecht", two at a time
    first = company_page(CompanyFilters(q="utrecht"), limit=2)
    second = company_page(CompanyFilters(q="utrecht"), limit=2, after=first.next)

    # Then they come by name, ignoring case
    assert [c.name for c in first.items + second.items] == ["alpha", "Bravo", "Cedar"]
    assert second.next is None


def test_every_search_index_is_in_place_after_the_migrations(db: None) -> None:
    # Given a migrated database; when its search triggers (SQLite) or trigram indexes (PostgreSQL) are listed
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%%_search_%%'")
        else:
            cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%_trgm_idx'")
        names = {row[0] for row in cursor.fetchall()}

    # Then every one is there (on SQLite a table rebuilt by a later migration loses its triggers: that migration
    # must create them again)
    assert len(names) == (10 if connection.vendor == "sqlite" else 9)


def test_sales_inserted_in_bulk_are_found_once_the_bulk_block_ends(owner: Any, sale_type: SaleType) -> None:
    # Given a sale made one at a time
    acme = Company.objects.create(name="Acme")
    single = make_sale("Printer renewal", acme, owner, sale_type)

    # When two more are inserted in bulk inside a transaction
    with transaction.atomic(), sales_inserted_in_bulk():
        made = Sale.objects.bulk_create(
            [Sale(title=title, company=acme, owner=owner, sale_type=sale_type) for title in ("Scanner renewal", "Ink")]
        )

    # Then all three are searched as if made one by one, and a sale made afterwards too
    later = make_sale("Toner renewal", None, owner, sale_type)
    assert [s.pk for s in sale_page(SaleFilters(q="renewal"), limit=10).items] == [later.pk, made[0].pk, single.pk]
    assert [s.pk for s in sale_page(SaleFilters(q="acme ink"), limit=10).items] == [made[1].pk]


def test_a_failed_bulk_block_leaves_no_sales_and_the_search_as_it_was(owner: Any, sale_type: SaleType) -> None:
    # Given a sale "Printer renewal"
    single = make_sale("Printer renewal", None, owner, sale_type)

    # When a bulk block fails halfway
    with pytest.raises(ValueError), transaction.atomic(), sales_inserted_in_bulk():
        Sale.objects.bulk_create([Sale(title="Scanner renewal", owner=owner, sale_type=sale_type)])
        raise ValueError("a problem in row 2")

    # Then nothing of it stays, and a sale made afterwards is found as ever
    later = make_sale("Toner renewal", None, owner, sale_type)
    assert [s.pk for s in sale_page(SaleFilters(q="renewal"), limit=10).items] == [later.pk, single.pk]
