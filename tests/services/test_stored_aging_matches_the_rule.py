"""The stored aging (decision 0011) answers what the rule answers (SPEC 6.2, ``domain.aging``), whatever happened
to the sales: created, moved back and forth, closed, stalled and reopened, their type's expected days changed,
activities planned, moved, completed, reopened and deleted — over many moments, the boundaries included, on
whichever database the suite runs on. The stored columns are written by the services (in Python) and by the
set-based updates (in SQL): both must agree with the pure rule to the microsecond."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any
from unittest import mock

import pytest
from django.utils import timezone

from salesguide.domain import aging
from salesguide.models import Activity, ActivityType, Sale, SaleTypeStage
from salesguide.queries.aging import stale_sales
from salesguide.services import activities, catalog, sale_types, sales, stored_aging
from salesguide.services.demo import load_demo_data

pytestmark = pytest.mark.django_db

NOW = timezone.now().replace(microsecond=123_456)


def _at(moment: dt.datetime) -> Any:
    """The services' clock set to ``moment`` (they stamp stage entries with it)."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


def _rule_says(now: dt.datetime) -> set[int]:
    """Every stale sale by the pure rule, from the sales' own facts: the stage entered, the type's expected days
    for it, and the open activities."""
    expected = {
        (link.sale_type_id, link.stage_id): link.expected_days for link in SaleTypeStage.objects.filter(removed=False)
    }
    open_starts: dict[int, list[dt.datetime]] = {}
    for sale_id, start in Activity.objects.filter(completed_at__isnull=True).values_list("sale_id", "start"):
        open_starts.setdefault(sale_id, []).append(start)
    stale = set()
    for sale in Sale.objects.all():
        if sale.status != "open":
            continue
        planned = any(start >= now for start in open_starts.get(sale.pk, []))
        days = aging.days_in_stage(sale.stage_entered_at, now)
        if aging.is_stale(days, expected.get((sale.sale_type_id, sale.stage_id)), has_planned_activity=planned):
            stale.add(sale.pk)
    return stale


def _sql_says(now: dt.datetime) -> set[int]:
    return set(stale_sales(Sale.objects.all(), now).values_list("pk", flat=True))


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_stored_stale_list_is_the_rules_answer_at_every_moment(admin_user: Any, seed: int) -> None:
    rng = random.Random(seed)
    # Given a type with a stage of 0 expected days, one of 3, one of 10 and one without a limit
    stages = [catalog.create_stage(admin_user, name=f"Stage {n} {seed}", probability=10 + 20 * n) for n in range(4)]
    sale_type = sale_types.create_sale_type(admin_user, name=f"Type {seed}", stage_ids=[s.pk for s in stages])
    for stage, days in zip(stages, (0, 3, 10, None), strict=True):
        sale_types.set_expected_days(admin_user, sale_type.pk, stage.pk, days)
    call = ActivityType.objects.first() or catalog.create_activity_type(admin_user, name="Call", kind="call")

    # And sales whose lives happened at many moments of the last weeks
    made: list[int] = []
    planned: list[int] = []
    for n in range(24):
        with _at(NOW - dt.timedelta(days=rng.uniform(5, 40))):
            sale = sales.create_sale(admin_user, title=f"Sale {n}", sale_type_id=sale_type.pk)
        made.append(sale.pk)
        for _ in range(rng.randint(0, 3)):
            moment = NOW - dt.timedelta(days=rng.choice((0, 1, 3, 4, 11)), seconds=rng.choice((0, 1, 5000)))
            with _at(moment):
                sales.move_sale_to_stage(admin_user, sale.pk, rng.choice(stages).pk)
        fate = rng.random()
        if fate < 0.15:
            sales.close_sale_as_lost(admin_user, sale.pk)
        elif fate < 0.3:
            sales.stall_sale(admin_user, sale.pk, reopen_date=NOW.date() + dt.timedelta(days=30))
            if rng.random() < 0.5:
                with _at(NOW - dt.timedelta(days=rng.choice((2, 4, 12)))):
                    sales.reopen_sale(admin_user, sale.pk)
        for _ in range(rng.randint(0, 2)):
            start = NOW + dt.timedelta(days=rng.choice((-3, -1, 0, 2)), seconds=rng.choice((-1, 0, 1)))
            activity = activities.create_activity(
                admin_user, activity_type_id=call.pk, title="Call", start=start, sale_id=sale.pk
            )
            planned.append(activity.pk)
    for activity_id in rng.sample(planned, len(planned) // 3):
        change = rng.random()
        if change < 0.4:
            activities.complete_activity(admin_user, activity_id)
            if rng.random() < 0.3:
                activities.reopen_activity(admin_user, activity_id)
        elif change < 0.7:
            activities.update_activity(admin_user, activity_id, start=NOW + dt.timedelta(days=rng.choice((-2, 3))))
        else:
            activities.delete_activity(admin_user, activity_id)
    # And the type's expectation of one stage changed afterwards (set-based, in SQL)
    sale_types.set_expected_days(admin_user, sale_type.pk, stages[3].pk, 2)

    # Then at moments around now and exactly at (and a microsecond before) each sale's boundary, the stale list
    # from the stored columns is the rule's answer
    boundaries = [s for s in Sale.objects.filter(pk__in=made).values_list("stale_from", flat=True) if s is not None]
    moments = [NOW, NOW + dt.timedelta(days=2), NOW - dt.timedelta(days=3)]
    moments += [b for b in rng.sample(boundaries, min(6, len(boundaries)))]
    moments += [b - dt.timedelta(microseconds=1) for b in rng.sample(boundaries, min(6, len(boundaries)))]
    for now in moments:
        assert _sql_says(now) == _rule_says(now), now
    assert any(_sql_says(now) for now in moments), "no stale sale at all: the data tells nothing"

    # And rebuilt from scratch (as the migration and a repair do, in SQL), the columns are the same
    before = list(Sale.objects.order_by("pk").values_list("pk", "stale_from", "last_planned_at"))
    Sale.objects.update(stale_from=None, last_planned_at=None)
    stored_aging.rebuild_stored_aging()
    assert list(Sale.objects.order_by("pk").values_list("pk", "stale_from", "last_planned_at")) == before


def test_the_demo_datas_stale_sales_are_the_rules_answer_though_its_stories_are_dated_back() -> None:
    # Given the demo data, whose stages and activities are dated back after the services wrote them
    load_demo_data("en")

    # Then the stale list from the stored columns is the rule's answer, now and in two weeks
    for now in (timezone.now(), timezone.now() + dt.timedelta(days=14)):
        assert _sql_says(now) == _rule_says(now), now
