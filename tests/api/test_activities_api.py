"""Activities through the API: plan, read, change, complete, reopen, delete, who may, and the list with its
filters and pages."""

from __future__ import annotations

import base64
import datetime as dt
import json

import pytest
from django.utils import timezone

from salesguide.models import Activity
from salesguide.services import catalog, customers, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def call(admin_user):
    return catalog.create_activity_type(admin_user, name="Phone call", kind="call", default_duration_minutes=15)


@pytest.fixture
def sale_type(admin_user):
    stages = [catalog.create_stage(admin_user, name=name, probability=p) for name, p in (("Lead", 10), ("Offer", 50))]
    return sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[s.pk for s in stages])


@pytest.fixture
def acme(admin_user):
    return customers.create_company(admin_user, name="Acme")


@pytest.fixture
def jan(admin_user, acme):
    return customers.create_contact(admin_user, first_name="Jan", last_name="Jansen", company_id=acme.pk)


@pytest.fixture
def sale(admin_user, sale_type, acme, jan):
    return sales.create_sale(
        admin_user, title="Ten licences", sale_type_id=sale_type.pk, company_id=acme.pk, contact_id=jan.pk
    )


@pytest.fixture
def plan(api, call):
    def _plan(start="2031-01-10T10:00:00+01:00", client=None, **fields):
        body = {"activity_type_id": call.pk, "title": "Call Jan", "start": start, **fields}
        response = (client or api).post("activities", body)
        assert response.status_code == 201, response.content
        return response.json()

    return _plan


# --- planning -----------------------------------------------------------------------------------------------------


def test_an_activity_on_a_sale_takes_its_company_contact_and_the_type_duration(api, admin_user, call, sale):
    # When
    response = api.post(
        "activities",
        {"activity_type_id": call.pk, "title": "Call Jan", "start": "2031-01-10T10:00:00+01:00", "sale_id": sale.pk},
    )

    # Then
    assert response.status_code == 201
    activity = response.json()
    assert activity == {
        "id": activity["id"],
        "activity_type_id": call.pk,
        "activity_type_name": "Phone call",
        "title": "Call Jan",
        "text": "",
        "start": "2031-01-10T10:00:00+01:00",
        "duration_minutes": 15,
        "owner_id": admin_user.pk,
        "sale_id": sale.pk,
        "company_id": sale.company_id,
        "contact_id": sale.contact_id,
        "completed": False,
        "completed_at": None,
        "suggested_followup_id": None,
        "overdue": False,
    }
    assert api.get(f"activities/{activity['id']}").json() == activity
    assert api.get(f"sales/{sale.pk}").json()["next_activity_date"] == "2031-01-10"


def test_a_time_without_an_offset_is_refused_as_api_md_asks_for_one(api, call):
    # When (issue 9, item 24: which zone a client meant is not the server's to guess)
    response = api.post("activities", {"activity_type_id": call.pk, "title": "Call", "start": "2031-07-01T09:30:00"})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {"loc": ["body", "start"], "msg": "Give the time with its offset, such as 2031-01-31T09:30:00+01:00."}
    ]


def test_a_start_with_an_unusual_offset_is_kept_as_the_same_moment(plan):
    # When (PostgreSQL itself refuses offsets beyond 16 hours)
    activity = plan(start="2031-02-06T14:25:00+22:20")

    # Then
    assert activity["start"] == "2031-02-05T17:05:00+01:00"


@pytest.mark.parametrize("start", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00", "tomorrow"])
def test_an_impossible_start_is_refused_with_422_at_the_field(api, call, start):
    # When
    response = api.post("activities", {"activity_type_id": call.pk, "title": "Call", "start": start})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["body", "start"]
    assert Activity.objects.count() == 0


def test_an_activity_without_a_title_or_with_an_unknown_type_is_refused(api, call):
    # When
    untitled = api.post("activities", {"activity_type_id": call.pk, "title": "", "start": "2031-01-10T10:00:00Z"})
    untyped = api.post("activities", {"activity_type_id": 777, "title": "Call", "start": "2031-01-10T10:00:00Z"})

    # Then
    assert untitled.status_code == 422
    assert untitled.json() == {"detail": [{"loc": ["body", "title"], "msg": "A title is required."}]}
    assert untyped.status_code == 404
    assert untyped.json() == {"detail": "No activity type with id 777."}


def test_a_salesperson_cannot_plan_on_someone_elses_sale(salesperson_api, call, sale):
    # When
    response = salesperson_api.post(
        "activities",
        {"activity_type_id": call.pk, "title": "Sneaky", "start": "2031-01-10T10:00:00Z", "sale_id": sale.pk},
    )

    # Then
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the owner of this sale or a manager can plan activities on it."}


# --- changing ------------------------------------------------------------------------------------------------------


def test_changing_an_activity_changes_only_the_fields_sent(api, plan, sale):
    # Given
    activity = plan(sale_id=sale.pk, text="About the trial.")

    # When
    response = api.patch(
        f"activities/{activity['id']}", {"title": "Call Jan again", "start": "2031-02-01T08:00:00+01:00"}
    )

    # Then
    assert response.status_code == 200
    changed = response.json()
    assert (changed["title"], changed["start"], changed["text"]) == (
        "Call Jan again",
        "2031-02-01T08:00:00+01:00",
        "About the trial.",
    )
    assert api.get(f"sales/{sale.pk}").json()["next_activity_date"] == "2031-02-01"


def test_a_salesperson_cannot_change_someone_elses_activity(salesperson_api, plan):
    # Given
    activity = plan()

    # When
    response = salesperson_api.patch(f"activities/{activity['id']}", {"title": "Mine now"})

    # Then
    assert response.status_code == 403
    assert response.json() == {"detail": "Only the owner of this activity or a manager can change it."}


def test_deleting_an_activity_clears_the_sales_next_activity(api, plan, sale):
    # Given
    activity = plan(sale_id=sale.pk)

    # When
    response = api.delete(f"activities/{activity['id']}")

    # Then
    assert response.status_code == 204
    assert api.get(f"activities/{activity['id']}").status_code == 404
    assert api.get(f"sales/{sale.pk}").json()["next_activity_date"] is None


# --- completing and reopening --------------------------------------------------------------------------------------


def test_completing_a_planned_activity_offers_nothing_further(api, plan, sale):
    # Given
    activity = plan(sale_id=sale.pk)

    # When
    response = api.post(f"activities/{activity['id']}/complete")

    # Then
    assert response.status_code == 200
    body = response.json()
    assert (body["next_suggestion"], body["created_activity"], body["offer_advance"]) == (None, None, None)
    assert body["activity"]["completed"] is True
    assert dt.datetime.fromisoformat(body["activity"]["completed_at"]) <= timezone.now()
    assert api.get(f"sales/{sale.pk}").json()["next_activity_date"] is None


def test_completing_twice_or_reopening_an_open_activity_is_refused_with_422(api, plan):
    # Given
    activity = plan()

    # When
    reopened_too_early = api.post(f"activities/{activity['id']}/reopen")
    api.post(f"activities/{activity['id']}/complete")
    completed_again = api.post(f"activities/{activity['id']}/complete")

    # Then
    assert reopened_too_early.status_code == completed_again.status_code == 422
    assert reopened_too_early.json() == {"detail": "This activity is not completed."}
    assert completed_again.json() == {"detail": "This activity is already completed."}


def test_reopening_a_completed_activity_makes_it_open_again(api, plan, sale):
    # Given
    activity = plan(sale_id=sale.pk)
    api.post(f"activities/{activity['id']}/complete")

    # When
    response = api.post(f"activities/{activity['id']}/reopen")

    # Then
    assert response.status_code == 200
    assert (response.json()["completed"], response.json()["completed_at"]) == (False, None)
    assert api.get(f"sales/{sale.pk}").json()["next_activity_date"] == "2031-01-10"


def test_an_open_activity_in_the_past_is_overdue_and_a_completed_one_is_not(api, plan):
    # Given
    past = plan(start="2020-01-01T10:00:00+01:00")
    done = plan(start="2020-01-02T10:00:00+01:00")
    api.post(f"activities/{done['id']}/complete")

    # Then
    assert past["overdue"] is True
    assert api.get(f"activities/{done['id']}").json()["overdue"] is False


def test_an_unknown_activity_answers_404(api):
    for response in (
        api.get("activities/555"),
        api.patch("activities/555", {"title": "x"}),
        api.delete("activities/555"),
        api.post("activities/555/complete"),
        api.post("activities/555/reopen"),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "No activity with id 555."}


# --- the list ------------------------------------------------------------------------------------------------------


def test_the_list_filters_on_sale_owner_and_completed(api, salesperson_api, salesperson_user, plan, sale):
    # Given
    on_sale = plan(sale_id=sale.pk, start="2031-01-03T10:00:00+01:00")
    done = plan(start="2031-01-01T10:00:00+01:00")
    api.post(f"activities/{done['id']}/complete")
    theirs = plan(client=salesperson_api, start="2031-01-02T10:00:00+01:00")

    def found(**params):
        response = api.get("activities", **params)
        assert response.status_code == 200, response.content
        return [a["id"] for a in response.json()["items"]]

    # Then
    assert found() == [done["id"], theirs["id"], on_sale["id"]]
    assert found(sale=sale.pk) == [on_sale["id"]]
    assert found(owner=salesperson_user.pk) == [theirs["id"]]
    assert found(completed="true") == [done["id"]]
    assert found(completed="false") == [theirs["id"], on_sale["id"]]
    assert found(completed="false", owner=salesperson_user.pk) == [theirs["id"]]


def test_from_and_to_take_whole_local_days_both_included(api, plan):
    # Given activities just inside and just outside 2 to 3 March, Amsterdam time
    before = plan(start="2031-03-01T23:59:00+01:00")
    first = plan(start="2031-03-01T23:30:00+00:00")  # 00:30 on 2 March in Amsterdam
    last = plan(start="2031-03-03T23:59:00+01:00")
    after = plan(start="2031-03-03T23:00:00+00:00")  # 00:00 on 4 March in Amsterdam

    # When
    response = api.get("activities", **{"from": "2031-03-02", "to": "2031-03-03"})

    # Then
    assert response.status_code == 200
    assert [a["id"] for a in response.json()["items"]] == [first["id"], last["id"]]
    assert {before["id"], after["id"]}.isdisjoint(a["id"] for a in response.json()["items"])
    assert [a["id"] for a in api.get("activities", **{"from": "2031-03-04"}).json()["items"]] == [after["id"]]
    assert [a["id"] for a in api.get("activities", to="2031-03-01").json()["items"]] == [before["id"]]


def test_a_from_date_that_is_not_a_date_is_refused_with_422(api):
    # When
    response = api.get("activities", **{"from": "yesterday"})

    # Then
    assert response.status_code == 422
    assert response.json()["detail"][0]["loc"] == ["query", "from"]


def test_paging_through_activities_gives_each_once_by_start_then_id(api, plan):
    # Given activities of which several start at the same moment
    starts = ["2031-01-05T10:00:00+01:00"] * 4 + ["2031-01-01T10:00:00+01:00", "2031-01-09T10:00:00+01:00"] * 2
    made = [(dt.datetime.fromisoformat(s), plan(start=s)["id"]) for s in starts]

    # When
    seen, after = [], None
    while True:
        body = api.get("activities", limit=4, **({"after": after} if after else {})).json()
        seen += [a["id"] for a in body["items"]]
        after = body["next"]
        if after is None:
            break

    # Then
    assert seen == [activity_id for _, activity_id in sorted(made)]


@pytest.mark.parametrize(
    "values", [[1], ["2031-01-01", 1], [True, 1], [10**20, 1], [-(10**17), 1], [0, 0], "not a list", None]
)
def test_a_damaged_activity_cursor_is_refused_with_422(api, values):
    # Given
    cursor = "!!" if values is None else base64.urlsafe_b64encode(json.dumps(values).encode()).decode()

    # When
    response = api.get("activities", after=cursor)

    # Then
    assert response.status_code == 422
    assert response.json()["detail"] == [
        {
            "loc": ["query", "after"],
            "msg": "This cursor is not valid; pass the “next” value of a previous page unchanged.",
        }
    ]


def test_a_page_of_activities_costs_the_same_number_of_queries_for_few_or_many(
    api, plan, django_assert_max_num_queries
):
    # Given a warm client and a few activities
    for _ in range(2):
        plan()
    api.get("activities")
    with django_assert_max_num_queries(2):
        assert len(api.get("activities").json()["items"]) == 2

    # When there are many more
    activity = Activity.objects.first()
    for _ in range(20):
        activity.pk = None
        activity.save()

    # Then
    with django_assert_max_num_queries(2):
        assert len(api.get("activities").json()["items"]) == 22
