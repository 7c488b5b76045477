"""Two answers every door must give alike, decided once in the sale services: the currency (normalised by
``domain.money``) and "today" (the acting user's, from ``services.clock``, never the time zone a request
happened to activate). Also the one query of a sale type's live stages that the rules of selling start from."""

from __future__ import annotations

import datetime as dt
import zoneinfo
from typing import Any

import pytest
from django.conf import settings
from django.utils import timezone

from salesguide.domain.errors import ValidationFailed
from salesguide.models import Sale, StageChange
from salesguide.queries.guides import LiveStage, live_stages
from salesguide.services import catalog, clock, sale_types, sales

pytestmark = pytest.mark.django_db

# 20:00 UTC on 10 March: already 11 March in Tokyo, still 10 March in Amsterdam and New York.
MOMENT = dt.datetime(2026, 3, 10, 20, 0, tzinfo=dt.UTC)
TOKYO_TODAY = dt.date(2026, 3, 11)
ELSEWHERE = ("America/New_York", "Europe/Amsterdam", None)


@pytest.fixture
def world(admin_user: Any) -> dict[str, Any]:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    new_customer = sale_types.create_sale_type(
        admin_user, name="New customer", duration=30, duration_unit="days", stage_ids=[lead.pk, offer.pk]
    )
    return {"lead": lead, "offer": offer, "new_customer": new_customer}


@pytest.fixture
def at_the_moment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(timezone, "now", lambda: MOMENT)


@pytest.fixture
def in_tokyo(salesperson_user: Any) -> Any:
    salesperson_user.time_zone = "Asia/Tokyo"
    salesperson_user.save()
    return salesperson_user


# --- currency ------------------------------------------------------------------------------------------------


def test_a_currency_typed_in_lower_case_is_stored_upper_case_on_create_and_on_change(
    salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = sales.create_sale(salesperson_user, title="Fleet", sale_type_id=world["new_customer"].pk, currency="eur")
    assert Sale.objects.get(pk=sale.pk).currency == "EUR"

    sales.update_sale(salesperson_user, sale.pk, version=sale.version, currency=" usd ")

    assert Sale.objects.get(pk=sale.pk).currency == "USD"


def test_no_currency_is_the_installations(salesperson_user: Any, world: dict[str, Any], settings: Any) -> None:
    settings.DEFAULT_CURRENCY = "GBP"
    for given in (None, ""):
        sale = sales.create_sale(salesperson_user, title="Fleet", sale_type_id=world["new_customer"].pk, currency=given)
        assert Sale.objects.get(pk=sale.pk).currency == "GBP"


def test_a_code_that_is_not_iso_4217_is_refused_and_nothing_is_stored(
    salesperson_user: Any, world: dict[str, Any]
) -> None:
    # When a sale is created with ZZZ
    with pytest.raises(ValidationFailed) as refused:
        sales.create_sale(salesperson_user, title="Fleet", sale_type_id=world["new_customer"].pk, currency="ZZZ")

    # Then the currency field is named and there is no sale
    assert [(p.loc, p.message.text) for p in refused.value.problems] == [
        (("currency",), "Use a three-letter ISO 4217 code, such as EUR.")
    ]
    assert not Sale.objects.exists()


def test_changing_to_a_code_that_is_not_iso_4217_is_refused_and_changes_nothing(
    salesperson_user: Any, world: dict[str, Any]
) -> None:
    sale = sales.create_sale(salesperson_user, title="Fleet", sale_type_id=world["new_customer"].pk, currency="EUR")

    with pytest.raises(ValidationFailed) as refused:
        sales.update_sale(salesperson_user, sale.pk, version=sale.version, currency="zzz", title="Renamed")

    assert [p.loc for p in refused.value.problems] == [("currency",)]
    stored = Sale.objects.get(pk=sale.pk)
    assert (stored.currency, stored.title, stored.version) == ("EUR", "Fleet", sale.version)


# --- today, in the acting user's time zone -------------------------------------------------------------------


def test_today_and_now_are_the_users_whatever_zone_is_active(in_tokyo: Any, at_the_moment: None) -> None:
    for active in ELSEWHERE:
        with timezone.override(active):
            assert clock.today_for(in_tokyo) == TOKYO_TODAY
            assert clock.now_for(in_tokyo) == MOMENT
            assert clock.now_for(in_tokyo).tzinfo == zoneinfo.ZoneInfo("Asia/Tokyo")


def test_a_user_without_a_zone_of_their_own_lives_in_the_installations(salesperson_user: Any) -> None:
    assert clock.zone_of(salesperson_user) == zoneinfo.ZoneInfo(settings.TIME_ZONE)
    salesperson_user.time_zone = "Atlantis/Lost_City"  # a name the zone database no longer knows
    assert clock.zone_of(salesperson_user) == zoneinfo.ZoneInfo(settings.TIME_ZONE)
    assert clock.zone_of(None) == zoneinfo.ZoneInfo(settings.TIME_ZONE)


def test_a_new_sale_is_expected_on_the_users_today_plus_the_types_duration_whatever_zone_is_active(
    in_tokyo: Any, world: dict[str, Any], at_the_moment: None
) -> None:
    expected = set()
    for active in ELSEWHERE:
        with timezone.override(active):
            sale = sales.create_sale(in_tokyo, title="Fleet", sale_type_id=world["new_customer"].pk)
        expected.add(Sale.objects.get(pk=sale.pk).expected_date)

    assert expected == {TOKYO_TODAY + dt.timedelta(days=30)}


def test_closing_without_a_date_closes_on_the_users_today_whatever_zone_is_active(
    in_tokyo: Any, world: dict[str, Any], at_the_moment: None
) -> None:
    for active in ELSEWHERE:
        sale = sales.create_sale(in_tokyo, title="Fleet", sale_type_id=world["new_customer"].pk)
        with timezone.override(active):
            sold = sales.close_sale_as_sold(in_tokyo, sale.pk)
        assert sold.closed_date == TOKYO_TODAY


def test_a_re_open_date_must_lie_after_the_users_today_even_where_it_is_still_yesterday(
    in_tokyo: Any, world: dict[str, Any], at_the_moment: None
) -> None:
    sale = sales.create_sale(in_tokyo, title="Fleet", sale_type_id=world["new_customer"].pk)

    # When the Tokyo user stalls until "tomorrow" of New York, which is their today
    with timezone.override("America/New_York"), pytest.raises(ValidationFailed) as refused:
        sales.stall_sale(in_tokyo, sale.pk, reopen_date=TOKYO_TODAY)

    # Then it is refused and the sale stays open, without a history row
    assert [(p.loc, p.message.text) for p in refused.value.problems] == [
        (("reopen_date",), "Choose a re-open date after today.")
    ]
    assert Sale.objects.get(pk=sale.pk).status == "open"
    assert StageChange.objects.filter(sale=sale).count() == 1

    # And their tomorrow is accepted
    with timezone.override("America/New_York"):
        stalled = sales.stall_sale(in_tokyo, sale.pk, reopen_date=TOKYO_TODAY + dt.timedelta(days=1))
    assert stalled.status == "stalled"


# --- the live stages of a sale type ------------------------------------------------------------------------------


def test_the_live_stages_of_a_type_are_its_stages_in_order_without_removed_or_deleted_ones(
    admin_user: Any, world: dict[str, Any]
) -> None:
    contract = catalog.create_stage(admin_user, name="Contract", probability=80)
    extra = catalog.create_stage(admin_user, name="Extra", probability=60)
    type_id = world["new_customer"].pk
    sale_types.update_sale_type(
        admin_user, type_id, stage_ids=[contract.pk, world["lead"].pk, extra.pk, world["offer"].pk]
    )
    # One stage taken out of the type, one deleted altogether
    sale_types.update_sale_type(admin_user, type_id, stage_ids=[contract.pk, world["lead"].pk, extra.pk])
    catalog.delete_stage(admin_user, extra.pk)

    stages = live_stages(type_id)

    assert [(s.stage_id, s.name, s.probability) for s in stages] == [
        (contract.pk, "Contract", 80),
        (world["lead"].pk, "Lead", 10),
    ]
    assert all(isinstance(s, LiveStage) for s in stages) and stages[0].rank < stages[1].rank
    assert [(s.id, s.probability) for s in sales.stages_of(type_id)] == [(contract.pk, 80), (world["lead"].pk, 10)]
