"""A sales manager works the pipeline board in Chromium (SPEC 4.1, 4.9), once in Dutch and once in English: opens
it, filters it, drags a card with the mouse to another column, moves another with the keyboard through its
"Move to" menu, and sees the columns' totals follow; a card moved by someone else meanwhile is refused with a
message and shown at its fresh place.

The words on the page are looked up in the translation catalogue of the manager's language, so the test reads the
page as that user does, whether or not a string has been translated yet."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import translation
from playwright.sync_api import Browser, Locator, Page, expect
from screens_world import PASSWORD as SCREENS_PASSWORD
from screens_world import build_screens_world
from test_accessibility import AXE, BLOCKING, RUN_AXE_JS
from test_layout import LAYOUT_PROBLEMS_JS

from conftest import TIMEOUT_MS
from salesguide.models import Company, Role, Sale, Stage, User
from salesguide.services import catalog, sale_types, sales

PASSWORD = "board-manager-password"


def say(language: str, msgid: str, plural: str | None = None, count: int | None = None, **params: Any) -> str:
    """What the board says in ``language``, placeholders filled in."""
    with translation.override(language):
        if plural is not None and count is not None:
            text = translation.ngettext(msgid, plural, count)
            params["counter"] = count
        else:
            text = translation.gettext(msgid)
    return text % params if params else text


@pytest.fixture
def world(live_server: Any, request: Any) -> dict[str, Any]:
    """ "New customer": Lead (10%) → Offer (50%) → Contract (90%). Max the manager; Sam the salesperson owns
    Small deal (Lead, € 100) and Big deal (ACME BV, Offer, € 1.000); Max owns Boss deal (Offer, € 500)."""
    admin = User.objects.create_user(username="ada", password=PASSWORD, role=Role.ADMIN)
    sam = User.objects.create_user(
        username="sam", password=PASSWORD, role=Role.SALESPERSON, first_name="Sam", last_name="Seller"
    )
    stages = {
        name: catalog.create_stage(admin, name=name, probability=probability)
        for name, probability in (("Lead", 10), ("Offer", 50), ("Contract", 90))
    }
    new = sale_types.create_sale_type(admin, name="New customer", stage_ids=[s.pk for s in stages.values()])
    acme = Company.objects.create(name="ACME BV")
    return {"admin": admin, "sam": sam, "stages": stages, "new": new, "acme": acme}


def manager(language: str) -> User:
    return User.objects.create_user(
        username=f"max-{language}",
        password=PASSWORD,
        role=Role.MANAGER,
        language=language,
        first_name="Max",
        last_name="Manager",
    )


def sale(owner: User, world: dict[str, Any], title: str, amount: int, stage: str, **extra: Any) -> Sale:
    made = sales.create_sale(owner, title=title, sale_type_id=world["new"].pk, amount=amount, **extra)
    if stage != "Lead":
        sales.move_sale_to_stage(owner, made.pk, world["stages"][stage].pk)
    return Sale.objects.get(pk=made.pk)


def column(page: Page, stage: Stage) -> Locator:
    return page.locator(f'[data-board-column][data-stage-id="{stage.pk}"]')


def card(page: Page, sale_id: int) -> Locator:
    return page.locator(f"#board-card-{sale_id}")


def count_of(language: str, count: int) -> str:
    return say(language, "%(counter)s sale", "%(counter)s sales", count)


def drag(page: Page, what: Locator, to: Locator) -> None:
    """Press the mouse on the card's handle, move in small steps onto the column, release: pointer events."""
    grip = what.locator("[data-board-grip]").bounding_box()
    target = to.locator(".board-column__header").bounding_box()
    assert grip is not None and target is not None
    page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
    page.mouse.down()
    page.mouse.move(target["x"] + target["width"] / 2, target["y"] + target["height"] / 2, steps=12)
    page.mouse.up()


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_manager_filters_the_board_drags_a_card_moves_another_by_keyboard_and_sees_the_totals_follow(
    page: Page, login: Callable[..., Page], world: dict[str, Any], language: str
) -> None:
    # Given Max's board with three sales
    max_ = manager(language)
    small = sale(world["sam"], world, "Small deal", 10_000, "Lead")
    big = sale(world["sam"], world, "Big deal", 100_000, "Offer", company_id=world["acme"].pk)
    boss = sale(max_, world, "Boss deal", 50_000, "Offer")
    lead, offer, contract = (world["stages"][name] for name in ("Lead", "Offer", "Contract"))
    login(max_.username, PASSWORD)

    # When he opens the board
    page.goto(f"/board/?sale_type={world['new'].pk}")

    # Then every stage is a column with its totals, and every open sale is on it
    expect(column(page, offer).locator(".board-column__count")).to_have_text(count_of(language, 2))
    expect(column(page, offer).locator(".board-card__title")).to_have_text(["Boss deal", "Big deal"])

    # When he narrows the board to Sam's sales, and to the word "acme"
    page.locator("#board-owner").select_option(str(world["sam"].pk))
    expect(column(page, offer).locator(".board-card__title")).to_have_text(["Big deal"])
    page.locator("#board-search").fill("acme")
    expect(column(page, lead).locator(".board-card")).to_have_count(0)
    expect(page).to_have_url(re.compile(rf"/board/\?sale_type={world['new'].pk}&owner={world['sam'].pk}&q=acme$"))
    # ... and back to everyone's board
    page.locator("#board-search").fill("")
    page.locator("#board-owner").select_option("all")
    expect(column(page, offer).locator(".board-card")).to_have_count(2)

    # When he drags Small deal from Lead onto Contract with the mouse; while dragging, the columns say where it
    # may go
    grip = card(page, small.pk).locator("[data-board-grip]").bounding_box()
    assert grip is not None
    page.mouse.move(grip["x"] + 5, grip["y"] + 5)
    page.mouse.down()
    page.mouse.move(grip["x"] + 40, grip["y"] + 40, steps=5)
    expect(column(page, lead)).to_have_class(re.compile(r"\bis-origin\b"))
    expect(column(page, contract)).to_have_class(re.compile(r"\bis-allowed\b"))
    box = column(page, contract).locator(".board-column__header").bounding_box()
    assert box is not None
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2, steps=12)
    page.mouse.up()

    # Then it is in Contract, both columns' totals follow, and the message says so
    expect(column(page, contract).locator(".board-card__title")).to_have_text(["Small deal"])
    expect(column(page, contract).locator(".board-column__count")).to_have_text(count_of(language, 1))
    expect(column(page, lead).locator(".board-column__count")).to_have_text(count_of(language, 0))
    expect(page.locator("#messages")).to_contain_text(
        say(
            language,
            "“%(title)s” is now in stage “%(stage)s” (%(probability)d%%).",
            title="Small deal",
            stage="Contract",
            probability=90,
        )
    )
    assert Sale.objects.get(pk=small.pk).stage_id == contract.pk

    # When he moves Big deal back to Lead with the keyboard: its "Move to" menu, the stage, the Move button
    menu = card(page, big.pk).locator("summary")
    menu.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(card(page, big.pk).locator("select")).to_be_focused()
    card(page, big.pk).locator("select").select_option(str(lead.pk))
    page.keyboard.press("Tab")
    expect(card(page, big.pk).locator("button[type=submit]")).to_be_focused()
    page.keyboard.press("Enter")

    # Then it is in Lead, and Offer's totals are Boss deal's alone
    expect(column(page, lead).locator(".board-card__title")).to_have_text(["Big deal"])
    expect(column(page, offer).locator(".board-column__count")).to_have_text(count_of(language, 1))
    expect(column(page, offer).locator(".board-column__amount")).to_have_text(
        card(page, boss.pk).locator(".board-card__amount").inner_text()
    )
    assert Sale.objects.get(pk=big.pk).stage_id == lead.pk


@pytest.mark.parametrize("language", ["nl", "en"])
def test_a_card_moved_by_someone_else_meanwhile_is_refused_with_a_message_and_shown_at_its_fresh_place(
    page: Page, login: Callable[..., Page], world: dict[str, Any], language: str
) -> None:
    # Given Max's board is open while Sam moves Big deal to Contract himself
    max_ = manager(language)
    big = sale(world["sam"], world, "Big deal", 100_000, "Offer")
    lead, offer, contract = (world["stages"][name] for name in ("Lead", "Offer", "Contract"))
    login(max_.username, PASSWORD)
    page.goto(f"/board/?sale_type={world['new'].pk}")
    expect(column(page, offer).locator(".board-card__title")).to_have_text(["Big deal"])
    sales.move_sale_to_stage(world["sam"], big.pk, contract.pk)

    # When Max drags the card he sees onto Lead
    drag(page, card(page, big.pk), column(page, lead))

    # Then the move is refused with the reason, and the card is where Sam put it
    stale = (
        "Someone else changed this sale meanwhile (version %(current)d, you had %(yours)d). Reload it and try again."
    )
    expect(page.locator("#messages .message--error")).to_contain_text(say(language, stale, current=3, yours=2))
    expect(column(page, contract).locator(".board-card__title")).to_have_text(["Big deal"])
    expect(column(page, lead).locator(".board-card")).to_have_count(0)
    assert Sale.objects.get(pk=big.pk).stage_id == contract.pk

    # And the card, now fresh, moves when dragged again
    drag(page, card(page, big.pk), column(page, lead))
    expect(column(page, lead).locator(".board-card__title")).to_have_text(["Big deal"])
    assert Sale.objects.get(pk=big.pk).stage_id == lead.pk


@pytest.mark.parametrize("language", ["nl", "en"])
def test_the_board_fits_a_laptop_and_a_phone_and_axe_finds_nothing_serious_when_names_are_long(
    browser: Browser, live_server: Any, language: str
) -> None:
    # Given 100-character stage, sale type and company names and a 200-character sale title
    world = build_screens_world(language)
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, viewport={"width": 1366, "height": 900})
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    try:
        page.goto("/login/")
        page.locator("input[name=username]").fill(world.user.username)
        page.locator("input[name=password]").fill(SCREENS_PASSWORD)
        with page.expect_navigation():
            page.locator("form [type=submit]").first.click()

        # When the board is shown on a laptop and on a phone
        problems, findings = [], []
        for width in (1366, 1280, 390):
            page.set_viewport_size({"width": width, "height": 900})
            page.goto(f"/board/?sale_type={world.long_sale_type.pk}&owner=all")
            expect(page.locator(".board-card__title")).to_have_text([world.long_sale.title])
            problems += [f"{width}px: {p}" for p in page.evaluate(LAYOUT_PROBLEMS_JS, [".board__columns"])]
            page.add_script_tag(path=str(AXE))
            findings += [f"{width}px: {f}" for f in page.evaluate(RUN_AXE_JS, list(BLOCKING))]
    finally:
        context.close()

    # Then only the row of columns scrolls sideways, nothing is cut off, and axe finds nothing serious
    assert not problems, "\n".join(problems)
    assert not findings, "\n".join(findings)
