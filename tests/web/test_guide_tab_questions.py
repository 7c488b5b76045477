"""The questions the Guide tab asks (SPEC 3.5, 3.6; issue 9): create the next suggested follow-up, move to the
next stage, close as sold; and a closed sale's guide as read-only history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse
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
    SaleType,
    User,
)
from salesguide.services import activities, documents, sales

pytestmark = pytest.mark.django_db


# --- completing: the next suggested follow-up and the next stage ---------------------------------------------------


def test_completing_a_guide_followup_asks_to_create_the_next_suggested_one(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    activity = planned(sale, guide.followups[0][0], salesperson_user)
    client.force_login(salesperson_user)

    # When the salesperson ticks it (htmx)
    html = client.post(
        url("activity_toggle", sale, activity_id=activity.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()

    # Then it is completed and the tab asks about the next follow-up, which is not created yet
    assert Activity.objects.get(pk=activity.pk).completed_at is not None
    assert dialog_titles(html) == ["Create the next suggested follow-up “Call 1.2”?"]
    question = str(select(html, "dialog", id="next-followup-question")[0])
    assert [text_of(a) for a in select(question, "a", cls="guide-question__create")] == ["Create"]
    buttons = [text_of(b) for b in select(question, "button", name="answer")]
    assert buttons == ["Cancel", "Always create, don't ask again"]
    assert not Activity.objects.filter(suggested_followup=guide.followups[0][1]).exists()


def test_create_in_the_question_opens_the_followup_form_prefilled_and_saves_what_the_user_changed(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User, manager_user: User
) -> None:
    # Given the question about the next follow-up, after the first one (planned on 4 March 2030) was completed
    first = planned(sale, guide.followups[0][0], salesperson_user, start=dt.datetime(2030, 3, 4, 10, tzinfo=AMSTERDAM))
    client.force_login(salesperson_user)
    html = client.post(
        url("activity_toggle", sale, activity_id=first.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()
    create = select(str(select(html, "dialog", id="next-followup-question")[0]), "a", cls="guide-question__create")[0]

    # When the salesperson chooses Create
    html = client.get(attr(create, "hx-get"), headers=HTMX).content.decode()

    # Then the question holds the follow-up form, prefilled from the suggestion, and nothing is created yet
    question = str(select(html, "dialog", id="next-followup-question")[0])
    form = select(question, "form", cls="guide-form")[0]
    fields = {attr(e, "name"): attr(e, "value") for e in select(str(form), "input")}
    assert (fields["title"], fields["start"], fields["duration_minutes"]) == ("Call 1.2", "2030-03-07T10:00", "20")
    assert "Talk about 1.2" in text_of(select(str(form), "textarea")[0])
    assert not Activity.objects.filter(suggested_followup=guide.followups[0][1]).exists()

    # When the date, the owner and the text are changed and it is saved
    data = {
        **{k: v for k, v in fields.items() if k and v is not None},
        "start": "2030-03-08T14:30",
        "owner": manager_user.pk,
        "activity_type": guide.followups[0][1].activity_type_id,
        "text": "Ask for the budget",
    }
    html = client.post(attr(form, "action"), data, headers=HTMX).content.decode()

    # Then the follow-up is created as changed, the question is gone, and the preference is unchanged
    made = Activity.objects.get(suggested_followup=guide.followups[0][1])
    assert (made.start, made.owner_id, made.text) == (
        dt.datetime(2030, 3, 8, 14, 30, tzinfo=AMSTERDAM),
        manager_user.pk,
        "Ask for the budget",
    )
    assert dialog_titles(html) == []
    assert "Follow-up “Call 1.2” created for" in " ".join(messages_of(html))
    assert User.objects.get(pk=salesperson_user.pk).confirm_suggested_followups is True
    # and the same form posted again (a second click) creates nothing more
    client.post(attr(form, "action"), data, headers=HTMX)
    assert Activity.objects.filter(suggested_followup=guide.followups[0][1]).count() == 1


def test_without_javascript_create_in_the_question_opens_the_form_on_a_page_of_its_own(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    first = planned(sale, guide.followups[0][0], salesperson_user)
    client.force_login(salesperson_user)
    landed = client.post(url("activity_toggle", sale, activity_id=first.pk), {"completed": "on"})["Location"]
    create = select(client.get(landed).content, "a", cls="guide-question__create")[0]

    page = client.get(attr(create, "href"))

    assert page.status_code == 200
    form = select(page.content, "form", cls="guide-form")[0]
    assert attr(select(str(form), "input", name="title")[0], "value") == "Call 1.2"
    assert attr(form, "hx-post") is None


def test_without_javascript_the_question_comes_back_on_the_card_and_cancel_creates_nothing(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    activity = planned(sale, guide.followups[0][0], salesperson_user)
    client.force_login(salesperson_user)

    response = client.post(url("activity_toggle", sale, activity_id=activity.pk), {"completed": "on"})

    next_id = guide.followups[0][1].pk
    assert response.status_code == 302
    assert response["Location"] == card(sale, f"suggest={next_id}")
    html = client.get(response["Location"]).content.decode()
    assert dialog_titles(html) == ["Create the next suggested follow-up “Call 1.2”?"]
    assert "“Call 1.1” completed." in messages_of(html)
    response = client.post(url("next_followup", sale, suggestion_id=next_id), {"answer": "cancel"})
    assert response["Location"] == card(sale)
    assert not Activity.objects.filter(suggested_followup_id=next_id).exists()


def test_always_create_stores_the_preference_creates_the_followup_and_then_creates_without_asking(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    first = planned(sale, guide.followups[0][0], salesperson_user)
    client.force_login(salesperson_user)
    client.post(url("activity_toggle", sale, activity_id=first.pk), {"completed": "on"}, headers=HTMX)

    # When the salesperson answers "Always create, don't ask again"
    html = client.post(
        url("next_followup", sale, suggestion_id=guide.followups[0][1].pk), {"answer": "always"}, headers=HTMX
    ).content.decode()

    # Then the preference is off, the follow-up exists, and the tab says where to change it
    assert User.objects.get(pk=salesperson_user.pk).confirm_suggested_followups is False
    second = Activity.objects.get(suggested_followup=guide.followups[0][1])
    assert any("profile page" in m for m in messages_of(html))

    # and completing it creates the next one (first of the next stage) directly, saying so, without asking
    html = client.post(
        url("activity_toggle", sale, activity_id=second.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()
    assert Activity.objects.filter(suggested_followup=guide.followups[1][0]).count() == 1
    assert "Create the next suggested follow-up “Call 2.1”?" not in dialog_titles(html)
    assert any("The next suggested follow-up “Call 2.1” was created for" in m for m in messages_of(html))


def _finish_stage_but_one(sale: Sale, guide: Guide, user: User, stage: int) -> Activity:
    """Everything of a stage done but its last follow-up, which is created and still open."""
    for document in guide.documents[stage]:
        documents.create_document_from_suggestion(user, sale.pk, document.pk)
    made = [planned(sale, f, user) for f in guide.followups[stage]]
    for activity in made[:-1]:
        activities.complete_activity(user, activity.pk)
    return made[-1]


def test_the_auto_advance_question_appears_when_the_last_item_of_the_stage_is_done(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    last = _finish_stage_but_one(sale, guide, salesperson_user, 0)
    client.force_login(salesperson_user)
    assert dialog_titles(tab(client, sale)) == []

    html = client.post(
        url("activity_toggle", sale, activity_id=last.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()

    assert "All items of this stage are done. Move to “New customer 2”?" in dialog_titles(html)
    # Answering "Move" moves the sale and writes its history row
    move = select(html, "dialog", id="advance-question")[0]
    form = select(str(move), "form")[0]
    version = attr(select(str(form), "input", name="version")[0], "value")
    response = client.post(attr(form, "action"), {"version": version}, headers=HTMX)
    # (the card it lands on still asks about the next follow-up, the first of the next stage)
    assert response.headers["HX-Redirect"] == card(sale, f"suggest={guide.followups[1][0].pk}")
    assert fresh(sale).stage_id == guide.stages[1].pk


def test_no_auto_advance_question_while_an_item_is_outstanding_or_when_the_type_has_it_off(
    client: Client, admin_user: User, salesperson_user: User
) -> None:
    guide = build_guide(admin_user, auto_advance=False, auto_suggest=False)
    sale = sales.create_sale(salesperson_user, title="Quiet deal", sale_type_id=guide.sale_type.pk)
    last = _finish_stage_but_one(sale, guide, salesperson_user, 0)
    client.force_login(salesperson_user)

    html = client.post(
        url("activity_toggle", sale, activity_id=last.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()

    assert dialog_titles(html) == []
    # and an "advance" in the address that no longer holds is not asked either
    assert dialog_titles(tab(client, sale, f"advance={guide.stages[1].pk}")) == []


def test_the_auto_advance_question_is_never_asked_in_the_last_stage(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.stages[2].pk)
    last = _finish_stage_but_one(sale, guide, salesperson_user, 2)
    client.force_login(salesperson_user)

    html = client.post(
        url("activity_toggle", sale, activity_id=last.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()

    assert not any(t.startswith("All items of this stage are done") for t in dialog_titles(html))


def _finish_stage_but_the_document(sale: Sale, guide: Guide, user: User, stage: int) -> None:
    for suggestion in guide.followups[stage]:
        activities.complete_activity(user, planned(sale, suggestion, user).pk)


def test_when_the_stages_last_open_item_is_a_document_creating_it_asks_to_move_on_also_after_a_reload(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    # Given both follow-ups of the first stage created and completed, its document not yet created
    _finish_stage_but_the_document(sale, guide, salesperson_user, 0)
    client.force_login(salesperson_user)
    advance = "All items of this stage are done. Move to “New customer 2”?"
    assert advance not in dialog_titles(tab(client, sale))

    # When the salesperson creates the document (htmx)
    suggestion = guide.documents[0][0]
    html = client.post(
        url("document_create", sale, suggestion_id=suggestion.pk),
        {"subject": "Letter 1.1 about Big deal", "our_reference": ""},
        headers=HTMX,
    ).content.decode()

    # Then the stage shows 3 of 3 done and the tab asks to move on
    assert "3 of 3 done" in text_of(select(html, "p", cls="guide-stage__progress")[0])
    assert advance in dialog_titles(html)
    # and so does the tab and the card after a reload, with nothing in the address
    assert advance in dialog_titles(tab(client, sale))
    assert advance in dialog_titles(client.get(card(sale)).content.decode())


def test_without_javascript_creating_the_last_document_lands_on_the_card_asking_to_move_on(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    _finish_stage_but_the_document(sale, guide, salesperson_user, 0)
    client.force_login(salesperson_user)

    response = client.post(
        url("document_create", sale, suggestion_id=guide.documents[0][0].pk),
        {"subject": "Letter 1.1 about Big deal", "our_reference": ""},
    )

    assert response.status_code == 302
    assert "All items of this stage are done. Move to “New customer 2”?" in dialog_titles(
        client.get(response["Location"]).content.decode()
    )


def test_not_now_puts_the_question_away_while_the_user_stays_on_the_tab(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    _finish_stage_but_the_document(sale, guide, salesperson_user, 0)
    documents.create_document_from_suggestion(salesperson_user, sale.pk, guide.documents[0][0].pk)
    client.force_login(salesperson_user)
    html = tab(client, sale)
    not_now = next(a for a in select(html, "a") if text_of(a) == "Not now")

    # When the salesperson answers "Not now"
    html = client.get(attr(not_now, "hx-get"), headers=HTMX).content.decode()

    # Then the question is gone, also when another stage is picked and when every stage is shown
    assert dialog_titles(html) == []
    step = select(html, "li", cls="stagebar__step")[1]
    assert dialog_titles(client.get(attr(select(str(step), "a")[0], "hx-get"), headers=HTMX).content.decode()) == []
    show_all = next(a for a in select(html, "a") if text_of(a) == "Show all stages")
    assert dialog_titles(client.get(attr(show_all, "hx-get"), headers=HTMX).content.decode()) == []
    assert fresh(sale).stage_id == guide.stages[0].pk


def test_answering_move_keeps_the_pending_question_about_the_next_followup(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    # Given both questions on screen: the next follow-up (first of the next stage) and moving on
    last = _finish_stage_but_one(sale, guide, salesperson_user, 0)
    client.force_login(salesperson_user)
    html = client.post(
        url("activity_toggle", sale, activity_id=last.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()
    assert dialog_titles(html) == [
        "Create the next suggested follow-up “Call 2.1”?",
        "All items of this stage are done. Move to “New customer 2”?",
    ]

    # When the salesperson answers Move
    move = select(str(select(html, "dialog", id="advance-question")[0]), "form")[0]
    version = attr(select(str(move), "input", name="version")[0], "value")
    response = client.post(attr(move, "hx-post"), {"version": version}, headers=HTMX)

    # Then the sale moves, and the card it lands on still asks about the next follow-up
    assert fresh(sale).stage_id == guide.stages[1].pk
    landed = client.get(response.headers["HX-Redirect"]).content.decode()
    assert dialog_titles(landed) == ["Create the next suggested follow-up “Call 2.1”?"]
    # which can be answered in its turn
    answer = select(str(select(landed, "dialog", id="next-followup-question")[0]), "form")[0]
    client.post(attr(answer, "action"), {"answer": "always"})
    assert Activity.objects.filter(suggested_followup=guide.followups[1][0]).count() == 1


def test_answering_the_next_followup_question_first_keeps_the_question_about_moving_on(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    last = _finish_stage_but_one(sale, guide, salesperson_user, 0)
    client.force_login(salesperson_user)
    html = client.post(
        url("activity_toggle", sale, activity_id=last.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()

    answer = select(str(select(html, "dialog", id="next-followup-question")[0]), "form")[0]
    html = client.post(attr(answer, "hx-post"), {"answer": "cancel"}, headers=HTMX).content.decode()

    assert dialog_titles(html) == ["All items of this stage are done. Move to “New customer 2”?"]


def test_in_the_last_stage_finishing_its_items_asks_to_close_the_sale_as_sold(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User
) -> None:
    # Given a sale in the last stage with all but one item done
    sales.move_sale_to_stage(salesperson_user, sale.pk, guide.stages[2].pk)
    last = _finish_stage_but_one(sale, guide, salesperson_user, 2)
    client.force_login(salesperson_user)

    # When the last one is ticked
    html = client.post(
        url("activity_toggle", sale, activity_id=last.pk), {"completed": "on"}, headers=HTMX
    ).content.decode()

    # Then the guide asks to close the sale as sold, leading to the sold form; the sale is not closed yet
    assert dialog_titles(html) == ["All items of the last stage are done. Close the sale as sold?"]
    question = str(select(html, "dialog", id="close-question")[0])
    links = {text_of(a): attr(a, "href") for a in select(question, "a")}
    assert links["Close as sold"] == reverse("sales:sold", args=[sale.pk])
    assert client.get(links["Close as sold"]).status_code == 200
    assert fresh(sale).status == "open"
    # and it asks again after a reload
    assert dialog_titles(tab(client, sale)) == ["All items of the last stage are done. Close the sale as sold?"]


@pytest.mark.parametrize("close", ["sold", "lost"])
def test_a_closed_sales_guide_is_read_only_history_without_create(
    client: Client, guide: Guide, sale: Sale, salesperson_user: User, close: str
) -> None:
    # Given a sale with a follow-up, then closed
    planned(sale, guide.followups[0][0], salesperson_user)
    if close == "sold":
        sales.close_sale_as_sold(salesperson_user, sale.pk)
    else:
        sales.close_sale_as_lost(salesperson_user, sale.pk)
    client.force_login(salesperson_user)

    # Then its guide offers no Create (nor Create another), and asks nothing
    html = tab(client, sale, "all=1")
    assert select(html, "a", cls="guide-item__create") == []
    assert dialog_titles(html) == []
    assert "This sale is closed" in html

    # and a form opened or posted anyway (an old tab) is refused with the reason, creating nothing
    followup = url("followup_create", sale, suggestion_id=guide.followups[0][1].pk)
    shown = client.get(followup, headers=HTMX).content.decode()
    assert select(shown, "form", cls="guide-form") == []
    assert any(m.startswith("This sale is closed") for m in messages_of(shown))
    data = {
        "title": "After-sales call",
        "start": "2030-01-02T09:30",
        "duration_minutes": "20",
        "owner": salesperson_user.pk,
        "activity_type": guide.followups[0][1].activity_type_id,
    }
    client.post(followup, data, headers=HTMX)
    client.post(
        url("document_create", sale, suggestion_id=guide.documents[0][0].pk),
        {"subject": "Too late", "our_reference": ""},
        headers=HTMX,
    )
    assert Activity.objects.filter(sale=sale).count() == 1
    assert not Document.objects.filter(sale=sale).exists()


def test_a_sold_sale_shows_its_100_as_the_outcome_not_as_set_by_hand_on_the_card_and_in_the_pdf(
    client: Client, admin_user: User, salesperson_user: User
) -> None:
    import io

    import pypdf

    # Given a sale of a "keep manual" type whose probability was set by hand, then sold
    kept = build_guide(admin_user, name="Kept")
    SaleType.objects.filter(pk=kept.sale_type.pk).update(probability_policy="keep_manual")
    sale = sales.create_sale(salesperson_user, title="Hand deal", sale_type_id=kept.sale_type.pk)
    sales.set_sale_probability(salesperson_user, sale.pk, 33)
    client.force_login(salesperson_user)
    assert "set by hand" in client.get(f"/sales/{sale.pk}/").content.decode()
    sales.close_sale_as_sold(salesperson_user, sale.pk)

    # When the card and the PDF are read
    page = client.get(f"/sales/{sale.pk}/").content.decode()
    pdf = client.get(reverse("sales:print_pdf", args=[sale.pk]))
    pdf_text = " ".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf.content)).pages)

    # Then both show 100 % without "set by hand"
    assert "100%" in page and "set by hand" not in page
    assert "100%" in pdf_text and "set by hand" not in pdf_text
