"""The administrator's guide pages under /settings/guides/, through the Django test client: sale types, the
guide designer (with htmx and without), the five-step wizard, the preview, and guides as files."""

from __future__ import annotations

import re
from typing import Any

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from salesguide.models import SaleType, Stage, SuggestedDocument, SuggestedFollowup
from salesguide.queries.guides import guide_of_sale_type
from salesguide.services import catalog, guide_files, guides, sale_types, templates

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def text_of(response: Any) -> str:
    """The page as a reader sees it: tags dropped, whitespace collapsed."""
    html = response.content.decode()
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


def field_error(response: Any, field_id: str) -> str:
    """The error text shown next to the input with ``field_id``."""
    html = response.content.decode()
    match = re.search(rf'id="{re.escape(field_id)}_error">(.*?)</div>', html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


@pytest.fixture
def setup(admin_user: Any) -> dict[str, Any]:
    """Three stages, an activity type, a template, and a sale type "Sale to new customer" using two stages."""
    lead = catalog.create_stage(admin_user, name="Lead", probability=10, description="First contact made.")
    offer = catalog.create_stage(admin_user, name="Offer", probability=50, description="A quotation is out.")
    won = catalog.create_stage(admin_user, name="Negotiation", probability=80)
    call = catalog.create_activity_type(admin_user, name="Phone call (out)", kind="call", default_duration_minutes=15)
    quote = templates.create_text_template(admin_user, name="Quotation mail", kind="email", body="Dear {{ contact }}")
    sale_type = sale_types.create_sale_type(
        admin_user, name="Sale to new customer", stage_ids=[lead.pk, offer.pk], has_guide=True
    )
    return {
        "lead": lead,
        "offer": offer,
        "negotiation": won,
        "call": call,
        "quote": quote,
        "sale_type": sale_type,
    }


def followup_data(activity_type_id: int, prefix: str = "followups-new", **overrides: Any) -> dict[str, Any]:
    data = {
        "name": "Introduction call",
        "purpose": "Learn what the customer needs before we propose anything.",
        "activity_type": activity_type_id,
        "days_offset": 2,
        "duration_minutes": "",
        "text": "",
        **overrides,
    }
    return {f"{prefix}-{key}": value for key, value in data.items()}


def add_followup(admin: Any, setup: dict[str, Any], name: str, stage: str = "lead") -> SuggestedFollowup:
    return guides.add_suggested_followup(
        admin,
        setup["sale_type"].pk,
        setup[stage].pk,
        name=name,
        purpose=f"Why {name}",
        activity_type_id=setup["call"].pk,
    )


def add_url(setup: dict[str, Any], kind: str = "followups", stage: str = "lead") -> str:
    return reverse("guides:suggestion_add", args=[setup["sale_type"].pk, setup[stage].pk, kind])


def names_in_stage(sale_type: SaleType, stage: Stage, kind: str = "followups") -> list[str]:
    guide_stage = next(s for s in guide_of_sale_type(sale_type).stages if s.stage_id == stage.pk)
    return [item.name for item in getattr(guide_stage, kind)]


# --- the designer: suggestions ------------------------------------------------------------------------


def test_adding_a_follow_up_with_htmx_answers_with_just_the_updated_column_and_a_confirmation(admin_client, setup):
    # Given the designer of a sale type, when the admin adds a follow-up to its first stage through htmx
    response = admin_client.post(add_url(setup), followup_data(setup["call"].pk), **HTMX)

    # then the answer is the follow-up column alone, showing the new follow-up with its purpose
    html = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in html
    assert 'id="followups-column"' in html
    assert "Introduction call" in text_of(response)
    assert "Learn what the customer needs before we propose anything." in text_of(response)
    # and the confirmation replaces the page's message area out of band
    assert 'hx-swap-oob="true"' in html
    assert "Follow-up “Introduction call” added." in text_of(response)
    # and it is saved on that stage of that sale type
    assert names_in_stage(setup["sale_type"], setup["lead"]) == ["Introduction call"]


def test_adding_a_follow_up_without_javascript_returns_to_the_designer_on_the_same_stage(admin_client, setup):
    # Given the designer, when the admin adds a follow-up with a plain form post
    response = admin_client.post(add_url(setup, stage="offer"), followup_data(setup["call"].pk))

    # then the browser goes back to the designer on that stage, which confirms and lists the follow-up
    designer = reverse("guides:designer", args=[setup["sale_type"].pk])
    assert response.status_code == 302
    assert response["Location"] == f"{designer}?stage={setup['offer'].pk}"
    page = admin_client.get(response["Location"])
    assert "Follow-up “Introduction call” added." in text_of(page)
    assert "Introduction call" in text_of(page)
    assert names_in_stage(setup["sale_type"], setup["offer"]) == ["Introduction call"]


def test_a_follow_up_without_a_name_is_refused_with_the_message_next_to_the_name(admin_client, setup):
    # Given the add form, when the admin leaves the name empty (with htmx, then without)
    with_htmx = admin_client.post(add_url(setup), followup_data(setup["call"].pk, name=""), **HTMX)
    without = admin_client.post(add_url(setup), followup_data(setup["call"].pk, name="  "))

    # then both show "A name is required." next to the name field, and nothing is saved
    assert with_htmx.status_code == 200
    assert field_error(with_htmx, "id_followups-new-name") == "A name is required."
    assert without.status_code == 422
    assert field_error(without, "id_followups-new-name") == "A name is required."
    assert not SuggestedFollowup.objects.exists()


def test_a_follow_up_with_a_days_offset_that_is_not_a_number_is_refused_next_to_that_field(admin_client, setup):
    response = admin_client.post(add_url(setup), followup_data(setup["call"].pk, days_offset="soon"), **HTMX)

    assert field_error(response, "id_followups-new-days_offset") == "Enter a whole number."
    assert not SuggestedFollowup.objects.exists()


def test_editing_a_follow_up_with_htmx_shows_the_form_in_place_and_saves_it(admin_client, admin_user, setup):
    # Given a follow-up
    item = add_followup(admin_user, setup, "Introduction call")
    edit_url = reverse("guides:suggestion_edit", args=["followups", item.pk])

    # when the admin clicks edit, the column comes back with the form filled in for that follow-up
    form = admin_client.get(edit_url, **HTMX)
    assert 'id="followups-column"' in form.content.decode()
    assert 'value="Introduction call"' in form.content.decode()

    # and when the admin saves a new name and tick "automatically suggest"
    data = followup_data(setup["call"].pk, prefix="followups-edit", name="Discovery call", auto_suggest="on")
    response = admin_client.post(edit_url, data, **HTMX)

    # then the column shows the new name, and the follow-up is saved with it
    assert "Discovery call" in text_of(response)
    assert "Follow-up “Discovery call” saved." in text_of(response)
    item.refresh_from_db()
    assert (item.name, item.auto_suggest, item.days_offset) == ("Discovery call", True, 2)


def test_editing_a_follow_up_without_javascript_uses_its_own_page_and_returns_to_the_designer(
    admin_client, admin_user, setup
):
    item = add_followup(admin_user, setup, "Introduction call")
    edit_url = reverse("guides:suggestion_edit", args=["followups", item.pk])

    page = admin_client.get(edit_url)
    assert page.status_code == 200
    assert "Edit “Introduction call”" in text_of(page)

    response = admin_client.post(edit_url, followup_data(setup["call"].pk, prefix="followups-edit", name="Visit"))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.name == "Visit"


def test_moving_follow_ups_up_and_down_changes_their_order_in_the_guide(admin_client, admin_user, setup):
    # Given three follow-ups in a stage
    first, second, third = (add_followup(admin_user, setup, name) for name in ("Call", "Visit", "Mail"))

    # when the admin moves the third up (with htmx) and the first down (without)
    up = admin_client.post(reverse("guides:suggestion_move", args=["followups", third.pk]), {"direction": "up"}, **HTMX)
    admin_client.post(reverse("guides:suggestion_move", args=["followups", first.pk]), {"direction": "down"})

    # then the htmx answer already listed the new order, and the guide has the final one
    shown = text_of(up)
    assert shown.index("Call") < shown.index("Mail") < shown.index("Visit")
    assert names_in_stage(setup["sale_type"], setup["lead"]) == ["Mail", "Call", "Visit"]


def test_deleting_a_follow_up_hides_it_from_the_guide_and_it_can_be_restored(admin_client, admin_user, setup):
    # Given a follow-up
    item = add_followup(admin_user, setup, "Introduction call")

    # when the admin deletes it
    response = admin_client.post(reverse("guides:suggestion_delete", args=["followups", item.pk]), **HTMX)

    # then the guide no longer shows it, the row is kept (soft delete), and the column offers to restore it
    assert names_in_stage(setup["sale_type"], setup["lead"]) == []
    assert SuggestedFollowup.objects.get(pk=item.pk).deleted is True
    assert "Follow-up “Introduction call” deleted." in text_of(response)
    assert "1 deleted" in text_of(response)
    assert reverse("guides:suggestion_restore", args=["followups", item.pk]) in response.content.decode()

    # and restoring brings it back
    admin_client.post(reverse("guides:suggestion_restore", args=["followups", item.pk]))
    assert names_in_stage(setup["sale_type"], setup["lead"]) == ["Introduction call"]


def test_an_admin_adds_edits_and_deletes_a_suggested_document(admin_client, setup):
    # Given the designer, when the admin adds a document with a template
    data = {
        "documents-new-name": "Quotation",
        "documents-new-purpose": "Put our offer in writing.",
        "documents-new-template": setup["quote"].pk,
        "documents-new-subject": "Our offer",
        "documents-new-our_reference": "{{ sale.id }}",
    }
    added = admin_client.post(add_url(setup, "documents", "offer"), data, **HTMX)

    # then the document column shows it with its purpose and template
    assert 'id="documents-column"' in added.content.decode()
    assert "Put our offer in writing." in text_of(added)
    assert "Quotation mail" in text_of(added)
    document = SuggestedDocument.objects.get()
    assert (document.subject, document.our_reference) == ("Our offer", "{{ sale.id }}")

    # when the admin renames it and then deletes it
    edit = {key.replace("-new-", "-edit-"): value for key, value in data.items()} | {"documents-edit-name": "Offer"}
    admin_client.post(reverse("guides:suggestion_edit", args=["documents", document.pk]), edit, **HTMX)
    assert names_in_stage(setup["sale_type"], setup["offer"], "documents") == ["Offer"]
    admin_client.post(reverse("guides:suggestion_delete", args=["documents", document.pk]))

    # then it is gone from the guide
    assert names_in_stage(setup["sale_type"], setup["offer"], "documents") == []


def test_a_document_without_a_template_is_refused_next_to_the_template_field(admin_client, setup):
    response = admin_client.post(
        add_url(setup, "documents"), {"documents-new-name": "Quotation", "documents-new-template": ""}, **HTMX
    )

    assert field_error(response, "id_documents-new-template") == "Choose a document template."
    assert not SuggestedDocument.objects.exists()


def test_the_designer_shows_the_stages_in_order_and_the_selected_stage(admin_client, admin_user, setup):
    add_followup(admin_user, setup, "Send the offer", stage="offer")

    page = admin_client.get(reverse("guides:designer", args=[setup["sale_type"].pk]), {"stage": setup["offer"].pk})

    shown = text_of(page)
    assert page.status_code == 200
    assert shown.index("Lead 10%") < shown.index("Offer 50%")
    assert "A quotation is out." in shown
    assert "Send the offer" in shown


def test_selecting_a_stage_with_htmx_swaps_only_the_designer_body(admin_client, setup):
    url = reverse("guides:designer", args=[setup["sale_type"].pk])

    response = admin_client.get(url, {"stage": setup["offer"].pk}, **HTMX)

    html = response.content.decode()
    assert "<html" not in html
    assert html.lstrip().startswith('<div id="designer"')
    assert "A quotation is out." in text_of(response)


def test_expected_days_per_stage_are_saved_and_bad_values_are_refused_next_to_the_field(admin_client, setup):
    url = reverse("guides:set_expected_days", args=[setup["sale_type"].pk, setup["lead"].pk])

    admin_client.post(url, {"expected_days": "7", "stage": setup["lead"].pk})
    refused = admin_client.post(url, {"expected_days": "-3", "stage": setup["lead"].pk}, **HTMX)

    assert guide_of_sale_type(setup["sale_type"]).stages[0].expected_days == 7
    assert field_error(refused, "id_expected_days") == "Enter a whole number from 0 to 3650."


# --- the guide switch --------------------------------------------------------------------------------------


def test_a_sale_type_with_one_stage_cannot_be_linked_to_a_guide_and_the_form_says_why(admin_client, setup):
    # Given the sale type form, when the admin ticks "linked to a guide" with a single stage
    response = admin_client.post(
        reverse("guides:sale_type_create"),
        {
            "name": "Quick sale",
            "duration": "2",
            "duration_unit": "weeks",
            "probability_policy": "follow_stage",
            "has_guide": "on",
            "stage_ids": [setup["lead"].pk],
            "op": "save",
        },
    )

    # then the form comes back with the rule next to the guide switch, and nothing is saved
    assert response.status_code == 422
    assert field_error(response, "id_has_guide") == "A guide needs at least 2 stages; this sale type has 1."
    assert "A guide cannot be switched on with fewer than two stages." in text_of(response)
    assert not SaleType.objects.filter(name="Quick sale").exists()


def test_the_designer_offers_add_stages_for_a_type_with_fewer_than_two_stages(admin_client, admin_user, setup):
    single = sale_types.create_sale_type(admin_user, name="Quick sale", stage_ids=[setup["lead"].pk])

    page = admin_client.get(reverse("guides:designer", args=[single.pk]))

    assert "A guide cannot be switched on with fewer than two stages." in text_of(page)
    assert "Add stages" in text_of(page)
    assert reverse("guides:sale_type_edit", args=[single.pk]) in page.content.decode()
    assert "Turn on the guide" not in text_of(page)


def test_deactivating_and_reactivating_a_guide_keeps_every_suggestion(admin_client, admin_user, setup):
    # Given a guide with a follow-up and a document
    add_followup(admin_user, setup, "Introduction call")
    guides.add_suggested_document(
        admin_user, setup["sale_type"].pk, setup["offer"].pk, name="Quotation", template_id=setup["quote"].pk
    )
    before = guide_of_sale_type(setup["sale_type"]).stages
    url = reverse("guides:set_guide_active", args=[setup["sale_type"].pk])

    # when the admin deactivates it
    off = admin_client.post(url, {"active": "0"}, **HTMX)

    # then the designer says the guide is off and its suggestions are kept, and it offers to turn it on
    assert "Its 2 suggestions are kept and come back when you turn the guide on." in text_of(off)
    assert "Turn on the guide" in text_of(off)
    assert SaleType.objects.get(pk=setup["sale_type"].pk).has_guide is False

    # and when the admin turns it on again, every suggestion is there as before
    admin_client.post(url, {"active": "1"})
    assert SaleType.objects.get(pk=setup["sale_type"].pk).has_guide is True
    assert guide_of_sale_type(setup["sale_type"]).stages == before


# --- sale types --------------------------------------------------------------------------------------------


def test_arranging_stages_in_the_sale_type_form_reorders_without_saving(admin_client, setup):
    url = reverse("guides:sale_type_edit", args=[setup["sale_type"].pk])
    base = {"name": "Sale to new customer", "duration_unit": "days", "probability_policy": "follow_stage"}

    added = admin_client.post(
        url,
        {
            **base,
            "stage_ids": [setup["lead"].pk, setup["offer"].pk],
            "add_stage": setup["negotiation"].pk,
            "op": "add",
        },
        **HTMX,
    )
    moved = admin_client.post(
        url,
        {
            **base,
            "stage_ids": [setup["lead"].pk, setup["offer"].pk, setup["negotiation"].pk],
            "op": f"up:{setup['negotiation'].pk}",
        },
        **HTMX,
    )

    assert text_of(added).index("Offer") < text_of(added).index("Negotiation")
    order = re.findall(r'name="stage_ids" value="(\d+)"', moved.content.decode())
    assert order == [str(setup["lead"].pk), str(setup["negotiation"].pk), str(setup["offer"].pk)]
    assert [link.stage.name for link in sale_types.active_links(setup["sale_type"])] == ["Lead", "Offer"]


def test_saving_the_sale_type_form_stores_the_stages_in_the_chosen_order(admin_client, setup):
    response = admin_client.post(
        reverse("guides:sale_type_edit", args=[setup["sale_type"].pk]),
        {
            "name": "Sale to new customer",
            "description": "For first orders.",
            "duration": "3",
            "duration_unit": "months",
            "probability_policy": "keep_manual",
            "has_guide": "on",
            "auto_advance": "on",
            "stage_ids": [setup["offer"].pk, setup["negotiation"].pk, setup["lead"].pk],
            "op": "save",
        },
    )

    assert response.status_code == 302
    sale_type = SaleType.objects.get(pk=setup["sale_type"].pk)
    assert (sale_type.duration, sale_type.duration_unit, sale_type.probability_policy) == (
        3,
        "months",
        "keep_manual",
    )
    assert sale_type.auto_advance is True
    assert [link.stage.name for link in sale_types.active_links(sale_type)] == [
        "Offer",
        "Negotiation",
        "Lead",
    ]


def test_saving_the_sale_type_form_with_htmx_sends_the_browser_to_the_list(admin_client, setup):
    response = admin_client.post(
        reverse("guides:sale_type_create"),
        {"name": "Repeat order", "duration_unit": "days", "probability_policy": "follow_stage", "op": "save"},
        **HTMX,
    )

    assert response.status_code == 200
    assert response["HX-Redirect"] == reverse("guides:sale_type_list")
    assert SaleType.objects.filter(name="Repeat order", has_guide=False).exists()


def test_the_wizard_back_button_keeps_the_arranged_stages(admin_client, setup):
    lead, offer = setup["lead"].pk, setup["offer"].pk

    response = admin_client.post(
        reverse("guides:wizard_sale_type_new"), {"name": "", "stage_ids": [offer, lead], "op": "back"}
    )

    assert response.status_code == 302
    assert response["Location"] == f"{reverse('guides:wizard_stages')}?stages={offer}&stages={lead}"
    assert not SaleType.objects.filter(name="").exists()


def test_a_sale_type_is_deleted_after_confirmation_and_can_be_restored(admin_client, setup):
    sale_type = setup["sale_type"]
    confirm = admin_client.get(reverse("guides:sale_type_delete", args=[sale_type.pk]))
    assert "Delete the sale type “Sale to new customer”?" in text_of(confirm)
    assert SaleType.objects.get(pk=sale_type.pk).deleted is False

    admin_client.post(reverse("guides:sale_type_delete", args=[sale_type.pk]))
    listed = admin_client.get(reverse("guides:sale_type_list"))
    deleted = admin_client.get(reverse("guides:sale_type_list"), {"deleted": "1"})

    assert "Sale type “Sale to new customer” deleted." in text_of(listed)
    assert reverse("guides:sale_type_edit", args=[sale_type.pk]) not in listed.content.decode()
    assert reverse("guides:sale_type_restore", args=[sale_type.pk]) in deleted.content.decode()
    admin_client.post(reverse("guides:sale_type_restore", args=[sale_type.pk]))
    assert SaleType.objects.get(pk=sale_type.pk).deleted is False


# --- the wizard --------------------------------------------------------------------------------------------


def test_the_wizard_writes_each_step_through_as_it_goes(admin_client, setup):
    # Step 1: the admin creates a stage inline (keeping the ticked "Lead") and goes on with both
    step1 = reverse("guides:wizard_stages")
    created = admin_client.post(
        step1, {"stages": [setup["lead"].pk], "name": "Demo", "probability": "30", "op": "add_stage"}, **HTMX
    )
    demo = Stage.objects.get(name="Demo")
    assert (demo.probability, demo.deleted) == (30, False)
    assert f'id="stage-choice-{demo.pk}" checked' in created.content.decode()
    assert f'id="stage-choice-{setup["lead"].pk}" checked' in created.content.decode()
    going_on = admin_client.post(
        step1, {"stages": [setup["lead"].pk, demo.pk], "order": [setup["lead"].pk], "op": "next"}
    )
    assert going_on.status_code == 302
    assert (
        going_on["Location"] == f"{reverse('guides:wizard_sale_type_new')}?stages={setup['lead'].pk}&stages={demo.pk}"
    )

    # Step 2: the sale type with those stages in order
    step2 = admin_client.get(going_on["Location"])
    assert text_of(step2).index("Lead") < text_of(step2).index("Demo")
    saved = admin_client.post(
        reverse("guides:wizard_sale_type_new"),
        {
            "name": "Demo sale",
            "duration": "1",
            "duration_unit": "weeks",
            "stage_ids": [setup["lead"].pk, demo.pk],
            "op": "save",
        },
    )
    sale_type = SaleType.objects.get(name="Demo sale")
    assert saved["Location"] == reverse("guides:wizard_guide", args=[sale_type.pk])
    assert [link.stage.name for link in sale_types.active_links(sale_type)] == ["Lead", "Demo"]
    assert sale_type.has_guide is False

    # Step 3: switch the guide on
    switched = admin_client.post(
        reverse("guides:wizard_guide", args=[sale_type.pk]),
        {"auto_advance": "on", "probability_policy": "follow_stage"},
    )
    assert switched["Location"] == reverse("guides:wizard_followups", args=[sale_type.pk])
    sale_type.refresh_from_db()
    assert (sale_type.has_guide, sale_type.auto_advance) == (True, True)

    # Step 4: a follow-up on the second stage, and the page returns to the wizard (not the designer)
    step4 = reverse("guides:wizard_followups", args=[sale_type.pk])
    page = admin_client.get(step4, {"stage": demo.pk})
    assert "Step 4 of 5: follow-ups per stage" in text_of(page)
    assert re.findall(r'class="stagebar__name"[^>]*>(\w+)<', page.content.decode()) == ["Lead", "Demo"]
    back = f"{step4}?stage={demo.pk}"
    added = admin_client.post(
        reverse("guides:suggestion_add", args=[sale_type.pk, demo.pk, "followups"]),
        {**followup_data(setup["call"].pk, name="Show the product"), "next": back},
    )
    assert added["Location"] == back

    # Step 5: a document on the first stage
    admin_client.post(
        reverse("guides:suggestion_add", args=[sale_type.pk, setup["lead"].pk, "documents"]),
        {
            "documents-new-name": "Brochure",
            "documents-new-template": setup["quote"].pk,
            "next": reverse("guides:wizard_documents", args=[sale_type.pk]),
        },
    )

    # and the end shows the preview with both
    guide = guide_of_sale_type(sale_type)
    assert [f.name for f in guide.stages[1].followups] == ["Show the product"]
    assert [d.name for d in guide.stages[0].documents] == ["Brochure"]
    end = admin_client.get(reverse("guides:wizard_preview", args=[sale_type.pk]), {"all": "1"})
    assert "Your guide is ready" in text_of(end)
    assert re.findall(r'class="stagebar__name"[^>]*>(\w+)<', end.content.decode()) == ["Lead", "Demo"]
    assert "Show the product" in text_of(end) and "Brochure" in text_of(end)


def test_the_wizard_refuses_to_switch_on_a_guide_with_one_stage_and_says_why(admin_client, admin_user, setup):
    single = sale_types.create_sale_type(admin_user, name="Quick sale", stage_ids=[setup["lead"].pk])

    page = admin_client.get(reverse("guides:wizard_guide", args=[single.pk]))
    forced = admin_client.post(reverse("guides:wizard_guide", args=[single.pk]), {"probability_policy": "follow_stage"})

    assert "A guide cannot be switched on with fewer than two stages." in text_of(page)
    assert "Back to the sale type" in text_of(page)
    assert forced.status_code == 422
    assert "A guide needs at least 2 stages; this sale type has 1." in text_of(forced)
    assert SaleType.objects.get(pk=single.pk).has_guide is False


def test_the_wizard_refuses_a_new_stage_with_a_probability_over_100_next_to_the_field(admin_client):
    response = admin_client.post(
        reverse("guides:wizard_stages"), {"name": "Too sure", "probability": "101", "op": "add_stage"}
    )

    assert response.status_code == 422
    assert field_error(response, "id_probability") == "The probability must be between 0 and 100, not 101."
    assert not Stage.objects.filter(name="Too sure").exists()


# --- the preview -------------------------------------------------------------------------------------------


def test_the_preview_shows_the_stage_bar_in_order_with_probabilities_and_the_stage_suggestions(
    salesperson_client, admin_user, setup
):
    # Given a guide with suggestions on both stages
    add_followup(admin_user, setup, "Introduction call")
    add_followup(admin_user, setup, "Send the offer", stage="offer")
    guides.add_suggested_document(
        admin_user,
        setup["sale_type"].pk,
        setup["offer"].pk,
        name="Quotation",
        purpose="Put it in writing.",
        template_id=setup["quote"].pk,
    )
    url = reverse("guides:preview", args=[setup["sale_type"].pk])

    # when a salesperson opens the preview (everyone may read configuration)
    first = salesperson_client.get(url)

    # then it shows the stage bar in order with probabilities and the first stage's suggestions and purposes
    assert first.status_code == 200
    shown = text_of(first)
    assert shown.index("Lead 10%") < shown.index("Offer 50%")
    assert "First contact made." in shown
    assert "Introduction call" in shown and "Why Introduction call" in shown
    assert "Send the offer" not in shown
    assert "Phone call (out)" in shown and "on the day of the previous follow-up" in shown

    # and selecting the second stage shows its suggestions instead
    second = text_of(salesperson_client.get(url, {"stage": setup["offer"].pk}, **HTMX))
    assert "Send the offer" in second and "Quotation" in second and "Put it in writing." in second
    assert "Introduction call" not in second

    # and "show all stages" lists every stage's suggestions, grouped in stage order
    everything = text_of(salesperson_client.get(url, {"all": "1"}))
    assert everything.index("Introduction call") < everything.index("Send the offer") < everything.index("Quotation")


def test_the_preview_of_a_guide_that_is_off_says_salespeople_do_not_see_it(admin_client, admin_user, setup):
    sale_types.set_guide_active(admin_user, setup["sale_type"].pk, False)

    page = admin_client.get(reverse("guides:preview", args=[setup["sale_type"].pk]))

    assert "This guide is off: salespeople do not see it until it is turned on." in text_of(page)


# --- guides as files ---------------------------------------------------------------------------------------


def test_a_guide_downloads_as_a_yaml_file(admin_client, admin_user, setup):
    add_followup(admin_user, setup, "Introduction call")

    response = admin_client.get(reverse("guides:export", args=[setup["sale_type"].pk]))

    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/yaml")
    assert response["Content-Disposition"] == 'attachment; filename="sale-to-new-customer.yaml"'
    data = yaml.safe_load(response.content)
    assert data["sale_type"]["name"] == "Sale to new customer"
    assert [stage["name"] for stage in data["stages"]] == ["Lead", "Offer"]


def test_an_import_with_errors_lists_every_problem_with_its_place_and_changes_nothing(admin_client, admin_user, setup):
    # Given a guide file with two mistakes: an impossible probability and a follow-up without a name
    add_followup(admin_user, setup, "Introduction call")
    data = yaml.safe_load(guide_files.export_guide(setup["sale_type"]))
    data["sale_type"]["name"] = "Imported sale"
    data["stages"][1]["probability"] = 150
    data["stages"][0]["followups"][0]["name"] = ""
    counts = (SaleType.objects.count(), Stage.objects.count(), SuggestedFollowup.objects.count())

    # when the admin uploads it
    upload = _upload(yaml.safe_dump(data, allow_unicode=True))
    response = admin_client.post(reverse("guides:import"), {"file": upload})

    # then the page lists both problems with their places in the file, and nothing was created
    assert response.status_code == 422
    shown = text_of(response)
    assert "Nothing was imported." in shown
    assert "stages[1].probability" in shown
    assert "stages[0].followups[0].name" in shown
    assert (SaleType.objects.count(), Stage.objects.count(), SuggestedFollowup.objects.count()) == counts


def test_a_file_that_is_not_yaml_is_refused_with_a_message(admin_client):
    response = admin_client.post(reverse("guides:import"), {"file": _upload("stages: [unclosed")})

    assert response.status_code == 422
    assert "The file is not valid YAML" in text_of(response)


def test_importing_a_good_guide_file_creates_the_sale_type_and_opens_its_designer(admin_client, admin_user, setup):
    add_followup(admin_user, setup, "Introduction call")
    data = yaml.safe_load(guide_files.export_guide(setup["sale_type"]))
    data["sale_type"]["name"] = "Copied sale"

    response = admin_client.post(reverse("guides:import"), {"file": _upload(yaml.safe_dump(data, allow_unicode=True))})

    copied = SaleType.objects.get(name="Copied sale")
    assert response.status_code == 302
    assert response["Location"] == reverse("guides:designer", args=[copied.pk])
    assert names_in_stage(copied, setup["lead"]) == ["Introduction call"]


def test_an_admin_loads_the_english_starter_guides_from_the_designer_landing_page(admin_client):
    landing = admin_client.get(reverse("guides:landing"))
    assert "Load the starter guides" in text_of(landing)

    response = admin_client.post(reverse("guides:load_starter"), {"language": "en"}, follow=True)

    names = set(SaleType.objects.filter(deleted=False).values_list("name", flat=True))
    assert {"Sale to new customer", "Sale to existing customer", "Long sales process"} <= names
    assert "starter guides" in text_of(response)
    assert "Sale to existing customer" in text_of(response)


def _upload(text: str) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("guide.yaml", text.encode(), content_type="application/yaml")


# --- who may do what ---------------------------------------------------------------------------------------


def _write_requests(setup: dict[str, Any], item: SuggestedFollowup) -> list[tuple[str, dict[str, Any]]]:
    sale_type, lead = setup["sale_type"].pk, setup["lead"].pk
    return [
        (reverse("guides:sale_type_create"), {"name": "Mine", "op": "save"}),
        (reverse("guides:sale_type_edit", args=[sale_type]), {"name": "Mine", "op": "save"}),
        (reverse("guides:sale_type_delete", args=[sale_type]), {}),
        (reverse("guides:sale_type_restore", args=[sale_type]), {}),
        (reverse("guides:set_guide_active", args=[sale_type]), {"active": "0"}),
        (reverse("guides:set_expected_days", args=[sale_type, lead]), {"expected_days": "3"}),
        (add_url(setup), followup_data(setup["call"].pk)),
        (reverse("guides:suggestion_edit", args=["followups", item.pk]), {"followups-edit-name": "Mine"}),
        (reverse("guides:suggestion_move", args=["followups", item.pk]), {"direction": "down"}),
        (reverse("guides:suggestion_delete", args=["followups", item.pk]), {}),
        (reverse("guides:suggestion_restore", args=["followups", item.pk]), {}),
        (reverse("guides:import"), {}),
        (reverse("guides:load_starter"), {"language": "en"}),
        (reverse("guides:wizard_stages"), {"name": "Mine", "probability": "5", "op": "add_stage"}),
        (reverse("guides:wizard_sale_type_new"), {"name": "Mine", "op": "save"}),
        (reverse("guides:wizard_guide", args=[sale_type]), {"probability_policy": "follow_stage"}),
    ]


def test_a_salesperson_gets_403_on_every_write_and_nothing_changes(salesperson_client, admin_user, setup):
    item = add_followup(admin_user, setup, "Introduction call")
    before = guide_of_sale_type(setup["sale_type"])

    for url, data in _write_requests(setup, item):
        response = salesperson_client.post(url, data)
        assert response.status_code == 403, url

    assert guide_of_sale_type(SaleType.objects.get(pk=setup["sale_type"].pk)) == before
    assert not SaleType.objects.filter(name="Mine").exists()
    assert not Stage.objects.filter(name="Mine").exists()


def test_a_salesperson_may_not_open_the_designer_or_the_wizard(salesperson_client, setup):
    for url in (
        reverse("guides:landing"),
        reverse("guides:designer", args=[setup["sale_type"].pk]),
        reverse("guides:wizard_stages"),
        reverse("guides:export", args=[setup["sale_type"].pk]),
    ):
        assert salesperson_client.get(url).status_code == 403, url


def test_someone_not_logged_in_is_sent_to_the_login_page(setup):
    response = Client().get(reverse("guides:preview", args=[setup["sale_type"].pk]))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_sale_type_form_shows_an_empty_name_beside_a_duration_that_did_not_parse_when_both_are_wrong(
    admin_client, setup
):
    # Given an empty name (a rule of the service) and a duration that is not a number (issue 9, item 12)
    before = SaleType.objects.get(pk=setup["sale_type"].pk).name
    response = admin_client.post(
        reverse("guides:sale_type_edit", args=[setup["sale_type"].pk]),
        {
            "name": "",
            "duration": "soon",
            "duration_unit": "months",
            "probability_policy": "follow_stage",
            "stage_ids": [setup["lead"].pk, setup["offer"].pk],
            "op": "save",
        },
    )
    # Then both problems show at once, and nothing changed
    errors = re.findall(r'<div class="field__error"[^>]*>(.*?)</div>', response.content.decode(), re.S)
    assert len(errors) == 2, errors
    assert SaleType.objects.get(pk=setup["sale_type"].pk).name == before
