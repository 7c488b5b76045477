"""The home pages as people see them (SPEC 4.8): a salesperson lands on their day, a manager and an administrator
on the team's view — never on an explainer — with empty states that say what to do, money in the language's
format, a one-click "Done" that goes through the activity's own completion, and a fixed number of queries."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from tests.aging_helpers import entered_stage_at

from salesguide.models import Activity, Sale, User
from salesguide.services import activities, catalog, clock, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: User, manager_user: User, salesperson_user: User) -> dict[str, Any]:
    """Sam (salesperson) owns an offer in its stage for 12 days with nothing planned (expected 7) and a planned
    deal with a call later today and an overdue one from yesterday; Max (manager) owns a deal of € 2.500,00."""
    now = clock.now_for(salesperson_user)
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    new = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    sale_types.set_expected_days(admin_user, new.pk, offer.pk, 7)
    call = catalog.create_activity_type(admin_user, name="Phone call", kind="call", default_duration_minutes=15)

    stale = sales.create_sale(salesperson_user, title="Stale offer", sale_type_id=new.pk, amount=123_456_78)
    sales.move_sale_to_stage(salesperson_user, stale.pk, offer.pk)
    entered_stage_at(stale.pk, now - dt.timedelta(days=12))
    planned = sales.create_sale(salesperson_user, title="Planned deal", sale_type_id=new.pk, amount=50_000)
    later = now.replace(hour=23, minute=30, second=0, microsecond=0)
    today = activities.create_activity(
        salesperson_user, activity_type_id=call.pk, title="Call about the planned deal", start=later, sale_id=planned.pk
    )
    overdue = activities.create_activity(
        salesperson_user,
        activity_type_id=call.pk,
        title="Send the brochure",
        start=now - dt.timedelta(days=1),
        sale_id=stale.pk,
    )
    boss = sales.create_sale(manager_user, title="Boss deal", sale_type_id=new.pk, amount=250_000)
    return {"stale": stale, "planned": planned, "today": today, "overdue": overdue, "boss": boss, "new": new}


def page_of(client: Client, path: str = "/") -> str:
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def text_of(page: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


# --- who lands where -------------------------------------------------------------------------------------


def test_a_salesperson_lands_on_their_day_with_follow_ups_sales_that_need_attention_and_their_pipeline(
    salesperson_client, world
):
    page = page_of(salesperson_client)
    text = text_of(page)

    assert "My day" in text and "How Salesguide works" not in text
    # overdue first, then today's, each with its sale
    assert text.index("Send the brochure") < text.index("Call about the planned deal")
    assert f'href="/sales/{world["planned"].pk}/?tab=guide"' in page
    # the stale offer, with why
    assert "Stale offer" in text and "12 days in stage, expected 7" in text
    # own pipeline: two open sales, € 123.956,78 in English
    assert "€123,956.78" in text
    assert "Boss deal" not in text


def test_a_manager_lands_on_the_teams_pipeline_per_stage_and_per_owner_and_the_forecast(manager_client, world):
    text = text_of(page_of(manager_client))

    assert "Team overview" in text and "How Salesguide works" not in text
    assert "Per stage" in text and "Per salesperson" in text and "Forecast" in text
    assert "Sam Seller" in text and "Max Manager" in text
    # the whole team: € 123.456,78 + € 500 + € 2.500
    assert "€126,456.78" in text


def test_an_administrator_lands_on_the_teams_view_too(admin_client, world):
    text = text_of(page_of(admin_client))

    assert "Team overview" in text and "Per salesperson" in text


def test_the_home_speaks_dutch_with_dutch_money_for_a_dutch_salesperson(salesperson_user, world):
    User.objects.filter(pk=salesperson_user.pk).update(language="nl")
    client = Client()
    client.force_login(User.objects.get(pk=salesperson_user.pk))

    text = text_of(page_of(client))

    # the words as the Dutch catalogue has them ("Mijn dag", "12 dagen in deze fase, verwacht 7")
    with translation.override("nl"):
        title = translation.gettext("My day")
        reason = translation.ngettext(
            "%(days)s day in stage, expected %(expected)s", "%(days)s days in stage, expected %(expected)s", 12
        ) % {"days": 12, "expected": 7}
    assert title in text and reason in text
    assert "€ 123.956,78" in text.replace("\xa0", " ")
    assert "Verkopen" in text  # the top bar, translated long ago


def test_the_managers_home_links_each_owner_into_the_board_and_the_team_into_the_reports(
    manager_client, world, salesperson_user
):
    page = page_of(manager_client)

    assert f'href="{reverse("board:board")}?owner={salesperson_user.pk}"' in page
    assert f'href="{reverse("reports:index")}"' in page
    assert f'href="{reverse("reports:report", args=["pipeline"])}"' in page
    assert f'href="{reverse("reports:report", args=["forecast"])}"' in page


def test_a_salespersons_home_links_into_the_board_and_the_pipeline_report(salesperson_client, world):
    page = page_of(salesperson_client)

    assert f'href="{reverse("board:board")}"' in page
    assert f'href="{reverse("reports:report", args=["pipeline"])}"' in page


# --- empty states ----------------------------------------------------------------------------------------


def test_a_salesperson_without_sales_or_follow_ups_is_told_what_to_do(salesperson_client):
    text = text_of(page_of(salesperson_client))

    assert "No follow-ups today" in text and "Plan one from a sale’s Guide tab" in text
    assert "No open sales" in text and "Create your first sale" in text


def test_a_manager_of_an_empty_team_is_told_to_create_the_first_sale(manager_client):
    page = page_of(manager_client)

    assert "No open sales" in text_of(page) and 'href="/sales/new/"' in page
    assert 'href="/settings/guides/"' not in page  # setting up guides is for an administrator


def test_an_administrator_of_an_empty_installation_is_shown_the_way_into_the_guides(admin_client):
    page = page_of(admin_client)

    assert "Set up sale types and guides" in text_of(page)
    assert 'href="/settings/guides/"' in page and 'href="/settings/"' in page


def test_a_salesperson_whose_open_sales_all_have_a_next_step_is_told_so(salesperson_client, world):
    Sale.objects.filter(pk=world["stale"].pk).delete()

    text = text_of(page_of(salesperson_client))

    assert "Every open sale has a next step" in text


# --- acting from the home --------------------------------------------------------------------------------


def test_done_on_the_home_completes_the_follow_up_through_the_activity_completion_and_comes_back(
    salesperson_client, world
):
    activity = world["overdue"]
    page = page_of(salesperson_client)
    assert f'action="/activities/{activity.pk}/complete/"' in page

    response = salesperson_client.post(f"/activities/{activity.pk}/complete/", {"next": "/"}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert Activity.objects.get(pk=activity.pk).completed_at is not None
    text = text_of(response.content.decode())
    assert "Activity “Send the brochure” is completed." in text
    assert "Send the brochure" not in text.replace("Activity “Send the brochure” is completed.", "")


def test_someone_elses_follow_up_cannot_be_completed_from_a_salespersons_home(salesperson_client, world, manager_user):
    theirs = activities.create_activity(
        manager_user,
        activity_type_id=world["today"].activity_type_id,
        title="Max's call",
        start=world["today"].start,
        sale_id=world["boss"].pk,
    )

    response = salesperson_client.post(f"/activities/{theirs.pk}/complete/", {"next": "/"})

    assert response.status_code == 403
    assert Activity.objects.get(pk=theirs.pk).completed_at is None


def test_the_whole_list_of_sales_that_need_attention_shows_all_or_only_the_stale_ones(salesperson_client, world):
    for n in range(9):
        sales.create_sale(Sale.objects.get(pk=world["stale"].pk).owner, title=f"Idle {n}", sale_type_id=world["new"].pk)
    home = page_of(salesperson_client)
    assert 'href="/attention/"' in home

    everything = text_of(page_of(salesperson_client, "/attention/"))
    stale_only = text_of(page_of(salesperson_client, "/attention/?show=stale"))

    assert "Stale offer" in everything and "Idle 8" in everything and "Planned deal" not in everything
    assert "Stale offer" in stale_only and "Idle" not in stale_only


def test_a_damaged_link_to_more_sales_that_need_attention_starts_the_list_over(salesperson_client, world):
    text = text_of(page_of(salesperson_client, "/attention/?after=garbage"))

    assert "no longer valid" in text and "Stale offer" in text


# --- bounded ---------------------------------------------------------------------------------------------


def _queries(client: Client, path: str = "/") -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return len(captured.captured_queries)


def test_each_home_page_costs_the_same_number_of_queries_with_many_more_sales_and_follow_ups(
    salesperson_client, manager_client, world, salesperson_user, manager_user
):
    before = (_queries(salesperson_client), _queries(manager_client), _queries(salesperson_client, "/attention/"))
    call = world["today"].activity_type_id
    now = clock.now_for(salesperson_user)
    for n in range(25):
        made = sales.create_sale(salesperson_user, title=f"More {n}", sale_type_id=world["new"].pk, amount=n)
        activities.create_activity(
            salesperson_user,
            activity_type_id=call,
            title=f"Call {n}",
            start=now - dt.timedelta(days=n % 2),
            sale_id=made.pk,
        )
        sales.create_sale(manager_user, title=f"Team {n}", sale_type_id=world["new"].pk, currency="USD")

    after = (_queries(salesperson_client), _queries(manager_client), _queries(salesperson_client, "/attention/"))

    assert after == before
    # the session and the user, then the read model's queries (7 and 8; the whole list of sales that need
    # attention: the page of sales and the expected days of their stages); the salesperson's Next steps six more
    # (the candidate sales in one statement, the stale count, their activities, their guide documents and their
    # one sale type's guide)
    assert before == (15, 10, 4)
