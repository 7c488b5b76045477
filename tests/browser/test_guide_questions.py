"""The questions the guide asks, as a salesperson meets them in Chromium (issue 9, items 1, 2, 3 and 8), on the
starter guide "Sale to existing customer": Account review (two follow-ups and a document) → Proposal →
Negotiation → Order confirmation.

1. The last open item of a stage may be a document: creating it asks to move on, and a reload asks again.
2. With both questions on screen, answering "Move" keeps the question about the next follow-up.
3. Create in that question opens the follow-up form, prefilled, to change before saving.
8. The last stage, all done, asks to close the sale as sold, which opens the sold form.

What the salesperson did before the step under test is set up through the services, so each test shows the one
step it is about."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from typing import Any

import pytest
from django.utils import timezone
from playwright.sync_api import Locator, Page, expect

from salesguide.models import Activity, Sale, Stage, SuggestedDocument, SuggestedFollowup, User
from salesguide.services import activities, documents, sales
from salesguide.services.starter import load_starter_guides

PASSWORD = "guide-questions-password"
SALE_TYPE = "Sale to existing customer"
ADVANCE = "All items of this stage are done. Move to “{stage}”?"
NEXT = "Create the next suggested follow-up “{name}”?"
CLOSE = "All items of the last stage are done. Close the sale as sold?"


@pytest.fixture
def seller(live_server: Any) -> User:
    load_starter_guides("en")
    return User.objects.create_user(
        username="seller", password=PASSWORD, role="salesperson", language="en", first_name="Sanne", last_name="Seller"
    )


@pytest.fixture
def sale(seller: User) -> Sale:
    from salesguide.models import SaleType

    sale_type = SaleType.objects.get(name=SALE_TYPE, deleted=False)
    return sales.create_sale(seller, title="Extra licences for Jansen", sale_type_id=sale_type.pk)


def followup(name: str) -> SuggestedFollowup:
    return SuggestedFollowup.objects.get(name=name, link__sale_type__name=SALE_TYPE)


def document(name: str) -> SuggestedDocument:
    return SuggestedDocument.objects.get(name=name, link__sale_type__name=SALE_TYPE)


def done(seller: User, sale: Sale, name: str) -> Activity:
    """The follow-up created from its suggestion and completed, as the salesperson did earlier."""
    activity = activities.create_followup_from_suggestion(seller, sale.pk, followup(name).pk)
    activities.complete_activity(seller, activity.pk)
    return activity


def open_card(page: Page, login: Callable[..., Page], sale: Sale) -> Locator:
    login("seller", PASSWORD)
    page.goto(f"/sales/{sale.pk}/")
    return page.locator("#guide-tab")


def dialog(page: Page, title: str) -> Locator:
    return page.get_by_role("dialog", name=title)


def current_stage(page: Page) -> Locator:
    return page.locator(".stagebar__step--current .stagebar__name")


def test_creating_the_stages_last_open_item_as_a_document_asks_to_move_on_also_after_a_reload(
    page: Page, login: Callable[..., Page], seller: User, sale: Sale
) -> None:
    # Given both follow-ups of the first stage created and completed, its document not yet created
    done(seller, sale, "Account review call")
    done(seller, sale, "Account review meeting")
    tab = open_card(page, login, sale)
    expect(page.locator(".stagebar__step--current .stagebar__count")).to_have_text("2 of 3 done")
    expect(page.get_by_role("dialog")).to_have_count(0)

    # When the salesperson creates the stage's document from the guide
    item = tab.locator(".guide-item", has=page.get_by_role("link", name="Meeting confirmation", exact=True))
    item.get_by_role("link", name="Create Meeting confirmation", exact=True).click()
    form = page.get_by_role("form", name="Create document")
    expect(form.get_by_label("Subject")).to_have_value(re.compile("Extra licences for Jansen"))
    form.get_by_role("button", name="Create document", exact=True).click()

    # Then the stage shows 3 of 3 done and the guide asks to move on to the next stage
    expect(page.locator(".stagebar__step--current .stagebar__count")).to_have_text("3 of 3 done")
    advance = dialog(page, ADVANCE.format(stage="Proposal"))
    expect(advance).to_be_visible()
    expect(advance.get_by_role("button", name="Move", exact=True)).to_be_focused()

    # and after a reload it asks again
    page.reload()
    expect(dialog(page, ADVANCE.format(stage="Proposal"))).to_be_visible()

    # "Not now" puts it away while the salesperson looks at another stage; the sale stays where it is
    dialog(page, ADVANCE.format(stage="Proposal")).get_by_role("link", name="Not now").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    page.locator(".stagebar__step", has_text="Negotiation").get_by_role("link").click()
    expect(page.get_by_role("heading", name=re.compile("^Negotiation"))).to_be_visible()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(current_stage(page)).to_have_text("Account review")

    # and answering Move moves the sale
    page.goto(f"/sales/{sale.pk}/")
    with page.expect_navigation():
        dialog(page, ADVANCE.format(stage="Proposal")).get_by_role("button", name="Move", exact=True).click()
    expect(current_stage(page)).to_have_text("Proposal")


def test_both_questions_can_be_answered_one_after_the_other_move_first(
    page: Page, login: Callable[..., Page], seller: User, sale: Sale
) -> None:
    # Given the first stage done but its meeting, which is created and still open
    done(seller, sale, "Account review call")
    documents.create_document_from_suggestion(seller, sale.pk, document("Meeting confirmation").pk)
    meeting = activities.create_followup_from_suggestion(seller, sale.pk, followup("Account review meeting").pk)
    open_card(page, login, sale)

    # When the meeting is ticked: both questions are on screen
    page.get_by_role("checkbox", name=meeting.title).click()
    question = dialog(page, NEXT.format(name="Prepare the quotation"))
    advance = dialog(page, ADVANCE.format(stage="Proposal"))
    expect(question).to_be_visible()
    expect(advance).to_be_visible()

    # When the salesperson answers Move first
    with page.expect_navigation():
        advance.get_by_role("button", name="Move", exact=True).click()

    # Then the sale is in the next stage and the question about the next follow-up is still there
    expect(current_stage(page)).to_have_text("Proposal")
    expect(dialog(page, ADVANCE.format(stage="Proposal"))).to_have_count(0)
    question = dialog(page, NEXT.format(name="Prepare the quotation"))
    expect(question).to_be_visible()

    # and answering it ("always create, don't ask again") creates the follow-up directly
    question.get_by_role("button", name="Always create, don't ask again").click()
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Prepare the quotation")).not_to_be_checked()
    assert Activity.objects.filter(sale=sale, suggested_followup=followup("Prepare the quotation")).count() == 1
    assert User.objects.get(pk=seller.pk).confirm_suggested_followups is False


def test_create_in_the_question_opens_the_followup_form_prefilled_to_change_before_saving(
    page: Page, login: Callable[..., Page], seller: User, sale: Sale
) -> None:
    # Given a colleague to hand the meeting to, and the review call planned for 10 March 2031 at 10:00
    User.objects.create_user(username="colleague", password=PASSWORD, role="salesperson", first_name="Cas")
    zone = timezone.get_default_timezone()
    call = activities.create_followup_from_suggestion(
        seller, sale.pk, followup("Account review call").pk, start=dt.datetime(2031, 3, 10, 10, 0, tzinfo=zone)
    )
    open_card(page, login, sale)

    # When the call is ticked, and the salesperson chooses Create in the question that follows
    page.get_by_role("checkbox", name=call.title).click()
    question = dialog(page, NEXT.format(name="Account review meeting"))
    expect(question).to_be_visible()
    question.get_by_role("link", name="Create", exact=True).click()

    # Then the question holds the follow-up form, prefilled from the suggestion: a week after the call
    form = question.get_by_role("form", name="Create follow-up")
    expect(form.get_by_label("Title", exact=True)).to_have_value("Account review meeting")
    expect(form.get_by_label("Start")).to_have_value("2031-03-17T10:00")
    expect(form.get_by_label("Text")).to_have_value(re.compile("^Bring figures on their use so far"))
    assert not Activity.objects.filter(sale=sale, suggested_followup=followup("Account review meeting")).exists()

    # When the date, the owner and the text are changed and it is saved
    form.get_by_label("Start").fill("2031-03-18T14:30")
    form.get_by_label("Owner").select_option(label="Cas")
    form.get_by_label("Text").fill("Bring the usage figures of last year.")
    form.get_by_role("button", name="Create follow-up", exact=True).click()

    # Then the follow-up is planned as changed, and the question is gone
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_role("checkbox", name="Account review meeting")).not_to_be_checked()
    made = Activity.objects.get(sale=sale, suggested_followup=followup("Account review meeting"))
    assert timezone.localtime(made.start, zone) == dt.datetime(2031, 3, 18, 14, 30, tzinfo=zone)
    assert (made.owner.username, made.text) == ("colleague", "Bring the usage figures of last year.")
    assert User.objects.get(pk=seller.pk).confirm_suggested_followups is True


def test_the_last_stage_all_done_asks_to_close_the_sale_as_sold_and_opens_the_sold_form(
    page: Page, login: Callable[..., Page], seller: User, sale: Sale
) -> None:
    # Given the sale in its last stage, with everything done there but the thank-you call
    last = Stage.objects.get(name="Order confirmation", deleted=False)
    sales.move_sale_to_stage(seller, sale.pk, last.pk)
    done(seller, sale, "Confirm the order")
    documents.create_document_from_suggestion(seller, sale.pk, document("Contract extension").pk)
    thanks = activities.create_followup_from_suggestion(seller, sale.pk, followup("Thank-you call after delivery").pk)
    tab = open_card(page, login, sale)
    expect(page.get_by_role("dialog")).to_have_count(0)

    # When the last item is ticked
    page.get_by_role("checkbox", name=thanks.title).click()

    # Then there is no next stage to move to: the guide asks to close the sale as sold
    question = dialog(page, CLOSE)
    expect(question).to_be_visible()
    expect(page.locator(".stagebar__step--current .stagebar__count")).to_have_text("3 of 3 done")

    # and "Close as sold" opens the sold form; saving it closes the sale
    with page.expect_navigation():
        question.get_by_role("link", name="Close as sold").click()
    assert re.search(rf"/sales/{sale.pk}/sold/$", page.url)
    with page.expect_navigation():
        page.locator("main form [type=submit]").first.click()
    closed = Sale.objects.get(pk=sale.pk)
    assert (closed.status, closed.probability) == ("sold", 100)

    # After closing, the guide is read-only history: no Create, no question, and 100% is not "set by hand"
    page.goto(f"/sales/{sale.pk}/?tab=guide&all=1")
    expect(tab.locator(".guide-item__create")).to_have_count(0)
    expect(page.get_by_role("dialog")).to_have_count(0)
    expect(page.get_by_text("set by hand")).to_have_count(0)
