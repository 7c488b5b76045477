"""A salesperson sells with a starter guide in Chromium (SPEC 3.1–3.8): creates the sale, works it through the
Guide tab — creating follow-ups and documents from suggestions, previewing, completing, answering the
auto-suggest and auto-advance questions, moving stages — closes it as sold, and finds every step in the
History tab. Once in Dutch, once in English.

The words on buttons and questions are looked up in the translation catalogue of the user's language, so the
test reads the page as that user does, whether or not a string has been translated yet."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils import translation
from playwright.sync_api import Locator, Page, expect

from salesguide.models import Activity, Document, Sale, StageChange, User
from salesguide.services.starter import load_starter_guides

PASSWORD = "guide-seller-password"


@dataclass(frozen=True)
class StarterGuide:
    language: str
    sale_type: str
    stages: list[str]  # in guide order
    intro_call: str  # first follow-up of the first stage, not suggested automatically
    research: str  # second follow-up of the first stage, suggested automatically
    confirmation: str  # the first stage's document
    needs_meeting: str  # first follow-up of the second stage
    briefing: str  # second follow-up of the second stage
    summary: str  # the second stage's document
    summary_subject: str  # its subject for a sale titled as below, merge field filled in


DUTCH = StarterGuide(
    language="nl",
    sale_type="Verkoop aan nieuwe klant",
    stages=["Kwalificatie", "Behoefteanalyse", "Demonstratie", "Offerte", "Onderhandeling", "Ondertekening"],
    intro_call="Kennismakingsgesprek",
    research="Verdiep u in het bedrijf",
    confirmation="Bevestiging van de afspraak",
    needs_meeting="Gesprek behoefteanalyse",
    briefing="Interne terugkoppeling van de behoeften",
    summary="Verslag van de behoefteanalyse",
    summary_subject="Naar aanleiding van ons gesprek over Kantoorinrichting Jansen",
)
ENGLISH = StarterGuide(
    language="en",
    sale_type="Sale to new customer",
    stages=["Qualification", "Needs analysis", "Demonstration", "Proposal", "Negotiation", "Contract"],
    intro_call="Introductory phone call",
    research="Research the company",
    confirmation="Meeting confirmation",
    needs_meeting="Needs analysis meeting",
    briefing="Internal briefing on the customer's needs",
    summary="Summary of the needs analysis",
    summary_subject="Following up on our meeting about Office furniture for Jansen",
)
TITLES = {"nl": "Kantoorinrichting Jansen", "en": "Office furniture for Jansen"}


def words(language: str) -> Callable[..., str]:
    """What the UI says in ``language`` for an English msgid, with its placeholders filled in."""

    def say(msgid: str, **params: Any) -> str:
        with translation.override(language):
            text = translation.gettext(msgid)
        return text % params if params else text

    return say


def current_stage(page: Page) -> Locator:
    return page.locator(".stagebar__step--current .stagebar__name")


def suggestion(page: Page, name: str) -> Locator:
    return page.locator("#guide-tab .guide-item").filter(has=page.get_by_role("link", name=name, exact=True))


def sell_with_the_guide(page: Page, login: Callable[..., Page], guide: StarterGuide) -> None:
    say = words(guide.language)
    title = TITLES[guide.language]
    load_starter_guides(guide.language)
    User.objects.create_user(
        username="seller",
        password=PASSWORD,
        role="salesperson",
        language=guide.language,
        first_name="Sanne",
        last_name="Verkoper",
    )
    login("seller", PASSWORD)

    # The salesperson creates a sale of the starter type
    page.goto("/sales/new/")
    page.locator("input[name=title]").fill(title)
    page.locator("select[name=sale_type]").select_option(label=guide.sale_type)
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()
    match = re.search(r"/sales/(\d+)/", page.url)
    assert match, page.url
    sale = Sale.objects.get(pk=int(match.group(1)))
    assert sale.title == title

    # The card opens on the Guide tab: the sale is in the first stage, shown with its suggestions
    tab = page.locator("#guide-tab")
    expect(page.locator(".stagebar__name")).to_have_text(guide.stages)
    expect(current_stage(page)).to_have_text(guide.stages[0])
    expect(suggestion(page, guide.intro_call)).to_be_visible()

    # Previewing a suggested follow-up shows it in the side panel and creates nothing
    tab.get_by_role("link", name=guide.intro_call, exact=True).click()
    panel = page.locator("#preview-panel")
    expect(panel.get_by_text(say("Follow-up preview"))).to_be_visible()
    expect(panel.get_by_text(title)).to_be_visible()
    assert not Activity.objects.filter(sale=sale).exists()

    # Create from the suggestion: a pre-filled form; saving shows the follow-up with its checkbox
    intro = suggestion(page, guide.intro_call)
    intro.get_by_role("link", name=f"{say('Create')} {guide.intro_call}", exact=True).click()
    form = page.get_by_role("form", name=say("Create follow-up"))
    expect(form.get_by_label(say("Title"), exact=True)).to_have_value(guide.intro_call)
    form.get_by_role("button", name=say("Create follow-up"), exact=True).click()
    expect(page.get_by_role("checkbox", name=guide.intro_call)).not_to_be_checked()

    # and the stage's document, with its merge fields filled in
    confirmation = suggestion(page, guide.confirmation)
    confirmation.get_by_role("link", name=f"{say('Create')} {guide.confirmation}", exact=True).click()
    form = page.get_by_role("form", name=say("Create document"))
    expect(form.get_by_label(say("Subject"))).to_have_value(re.compile(re.escape(title)))
    form.get_by_role("button", name=say("Create document"), exact=True).click()
    expect(suggestion(page, guide.confirmation).get_by_role("link", name=say("Create another"))).to_be_visible()

    # Completing the first follow-up offers the next suggested one; Create opens its form, prefilled, to save
    page.get_by_role("checkbox", name=guide.intro_call).click()
    question = page.get_by_role(
        "dialog", name=say("Create the next suggested follow-up “%(name)s”?", name=guide.research)
    )
    expect(question).to_be_visible()
    question.get_by_role("link", name=say("Create"), exact=True).click()
    form = question.get_by_role("form", name=say("Create follow-up"))
    expect(form.get_by_label(say("Title"), exact=True)).to_have_value(guide.research)
    form.get_by_role("button", name=say("Create follow-up"), exact=True).click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("checkbox", name=guide.intro_call)).to_be_checked()
    expect(page.get_by_role("checkbox", name=guide.research)).not_to_be_checked()

    # Completing the stage's last item asks about the next suggested follow-up (first of the next stage) and
    # about moving on; "always create" creates it and stores the preference
    page.get_by_role("checkbox", name=guide.research).click()
    question = page.get_by_role(
        "dialog", name=say("Create the next suggested follow-up “%(name)s”?", name=guide.needs_meeting)
    )
    advance = page.get_by_role(
        "dialog", name=say("All items of this stage are done. Move to “%(stage)s”?", stage=guide.stages[1])
    )
    expect(question).to_be_visible()
    expect(advance).to_be_visible()
    question.get_by_role("button", name=say("Always create, don't ask again")).click()
    expect(question).to_have_count(0)
    assert User.objects.get(username="seller").confirm_suggested_followups is False
    advance = page.get_by_role(
        "dialog", name=say("All items of this stage are done. Move to “%(stage)s”?", stage=guide.stages[1])
    )
    with page.expect_navigation():
        advance.get_by_role("button", name=say("Move"), exact=True).click()
    expect(current_stage(page)).to_have_text(guide.stages[1])
    expect(page.locator(".stagebar__step--completed .stagebar__count").first).to_have_text(
        say("%(done)s of %(total)s done", done=3, total=3)
    )

    # In the second stage, completing the created follow-up creates the next one without asking
    page.get_by_role("checkbox", name=guide.needs_meeting).click()
    expect(page.get_by_role("checkbox", name=guide.briefing)).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.locator("#messages")).to_contain_text(guide.briefing)

    # Previewing the stage's document shows its subject for this sale, without creating it
    tab.get_by_role("link", name=guide.summary, exact=True).click()
    expect(panel.get_by_text(say("Document preview"))).to_be_visible()
    expect(panel.get_by_text(guide.summary_subject).first).to_be_visible()
    assert not Document.objects.filter(sale=sale, suggested_document__name=guide.summary).exists()

    # Picking a later stage in the bar shows its suggestions without moving the sale; then move there
    negotiation = guide.stages[4]
    page.locator(".stagebar__step", has_text=negotiation).get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile(f"^{re.escape(negotiation)}"))).to_be_visible()
    expect(current_stage(page)).to_have_text(guide.stages[1])
    with page.expect_navigation():
        page.get_by_role("button", name=f"{say('Move to this stage')} {negotiation}").click()
    expect(current_stage(page)).to_have_text(negotiation)

    # Closing the sale as sold
    page.goto(f"/sales/{sale.pk}/sold/")
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()
    sale.refresh_from_db()
    assert (sale.status, sale.probability) == ("sold", 100)

    # The History tab shows every step: created, the two moves, sold
    page.goto(f"/sales/{sale.pk}/?tab=history")
    rows = page.locator("main table tbody tr")
    expect(rows).to_have_count(4)
    expect(rows.nth(0)).to_contain_text(guide.stages[0])
    expect(rows.nth(1)).to_contain_text(f"{guide.stages[0]} → {guide.stages[1]}")
    expect(rows.nth(2)).to_contain_text(f"{guide.stages[1]} → {negotiation}")
    expect(rows.nth(3)).to_contain_text("100%")
    for row in range(4):
        expect(rows.nth(row)).to_contain_text("Sanne Verkoper")
    assert [c.kind for c in StageChange.objects.filter(sale=sale).order_by("at", "id")] == [
        "created",
        "stage",
        "stage",
        "sold",
    ]
    assert Activity.objects.filter(sale=sale).count() == 4
    assert Activity.objects.filter(sale=sale, completed_at__isnull=False).count() == 3
    assert Document.objects.filter(sale=sale).count() == 1


def test_a_dutch_salesperson_sells_to_a_new_customer_with_the_starter_guide(
    page: Page, live_server: Any, login: Callable[..., Page]
) -> None:
    sell_with_the_guide(page, login, DUTCH)


def test_an_english_salesperson_sells_to_a_new_customer_with_the_starter_guide(
    page: Page, live_server: Any, login: Callable[..., Page]
) -> None:
    sell_with_the_guide(page, login, ENGLISH)
