"""Planning an activity without a sale (a call to a prospect, a task) from "My activities", and managers looking at
anyone's activities there, through the Django test client."""

from __future__ import annotations

import datetime as dt
import re
import zoneinfo
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from salesguide.models import Activity, Sale
from salesguide.services import activities, catalog, customers, sale_types, sales
from salesguide.web.activities.listing import PAGE_SIZE

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_error(response: Any, field_id: str) -> str:
    html = response.content.decode()
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    """A phone call type (15 minutes by default), a sale type with one stage, Acme with its contact Jan Jansen
    and Globex with its contact Piet Pieters."""
    stage = catalog.create_stage(admin_user, name="Lead", probability=10)
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[stage.pk])
    acme = customers.create_company(admin_user, name="Acme")
    globex = customers.create_company(admin_user, name="Globex")
    jan = customers.create_contact(admin_user, first_name="Jan", last_name="Jansen", company_id=acme.pk)
    piet = customers.create_contact(admin_user, first_name="Piet", last_name="Pieters", company_id=globex.pk)
    return {"call": call, "sale_type": sale_type, "acme": acme, "globex": globex, "jan": jan, "piet": piet}


@pytest.fixture
def sanne(make_user: Any) -> Any:
    return make_user("sanne", "salesperson", first_name="Sanne", last_name="Verkoper", time_zone="Europe/Amsterdam")


def plan(user: Any, world: dict[str, Any], title: str, start: dt.datetime, sale: Sale | None = None) -> Activity:
    return activities.create_activity(
        user, activity_type_id=world["call"].pk, title=title, start=start, sale_id=sale.pk if sale else None
    )


def planning_form(world: dict[str, Any], owner: Any, **fields: Any) -> dict[str, Any]:
    return {
        "activity_type": world["call"].pk,
        "title": "Call Jan",
        "start_date": "2031-03-10",
        "start_time": "14:30",
        "duration_minutes": "",
        "text": "About the new offices",
        "owner": owner.pk,
        "company": "",
        "contact": "",
        **fields,
    }


# --- planning without a sale ---------------------------------------------------------------------------------


def test_my_activities_has_a_new_activity_button(salesperson_client: Client) -> None:
    page = salesperson_client.get(reverse("activities:mine"))
    html = page.content.decode()
    assert f'href="{reverse("activities:new")}?next=' in html
    assert "New activity" in text_of(page)


def test_planning_without_a_sale_stores_the_activity_with_its_company_and_contact(
    sanne: Any, world: dict[str, Any]
) -> None:
    # Given Sanne, who works in Amsterdam time, opens the form
    client = client_for(sanne)
    form = client.get(reverse("activities:new"))
    assert form.status_code == 200
    assert "An activity without a sale." in text_of(form)
    html = form.content.decode()
    assert f'<option value="{world["acme"].pk}">Acme</option>' in html
    assert 'id="company-search"' in html and reverse("sales:contact_options") in html

    # When she plans a call with Jan of Acme
    response = client.post(
        reverse("activities:new"),
        planning_form(world, sanne, company=world["acme"].pk, contact=world["jan"].pk),
        follow=True,
    )

    # Then it is stored as typed, in her time zone, and she is back on her list with a confirmation
    assert response.redirect_chain == [(reverse("activities:mine"), 302)]
    assert "Activity “Call Jan” is planned." in text_of(response)
    assert "Call Jan" in text_of(response)
    activity = Activity.objects.get()
    assert activity.owner == sanne
    assert activity.activity_type == world["call"]
    assert activity.start == dt.datetime(2031, 3, 10, 14, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Amsterdam"))
    assert activity.start == dt.datetime(2031, 3, 10, 13, 30, tzinfo=dt.UTC)
    assert activity.duration_minutes == 15
    assert activity.text == "About the new offices"
    assert activity.sale is None
    assert (activity.company, activity.contact) == (world["acme"], world["jan"])


def test_a_contact_alone_brings_their_company_and_no_company_is_fine_too(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    salesperson_client.post(
        reverse("activities:new"), planning_form(world, salesperson_user, title="Call Piet", contact=world["piet"].pk)
    )
    salesperson_client.post(reverse("activities:new"), planning_form(world, salesperson_user, title="Tidy up"))
    piet = Activity.objects.get(title="Call Piet")
    assert (piet.company, piet.contact) == (world["globex"], world["piet"])
    tidy = Activity.objects.get(title="Tidy up")
    assert (tidy.company, tidy.contact, tidy.sale) == (None, None, None)


def test_planning_can_be_for_someone_else_and_returns_to_a_safe_next_only(
    manager_client: Client, sanne: Any, world: dict[str, Any]
) -> None:
    back = reverse("activities:mine") + f"?owner={sanne.pk}"
    # The button on Sanne's list starts the form with her as the owner
    form = manager_client.get(reverse("activities:new") + f"?owner={sanne.pk}&next={back}")
    assert re.search(rf'<option value="{sanne.pk}" selected>Sanne Verkoper</option>', form.content.decode())
    response = manager_client.post(reverse("activities:new"), {**planning_form(world, sanne), "next": back})
    assert response.status_code == 302 and response["Location"] == back
    assert Activity.objects.get().owner == sanne
    elsewhere = manager_client.post(
        reverse("activities:new"), {**planning_form(world, sanne, title="Second call"), "next": "https://evil.example/"}
    )
    assert elsewhere["Location"] == reverse("activities:mine")


def test_planning_shows_each_error_next_to_its_field_and_stores_nothing(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    # When the type is missing, the date is no date and the duration no number
    response = salesperson_client.post(
        reverse("activities:new"),
        planning_form(world, salesperson_user, activity_type="", start_date="next week", duration_minutes="soon"),
    )
    # Then the form comes back (422) with what was typed and a message next to each field
    assert response.status_code == 422
    assert field_error(response, "id_activity_type") == "Choose an activity type."
    assert field_error(response, "id_start_date") == "Enter a valid date."
    assert field_error(response, "id_duration_minutes") == "Enter a whole number of minutes."
    assert 'value="Call Jan"' in response.content.decode()
    # And an empty title is the service's message, next to the title
    untitled = salesperson_client.post(reverse("activities:new"), planning_form(world, salesperson_user, title=" "))
    assert untitled.status_code == 422
    assert field_error(untitled, "id_title") == "A title is required."
    assert not Activity.objects.exists()


def test_a_contact_of_another_company_is_refused_next_to_the_contact(
    salesperson_client: Client, salesperson_user: Any, world: dict[str, Any]
) -> None:
    response = salesperson_client.post(
        reverse("activities:new"),
        planning_form(world, salesperson_user, company=world["acme"].pk, contact=world["piet"].pk),
    )
    assert response.status_code == 422
    assert field_error(response, "id_contact") == "This contact works at another company."
    # The contact select still offers what was chosen, so the user sees the mismatch
    assert re.search(rf'<option value="{world["piet"].pk}" selected>', response.content.decode())
    for company in (999999, "9" * 30):
        gone = salesperson_client.post(
            reverse("activities:new"), planning_form(world, salesperson_user, company=company, contact=company)
        )
        assert gone.status_code == 422
        assert field_error(gone, "id_company") == "This company no longer exists; choose another one."
        assert field_error(gone, "id_contact") == "This contact no longer exists; choose another one."
    assert not Activity.objects.exists()


def test_the_contact_picker_shows_the_companys_contacts_and_shrugs_off_nonsense(
    salesperson_client: Client, world: dict[str, Any]
) -> None:
    acme = salesperson_client.get(reverse("sales:contact_options") + f"?company={world['acme'].pk}", **HTMX)
    assert "Jan Jansen" in text_of(acme) and "Piet Pieters" not in text_of(acme)
    for nonsense in ("9" * 30, "-1", "abc"):
        response = salesperson_client.get(reverse("sales:contact_options") + f"?company={nonsense}", **HTMX)
        assert response.status_code == 200


def test_the_service_refuses_a_contact_of_another_company(salesperson_user: Any, world: dict[str, Any]) -> None:
    from salesguide.domain.errors import ValidationFailed

    with pytest.raises(ValidationFailed) as refused:
        activities.create_activity(
            salesperson_user,
            activity_type_id=world["call"].pk,
            title="Call",
            start=timezone.now(),
            company_id=world["acme"].pk,
            contact_id=world["piet"].pk,
        )
    assert [problem.loc for problem in refused.value.problems] == [("contact_id",)]
    assert not Activity.objects.exists()


# --- whose activities ----------------------------------------------------------------------------------------


@pytest.fixture
def lists_of_three(manager_user: Any, salesperson_user: Any, sanne: Any, world: dict[str, Any]) -> None:
    soon = timezone.now() + dt.timedelta(days=1)
    plan(sanne, world, "Sanne call", soon)
    plan(manager_user, world, "Manager own call", soon)
    plan(salesperson_user, world, "Sam call", soon)


@pytest.mark.parametrize("who", ["manager", "admin"])
def test_a_manager_or_administrator_picks_whose_activities_to_see(
    who: str, manager_client: Client, admin_client: Client, sanne: Any, lists_of_three: None
) -> None:
    client = {"manager": manager_client, "admin": admin_client}[who]
    # By default the list is their own, with "Me" chosen in the owner filter
    own = client.get(reverse("activities:mine"))
    html = own.content.decode()
    assert re.search(
        r'<select class="input" id="activity-owner" name="owner">\s*<option value="" selected>Me</option>', html
    )
    assert f'<option value="{sanne.pk}">Sanne Verkoper</option>' in html
    assert "My activities" in text_of(own) and "Sanne call" not in text_of(own)
    # When they choose Sanne, the list is hers and says so
    hers = client.get(reverse("activities:mine") + f"?owner={sanne.pk}")
    page = text_of(hers)
    assert "Activities of Sanne Verkoper" in page
    assert "Sanne call" in page
    assert "Manager own call" not in page and "Sam call" not in page
    assert f'<option value="{sanne.pk}" selected>Sanne Verkoper</option>' in hers.content.decode()
    # The tabs and the New activity button keep her
    assert f"?show=completed&amp;period=all&amp;owner={sanne.pk}" in hers.content.decode()
    assert f"{reverse('activities:new')}?owner={sanne.pk}&amp;next=" in hers.content.decode()


def test_choosing_an_owner_with_htmx_also_renames_the_heading_and_keeps_the_tabs(
    manager_client: Client, sanne: Any, lists_of_three: None
) -> None:
    response = manager_client.get(reverse("activities:mine") + f"?owner={sanne.pk}&period=week", **HTMX)
    html = response.content.decode()
    assert '<div id="activity-results"' in html and "<html" not in html
    assert "Sanne call" in text_of(response)
    assert 'id="activities-header" hx-swap-oob="true"' in html and "Activities of Sanne Verkoper" in html
    assert 'id="activity-tabs"' in html and f"period=week&amp;owner={sanne.pk}" in html


def test_a_dutch_manager_reads_whose_list_it_is_in_dutch(make_user: Any, sanne: Any, lists_of_three: None) -> None:
    client = client_for(make_user("chef", "manager", first_name="Chef", last_name="Verkoop", language="nl"))
    page = text_of(client.get(reverse("activities:mine") + f"?owner={sanne.pk}"))
    assert "Activiteiten van Sanne Verkoper" in page and "Nieuwe activiteit" in page
    assert "Mijzelf" in page and "Sanne call" in page


def test_someone_elses_empty_list_says_whose_it_is(manager_client: Client, sanne: Any) -> None:
    page = text_of(manager_client.get(reverse("activities:mine") + f"?owner={sanne.pk}"))
    assert "Sanne Verkoper has nothing to do in this period" in page
    completed = text_of(manager_client.get(reverse("activities:mine") + f"?owner={sanne.pk}&show=completed"))
    assert "No completed activities of Sanne Verkoper in this period" in completed


def test_a_salesperson_sees_only_their_own_activities_whatever_the_address_says(
    salesperson_client: Client, sanne: Any, manager_user: Any, lists_of_three: None
) -> None:
    for owner in (sanne.pk, manager_user.pk, "nonsense"):
        response = salesperson_client.get(reverse("activities:mine") + f"?owner={owner}")
        page = text_of(response)
        assert response.status_code == 200
        assert "My activities" in page and "Activities of" not in page
        assert "Sam call" in page
        assert "Sanne call" not in page and "Manager own call" not in page
        assert 'name="owner"' not in response.content.decode()


def test_an_unknown_owner_shows_the_managers_own_list(manager_client: Client, lists_of_three: None) -> None:
    page = text_of(manager_client.get(reverse("activities:mine") + "?owner=999999"))
    assert "My activities" in page and "Manager own call" in page and "Sanne call" not in page


def test_the_more_link_keeps_the_owner(
    manager_client: Client, manager_user: Any, sanne: Any, world: dict[str, Any]
) -> None:
    # Given more than a page of Sanne's activities, and one of the manager's
    start = timezone.now() + dt.timedelta(days=1)
    for number in range(PAGE_SIZE + 3):
        plan(sanne, world, f"Sanne call {number:02d}", start + dt.timedelta(minutes=number))
    plan(manager_user, world, "Manager own call", start)
    first = manager_client.get(reverse("activities:mine") + f"?owner={sanne.pk}")
    match = re.search(r'<tr id="activity-more">.*?href="([^"]+)"', first.content.decode(), flags=re.S)
    assert match is not None
    more = match.group(1).replace("&amp;", "&")
    assert f"owner={sanne.pk}" in more
    # When the manager asks for more (as htmx does)
    rest = text_of(manager_client.get(reverse("activities:mine") + more, **HTMX))
    # Then the rest of Sanne's list follows, and nothing of the manager's
    assert f"Sanne call {PAGE_SIZE + 2:02d}" in rest and f"Sanne call {PAGE_SIZE - 1:02d}" not in rest
    assert "Manager own call" not in rest


def _page_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_with_few_or_many_activities(
    manager_client: Client, manager_user: Any, sanne: Any, world: dict[str, Any], django_assert_max_num_queries: Any
) -> None:
    # Given one activity of Sanne's on a sale of Acme
    sale = sales.create_sale(
        sanne, title="Acme offices", sale_type_id=world["sale_type"].pk, company_id=world["acme"].pk
    )
    start = timezone.now() + dt.timedelta(days=1)
    plan(sanne, world, "First", start, sale)
    hers = reverse("activities:mine") + f"?owner={sanne.pk}"
    few = _page_queries(manager_client, hers)
    # When she gets twenty more, on sales and without, some of them overdue
    for number in range(20):
        when = start + dt.timedelta(days=number - 10)
        made = activities.create_activity(
            sanne,
            activity_type_id=world["call"].pk,
            title=f"Call {number}",
            start=when,
            sale_id=sale.pk if number % 2 else None,
            company_id=world["globex"].pk if number % 2 == 0 else None,
        )
        assert made.pk
    # Then her list costs as many queries as before: the session, the user, the users to pick from, the rows
    assert _page_queries(manager_client, hers) == few
    with django_assert_max_num_queries(4):
        manager_client.get(hers)
