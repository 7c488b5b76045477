"""The Guide tab of the sale card (SPEC 3.2–3.7) through the test client: as htmx partials (``HX-Request``) and
as plain requests that end in a redirect to the card on its Guide tab."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test import Client
from django.test.html import Element, parse_html
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from salesguide.models import (
    Activity,
    Document,
    Sale,
    SaleType,
    Stage,
    StageChange,
    SuggestedDocument,
    SuggestedFollowup,
    User,
)
from salesguide.services import activities, catalog, documents, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}
AMSTERDAM = ZoneInfo("Europe/Amsterdam")


# --- a guide to sell with --------------------------------------------------------------------------------------


@dataclass
class Guide:
    sale_type: SaleType
    stages: list[Stage]
    followups: list[list[SuggestedFollowup]]
    documents: list[list[SuggestedDocument]]


def build_guide(
    admin: User,
    *,
    name: str = "New customer",
    stages: int = 3,
    followups: int = 2,
    documents_per_stage: int = 1,
    auto_advance: bool = True,
    auto_suggest: bool = True,
    offset: int = 3,
) -> Guide:
    """Stages "<name> 1".."<name> n" at 10, 20, ... %; per stage follow-ups "Call i.j" (the first of the guide
    not suggested automatically, every other one with ``auto_suggest``) and documents "Letter i.j"."""
    call = catalog.create_activity_type(admin, name=f"Phone call {name}", kind="call", default_duration_minutes=15)
    template = templates.create_text_template(admin, name=f"Letter {name}", kind="letter", body="Dear customer")
    made = [catalog.create_stage(admin, name=f"{name} {i}", probability=10 * i) for i in range(1, stages + 1)]
    sale_type = sale_types.create_sale_type(
        admin, name=name, stage_ids=[s.pk for s in made], has_guide=True, auto_advance=auto_advance
    )
    all_followups, all_documents = [], []
    for i, stage in enumerate(made, start=1):
        all_followups.append(
            [
                guides.add_suggested_followup(
                    admin,
                    sale_type.pk,
                    stage.pk,
                    name=f"Call {i}.{j}",
                    purpose=f"Why call {i}.{j}",
                    activity_type_id=call.pk,
                    days_offset=offset,
                    duration_minutes=20,
                    auto_suggest=auto_suggest and (i, j) != (1, 1),
                    text=f"Talk about {i}.{j}",
                )
                for j in range(1, followups + 1)
            ]
        )
        all_documents.append(
            [
                guides.add_suggested_document(
                    admin,
                    sale_type.pk,
                    stage.pk,
                    name=f"Letter {i}.{j}",
                    purpose=f"Why letter {i}.{j}",
                    template_id=template.pk,
                    subject=f"Letter {i}.{j} about {{{{ sale.title }}}}",
                    our_reference="REF-{{ sale.id }}",
                )
                for j in range(1, documents_per_stage + 1)
            ]
        )
    return Guide(sale_type, made, all_followups, all_documents)


@pytest.fixture
def guide(admin_user: User) -> Guide:
    return build_guide(admin_user)


@pytest.fixture
def sale(guide: Guide, salesperson_user: User) -> Sale:
    return sales.create_sale(salesperson_user, title="Big deal", sale_type_id=guide.sale_type.pk)


def fresh(sale: Sale) -> Sale:
    return Sale.objects.get(pk=sale.pk)


def url(name: str, sale: Sale, **kwargs: Any) -> str:
    return reverse(f"sales:sale_guide:{name}", kwargs={"sale_id": sale.pk, **kwargs})


def card(sale: Sale, query: str = "") -> str:
    return f"/sales/{sale.pk}/?tab=guide" + (f"&{query}" if query else "")


def planned(sale: Sale, suggestion: SuggestedFollowup, user: User, start: dt.datetime | None = None) -> Activity:
    return activities.create_followup_from_suggestion(user, sale.pk, suggestion.pk, start=start)


# --- reading the HTML as a user sees it ------------------------------------------------------------------------


def _walk(node: Any) -> Iterator[Element]:
    if isinstance(node, Element):
        yield node
        for child in node.children:
            yield from _walk(child)


def attr(element: Element, name: str) -> str | None:
    return dict(element.attributes).get(name)


def has_attr(element: Element, name: str) -> bool:
    return any(key == name for key, _ in element.attributes)


def select(html: str | bytes, tag: str | None = None, cls: str | None = None, **attrs: str) -> list[Element]:
    text = html.decode() if isinstance(html, bytes) else html
    found = []
    for element in _walk(parse_html(text)):
        if tag and element.name != tag:
            continue
        if cls and cls not in (attr(element, "class") or "").split():
            continue
        if any(attr(element, key.replace("_", "-")) != value for key, value in attrs.items()):
            continue
        found.append(element)
    return found


def text_of(node: Any) -> str:
    if isinstance(node, str):
        return node
    return " ".join(" ".join(text_of(child) for child in node.children).split())


def tab(client: Client, sale: Sale, query: str = "") -> str:
    response = client.get(url("tab", sale) + (f"?{query}" if query else ""), headers=HTMX)
    assert response.status_code == 200
    return response.content.decode()


def names_shown(html: str) -> list[str]:
    return [text_of(e) for e in select(html, "a", cls="guide-item__name")]


def dialog_titles(html: str) -> list[str]:
    return [text_of(e.children[0]) if e.children else "" for e in select(html, "dialog")]


def messages_of(html: str) -> list[str]:
    return [text_of(e) for e in select(html, "p", cls="message__text")]


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
