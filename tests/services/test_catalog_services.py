"""The catalogue's use cases against the test database."""

import pytest

from salesguide.domain.errors import DuplicateName, NotAllowed, NotFound, RuleViolation, ValidationFailed
from salesguide.models import SaleTypeStage, Stage, SuggestedFollowup, User
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import catalog, guides, sale_types

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin():
    return User.objects.create_user(username="ada", password="x-very-long-1", role="admin")


@pytest.fixture
def seller():
    return User.objects.create_user(username="sam", password="x-very-long-1", role="salesperson")


@pytest.fixture
def three_stages(admin):
    return [
        catalog.create_stage(admin, name="Lead", probability=10, description="First contact."),
        catalog.create_stage(admin, name="Offer", probability=50),
        catalog.create_stage(admin, name="Negotiation", probability=80),
    ]


def test_new_stages_go_to_the_end_of_the_list(admin, three_stages):
    assert list(Stage.objects.values_list("name", flat=True)) == ["Lead", "Offer", "Negotiation"]


def test_a_duplicate_stage_name_is_refused_whatever_its_case(admin, three_stages):
    with pytest.raises(DuplicateName, match="Lead"):
        catalog.create_stage(admin, name=" lead ", probability=20)


def test_a_deleted_stage_frees_its_name_but_cannot_be_restored_while_it_is_taken(admin, three_stages):
    lead = three_stages[0]
    catalog.delete_stage(admin, lead.pk)
    catalog.create_stage(admin, name="Lead", probability=15)
    with pytest.raises(DuplicateName):
        catalog.restore_stage(admin, lead.pk)


def test_a_restored_stage_is_live_again(admin, three_stages):
    catalog.delete_stage(admin, three_stages[1].pk)
    assert not Stage.objects.filter(deleted=False, name="Offer").exists()
    catalog.restore_stage(admin, three_stages[1].pk)
    assert Stage.objects.get(name="Offer").deleted is False


def test_invalid_stage_input_saves_nothing_and_names_every_field(admin):
    with pytest.raises(ValidationFailed) as caught:
        catalog.create_stage(admin, name="", probability=101)
    assert {p.loc for p in caught.value.problems} == {("name",), ("probability",)}
    assert Stage.objects.count() == 0


def test_a_salesperson_cannot_change_configuration(seller):
    with pytest.raises(NotAllowed):
        catalog.create_stage(seller, name="Lead", probability=10)


def test_reordering_stages_takes_the_full_new_order(admin, three_stages):
    lead, offer, nego = three_stages
    catalog.reorder_stages(admin, [nego.pk, lead.pk, offer.pk])
    assert list(Stage.objects.values_list("name", flat=True)) == ["Negotiation", "Lead", "Offer"]
    with pytest.raises(RuleViolation):
        catalog.reorder_stages(admin, [nego.pk, lead.pk])


def test_moving_a_stage_up(admin, three_stages):
    catalog.move_stage(admin, three_stages[2].pk, -1)
    assert list(Stage.objects.values_list("name", flat=True)) == ["Lead", "Negotiation", "Offer"]


def test_a_sale_type_keeps_its_stages_in_the_chosen_order(admin, three_stages):
    lead, offer, nego = three_stages
    st = sale_types.create_sale_type(admin, name="New customer", stage_ids=[nego.pk, lead.pk, offer.pk])
    assert [link.stage.name for link in sale_types.active_links(st)] == ["Negotiation", "Lead", "Offer"]


def test_a_guide_needs_two_stages(admin, three_stages):
    with pytest.raises(RuleViolation):
        sale_types.create_sale_type(admin, name="Tiny", stage_ids=[three_stages[0].pk], has_guide=True)
    st = sale_types.create_sale_type(admin, name="Tiny", stage_ids=[three_stages[0].pk])
    with pytest.raises(RuleViolation):
        sale_types.set_guide_active(admin, st.pk, True)


def test_an_unknown_stage_in_a_sale_type_is_not_found(admin, three_stages):
    with pytest.raises(NotFound):
        sale_types.create_sale_type(admin, name="X", stage_ids=[three_stages[0].pk, 999])


@pytest.fixture
def guide(admin, three_stages):
    lead, offer, _ = three_stages
    call = catalog.create_activity_type(admin, name="Phone call (out)", kind="call", default_duration_minutes=15)
    st = sale_types.create_sale_type(admin, name="New customer", stage_ids=[s.pk for s in three_stages], has_guide=True)
    guides.add_suggested_followup(
        admin,
        st.pk,
        lead.pk,
        name="Intro call",
        activity_type_id=call.pk,
        purpose="Find out what they need.",
        days_offset=1,
        auto_suggest=True,
    )
    guides.add_suggested_followup(admin, st.pk, lead.pk, name="Second call", activity_type_id=call.pk)
    guides.add_suggested_followup(
        admin, st.pk, offer.pk, name="Follow up on offer", activity_type_id=call.pk, days_offset=7
    )
    return st


def test_a_suggestion_takes_the_activity_types_duration_unless_given(guide):
    assert SuggestedFollowup.objects.get(name="Intro call").duration_minutes == 15


def test_deactivating_and_reactivating_a_guide_keeps_every_suggestion(admin, guide):
    before = guide_of_sale_type(guide)
    off = sale_types.set_guide_active(admin, guide.pk, False)
    assert guide_of_sale_type(off).has_guide is False
    on = sale_types.set_guide_active(admin, guide.pk, True)
    assert guide_of_sale_type(on) == before


def test_taking_a_stage_out_of_a_type_and_back_brings_its_suggestions_back(admin, guide, three_stages):
    lead, offer, nego = three_stages
    sale_types.update_sale_type(admin, guide.pk, stage_ids=[offer.pk, nego.pk])
    assert [s.name for s in guide_of_sale_type(guide).stages] == ["Offer", "Negotiation"]
    sale_types.update_sale_type(admin, guide.pk, stage_ids=[lead.pk, offer.pk, nego.pk])
    lead_view = guide_of_sale_type(guide).stages[0]
    assert [f.name for f in lead_view.followups] == ["Intro call", "Second call"]


def test_a_deleted_suggestion_is_hidden_from_the_guide(admin, guide):
    intro = SuggestedFollowup.objects.get(name="Intro call")
    guides.delete_suggestion(admin, SuggestedFollowup, intro.pk)
    assert [f.name for f in guide_of_sale_type(guide).stages[0].followups] == ["Second call"]


def test_suggestions_are_reordered_within_their_stage(admin, guide, three_stages):
    lead = three_stages[0]
    ids = list(SuggestedFollowup.objects.filter(link__stage=lead).order_by("rank").values_list("pk", flat=True))
    guides.reorder_suggestions(admin, guide.pk, lead.pk, followup_ids=list(reversed(ids)))
    assert [f.name for f in guide_of_sale_type(guide).stages[0].followups] == ["Second call", "Intro call"]


def test_a_suggestion_on_a_stage_the_type_does_not_use_is_refused(admin, guide):
    other = catalog.create_stage(admin, name="Elsewhere", probability=5)
    with pytest.raises(NotFound):
        guides.add_suggested_followup(admin, guide.pk, other.pk, name="X", activity_type_id=1)


def test_the_guide_query_does_not_grow_with_the_guide(admin, guide, three_stages, django_assert_num_queries):
    with django_assert_num_queries(3):
        view = guide_of_sale_type(guide)
    assert [s.probability for s in view.stages] == [10, 50, 80]
    assert SaleTypeStage.objects.filter(sale_type=guide).count() == 3


@pytest.mark.django_db
def test_a_username_is_checked_in_the_form_it_is_stored_in(admin_user):
    from salesguide.services import accounts

    # "ｓａｎｎｅ" (full-width letters) is stored as "sanne", so it is the same name
    accounts.create_user(admin_user, username="sanne", role="salesperson", language="en")
    with pytest.raises(DuplicateName):
        accounts.create_user(admin_user, username="ｓａｎｎｅ", role="salesperson", language="en")
    # "½" would be stored as "1⁄2", which has a character a username may not have
    with pytest.raises(ValidationFailed):
        accounts.create_user(admin_user, username="½", role="salesperson", language="en")
