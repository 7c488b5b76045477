"""The Guide tab of the sale card (SPEC 3.2–3.7) through the test client: as htmx partials (``HX-Request``) and
as plain requests that end in a redirect to the card on its Guide tab. The questions the guide asks are in
``test_guide_tab_questions.py``."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from guide_tab_world import (  # noqa: F401 (fixtures: guide, sale)
    AMSTERDAM,
    HTMX,
    Guide,
    _walk,
    attr,
    build_guide,
    card,
    dialog_titles,
    fresh,
    guide_fixture,
    has_attr,
    messages_of,
    names_shown,
    planned,
    sale_fixture,
    select,
    tab,
    text_of,
    url,
)

from salesguide.models import (
    Activity,
    Document,
    Sale,
    StageChange,
    User,
)
from salesguide.services import activities, documents, sales

pytestmark = pytest.mark.django_db


# --- the stage bar ---------------------------------------------------------------------------------------------


def test_the_stage_bar_shows_each_stage_as_completed_current_or_future_with_probability_and_done_count(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    # Given a sale moved to the second stage, with one follow-up of the first stage done and its document made
    done = planned(sale, guide.followups[0][0], salesperson_user)
    activities.complete_activity(salesperson_user, done.pk)
    documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.documents[0][0].pk)
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.stages[1].pk)
    client.force_login(salesperson_user)

    # When the salesperson opens the Guide tab
    html = tab(client, sale)

    # Then every stage shows in guide order with its state, probability and "done of total"
    steps = select(html, "li", cls="stagebar__step")
    assert [text_of(select(str(s), cls="stagebar__name")[0]) for s in steps] == [
        "New customer 1",
        "New customer 2",
        "New customer 3",
    ]
    assert [s.name for s in guide.stages] == ["New customer 1", "New customer 2", "New customer 3"]
    states = [next(c for c in attr(s, "class").split() if c.startswith("stagebar__step--")) for s in steps]
    assert states == ["stagebar__step--completed", "stagebar__step--current", "stagebar__step--future"]
    assert [text_of(select(str(s), cls="stagebar__probability")[0]) for s in steps] == ["10%", "20%", "30%"]
    assert [text_of(select(str(s), cls="stagebar__count")[0]) for s in steps] == [
        "2 of 3 done",
        "0 of 3 done",
        "0 of 3 done",
    ]
    # and the current stage is the one shown and selected
    assert "is-selected" in attr(steps[1], "class").split()
    assert names_shown(html) == ["Call 2.1", "Call 2.2", "Letter 2.1"]


def test_picking_another_stage_shows_its_suggestions_without_moving_the_sale(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    client.force_login(salesperson_user)
    before = fresh(sale)

    # When the salesperson picks the third stage in the bar (htmx)
    html = tab(client, sale, f"stage={guide.stages[2].pk}")

    # Then the third stage's suggestions show, with their purpose as a hint, and it is the selected step
    assert names_shown(html) == ["Call 3.1", "Call 3.2", "Letter 3.1"]
    assert "Why call 3.1" in [text_of(e) for e in select(html, "p", cls="suggestion__purpose")]
    selected = select(html, "li", cls="is-selected")
    assert [text_of(select(str(s), cls="stagebar__name")[0]) for s in selected] == ["New customer 3"]
    # and the sale did not move: same stage, probability, version, and no history row
    after = fresh(sale)
    assert (after.stage_id, after.probability, after.version) == (before.stage_id, before.probability, before.version)
    assert StageChange.objects.filter(sale=sale).count() == 1

    # and without JavaScript the same link opens the card on that stage
    response = client.get(url("tab", sale) + f"?stage={guide.stages[2].pk}")
    assert response.status_code == 302
    assert response["Location"] == card(sale, f"stage={guide.stages[2].pk}")


def test_show_all_stages_lists_every_stages_suggestions_grouped_by_stage(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    client.force_login(salesperson_user)

    html = tab(client, sale, "all=1")

    sections = select(html, "section", cls="guide-stage")
    headings = [select(str(s), "h2")[0] for s in sections]
    assert [text_of(h.children[0]) for h in headings] == ["New customer 1", "New customer 2", "New customer 3"]
    assert [names_shown(str(s)) for s in sections] == [
        ["Call 1.1", "Call 1.2", "Letter 1.1"],
        ["Call 2.1", "Call 2.2", "Letter 2.1"],
        ["Call 3.1", "Call 3.2", "Letter 3.1"],
    ]
    # and no step is marked as the one looked at, and the toggle goes back to one stage
    assert select(html, "li", cls="is-selected") == []
    assert "Show one stage" in html


# --- creating from a suggestion -------------------------------------------------------------------------------


def test_create_from_a_suggestion_is_prefilled_and_starts_the_offset_after_the_previous_guide_followup(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    # Given the first follow-up of the guide planned on 4 March 2030 at 10:00
    first_start = dt.datetime(2030, 3, 4, 10, 0, tzinfo=AMSTERDAM)
    planned(sale, guide.followups[0][0], salesperson_user, start=first_start)
    client.force_login(salesperson_user)
    second = guide.followups[0][1]

    # When the salesperson chooses Create on the second one (days_offset 3)
    html = client.get(url("followup_create", sale, suggestion_id=second.pk), headers=HTMX).content.decode()

    # Then the form is pre-filled from the suggestion and the sale, starting three days after the first one
    form = select(html, "form", cls="guide-form")[0]
    fields = {attr(e, "name"): e for e in select(str(form), "input")}
    assert attr(fields["title"], "value") == "Call 1.2"
    assert attr(fields["start"], "value") == "2030-03-07T10:00"
    assert attr(fields["duration_minutes"], "value") == "20"
    owner = select(str(form), "select", name="owner")[0]
    assert [text_of(o) for o in select(str(owner), "option") if has_attr(o, "selected")] == ["Sam Seller"]
    activity_type = select(str(form), "select", name="activity_type")[0]
    assert [text_of(o) for o in select(str(activity_type), "option") if has_attr(o, "selected")] == [
        "Phone call New customer"
    ]
    assert "Talk about 1.2" in text_of(select(str(form), "textarea")[0])

    # When it is saved with another owner and text
    response = client.post(
        url("followup_create", sale, suggestion_id=second.pk),
        {
            "title": "Call 1.2",
            "start": "2030-03-07T10:00",
            "duration_minutes": "20",
            "text": "Changed",
            "owner": salesperson_user.pk,
            "activity_type": second.activity_type_id,
        },
        headers=HTMX,
    )

    # Then the tab shows it with its completion checkbox and a confirmation, and it remembers its blueprint
    html = response.content.decode()
    assert response.status_code == 200
    activity = Activity.objects.get(suggested_followup=second)
    assert (activity.start, activity.text, activity.sale_id) == (first_start + dt.timedelta(days=3), "Changed", sale.pk)
    assert select(html, "input", type="checkbox", id=f"activity-{activity.pk}-completed")
    assert "Follow-up “Call 1.2” created for" in " ".join(messages_of(html))
    assert "Create another" in text_of(select(html, "li", id=f"followup-suggestion-{second.pk}")[0])


def test_a_followup_form_with_errors_is_shown_again_with_the_message_next_to_the_field(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    client.force_login(salesperson_user)
    target = url("followup_create", sale, suggestion_id=guide.followups[0][0].pk)
    data = {
        "title": "  ",
        "start": "not a date",
        "duration_minutes": "20",
        "owner": salesperson_user.pk,
        "activity_type": guide.followups[0][0].activity_type_id,
    }

    plain = client.post(target, data)
    htmx = client.post(target, data, headers=HTMX)

    assert plain.status_code == 422
    assert htmx.status_code == 200
    for response in (plain, htmx):
        errors = [text_of(e) for e in select(response.content, "div", cls="field__error")]
        assert len(errors) == 2
    assert not Activity.objects.filter(sale=sale).exists()


def test_a_followup_form_shows_the_rules_problems_beside_a_date_that_did_not_parse_when_both_are_wrong(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    # Given a title the rules refuse (a direction override) and a start that does not parse (issue 9, item 12)
    client.force_login(salesperson_user)
    target = url("followup_create", sale, suggestion_id=guide.followups[0][0].pk)
    data = {
        "title": "Call \u202eback",
        "start": "not a date",
        "duration_minutes": "20",
        "owner": salesperson_user.pk,
        "activity_type": guide.followups[0][0].activity_type_id,
    }
    # When it is sent
    response = client.post(target, data)
    # Then both problems show at once, and nothing is planned
    assert response.status_code == 422
    errors = [text_of(e) for e in select(response.content, "div", cls="field__error")]
    assert len(errors) == 2, errors
    assert not Activity.objects.filter(sale=sale).exists()


def test_a_document_is_created_from_its_suggestion_with_the_merge_fields_filled_in(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    client.force_login(salesperson_user)
    suggestion = guide.documents[0][0]

    html = client.get(url("document_create", sale, suggestion_id=suggestion.pk), headers=HTMX).content.decode()
    fields = {attr(e, "name"): attr(e, "value") for e in select(html, "input")}
    assert fields["subject"] == "Letter 1.1 about Big deal"
    assert fields["our_reference"] == f"REF-{sale.pk}"
    assert "Letter New customer" in html  # the template it uses

    # A plain post creates it and goes back to the card's Guide tab
    response = client.post(
        url("document_create", sale, suggestion_id=suggestion.pk),
        {"subject": "Letter 1.1 about Big deal", "our_reference": f"REF-{sale.pk}"},
    )
    assert response.status_code == 302
    assert response["Location"] == card(sale)
    document = Document.objects.get(sale=sale)
    assert (document.subject, document.suggested_document_id) == ("Letter 1.1 about Big deal", suggestion.pk)
    html = tab(client, sale)
    item = select(html, "li", id=f"document-suggestion-{suggestion.pk}")[0]
    assert "Letter 1.1 about Big deal" in text_of(item)
    assert "Create another" in text_of(item)


def test_previewing_a_suggestion_shows_what_would_be_created_and_creates_nothing(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    client.force_login(salesperson_user)

    followup = client.get(url("followup_preview", sale, suggestion_id=guide.followups[0][0].pk), headers=HTMX)
    document = client.get(url("document_preview", sale, suggestion_id=guide.documents[0][0].pk), headers=HTMX)

    assert "Call 1.1" in followup.content.decode()
    assert "Phone call New customer" in followup.content.decode()
    assert "Big deal" in followup.content.decode()
    assert "Letter 1.1 about Big deal" in document.content.decode()
    assert f"REF-{sale.pk}" in document.content.decode()
    assert "nothing is created until you choose Create" in document.content.decode()
    assert not Activity.objects.exists() and not Document.objects.exists()


def test_without_javascript_create_and_preview_open_pages_of_their_own(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    client.force_login(salesperson_user)
    followup, document = guide.followups[0][0], guide.documents[0][0]

    create = client.get(url("followup_create", sale, suggestion_id=followup.pk))
    create_document = client.get(url("document_create", sale, suggestion_id=document.pk))
    preview = client.get(url("followup_preview", sale, suggestion_id=followup.pk))

    assert create.status_code == create_document.status_code == preview.status_code == 200
    assert [text_of(h) for h in select(create.content, "h1")] == ["Create follow-up “Call 1.1”"]
    form = select(create.content, "form", cls="guide-form")[0]
    assert attr(form, "hx-post") is None  # a plain form: it posts and comes back to the card
    titles = [text_of(h) for h in select(create_document.content, "h1")]
    assert titles == ["Create document “Letter 1.1 about Big deal”"]
    assert "Phone call New customer" in preview.content.decode()
    back = [attr(a, "href") for a in select(preview.content, "a", cls="btn--secondary")]
    assert card(sale) in back


# --- created items: complete, reopen, edit, delete, create another --------------------------------------------------


def test_unticking_a_completed_followup_reopens_it(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    activity = planned(sale, guide.followups[0][0], salesperson_user)
    activities.complete_activity(salesperson_user, activity.pk)
    client.force_login(salesperson_user)

    html = client.post(url("activity_toggle", sale, activity_id=activity.pk), {}, headers=HTMX).content.decode()

    assert Activity.objects.get(pk=activity.pk).completed_at is None
    assert not has_attr(select(html, "input", id=f"activity-{activity.pk}-completed")[0], "checked")
    assert "“Call 1.1” is open again." in messages_of(html)


def test_a_created_followup_is_edited_deleted_and_created_again_from_the_tab(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    suggestion = guide.followups[0][0]
    activity = planned(sale, suggestion, salesperson_user)
    client.force_login(salesperson_user)

    edit = client.get(url("activity_edit", sale, activity_id=activity.pk), headers=HTMX).content.decode()
    assert attr(select(edit, "input", name="title")[0], "value") == "Call 1.1"
    client.post(
        url("activity_edit", sale, activity_id=activity.pk),
        {
            "title": "Call the buyer",
            "start": "2030-01-02T09:30",
            "duration_minutes": "45",
            "owner": salesperson_user.pk,
            "activity_type": activity.activity_type_id,
            "text": "",
        },
        headers=HTMX,
    )
    activity.refresh_from_db()
    assert (activity.title, activity.duration_minutes) == ("Call the buyer", 45)

    another = client.post(
        url("followup_create", sale, suggestion_id=suggestion.pk),
        {
            "title": "Call 1.1 again",
            "start": "2030-01-09T09:30",
            "duration_minutes": "20",
            "owner": salesperson_user.pk,
            "activity_type": activity.activity_type_id,
        },
        headers=HTMX,
    ).content.decode()
    item = select(another, "li", id=f"followup-suggestion-{suggestion.pk}")[0]
    assert [text_of(e) for e in select(str(item), "label")] == ["Call the buyer", "Call 1.1 again"]

    response = client.post(url("activity_delete", sale, activity_id=activity.pk))
    assert response.status_code == 302
    assert list(Activity.objects.filter(sale=sale).values_list("title", flat=True)) == ["Call 1.1 again"]


# --- moving and conflicts -----------------------------------------------------------------------------------


def test_move_to_this_stage_moves_the_sale_and_writes_a_history_row(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    client.force_login(salesperson_user)
    html = tab(client, sale, f"stage={guide.stages[2].pk}")
    form = select(html, "form", cls="guide-stage__move")[0]
    assert "Move to this stage" in text_of(form)

    response = client.post(attr(form, "action"), {"version": fresh(sale).version})

    assert response.status_code == 302
    assert response["Location"] == card(sale)
    moved = fresh(sale)
    assert (moved.stage_id, moved.probability) == (guide.stages[2].pk, 30)
    row = StageChange.objects.filter(sale=sale).order_by("-id").first()
    assert row is not None
    assert (row.from_stage_id, row.to_stage_id, row.probability_before, row.probability_after, row.by_id) == (
        guide.stages[0].pk,
        guide.stages[2].pk,
        10,
        30,
        salesperson_user.pk,
    )
    # and the current stage offers no move to itself
    assert select(tab(client, sale), "form", cls="guide-stage__move") == []


def test_a_move_based_on_an_old_version_shows_the_conflict_and_moves_nothing(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User, manager_user: User
) -> None:
    client.force_login(salesperson_user)
    seen = fresh(sale).version
    # Meanwhile a manager changes the sale
    sales.update_sale(manager_user, sale.pk, version=seen, title="Bigger deal")

    response = client.post(url("move", sale, stage_id=guide.stages[1].pk), {"version": seen}, headers=HTMX)

    assert response.headers["HX-Redirect"] == card(sale)
    assert fresh(sale).stage_id == guide.stages[0].pk
    assert StageChange.objects.filter(sale=sale).count() == 1
    shown = messages_of(tab(client, sale))
    assert any(m.startswith("Someone else changed this sale meanwhile") for m in shown)


# --- who may change what --------------------------------------------------------------------------------------


def test_a_salesperson_sees_someone_elses_guide_but_cannot_change_it(
    client: Client, guide: Guide, manager_user: User, make_user: Any
) -> None:
    other_sale = sales.create_sale(manager_user, title="Not yours", sale_type_id=guide.sale_type.pk)
    activity = planned(other_sale, guide.followups[0][0], manager_user)
    seller = make_user("other", "salesperson")
    client.force_login(seller)

    html = tab(client, other_sale)
    assert names_shown(html) == ["Call 1.1", "Call 1.2", "Letter 1.1"]
    assert select(html, "a", cls="guide-item__create") == []
    assert select(html, "form", cls="guide-stage__move") == []
    assert has_attr(select(html, "input", id=f"activity-{activity.pk}-completed")[0], "disabled")
    assert "only the owner of this sale or a manager can change it" in html

    data = {
        "title": "Mine now",
        "start": "2030-01-02T09:30",
        "duration_minutes": "20",
        "owner": seller.pk,
        "activity_type": activity.activity_type_id,
    }
    create = url("followup_create", other_sale, suggestion_id=guide.followups[0][1].pk)
    assert client.get(create).status_code == 403
    assert client.post(create, data).status_code == 403
    assert client.post(url("move", other_sale, stage_id=guide.stages[1].pk), {"version": 1}).status_code == 403
    toggle = url("activity_toggle", other_sale, activity_id=activity.pk)
    assert client.post(toggle, {"completed": "on"}).status_code == 403
    htmx = client.post(url("activity_delete", other_sale, activity_id=activity.pk), headers=HTMX).content.decode()
    assert "Only the owner of this activity or a manager can change it." in messages_of(htmx)
    assert Activity.objects.filter(sale=other_sale).count() == 1
    assert Activity.objects.get(pk=activity.pk).completed_at is None
    assert fresh(other_sale).stage_id == guide.stages[0].pk


# --- bounded queries -----------------------------------------------------------------------------------------


def _queries_of_the_tab(client: Client, sale: Sale) -> int:
    with CaptureQueriesContext(connection) as queries:
        tab(client, sale)
    return len(queries)


def test_the_guide_tab_reads_as_many_queries_for_a_big_guide_as_for_a_small_one(
    client: Client, admin_user: User, salesperson_user: User
) -> None:
    small = build_guide(admin_user, name="Small", stages=2, followups=1, documents_per_stage=1)
    big = build_guide(admin_user, name="Big", stages=8, followups=4, documents_per_stage=3)
    small_sale = sales.create_sale(salesperson_user, title="Small deal", sale_type_id=small.sale_type.pk)
    big_sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=big.sale_type.pk)
    planned(small_sale, small.followups[0][0], salesperson_user)
    for stage in range(8):
        for followup in big.followups[stage]:
            for _ in range(2):
                activities.complete_activity(salesperson_user, planned(big_sale, followup, salesperson_user).pk)
        for document in big.documents[stage]:
            documents.create_document_from_suggestion(salesperson_user, big_sale.pk, document.pk)
    client.force_login(salesperson_user)
    tab(client, small_sale)  # the session and the language settle on the first request

    small_count = _queries_of_the_tab(client, small_sale)
    big_count = _queries_of_the_tab(client, big_sale)
    all_stages = len(_capture_all(client, big_sale))

    assert big_count == small_count
    assert all_stages == big_count
    # session, user, the sale, and the guide's five (stages, follow-ups, documents, activities, documents)
    assert small_count == 8


def _queries_of_the_card(client: Client, sale: Sale) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(f"/sales/{sale.pk}/")
    assert response.status_code == 200 and 'id="guide-tab"' in response.content.decode()
    return len(queries)


def test_the_card_opening_on_its_guide_tab_reads_the_guide_once_whatever_its_size_when_the_type_has_one(
    client: Client, admin_user: User, salesperson_user: User
) -> None:
    # Given a small and a big guide, a sale on each, the big one with lines, activities and documents
    small = build_guide(admin_user, name="Small", stages=2, followups=1, documents_per_stage=1)
    big = build_guide(admin_user, name="Big", stages=8, followups=4, documents_per_stage=3)
    small_sale = sales.create_sale(salesperson_user, title="Small deal", sale_type_id=small.sale_type.pk)
    big_sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=big.sale_type.pk)
    for stage in range(8):
        for followup in big.followups[stage]:
            activities.complete_activity(salesperson_user, planned(big_sale, followup, salesperson_user).pk)
        for document in big.documents[stage]:
            documents.create_document_from_suggestion(salesperson_user, big_sale.pk, document.pk)
    client.force_login(salesperson_user)
    client.get(f"/sales/{small_sale.pk}/")  # the session and the language settle on the first request

    # When the card opens (on its Guide tab) for each
    small_count = _queries_of_the_card(client, small_sale)
    big_count = _queries_of_the_card(client, big_sale)

    # Then both read the same queries: session, user, the sale with its counts, the guide's three (stages,
    # follow-ups, documents) and the sale's guide activities and documents, and the Next steps panel's one of its
    # own (the sale's open activities: the guide it ranks is the tab's)
    assert big_count == small_count == 9


def _capture_all(client: Client, sale: Sale) -> list[Any]:
    with CaptureQueriesContext(connection) as queries:
        tab(client, sale, "all=1")
    return list(queries)


def test_each_guide_page_needs_a_login(client: Client, guide: Guide, sale: Sale) -> None:
    response = client.get(url("tab", sale), headers=HTMX)
    assert response.status_code == 302
    assert re.match(r"^/login/", response["Location"])


# --- the cost of one tick ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("stages", "followups"), [(2, 2), (8, 6)], ids=["2-stage guide", "8-stage guide"])
@pytest.mark.parametrize("asked", [True, False], ids=["asked", "created directly"])
def test_one_tick_on_the_guide_tab_costs_at_most_15_queries_whatever_the_guide(
    client: Client, admin_user: User, salesperson_user: User, stages: int, followups: int, asked: bool
) -> None:
    # Given a guide of this size and a sale with many follow-ups created and some completed
    big = build_guide(admin_user, name=f"Guide {stages}", stages=stages, followups=followups)
    sale = sales.create_sale(salesperson_user, title="Big deal", sale_type_id=big.sale_type.pk)
    for suggestion in big.followups[0][1:]:
        planned(sale, suggestion, salesperson_user)
    for stage_followups in big.followups[1:]:
        for suggestion in stage_followups:
            activities.complete_activity(salesperson_user, planned(sale, suggestion, salesperson_user).pk)
    Activity.objects.filter(sale=sale, suggested_followup_id=big.followups[0][1].pk).delete()
    first = planned(sale, big.followups[0][0], salesperson_user)
    User.objects.filter(pk=salesperson_user.pk).update(confirm_suggested_followups=asked)
    client.force_login(salesperson_user)

    # When the salesperson ticks the first follow-up (htmx)
    with CaptureQueriesContext(connection) as queries:
        html = client.post(
            url("activity_toggle", sale, activity_id=first.pk), {"completed": "on"}, headers=HTMX
        ).content.decode()

    # Then the next follow-up is offered (or created), and it took 12 queries (15 when it was created): the
    # guide is read once, whatever its size
    if asked:
        assert dialog_titles(html) == ["Create the next suggested follow-up “Call 1.2”?"]
    else:
        assert Activity.objects.filter(suggested_followup=big.followups[0][1]).count() == 1
        assert any("The next suggested follow-up “Call 1.2” was created for" in m for m in messages_of(html))
    assert len(queries) == (12 if asked else 15), "\n".join(q["sql"] for q in queries.captured_queries)
