"""A sale's input is checked all at once (issue 9, item 12): every problem the services refuse with 422 comes
in one answer, and an expected date in the past is a warning that does not stop the save."""

from __future__ import annotations

import datetime as dt

import pytest

from salesguide.domain.errors import ValidationFailed
from salesguide.models import Sale
from salesguide.services import catalog, customers, sale_fields, sale_lines, sale_types, sales
from salesguide.services.clock import today_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale_type(admin_user):
    stages = [catalog.create_stage(admin_user, name=n, probability=p) for n, p in (("Lead", 10), ("Offer", 50))]
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[s.pk for s in stages])


@pytest.fixture
def elsewhere(admin_user):
    """A contact who works at another company than Acme."""
    acme = customers.create_company(admin_user, name="Acme")
    other = customers.create_company(admin_user, name="Other")
    jan = customers.create_contact(admin_user, first_name="Jan", last_name="Jansen", company_id=other.pk)
    return acme, jan


def _locs(refused: pytest.ExceptionInfo[ValidationFailed]) -> set[tuple[str | int, ...]]:
    return {p.loc for p in refused.value.problems}


def test_creating_a_sale_reports_every_problem_at_once_when_several_fields_are_wrong(admin_user, sale_type, elsewhere):
    acme, jan = elsewhere

    with pytest.raises(ValidationFailed) as refused:
        sales.create_sale(
            admin_user, title=" ", sale_type_id=sale_type.pk, company_id=acme.pk, contact_id=jan.pk, currency="ZZZ"
        )

    assert _locs(refused) == {("title",), ("currency",), ("contact_id",)}
    assert not Sale.objects.exists()


def test_editing_a_sale_reports_every_problem_at_once_when_several_fields_are_wrong(admin_user, sale_type, elsewhere):
    # Given a sale with lines, so its amount is their total
    acme, jan = elsewhere
    sale = sales.create_sale(admin_user, title="Deal", sale_type_id=sale_type.pk, company_id=acme.pk)
    sale = sale_lines.replace_sale_lines(
        admin_user, sale.pk, [{"description": "Licence", "quantity": "1", "unit_price": 1000}], version=sale.version
    )

    # When
    with pytest.raises(ValidationFailed) as refused:
        sales.update_sale(
            admin_user, sale.pk, version=sale.version, title="", amount=5, contact_id=jan.pk, probability=101
        )

    # Then
    assert _locs(refused) == {("title",), ("amount",), ("contact_id",), ("probability",)}
    assert Sale.objects.get(pk=sale.pk).title == "Deal"


def test_the_check_without_saving_gives_the_same_problems_as_the_save(admin_user, sale_type, elsewhere):
    acme, jan = elsewhere

    problems = sale_fields.sale_problems({"title": "", "company_id": acme.pk, "contact_id": jan.pk})

    assert {p.loc for p in problems} == {("title",), ("contact_id",)}


def test_an_expected_date_in_the_past_is_a_warning_and_the_sale_is_saved(admin_user, sale_type):
    yesterday = today_for(admin_user) - dt.timedelta(days=1)

    sale = sales.create_sale(admin_user, title="Late", sale_type_id=sale_type.pk, expected_date=yesterday)

    assert Sale.objects.get(pk=sale.pk).expected_date == yesterday
    assert [w.message.render() for w in sale_fields.sale_warnings(admin_user, sale)] == [
        "The expected date is in the past. If the sale is still open, choose a date from today on."
    ]


def test_no_warning_for_a_date_from_today_on_or_for_a_closed_sale(admin_user, sale_type):
    today = today_for(admin_user)
    open_sale = sales.create_sale(admin_user, title="On time", sale_type_id=sale_type.pk, expected_date=today)
    closed = sales.create_sale(
        admin_user, title="Won", sale_type_id=sale_type.pk, expected_date=today - dt.timedelta(days=9)
    )
    closed = sales.close_sale_as_sold(admin_user, closed.pk, date=today - dt.timedelta(days=2))

    assert sale_fields.sale_warnings(admin_user, open_sale) == []
    assert sale_fields.sale_warnings(admin_user, closed) == []
