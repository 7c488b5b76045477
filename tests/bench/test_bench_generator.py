"""The benchmark's generated sales are what the services would have written: a sample of them, replayed through
the real services on fresh sales, gives the same sale rows, the same stage-change rows and the same follow-ups;
and generated sales open through the API like any other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from bench.generate import Generated, Sizes, generate
from bench.history import Ids, SaleMaker
from django.test import Client
from django.utils import translation

from salesguide.domain import aging
from salesguide.models import Activity, ProbabilityPolicy, Sale, SaleType, SaleTypeStage, StageChange, User
from salesguide.services import accounts, activities
from salesguide.services import sales as service

SALE_FIELDS = (
    "title",
    "sale_type_id",
    "company_id",
    "contact_id",
    "owner_id",
    "description",
    "amount",
    "currency",
    "stage_id",
    "probability",
    "probability_is_manual",
    "status",
    "expected_date",
    "closed_date",
    "reason_id",
    "competitor_id",
    "reopen_date",
    "completed",
    "stage_when_closed_id",
    "next_activity_at",
    "last_planned_at",
    "version",
)
CHANGE_FIELDS = (
    "kind",
    "from_stage_id",
    "to_stage_id",
    "from_status",
    "to_status",
    "probability_before",
    "probability_after",
    "by_id",
    "reason",
)
ACTIVITY_FIELDS = (
    "activity_type_id",
    "title",
    "text",
    "start",
    "duration_minutes",
    "owner_id",
    "company_id",
    "contact_id",
    "suggested_followup_id",
)


@pytest.fixture
def world(db: None, settings: Any) -> Iterator[Generated]:
    settings.SALESGUIDE_API_RATE = None
    yield generate(Sizes(sales=300, companies=40, owners=6, sale_types=4, seed=7), batch=120, log=lambda _: None)


def _changes(sale_id: int) -> list[StageChange]:
    return list(StageChange.objects.filter(sale_id=sale_id).order_by("at", "id"))


def _activities(sale_id: int) -> list[Activity]:
    return list(Activity.objects.filter(sale_id=sale_id).order_by("id"))


def _sample() -> list[Sale]:
    """Of every status, sales with a probability set by hand, and sales of a "keep manual" type."""
    chosen: dict[int, Sale] = {}
    for status in ("open", "sold", "lost", "stalled"):
        for sale in Sale.objects.filter(status=status).order_by("id")[:6]:
            chosen[sale.pk] = sale
    manual = StageChange.objects.filter(kind="probability").values_list("sale_id", flat=True)
    for sale in Sale.objects.filter(pk__in=list(manual)[:6]):
        chosen[sale.pk] = sale
    keep = SaleType.objects.filter(probability_policy=ProbabilityPolicy.KEEP_MANUAL)
    for sale in Sale.objects.filter(sale_type__in=keep).order_by("id")[:4]:
        chosen[sale.pk] = sale
    return sorted(chosen.values(), key=lambda s: s.pk)


def _replay_activities(original: Sale, sale_id: int) -> None:
    owner = original.owner
    for activity in _activities(original.pk):
        if activity.title.startswith(("Re-open: ", "Heropenen: ")) and original.status == "stalled":
            continue  # proposed by the stall, made after it
        if activity.suggested_followup_id is not None:
            made = activities.create_followup_from_suggestion(
                owner, sale_id, activity.suggested_followup_id, start=activity.start
            )
        else:
            made = activities.create_activity(
                owner,
                activity_type_id=activity.activity_type_id,
                title=activity.title,
                start=activity.start,
                sale_id=sale_id,
            )
        if activity.completed_at is not None:
            activities.complete_activity(owner, made.pk)


def _replay(original: Sale) -> Sale:
    """The original's history played through the services on a fresh sale, in the order it happened."""
    owner = original.owner
    sale = service.create_sale(
        owner,
        title=original.title,
        sale_type_id=original.sale_type_id,
        company_id=original.company_id,
        owner_id=original.owner_id,
        amount=original.amount,
        currency=original.currency,
        expected_date=original.expected_date,
    )
    changes = _changes(original.pk)
    closing = changes[-1] if changes[-1].kind in ("sold", "lost", "stalled") else None
    for change in changes[1:]:
        if change is closing:
            break
        if change.kind == "stage":
            assert change.to_stage_id is not None
            sale = service.move_sale_to_stage(owner, sale.pk, change.to_stage_id, version=sale.version)
        elif change.kind == "probability":
            sale = service.set_sale_probability(owner, sale.pk, change.probability_after, version=sale.version)
        else:
            raise AssertionError(f"unexpected row {change.kind}")
    _replay_activities(original, sale.pk)
    sale.refresh_from_db()
    if closing is not None and closing.kind == "sold":
        service.close_sale_as_sold(
            owner, sale.pk, date=original.closed_date, reason_id=original.reason_id, version=sale.version
        )
    elif closing is not None and closing.kind == "lost":
        service.close_sale_as_lost(
            owner,
            sale.pk,
            date=original.closed_date,
            reason_id=original.reason_id,
            competitor_id=original.competitor_id,
            version=sale.version,
        )
    elif closing is not None:
        assert original.reopen_date is not None
        service.stall_sale(
            owner, sale.pk, reopen_date=original.reopen_date, reason_id=original.reason_id, version=sale.version
        )
        # As the stall proposes it for the original, in its owner's language (web and API speak it to them).
        with translation.override(owner.language):
            proposal = activities.propose_reopen_followup_for(owner, original.pk)
        assert proposal is not None
        activities.create_activity(
            owner,
            activity_type_id=proposal.activity_type_id,
            title=proposal.title,
            start=proposal.start,
            duration_minutes=proposal.duration_minutes,
            text=proposal.text,
            sale_id=sale.pk,
        )
    if original.completed:
        service.complete_sale(owner, sale.pk)
    return Sale.objects.get(pk=sale.pk)


def _values(row: Any, fields: tuple[str, ...]) -> dict[str, Any]:
    return {name: getattr(row, name) for name in fields}


def _aging(sale: Sale) -> dt.timedelta | None:
    """How long after entering its stage the sale counts as too long in it (the replay enters it now, the
    original back then: the same offset, or no stored aging on both)."""
    return None if sale.stale_from is None else sale.stale_from - sale.stage_entered_at


def test_generated_sales_are_the_rows_the_services_write_when_their_history_is_replayed(world: Generated) -> None:
    # given a generated world, and a sample of every kind of sale in it
    sample = _sample()
    assert {sale.status for sale in sample} == {"open", "sold", "lost", "stalled"}
    assert StageChange.objects.filter(sale__in=sample, kind="probability").exists()
    for original in sample:
        # when its history is replayed through the services
        replayed = _replay(original)

        # then the sale, its stage changes and its follow-ups are the same, field by field
        assert _values(replayed, SALE_FIELDS) == _values(original, SALE_FIELDS), original.pk
        assert _aging(replayed) == _aging(original), original.pk
        assert [_values(c, CHANGE_FIELDS) for c in _changes(replayed.pk)] == [
            _values(c, CHANGE_FIELDS) for c in _changes(original.pk)
        ], original.pk
        assert [(_values(a, ACTIVITY_FIELDS), a.completed_at is None) for a in _activities(replayed.pk)] == [
            (_values(a, ACTIVITY_FIELDS), a.completed_at is None) for a in _activities(original.pk)
        ], original.pk


def test_generated_times_agree_with_the_history_when_read_back(world: Generated) -> None:
    # given every generated sale
    for sale in Sale.objects.all():
        changes = _changes(sale.pk)
        # then it was created at its first row, entered its stage at the last row that changed the stage,
        # and was last saved at or after its last row
        assert changes[0].kind == "created" and changes[0].at == sale.created_at
        entered = [c.at for c in changes if c.kind == "created" or c.from_stage_id != c.to_stage_id][-1]
        assert sale.stage_entered_at == entered
        assert sale.updated_at >= changes[-1].at
        assert sale.version == len(changes) + (1 if sale.completed else 0)
        open_starts = [a.start for a in _activities(sale.pk) if a.completed_at is None]
        assert sale.next_activity_at == (min(open_starts) if open_starts else None)
        assert sale.last_planned_at == (max(open_starts) if open_starts else None)
        expected = SaleTypeStage.objects.filter(sale_type_id=sale.sale_type_id, stage_id=sale.stage_id).first()
        assert sale.stale_from == aging.stale_from(
            entered, expected.expected_days if expected else None, is_open=sale.status == "open"
        )


def test_generated_world_has_the_asked_sizes_when_generated(world: Generated) -> None:
    assert world.sales == Sale.objects.count() == 300
    assert world.stage_changes == StageChange.objects.count()
    # about four history rows and two follow-ups a sale
    assert 3.0 <= world.stage_changes / world.sales <= 5.0
    assert 1.5 <= world.activities / world.sales <= 3.0
    assert {len(t.stages) for t in world.world.sale_types} <= set(range(6, 11))


def test_generated_sales_open_through_the_api_when_asked_for(world: Generated) -> None:
    # given a token of a generated manager
    _, token = accounts.create_token(User.objects.get(pk=world.world.manager_id))
    client = Client(headers={"Authorization": f"Bearer {token}", "Accept-Language": "en"})
    for sale in _sample():
        # when the sale, its guide and its history are asked for
        card = client.get(f"/api/v1/sales/{sale.pk}")
        guide = client.get(f"/api/v1/sales/{sale.pk}/guide")
        history = client.get(f"/api/v1/sales/{sale.pk}/history", {"limit": 100})

        # then each answers, and they agree with each other and with the rows
        assert (card.status_code, guide.status_code, history.status_code) == (200, 200, 200)
        rows = history.json()["items"]
        assert len(rows) == StageChange.objects.filter(sale=sale).count()
        assert card.json()["stage_id"] == guide.json()["current_stage_id"] == rows[-1]["to_stage_id"]
        assert card.json()["status"] == rows[-1]["to_status"] == sale.status
        assert card.json()["version"] == sale.version
        assert all(row["sentence"] for row in rows)


def test_generated_rows_are_the_same_when_made_again_with_the_same_seed(world: Generated) -> None:
    # given two makers over the same world, "now" and seed, and one with another seed
    now = dt.datetime(2030, 5, 1, 12, tzinfo=dt.UTC)
    first, again, other = (SaleMaker(world.world, now, seed) for seed in (5, 5, 6))
    # when they make the same sales
    made = [first.make(index, Ids()) for index in range(50)]
    # then the same seed gives the same rows, another seed other rows
    assert made == [again.make(index, Ids()) for index in range(50)]
    assert made != [other.make(index, Ids()) for index in range(50)]
