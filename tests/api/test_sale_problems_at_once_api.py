"""The API reports every problem with a sale's body at once (issue 9, item 12): what the schema cannot read and
what the services refuse come in one 422 answer, each at its place."""

from __future__ import annotations

import pytest

from salesguide.models import Sale
from salesguide.services import catalog, customers, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def sale_type(admin_user):
    stages = [catalog.create_stage(admin_user, name=n, probability=p) for n, p in (("Lead", 10), ("Offer", 50))]
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[s.pk for s in stages])


def _problems(response) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {".".join(map(str, item["loc"])): item["msg"] for item in response.json()["detail"]}


def test_a_new_sale_with_no_title_and_an_unreadable_amount_gets_both_problems_in_one_answer(api, sale_type):
    response = api.post("sales", {"title": " ", "sale_type_id": sale_type.pk, "amount": "twelve", "currency": "ZZZ"})

    assert _problems(response) == {
        "body.amount": "Enter a whole number.",
        "body.title": "A title is required.",
        "body.currency": "Use a three-letter ISO 4217 code, such as EUR.",
    }
    assert not Sale.objects.exists()


def test_the_services_problems_come_together_when_the_body_reads_fine(api, admin_user, sale_type):
    acme = customers.create_company(admin_user, name="Acme")
    other = customers.create_company(admin_user, name="Other")
    piet = customers.create_contact(admin_user, first_name="Piet", last_name="Pieters", company_id=other.pk)

    response = api.post(
        "sales", {"title": "", "sale_type_id": sale_type.pk, "company_id": acme.pk, "contact_id": piet.pk}
    )

    assert _problems(response) == {
        "body.title": "A title is required.",
        "body.contact_id": "This contact works at another company.",
    }


def test_a_change_with_no_title_and_an_unreadable_date_gets_both_problems_in_dutch(
    make_api, token_for, admin_user, sale_type
):
    # Given
    sale = sales.create_sale(admin_user, title="Deal", sale_type_id=sale_type.pk)
    dutch = make_api(token_for(admin_user), language="nl")

    # When
    response = dutch.patch(f"sales/{sale.pk}", {"version": sale.version, "title": "", "expected_date": "soon"})

    # Then
    problems = _problems(response)
    assert problems["body.title"] == "Een titel is verplicht."
    assert set(problems) == {"body.title", "body.expected_date"}
    assert Sale.objects.get(pk=sale.pk).title == "Deal"
