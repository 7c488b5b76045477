"""Importing rows (issue 11) through ``services.imports.import_rows``: where imported sales land, what matches
what, who may import what, and that any problem leaves everything as it was."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.services.import_world import ImportWorld, build_import_world, pipeline

from salesguide.domain.errors import NotAllowed
from salesguide.models import Company, Contact, Sale, StageChange
from salesguide.queries.history import history_rows
from salesguide.services import import_sales, pipeline_totals, sales
from salesguide.services.imports import ImportResult, import_rows

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any, salesperson_user: Any) -> ImportWorld:
    return build_import_world(admin_user, salesperson_user)


def problems(result: ImportResult) -> list[tuple[int, str, str]]:
    return [(p.row, p.column, p.message.render()) for p in result.problems]


def counts() -> tuple[int, int, int, int]:
    return Sale.objects.count(), StageChange.objects.count(), Company.objects.count(), Contact.objects.count()


def sale_row(**values: Any) -> dict[str, Any]:
    return {"title": "Ovens", "sale_type": "New customer", **values}


def test_imported_sales_land_in_their_stage_and_status_with_one_history_row_saying_so(world, salesperson_user):
    # Given rows for an open sale with a stage of its own, a sold one and one with only a type
    rows = [
        (2, sale_row(external_ref="CRM-1", stage="offer", company="bakkerij van der meer", amount=125050)),
        (3, sale_row(external_ref="CRM-2", stage="Lead", status="sold", closed_date=dt.date(2026, 11, 30))),
        (4, sale_row(title="Coffee machine", company="12345678", contact="anna@bakkerij.nl", probability=25)),
    ]
    # When they are imported
    result = import_rows(salesperson_user, "sales", rows)
    # Then three sales exist where the file put them, each with one "imported" history row
    assert (result.rows, result.created, result.updated, result.problems) == (3, 3, 0, [])
    first = Sale.objects.get(external_ref="CRM-1")
    assert (first.stage_id, first.status, first.probability, first.amount) == (world.offer.pk, "open", 60, 125050)
    assert first.company_id == world.bakery.pk and first.owner_id == salesperson_user.pk
    sold = Sale.objects.get(external_ref="CRM-2")
    assert (sold.status, sold.probability, sold.stage_when_closed_id) == ("sold", 100, world.lead.pk)
    assert sold.closed_date == dt.date(2026, 11, 30)
    third = Sale.objects.get(title="Coffee machine")
    assert (third.stage_id, third.probability, third.probability_is_manual) == (world.lead.pk, 25, True)
    assert (third.company_id, third.contact_id) == (world.bakery.pk, world.anna.pk)
    history = history_rows(first.pk)
    assert [row.change.kind for row in history] == ["imported"]
    assert history[0].text == "Imported from a file in stage Offer, probability 60%."


def test_the_pipeline_totals_after_an_import_are_those_a_rebuild_computes(world, salesperson_user, manager_user):
    # Given an open sale made by hand and rows for open, sold and lost sales in two currencies
    sales.create_sale(salesperson_user, title="By hand", sale_type_id=world.new.pk, amount=1000)
    rows = [
        (2, sale_row(amount=100_00, stage="Offer")),
        (3, sale_row(amount=250_00, currency="USD", probability=33)),
        (4, sale_row(amount=999, stage="Offer", status="lost")),
        (5, sale_row(amount=500, owner=manager_user.username)),
    ]
    # When they are imported by a manager
    import_rows(manager_user, "sales", rows)
    # Then the totals kept are the ones computed from the sales
    kept = pipeline()
    pipeline_totals.rebuild_pipeline_totals()
    assert kept == pipeline()


def test_importing_the_same_sale_rows_twice_changes_nothing_the_second_time(world, salesperson_user):
    # Given a file imported once
    rows = [
        (2, sale_row(external_ref="CRM-1", stage="Offer", amount=5000)),
        (3, sale_row(external_ref="CRM-2", stage="Lead", status="lost", probability=0)),
    ]
    import_rows(salesperson_user, "sales", rows)
    before = counts(), list(Sale.objects.values_list("version", "updated_at"))
    # When it is imported again
    result = import_rows(salesperson_user, "sales", rows)
    # Then nothing is created or updated
    assert (result.created, result.updated, result.problems) == (0, 0, [])
    assert (counts(), list(Sale.objects.values_list("version", "updated_at"))) == before


def test_an_existing_sale_moves_and_closes_through_the_rules_of_selling_one_history_row_per_change(
    world, salesperson_user
):
    # Given a sale imported in its first stage
    import_rows(salesperson_user, "sales", [(2, sale_row(external_ref="CRM-1"))])
    sale = Sale.objects.get(external_ref="CRM-1")
    # When a later file moves it to Offer with a new amount, and then one says it was sold
    moved = import_rows(salesperson_user, "sales", [(2, sale_row(external_ref="CRM-1", stage="Offer", amount=700))])
    closed = import_rows(salesperson_user, "sales", [(2, {"id": sale.pk, "status": "sold"})])
    # Then each import updated it through the same rules as the card: moved, then sold, one row per change
    assert (moved.updated, closed.updated) == (1, 1)
    sale.refresh_from_db()
    assert (sale.stage_id, sale.status, sale.probability, sale.amount) == (world.offer.pk, "sold", 100, 700)
    assert [row.change.kind for row in history_rows(sale.pk)] == ["imported", "stage", "sold"]


def test_a_row_that_reopens_a_sold_sale_reopens_it_as_the_card_would(world, salesperson_user):
    # Given a sold sale
    import_rows(salesperson_user, "sales", [(2, sale_row(external_ref="X", stage="Offer", status="sold"))])
    # When a file says it is open again
    result = import_rows(salesperson_user, "sales", [(2, {"external_ref": "X", "status": "open"})])
    # Then it is reopened in its stage
    sale = Sale.objects.get(external_ref="X")
    assert result.updated == 1
    assert (sale.status, sale.stage_id, sale.probability) == ("open", world.offer.pk, 60)
    assert [row.change.kind for row in history_rows(sale.pk)] == ["imported", "reopened"]


def test_every_problem_of_every_row_is_listed_and_nothing_is_written(world, salesperson_user):
    # Given a file whose rows break every kind of rule, after one good row
    before = counts()
    rows = [
        (2, sale_row(external_ref="OK-1")),
        (3, sale_row(title="", sale_type="Nonsense")),
        (4, sale_row(company="Unknown Ltd", contact="nobody@example.com")),
        (5, sale_row(company="Garage Jansen", contact="anna@bakkerij.nl")),
        (6, sale_row(stage="Order")),
        (7, sale_row(status="sold")),
        (8, sale_row(probability=140)),
        (9, sale_row(external_ref="OK-1")),
        (10, {"id": 999999, "title": "Gone"}),
        (11, sale_row(sale_type=None)),
    ]
    # When they are imported
    result = import_rows(salesperson_user, "sales", rows)
    # Then every problem is listed by row and column, and nothing changed
    assert problems(result) == [
        (3, "Title", "A title is required."),
        (3, "Sale type", "There is no sale type “Nonsense”."),
        (4, "Company", "There is no company “Unknown Ltd” (by name, registration number or id)."),
        (4, "Contact", "There is no contact “nobody@example.com” (by e-mail, name or id)."),
        (5, "Contact", "This contact works at another company."),
        (6, "Stage", "This sale type has no stage “Order”."),
        (7, "Stage", "A sold, lost or stalled sale needs the stage it was in when it closed."),
        (8, "Probability", "The probability must be a whole number from 0 to 100."),
        (9, "External reference", "Row 2 of this file is about the same record."),
        (10, "Id", "There is no sale with id 999999."),
        (11, "Sale type", "A sale type is required."),
    ]
    assert result.created == 1 and counts() == before


def test_a_dry_run_says_what_the_import_would_do_and_writes_nothing(world, salesperson_user):
    # Given a good file
    before = counts()
    rows = [(2, sale_row(external_ref="A")), (3, sale_row(external_ref="B"))]
    # When it is checked with a dry run
    result = import_rows(salesperson_user, "sales", rows, dry_run=True)
    # Then the counts say what would happen and nothing changed
    assert (result.rows, result.created, result.updated, result.problems, result.dry_run) == (2, 2, 0, [], True)
    assert counts() == before


def test_an_external_reference_repeated_in_a_later_batch_is_a_problem_too(world, salesperson_user, monkeypatch):
    # Given batches of two rows, and a reference repeated three rows later
    monkeypatch.setattr(import_sales, "BATCH", 2)
    rows = [(2, sale_row(external_ref="A")), (3, sale_row(external_ref="B")), (4, sale_row(external_ref="C"))]
    rows.append((5, sale_row(external_ref="A")))
    # When imported
    result = import_rows(salesperson_user, "sales", rows, dry_run=True)
    # Then the repeat is named, though its first row was in another batch
    assert problems(result) == [
        (5, "External reference", "An earlier row of this file has the same external reference.")
    ]


def test_a_salesperson_imports_only_their_own_sales_and_a_manager_anyones(
    world, salesperson_user, manager_user, make_user
):
    # Given a sale of another salesperson
    sally = make_user("sally", "salesperson")
    theirs = sales.create_sale(sally, title="Sally's", sale_type_id=world.new.pk)
    rows = [(2, sale_row(owner="sally")), (3, {"id": theirs.pk, "stage": "Offer"})]
    # When a salesperson imports a sale for her and a move of hers
    refused = import_rows(salesperson_user, "sales", rows)
    # Then both rows are refused; a manager's same import is not
    assert problems(refused) == [
        (2, "Owner", "Only a manager can import a sale for someone else."),
        (3, "", "Only the owner of this sale or a manager can change it."),
    ]
    allowed = import_rows(manager_user, "sales", rows)
    assert (allowed.created, allowed.updated, allowed.problems) == (1, 1, [])
    assert Sale.objects.get(title="Ovens").owner_id == sally.pk


def test_an_inactive_user_may_not_import_at_all(world, salesperson_user):
    salesperson_user.is_active = False
    salesperson_user.save()
    with pytest.raises(NotAllowed):
        import_rows(salesperson_user, "companies", [(2, {"name": "Nope"})])


def test_companies_match_by_id_registration_number_then_name_ignoring_case(world, salesperson_user):
    # Given rows naming the bakery by its number, the garage by its name in capitals, and a new company
    rows = [
        (2, {"name": "Bakkerij Van der Meer B.V.", "org_number": "12345678", "city": "Utrecht"}),
        (3, {"name": "GARAGE JANSEN", "city": "Haarlem"}),
        (4, {"id": world.garage.pk, "name": "Garage Jansen"}),
        (5, {"name": "Drukkerij Delta", "city": "Delft"}),
    ]
    # When imported
    result = import_rows(salesperson_user, "companies", rows)
    # Then the bakery is updated, the garage's second row is refused as a repeat, nothing written
    assert problems(result) == [(4, "", "Row 3 of this file is about the same record.")]
    assert Company.objects.count() == 2
    # And without the repeat: the bakery and the garage updated as the file spells them, one new company
    result = import_rows(salesperson_user, "companies", [row for row in rows if row[0] != 4])
    assert (result.created, result.updated, result.problems) == (1, 2, [])
    world.bakery.refresh_from_db()
    world.garage.refresh_from_db()
    assert (world.bakery.name, world.bakery.city) == ("Bakkerij Van der Meer B.V.", "Utrecht")
    assert (world.garage.name, world.garage.city, Company.objects.count()) == ("GARAGE JANSEN", "Haarlem", 3)
    again = import_rows(salesperson_user, "companies", [row for row in rows if row[0] != 4])
    assert (again.created, again.updated) == (0, 0)


def test_contacts_match_by_email_and_name_their_company(world, salesperson_user):
    # Given a row for Anna (by e-mail, in capitals) at another company, and a new contact at the bakery
    rows = [
        (2, {"first_name": "Anna", "last_name": "de Vries", "email": "ANNA@bakkerij.nl", "company": "Garage Jansen"}),
        (3, {"first_name": "Piet", "last_name": "Bakker", "email": "piet@bakkerij.nl", "company": "12345678"}),
        (4, {"last_name": "", "company": "Nowhere"}),
    ]
    # When imported: the bad row stops everything
    result = import_rows(salesperson_user, "contacts", rows)
    assert problems(result) == [
        (4, "Company", "There is no company “Nowhere” (by name, registration number or id)."),
    ]
    assert Contact.objects.count() == 1
    # Then without it: Anna moves to the garage, Piet is new at the bakery; twice changes nothing
    result = import_rows(salesperson_user, "contacts", rows[:2])
    assert (result.created, result.updated, result.problems) == (1, 1, [])
    world.anna.refresh_from_db()
    assert world.anna.company_id == world.garage.pk
    assert Contact.objects.get(email="piet@bakkerij.nl").company_id == world.bakery.pk
    again = import_rows(salesperson_user, "contacts", rows[:2])
    assert (again.created, again.updated) == (0, 0)


def test_a_company_row_with_bad_fields_names_each_one(world, salesperson_user):
    result = import_rows(salesperson_user, "companies", [(2, {"name": "", "email": "not-an-address"})])
    assert problems(result) == [(2, "Name", "A name is required.")]
    result = import_rows(salesperson_user, "companies", [(2, {"name": "Delta", "email": "not-an-address"})])
    assert problems(result) == [(2, "E-mail", "Enter a valid e-mail address.")]
    assert Company.objects.count() == 2


def test_a_batch_finds_its_sales_by_external_reference_through_the_index_not_by_reading_every_sale(
    world, salesperson_user
):
    # Given sales imported with external references
    # (over a hundred: PostgreSQL proves a short IN list excludes the empty reference, a longer one it does not)
    rows = [(n, sale_row(external_ref=f"CRM-{n}", stage="Offer")) for n in range(2, 152)]
    import_rows(salesperson_user, "sales", rows)
    # When the file comes again, the query that finds each batch's stored sales by reference
    with CaptureQueriesContext(connection) as captured:
        result = import_rows(salesperson_user, "sales", rows)
    assert (result.created, result.updated, result.problems) == (0, 0, [])
    [lookup] = [q["sql"] for q in captured.captured_queries if "IN (" in q["sql"] and "external_ref" in q["sql"]]
    # Then it reads the external reference's (partial) unique index: a million sales cost no full scan a batch.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {lookup}")
            plan = " ".join(str(row[-1]) for row in cursor.fetchall())
        else:
            cursor.execute("SET LOCAL enable_seqscan = off")
            cursor.execute(f"EXPLAIN {lookup}")
            plan = " ".join(row[0] for row in cursor.fetchall())
    assert "sale_external_ref_unique" in plan, plan
