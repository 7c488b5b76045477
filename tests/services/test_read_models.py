"""One read model per list, the same answer through every door.

Each case of a table of filters runs through the read model (``queries.*``), the API list and the web list, and
all three must give the same ids in the same order, page by page when paged with the cursor. A page of each
list is one query, pinned here.
"""

from __future__ import annotations

import datetime as dt
import html
import re
import zoneinfo
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesguide.models import Company, Contact
from salesguide.queries import activity_list, customers, sale_list
from salesguide.queries.paging import Page
from salesguide.services import accounts, activities, catalog, sale_types, sales
from salesguide.web.activities import views as activity_views
from salesguide.web.customers import company_views, contact_views
from salesguide.web.sales import list_views

pytestmark = pytest.mark.django_db

ROW_LINK = re.compile(r'<th scope="row"><a class="table__primary" href="/(?:sales|companies|contacts)/(\d+)/"')
ACTIVITY_ROW = re.compile(r'<tr id="activity-(\d+)"')
MORE_LINK = re.compile(r'id="(?:sale|list|activity)-more".*?href="([^"]+)"', flags=re.S)


# --- the three doors ---------------------------------------------------------------------------------------------


def model_pages(fetch: Callable[[str | None], Page[Any]]) -> list[list[int]]:
    """Every page of a read model, following its cursor."""
    pages, after = [], None
    while True:
        page = fetch(after)
        pages.append([item.pk for item in page.items])
        if page.next is None:
            return pages
        after = page.next


def api_pages(user: Any, path: str, params: dict[str, Any], limit: int = 50) -> list[list[int]]:
    """Every page of an API list as a script reads it, following ``next``."""
    token = accounts.create_token(user, "read models")[1]
    client, pages, after = Client(), [], None
    while True:
        query = {**params, "limit": limit, **({"after": after} if after else {})}
        response = client.get(f"/api/v1/{path}", query, headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 200, response.content
        body = response.json()
        pages.append([item["id"] for item in body["items"]])
        if body["next"] is None:
            return pages
        after = body["next"]


def api_items(user: Any, path: str, params: dict[str, Any]) -> list[dict[str, Any]]:
    token = accounts.create_token(user, "read models")[1]
    response = Client().get(f"/api/v1/{path}", params, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200, response.content
    return list(response.json()["items"])


def web_pages(user: Any, path: str, params: dict[str, Any], row: re.Pattern[str] = ROW_LINK) -> list[list[int]]:
    """Every page of a web list as a browser without JavaScript reads it, following "Show more"."""
    client = Client()
    client.force_login(user)
    pages: list[list[int]] = []
    url: str | None = f"{path}?{urlencode(params)}"
    while url is not None:
        response = client.get(url)
        assert response.status_code == 200
        page = response.content.decode()
        pages.append([int(pk) for pk in row.findall(page)])
        more = MORE_LINK.search(page)
        url = None
        if more:
            link = html.unescape(more.group(1))
            url = f"{path}{link}" if link.startswith("?") else link
    return pages


def flat(pages: list[list[int]]) -> list[int]:
    return [pk for page in pages for pk in page]


# --- sales -----------------------------------------------------------------------------------------------------


@pytest.fixture
def sale_world(admin_user: Any, salesperson_user: Any, manager_user: Any) -> dict[str, Any]:
    """Five sales, oldest first: "Big deal" of ACME BV (Sam's), "Small deal" of Globex (Max's), "Acme renewal"
    without a company (Sam's, an existing customer), "Website" of ACME BV (Max's, sold) and "Deal of the year"
    (Max's, an existing customer)."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    new = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk])
    existing = sale_types.create_sale_type(admin_user, name="Existing customer", stage_ids=[offer.pk])
    acme = Company.objects.create(name="ACME BV")
    globex = Company.objects.create(name="Globex")

    def sale(owner: Any, title: str, sale_type: Any, company: Company | None = None) -> int:
        made = sales.create_sale(
            owner, title=title, sale_type_id=sale_type.pk, company_id=company.pk if company else None
        )
        return made.pk

    ids = {
        "big": sale(salesperson_user, "Big deal", new, acme),
        "small": sale(manager_user, "Small deal", new, globex),
        "renewal": sale(salesperson_user, "Acme renewal", existing),
        "website": sale(manager_user, "Website", new, acme),
        "year": sale(manager_user, "Deal of the year", existing),
    }
    sales.close_sale_as_sold(manager_user, ids["website"])
    return {"ids": ids, "new": new, "existing": existing, "lead": lead, "offer": offer, "acme": acme}


# Each case: the parameters (as the API and the web name them; ids are looked up by name) and the sales
# expected, newest first.
SALE_CASES = [
    ({}, ["year", "website", "renewal", "small", "big"]),
    ({"q": "acme deal"}, ["big"]),  # "acme" in the company's name, "deal" in the title
    ({"q": "ACME"}, ["website", "renewal", "big"]),
    ({"q": "  "}, ["year", "website", "renewal", "small", "big"]),
    # Only the first eight words count: the ninth would find nothing.
    ({"q": "acme deal deal deal deal deal deal deal nowhere"}, ["big"]),
    ({"status": "sold"}, ["website"]),
    ({"status": "open", "q": "deal"}, ["year", "small", "big"]),
    ({"owner": "sam"}, ["renewal", "big"]),
    ({"owner": "max", "q": "deal"}, ["year", "small"]),
    ({"sale_type": "existing"}, ["year", "renewal"]),
    ({"stage": "offer"}, ["year", "renewal"]),
    ({"company": "acme"}, ["website", "big"]),
    ({"company": "acme", "q": "web"}, ["website"]),
]


def _sale_params(params: dict[str, Any], world: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    """Names in a case replaced by the ids the doors take."""
    ids = {"sam": users["sam"].pk, "max": users["max"].pk}
    ids |= {name: world[name].pk for name in ("new", "existing", "lead", "offer", "acme")}
    return {key: ids.get(value, value) if key != "q" else value for key, value in params.items()}


@pytest.mark.parametrize(("params", "expected"), SALE_CASES)
def test_the_sale_list_gives_the_same_sales_in_the_same_order_through_every_door_when_filtered(
    params: dict[str, Any],
    expected: list[str],
    sale_world: dict[str, Any],
    salesperson_user: Any,
    manager_user: Any,
) -> None:
    # Given the five sales, and the filters as each door takes them
    query = _sale_params(params, sale_world, {"sam": salesperson_user, "max": manager_user})
    filters = sale_list.SaleFilters(**query)

    # When a salesperson lists them through the read model, the API and the web
    through_model = model_pages(lambda after: sale_list.sale_page(filters, limit=50, after=after))
    through_api = api_pages(salesperson_user, "sales", query)
    through_web = web_pages(salesperson_user, reverse("sales:list"), query)

    # Then all three show the expected sales, newest first
    wanted = [sale_world["ids"][name] for name in expected]
    assert flat(through_model) == wanted
    assert flat(through_api) == wanted
    assert flat(through_web) == wanted


def test_a_company_name_search_finds_the_sale_through_the_api_as_on_the_web_when_the_title_lacks_the_word(
    sale_world: dict[str, Any], salesperson_user: Any
) -> None:
    # When "acme deal" is searched: "Big deal" of the company "ACME BV" has "acme" only in its company's name
    api_titles = [
        sale["title"]
        for sale in api_items(salesperson_user, "sales", {"q": "acme deal"})
        if sale["company_name"] == "ACME BV"
    ]
    web = web_pages(salesperson_user, reverse("sales:list"), {"q": "acme deal"})

    # Then the API finds it, as the web does
    assert api_titles == ["Big deal"]
    assert flat(web) == [sale_world["ids"]["big"]]


def test_owner_me_on_the_web_lists_what_the_api_lists_when_given_the_users_own_id(
    sale_world: dict[str, Any], salesperson_user: Any
) -> None:
    # When Sam lists "Mine" on the web, and his own id through the API
    web = web_pages(salesperson_user, reverse("sales:list"), {"owner": "me"})
    api = api_pages(salesperson_user, "sales", {"owner": salesperson_user.pk})

    # Then both are his two sales, newest first
    assert flat(web) == flat(api) == [sale_world["ids"]["renewal"], sale_world["ids"]["big"]]


def test_the_sale_list_pages_the_same_through_every_door_when_followed_with_the_cursor(
    sale_world: dict[str, Any], salesperson_user: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given pages of two sales everywhere
    monkeypatch.setattr(list_views, "PAGE_SIZE", 2)
    filters = sale_list.SaleFilters()

    # When each door is paged to the end
    through_model = model_pages(lambda after: sale_list.sale_page(filters, limit=2, after=after))
    through_api = api_pages(salesperson_user, "sales", {}, limit=2)
    through_web = web_pages(salesperson_user, reverse("sales:list"), {})

    # Then the pages are the same: every sale once, newest first
    ids = sale_world["ids"]
    expected = [[ids["year"], ids["website"]], [ids["renewal"], ids["small"]], [ids["big"]]]
    assert through_model == through_api == through_web == expected


def test_a_page_of_sales_is_one_query_when_its_rows_show_stage_company_owner_and_type(
    sale_world: dict[str, Any], django_assert_num_queries: Any
) -> None:
    # When a page is read with everything its rows show (Given three sales with "deal" in their title)
    # (PostgreSQL first looks up the companies holding the word, so that the page's plan knows how many there
    # are: decision 0009)
    with django_assert_num_queries(1 if connection.vendor == "sqlite" else 2):
        page = sale_list.sale_page(sale_list.SaleFilters(q="deal"), limit=50)
        shown = [
            (s.title, s.stage.name, s.company and s.company.name, s.owner.username, s.sale_type.name)
            for s in page.items
        ]
    # Then that was one query
    assert len(shown) == 3


# --- activities ------------------------------------------------------------------------------------------------


class Clock:
    """``timezone.now`` for these tests: 10:00 today, local time, so periods and overdue marks are certain."""

    def __init__(self) -> None:
        local = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        today = timezone.localtime(timezone.now(), local).date()
        self.start = dt.datetime.combine(today, dt.time(10), tzinfo=local)
        self.moment = self.start

    def __call__(self) -> dt.datetime:
        return self.moment.astimezone(dt.UTC)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> Clock:
    fixed = Clock()
    monkeypatch.setattr(timezone, "now", fixed)
    return fixed


@pytest.fixture
def activity_world(clock: Clock, admin_user: Any, salesperson_user: Any, manager_user: Any) -> dict[str, Any]:
    """Sam's activities: "overdue" (3 days ago), "today" (15:00), "in three days" on his sale, "in 20 days", and
    two completed ones ("done first" an hour ago, "done last" half an hour ago); Max's: one tomorrow and one
    completed two hours ago."""
    stage = catalog.create_stage(admin_user, name="Lead", probability=10)
    sale_type = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[stage.pk])
    call = catalog.create_activity_type(admin_user, name="Call", kind="call", default_duration_minutes=15)
    sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=sale_type.pk)
    now = clock.start

    def plan(owner: Any, title: str, start: dt.datetime, on_sale: bool = False) -> Any:
        return activities.create_activity(
            owner, activity_type_id=call.pk, title=title, start=start, sale_id=sale.pk if on_sale else None
        )

    def complete(owner: Any, activity: Any, at: dt.datetime) -> None:
        clock.moment = at
        activities.complete_activity(owner, activity.pk)
        clock.moment = clock.start

    made = {
        "overdue": plan(salesperson_user, "Overdue", now - dt.timedelta(days=3), on_sale=True),
        "today": plan(salesperson_user, "Today", now.replace(hour=15)),
        "in three days": plan(salesperson_user, "In three days", now + dt.timedelta(days=3), on_sale=True),
        "in 20 days": plan(salesperson_user, "In 20 days", now + dt.timedelta(days=20)),
        "done first": plan(salesperson_user, "Done first", now - dt.timedelta(days=1)),
        "done last": plan(salesperson_user, "Done last", now - dt.timedelta(days=2)),
        "max tomorrow": plan(manager_user, "Max tomorrow", now + dt.timedelta(days=1)),
        "max done": plan(manager_user, "Max done", now - dt.timedelta(days=5)),
    }
    complete(manager_user, made["max done"], now - dt.timedelta(hours=2))
    complete(salesperson_user, made["done first"], now - dt.timedelta(hours=1))
    complete(salesperson_user, made["done last"], now - dt.timedelta(minutes=30))
    return {"ids": {name: activity.pk for name, activity in made.items()}, "sale": sale, "today": now.date()}


# Each case: the API's parameters (names looked up), the web's (None when "My activities" has no such view),
# and the activities expected in order. Max, a manager, asks.
ACTIVITY_CASES = [
    (
        {"owner": "sam", "completed": False},
        {"owner": "sam", "show": "open"},
        ["overdue", "today", "in three days", "in 20 days"],
    ),
    ({"owner": "sam", "completed": True}, {"owner": "sam", "show": "completed"}, ["done last", "done first"]),
    ({"owner": "sam", "completed": False, "period": "overdue"}, {"owner": "sam", "period": "overdue"}, ["overdue"]),
    ({"owner": "sam", "completed": False, "period": "today"}, {"owner": "sam", "period": "today"}, ["today"]),
    (
        {"owner": "sam", "completed": False, "period": "week"},
        {"owner": "sam", "period": "week"},
        ["today", "in three days"],
    ),
    ({"owner": "max", "completed": False}, {}, ["max tomorrow"]),
    ({"owner": "max", "completed": True}, {"show": "completed"}, ["max done"]),
    (
        {},
        None,
        ["max done", "overdue", "done last", "done first", "today", "max tomorrow", "in three days", "in 20 days"],
    ),
    ({"sale": "sale"}, None, ["overdue", "in three days"]),
    ({"from": "today", "to": "today+3"}, None, ["today", "max tomorrow", "in three days"]),
    ({"completed": True}, None, ["done last", "done first", "max done"]),
    ({"period": "overdue"}, None, ["overdue"]),
]


def _activity_params(params: dict[str, Any], world: dict[str, Any], users: dict[str, Any]) -> dict[str, Any]:
    names: dict[str, Any] = {
        "sam": users["sam"].pk,
        "max": users["max"].pk,
        "sale": world["sale"].pk,
        "today": world["today"],
        "today+3": world["today"] + dt.timedelta(days=3),
    }
    # Only these parameters name something; a period such as "today" stays as it is.
    return {key: names[value] if key in {"owner", "sale", "from", "to"} else value for key, value in params.items()}


def _filters(params: dict[str, Any]) -> activity_list.ActivityFilters:
    renamed = {"from": "starts_from", "to": "starts_to"}
    values = {renamed.get(key, key): value for key, value in params.items()}
    if "period" in values:
        values["period"] = activity_list.Period(values["period"])
    return activity_list.ActivityFilters(**values)


def _api_query(params: dict[str, Any]) -> dict[str, Any]:
    return {key: str(value).lower() if isinstance(value, bool) else value for key, value in params.items()}


@pytest.mark.parametrize(("params", "web", "expected"), ACTIVITY_CASES)
def test_the_activity_list_gives_the_same_activities_in_the_same_order_through_every_door_when_filtered(
    params: dict[str, Any],
    web: dict[str, Any] | None,
    expected: list[str],
    activity_world: dict[str, Any],
    clock: Clock,
    salesperson_user: Any,
    manager_user: Any,
) -> None:
    # Given the filters as each door takes them
    users = {"sam": salesperson_user, "max": manager_user}
    query = _activity_params(params, activity_world, users)
    filters = _filters(query)

    # When Max lists them through the read model, the API and (where it has the view) "My activities"
    through_model = model_pages(
        lambda after: activity_list.activity_page(manager_user, filters, now=clock.start, limit=50, after=after)
    )
    through_api = api_pages(manager_user, "activities", _api_query(query))

    # Then each shows the expected activities in the expected order
    wanted = [activity_world["ids"][name] for name in expected]
    assert flat(through_model) == wanted
    assert flat(through_api) == wanted
    if web is not None:
        through_web = web_pages(
            manager_user, reverse("activities:mine"), _activity_params(web, activity_world, users), ACTIVITY_ROW
        )
        assert flat(through_web) == wanted


def test_a_salesperson_gets_their_own_activities_through_every_door_when_asking_for_someone_elses(
    activity_world: dict[str, Any], clock: Clock, salesperson_user: Any, manager_user: Any
) -> None:
    # When Sam asks for Max's open activities
    filters = activity_list.ActivityFilters(owner=manager_user.pk, completed=False)
    through_model = model_pages(
        lambda after: activity_list.activity_page(salesperson_user, filters, now=clock.start, limit=50, after=after)
    )
    through_api = api_pages(salesperson_user, "activities", {"owner": manager_user.pk, "completed": "false"})
    through_web = web_pages(
        salesperson_user, reverse("activities:mine"), {"owner": manager_user.pk, "show": "open"}, ACTIVITY_ROW
    )

    # Then every door shows his own open ones, and none of Max's
    ids = activity_world["ids"]
    wanted = [ids["overdue"], ids["today"], ids["in three days"], ids["in 20 days"]]
    assert flat(through_model) == flat(through_api) == flat(through_web) == wanted


@pytest.mark.parametrize(
    ("completed", "show", "expected"),
    [
        (False, "open", [["overdue", "today"], ["in three days", "in 20 days"]]),
        (True, "completed", [["done last", "done first"]]),
    ],
)
def test_the_activity_list_pages_the_same_through_every_door_when_followed_with_the_cursor(
    completed: bool,
    show: str,
    expected: list[list[str]],
    activity_world: dict[str, Any],
    clock: Clock,
    salesperson_user: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given pages of two activities everywhere; the cursor of the completed list holds the completion time
    monkeypatch.setattr(activity_views, "PAGE_SIZE", 2)
    filters = activity_list.ActivityFilters(owner=salesperson_user.pk, completed=completed)

    # When Sam pages each door to the end
    through_model = model_pages(
        lambda after: activity_list.activity_page(salesperson_user, filters, now=clock.start, limit=2, after=after)
    )
    through_api = api_pages(
        salesperson_user, "activities", {"owner": salesperson_user.pk, "completed": str(completed).lower()}, limit=2
    )
    through_web = web_pages(salesperson_user, reverse("activities:mine"), {"show": show}, ACTIVITY_ROW)

    # Then the pages are the same
    wanted = [[activity_world["ids"][name] for name in page] for page in expected]
    assert through_model == through_api == through_web == wanted


def test_a_page_of_activities_is_one_query_when_its_rows_show_type_owner_sale_and_company(
    activity_world: dict[str, Any], clock: Clock, manager_user: Any, django_assert_num_queries: Any
) -> None:
    # When a page of all eight activities is read with everything its rows show
    with django_assert_num_queries(1):
        page = activity_list.activity_page(manager_user, activity_list.ActivityFilters(), now=clock.start, limit=50)
        shown = [(a.activity_type.name, a.owner.username, a.sale and a.sale.company, a.company) for a in page.items]
    # Then that was one query
    assert len(shown) == 8


# --- companies and contacts ------------------------------------------------------------------------------------


@pytest.fixture
def customer_world(db: None) -> dict[str, int]:
    """Companies "ACME BV" (Amsterdam), "acme Trading", "Globex" (Utrecht) and "Zeta"; contacts Jan Jansen of
    ACME BV, Piet Jansen without a company, and Anna Bakker of Globex."""
    acme = Company.objects.create(name="ACME BV", city="Amsterdam")
    trading = Company.objects.create(name="acme Trading")
    globex = Company.objects.create(name="Globex", city="Utrecht")
    zeta = Company.objects.create(name="Zeta")
    jan = Contact.objects.create(first_name="Jan", last_name="Jansen", company=acme)
    piet = Contact.objects.create(first_name="Piet", last_name="Jansen")
    anna = Contact.objects.create(first_name="Anna", last_name="Bakker", company=globex)
    return {
        "acme": acme.pk,
        "trading": trading.pk,
        "globex": globex.pk,
        "zeta": zeta.pk,
        "jan": jan.pk,
        "piet": piet.pk,
        "anna": anna.pk,
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["acme", "trading", "globex", "zeta"]),
        ({"q": "ACME"}, ["acme", "trading"]),
        ({"q": "acme amsterdam"}, ["acme"]),
        ({"q": "acme utrecht"}, []),
    ],
)
def test_the_company_list_gives_the_same_companies_in_the_same_order_through_every_door_when_searched(
    params: dict[str, Any],
    expected: list[str],
    customer_world: dict[str, int],
    salesperson_user: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given pages of two companies everywhere
    monkeypatch.setattr(company_views, "PAGE_SIZE", 2)
    filters = customers.CompanyFilters(**params)

    # When each door is paged to the end
    through_model = model_pages(lambda after: customers.company_page(filters, limit=2, after=after))
    through_api = api_pages(salesperson_user, "companies", params, limit=2)
    through_web = web_pages(salesperson_user, reverse("customers:company_list"), params)

    # Then the pages are the same, by name ignoring case
    wanted = [customer_world[name] for name in expected]
    assert flat(through_model) == wanted
    assert through_model == through_api == through_web


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["anna", "jan", "piet"]),
        ({"q": "jansen acme"}, ["jan"]),
        ({"q": "JANSEN"}, ["jan", "piet"]),
        ({"company": "acme"}, ["jan"]),
        ({"company": "globex", "q": "jansen"}, []),
    ],
)
def test_the_contact_list_gives_the_same_contacts_in_the_same_order_through_every_door_when_searched(
    params: dict[str, Any],
    expected: list[str],
    customer_world: dict[str, int],
    salesperson_user: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # Given pages of two contacts everywhere
    monkeypatch.setattr(contact_views, "PAGE_SIZE", 2)
    query = {key: customer_world[value] if key == "company" else value for key, value in params.items()}
    filters = customers.ContactFilters(**query)

    # When each door is paged to the end
    through_model = model_pages(lambda after: customers.contact_page(filters, limit=2, after=after))
    through_api = api_pages(salesperson_user, "contacts", query, limit=2)
    through_web = web_pages(salesperson_user, reverse("customers:contact_list"), query)

    # Then the pages are the same, by last name and first name
    wanted = [customer_world[name] for name in expected]
    assert flat(through_model) == wanted
    assert through_model == through_api == through_web


def test_a_page_of_companies_or_contacts_is_one_query_when_searched_or_showing_companies(
    customer_world: dict[str, int], django_assert_num_queries: Any
) -> None:
    # When a searched page of companies, and a page of contacts with their companies, are read
    with django_assert_num_queries(1):
        companies = customers.company_page(customers.CompanyFilters(q="acme"), limit=50).items
    with django_assert_num_queries(1):
        people = [(c.full_name, c.company and c.company.name) for c in customers.contact_page(limit=50).items]
    # Then each was one query
    assert len(companies) == 2 and len(people) == 3


# --- the cursor ------------------------------------------------------------------------------------------------


def test_a_cursor_is_refused_with_422_when_passed_to_another_list(
    activity_world: dict[str, Any], customer_world: dict[str, int], clock: Clock, manager_user: Any
) -> None:
    # Given a cursor of the company list (a name and an id) and one of the activity list (a time and an id)
    company_cursor = customers.company_page(limit=1).next
    activity_cursor = activity_list.activity_page(
        manager_user, activity_list.ActivityFilters(), now=clock.start, limit=1
    ).next
    assert company_cursor and activity_cursor
    token = accounts.create_token(manager_user, "read models")[1]
    headers = {"Authorization": f"Bearer {token}"}

    # When each is passed to the other list, and to the sales (an id only)
    answers = [
        Client().get("/api/v1/activities", {"after": company_cursor}, headers=headers),
        Client().get("/api/v1/companies", {"after": activity_cursor}, headers=headers),
        Client().get("/api/v1/sales", {"after": activity_cursor}, headers=headers),
    ]

    # Then each is refused, naming the cursor
    for answer in answers:
        assert answer.status_code == 422
        assert answer.json()["detail"][0]["loc"] == ["query", "after"]
