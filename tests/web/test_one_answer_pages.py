"""Every door gives the same answer: the web card, the print view and the API show the same history sentences
and the same overdue flag for the same sale; the web form normalises and refuses a currency exactly as the
API does; and the proposed re-open call is 09:00 in the user's own time zone on the web as through the API."""

from __future__ import annotations

import datetime as dt
import html as html_module
import re
import zoneinfo
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from salesguide.models import Sale
from salesguide.services import accounts, activities, catalog, sale_types, sales

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    contract = catalog.create_stage(admin_user, name="Contract", probability=80)
    new_customer = sale_types.create_sale_type(
        admin_user, name="New customer", duration=30, stage_ids=[lead.pk, offer.pk, contract.pk]
    )
    return {
        "lead": lead,
        "offer": offer,
        "contract": contract,
        "new_customer": new_customer,
        "call": catalog.create_activity_type(admin_user, name="Phone call", kind="call", default_duration_minutes=15),
        "price": catalog.create_reason(admin_user, name="Best price", kind="sold"),
    }


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_get(user: Any, path: str) -> Any:
    """The same user as a script: a bearer token, no session, no web middleware."""
    token = accounts.create_token(user, "doors")[1]
    response = Client().get(f"/api/v1/{path}", headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    assert response.status_code == 200, response.content
    return response.json()


def _text(fragment: str) -> str:
    return re.sub(r"\s+", " ", html_module.unescape(re.sub(r"<[^>]+>", " ", fragment))).strip()


def table_rows(response: Any) -> list[list[str]]:
    """The cells of every body row of the page's tables."""
    rows = []
    for body in re.findall(r"<tbody>(.*?)</tbody>", response.content.decode(), flags=re.S):
        for row in re.findall(r"<tr>(.*?)</tr>", body, flags=re.S):
            rows.append([_text(cell) for cell in re.findall(r"<t[dh]\b[^>]*>(.*?)</t[dh]>", row, flags=re.S)])
    return rows


# --- the history sentence ------------------------------------------------------------------------------------


def test_the_card_the_print_view_and_the_api_say_the_same_sentence_for_each_change(
    salesperson_user: Any, admin_user: Any, world: dict[str, Any]
) -> None:
    # Given a sale that was moved, set by hand, sold, reopened and moved on because its stage was taken out
    sale = sales.create_sale(salesperson_user, title="Fleet", sale_type_id=world["new_customer"].pk)
    sales.move_sale_to_stage(salesperson_user, sale.pk, world["offer"].pk)
    sales.set_sale_probability(salesperson_user, sale.pk, 65)
    sales.close_sale_as_sold(salesperson_user, sale.pk, reason_id=world["price"].pk)
    sales.reopen_sale(salesperson_user, sale.pk)
    sale_types.update_sale_type(
        admin_user, world["new_customer"].pk, stage_ids=[world["lead"].pk, world["contract"].pk]
    )
    expected = [
        "Created in stage Lead, probability 10%.",
        "Stage changed: Lead → Offer, probability 10% → 50%.",
        "Probability changed in stage Offer, probability 50% → 65%.",
        "Sold in stage Offer, probability 65% → 100%.",
        "Reopened in stage Offer, probability 100% → 50%.",
        "Moved because stage “Offer” was deleted or taken out of this sale type: Offer → Contract, "
        "probability 50% → 80%.",
    ]
    web = client_for(salesperson_user)

    # When the card's History tab, the print view and the API are read
    card_rows = table_rows(web.get(reverse("sales:card", args=[sale.pk]) + "?tab=history"))
    print_rows = [row for row in table_rows(web.get(reverse("sales:print", args=[sale.pk]))) if len(row) == 4]
    api_rows = api_get(salesperson_user, f"sales/{sale.pk}/history")["items"]

    # Then each shows the same sentence for each change, with the reason beside it
    assert [row["sentence"] for row in api_rows] == expected
    assert [row[2] for row in card_rows] == expected
    assert [row[2] for row in print_rows] == expected
    assert [row[3] for row in card_rows] == [row[3] for row in print_rows] == ["", "", "", "Best price", "", ""]


def test_a_dutch_reader_gets_the_sentence_in_dutch_on_every_door(make_user: Any, world: dict[str, Any]) -> None:
    dutch = make_user("jan", "salesperson", language="nl")
    sale = sales.create_sale(dutch, title="Vloot", sale_type_id=world["new_customer"].pk)
    sales.move_sale_to_stage(dutch, sale.pk, world["offer"].pk)
    web = client_for(dutch)

    card_rows = table_rows(web.get(reverse("sales:card", args=[sale.pk]) + "?tab=history"))
    token = accounts.create_token(dutch, "doors")[1]
    api_rows = (
        Client()
        .get(f"/api/v1/sales/{sale.pk}/history", headers={"Authorization": f"Bearer {token}", "Accept-Language": "nl"})
        .json()["items"]
    )

    # (in Dutch once the catalogue has the sentences; either way both doors agree)
    assert [row[2] for row in card_rows] == [row["sentence"] for row in api_rows]
    assert "Lead → Offer" in card_rows[1][2]


# --- the overdue flag ----------------------------------------------------------------------------------------


def _overdue_everywhere(user: Any, sale: Sale) -> tuple[bool, bool, bool]:
    web = client_for(user)
    card = web.get(reverse("sales:card", args=[sale.pk]) + "?tab=history").content.decode()
    # The header alone (the Next steps panel below it may say "nothing is overdue").
    start = card.index('id="sale-header"')
    header = card[start : card.index("</section>", start)]
    printed = web.get(reverse("sales:print", args=[sale.pk])).content.decode()
    return (
        "overdue" in _text(header),
        "(overdue)" in _text(printed),
        api_get(user, f"sales/{sale.pk}")["next_activity_overdue"],
    )


def test_the_card_the_print_view_and_the_api_agree_whether_the_next_activity_is_overdue(
    salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = sales.create_sale(salesperson_user, title="Fleet", sale_type_id=world["new_customer"].pk)

    # Nothing planned: nowhere overdue
    assert _overdue_everywhere(salesperson_user, sale) == (False, False, False)

    # A call tomorrow: nowhere overdue
    tomorrow = activities.create_activity(
        salesperson_user,
        activity_type_id=world["call"].pk,
        title="Call tomorrow",
        start=timezone.now() + dt.timedelta(days=1),
        sale_id=sale.pk,
    )
    assert _overdue_everywhere(salesperson_user, sale) == (False, False, False)

    # A call an hour ago, not done: overdue everywhere
    activities.create_activity(
        salesperson_user,
        activity_type_id=world["call"].pk,
        title="Call an hour ago",
        start=timezone.now() - dt.timedelta(hours=1),
        sale_id=sale.pk,
    )
    assert _overdue_everywhere(salesperson_user, sale) == (True, True, True)
    assert tomorrow.pk


# --- currency on the web -------------------------------------------------------------------------------------


def test_the_web_stores_a_lower_case_currency_upper_case_and_refuses_zzz_next_to_the_field(
    salesperson_user: Any, world: dict[str, Any]
) -> None:
    web = client_for(salesperson_user)

    refused = web.post(
        reverse("sales:new"), {"title": "Fleet", "sale_type": world["new_customer"].pk, "currency": "ZZZ"}
    )
    assert refused.status_code == 422
    error = re.search(r'id="id_currency_error">(.*?)</div>', refused.content.decode(), flags=re.S)
    assert error is not None and _text(error.group(1)) == "Use a three-letter ISO 4217 code, such as EUR."
    assert not Sale.objects.exists()

    web.post(reverse("sales:new"), {"title": "Fleet", "sale_type": world["new_customer"].pk, "currency": "usd"})
    assert Sale.objects.get(title="Fleet").currency == "USD"


# --- the proposed re-open call -------------------------------------------------------------------------------


def test_the_web_proposes_the_re_open_call_at_nine_in_the_users_zone_as_the_api_does(
    salesperson_user: Any, world: dict[str, Any]
) -> None:
    # Given a salesperson in New York who stalls a sale on the web
    salesperson_user.time_zone = "America/New_York"
    salesperson_user.save()
    new_york = zoneinfo.ZoneInfo("America/New_York")
    sale = sales.create_sale(salesperson_user, title="Fleet", sale_type_id=world["new_customer"].pk)
    reopen = timezone.now().astimezone(new_york).date() + dt.timedelta(days=30)
    web = client_for(salesperson_user)
    web.post(reverse("sales:stall", args=[sale.pk]), {"version": sale.version, "reopen_date": reopen.isoformat()})

    # When the proposal is shown, with another zone active around the request
    with timezone.override("Asia/Tokyo"):
        page = web.get(reverse("sales:stall_followup", args=[sale.pk])).content.decode()

    # Then it is 09:00 on the re-open date, as the service (and so the API) proposes to that user
    assert f'value="{reopen.isoformat()}"' in page and 'value="09:00"' in page
    proposal = activities.propose_reopen_followup(salesperson_user, "Fleet", reopen)
    assert proposal is not None
    assert proposal.start == dt.datetime.combine(reopen, dt.time(9, 0), tzinfo=new_york)
