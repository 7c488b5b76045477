"""Sales through their services against the test database (SPEC 3.1, 3.7–3.10, 6.4, 7): where a sale starts,
how it moves, closes and reopens, what its probability is, what configuration changes do to running sales,
who may change a sale, and the stage-change row that every change of stage or status writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone, translation

from salesguide.domain import selling
from salesguide.domain.errors import NotAllowed, NotFound, RuleViolation, StaleVersion, ValidationFailed
from salesguide.models import (
    Activity,
    ActivityType,
    Company,
    Competitor,
    Document,
    Reason,
    Sale,
    SaleType,
    Stage,
    StageChange,
    SuggestedDocument,
    SuggestedFollowup,
)
from salesguide.queries.sale_guide import sale_guide
from salesguide.services import activities, catalog, customers, documents, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


@dataclass
class Catalogue:
    """Two guides: "New customer" (lead 10 %, qualified 30 %, offer 60 %, negotiation 90 %; follows the stage)
    and "Existing customer" (review 20 %, order 80 %; keeps a manual probability)."""

    lead: Stage
    qualified: Stage
    offer: Stage
    negotiation: Stage
    review: Stage
    order: Stage
    new: SaleType
    existing: SaleType
    call: ActivityType
    intro_call: SuggestedFollowup
    confirmation: SuggestedDocument
    review_call: SuggestedFollowup
    won: Reason
    too_expensive: Reason
    budget_postponed: Reason
    rival: Competitor


@pytest.fixture
def cat(admin_user: Any) -> Catalogue:
    def stage(name: str, probability: int) -> Stage:
        return catalog.create_stage(admin_user, name=name, probability=probability)

    lead, qualified, offer, negotiation = (
        stage("Lead", 10),
        stage("Qualified", 30),
        stage("Offer", 60),
        stage("Negotiation", 90),
    )
    review, order = stage("Review", 20), stage("Order", 80)
    new = sale_types.create_sale_type(
        admin_user,
        name="New customer",
        duration=2,
        duration_unit="months",
        has_guide=True,
        stage_ids=[lead.pk, qualified.pk, offer.pk, negotiation.pk],
    )
    existing = sale_types.create_sale_type(
        admin_user,
        name="Existing customer",
        duration=3,
        duration_unit="weeks",
        has_guide=True,
        probability_policy="keep_manual",
        stage_ids=[review.pk, order.pk],
    )
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15)
    template = templates.create_text_template(
        admin_user, name="Meeting confirmation", body="Dear {{ contact.name }}", format="text"
    )
    return Catalogue(
        lead,
        qualified,
        offer,
        negotiation,
        review,
        order,
        new,
        existing,
        call,
        intro_call=guides.add_suggested_followup(
            admin_user, new.pk, lead.pk, name="Introductory call", activity_type_id=call.pk, text="Ask about the need."
        ),
        confirmation=guides.add_suggested_document(
            admin_user,
            new.pk,
            lead.pk,
            name="Meeting confirmation",
            template_id=template.pk,
            subject="Our meeting about {{ sale.title }}",
        ),
        review_call=guides.add_suggested_followup(
            admin_user, existing.pk, review.pk, name="Account review call", activity_type_id=call.pk
        ),
        won=catalog.create_reason(admin_user, name="Best solution", kind="sold"),
        too_expensive=catalog.create_reason(admin_user, name="Price too high", kind="lost"),
        budget_postponed=catalog.create_reason(admin_user, name="Budget postponed", kind="stalled"),
        rival=catalog.create_named_item(admin_user, Competitor, name="Northwind Software"),
    )


@pytest.fixture
def company(salesperson_user: Any) -> Company:
    return customers.create_company(salesperson_user, name="Bakkerij Van der Meer", city="Utrecht")


@pytest.fixture
def other_salesperson(make_user: Any) -> Any:
    return make_user("sally", "salesperson")


def new_sale(actor: Any, sale_type: SaleType, company: Company | None = None, **fields: Any) -> Sale:
    fields.setdefault("title", "Forty laptops")
    return sales.create_sale(actor, sale_type_id=sale_type.pk, company_id=company.pk if company else None, **fields)


def fresh(sale: Sale) -> Sale:
    return Sale.objects.get(pk=sale.pk)


def rows(sale: Sale) -> list[StageChange]:
    return list(StageChange.objects.filter(sale=sale).order_by("at", "id"))


def replayed(sale: Sale) -> tuple[int | None, str, int]:
    """The sale's stage, status and probability as its stage-change rows tell them."""
    changes = [
        selling.StageChange(
            selling.ChangeKind(r.kind),
            r.from_stage_id,
            r.to_stage_id,
            selling.SaleStatus(r.from_status) if r.from_status else None,
            selling.SaleStatus(r.to_status),
            r.probability_before,
            r.probability_after,
        )
        for r in rows(sale)
    ]
    return selling.replay(changes)


def as_seen(sale: Sale) -> tuple[int | None, str, int]:
    sale = fresh(sale)
    return sale.stage_id, sale.status, sale.probability


# --- 3.1 creating a sale ---------------------------------------------------------------------------------------


def test_a_new_sale_starts_in_the_first_stage_of_its_type_with_that_stages_probability(cat, salesperson_user, company):
    sale = new_sale(salesperson_user, cat.new, company, amount=1_250_000)

    sale = fresh(sale)
    assert (sale.stage_id, sale.probability, sale.status) == (cat.lead.pk, 10, "open")
    assert (sale.owner, sale.amount, sale.currency, sale.version) == (salesperson_user, 1_250_000, "EUR", 1)
    assert sale.stage_entered_at is not None


def test_a_new_sales_expected_date_defaults_to_today_plus_the_types_duration(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.existing)

    assert fresh(sale).expected_date == timezone.localdate() + dt.timedelta(weeks=3)


def test_an_expected_date_given_at_creation_is_kept(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new, expected_date=dt.date(2031, 5, 1))

    assert fresh(sale).expected_date == dt.date(2031, 5, 1)


def test_creating_a_sale_writes_one_creation_row_that_replays_to_the_sale(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    [row] = rows(sale)
    assert (row.kind, row.from_stage_id, row.to_stage_id, row.to_status) == ("created", None, cat.lead.pk, "open")
    assert (row.probability_before, row.probability_after, row.by) == (None, 10, salesperson_user)
    assert replayed(sale) == as_seen(sale)


def test_a_sale_with_a_contact_takes_the_contacts_company(cat, salesperson_user, company):
    contact = customers.create_contact(salesperson_user, first_name="Anna", last_name="de Jong", company_id=company.pk)

    sale = sales.create_sale(salesperson_user, title="Ovens", sale_type_id=cat.new.pk, contact_id=contact.pk)

    assert (fresh(sale).company, fresh(sale).contact) == (company, contact)


def test_a_sale_without_a_title_and_with_a_negative_amount_is_refused_naming_both_fields(cat, salesperson_user):
    with pytest.raises(ValidationFailed) as refused:
        new_sale(salesperson_user, cat.new, title="  ", amount=-1)

    assert {p.loc for p in refused.value.problems} == {("title",), ("amount",)}
    assert not Sale.objects.exists()


def test_a_sale_of_a_deleted_sale_type_is_refused(cat, admin_user, salesperson_user):
    sale_types.delete_sale_type(admin_user, cat.new.pk)

    with pytest.raises(NotFound):
        new_sale(salesperson_user, cat.new)
    assert not Sale.objects.exists()


def test_a_contact_of_another_company_is_refused(cat, salesperson_user, company):
    elsewhere = customers.create_company(salesperson_user, name="Hoogland Logistiek")
    contact = customers.create_contact(salesperson_user, last_name="Visser", company_id=elsewhere.pk)

    with pytest.raises(ValidationFailed) as refused:
        new_sale(salesperson_user, cat.new, company, contact_id=contact.pk)

    assert refused.value.problems[0].message.render() == "This contact works at another company."


def test_a_salesperson_cannot_create_a_sale_for_someone_else_but_a_manager_can(
    cat, salesperson_user, other_salesperson, manager_user
):
    with pytest.raises(NotAllowed):
        new_sale(salesperson_user, cat.new, owner_id=other_salesperson.pk)

    sale = new_sale(manager_user, cat.new, owner_id=other_salesperson.pk)
    assert fresh(sale).owner == other_salesperson


# --- 3.7 changing stage -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "probability"),
    [(["offer"], 60), (["negotiation", "qualified"], 30), (["negotiation", "lead", "offer"], 60)],
    ids=["skipping-forwards", "backwards", "back-to-the-start-and-on"],
)
def test_every_stage_change_sets_the_stages_probability_and_writes_one_row(cat, salesperson_user, path, probability):
    sale = new_sale(salesperson_user, cat.new)

    for name in path:
        before = StageChange.objects.filter(sale=sale).count()
        sale = sales.move_sale_to_stage(salesperson_user, sale.pk, getattr(cat, name).pk)
        assert StageChange.objects.filter(sale=sale).count() == before + 1

    assert as_seen(sale) == (getattr(cat, path[-1]).pk, "open", probability)
    assert replayed(sale) == as_seen(sale)
    assert [r.kind for r in rows(sale)] == ["created"] + ["stage"] * len(path)
    assert fresh(sale).version == 1 + len(path)


def test_a_move_records_the_stage_it_came_from_and_the_probability_before(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.offer.pk, reason="Demo went well")

    last = rows(sale)[-1]
    assert (last.from_stage_id, last.to_stage_id, last.probability_before, last.probability_after) == (
        cat.lead.pk,
        cat.offer.pk,
        10,
        60,
    )
    assert (last.from_status, last.to_status, last.reason, last.by) == (
        "open",
        "open",
        "Demo went well",
        salesperson_user,
    )


def test_moving_to_the_stage_the_sale_is_in_changes_nothing(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.lead.pk)

    assert (len(rows(sale)), fresh(sale).version) == (1, 1)


def test_moving_to_a_stage_of_another_sale_type_is_refused_and_changes_nothing(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    with pytest.raises(RuleViolation, match="not one of this sale type's stages"):
        sales.move_sale_to_stage(salesperson_user, sale.pk, cat.review.pk)

    assert as_seen(sale) == (cat.lead.pk, "open", 10)
    assert (len(rows(sale)), fresh(sale).version) == (1, 1)


def test_changing_the_stage_field_of_a_sale_follows_the_same_rules(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    sale = sales.update_sale(salesperson_user, sale.pk, version=1, stage_id=cat.negotiation.pk, title="Fifty laptops")

    assert as_seen(sale) == (cat.negotiation.pk, "open", 90)
    assert (fresh(sale).title, fresh(sale).version) == ("Fifty laptops", 2)
    assert [r.kind for r in rows(sale)] == ["created", "stage"]


# --- 6.4 the probability policy ---------------------------------------------------------------------------------


def test_a_manual_probability_shows_beside_the_stages_and_writes_a_row(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    sales.set_sale_probability(salesperson_user, sale.pk, 45)

    sale = Sale.objects.select_related("stage").get(pk=sale.pk)
    assert (sale.stage.probability, sale.probability, sale.probability_is_manual) == (10, 45, True)
    assert (rows(sale)[-1].kind, rows(sale)[-1].probability_before, rows(sale)[-1].probability_after) == (
        "probability",
        10,
        45,
    )
    assert replayed(sale) == as_seen(sale)


def test_under_follow_the_stage_a_move_replaces_a_manual_probability(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    sales.set_sale_probability(salesperson_user, sale.pk, 45)

    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.offer.pk)

    assert (fresh(sale).probability, fresh(sale).probability_is_manual) == (60, False)
    assert replayed(sale) == as_seen(sale)


def test_under_keep_manual_a_manual_probability_survives_moves_until_it_is_reset(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.existing)
    sales.set_sale_probability(salesperson_user, sale.pk, 45)

    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.order.pk)
    assert (fresh(sale).probability, fresh(sale).probability_is_manual) == (45, True)

    sales.reset_sale_probability(salesperson_user, sale.pk)
    assert (fresh(sale).probability, fresh(sale).probability_is_manual) == (80, False)
    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.review.pk)
    assert fresh(sale).probability == 20
    assert [r.kind for r in rows(sale)] == ["created", "probability", "stage", "probability", "stage"]
    assert replayed(sale) == as_seen(sale)


@pytest.mark.parametrize("value", [-1, 101, 12.5, True, "50"])
def test_a_probability_outside_0_to_100_is_refused_and_changes_nothing(cat, salesperson_user, value):
    sale = new_sale(salesperson_user, cat.new)

    with pytest.raises(ValidationFailed) as refused:
        sales.set_sale_probability(salesperson_user, sale.pk, value)

    assert refused.value.problems[0].loc == ("probability",)
    assert (as_seen(sale), len(rows(sale)), fresh(sale).version) == ((cat.lead.pk, "open", 10), 1, 1)


# --- 3.8 closing, stalling, reopening, completing ----------------------------------------------------------------


def test_a_sale_closed_as_sold_is_at_100_remembers_its_stage_and_takes_the_final_amount(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new, amount=100_00)
    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.negotiation.pk)

    sales.close_sale_as_sold(salesperson_user, sale.pk, reason_id=cat.won.pk, amount=95_00)

    sale = fresh(sale)
    assert (sale.status, sale.probability, sale.stage_when_closed_id, sale.amount) == (
        "sold",
        100,
        cat.negotiation.pk,
        95_00,
    )
    assert (sale.closed_date, sale.reason) == (timezone.localdate(), cat.won)
    assert (rows(sale)[-1].kind, rows(sale)[-1].reason) == ("sold", "Best solution")
    assert replayed(sale) == as_seen(sale)


def test_a_sale_closed_as_lost_is_at_0_with_its_reason_competitor_and_date(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.offer.pk)

    sales.close_sale_as_lost(
        salesperson_user, sale.pk, date=dt.date(2025, 3, 1), reason_id=cat.too_expensive.pk, competitor_id=cat.rival.pk
    )

    sale = fresh(sale)
    assert (sale.status, sale.probability, sale.stage_when_closed_id) == ("lost", 0, cat.offer.pk)
    assert (sale.closed_date, sale.reason, sale.competitor) == (dt.date(2025, 3, 1), cat.too_expensive, cat.rival)
    assert replayed(sale) == as_seen(sale)


def test_a_reason_of_another_kind_is_refused_when_closing(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    with pytest.raises(ValidationFailed) as refused:
        sales.close_sale_as_lost(salesperson_user, sale.pk, reason_id=cat.won.pk)

    assert refused.value.problems[0].loc == ("reason_id",)
    assert fresh(sale).status == "open"


def test_a_stalled_sale_keeps_its_stage_and_probability_until_its_reopen_date(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    reopen_on = timezone.localdate() + dt.timedelta(days=30)

    sales.stall_sale(salesperson_user, sale.pk, reopen_date=reopen_on, reason_id=cat.budget_postponed.pk)

    sale = fresh(sale)
    assert (sale.status, sale.stage_id, sale.probability, sale.reopen_date) == ("stalled", cat.lead.pk, 10, reopen_on)
    assert (rows(sale)[-1].kind, rows(sale)[-1].reason) == ("stalled", "Budget postponed")


@pytest.mark.parametrize("days", [0, -3])
def test_stalling_needs_a_reopen_date_after_today(cat, salesperson_user, days):
    sale = new_sale(salesperson_user, cat.new)

    with pytest.raises(ValidationFailed) as refused:
        sales.stall_sale(salesperson_user, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=days))

    assert refused.value.problems[0].loc == ("reopen_date",)
    assert (fresh(sale).status, len(rows(sale))) == ("open", 1)


@pytest.mark.parametrize("close", ["sold", "lost", "stalled"])
def test_reopening_returns_a_closed_or_stalled_sale_to_open_in_its_last_stage(cat, salesperson_user, close):
    sale = new_sale(salesperson_user, cat.new)
    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.offer.pk)
    if close == "sold":
        sales.close_sale_as_sold(salesperson_user, sale.pk, reason_id=cat.won.pk)
    elif close == "lost":
        sales.close_sale_as_lost(salesperson_user, sale.pk, competitor_id=cat.rival.pk)
    else:
        sales.stall_sale(salesperson_user, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=9))

    sales.reopen_sale(salesperson_user, sale.pk)

    sale = fresh(sale)
    assert as_seen(sale) == (cat.offer.pk, "open", 60)
    assert (sale.closed_date, sale.reason, sale.competitor, sale.reopen_date, sale.stage_when_closed) == (None,) * 5
    assert (rows(sale)[-1].kind, rows(sale)[-1].from_status) == ("reopened", close)
    assert replayed(sale) == as_seen(sale)


@pytest.mark.parametrize("close", ["sold", "lost"])
def test_a_sale_reopened_under_keep_manual_gets_its_value_set_by_hand_back_not_the_closing_one_when_sold_or_lost(
    cat, salesperson_user, close
):
    # Given a sale of a "keep manual" type whose probability was set to 33 by hand, then closed
    sale = new_sale(salesperson_user, cat.existing)
    sales.set_sale_probability(salesperson_user, sale.pk, 33)
    if close == "sold":
        sales.close_sale_as_sold(salesperson_user, sale.pk)
    else:
        sales.close_sale_as_lost(salesperson_user, sale.pk)
    assert fresh(sale).probability == (100 if close == "sold" else 0)

    # When it is reopened
    sales.reopen_sale(salesperson_user, sale.pk)

    # Then it is open in its stage at 33, still set by hand (issue 9 item 6: it was 33 → the stage's 20)
    assert (as_seen(sale), fresh(sale).probability_is_manual) == ((cat.review.pk, "open", 33), True)
    last = StageChange.objects.filter(sale=sale).order_by("-id").first()
    assert last is not None
    assert (last.kind, last.probability_before, last.probability_after) == (
        "reopened",
        100 if close == "sold" else 0,
        33,
    )


@pytest.mark.parametrize("close", ["sold", "lost"])
def test_a_sale_reopened_under_follow_the_stage_takes_its_stages_probability_when_it_had_a_value_set_by_hand(
    cat, salesperson_user, close
):
    sale = new_sale(salesperson_user, cat.new)
    sales.set_sale_probability(salesperson_user, sale.pk, 33)
    if close == "sold":
        sales.close_sale_as_sold(salesperson_user, sale.pk)
    else:
        sales.close_sale_as_lost(salesperson_user, sale.pk)

    sales.reopen_sale(salesperson_user, sale.pk)

    assert (fresh(sale).probability, fresh(sale).probability_is_manual) == (cat.lead.probability, False)


def test_a_stalled_sale_reopened_under_keep_manual_keeps_its_manual_probability(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.existing)
    sales.set_sale_probability(salesperson_user, sale.pk, 45)
    sales.stall_sale(salesperson_user, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=9))

    sales.reopen_sale(salesperson_user, sale.pk)

    assert (as_seen(sale), fresh(sale).probability_is_manual) == ((cat.review.pk, "open", 45), True)


def test_an_open_sale_cannot_be_reopened(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    with pytest.raises(RuleViolation, match="already open"):
        sales.reopen_sale(salesperson_user, sale.pk)


@pytest.mark.parametrize(
    "change",
    [
        lambda actor, sale, cat: sales.move_sale_to_stage(actor, sale.pk, cat.offer.pk),
        lambda actor, sale, cat: sales.set_sale_probability(actor, sale.pk, 50),
        lambda actor, sale, cat: sales.close_sale_as_lost(actor, sale.pk),
        lambda actor, sale, cat: sales.stall_sale(
            actor, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=5)
        ),
        lambda actor, sale, cat: sales.change_sale_type(actor, sale.pk, cat.existing.pk),
    ],
    ids=["move", "probability", "close-again", "stall", "change-sale-type"],
)
def test_a_sold_sale_must_be_reopened_before_it_changes_again(cat, salesperson_user, change):
    sale = new_sale(salesperson_user, cat.new)
    sales.close_sale_as_sold(salesperson_user, sale.pk)

    with pytest.raises(RuleViolation, match="reopen it first"):
        change(salesperson_user, sale, cat)

    assert (as_seen(sale), len(rows(sale)), fresh(sale).sale_type) == ((cat.lead.pk, "sold", 100), 2, cat.new)


def test_only_a_sold_or_lost_sale_can_be_marked_completed_and_that_writes_no_row(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    with pytest.raises(RuleViolation, match="Only a sold or lost sale"):
        sales.complete_sale(salesperson_user, sale.pk)

    sales.close_sale_as_lost(salesperson_user, sale.pk)
    sales.complete_sale(salesperson_user, sale.pk)

    assert (fresh(sale).completed, len(rows(sale))) == (True, 2)
    sales.reopen_sale(salesperson_user, sale.pk)
    assert fresh(sale).completed is False


# --- 3.9 changing the sale type ---------------------------------------------------------------------------------


def test_changing_the_sale_type_moves_the_sale_to_the_new_types_first_stage_with_one_row(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    sales.set_sale_probability(salesperson_user, sale.pk, 45)

    sale = sales.change_sale_type(salesperson_user, sale.pk, cat.existing.pk)

    # The new type keeps a manual value (its policy), as any stage change under it would
    assert (fresh(sale).sale_type, as_seen(sale), fresh(sale).probability_is_manual) == (
        cat.existing,
        (cat.review.pk, "open", 45),
        True,
    )
    last = rows(sale)[-1]
    assert (last.kind, last.from_stage_id, last.to_stage_id) == ("sale_type", cat.lead.pk, cat.review.pk)
    assert replayed(sale) == as_seen(sale)


def test_changing_the_type_keeps_what_was_created_and_changing_back_shows_it_as_created_again(
    cat, salesperson_user, company
):
    sale = new_sale(salesperson_user, cat.new, company)
    activity = activities.create_followup_from_suggestion(salesperson_user, sale.pk, cat.intro_call.pk)
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, cat.confirmation.pk)

    sales.change_sale_type(salesperson_user, sale.pk, cat.existing.pk)

    other_guide = sale_guide(fresh(sale))
    assert [s.stage_id for s in other_guide.stages] == [cat.review.pk, cat.order.pk]
    assert [f.activities for s in other_guide.stages for f in s.followups] == [[]]
    assert Activity.objects.get(pk=activity.pk).suggested_followup == cat.intro_call
    assert Document.objects.get(pk=document.pk).suggested_document == cat.confirmation

    sales.change_sale_type(salesperson_user, sale.pk, cat.new.pk)

    lead = sale_guide(fresh(sale)).stage(cat.lead.pk)
    assert [a.id for a in lead.followups[0].activities] == [activity.pk]
    assert [d.id for d in lead.documents[0].documents] == [document.pk]
    assert (lead.done, lead.total) == (1, 2)
    assert as_seen(sale) == (cat.lead.pk, "open", 10)


def test_changing_the_type_to_a_deleted_one_is_refused_and_changes_nothing(cat, admin_user, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    sale_types.delete_sale_type(admin_user, cat.existing.pk)

    with pytest.raises(NotFound):
        sales.change_sale_type(salesperson_user, sale.pk, cat.existing.pk)

    assert (fresh(sale).sale_type, len(rows(sale)), fresh(sale).version) == (cat.new, 1, 1)


# --- 3.10 configuration changes under running sales --------------------------------------------------------------


def test_deleting_a_stage_moves_its_open_sales_to_the_next_stage_with_a_row_saying_why(
    cat, admin_user, salesperson_user
):
    in_offer = new_sale(salesperson_user, cat.new, title="In the offer")
    sales.move_sale_to_stage(salesperson_user, in_offer.pk, cat.offer.pk)
    lost_in_offer = new_sale(salesperson_user, cat.new, title="Lost in the offer")
    sales.move_sale_to_stage(salesperson_user, lost_in_offer.pk, cat.offer.pk)
    sales.close_sale_as_lost(salesperson_user, lost_in_offer.pk)
    elsewhere = new_sale(salesperson_user, cat.new, title="Still a lead")

    catalog.delete_stage(admin_user, cat.offer.pk)

    assert as_seen(in_offer) == (cat.negotiation.pk, "open", 90)
    last = rows(in_offer)[-1]
    assert (last.kind, last.from_stage_id, last.to_stage_id, last.reason, last.by) == (
        "stage_removed",
        cat.offer.pk,
        cat.negotiation.pk,
        "Offer",
        admin_user,
    )
    assert replayed(in_offer) == as_seen(in_offer)
    assert (as_seen(lost_in_offer), len(rows(lost_in_offer))) == ((cat.offer.pk, "lost", 0), 3)
    assert len(rows(elsewhere)) == 1


def test_deleting_the_last_stage_of_a_type_moves_its_open_sales_to_the_previous_one(cat, admin_user, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.negotiation.pk)

    catalog.delete_stage(admin_user, cat.negotiation.pk)

    assert as_seen(sale) == (cat.offer.pk, "open", 60)
    assert replayed(sale) == as_seen(sale)


def test_taking_a_stage_out_of_a_type_moves_its_open_sales_on_and_keeps_its_suggestions(
    cat, admin_user, salesperson_user
):
    sale = new_sale(salesperson_user, cat.new)
    activity = activities.create_followup_from_suggestion(salesperson_user, sale.pk, cat.intro_call.pk)

    sale_types.update_sale_type(admin_user, cat.new.pk, stage_ids=[cat.qualified.pk, cat.offer.pk])

    assert as_seen(sale) == (cat.qualified.pk, "open", 30)
    assert (rows(sale)[-1].kind, rows(sale)[-1].reason) == ("stage_removed", "Lead")
    assert Activity.objects.get(pk=activity.pk).suggested_followup == cat.intro_call

    sale_types.update_sale_type(admin_user, cat.new.pk, stage_ids=[cat.lead.pk, cat.qualified.pk, cat.offer.pk])

    lead = sale_guide(fresh(sale)).stage(cat.lead.pk)
    assert [a.id for a in lead.followups[0].activities] == [activity.pk]
    assert as_seen(sale) == (cat.qualified.pk, "open", 30)


def test_a_stage_deleted_under_a_manual_probability_that_is_kept_keeps_the_value(cat, admin_user, salesperson_user):
    sale = new_sale(salesperson_user, cat.existing)
    sales.set_sale_probability(salesperson_user, sale.pk, 45)

    catalog.delete_stage(admin_user, cat.review.pk)

    assert as_seen(sale) == (cat.order.pk, "open", 45)
    assert replayed(sale) == as_seen(sale)


def test_a_stage_deleted_under_a_manual_probability_that_follows_the_stage_takes_the_new_stages(
    cat, admin_user, salesperson_user
):
    sale = new_sale(salesperson_user, cat.new)
    sales.set_sale_probability(salesperson_user, sale.pk, 45)

    catalog.delete_stage(admin_user, cat.lead.pk)

    assert (as_seen(sale), fresh(sale).probability_is_manual) == ((cat.qualified.pk, "open", 30), False)
    assert replayed(sale) == as_seen(sale)


def test_a_sale_reopened_after_its_stage_was_deleted_opens_in_a_stage_its_type_still_has(
    cat, admin_user, salesperson_user
):
    sale = new_sale(salesperson_user, cat.new)
    sales.move_sale_to_stage(salesperson_user, sale.pk, cat.offer.pk)
    sales.stall_sale(salesperson_user, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=9))
    catalog.delete_stage(admin_user, cat.offer.pk)

    sales.reopen_sale(salesperson_user, sale.pk)

    assert fresh(sale).stage_id in [s.id for s in sales.stages_of(cat.new.pk)]
    assert replayed(sale) == as_seen(sale)


def test_deleting_a_suggestion_hides_it_from_the_guide_and_keeps_what_was_made_from_it(
    cat, admin_user, salesperson_user
):
    sale = new_sale(salesperson_user, cat.new)
    activity = activities.create_followup_from_suggestion(
        salesperson_user, sale.pk, cat.intro_call.pk, text="Call Anna after nine."
    )

    guides.delete_suggestion(admin_user, SuggestedFollowup, cat.intro_call.pk)

    assert sale_guide(fresh(sale)).stage(cat.lead.pk).followups == []
    kept = Activity.objects.get(pk=activity.pk)
    assert (kept.title, kept.text, kept.suggested_followup_id) == (
        "Introductory call",
        "Call Anna after nine.",
        cat.intro_call.pk,
    )


def test_a_suggestion_added_to_a_guide_shows_at_once_on_its_running_sales(cat, admin_user, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)

    added = guides.add_suggested_followup(
        admin_user, cat.new.pk, cat.lead.pk, name="Research the company", activity_type_id=cat.call.pk
    )

    assert [f.suggestion.id for f in sale_guide(fresh(sale)).stage(cat.lead.pk).followups] == [
        cat.intro_call.pk,
        added.pk,
    ]


# --- 7 who may change a sale, and concurrent edits -----------------------------------------------------------------


CHANGES = {
    "update": lambda actor, sale, cat: sales.update_sale(actor, sale.pk, version=sale.version, title="Mine now"),
    "move": lambda actor, sale, cat: sales.move_sale_to_stage(actor, sale.pk, cat.offer.pk),
    "probability": lambda actor, sale, cat: sales.set_sale_probability(actor, sale.pk, 50),
    "reset-probability": lambda actor, sale, cat: sales.reset_sale_probability(actor, sale.pk),
    "sold": lambda actor, sale, cat: sales.close_sale_as_sold(actor, sale.pk),
    "lost": lambda actor, sale, cat: sales.close_sale_as_lost(actor, sale.pk),
    "stall": lambda actor, sale, cat: sales.stall_sale(
        actor, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=5)
    ),
    "change-sale-type": lambda actor, sale, cat: sales.change_sale_type(actor, sale.pk, cat.existing.pk),
    "delete": lambda actor, sale, cat: sales.delete_sale(actor, sale.pk),
    "plan-activity": lambda actor, sale, cat: activities.create_followup_from_suggestion(
        actor, sale.pk, cat.intro_call.pk
    ),
    "create-document": lambda actor, sale, cat: documents.create_document_from_suggestion(
        actor, sale.pk, cat.confirmation.pk
    ),
}


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_salesperson_cannot_change_someone_elses_sale(cat, salesperson_user, other_salesperson, change):
    sale = new_sale(other_salesperson, cat.new)

    with pytest.raises(NotAllowed):
        change(salesperson_user, sale, cat)

    assert (fresh(sale).title, fresh(sale).version, len(rows(sale))) == ("Forty laptops", 1, 1)
    assert not Activity.objects.exists() and not Document.objects.exists()


@pytest.mark.parametrize("change", CHANGES.values(), ids=CHANGES.keys())
def test_a_manager_can_change_a_salespersons_sale(cat, salesperson_user, manager_user, change):
    sale = new_sale(salesperson_user, cat.new)

    change(manager_user, sale, cat)

    sale_after = Sale.objects.filter(pk=sale.pk).first()
    made_something = Activity.objects.exists() or Document.objects.exists()
    assert sale_after is None or sale_after.version == 2 or made_something


def test_a_salesperson_cannot_hand_their_sale_to_someone_else(cat, salesperson_user, other_salesperson):
    sale = new_sale(salesperson_user, cat.new)

    with pytest.raises(NotAllowed):
        sales.update_sale(salesperson_user, sale.pk, version=1, owner_id=other_salesperson.pk)

    assert fresh(sale).owner == salesperson_user


def test_an_edit_with_a_stale_version_is_refused_and_changes_nothing(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    sales.update_sale(salesperson_user, sale.pk, version=1, title="Forty-two laptops")

    with pytest.raises(StaleVersion) as refused:
        sales.update_sale(salesperson_user, sale.pk, version=1, title="Forty laptops", stage_id=cat.offer.pk)

    assert refused.value.message.render() == (
        "Someone else changed this sale meanwhile (version 2, you had 1). Reload it and try again."
    )
    assert (fresh(sale).title, fresh(sale).version, as_seen(sale), len(rows(sale))) == (
        "Forty-two laptops",
        2,
        (cat.lead.pk, "open", 10),
        1,
    )


@pytest.mark.parametrize(
    "change",
    [
        lambda actor, sale, cat: sales.move_sale_to_stage(actor, sale.pk, cat.offer.pk, version=1),
        lambda actor, sale, cat: sales.close_sale_as_sold(actor, sale.pk, version=1),
        lambda actor, sale, cat: sales.change_sale_type(actor, sale.pk, cat.existing.pk, version=1),
        lambda actor, sale, cat: sales.delete_sale(actor, sale.pk, version=1),
    ],
    ids=["move", "sold", "change-sale-type", "delete"],
)
def test_a_stage_or_status_change_with_a_stale_version_is_refused(cat, salesperson_user, change):
    sale = new_sale(salesperson_user, cat.new)
    sales.set_sale_probability(salesperson_user, sale.pk, 20)

    with pytest.raises(StaleVersion):
        change(salesperson_user, sale, cat)

    assert (as_seen(sale), fresh(sale).version, len(rows(sale))) == ((cat.lead.pk, "open", 20), 2, 2)


def test_an_unknown_sale_is_not_found(salesperson_user):
    with translation.override("en"), pytest.raises(NotFound, match="No sale with id 424242"):
        sales.move_sale_to_stage(salesperson_user, 424242, 1)


def test_deleting_a_sale_deletes_its_history_activities_and_documents(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    activities.create_followup_from_suggestion(salesperson_user, sale.pk, cat.intro_call.pk)
    documents.create_document_from_suggestion(salesperson_user, sale.pk, cat.confirmation.pk)

    sales.delete_sale(salesperson_user, sale.pk, version=1)

    assert (Sale.objects.count(), StageChange.objects.count(), Activity.objects.count(), Document.objects.count()) == (
        0,
        0,
        0,
        0,
    )


# --- the history: one row per change, and it replays to the sale ---------------------------------------------------


def test_a_whole_life_writes_one_row_per_change_and_replays_to_the_sale_at_every_step(cat, salesperson_user):
    sale = new_sale(salesperson_user, cat.new)
    steps = [
        ("stage", lambda: sales.move_sale_to_stage(salesperson_user, sale.pk, cat.offer.pk)),
        ("probability", lambda: sales.set_sale_probability(salesperson_user, sale.pk, 70)),
        (
            "stalled",
            lambda: sales.stall_sale(
                salesperson_user, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=3)
            ),
        ),
        ("reopened", lambda: sales.reopen_sale(salesperson_user, sale.pk)),
        ("sale_type", lambda: sales.change_sale_type(salesperson_user, sale.pk, cat.existing.pk)),
        (
            "stage",
            lambda: sales.update_sale(salesperson_user, sale.pk, version=fresh(sale).version, stage_id=cat.order.pk),
        ),
        ("probability", lambda: sales.set_sale_probability(salesperson_user, sale.pk, 85)),
        ("sold", lambda: sales.close_sale_as_sold(salesperson_user, sale.pk)),
        ("reopened", lambda: sales.reopen_sale(salesperson_user, sale.pk)),
        ("lost", lambda: sales.close_sale_as_lost(salesperson_user, sale.pk)),
    ]
    for kind, step in steps:
        before = len(rows(sale))
        step()
        assert len(rows(sale)) == before + 1
        assert rows(sale)[-1].kind == kind
        assert replayed(sale) == as_seen(sale)
    assert [(r.from_status or None, r.to_status) for r in rows(sale)][-3:] == [
        ("open", "sold"),
        ("sold", "open"),
        ("open", "lost"),
    ]
