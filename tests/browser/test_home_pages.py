"""A salesperson and a manager open their home page in Chromium, in Dutch and in English (SPEC 4.8): the
salesperson ticks off an overdue follow-up with one click and opens a sale that needs attention; the manager
reads the team's pipeline and follows links into the board (one salesperson's sales) and the pipeline report.

The words are looked up in the translation catalogue of the user's language, so the test reads the page as that
user does, whether or not a string has been translated yet."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import Page, expect
from tests.aging_helpers import entered_stage_at

from salesguide.models import Activity, User
from salesguide.services import activities, catalog, clock, sale_types, sales

PASSWORD = "home-pages-password"


def words(language: str) -> Callable[..., str]:
    """What the UI says in ``language`` for an English msgid."""

    def say(msgid: str) -> str:
        with translation.override(language):
            return translation.gettext(msgid)

    return say


def build_team(language: str) -> dict[str, Any]:
    """Sam (salesperson) with an offer 12 days in its stage (expected 7), nothing planned on it and an overdue
    follow-up on another sale; Max (manager) with a deal of his own. Both see ``language``."""
    admin = User.objects.create_user(username="setup", password=PASSWORD, role="admin", language=language)
    sam = User.objects.create_user(
        username="sam", password=PASSWORD, role="salesperson", language=language, first_name="Sam", last_name="Seller"
    )
    max_ = User.objects.create_user(
        username="max", password=PASSWORD, role="manager", language=language, first_name="Max", last_name="Manager"
    )
    lead = catalog.create_stage(admin, name="Lead", probability=10)
    offer = catalog.create_stage(admin, name="Offer", probability=50)
    new = sale_types.create_sale_type(admin, name="New customer", stage_ids=[lead.pk, offer.pk])
    sale_types.set_expected_days(admin, new.pk, offer.pk, 7)
    call = catalog.create_activity_type(admin, name="Phone call", kind="call", default_duration_minutes=15)
    now = clock.now_for(sam)

    stale = sales.create_sale(sam, title="Quiet offer", sale_type_id=new.pk, amount=1_234_56)
    sales.move_sale_to_stage(sam, stale.pk, offer.pk)
    entered_stage_at(stale.pk, now - dt.timedelta(days=12))
    planned = sales.create_sale(sam, title="Planned deal", sale_type_id=new.pk, amount=500_00)
    overdue = activities.create_activity(
        sam, activity_type_id=call.pk, title="Send the brochure", start=now - dt.timedelta(days=1), sale_id=planned.pk
    )
    activities.create_activity(
        sam, activity_type_id=call.pk, title="Demo next week", start=now + dt.timedelta(days=7), sale_id=planned.pk
    )
    sales.create_sale(max_, title="Boss deal", sale_type_id=new.pk, amount=2_500_00)
    return {"sam": sam, "max": max_, "stale": stale, "overdue": overdue}


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_salesperson_ticks_off_an_overdue_follow_up_and_opens_a_sale_that_needs_attention_from_their_day(
    page: Page, login: Callable[..., Page], language: str
) -> None:
    say = words(language)
    team = build_team(language)

    # When Sam logs in, the home is his day
    login("sam", PASSWORD)
    assert page.url.endswith("/")
    expect(page.get_by_role("heading", level=1)).to_have_text(say("My day"))
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_text(say("How Salesguide works"))).to_have_count(0)
    amount = "€ 1.734,56" if language == "nl" else "€1,734.56"
    expect(page.locator(".figures").first).to_contain_text(amount)

    # and he ticks off the overdue follow-up with one click
    follow_up = page.locator(".agenda__item", has_text="Send the brochure")
    with page.expect_navigation():
        follow_up.get_by_role("button", name=re.compile(say("Done"))).click()
    expect(page.locator(".message--success")).to_contain_text("Send the brochure")
    expect(page.locator(".agenda__item", has_text="Send the brochure")).to_have_count(0)
    assert Activity.objects.get(pk=team["overdue"].pk).completed_at is not None

    # then opens the offer that has been waiting, on its Guide tab
    # (in the sales that need attention: the Next steps list names the offer too)
    waiting = page.locator('[aria-labelledby="attention-title"] .agenda__item', has_text="Quiet offer")
    expect(waiting.locator(".badge--warning")).to_contain_text("12")
    waiting.get_by_role("link", name="Quiet offer").click()
    expect(page).to_have_url(re.compile(rf"/sales/{team['stale'].pk}/\?tab=guide$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Quiet offer")


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_manager_reads_the_teams_pipeline_and_follows_links_into_the_board_and_a_report(
    page: Page, login: Callable[..., Page], language: str
) -> None:
    say = words(language)
    team = build_team(language)

    # When Max logs in, the home is the team's view: per stage, per salesperson, the forecast
    login("max", PASSWORD)
    expect(page.get_by_role("heading", level=1)).to_have_text(say("Team overview"))
    for heading in ("Team pipeline", "Forecast", "Per stage", "Per salesperson"):
        expect(page.get_by_role("heading", name=say(heading), exact=True)).to_be_visible()
    owners = page.locator("#owners-title").locator("xpath=ancestor::section[1]")
    expect(owners.get_by_role("link", name="Sam Seller")).to_be_visible()
    total = "€ 4.234,56" if language == "nl" else "€4,234.56"
    expect(page.locator(".figures").first).to_contain_text(total)

    # then he opens Sam's sales on the board
    owners.get_by_role("link", name="Sam Seller").click()
    expect(page).to_have_url(re.compile(rf"{re.escape(reverse('board:board'))}\?owner={team['sam'].pk}$"))
    expect(page.get_by_text("Quiet offer").first).to_be_visible()
    expect(page.get_by_text("Boss deal")).to_have_count(0)
    expect(page.locator("html")).to_have_attribute("lang", language)

    # and, back home, the pipeline report
    page.go_back()
    page.get_by_role("link", name=say("Pipeline report")).click()
    expect(page).to_have_url(re.compile(rf"{re.escape(reverse('reports:report', args=['pipeline']))}$"))
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", language)
