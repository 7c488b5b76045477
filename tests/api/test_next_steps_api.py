"""``GET /api/v1/sales/{id}/next-steps`` (SPEC 6.1, issue 12): what to do next on a sale and why, ranked by
``domain.next_steps`` over the facts ``queries.next_steps`` reads; texts in the request's language, actions only
for someone who may change the sale."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.api.test_sale_guide_api import _build_guide

from salesguide.services import activities, customers, guides, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def guide(admin_user):
    return _build_guide(admin_user)


@pytest.fixture
def sale(guide, admin_user):
    acme = customers.create_company(admin_user, name="Acme")
    return sales.create_sale(admin_user, title="Ten licences", sale_type_id=guide.sale_type.pk, company_id=acme.pk)


def steps(response):
    assert response.status_code == 200, response.content
    return [(s["kind"], s["text"], s["reason"], s["action"]) for s in response.json()]


def test_a_new_sale_is_told_to_plan_its_guide_s_first_follow_up(api, sale, guide):
    first = guide.followups[0]

    plan_first = {"kind": "create_followup", "target_id": first.pk}
    assert steps(api.get(f"sales/{sale.pk}/next-steps")) == [
        ("nothing_planned", "Plan the next activity", "No activity planned", plan_first),
        ("guide_step", "Plan: Follow-up 1.1", "Next guide step: Follow-up 1.1", plan_first),
    ]


def test_an_overdue_activity_comes_first_with_its_date_in_the_reader_s_language(
    api, make_api, token_for, admin_user, sale, guide
):
    start = dt.datetime(2020, 3, 3, 9, 30, tzinfo=timezone.get_default_timezone())
    late = activities.create_activity(
        admin_user, activity_type_id=guide.call.pk, title="Call Anna", start=start, sale_id=sale.pk
    )
    dutch = make_api(token_for(admin_user), language="nl")

    english = api.get(f"sales/{sale.pk}/next-steps").json()
    nederlands = dutch.get(f"sales/{sale.pk}/next-steps").json()

    assert english[0] == {
        "kind": "overdue",
        "text": "Catch up: Call Anna",
        "reason": "Overdue: Call Anna on 3 Mar 2020",
        "due": start.isoformat(),
        "action": {"kind": "open_activity", "target_id": late.pk},
    }
    assert [(s["text"], s["reason"]) for s in nederlands[:2]] == [
        ("Inhalen: Call Anna", "Te laat: Call Anna op 3 mrt 2020"),
        ("De volgende activiteit plannen", "Geen activiteit gepland"),
    ]


def test_a_required_item_of_the_current_stage_comes_before_everything_but_what_is_overdue(
    api, make_api, token_for, admin_user, sale, guide
):
    # Given the stage's second follow-up and a document of the stage marked required
    second = guide.followups[1]
    guides.update_suggested_followup(admin_user, second.pk, required=True)
    offer = guides.add_suggested_document(
        admin_user, guide.sale_type.pk, guide.stages[0].pk, name="Offer", template_id=guide.template.pk, required=True
    )
    dutch = make_api(token_for(admin_user), language="nl")

    # When
    english = steps(api.get(f"sales/{sale.pk}/next-steps"))
    nederlands = steps(dutch.get(f"sales/{sale.pk}/next-steps"))

    # Then
    first = guide.followups[0]
    plan_first = {"kind": "create_followup", "target_id": first.pk}
    assert english == [
        (
            "required",
            "Plan: Follow-up 1.2",
            "Required before leaving this stage: Follow-up 1.2",
            {"kind": "create_followup", "target_id": second.pk},
        ),
        (
            "required",
            "Create: Offer",
            "Required before leaving this stage: Offer",
            {"kind": "create_document", "target_id": offer.pk},
        ),
        ("nothing_planned", "Plan the next activity", "No activity planned", plan_first),
        ("guide_step", "Plan: Follow-up 1.1", "Next guide step: Follow-up 1.1", plan_first),
    ]
    assert nederlands[0][2] == "Verplicht voordat de verkoop deze fase verlaat: Follow-up 1.2"


def test_someone_who_may_not_change_the_sale_sees_the_steps_without_actions(salesperson_api, sale):
    body = salesperson_api.get(f"sales/{sale.pk}/next-steps").json()

    assert [s["kind"] for s in body] == ["nothing_planned", "guide_step"]
    assert [s["action"] for s in body] == [None, None]


def test_a_sold_sale_has_no_next_steps(api, admin_user, sale):
    sales.close_sale_as_sold(admin_user, sale.pk)

    assert api.get(f"sales/{sale.pk}/next-steps").json() == []


def test_an_unknown_sale_is_404_with_a_detail(api):
    response = api.get("sales/999999/next-steps")

    assert response.status_code == 404
    assert response.json()["detail"]


def test_the_statements_do_not_grow_with_the_sale_s_activities(api, admin_user, sale, guide):
    guides.update_suggested_followup(admin_user, guide.followups[0].pk, required=True)

    def counted() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert api.get(f"sales/{sale.pk}/next-steps").status_code == 200
        return len(captured)

    counted()  # the first request of a token also notes when it was last used
    few = counted()
    for n in range(6):
        activities.create_activity(
            admin_user,
            activity_type_id=guide.call.pk,
            title=f"Call {n}",
            start=timezone.now() + dt.timedelta(days=n - 3),
            sale_id=sale.pk,
        )
    assert counted() == few == 8
