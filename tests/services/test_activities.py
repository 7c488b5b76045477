"""Follow-ups and documents on a sale, through their services against the test database (SPEC 3.3, 3.5, 3.6,
3.11): creating them from a guide's suggestions, completing and reopening them, what completing offers next,
the sale's next activity date, and who may do what."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import pytest
from django.utils import timezone

from salesguide.domain.errors import NotAllowed, NotFound, RuleViolation, ValidationFailed
from salesguide.models import (
    Activity,
    ActivityType,
    Company,
    Contact,
    Document,
    Sale,
    SaleType,
    Stage,
    SuggestedDocument,
    SuggestedFollowup,
    User,
)
from salesguide.queries.sale_guide import sale_guide
from salesguide.services import activities, catalog, customers, documents, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db


def at(day: int, hour: int = 10) -> dt.datetime:
    return dt.datetime(2030, 1, day, hour, tzinfo=timezone.get_current_timezone())


@dataclass
class Guide:
    """ "New customer" with auto-advance: lead (intro call; research, auto-suggested; a meeting confirmation),
    qualified (needs meeting, auto-suggested; internal briefing, not) and offer (quotation call, auto-suggested).
    "Existing customer" is a second guide with a suggestion of its own."""

    lead: Stage
    qualified: Stage
    offer: Stage
    new: SaleType
    existing: SaleType
    call: ActivityType
    meeting: ActivityType
    intro_call: SuggestedFollowup
    research: SuggestedFollowup
    confirmation: SuggestedDocument
    needs_meeting: SuggestedFollowup
    briefing: SuggestedFollowup
    quote_call: SuggestedFollowup
    review_call: SuggestedFollowup


@pytest.fixture
def guide(admin_user: Any) -> Guide:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    qualified = catalog.create_stage(admin_user, name="Qualified", probability=30)
    offer = catalog.create_stage(admin_user, name="Offer", probability=60)
    review = catalog.create_stage(admin_user, name="Review", probability=20)
    order = catalog.create_stage(admin_user, name="Order", probability=80)
    new = sale_types.create_sale_type(
        admin_user,
        name="New customer",
        has_guide=True,
        auto_advance=True,
        stage_ids=[lead.pk, qualified.pk, offer.pk],
    )
    existing = sale_types.create_sale_type(
        admin_user, name="Existing customer", has_guide=True, stage_ids=[review.pk, order.pk]
    )
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15)
    meeting = catalog.create_activity_type(admin_user, name="Meeting", kind="meeting", default_duration_minutes=60)
    template = templates.create_text_template(admin_user, name="Meeting confirmation", body="Dear customer,")

    def followup(sale_type: SaleType, stage: Stage, name: str, **fields: Any) -> SuggestedFollowup:
        fields.setdefault("activity_type_id", call.pk)
        return guides.add_suggested_followup(admin_user, sale_type.pk, stage.pk, name=name, **fields)

    return Guide(
        lead,
        qualified,
        offer,
        new,
        existing,
        call,
        meeting,
        intro_call=followup(
            new,
            lead,
            "Introductory call",
            purpose="Make first contact.",
            text="Ask about the need.",
            duration_minutes=20,
        ),
        research=followup(new, lead, "Research the company", days_offset=1, auto_suggest=True),
        confirmation=guides.add_suggested_document(
            admin_user,
            new.pk,
            lead.pk,
            name="Meeting confirmation",
            template_id=template.pk,
            subject="Our meeting about {{ sale.title }}",
            our_reference="S-{{ sale.id }}",
        ),
        needs_meeting=followup(
            new, qualified, "Needs analysis meeting", activity_type_id=meeting.pk, days_offset=7, auto_suggest=True
        ),
        briefing=followup(new, qualified, "Internal briefing", days_offset=1),
        quote_call=followup(new, offer, "Go through the quotation", days_offset=3, auto_suggest=True),
        review_call=followup(existing, review, "Account review call"),
    )


@pytest.fixture
def company(salesperson_user: Any) -> Company:
    return customers.create_company(salesperson_user, name="Bakkerij Van der Meer", city="Utrecht")


@pytest.fixture
def contact(salesperson_user: Any, company: Company) -> Contact:
    return customers.create_contact(salesperson_user, first_name="Anna", last_name="de Jong", company_id=company.pk)


@pytest.fixture
def sale(guide: Guide, salesperson_user: Any, company: Company, contact: Contact) -> Sale:
    return sales.create_sale(
        salesperson_user, title="Forty ovens", sale_type_id=guide.new.pk, company_id=company.pk, contact_id=contact.pk
    )


@pytest.fixture
def other_salesperson(make_user: Any) -> Any:
    return make_user("sally", "salesperson")


def create(actor: User, sale: Sale, suggestion: SuggestedFollowup, **overrides: Any) -> Activity:
    return activities.create_followup_from_suggestion(actor, sale.pk, suggestion.pk, **overrides)


def next_activity(sale: Sale) -> dt.datetime | None:
    return Sale.objects.get(pk=sale.pk).next_activity_at


def created_in_guide(sale: Sale) -> dict[str, list[int]]:
    """Per suggestion name: the ids of what the sale's guide shows as created from it."""
    guide = sale_guide(Sale.objects.get(pk=sale.pk))
    shown: dict[str, list[int]] = {}
    for stage in guide.stages:
        for f in stage.followups:
            shown[f.suggestion.name] = [a.id for a in f.activities]
        for d in stage.documents:
            shown["document: " + d.suggestion.name] = [doc.id for doc in d.documents]
    return shown


# --- 3.3 creating from a suggestion -------------------------------------------------------------------------------


def test_a_followup_from_a_suggestion_is_filled_in_from_the_blueprint_and_the_sale(
    guide, sale, salesperson_user, company, contact
):
    activity = create(salesperson_user, sale, guide.intro_call)

    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.activity_type, activity.title, activity.text, activity.duration_minutes) == (
        guide.call,
        "Introductory call",
        "Ask about the need.",
        20,
    )
    assert (activity.owner, activity.sale_id, activity.company, activity.contact) == (
        salesperson_user,
        sale.pk,
        company,
        contact,
    )
    assert (activity.suggested_followup, activity.completed_at) == (guide.intro_call, None)


def test_a_suggestion_without_a_duration_takes_its_activity_types(guide, sale, salesperson_user):
    activity = create(salesperson_user, sale, guide.needs_meeting)

    assert Activity.objects.get(pk=activity.pk).duration_minutes == 60


def test_the_first_guide_followup_starts_at_the_next_whole_hour_plus_its_offset(guide, sale, salesperson_user):
    def next_hour() -> dt.datetime:
        return (timezone.localtime() + dt.timedelta(hours=1)).replace(minute=0, second=0, microsecond=0)

    earliest = next_hour()
    activity = create(salesperson_user, sale, guide.research)
    latest = next_hour()

    assert earliest + dt.timedelta(days=1) <= activity.start <= latest + dt.timedelta(days=1)


def test_a_followup_starts_at_the_previous_guide_followups_start_plus_its_offset(guide, sale, salesperson_user):
    create(salesperson_user, sale, guide.intro_call, start=at(10))

    needs = create(salesperson_user, sale, guide.needs_meeting)
    briefing = create(salesperson_user, sale, guide.briefing)

    assert (needs.start, briefing.start) == (at(17), at(18))


def test_what_the_user_changes_in_the_form_wins_over_the_blueprint(guide, sale, salesperson_user, manager_user):
    activity = create(
        manager_user,
        sale,
        guide.intro_call,
        start=at(3, 14),
        owner_id=salesperson_user.pk,
        text="Ask for Anna.",
        title="Call Anna",
        duration_minutes=45,
    )

    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.start, activity.owner, activity.text, activity.title, activity.duration_minutes) == (
        at(3, 14),
        salesperson_user,
        "Ask for Anna.",
        "Call Anna",
        45,
    )
    assert activity.suggested_followup == guide.intro_call


def test_a_created_followup_shows_in_the_guide_and_in_the_owners_activity_list(guide, sale, salesperson_user):
    activity = create(salesperson_user, sale, guide.intro_call)

    assert created_in_guide(sale)["Introductory call"] == [activity.pk]
    assert list(Activity.objects.filter(owner=salesperson_user, completed_at__isnull=True)) == [activity]
    lead = sale_guide(Sale.objects.get(pk=sale.pk)).stage(guide.lead.pk)
    assert (lead.done, lead.total) == (0, 3)


def test_creating_another_from_the_same_suggestion_adds_a_second_item(guide, sale, salesperson_user):
    first = create(salesperson_user, sale, guide.intro_call, start=at(10))
    again = create(salesperson_user, sale, guide.intro_call, start=at(12))

    assert created_in_guide(sale)["Introductory call"] == [first.pk, again.pk]


def test_a_preview_shows_what_would_be_created_and_creates_nothing(guide, sale, salesperson_user, company):
    create(salesperson_user, sale, guide.intro_call, start=at(10))

    draft = activities.preview_followup_from_suggestion(salesperson_user, sale.pk, guide.research.pk)
    document = documents.preview_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)

    assert (draft.title, draft.start, draft.activity_type_id, draft.company_id) == (
        "Research the company",
        at(11),
        guide.call.pk,
        company.pk,
    )
    assert (document.subject, document.our_reference) == ("Our meeting about Forty ovens", f"S-{sale.pk}")
    assert Activity.objects.count() == 1 and not Document.objects.exists()


def test_a_suggestion_of_another_sale_type_cannot_be_used_on_the_sale(guide, sale, salesperson_user):
    with pytest.raises(NotFound):
        create(salesperson_user, sale, guide.review_call)

    assert not Activity.objects.exists()


def test_a_deleted_suggestion_can_no_longer_be_created(guide, sale, salesperson_user, admin_user):
    guides.delete_suggestion(admin_user, SuggestedFollowup, guide.research.pk)
    guides.delete_suggestion(admin_user, SuggestedDocument, guide.confirmation.pk)

    with pytest.raises(NotFound):
        create(salesperson_user, sale, guide.research)
    with pytest.raises(NotFound):
        documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)


def test_a_suggestion_on_a_deleted_stage_can_no_longer_be_created_or_previewed(
    guide, sale, salesperson_user, admin_user
):
    catalog.delete_stage(admin_user, guide.lead.pk)

    with pytest.raises(NotFound):
        create(salesperson_user, sale, guide.intro_call)
    with pytest.raises(NotFound):
        activities.preview_followup_from_suggestion(salesperson_user, sale.pk, guide.intro_call.pk)
    with pytest.raises(NotFound):
        documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)
    assert not Activity.objects.exists() and not Document.objects.exists()


def test_a_followup_with_a_start_without_a_time_zone_is_refused(guide, sale, salesperson_user):
    with pytest.raises(ValidationFailed) as refused:
        naive = dt.datetime(2030, 1, 10, 10)  # noqa: DTZ001 - the input under test has no time zone
        create(salesperson_user, sale, guide.intro_call, start=naive, title=" ")

    assert {p.loc for p in refused.value.problems} == {("start",), ("title",)}
    assert not Activity.objects.exists()


# --- 3.5 completing a follow-up: the next suggestion ----------------------------------------------------------------


def test_completing_a_guide_followup_offers_the_next_one_when_it_is_suggested_automatically(
    guide, sale, salesperson_user
):
    intro = create(salesperson_user, sale, guide.intro_call, start=at(10))

    completion = activities.complete_activity(salesperson_user, intro.pk)

    assert Activity.objects.get(pk=intro.pk).completed_at is not None
    assert completion.next_suggestion is not None
    assert (completion.next_suggestion.suggestion_id, completion.next_suggestion.start) == (guide.research.pk, at(11))
    assert completion.created_activity is None
    assert Activity.objects.count() == 1


def test_with_the_preference_not_to_confirm_the_next_followup_is_created_directly(guide, sale, salesperson_user):
    salesperson_user.confirm_suggested_followups = False
    salesperson_user.save()
    intro = create(salesperson_user, sale, guide.intro_call, start=at(10))

    completion = activities.complete_activity(salesperson_user, intro.pk)

    created = completion.created_activity
    assert completion.next_suggestion is None
    assert created is not None
    assert (created.suggested_followup, created.start, created.owner) == (guide.research, at(11), salesperson_user)
    assert created_in_guide(sale)["Research the company"] == [created.pk]


def test_the_next_followup_may_be_the_first_of_the_next_stage(guide, sale, salesperson_user):
    create(salesperson_user, sale, guide.intro_call, start=at(10))
    research = create(salesperson_user, sale, guide.research)

    completion = activities.complete_activity(salesperson_user, research.pk)

    assert completion.next_suggestion is not None
    assert (completion.next_suggestion.suggestion_id, completion.next_suggestion.start) == (
        guide.needs_meeting.pk,
        at(18),
    )


@pytest.mark.parametrize("reason", ["not-automatic", "already-created", "last-of-the-guide"])
def test_nothing_is_offered_when_the_next_followup_is_not_automatic_already_created_or_missing(
    guide, sale, salesperson_user, reason
):
    if reason == "not-automatic":
        done = create(salesperson_user, sale, guide.needs_meeting)
    elif reason == "already-created":
        create(salesperson_user, sale, guide.research)
        done = create(salesperson_user, sale, guide.intro_call)
    else:
        done = create(salesperson_user, sale, guide.quote_call)

    completion = activities.complete_activity(salesperson_user, done.pk)

    assert (completion.next_suggestion, completion.created_activity) == (None, None)


def test_completing_a_followup_of_a_guide_that_is_switched_off_offers_nothing(
    guide, sale, salesperson_user, admin_user
):
    intro = create(salesperson_user, sale, guide.intro_call)
    sale_types.set_guide_active(admin_user, guide.new.pk, False)

    completion = activities.complete_activity(salesperson_user, intro.pk)

    assert (completion.next_suggestion, completion.offer_advance_to_stage_id) == (None, None)


def test_a_completed_activity_cannot_be_completed_again(guide, sale, salesperson_user):
    intro = create(salesperson_user, sale, guide.intro_call)
    activities.complete_activity(salesperson_user, intro.pk)

    with pytest.raises(RuleViolation, match="already completed"):
        activities.complete_activity(salesperson_user, intro.pk)


def test_reopening_a_completed_followup_shows_it_open_again_in_the_guide(guide, sale, salesperson_user):
    intro = create(salesperson_user, sale, guide.intro_call)
    activities.complete_activity(salesperson_user, intro.pk)

    activities.reopen_activity(salesperson_user, intro.pk)

    lead = sale_guide(Sale.objects.get(pk=sale.pk)).stage(guide.lead.pk)
    assert [a.completed for a in lead.followups[0].activities] == [False]
    with pytest.raises(RuleViolation, match="not completed"):
        activities.reopen_activity(salesperson_user, intro.pk)


# --- 3.6 auto-advance ----------------------------------------------------------------------------------------------


def test_when_the_last_item_of_the_stage_is_done_moving_to_the_next_stage_is_offered(guide, sale, salesperson_user):
    intro = create(salesperson_user, sale, guide.intro_call, start=at(10))
    research = create(salesperson_user, sale, guide.research)
    documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)

    first = activities.complete_activity(salesperson_user, intro.pk)
    last = activities.complete_activity(salesperson_user, research.pk)

    assert (first.offer_advance_to_stage_id, last.offer_advance_to_stage_id) == (None, guide.qualified.pk)
    assert Sale.objects.get(pk=sale.pk).stage_id == guide.lead.pk


def test_moving_on_is_not_offered_while_a_suggested_document_is_missing(guide, sale, salesperson_user):
    intro = create(salesperson_user, sale, guide.intro_call)
    research = create(salesperson_user, sale, guide.research)
    activities.complete_activity(salesperson_user, intro.pk)

    completion = activities.complete_activity(salesperson_user, research.pk)

    assert completion.offer_advance_to_stage_id is None


def test_moving_on_is_not_offered_in_the_last_stage(guide, sale, salesperson_user):
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.offer.pk)
    quote = create(salesperson_user, sale, guide.quote_call)

    assert activities.complete_activity(salesperson_user, quote.pk).offer_advance_to_stage_id is None


def test_moving_on_is_not_offered_when_the_sale_type_has_auto_advance_off(guide, sale, salesperson_user, admin_user):
    sale_types.update_sale_type(admin_user, guide.new.pk, auto_advance=False)
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.qualified.pk)
    needs = create(salesperson_user, sale, guide.needs_meeting)
    briefing = create(salesperson_user, sale, guide.briefing)
    activities.complete_activity(salesperson_user, needs.pk)

    assert activities.complete_activity(salesperson_user, briefing.pk).offer_advance_to_stage_id is None


def test_when_a_document_is_the_stages_last_open_item_creating_it_offers_moving_on(guide, sale, salesperson_user):
    # Given both follow-ups of the first stage created and completed, and its document not yet created
    for suggestion in (guide.intro_call, guide.research):
        activities.complete_activity(salesperson_user, create(salesperson_user, sale, suggestion).pk)

    # When the document is created from the guide
    created = documents.create_document_on_guide(salesperson_user, sale.pk, guide.confirmation.pk)

    # Then the stage is all done and moving on is offered, as after completing a follow-up; nothing moved yet
    assert created.document.suggested_document_id == guide.confirmation.pk
    assert created.offers == activities.Offers(None, guide.qualified.pk, False)
    assert [(s.done, s.total) for s in created.guide.stages][0] == (3, 3)
    assert Sale.objects.get(pk=sale.pk).stage_id == guide.lead.pk


def test_a_document_that_leaves_an_item_open_offers_nothing(guide, sale, salesperson_user):
    create(salesperson_user, sale, guide.intro_call)

    created = documents.create_document_on_guide(salesperson_user, sale.pk, guide.confirmation.pk)

    assert created.offers == activities.Offers()


def test_the_offer_to_move_on_holds_whenever_the_stage_is_done_not_only_right_after_the_last_item(
    guide, sale, salesperson_user
):
    # Given the first stage all done, its document last
    for suggestion in (guide.intro_call, guide.research):
        activities.complete_activity(salesperson_user, create(salesperson_user, sale, suggestion).pk)
    documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)
    stored = Sale.objects.select_related("sale_type").get(pk=sale.pk)

    # When the guide is shown again later (a reload), with nothing named in the address
    offers = activities.open_offers(salesperson_user, stored, sale_guide(stored))

    # Then moving on is asked again; unless the user said "not now" in this stage
    assert offers.advance_to_stage_id == guide.qualified.pk
    later = activities.open_offers(salesperson_user, stored, sale_guide(stored), not_now_in_stage_id=guide.lead.pk)
    assert later == activities.Offers()


def test_in_the_last_stage_finishing_its_items_offers_closing_the_sale_as_sold(guide, sale, salesperson_user):
    # Given a sale in the last stage, whose one follow-up is created
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.offer.pk)
    quote = create(salesperson_user, sale, guide.quote_call)

    # When it is completed
    completion = activities.complete_activity(salesperson_user, quote.pk)

    # Then there is no next stage to offer, but closing as sold is offered; the sale is still open
    assert (completion.offer_advance_to_stage_id, completion.offer_close_as_sold) == (None, True)
    assert completion.offers.close_as_sold is True
    stored = Sale.objects.select_related("sale_type").get(pk=sale.pk)
    assert stored.status == "open"
    # and the guide asks it again on a reload, but not of someone who may not close the sale
    assert activities.open_offers(salesperson_user, stored, sale_guide(stored)).close_as_sold is True


def test_closing_is_not_offered_in_the_last_stage_of_a_type_without_auto_advance(
    guide, sale, salesperson_user, admin_user
):
    sale_types.update_sale_type(admin_user, guide.new.pk, auto_advance=False)
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.offer.pk)
    quote = create(salesperson_user, sale, guide.quote_call)

    assert activities.complete_activity(salesperson_user, quote.pk).offer_close_as_sold is False


def test_nobody_else_is_asked_to_move_on_or_close(guide, sale, salesperson_user, other_salesperson):
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.offer.pk)
    activities.complete_activity(salesperson_user, create(salesperson_user, sale, guide.quote_call).pk)
    stored = Sale.objects.select_related("sale_type").get(pk=sale.pk)

    assert activities.open_offers(other_salesperson, stored, sale_guide(stored)) == activities.Offers()


# --- 3.11 the next activity date -----------------------------------------------------------------------------------


def test_the_next_activity_date_follows_every_change_of_the_sales_activities(guide, sale, salesperson_user):
    early = create(salesperson_user, sale, guide.intro_call, start=at(10))
    late = activities.create_activity(
        salesperson_user, activity_type_id=guide.meeting.pk, title="Lunch", start=at(20), sale_id=sale.pk
    )
    assert next_activity(sale) == at(10)

    activities.complete_activity(salesperson_user, early.pk)
    assert next_activity(sale) == at(20)

    activities.reopen_activity(salesperson_user, early.pk)
    assert next_activity(sale) == at(10)

    activities.update_activity(salesperson_user, late.pk, start=at(5))
    assert next_activity(sale) == at(5)

    activities.delete_activity(salesperson_user, late.pk)
    assert next_activity(sale) == at(10)

    activities.delete_activity(salesperson_user, early.pk)
    assert next_activity(sale) is None


def test_an_activity_made_by_hand_on_a_sale_takes_the_sales_company_and_contact(
    guide, sale, salesperson_user, company, contact
):
    activity = activities.create_activity(
        salesperson_user, activity_type_id=guide.call.pk, title="Quick question", start=at(4), sale_id=sale.pk
    )

    assert (activity.company, activity.contact, activity.duration_minutes, activity.suggested_followup) == (
        company,
        contact,
        15,
        None,
    )
    assert activities.complete_activity(salesperson_user, activity.pk).next_suggestion is None


# --- documents -----------------------------------------------------------------------------------------------------


def test_a_document_from_a_suggestion_fills_in_its_template_variables_and_counts_as_done(
    guide, sale, salesperson_user, company, contact
):
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)

    document = Document.objects.get(pk=document.pk)
    assert (document.subject, document.our_reference) == ("Our meeting about Forty ovens", f"S-{sale.pk}")
    assert (document.template, document.sale_id, document.company, document.contact, document.owner) == (
        guide.confirmation.template,
        sale.pk,
        company,
        contact,
        salesperson_user,
    )
    assert created_in_guide(sale)["document: Meeting confirmation"] == [document.pk]
    lead = sale_guide(Sale.objects.get(pk=sale.pk)).stage(guide.lead.pk)
    assert (lead.done, lead.total) == (1, 3)


def test_a_document_subject_typed_by_the_user_wins_but_may_not_be_empty(guide, sale, salesperson_user):
    with pytest.raises(ValidationFailed) as refused:
        documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk, subject=" ")
    assert refused.value.problems[0].loc == ("subject",)

    document = documents.create_document_from_suggestion(
        salesperson_user, sale.pk, guide.confirmation.pk, subject="Tuesday at ten", our_reference="AB-1"
    )
    assert (document.subject, document.our_reference) == ("Tuesday at ten", "AB-1")


def test_deleting_a_document_offers_the_suggestion_again(guide, sale, salesperson_user):
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)

    documents.delete_document(salesperson_user, document.pk)

    assert created_in_guide(sale)["document: Meeting confirmation"] == []


# --- who may do what -----------------------------------------------------------------------------------------------


# --- a sold or lost sale's guide is read-only history -----------------------------------------------------------


@pytest.mark.parametrize("close", ["sold", "lost"])
def test_creating_from_a_suggestion_on_a_sold_or_lost_sale_is_refused_and_creates_nothing(
    guide, sale, salesperson_user, close
):
    # Given a sale that was closed
    if close == "sold":
        sales.close_sale_as_sold(salesperson_user, sale.pk)
    else:
        sales.close_sale_as_lost(salesperson_user, sale.pk)
    closed_message = (
        "This sale is closed: its guide shows what was done. Reopen the sale to create from its suggestions."
    )

    # When a follow-up, a document, or the answer to an offer is created from its guide, each is refused
    with pytest.raises(RuleViolation) as refused:
        create(salesperson_user, sale, guide.intro_call)
    assert refused.value.message.render() == closed_message
    with pytest.raises(RuleViolation, match="This sale is closed"):
        documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)
    with pytest.raises(RuleViolation, match="This sale is closed"):
        activities.answer_next_followup_offer(salesperson_user, sale.pk, guide.research.pk)

    # Then nothing was created
    assert not Activity.objects.filter(sale=sale).exists()
    assert not Document.objects.filter(sale=sale).exists()


def test_a_stalled_sale_still_plans_from_its_guide(guide, sale, salesperson_user):
    sales.stall_sale(salesperson_user, sale.pk, reopen_date=timezone.localdate() + dt.timedelta(days=10))

    activity = create(salesperson_user, sale, guide.intro_call)

    assert activity.suggested_followup_id == guide.intro_call.pk


def test_completing_a_followup_of_a_sold_sale_offers_nor_creates_the_next_one(guide, sale, salesperson_user):
    # Given a follow-up planned before the sale was sold, and a user who does not want to be asked
    intro = create(salesperson_user, sale, guide.intro_call)
    sales.close_sale_as_sold(salesperson_user, sale.pk)
    User.objects.filter(pk=salesperson_user.pk).update(confirm_suggested_followups=False)
    salesperson_user.refresh_from_db()

    # When it is completed afterwards (after-sales)
    completion = activities.complete_activity(salesperson_user, intro.pk)

    # Then the guide neither offers nor creates the next follow-up
    assert (completion.next_suggestion, completion.created_activity) == (None, None)
    assert completion.offers == activities.Offers()
    assert Activity.objects.filter(sale=sale).count() == 1


# --- the answer to the offer of the next follow-up ------------------------------------------------------------


def test_answering_create_with_what_the_user_changed_in_the_form_creates_it_so_and_only_once(
    guide, sale, salesperson_user, manager_user
):
    # Given the offer of the research follow-up after the intro call was completed
    intro = create(salesperson_user, sale, guide.intro_call, start=at(10))
    assert activities.complete_activity(salesperson_user, intro.pk).next_suggestion is not None

    # When the user answers Create with another date, owner and text
    answered = activities.answer_next_followup_offer(
        salesperson_user,
        sale.pk,
        guide.research.pk,
        start=at(14, 15),
        owner_id=manager_user.pk,
        text="Read their annual report",
        title="Research Van der Meer",
    )

    # Then the follow-up is made as changed, from its suggestion
    made = Activity.objects.get(pk=answered.activity.pk)
    assert answered.created is True
    assert (made.start, made.owner_id, made.text, made.title, made.suggested_followup_id) == (
        at(14, 15),
        manager_user.pk,
        "Read their annual report",
        "Research Van der Meer",
        guide.research.pk,
    )
    # and the same answer again (a second click, another tab) gives it back instead of making another
    again = activities.answer_next_followup_offer(salesperson_user, sale.pk, guide.research.pk, start=at(20))
    assert (again.activity.pk, again.created) == (made.pk, False)
    assert Activity.objects.filter(sale=sale, suggested_followup=guide.research).count() == 1


def test_a_salesperson_cannot_plan_activities_on_someone_elses_sale(guide, sale, other_salesperson):
    with pytest.raises(NotAllowed):
        activities.create_activity(
            other_salesperson, activity_type_id=guide.call.pk, title="Sneaky", start=at(4), sale_id=sale.pk
        )
    with pytest.raises(NotAllowed):
        create(other_salesperson, sale, guide.intro_call)

    assert not Activity.objects.exists()


@pytest.mark.parametrize(
    "change",
    [
        lambda actor, activity: activities.complete_activity(actor, activity.pk),
        lambda actor, activity: activities.update_activity(actor, activity.pk, title="Mine"),
        lambda actor, activity: activities.delete_activity(actor, activity.pk),
    ],
    ids=["complete", "update", "delete"],
)
def test_a_salesperson_cannot_change_an_activity_of_someone_elses_sale(
    guide, sale, salesperson_user, other_salesperson, change
):
    activity = create(salesperson_user, sale, guide.intro_call)

    with pytest.raises(NotAllowed):
        change(other_salesperson, activity)

    activity = Activity.objects.get(pk=activity.pk)
    assert (activity.title, activity.completed_at) == ("Introductory call", None)


def test_the_owner_of_an_activity_may_complete_it_on_someone_elses_sale(guide, sale, manager_user, other_salesperson):
    activity = create(manager_user, sale, guide.intro_call, owner_id=other_salesperson.pk)

    completion = activities.complete_activity(other_salesperson, activity.pk)

    assert completion.activity.completed_at is not None
    # Only who may edit the sale gets the next follow-up offered.
    assert completion.next_suggestion is None


def test_a_salesperson_cannot_delete_a_document_of_someone_elses_sale(guide, sale, salesperson_user, other_salesperson):
    document = documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.confirmation.pk)

    with pytest.raises(NotAllowed):
        documents.delete_document(other_salesperson, document.pk)

    assert Document.objects.filter(pk=document.pk).exists()


def test_a_stalled_sale_proposes_a_phone_call_at_nine_on_its_re_open_date(salesperson_user):
    import zoneinfo

    from django.conf import settings

    from salesguide.services.activities import propose_reopen_followup

    # Given a user without a time zone of their own
    ActivityType.objects.create(name="Task", kind="task", default_duration_minutes=30, rank=0)
    call = ActivityType.objects.create(name="Phone call (out)", kind="call", default_duration_minutes=15, rank=1)

    proposal = propose_reopen_followup(salesperson_user, "Fleet renewal", dt.date(2031, 3, 31))

    # Then the call is at 09:00 in the installation's time zone
    assert proposal is not None
    assert proposal.activity_type_id == call.pk
    assert proposal.title == "Re-open: Fleet renewal"
    assert proposal.start == dt.datetime(2031, 3, 31, 9, 0, tzinfo=zoneinfo.ZoneInfo(settings.TIME_ZONE))
    assert proposal.duration_minutes == 15


def test_the_follow_up_a_stalled_sale_proposes_says_why_it_waits_and_where_it_stood(
    guide, sale, salesperson_user, admin_user
):
    # Given a sale in its second stage, stalled for a reason until a re-open date
    budget = catalog.create_reason(admin_user, name="Budget frozen until spring", kind="stalled")
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.qualified.pk)
    reopen_on = timezone.localdate() + dt.timedelta(days=40)
    sales.stall_sale(salesperson_user, sale.pk, reopen_date=reopen_on, reason_id=budget.pk)

    # When the follow-up on the re-open date is proposed
    proposal = activities.propose_reopen_followup_for(salesperson_user, sale.pk)

    # Then its text carries the reason, the stage, the day it was stalled and what to do on the day
    assert proposal is not None
    assert proposal.title == "Re-open: Forty ovens"
    lines = proposal.text.splitlines()
    assert lines[0].startswith("“Forty ovens” was stalled on ")
    assert lines[0].endswith(" in the stage “Qualified”.")
    assert lines[1] == "Reason: Budget frozen until spring"
    assert lines[2].startswith("It waits until ")
    assert "Check whether the reason still holds, then reopen the sale and plan its next step." in lines[2]


def test_an_open_sale_proposes_no_re_open_follow_up(guide, sale, salesperson_user):
    assert activities.propose_reopen_followup_for(salesperson_user, sale.pk) is None


def test_the_re_open_call_is_at_nine_in_the_users_zone_when_another_zone_is_active(salesperson_user):
    import zoneinfo

    from salesguide.services.activities import propose_reopen_followup

    # Given a user in New York, and a request that activated Tokyo (as no door should, but any could)
    ActivityType.objects.create(name="Phone call (out)", kind="call", default_duration_minutes=15, rank=0)
    salesperson_user.time_zone = "America/New_York"
    salesperson_user.save()

    # When the proposal is asked for with no zone active, with Tokyo active, and with New York active
    answers = []
    for active in (None, "Asia/Tokyo", "America/New_York"):
        with timezone.override(active):
            proposal = propose_reopen_followup(salesperson_user, "Fleet renewal", dt.date(2031, 3, 31))
        assert proposal is not None
        answers.append(proposal.start)

    # Then each answer is 09:00 in New York
    new_york = dt.datetime(2031, 3, 31, 9, 0, tzinfo=zoneinfo.ZoneInfo("America/New_York"))
    assert answers == [new_york, new_york, new_york]
    assert {answer.utcoffset() for answer in answers} == {dt.timedelta(hours=-4)}
