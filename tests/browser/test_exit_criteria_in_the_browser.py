"""Exit criteria in Chromium (SPEC 6.3, issue 12), once in Dutch and once in English: a salesperson drags a card
on the board and presses "Move to this stage" on the guide tab, and both times is stopped by a required item
not done — the move dialog names it and offers no way past it; then a manager moves the sale on with a reason,
which the History tab shows.

The words on the page are looked up in the translation catalogue of the user's language."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Page, expect
from test_pipeline_board import card, column, drag

from salesguide.models import ActivityType, Role, Sale, SaleType, SuggestedFollowup, User
from salesguide.services import catalog, guides, sale_types, sales

PASSWORD = "exit-criteria-password"


def say(language: str, msgid: str, **params: Any) -> str:
    with translation.override(language):
        text = translation.gettext(msgid)
    return text % params if params else text


@pytest.fixture
def world(live_server: Any) -> dict[str, Any]:
    """ "New customer" (guide on, exit criteria: block): Lead → Offer → Contract; "Needs call" is required before
    leaving Lead. Sam's "Big deal" is in Lead with nothing done."""
    admin = User.objects.create_user(username="ada", password=PASSWORD, role=Role.ADMIN)
    stages = {
        name: catalog.create_stage(admin, name=name, probability=probability)
        for name, probability in (("Lead", 10), ("Offer", 50), ("Contract", 90))
    }
    new = sale_types.create_sale_type(
        admin, name="New customer", stage_ids=[s.pk for s in stages.values()], has_guide=True
    )
    SaleType.objects.filter(pk=new.pk).update(exit_criteria="block")
    call = ActivityType.objects.first() or catalog.create_activity_type(admin, name="Call", kind="call")
    needs = guides.add_suggested_followup(admin, new.pk, stages["Lead"].pk, name="Needs call", activity_type_id=call.pk)
    SuggestedFollowup.objects.filter(pk=needs.pk).update(required=True)
    return {"admin": admin, "stages": stages, "new": new}


def person(username: str, role: str, language: str) -> User:
    return User.objects.create_user(username=username, password=PASSWORD, role=role, language=language)


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_salesperson_is_stopped_on_the_board_and_the_guide_tab_and_a_manager_moves_on_with_a_reason(
    page: Page, login: Callable[..., Page], world: dict[str, Any], language: str
) -> None:
    sam = person(f"sam-{language}", Role.SALESPERSON, language)
    max_ = person(f"max-{language}", Role.MANAGER, language)
    big = sales.create_sale(sam, title="Big deal", sale_type_id=world["new"].pk)
    lead, offer = world["stages"]["Lead"], world["stages"]["Offer"]
    refused = say(
        language,
        "This stage has required items that are not done yet: %(items)s. Do them first.",
        items="Needs call",
    )
    login(sam.username, PASSWORD)

    # When Sam drags Big deal from Lead onto Offer on the board
    page.goto(f"/board/?sale_type={world['new'].pk}")
    drag(page, card(page, big.pk), column(page, offer))

    # Then the move dialog says why not, names the item with a way to do it, and offers no way past it
    expect(page.locator("#messages .message--error")).to_contain_text(refused)
    expect(page.locator(".move-on__name")).to_have_text(["Needs call"])
    expect(page.locator(".move-on__do")).to_have_text([say(language, "Do it on the guide")])
    expect(page.get_by_role("button", name=say(language, "Move on anyway"))).to_have_count(0)
    expect(page.locator("textarea[name=override_reason]")).to_have_count(0)
    assert Sale.objects.get(pk=big.pk).stage_id == lead.pk

    # When he tries "Move to this stage" on the guide tab instead
    page.goto(f"/sales/{big.pk}/?tab=guide&all=1")
    page.locator(f"#guide-stage-{offer.pk} .guide-stage__move button").click()

    # Then he is stopped the same way
    expect(page.locator("#messages .message--error")).to_contain_text(refused)
    expect(page.locator(".move-on__name")).to_have_text(["Needs call"])
    assert Sale.objects.get(pk=big.pk).stage_id == lead.pk

    # When Max, a manager, opens the same dialog, gives the reason and moves on anyway
    page.context.clear_cookies()
    login(max_.username, PASSWORD)
    page.goto(f"/sales/{big.pk}/stages/{offer.pk}/move-on/")
    expect(page.locator(".move-on__name")).to_have_text(["Needs call"])
    page.locator("textarea[name=override_reason]").fill("Customer confirmed the needs in writing")
    page.get_by_role("button", name=say(language, "Move on anyway")).click()

    # Then the sale is in Offer, and its History tab says who moved it on and why
    expect(page.locator("#messages .message--success")).to_be_visible()
    moved = Sale.objects.get(pk=big.pk)
    assert moved.stage_id == offer.pk
    page.goto(f"/sales/{big.pk}/?tab=history")
    expect(page.locator(".history__override")).to_have_text(
        say(
            language,
            "Moved on without the required items: %(reason)s",
            reason="Customer confirmed the needs in writing",
        )
    )
