"""Configuring exit criteria in the web (SPEC 6.3, issue 12): the "required before leaving this stage" checkbox
on the designer's follow-up and document forms with its mark in the designer's lists, the exit-criteria mode on
the sale type form and in the wizard, and the "Required" badge on a sale's guide tab — in English and Dutch."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from salesguide.models import SaleType, SuggestedDocument, SuggestedFollowup
from salesguide.services import catalog, customers, guides, sale_types, sales, templates

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(response: Any) -> str:
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_error(response: Any, field_id: str) -> str:
    html = response.content.decode()
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def required_badges(response: Any) -> list[tuple[str, str]]:
    """Each "Required" mark on the page: (its title, the name of the suggestion it is in)."""
    html = response.content.decode()
    found = []
    for item in re.finditer(r'<li class="suggestion[^"]*"[^>]*>(.*?)</li>', html, flags=re.S):
        badge = re.search(r'<span class="badge[^"]*badge--required"[^>]*title="([^"]*)"', item.group(1))
        if badge:
            name = re.sub(r"<[^>]+>", " ", re.search(r'class="suggestion__name">(.*?)</p>', item.group(1), re.S)[1])
            found.append((badge.group(1), re.sub(r"\s+", " ", name).strip()))
    return found


@pytest.fixture
def setup(admin_user: Any) -> dict[str, Any]:
    lead = catalog.create_stage(admin_user, name="Lead", probability=10)
    offer = catalog.create_stage(admin_user, name="Offer", probability=50)
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15)
    quote = templates.create_text_template(admin_user, name="Quotation mail", kind="email", body="Dear {{ contact }}")
    sale_type = sale_types.create_sale_type(
        admin_user, name="Sale to new customer", stage_ids=[lead.pk, offer.pk], has_guide=True
    )
    return {"lead": lead, "offer": offer, "call": call, "quote": quote, "sale_type": sale_type}


def add_url(setup: dict[str, Any], kind: str) -> str:
    return reverse("guides:suggestion_add", args=[setup["sale_type"].pk, setup["lead"].pk, kind])


def dutch_admin(make_user: Any) -> Client:
    client = Client()
    client.force_login(make_user("beheerder", "admin", language="nl"))
    return client


# --- the designer ---------------------------------------------------------------------------------------------


def test_the_add_forms_offer_a_required_checkbox_and_a_ticked_one_is_saved_and_marked_in_the_list(admin_client, setup):
    # Given the designer shows both add forms with the checkbox
    designer = admin_client.get(reverse("guides:designer", args=[setup["sale_type"].pk]))
    html = designer.content.decode()
    assert 'type="checkbox" name="followups-new-required"' in html
    assert 'type="checkbox" name="documents-new-required"' in html
    assert "Required before leaving this stage" in text_of(designer)

    # When the admin adds a required follow-up and a document that is not required
    followups = admin_client.post(
        add_url(setup, "followups"),
        {
            "followups-new-name": "Decision call",
            "followups-new-activity_type": setup["call"].pk,
            "followups-new-days_offset": "0",
            "followups-new-required": "on",
        },
        **HTMX,
    )
    documents = admin_client.post(
        add_url(setup, "documents"),
        {"documents-new-name": "Brochure", "documents-new-template": setup["quote"].pk},
        **HTMX,
    )

    # Then the follow-up column marks the follow-up, the document column marks nothing
    assert followups.status_code == documents.status_code == 200
    assert [name for _title, name in required_badges(followups)] == ["Decision call Required"]
    assert required_badges(documents) == []
    assert SuggestedFollowup.objects.get(name="Decision call").required is True
    assert SuggestedDocument.objects.get(name="Brochure").required is False


def test_editing_a_document_ticks_and_unticks_required_and_the_designer_list_follows(admin_client, admin_user, setup):
    # Given
    document = guides.add_suggested_document(
        admin_user, setup["sale_type"].pk, setup["lead"].pk, name="Quotation", template_id=setup["quote"].pk
    )
    edit = reverse("guides:suggestion_edit", args=["documents", document.pk])
    fields = {"documents-edit-name": "Quotation", "documents-edit-template": setup["quote"].pk}
    designer = reverse("guides:designer", args=[setup["sale_type"].pk])

    # When it is marked required
    admin_client.post(edit, {**fields, "documents-edit-required": "on"}, **HTMX)

    # Then the designer marks it, and its edit form shows the box ticked
    page = admin_client.get(designer)
    assert [name for _title, name in required_badges(page)] == ["Quotation Required"]
    form = admin_client.get(edit, **HTMX).content.decode()
    assert re.search(r'name="documents-edit-required"[^>]*checked', form)

    # When it is unmarked
    admin_client.post(edit, {**fields}, **HTMX)

    # Then
    assert SuggestedDocument.objects.get(pk=document.pk).required is False
    assert required_badges(admin_client.get(designer)) == []


def test_the_preview_of_a_guide_marks_its_required_items_as_a_salesperson_will_see_them(
    admin_client, admin_user, setup
):
    # Given
    guides.add_suggested_followup(
        admin_user,
        setup["sale_type"].pk,
        setup["lead"].pk,
        name="Decision call",
        activity_type_id=setup["call"].pk,
        required=True,
    )
    sale_types.update_sale_type(admin_user, setup["sale_type"].pk, exit_criteria="warn")

    # When
    preview = admin_client.get(reverse("guides:preview", args=[setup["sale_type"].pk]))

    # Then
    title = "Required before leaving this stage: moving on without it gives a warning"
    assert required_badges(preview) == [(title, "Decision call Required")]


# --- the sale type form and the wizard -------------------------------------------------------------------------


def sale_type_data(setup: dict[str, Any], **overrides: Any) -> dict[str, Any]:
    return {
        "name": "Sale to new customer",
        "duration_unit": "days",
        "probability_policy": "follow_stage",
        "has_guide": "on",
        "stage_ids": [setup["lead"].pk, setup["offer"].pk],
        "op": "save",
        **overrides,
    }


def test_the_sale_type_form_offers_the_three_modes_each_explained_and_saves_the_chosen_one(admin_client, setup):
    # Given
    edit = reverse("guides:sale_type_edit", args=[setup["sale_type"].pk])
    form = admin_client.get(edit)

    # Then the form shows the three modes with their explanation, "off" chosen
    page = text_of(form)
    assert "Exit criteria" in page
    assert "Off: required items are only marked" in page
    assert "Warn: the move is made, with a warning of what is missing" in page
    assert "Block: only a manager or an administrator may move on, with a reason" in page
    assert re.search(r'name="exit_criteria" value="off"[^>]*checked', form.content.decode())

    # When
    saved = admin_client.post(edit, sale_type_data(setup, exit_criteria="block"))

    # Then
    assert saved.status_code == 302
    assert SaleType.objects.get(pk=setup["sale_type"].pk).exit_criteria == "block"
    assert re.search(r'name="exit_criteria" value="block"[^>]*checked', admin_client.get(edit).content.decode())


def test_an_unknown_exit_criteria_mode_is_refused_next_to_the_field_and_nothing_changes(admin_client, setup):
    # When
    response = admin_client.post(
        reverse("guides:sale_type_edit", args=[setup["sale_type"].pk]),
        sale_type_data(setup, exit_criteria="strict", name="Renamed"),
    )

    # Then
    assert response.status_code == 422
    assert "Select a valid choice" in field_error(response, "id_exit_criteria")
    sale_type = SaleType.objects.get(pk=setup["sale_type"].pk)
    assert (sale_type.name, sale_type.exit_criteria) == ("Sale to new customer", "off")


def test_a_sale_type_form_sent_without_the_mode_keeps_the_mode_it_had(admin_client, admin_user, setup):
    # Given
    sale_types.update_sale_type(admin_user, setup["sale_type"].pk, exit_criteria="warn")

    # When
    admin_client.post(reverse("guides:sale_type_edit", args=[setup["sale_type"].pk]), sale_type_data(setup))

    # Then
    assert SaleType.objects.get(pk=setup["sale_type"].pk).exit_criteria == "warn"


def test_the_wizard_asks_for_the_exit_criteria_when_switching_the_guide_on(admin_client, admin_user, setup):
    # Given a sale type without a guide
    plain = sale_types.create_sale_type(
        admin_user, name="Repeat order", stage_ids=[setup["lead"].pk, setup["offer"].pk]
    )
    step = reverse("guides:wizard_guide", args=[plain.pk])

    # When
    page = admin_client.get(step)
    switched = admin_client.post(step, {"probability_policy": "follow_stage", "exit_criteria": "warn"})

    # Then
    assert "Warn: the move is made, with a warning of what is missing" in text_of(page)
    assert switched.status_code == 302
    plain.refresh_from_db()
    assert (plain.has_guide, plain.exit_criteria) == (True, "warn")


def test_the_designer_and_the_sale_type_form_speak_dutch(make_user, admin_user, setup):
    # Given
    guides.add_suggested_followup(
        admin_user,
        setup["sale_type"].pk,
        setup["lead"].pk,
        name="Beslisgesprek",
        activity_type_id=setup["call"].pk,
        required=True,
    )
    client = dutch_admin(make_user)

    # When
    designer = client.get(reverse("guides:designer", args=[setup["sale_type"].pk]))
    form = client.get(reverse("guides:sale_type_edit", args=[setup["sale_type"].pk]))

    # Then
    assert "Verplicht voordat de verkoop deze fase verlaat" in text_of(designer)
    assert [name for _title, name in required_badges(designer)] == ["Beslisgesprek Verplicht"]
    assert "Fasevoorwaarden" in text_of(form)
    assert "Blokkeren: alleen een verkoopmanager of beheerder mag verder, met een reden" in text_of(form)


# --- the guide tab --------------------------------------------------------------------------------------------


@pytest.fixture
def sale_on_guide(admin_user: Any, setup: dict[str, Any]) -> Any:
    guides.add_suggested_followup(
        admin_user, setup["sale_type"].pk, setup["lead"].pk, name="Intro call", activity_type_id=setup["call"].pk
    )
    guides.add_suggested_followup(
        admin_user,
        setup["sale_type"].pk,
        setup["lead"].pk,
        name="Decision call",
        activity_type_id=setup["call"].pk,
        required=True,
    )
    guides.add_suggested_document(
        admin_user,
        setup["sale_type"].pk,
        setup["lead"].pk,
        name="Quotation",
        template_id=setup["quote"].pk,
        required=True,
    )
    company = customers.create_company(admin_user, name="Acme")
    return sales.create_sale(
        admin_user, title="Ten licences", sale_type_id=setup["sale_type"].pk, company_id=company.pk
    )


@pytest.mark.parametrize(
    ("mode", "title"),
    [
        ("off", "Required before leaving this stage (the exit criteria of this sale type are off: only marked)"),
        ("warn", "Required before leaving this stage: moving on without it gives a warning"),
        ("block", "Required before leaving this stage: must be done before moving on"),
    ],
)
def test_the_guide_tab_marks_required_items_with_what_the_mode_means(
    admin_client, admin_user, setup, sale_on_guide, mode, title
):
    # Given
    sale_types.update_sale_type(admin_user, setup["sale_type"].pk, exit_criteria=mode)

    # When
    tab = admin_client.get(reverse("sales:card", args=[sale_on_guide.pk]), {"tab": "guide"})

    # Then
    assert tab.status_code == 200
    assert required_badges(tab) == [(title, "Decision call Required"), (title, "Quotation Required")]


def test_the_guide_tab_marks_required_items_in_dutch(make_user, admin_user, setup, sale_on_guide):
    # Given
    sale_types.update_sale_type(admin_user, setup["sale_type"].pk, exit_criteria="block")
    client = dutch_admin(make_user)

    # When
    tab = client.get(reverse("sales:card", args=[sale_on_guide.pk]), {"tab": "guide"})

    # Then
    title = "Verplicht voordat de verkoop deze fase verlaat: moet gedaan zijn voordat de verkoop verder kan"
    assert required_badges(tab) == [(title, "Decision call Verplicht"), (title, "Quotation Verplicht")]
