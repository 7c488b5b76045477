"""The home pages' read model (``queries.home``, SPEC 4.8): which follow-ups a salesperson's day shows, which of
their sales need attention and why, their pipeline totals; a manager's team pipeline per stage and per owner and
the forecast at a glance — the totals equal to a raw aggregate of the open sales, and a fixed number of queries
whatever the number of sales and activities."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from tests.aging_helpers import entered_stage_at

from salesguide.domain.money import weighted_amount
from salesguide.models import Sale, User
from salesguide.queries import home as read_model
from salesguide.queries.reports.forecast import forecast_report
from salesguide.queries.reports.table import ReportFilters
from salesguide.services import activities, catalog, clock, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: User, manager_user: User, salesperson_user: User) -> dict[str, Any]:
    """ "New customer" with Lead (10%), Offer (50%, expected 7 days) and Contract (90%, expected 30 days). Sam
    (salesperson) owns a stale offer (12 days in it), a quiet lead (nothing planned, no expected days), a planned
    offer (a call next week), a dollar contract with a call later today, and a sold sale; Max (manager) owns a
    deal with nothing planned. "Now" is noon, twelve days from today, in Sam's time zone."""
    now = (clock.now_for(salesperson_user) + dt.timedelta(days=12)).replace(hour=12, minute=0, second=0, microsecond=0)
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    contract = catalog.create_stage(admin_user, name="Contract", probability=90)
    new = sale_types.create_sale_type(admin_user, name="New customer", stage_ids=[lead.pk, offer.pk, contract.pk])
    sale_types.set_expected_days(admin_user, new.pk, offer.pk, 7)
    sale_types.set_expected_days(admin_user, new.pk, contract.pk, 30)
    call = catalog.create_activity_type(admin_user, name="Phone call", kind="call", default_duration_minutes=15)

    def sale(owner: User, title: str, amount: int, stage: Any = None, days_in: int = 12, **extra: Any) -> Sale:
        made = sales.create_sale(owner, title=title, sale_type_id=new.pk, amount=amount, **extra)
        if stage is not None:
            sales.move_sale_to_stage(owner, made.pk, stage.pk)
        # Entered its stage ``days_in`` days before "now" (the services stamp the real time).
        entered_stage_at(made.pk, now - dt.timedelta(days=days_in))
        return Sale.objects.get(pk=made.pk)

    def plan(owner: User, title: str, start: dt.datetime, on: Sale | None = None) -> int:
        made = activities.create_activity(
            owner, activity_type_id=call.pk, title=title, start=start, sale_id=on.pk if on else None
        )
        return int(made.pk)

    stale = sale(salesperson_user, "Stale offer", 100_001, offer, days_in=12)
    quiet = sale(salesperson_user, "Quiet lead", 2_550, days_in=40)
    planned = sale(salesperson_user, "Planned offer", 30_000, offer, days_in=20)
    dollar = sale(salesperson_user, "Dollar contract", 10_000, contract, days_in=3, currency="USD")
    sold = sale(salesperson_user, "Sold deal", 70_000, offer)
    sales.close_sale_as_sold(salesperson_user, sold.pk)
    boss = sale(manager_user, "Boss deal", 50_000, offer, days_in=30)

    ids = {
        "overdue": plan(salesperson_user, "Call back about the offer", now - dt.timedelta(days=2), stale),
        "earlier_today": plan(salesperson_user, "Morning call", now - dt.timedelta(hours=3)),
        "later_today": plan(salesperson_user, "Afternoon call", now + dt.timedelta(hours=3), dollar),
        "tomorrow": plan(salesperson_user, "Tomorrow's call", now + dt.timedelta(days=1)),
        "next_week": plan(salesperson_user, "Next week's call", now + dt.timedelta(days=7), planned),
        "done_today": plan(salesperson_user, "Done already", now - dt.timedelta(hours=1)),
        "max_today": plan(manager_user, "Max's call", now + dt.timedelta(hours=1)),
    }
    activities.complete_activity(salesperson_user, ids["done_today"])
    return {
        "now": now,
        "sam": salesperson_user,
        "max": manager_user,
        "admin": admin_user,
        "activities": ids,
        "sales": {"stale": stale, "quiet": quiet, "planned": planned, "dollar": dollar, "boss": boss},
        "stages": {"lead": lead, "offer": offer, "contract": contract},
        "new": new,
        "call": call,
    }


def raw_totals(**filters: Any) -> dict[Any, tuple[int, int, int]]:
    """Open sales summed by hand per (group, currency), with the domain's rounding per sale."""
    group_by = filters.pop("by", None)
    table: dict[Any, list[int]] = defaultdict(lambda: [0, 0, 0])
    for sale in Sale.objects.filter(status="open", stage__isnull=False, **filters):
        key = (getattr(sale, group_by), sale.currency) if group_by else sale.currency
        table[key][0] += 1
        table[key][1] += sale.amount
        table[key][2] += weighted_amount(sale.amount, sale.probability)
    return {key: (n, amount, weighted) for key, (n, amount, weighted) in table.items()}


def activity_ids(items: list[read_model.FollowupItem]) -> list[int]:
    return [item.activity.pk for item in items]


# --- a salesperson's day ---------------------------------------------------------------------------------


def test_a_salespersons_day_lists_overdue_follow_ups_then_todays_open_ones_when_some_are_done_or_later(world):
    day = read_model.salesperson_home(world["sam"], now=world["now"])

    ids = world["activities"]
    assert activity_ids(day.followups.overdue) == [ids["overdue"]]
    assert activity_ids(day.followups.today) == [ids["earlier_today"], ids["later_today"]]
    # earlier today is overdue too; later today is not
    assert [item.overdue for item in day.followups.today] == [True, False]
    assert all(item.overdue for item in day.followups.overdue)
    # each comes with its sale
    assert day.followups.overdue[0].activity.sale.title == "Stale offer"
    assert not (day.followups.more_overdue or day.followups.more_today)


def test_a_salespersons_follow_ups_are_capped_and_say_there_are_more_when_the_day_is_full(world):
    for hour in range(read_model.FOLLOWUPS_SHOWN + 2):
        activities.create_activity(
            world["sam"],
            activity_type_id=world["call"].pk,
            title=f"Old call {hour}",
            start=world["now"] - dt.timedelta(days=3, hours=hour),
        )

    day = read_model.followups(world["sam"], now=world["now"])

    assert len(day.overdue) == read_model.FOLLOWUPS_SHOWN and day.more_overdue
    # the oldest first, as "My activities" lists them
    starts = [item.activity.start for item in day.overdue]
    assert starts == sorted(starts)
    assert not day.more_today


def test_sales_that_need_attention_are_the_own_open_ones_with_nothing_planned_stale_ones_first_with_why(world):
    day = read_model.salesperson_home(world["sam"], now=world["now"])

    shown = [(item.sale.title, item.stale, item.days_in_stage, item.expected_days) for item in day.attention.items]
    # the planned offer has a call next week; the dollar contract has one later today; Max's deal is not Sam's
    assert shown == [("Stale offer", True, 12, 7), ("Quiet lead", False, 40, None)]
    assert not day.attention.more


def test_a_sale_in_its_stage_longer_than_expected_is_not_stale_when_something_is_planned_ahead(world):
    stale = world["sales"]["stale"]
    activities.create_activity(
        world["sam"],
        activity_type_id=world["call"].pk,
        title="Follow up",
        start=world["now"] + dt.timedelta(days=1),
        sale_id=stale.pk,
    )

    day = read_model.salesperson_home(world["sam"], now=world["now"])

    assert [item.sale.title for item in day.attention.items] == ["Quiet lead"]


def test_the_attention_list_is_capped_with_more_when_many_sales_have_nothing_planned(world):
    for n in range(read_model.ATTENTION_SHOWN):
        sales.create_sale(world["sam"], title=f"Idle {n}", sale_type_id=world["new"].pk, amount=n)

    day = read_model.attention(world["sam"], now=world["now"])

    assert len(day.items) == read_model.ATTENTION_SHOWN and day.more
    assert day.items[0].sale.title == "Stale offer"  # stale first, whatever the others


def test_the_whole_attention_list_pages_through_every_sale_with_nothing_planned_longest_in_stage_first(world):
    now = world["now"]
    for n in range(5):
        idle = sales.create_sale(world["sam"], title=f"Idle {n}", sale_type_id=world["new"].pk, amount=n)
        # Two days in their stage by "now", whatever the hour of the day the test runs at.
        entered_stage_at(idle.pk, now - dt.timedelta(days=2, minutes=n))

    pages, after = [], None
    while True:
        page = read_model.attention_page(world["sam"], now=now, limit=3, after=after)
        pages.append([item.sale.title for item in page.items])
        if page.next is None:
            break
        after = page.next
    stale_only = read_model.attention_page(world["sam"], now=now, stale_only=True, limit=10)

    titles = [title for page in pages for title in page]
    assert titles[:2] == ["Quiet lead", "Stale offer"]  # 40 and 12 days in their stage
    assert sorted(titles[2:]) == [f"Idle {n}" for n in range(5)]
    assert [len(page) for page in pages] == [3, 3, 1]
    assert [item.sale.title for item in stale_only.items] == ["Stale offer"] and stale_only.next is None


def test_a_salespersons_pipeline_totals_are_their_own_open_sales_per_currency_equal_to_a_raw_aggregate(world):
    day = read_model.salesperson_home(world["sam"], now=world["now"])

    shown = {total.currency: (total.count, total.amount, total.weighted_amount) for total in day.totals}
    assert shown == raw_totals(owner=world["sam"])
    assert shown["EUR"] == (3, 132_551, 50_001 + 255 + 15_000)  # the sold sale and Max's deal are not in it
    assert shown["USD"] == (1, 10_000, 9_000)


def test_a_salesperson_with_no_sales_has_an_empty_day(make_user):
    newcomer = make_user("nina", "salesperson")

    day = read_model.salesperson_home(newcomer, now=clock.now_for(newcomer))

    assert day.followups.empty and not day.attention.items and not day.attention.more and day.totals == []


# --- a manager's view ------------------------------------------------------------------------------------


def test_a_manager_and_an_administrator_get_the_team_view_and_a_salesperson_their_day(world):
    now = world["now"]

    assert isinstance(read_model.home(world["max"], now=now), read_model.ManagerHome)
    assert isinstance(read_model.home(world["admin"], now=now), read_model.ManagerHome)
    assert isinstance(read_model.home(world["sam"], now=now), read_model.SalespersonHome)


def test_a_managers_view_shows_the_teams_pipeline_per_stage_in_stage_order_equal_to_a_raw_aggregate(world):
    team = read_model.manager_home(world["max"], now=world["now"])

    assert [stage.name for stage in team.stages] == ["Lead", "Offer", "Contract"]
    shown = {
        (stage.stage_id, total.currency): (total.count, total.amount, total.weighted_amount)
        for stage in team.stages
        for total in stage.totals
    }
    assert shown == raw_totals(by="stage_id")
    # the whole team, both owners, per currency
    assert {t.currency: (t.count, t.amount, t.weighted_amount) for t in team.totals} == raw_totals()


def test_a_managers_view_shows_the_pipeline_per_owner_equal_to_a_raw_aggregate(world):
    team = read_model.manager_home(world["max"], now=world["now"])

    assert [row.owner.username for row in team.owners] == ["manager", "salesperson"]  # Max, then Sam
    shown = {
        (row.owner.pk, total.currency): (total.count, total.amount, total.weighted_amount)
        for row in team.owners
        for total in row.totals
    }
    assert shown == raw_totals(by="owner_id")


def test_a_managers_forecast_at_a_glance_is_the_next_three_months_of_the_forecast_report(world):
    now = world["now"]
    this_month = now.date().replace(day=1)
    Sale.objects.filter(status="open").update(expected_date=this_month + dt.timedelta(days=200))
    Sale.objects.filter(pk=world["sales"]["boss"].pk).update(expected_date=this_month + dt.timedelta(days=3))
    Sale.objects.filter(pk=world["sales"]["stale"].pk).update(expected_date=this_month + dt.timedelta(days=40))

    team = read_model.manager_home(world["max"], now=now)

    months = [month.month for month in team.forecast]
    assert len(months) == 3 and months[0] == this_month and months == sorted(months)
    last = (months[2] + dt.timedelta(days=31)).replace(day=1) - dt.timedelta(days=1)
    report = forecast_report(world["max"], ReportFilters(date_from=months[0], date_to=last), now=now)
    expected = {
        (row["month"], row["currency"]): (row["count"], row["amount"], row["weighted_amount"], row["sold_amount"])
        for row in report.rows
    }
    shown = {
        (month.month.strftime("%Y-%m"), f.currency): (f.count, f.amount, f.weighted_amount, f.sold_amount)
        for month in team.forecast
        for f in month.figures
    }
    assert shown == expected
    first = {f.currency: f for f in team.forecast[0].figures}
    assert (first["EUR"].count, first["EUR"].amount) == (1, 50_000)  # Max's deal, not those 200 days out
    second = {f.currency: f for f in team.forecast[1].figures}
    assert (second["EUR"].count, second["EUR"].amount, second["EUR"].weighted_amount) == (1, 100_001, 50_001)


def test_a_managers_own_day_is_compact_and_only_their_own(world):
    team = read_model.manager_home(world["max"], now=world["now"])

    assert activity_ids(team.followups.today) == [world["activities"]["max_today"]]
    assert team.followups.overdue == []


# --- bounded ---------------------------------------------------------------------------------------------


def _queries(function: Any, *args: Any, **kwargs: Any) -> int:
    with CaptureQueriesContext(connection) as captured:
        function(*args, **kwargs)
    return len(captured.captured_queries)


def test_each_home_costs_the_same_number_of_queries_with_many_more_sales_and_activities(world):
    sam, max_, now = world["sam"], world["max"], world["now"]
    before = (_queries(read_model.salesperson_home, sam, now=now), _queries(read_model.manager_home, max_, now=now))

    for n in range(30):
        made = sales.create_sale(sam, title=f"More {n}", sale_type_id=world["new"].pk, amount=n * 100)
        activities.create_activity(
            sam,
            activity_type_id=world["call"].pk,
            title=f"Call {n}",
            start=now - dt.timedelta(days=n % 3),
            sale_id=made.pk,
        )
        sales.create_sale(max_, title=f"Team {n}", sale_type_id=world["new"].pk, amount=n, currency="GBP")

    after = (_queries(read_model.salesperson_home, sam, now=now), _queries(read_model.manager_home, max_, now=now))
    assert after == before
    # the salesperson: two follow-up lists, stale sales (the stored aging: decision 0011), unplanned sales, the
    # expected days of those shown, the next steps (7, queries.next_steps), the totals; the manager: two follow-up
    # lists, stage and owner totals with their names, the forecast's open and sold sales
    assert before == (2 + 3 + 7 + 1, 8)
