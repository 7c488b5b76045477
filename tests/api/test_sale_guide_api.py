"""The guide of a sale through the API: the stage bar with what is done, creating follow-ups and documents from
the suggestions, previews, what completing a guide follow-up offers, and the documents made."""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from salesguide.models import Activity, Document
from salesguide.services import catalog, customers, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db


def _build_guide(admin, *, name="New customer", stages=3, followups=(2, 1, 0), documents=(0, 1, 0), auto_advance=True):
    """A guide with ``stages`` stages and the given number of suggested follow-ups and documents per stage; every
    follow-up after the first suggests itself, three days after the previous one."""
    made = [
        catalog.create_stage(admin, name=f"{name} stage {i + 1}", probability=min(10 + 30 * i, 100))
        for i in range(stages)
    ]
    call = catalog.create_activity_type(admin, name=f"{name} call", kind="call", default_duration_minutes=20)
    template = templates.create_text_template(admin, name=f"{name} quote", body="<p>Quote</p>")
    sale_type = sale_types.create_sale_type(
        admin, name=name, stage_ids=[s.pk for s in made], has_guide=True, auto_advance=auto_advance
    )
    suggested_followups, suggested_documents = [], []
    for index, stage in enumerate(made):
        for n in range(followups[index] if index < len(followups) else 0):
            suggested_followups.append(
                guides.add_suggested_followup(
                    admin,
                    sale_type.pk,
                    stage.pk,
                    name=f"Follow-up {index + 1}.{n + 1}",
                    purpose="Keep in touch.",
                    activity_type_id=call.pk,
                    days_offset=0 if not suggested_followups else 3,
                    auto_suggest=bool(suggested_followups),
                    text="Ask how it goes.",
                )
            )
        for n in range(documents[index] if index < len(documents) else 0):
            suggested_documents.append(
                guides.add_suggested_document(
                    admin,
                    sale_type.pk,
                    stage.pk,
                    name=f"Quote {index + 1}.{n + 1}",
                    template_id=template.pk,
                    subject="Quote for {{ company.name }}",
                    our_reference="Q-{{ sale.id }}",
                )
            )
    return SimpleNamespace(
        sale_type=sale_type,
        stages=made,
        call=call,
        template=template,
        followups=suggested_followups,
        documents=suggested_documents,
    )


@pytest.fixture
def guide(admin_user):
    return _build_guide(admin_user)


@pytest.fixture
def acme(admin_user):
    return customers.create_company(admin_user, name="Acme")


@pytest.fixture
def make_sale(guide, acme):
    def _make_sale(owner, title="Ten licences", sale_type=None):
        return sales.create_sale(owner, title=title, sale_type_id=(sale_type or guide.sale_type).pk, company_id=acme.pk)

    return _make_sale


@pytest.fixture
def sale(make_sale, admin_user):
    return make_sale(admin_user)


def _stage_bar(body):
    return [(s["name"], s["state"], s["done"], s["total"]) for s in body["stages"]]


# --- the guide ---------------------------------------------------------------------------------------------------


def test_a_new_sale_shows_its_guide_with_the_first_stage_current_and_nothing_done(api, sale, guide):
    # When
    response = api.get(f"sales/{sale.pk}/guide")

    # Then
    assert response.status_code == 200
    body = response.json()
    assert (body["has_guide"], body["current_stage_id"], body["sale_id"]) == (True, guide.stages[0].pk, sale.pk)
    assert _stage_bar(body) == [
        ("New customer stage 1", "current", 0, 2),
        ("New customer stage 2", "future", 0, 2),
        ("New customer stage 3", "future", 0, 0),
    ]
    first = body["stages"][0]
    assert first["probability"] == 10
    assert first["followups"][0] == {
        "suggestion_id": guide.followups[0].pk,
        "name": "Follow-up 1.1",
        "purpose": "Keep in touch.",
        "activity_type_id": guide.call.pk,
        "activity_type_name": "New customer call",
        "auto_suggest": False,
        "required": False,
        "done": False,
        "activities": [],
    }
    assert body["stages"][1]["documents"] == [
        {
            "suggestion_id": guide.documents[0].pk,
            "name": "Quote 2.1",
            "purpose": "",
            "template_id": guide.template.pk,
            "template_name": "New customer quote",
            "required": False,
            "documents": [],
        }
    ]
    assert body["exit_criteria"] == "off"


def test_the_guide_of_a_sale_marks_the_required_items_and_names_the_exit_criteria_mode(api, admin_user, sale, guide):
    # Given
    sale_types.update_sale_type(admin_user, guide.sale_type.pk, exit_criteria="warn")
    guides.update_suggested_followup(admin_user, guide.followups[1].pk, required=True)
    guides.update_suggested_document(admin_user, guide.documents[0].pk, required=True)

    # When
    body = api.get(f"sales/{sale.pk}/guide").json()

    # Then
    assert body["exit_criteria"] == "warn"
    assert [(f["name"], f["required"]) for s in body["stages"] for f in s["followups"]] == [
        ("Follow-up 1.1", False),
        ("Follow-up 1.2", True),
        ("Follow-up 2.1", False),
    ]
    assert [(d["name"], d["required"]) for s in body["stages"] for d in s["documents"]] == [("Quote 2.1", True)]


def test_a_sale_type_without_a_guide_says_so(api, admin_user, make_sale):
    # Given
    stages = [catalog.create_stage(admin_user, name=name, probability=20) for name in ("Ask", "Get")]
    plain = sale_types.create_sale_type(admin_user, name="Plain", stage_ids=[s.pk for s in stages])
    sale = make_sale(admin_user, sale_type=plain)

    # When
    body = api.get(f"sales/{sale.pk}/guide").json()

    # Then
    assert body["has_guide"] is False


def test_an_unknown_sale_has_no_guide(api):
    # When
    response = api.get("sales/999/guide")

    # Then
    assert response.status_code == 404
    assert response.json() == {"detail": "No sale with id 999."}


def test_moving_the_sale_on_marks_the_stages_before_it_completed(api, sale, guide):
    # Given
    sales.move_sale_to_stage(sale.owner, sale.pk, guide.stages[2].pk)

    # When
    body = api.get(f"sales/{sale.pk}/guide").json()

    # Then
    assert [s["state"] for s in body["stages"]] == ["completed", "completed", "current"]
    assert body["current_stage_id"] == guide.stages[2].pk


# --- creating from suggestions -----------------------------------------------------------------------------------


def test_a_follow_up_created_from_a_suggestion_shows_in_the_guide_and_counts_when_completed(api, sale, guide):
    # When
    created = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}")

    # Then it is filled in from the suggestion and the sale
    assert created.status_code == 201
    activity = created.json()
    assert activity == {
        **activity,
        "activity_type_id": guide.call.pk,
        "title": "Follow-up 1.1",
        "text": "Ask how it goes.",
        "duration_minutes": 20,
        "sale_id": sale.pk,
        "company_id": sale.company_id,
        "suggested_followup_id": guide.followups[0].pk,
        "completed": False,
    }
    first = api.get(f"sales/{sale.pk}/guide").json()["stages"][0]
    assert first["followups"][0]["activities"] == [
        {
            "id": activity["id"],
            "title": "Follow-up 1.1",
            "start": activity["start"],
            "completed": False,
            "owner_id": activity["owner_id"],
        }
    ]
    assert (first["done"], first["followups"][0]["done"]) == (0, False)

    # And when it is completed
    api.post(f"activities/{activity['id']}/complete")
    first = api.get(f"sales/{sale.pk}/guide").json()["stages"][0]
    assert (first["done"], first["followups"][0]["done"], first["followups"][0]["activities"][0]["completed"]) == (
        1,
        True,
        True,
    )


def test_a_follow_up_starts_its_offset_after_the_previous_guide_follow_up(api, sale, guide):
    # Given the first follow-up of the guide on a fixed day
    start = "2031-03-03T10:00:00+01:00"
    api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}", {"start": start})

    # When
    second = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[1].pk}").json()

    # Then
    assert dt.datetime.fromisoformat(second["start"]) == dt.datetime.fromisoformat(start) + dt.timedelta(days=3)


def test_the_overrides_replace_what_the_suggestion_fills_in(api, sale, guide, manager_user):
    # When
    created = api.post(
        f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}",
        {
            "title": "Call Jan",
            "text": "About the trial.",
            "owner_id": manager_user.pk,
            "start": "2031-04-01T14:00:00+02:00",
            "duration_minutes": 45,
        },
    )

    # Then
    activity = created.json()
    assert (activity["title"], activity["text"], activity["owner_id"], activity["duration_minutes"]) == (
        "Call Jan",
        "About the trial.",
        manager_user.pk,
        45,
    )
    assert dt.datetime.fromisoformat(activity["start"]) == dt.datetime.fromisoformat("2031-04-01T14:00:00+02:00")


def test_a_document_created_from_a_suggestion_fills_in_the_merge_fields_and_counts_as_done(api, sale, guide):
    # When
    created = api.post(f"sales/{sale.pk}/guide/documents/{guide.documents[0].pk}")

    # Then
    assert created.status_code == 201
    document = created.json()
    assert document == {
        **document,
        "template_id": guide.template.pk,
        "template_name": "New customer quote",
        "subject": "Quote for Acme",
        "our_reference": f"Q-{sale.pk}",
        "sale_id": sale.pk,
        "company_id": sale.company_id,
        "suggested_document_id": guide.documents[0].pk,
    }
    second = api.get(f"sales/{sale.pk}/guide").json()["stages"][1]
    assert second["done"] == 1
    assert [d["id"] for d in second["documents"][0]["documents"]] == [document["id"]]


def test_a_document_subject_can_be_overridden_but_not_emptied(api, sale, guide):
    # When
    named = api.post(f"sales/{sale.pk}/guide/documents/{guide.documents[0].pk}", {"subject": "Our offer"})
    emptied = api.post(f"sales/{sale.pk}/guide/documents/{guide.documents[0].pk}", {"subject": " "})

    # Then
    assert named.json()["subject"] == "Our offer"
    assert emptied.status_code == 422
    assert emptied.json() == {"detail": [{"loc": ["body", "subject"], "msg": "A subject is required."}]}


def test_a_suggestion_of_another_guide_is_not_found(api, admin_user, sale):
    # Given
    other = _build_guide(admin_user, name="Other")

    # When
    followup = api.post(f"sales/{sale.pk}/guide/followups/{other.followups[0].pk}")
    document = api.get(f"sales/{sale.pk}/guide/preview/documents/{other.documents[0].pk}")

    # Then
    assert (followup.status_code, document.status_code) == (404, 404)
    assert followup.json() == {"detail": f"No suggested follow-up with id {other.followups[0].pk}."}


def test_a_salesperson_cannot_create_from_the_guide_of_someone_elses_sale(salesperson_api, sale, guide):
    # When
    followup = salesperson_api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}")
    document = salesperson_api.post(f"sales/{sale.pk}/guide/documents/{guide.documents[0].pk}")

    # Then
    assert (followup.status_code, document.status_code) == (403, 403)
    assert Activity.objects.count() == Document.objects.count() == 0


# --- previews ------------------------------------------------------------------------------------------------------


def test_previews_show_what_would_be_created_and_create_nothing(api, sale, guide, admin_user):
    # Given
    before = api.get(f"sales/{sale.pk}/guide").json()

    # When
    followup = api.get(f"sales/{sale.pk}/guide/preview/followups/{guide.followups[0].pk}")
    document = api.get(f"sales/{sale.pk}/guide/preview/documents/{guide.documents[0].pk}")

    # Then
    assert followup.status_code == document.status_code == 200
    assert followup.json() == {
        **followup.json(),
        "suggestion_id": guide.followups[0].pk,
        "activity_type_id": guide.call.pk,
        "title": "Follow-up 1.1",
        "duration_minutes": 20,
        "owner_id": admin_user.pk,
        "sale_id": sale.pk,
        "company_id": sale.company_id,
    }
    assert dt.datetime.fromisoformat(followup.json()["start"]) > timezone.now()
    assert document.json() == {
        "suggestion_id": guide.documents[0].pk,
        "template_id": guide.template.pk,
        "template_name": "New customer quote",
        "subject": "Quote for Acme",
        "our_reference": f"Q-{sale.pk}",
        "sale_id": sale.pk,
        "company_id": sale.company_id,
        "contact_id": None,
        "html": document.json()["html"],
        "problem": None,
    }
    assert "<p>Quote</p>" in document.json()["html"]
    assert api.get(f"sales/{sale.pk}/guide").json() == before
    assert Activity.objects.count() == Document.objects.count() == 0


# --- completing a guide follow-up ----------------------------------------------------------------------------------


def test_completing_offers_the_next_auto_suggested_follow_up_to_a_user_who_confirms(api, sale, guide):
    # Given
    first = api.post(
        f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}", {"start": "2031-03-03T10:00:00+01:00"}
    ).json()

    # When
    response = api.post(f"activities/{first['id']}/complete")

    # Then
    assert response.status_code == 200
    body = response.json()
    assert body["activity"]["completed"] is True
    assert body["next_suggestion"] == {
        "suggestion_id": guide.followups[1].pk,
        "name": "Follow-up 1.2",
        "start": body["next_suggestion"]["start"],
        "activity_type_id": guide.call.pk,
        "duration_minutes": 20,
        "text": "Ask how it goes.",
    }
    assert dt.datetime.fromisoformat(body["next_suggestion"]["start"]) == dt.datetime(2031, 3, 6, 9, 0, tzinfo=dt.UTC)
    assert body["created_activity"] is None
    assert Activity.objects.count() == 1


def test_a_follow_up_from_a_suggestion_may_take_another_activity_type(api, admin_user, sale, guide):
    # Given another live activity type
    meeting = catalog.create_activity_type(admin_user, name="Visit", kind="meeting", default_duration_minutes=60)

    # When the client chooses it in the overrides
    response = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}", {"activity_type_id": meeting.pk})

    # Then the follow-up has that type and still remembers its suggestion
    assert response.status_code == 201
    activity = Activity.objects.get(pk=response.json()["id"])
    assert (activity.activity_type_id, activity.suggested_followup_id) == (meeting.pk, guide.followups[0].pk)


def test_a_deleted_activity_type_is_refused_and_nothing_is_created(api, admin_user, sale, guide):
    gone = catalog.create_activity_type(admin_user, name="Fax", kind="task", default_duration_minutes=5)
    catalog.delete_list_item(admin_user, type(gone), gone.pk)

    response = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}", {"activity_type_id": gone.pk})

    assert response.status_code == 404
    assert Activity.objects.count() == 0


def test_answering_the_offer_twice_gives_back_the_follow_up_created_the_first_time(api, admin_user, sale, guide):
    # Given the offer of the next follow-up after completing the first
    first = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}").json()
    offer = api.post(f"activities/{first['id']}/complete").json()["next_suggestion"]

    # When the client answers "create", and retries
    answer_url = f"sales/{sale.pk}/guide/next-followup/{offer['suggestion_id']}"
    created = api.post(answer_url)
    again = api.post(answer_url)

    # Then one follow-up exists; the retry gives it back with 200
    assert (created.status_code, again.status_code) == (201, 200)
    assert created.json()["id"] == again.json()["id"]
    assert Activity.objects.filter(suggested_followup_id=offer["suggestion_id"]).count() == 1
    assert admin_user.__class__.objects.get(pk=admin_user.pk).confirm_suggested_followups is True


def test_answering_always_stops_asking(api, admin_user, sale, guide):
    first = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}").json()
    offer = api.post(f"activities/{first['id']}/complete").json()["next_suggestion"]

    response = api.post(f"sales/{sale.pk}/guide/next-followup/{offer['suggestion_id']}", {"always": True})

    assert response.status_code == 201
    assert admin_user.__class__.objects.get(pk=admin_user.pk).confirm_suggested_followups is False


def test_completing_creates_the_next_follow_up_directly_for_a_user_who_does_not_confirm(
    make_api, token_for, make_user, make_sale, guide
):
    # Given a salesperson who chose not to be asked
    user = make_user("quick", "salesperson", confirm_suggested_followups=False)
    client = make_api(token_for(user))
    sale = make_sale(user)
    first = client.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}").json()

    # When
    body = client.post(f"activities/{first['id']}/complete").json()

    # Then
    assert body["next_suggestion"] is None
    created = body["created_activity"]
    assert (created["suggested_followup_id"], created["owner_id"], created["completed"]) == (
        guide.followups[1].pk,
        user.pk,
        False,
    )
    followups = client.get(f"sales/{sale.pk}/guide").json()["stages"][0]["followups"]
    assert [a["id"] for a in followups[1]["activities"]] == [created["id"]]


def test_completing_a_follow_up_whose_next_one_exists_already_offers_nothing(api, sale, guide):
    # Given both follow-ups of the first stage were created
    first = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}").json()
    api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[1].pk}")

    # When
    body = api.post(f"activities/{first['id']}/complete").json()

    # Then
    assert (body["next_suggestion"], body["created_activity"], body["offer_advance"]) == (None, None, None)


def test_completing_the_last_open_item_of_a_stage_offers_the_next_stage_with_auto_advance(api, sale, guide):
    # Given both follow-ups of the first stage created, the first completed
    first = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}").json()
    second = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[1].pk}").json()
    api.post(f"activities/{first['id']}/complete")

    # When the last one is completed
    body = api.post(f"activities/{second['id']}/complete").json()

    # Then the next stage is offered, and the sale has not moved
    assert body["offer_advance"] == {"to_stage_id": guide.stages[1].pk}
    assert body["next_suggestion"]["suggestion_id"] == guide.followups[2].pk
    assert api.get(f"sales/{sale.pk}").json()["stage_id"] == guide.stages[0].pk


def test_without_auto_advance_no_next_stage_is_offered(api, admin_user, make_sale):
    # Given
    manual = _build_guide(admin_user, name="Manual", followups=(1, 1), documents=(), stages=2, auto_advance=False)
    sale = make_sale(admin_user, sale_type=manual.sale_type)
    only = api.post(f"sales/{sale.pk}/guide/followups/{manual.followups[0].pk}").json()

    # When
    body = api.post(f"activities/{only['id']}/complete").json()

    # Then
    assert body["offer_advance"] is None


def test_creating_the_stages_last_open_item_as_a_document_offers_the_next_stage(api, sale, guide):
    # Given the sale in the second stage, whose follow-up is created and completed and whose document is not
    sales.move_sale_to_stage(sale.owner, sale.pk, guide.stages[1].pk)
    made = api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[2].pk}").json()
    api.post(f"activities/{made['id']}/complete")
    assert api.get(f"sales/{sale.pk}/guide").json()["offer_advance"] is None

    # When the document is created
    response = api.post(f"sales/{sale.pk}/guide/documents/{guide.documents[0].pk}")

    # Then the answer is the document and the offer to move on, as completing a follow-up would give
    assert response.status_code == 201
    body = response.json()
    assert body["suggested_document_id"] == guide.documents[0].pk
    assert (body["offer_advance"], body["offer_close_as_sold"]) == ({"to_stage_id": guide.stages[2].pk}, False)
    # and the guide says so too, for as long as it holds
    shown = api.get(f"sales/{sale.pk}/guide").json()
    assert (shown["offer_advance"], shown["offer_close_as_sold"]) == ({"to_stage_id": guide.stages[2].pk}, False)
    assert api.get(f"sales/{sale.pk}").json()["stage_id"] == guide.stages[1].pk


def test_finishing_the_last_stage_offers_closing_the_sale_as_sold(api, admin_user, make_sale):
    # Given a two-stage guide and a sale in its last stage
    short = _build_guide(admin_user, name="Short", stages=2, followups=(1, 1), documents=(0, 0))
    sale = make_sale(admin_user, sale_type=short.sale_type)
    sales.move_sale_to_stage(admin_user, sale.pk, short.stages[1].pk)
    only = api.post(f"sales/{sale.pk}/guide/followups/{short.followups[1].pk}").json()

    # When its one follow-up is completed
    body = api.post(f"activities/{only['id']}/complete").json()

    # Then there is no next stage, but closing as sold is offered; the sale is still open
    assert (body["offer_advance"], body["offer_close_as_sold"]) == (None, True)
    assert api.get(f"sales/{sale.pk}/guide").json()["offer_close_as_sold"] is True
    assert api.get(f"sales/{sale.pk}").json()["status"] == "open"


@pytest.mark.parametrize("close", ["sold", "lost"])
def test_creating_from_the_guide_of_a_sold_or_lost_sale_is_refused_with_422_and_creates_nothing(
    api, sale, guide, close
):
    # Given a closed sale
    version = api.get(f"sales/{sale.pk}").json()["version"]
    assert api.post(f"sales/{sale.pk}/{close}", {"version": version}).status_code == 200

    # When a follow-up, a document or the answer to an offer is created from its guide
    answers = [
        api.post(f"sales/{sale.pk}/guide/followups/{guide.followups[0].pk}"),
        api.post(f"sales/{sale.pk}/guide/documents/{guide.documents[0].pk}"),
        api.post(f"sales/{sale.pk}/guide/next-followup/{guide.followups[1].pk}"),
    ]

    # Then each is refused as a rule of selling, saying why, and nothing was created
    for answer in answers:
        assert answer.status_code == 422
        assert answer.json()["detail"] == (
            "This sale is closed: its guide shows what was done. Reopen the sale to create from its suggestions."
        )
    assert not Activity.objects.filter(sale=sale).exists()
    assert not Document.objects.filter(sale=sale).exists()
    assert api.get(f"sales/{sale.pk}/guide").json()["offer_advance"] is None


# --- documents -----------------------------------------------------------------------------------------------------


def test_documents_are_listed_per_sale_read_and_deleted(api, sale, guide, make_sale, admin_user):
    # Given
    other_sale = make_sale(admin_user, title="Other")
    mine, theirs = (
        {
            k: v
            for k, v in api.post(f"sales/{s.pk}/guide/documents/{guide.documents[0].pk}").json().items()
            if not k.startswith("offer_")
        }
        for s in (sale, other_sale)
    )

    # When
    listed = api.get("documents", sale=sale.pk).json()
    everything = api.get("documents").json()
    read = api.get(f"documents/{mine['id']}")
    deleted = api.delete(f"documents/{mine['id']}")

    # Then
    assert listed == {"items": [mine], "next": None}
    assert [d["id"] for d in everything["items"]] == [mine["id"], theirs["id"]]
    assert read.json() == mine
    assert deleted.status_code == 204
    assert api.get(f"documents/{mine['id']}").status_code == 404
    assert api.get(f"sales/{sale.pk}/guide").json()["stages"][1]["done"] == 0


def test_a_salesperson_cannot_delete_a_document_on_someone_elses_sale(api, salesperson_api, sale, guide):
    # Given
    document = api.post(f"sales/{sale.pk}/guide/documents/{guide.documents[0].pk}").json()

    # When
    response = salesperson_api.delete(f"documents/{document['id']}")

    # Then
    assert response.status_code == 403
    assert api.get(f"documents/{document['id']}").status_code == 200


# --- bounded queries -----------------------------------------------------------------------------------------------


def _guide_queries(api, sale, django_assert_max_num_queries, count):
    api.get(f"sales/{sale.pk}/guide")  # the token's last use is recorded once
    with django_assert_max_num_queries(count) as captured:
        assert api.get(f"sales/{sale.pk}/guide").status_code == 200
    return len(captured.captured_queries)


GUIDE_QUERIES = 7  # the token, the sale with its type, the guide (three), its activities, its documents


def test_the_guide_of_a_sale_costs_the_same_queries_whatever_its_size(
    api, admin_user, make_sale, django_assert_max_num_queries
):
    # Given a small guide and a big one, each on a sale with created items
    small = _build_guide(admin_user, name="Small", stages=2, followups=(1, 0), documents=(0, 1))
    big = _build_guide(admin_user, name="Big", stages=8, followups=(4,) * 8, documents=(3,) * 8)
    counts = []
    for built in (small, big):
        sale = make_sale(admin_user, sale_type=built.sale_type)
        for followup in built.followups:
            activity = api.post(f"sales/{sale.pk}/guide/followups/{followup.pk}").json()
            api.post(f"activities/{activity['id']}/complete")
        for document in built.documents:
            api.post(f"sales/{sale.pk}/guide/documents/{document.pk}")

        # When
        counts.append(_guide_queries(api, sale, django_assert_max_num_queries, GUIDE_QUERIES))

    # Then
    assert counts[0] == counts[1] == GUIDE_QUERIES
