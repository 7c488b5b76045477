"""Next steps where salespeople see them (SPEC 6.1, 6.2, issue 12): the sale card's panel (what to do, why, when
due, a one-click action for whoever may change the sale, the stage aging), the salesperson's home (the most
urgent step of their most urgent sales, their stale count, a fixed number of statements) and the board's badge."""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from tests.aging_helpers import entered_stage_at
from tests.api.test_sale_guide_api import _build_guide

from salesguide.models import Sale
from salesguide.services import activities, clock, customers, sale_types, sales

pytestmark = pytest.mark.django_db

MARCH_3_2020 = dt.datetime(2020, 3, 3, 9, 30, tzinfo=dt.UTC)


@pytest.fixture
def guide(admin_user: Any) -> Any:
    return _build_guide(admin_user, auto_advance=False)


@pytest.fixture
def sale(guide: Any, salesperson_user: Any) -> Sale:
    acme = customers.create_company(salesperson_user, name="Acme")
    return sales.create_sale(
        salesperson_user, title="Ten licences", sale_type_id=guide.sale_type.pk, company_id=acme.pk
    )


def page(client: Client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, response.content[:500]
    return response.content.decode()


def text_of(markup: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", markup)))


def panel(markup: str) -> str:
    """The card's Next steps panel, or "" when there is none."""
    found = re.search(r'<section id="next-steps".*?</section>', markup, flags=re.S)
    return found.group(0) if found else ""


def steps_of(markup: str) -> list[tuple[str, str]]:
    """Each step of a list (panel or home): its kind and its words as a user reads them."""
    return [
        (kind, text_of(body).strip())
        for kind, body in re.findall(r'<li class="agenda__item" data-next-step="([a-z_]+)">(.*?)</li>', markup, re.S)
    ]


def links_of(markup: str) -> list[str]:
    return [
        html.unescape(href)
        for href in re.findall(r'<a class="btn btn--secondary btn--small[^"]*" href="([^"]+)"', markup)
    ]


def as_dutch(user: Any) -> None:
    user.language = "nl"
    user.save(update_fields=["language"])


# --- the sale card ----------------------------------------------------------------------------------------


def test_the_card_tells_a_new_sale_to_plan_its_guide_s_first_follow_up_with_a_button_that_opens_its_form(
    salesperson_client: Client, sale: Sale, guide: Any
) -> None:
    # When the owner opens the card of a new sale on a guide
    card = panel(page(salesperson_client, f"/sales/{sale.pk}/"))

    # Then the panel says what to do and why, and how long the sale is in its stage
    assert "Next steps" in card and "Days in stage: 0" in card
    assert steps_of(card) == [
        ("nothing_planned", "Nothing planned Plan the next activity No activity planned Create follow-up"),
        (
            "guide_step",
            f"Guide step Plan: Follow-up 1.1 Next guide step: Follow-up 1.1 · due {_today()} Create follow-up",
        ),
    ]
    # And both buttons open the follow-up's form from the guide, which is there to fill in
    create = f"/sales/{sale.pk}/guide/followup-suggestions/{guide.followups[0].pk}/create/"
    assert links_of(card) == [create, create]
    assert "Follow-up 1.1" in page(salesperson_client, create)


def _today() -> str:
    return f"{timezone.localdate().day} {timezone.localdate().strftime('%b')} {timezone.localdate().year}"


def test_an_overdue_activity_comes_first_with_its_date_and_opens_the_activity_in_english_and_dutch(
    salesperson_client: Client, salesperson_user: Any, sale: Sale, guide: Any
) -> None:
    late = activities.create_activity(
        salesperson_user, activity_type_id=guide.call.pk, title="Call Anna", start=MARCH_3_2020, sale_id=sale.pk
    )

    english = panel(page(salesperson_client, f"/sales/{sale.pk}/"))
    as_dutch(salesperson_user)
    dutch = panel(page(salesperson_client, f"/sales/{sale.pk}/"))

    kind, words = steps_of(english)[0]
    assert kind == "overdue"
    assert "Catch up: Call Anna" in words and "Overdue: Call Anna on 3 Mar 2020" in words and "due 3 Mar 2020" in words
    assert links_of(english)[0] == f"/activities/{late.pk}/edit/?next=%2Fsales%2F{sale.pk}%2F"
    assert "Inhalen: Call Anna" in steps_of(dutch)[0][1] and "Te laat: Call Anna op 3 mrt 2020" in steps_of(dutch)[0][1]
    assert "Geen activiteit gepland" in text_of(dutch)


def test_someone_who_may_not_change_the_sale_sees_the_steps_without_their_buttons(make_user: Any, sale: Sale) -> None:
    other = Client()
    other.force_login(make_user("other", "salesperson"))

    card = panel(page(other, f"/sales/{sale.pk}/"))

    assert [kind for kind, _words in steps_of(card)] == ["nothing_planned", "guide_step"]
    assert links_of(card) == []
    assert "Create follow-up" not in card


def test_a_closed_sale_has_no_next_steps_panel(salesperson_client: Client, salesperson_user: Any, sale: Sale) -> None:
    sales.close_sale_as_sold(salesperson_user, sale.pk)

    markup = page(salesperson_client, f"/sales/{sale.pk}/")

    assert panel(markup) == "" and "Next steps" not in markup


def test_when_every_item_is_done_the_card_offers_the_move_dialog_of_the_next_stage(
    salesperson_client: Client, salesperson_user: Any, sale: Sale, guide: Any
) -> None:
    for suggestion in guide.followups[:2]:
        made = activities.create_followup_from_suggestion(salesperson_user, sale.pk, suggestion.pk)
        activities.complete_activity(salesperson_user, made.pk)

    card = panel(page(salesperson_client, f"/sales/{sale.pk}/?tab=activities"))

    assert (
        "move_on",
        "Move on Move to New customer stage 2 All items done: move to New customer stage 2? Move on",
    ) in [(kind, words) for kind, words in steps_of(card)]
    move = f"/sales/{sale.pk}/stages/{guide.stages[1].pk}/move-on/?next=%2Fsales%2F{sale.pk}%2F"
    assert move in links_of(card)
    assert "New customer stage 2" in page(salesperson_client, move)


def test_a_sale_without_anything_to_do_says_so(
    salesperson_client: Client, salesperson_user: Any, admin_user: Any
) -> None:
    # Given a type without a guide and a sale of it with an activity planned
    no_guide = _build_guide(admin_user, name="Plain", followups=(0, 0, 0), documents=(0, 0, 0))
    plain = sales.create_sale(salesperson_user, title="Plain deal", sale_type_id=no_guide.sale_type.pk)
    activities.create_activity(
        salesperson_user,
        activity_type_id=no_guide.call.pk,
        title="Call back",
        start=timezone.now() + dt.timedelta(days=2),
        sale_id=plain.pk,
    )

    card = panel(page(salesperson_client, f"/sales/{plain.pk}/"))

    assert steps_of(card) == []
    assert "Nothing to do now" in card and "planned or done, and nothing is overdue" in card


def test_the_card_shows_the_stage_aging_and_marks_a_stale_sale(
    salesperson_client: Client, salesperson_user: Any, admin_user: Any, sale: Sale, guide: Any
) -> None:
    sale_types.set_expected_days(admin_user, guide.sale_type.pk, guide.stages[0].pk, 7)
    entered_stage_at(sale.pk, timezone.now() - dt.timedelta(days=12))

    card = panel(page(salesperson_client, f"/sales/{sale.pk}/"))
    as_dutch(salesperson_user)
    dutch = panel(page(salesperson_client, f"/sales/{sale.pk}/"))

    assert "Days in stage: 12, expected 7" in text_of(card) and "Stale" in card
    assert "Too long in stage" in card and "Days in stage: 12, expected 7" in text_of(card)
    assert "Stilstaand" in dutch and "Dagen in deze fase: 12, verwacht 7" in text_of(dutch)


# --- the salesperson's home -----------------------------------------------------------------------------------


def test_the_home_lists_the_most_urgent_step_of_each_own_open_sale_most_urgent_first_with_the_stale_count(
    salesperson_client: Client, salesperson_user: Any, admin_user: Any, make_user: Any, sale: Sale, guide: Any
) -> None:
    # Given a second sale with an overdue call, a stale third one, and someone else's sale
    late = sales.create_sale(salesperson_user, title="Late deal", sale_type_id=guide.sale_type.pk)
    activities.create_activity(
        salesperson_user, activity_type_id=guide.call.pk, title="Call Anna", start=MARCH_3_2020, sale_id=late.pk
    )
    sale_types.set_expected_days(admin_user, guide.sale_type.pk, guide.stages[0].pk, 7)
    stale = sales.create_sale(salesperson_user, title="Old deal", sale_type_id=guide.sale_type.pk)
    entered_stage_at(stale.pk, timezone.now() - dt.timedelta(days=12))
    sales.create_sale(make_user("other", "salesperson"), title="Not mine", sale_type_id=guide.sale_type.pk)

    home = page(salesperson_client, "/")
    section = re.search(r'aria-labelledby="next-steps-title".*?</section>', home, flags=re.S).group(0)

    # Then the overdue call comes first, each step with its sale, why and (when known) when due
    listed = steps_of(section)
    assert [kind for kind, _words in listed] == ["overdue", "nothing_planned", "nothing_planned"]
    assert listed[0][1].startswith("Late deal Catch up: Call Anna · Overdue: Call Anna on 3 Mar 2020 · due 3 Mar 2020")
    assert [words.split(" Plan")[0] for _kind, words in listed[1:]] == ["Old deal", "Ten licences"]
    assert f'href="/sales/{late.pk}/"' in section and "Not mine" not in section
    # And the stale sale is counted, linking to the sale list's own stale filter
    assert 'href="/sales/?owner=me&amp;stale=1">Stale sales: 1</a>' in section
    listing = page(salesperson_client, "/sales/?owner=me&stale=1")
    assert "Old deal" in listing and "Late deal" not in listing


def test_the_home_says_when_there_is_nothing_to_do(
    salesperson_client: Client, salesperson_user: Any, admin_user: Any
) -> None:
    plain = _build_guide(admin_user, name="Plain", followups=(0, 0, 0), documents=(0, 0, 0))
    deal = sales.create_sale(salesperson_user, title="Plain deal", sale_type_id=plain.sale_type.pk)
    activities.create_activity(
        salesperson_user,
        activity_type_id=plain.call.pk,
        title="Call back",
        start=timezone.now() + dt.timedelta(days=2),
        sale_id=deal.pk,
    )

    section = re.search(r'aria-labelledby="next-steps-title".*?</section>', page(salesperson_client, "/"), re.S)

    assert "Nothing to do now" in section.group(0) and "Stale sales" not in section.group(0)


def _home_queries(client: Client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get("/").status_code == 200
    return len(captured)


def test_the_home_s_next_steps_cost_the_same_statements_with_many_more_sales(
    salesperson_client: Client, salesperson_user: Any, guide: Any, sale: Sale
) -> None:
    now = clock.now_for(salesperson_user)
    salesperson_client.get("/")  # the session and the language settle on the first request
    few = _home_queries(salesperson_client)
    for number in range(60):
        made = sales.create_sale(salesperson_user, title=f"Deal {number}", sale_type_id=guide.sale_type.pk)
        start = now - dt.timedelta(days=1) if number % 3 == 0 else now + dt.timedelta(days=1)
        activities.create_followup_from_suggestion(salesperson_user, made.pk, guide.followups[0].pk, start=start)

    many = _home_queries(salesperson_client)

    assert many == few
    section = re.search(r'aria-labelledby="next-steps-title".*?</section>', page(salesperson_client, "/"), re.S)
    assert len(steps_of(section.group(0))) == 10


# --- the board ----------------------------------------------------------------------------------------------


def test_each_board_card_names_its_most_urgent_step_with_why_and_opens_the_sale(
    salesperson_client: Client, salesperson_user: Any, admin_user: Any, guide: Any, sale: Sale
) -> None:
    late = sales.create_sale(salesperson_user, title="Late deal", sale_type_id=guide.sale_type.pk)
    activities.create_activity(
        salesperson_user, activity_type_id=guide.call.pk, title="Call Anna", start=MARCH_3_2020, sale_id=late.pk
    )
    sale_types.set_expected_days(admin_user, guide.sale_type.pk, guide.stages[0].pk, 7)
    waiting = sales.create_sale(salesperson_user, title="Waiting deal", sale_type_id=guide.sale_type.pk)
    activities.create_activity(
        salesperson_user,
        activity_type_id=guide.call.pk,
        title="Call later",
        start=timezone.now() + dt.timedelta(days=5),
        sale_id=waiting.pk,
    )
    entered_stage_at(waiting.pk, timezone.now() - dt.timedelta(days=12))

    board = page(salesperson_client, f"/board/?sale_type={guide.sale_type.pk}")
    as_dutch(salesperson_user)
    dutch = page(salesperson_client, f"/board/?sale_type={guide.sale_type.pk}")

    badges = {
        int(sale_id): (kind, html.unescape(title), label)
        for sale_id, kind, title, label in re.findall(
            r'<a class="badge [^"]+ board-card__step" href="/sales/(\d+)/" draggable="false" '
            r'data-next-step="([a-z_]+)" title="([^"]+)" aria-label="[^"]+">([^<]+)</a>',
            board,
        )
    }
    assert badges == {
        late.pk: ("overdue", "Overdue: activity of 3 Mar 2020", "Overdue"),
        sale.pk: ("nothing_planned", "No activity planned", "Nothing planned"),
        waiting.pk: ("too_long_in_stage", "Days in stage: 12, expected 7", "Too long in stage"),
    }
    assert 'title="Geen activiteit gepland"' in dutch and 'title="Dagen in deze fase: 12, verwacht 7"' in dutch


def test_the_panel_reloads_alone_when_the_card_announces_a_change(
    salesperson_client: Client, salesperson_user: Any, sale: Sale, guide: Any
) -> None:
    # Given the follow-up the panel asked for was planned from the guide tab
    activities.create_followup_from_suggestion(
        salesperson_user, sale.pk, guide.followups[0].pk, start=timezone.now() + dt.timedelta(days=1)
    )

    # When the panel asks for itself again (htmx, on "sale-changed")
    response = salesperson_client.get(f"/sales/{sale.pk}/?part=next-steps", headers={"HX-Request": "true"})

    # Then only the panel comes back, and it no longer asks to plan that follow-up
    markup = response.content.decode()
    assert response.status_code == 200 and "<html" not in markup
    assert markup.strip().startswith('<section id="next-steps"')
    assert "Plan: Follow-up 1.1" not in markup and "Follow-up 1.2" in markup
