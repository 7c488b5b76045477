"""Every sale in the API says whether it is stale, how many whole days it has been in its stage and how many its
type expects (SPEC 6.2, API.md "Exit criteria and stage aging"), in the list, the detail and a move's answer —
without a statement more (the expected days come with the sale's own)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone
from tests.aging_helpers import entered_stage_at

from salesguide.models import ActivityType
from salesguide.services import activities, catalog, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    """Offer expects 7 days, Lead nothing. "Forgotten" entered Offer 10 days ago with nothing planned; "Planned"
    too, with a call next week; "Fresh" entered Offer 2 days ago; "Lead only" sits in Lead 30 days; "Won" was
    sold after 10 days in Offer."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    sale_types.set_expected_days(admin_user, sale_type.pk, offer.pk, 7)
    now = timezone.now()

    def sale(title: str, days: int, stage: Any = offer) -> int:
        made = sales.create_sale(admin_user, title=title, sale_type_id=sale_type.pk)
        if stage != lead:
            sales.move_sale_to_stage(admin_user, made.pk, stage.pk)
        entered_stage_at(made.pk, now - dt.timedelta(days=days, minutes=5))
        return int(made.pk)

    ids = {
        "forgotten": sale("Forgotten", 10),
        "planned": sale("Planned", 10),
        "fresh": sale("Fresh", 2),
        "lead": sale("Lead only", 30, lead),
        "won": sale("Won", 10),
    }
    call = ActivityType.objects.first() or catalog.create_activity_type(admin_user, name="Call", kind="call")
    activities.create_activity(
        admin_user, activity_type_id=call.pk, title="Call", start=now + dt.timedelta(days=7), sale_id=ids["planned"]
    )
    sales.close_sale_as_sold(admin_user, ids["won"])
    return {"ids": ids, "lead": lead, "offer": offer, "sale_type": sale_type}


def _aging(answer: dict[str, Any]) -> tuple[Any, Any, Any]:
    return answer["stale"], answer["days_in_stage"], answer["expected_days"]


def test_every_sale_in_the_list_and_the_detail_shows_its_aging(world: dict[str, Any], api: Any) -> None:
    # When the list and each sale are read
    listed = {item["title"]: _aging(item) for item in api.get("sales").json()["items"]}
    detail = {title: _aging(api.get(f"sales/{sale_id}").json()) for title, sale_id in _titles(world).items()}

    # Then both show stale, whole days in the stage and the type's expected days; a closed sale none of them
    expected = {
        "Forgotten": (True, 10, 7),
        "Planned": (False, 10, 7),
        "Fresh": (False, 2, 7),
        "Lead only": (False, 30, None),
        "Won": (False, None, None),
    }
    assert listed == expected
    assert detail == expected


def test_the_stale_filter_lists_exactly_the_sales_that_say_they_are_stale(world: dict[str, Any], api: Any) -> None:
    items = api.get("sales", stale="true").json()["items"]
    assert [(item["title"], item["stale"]) for item in items] == [("Forgotten", True)]


def test_a_move_answers_with_the_aging_of_the_new_stage_and_a_planned_call_ends_it(
    world: dict[str, Any], api: Any, admin_user: Any
) -> None:
    forgotten = world["ids"]["forgotten"]
    version = api.get(f"sales/{forgotten}").json()["version"]

    # When the stale sale moves back to Lead
    moved = api.post(f"sales/{forgotten}/stage", {"stage_id": world["lead"].pk, "version": version})

    # Then it has just entered a stage without a limit: not stale, no longer in the stale list
    assert moved.status_code == 200, moved.content
    assert _aging(moved.json()) == (False, 0, None)
    assert api.get("sales", stale="true").json()["items"] == []

    # And when it moves on to Offer again, it starts at 0 of 7 days
    moved = api.post(f"sales/{forgotten}/stage", {"stage_id": world["offer"].pk, "version": moved.json()["version"]})
    assert _aging(moved.json()) == (False, 0, 7)


def test_planning_a_call_takes_a_stale_sale_off_the_stale_list(
    world: dict[str, Any], api: Any, admin_user: Any
) -> None:
    forgotten = world["ids"]["forgotten"]
    call = ActivityType.objects.first()
    assert call is not None

    # When a call is planned for tomorrow, and then completed
    made = activities.create_activity(
        admin_user,
        activity_type_id=call.pk,
        title="Call",
        start=timezone.now() + dt.timedelta(days=1),
        sale_id=forgotten,
    )
    planned = _aging(api.get(f"sales/{forgotten}").json())
    listed_while_planned = api.get("sales", stale="true").json()["items"]
    activities.complete_activity(admin_user, made.pk)

    # Then it is not stale while the call is planned, and stale again once nothing is
    assert planned == (False, 10, 7)
    assert listed_while_planned == []
    assert _aging(api.get(f"sales/{forgotten}").json()) == (True, 10, 7)


def test_the_aging_of_a_sale_costs_no_statement_more(
    world: dict[str, Any], api: Any, django_assert_max_num_queries: Any
) -> None:
    api.get("sales")  # a warm client: its token's last use is recorded
    with django_assert_max_num_queries(2):
        assert api.get(f"sales/{world['ids']['forgotten']}").json()["stale"] is True
    with django_assert_max_num_queries(2):
        assert len(api.get("sales", stale="true").json()["items"]) == 1


def _titles(world: dict[str, Any]) -> dict[str, int]:
    names = {"forgotten": "Forgotten", "planned": "Planned", "fresh": "Fresh", "lead": "Lead only", "won": "Won"}
    return {names[key]: sale_id for key, sale_id in world["ids"].items()}


def test_the_stale_filter_with_a_status_lists_the_stale_sales_when_open_and_none_otherwise(
    world: dict[str, Any], api: Any
) -> None:
    assert [item["title"] for item in api.get("sales", stale="true", status="open").json()["items"]] == ["Forgotten"]
    assert api.get("sales", stale="true", status="sold").json()["items"] == []
